/*
 * store_math.c
 *	  Pure C numerics of the store normalisations: the standard normal
 *	  quantile and the Wilson score lower bound.
 */
#include <math.h>

#include "features/features.h"

/*
 * Standard normal quantile: Acklam's rational approximation (relative error
 * below 1.2e-9) followed by one Halley step on erfc, which brings it to
 * about the precision of a double.  p must be in (0, 1).
 */
double
lr_norm_quantile(double p)
{
	static const double a[6] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
	1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
	static const double b[5] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
	6.680131188771972e+01, -1.328068155288572e+01};
	static const double c[6] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
	-2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
	static const double d[4] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
	3.754408661907416e+00};
	const double plow = 0.02425;
	double		q;
	double		r;
	double		x;
	double		e;
	double		u;

	if (p < plow)
	{
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
			((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	else if (p <= 1 - plow)
	{
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
			(((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	}
	else
	{
		q = sqrt(-2 * log(1 - p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
			((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	/* Halley refinement; in the upper tail work with 1 - p to keep its digits. */
	if (p > 0.5)
		e = (1 - p) - 0.5 * erfc(x / sqrt(2.0));
	else
		e = 0.5 * erfc(-x / sqrt(2.0)) - p;
	u = e * sqrt(2 * M_PI) * exp(x * x / 2);
	return x - u / (1 + x * u / 2);
}

/*
 * Lower bound of the Wilson score interval for positive successes out of
 * total at two-sided confidence `confidence`; 0 when total is 0.
 */
double
lr_wilson_lower(int64_t positive, int64_t total, double confidence)
{
	double		n = (double) total;
	double		phat;
	double		z;
	double		z2;
	double		lo;

	/* No successes: the bound is exactly 0 (the formula leaves rounding dust). */
	if (total == 0 || positive == 0)
		return 0;
	phat = (double) positive / n;

	/*
	 * The upper quantile from its tail, -q((1 - c) / 2): 1 - (1 - c) / 2
	 * rounds to 1 for c = 0.9999999999999999 (the quantile of 1 is infinite).
	 * 1 - c is exact for c >= 0.5.
	 */
	z = -lr_norm_quantile((1 - confidence) / 2);
	z2 = z * z;

	/*
	 * (phat + z2 / 2n - z sqrt(D)) / (1 + z2 / n), D = (phat (1 - phat) + z2 / 4n) / n,
	 * multiplied out by (phat + z2 / 2n + z sqrt(D)): the numerator becomes
	 * phat^2 (1 + z2 / n), so the bound is phat^2 / (phat + z2 / 2n + z sqrt(D)),
	 * a quotient of positive terms, without the cancellation that leaves
	 * rounding dust (or a negative bound) when the bound is near 0.
	 */
	lo = phat * phat / (phat + z2 / (2 * n) + z * sqrt((phat * (1 - phat) + z2 / (4 * n)) / n));
	return lo;
}
