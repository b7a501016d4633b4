/*
 * chisq.c
 *	  Regularized upper incomplete gamma function Q(a, x) and the chi-square
 *	  survival function, for the p-value of the Hosmer-Lemeshow test.  Pure C.
 *
 * Q(a, x) = Gamma(a, x) / Gamma(a).  For x < a + 1 the power series of the
 * lower function P(a, x) converges fast and Q = 1 - P (P is then at most
 * about 0.6, so nothing cancels); elsewhere the continued fraction of
 * Gamma(a, x) (Legendre's, evaluated by the modified Lentz method) gives Q
 * directly, so tiny p-values keep their relative precision.  Both share the
 * prefactor x^a e^-x / Gamma(a), taken through logarithms so it neither
 * overflows nor underflows early.
 */
#include <math.h>

#include "metrics/metrics.h"

#define EPS 1e-17
#define TINY 1e-300
#define MAX_ITER 100000

/* log(1 + t) - t without cancellation for small t: with y = t / (2 + t),
 * log(1 + t) = 2 (y + y^3/3 + y^5/5 + ...) and 2y - t = -t^2 / (2 + t). */
static double
Log1pMinusX(double t)
{
	double		y;
	double		y2;
	double		pow;
	double		sum = 0;

	if (fabs(t) > 0.5)
		return log1p(t) - t;
	y = t / (2.0 + t);
	y2 = y * y;
	pow = y * y2;
	for (int k = 3; k < 200; k += 2)
	{
		double		term = pow / k;

		sum += term;
		if (fabs(term) <= fabs(sum) * EPS)
			break;
		pow *= y2;
	}
	return -t * t / (2.0 + t) + 2.0 * sum;
}

/*
 * x^a e^-x / Gamma(a).  For large a the three terms of its logarithm are
 * each about a ln a and cancel; Stirling's series for ln Gamma(a) turns it
 * into a log1p(t) - a t, t = (x - a) / a, plus small terms, which keeps the
 * p-value accurate to about 1e-14 even for thousands of degrees of freedom.
 */
static double
Prefactor(double a, double x)
{
	if (a >= 15)
	{
		double		a2 = a * a;
		/* ln Gamma(a) - ((a - 1/2) ln a - a + ln(2 pi) / 2), to below 1e-16 for a >= 15 */
		double		corr = (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - 1.0 / (1188 * a2)) / a2) / a2) / a2) / a;

		return exp(a * Log1pMinusX((x - a) / a) + 0.5 * log(a / (2 * M_PI)) - corr);
	}
	return exp(a * log(x) - x - lgamma(a));
}

/* P(a, x) = x^a e^-x / Gamma(a) * sum_n x^n / (a (a+1) ... (a+n)) */
static double
LowerSeries(double a, double x)
{
	double		ap = a;
	double		term = 1.0 / a;
	double		sum = term;

	for (int n = 0; n < MAX_ITER; n++)
	{
		ap += 1.0;
		term *= x / ap;
		sum += term;
		if (fabs(term) < fabs(sum) * EPS)
			break;
	}
	return sum * Prefactor(a, x);
}

/* Q(a, x) = x^a e^-x / Gamma(a) * 1 / (x + 1 - a - 1 (1 - a) / (x + 3 - a - 2 (2 - a) / (x + 5 - a - ...))) */
static double
UpperFraction(double a, double x)
{
	double		b = x + 1.0 - a;
	double		c = 1.0 / TINY;
	double		d = 1.0 / b;
	double		h = d;

	for (int i = 1; i < MAX_ITER; i++)
	{
		double		an = -i * (i - a);
		double		del;

		b += 2.0;
		d = an * d + b;
		if (fabs(d) < TINY)
			d = TINY;
		c = b + an / c;
		if (fabs(c) < TINY)
			c = TINY;
		d = 1.0 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1.0) < EPS * 10)
			break;
	}
	return h * Prefactor(a, x);
}

double
lr_gamma_q(double a, double x)
{
	if (isnan(a) || isnan(x) || !(a > 0) || isinf(a) || x < 0)
		return NAN;
	if (x == 0)
		return 1.0;
	if (isinf(x))
		return 0.0;
	if (x < a + 1.0)
		return 1.0 - LowerSeries(a, x);
	return UpperFraction(a, x);
}

double
lr_chi2_sf(double x, double df)
{
	if (isnan(x) || isnan(df) || !(df > 0) || isinf(df))
		return NAN;
	if (x <= 0)
		return 1.0;
	return lr_gamma_q(df / 2.0, x / 2.0);
}
