/*
 * irr.c
 *	  Internal rate of return by bracketing and Brent's method.  Pure C.
 *
 * With x = ln(1 + r), the net present value is
 *     NPV(x) = sum a_k exp(-x t_k) = P(x) - N(x)
 * where P sums the positive flows and N the magnitudes of the negative ones.
 * The root is sought on
 *     D(x) = log P(x) - log N(x),
 * computed with log-sum-exp: it has the sign of NPV, never overflows (a
 * one-day loan repaid twofold has r near 10^110), and is close to linear in
 * x for ordinary loans, which makes Brent's method converge in a few steps.
 *
 * Bracketing starts at x = 0 and steps outward in both directions over cells
 * [h_(j-1), h_j] with h_j = 1e-4 * 2^j, so when the flows change sign more
 * than once (several roots) the one found is the root nearest r = 0 at the
 * resolution of the cells.  The search covers x in [-50, 700], that is r from
 * -100% (within 2e-22) to about 1e304; a root below is reported as -100%
 * (x = -Infinity), one above as too large to represent.
 */
#include <math.h>
#include <stdlib.h>

#include "credit/credit.h"

#define IRR_X_MIN	(-50.0)
#define IRR_X_MAX	700.0
#define IRR_H0		1e-4

typedef struct IrrCtx
{
	const LrFlow *f;
	size_t		n;
} IrrCtx;

static double
LogSumExp(const IrrCtx *c, double x, bool positive)
{
	double		m = -INFINITY;
	double		s = 0;
	size_t		k;

	for (k = 0; k < c->n; k++)
		if ((c->f[k].a > 0) == positive)
		{
			double		e = c->f[k].la - x * c->f[k].t;

			if (e > m)
				m = e;
		}
	for (k = 0; k < c->n; k++)
		if ((c->f[k].a > 0) == positive)
			s += exp(c->f[k].la - x * c->f[k].t - m);
	return m + log(s);
}

static double
D(const IrrCtx *c, double x)
{
	return LogSumExp(c, x, true) - LogSumExp(c, x, false);
}

/* log of the sum of one sign's terms at x, and the weighted mean of their times */
static double
LogSumExpT(const IrrCtx *c, double x, bool positive, double *tmean)
{
	double		m = -INFINITY;
	double		s = 0,
				st = 0;
	size_t		k;

	for (k = 0; k < c->n; k++)
		if ((c->f[k].a > 0) == positive)
		{
			double		e = c->f[k].la - x * c->f[k].t;

			if (e > m)
				m = e;
		}
	for (k = 0; k < c->n; k++)
		if ((c->f[k].a > 0) == positive)
		{
			double		w = exp(c->f[k].la - x * c->f[k].t - m);

			s += w;
			st += w * c->f[k].t;
		}
	*tmean = st / s;
	return m + log(s);
}

/* D and its derivative: d/dx log sum a e^(-x t) is minus the weighted mean time */
static double
DWithSlope(const IrrCtx *c, double x, double *slope)
{
	double		tp,
				tn;
	double		d = LogSumExpT(c, x, true, &tp) - LogSumExpT(c, x, false, &tn);

	*slope = tn - tp;
	return d;
}

/*
 * Flows that change sign once in time order (every loan that is paid out
 * before it is repaid) have exactly one rate (Descartes' rule of signs) and
 * D is monotone: safeguarded Newton from x = 0 finds it in a few steps.
 * Returns false (and the caller brackets instead) if it does not settle.
 */
static bool
NewtonMonotone(const IrrCtx *c, double *x_out)
{
	double		x = 0,
				slope,
				f = DWithSlope(c, 0, &slope);
	double		lo = IRR_X_MIN,
				hi = IRR_X_MAX;
	bool		lo_seen = false,	/* lo / hi are evaluated points, not the range's ends */
				hi_seen = false;
	double		best_x = 0,
				best_f = fabs(f);
	double		dir;
	int			it;

	if (!(slope != 0) || !isfinite(f))
		return false;
	dir = slope > 0 ? 1 : -1;	/* D increases with x when dir > 0 */
	for (it = 0; it < 100; it++)
	{
		double		step,
					xn;
		bool		above;

		if (f == 0)
		{
			*x_out = x;
			return true;
		}
		/* the root lies above x when D is below zero and increasing, or above zero and decreasing */
		above = ((f < 0) == (dir > 0));
		if (above)
		{
			if (x >= IRR_X_MAX)
				return false;	/* beyond the range: the caller reports it */
			lo = x;
			lo_seen = true;
		}
		else
		{
			if (x <= IRR_X_MIN)
				return false;
			hi = x;
			hi_seen = true;
		}
		step = -f / slope;
		xn = x + step;
		if (!isfinite(xn) || xn >= hi)
			xn = hi_seen ? 0.5 * (lo + hi) : hi;
		else if (xn <= lo)
			xn = lo_seen ? 0.5 * (lo + hi) : lo;
		if (lo_seen && hi_seen && fabs(xn - x) <= 1e-15 * fmax(1.0, fabs(x)))
		{
			*x_out = xn;
			return true;
		}
		x = xn;
		f = DWithSlope(c, x, &slope);
		if (!isfinite(f) || !(slope * dir > 0))
			return false;
		if (fabs(f) < best_f)
		{
			best_f = fabs(f);
			best_x = x;
		}
		else if (it > 3 && lo_seen && hi_seen && hi - lo < 1e-12 * fmax(1.0, fabs(x)))
		{
			/* at the noise level of D: the best point found is the root */
			*x_out = best_x;
			return true;
		}
		if (lo_seen && hi_seen && hi - lo <= 1e-15 * fmax(1.0, fabs(x)))
		{
			*x_out = x;
			return true;
		}
	}
	return false;
}

/* Brent's method (Brent 1973, "zeroin") on [a, b] with fa, fb of opposite signs. */
static double
Brent(const IrrCtx *c, double a, double b, double fa, double fb)
{
	double		cc = a,
				fc = fa,
				d = b - a,
				e = d;
	int			iter;

	for (iter = 0; iter < 300; iter++)
	{
		double		tol,
					m,
					p,
					q,
					r,
					s;

		if ((fb > 0) == (fc > 0))
		{
			cc = a;
			fc = fa;
			d = e = b - a;
		}
		if (fabs(fc) < fabs(fb))
		{
			a = b;
			b = cc;
			cc = a;
			fa = fb;
			fb = fc;
			fc = fa;
		}
		tol = 2 * 2.220446049250313e-16 * fabs(b) + 1e-300;
		m = 0.5 * (cc - b);
		if (fabs(m) <= tol || fb == 0)
			return b;
		if (fabs(e) < tol || fabs(fa) <= fabs(fb))
			d = e = m;			/* bisection */
		else
		{
			s = fb / fa;
			if (a == cc)
			{
				p = 2 * m * s;	/* secant */
				q = 1 - s;
			}
			else
			{
				q = fa / fc;	/* inverse quadratic interpolation */
				r = fb / fc;
				p = s * (2 * m * q * (q - r) - (b - a) * (r - 1));
				q = (q - 1) * (r - 1) * (s - 1);
			}
			if (p > 0)
				q = -q;
			else
				p = -p;
			if (2 * p < fmin(3 * m * q - fabs(tol * q), fabs(e * q)))
			{
				e = d;
				d = p / q;
			}
			else
				d = e = m;
		}
		a = b;
		fa = fb;
		b += fabs(d) > tol ? d : (m > 0 ? tol : -tol);
		fb = D(c, b);
	}
	return b;
}

static int
FlowCmp(const void *x, const void *y)
{
	const LrFlow *a = x;
	const LrFlow *b = y;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return 0;
}

size_t
lr_flows_coalesce(LrFlow *f, size_t n)
{
	size_t		i,
				out = 0;

	if (n == 0)
		return 0;
	qsort(f, n, sizeof(LrFlow), FlowCmp);
	for (i = 0; i < n; i++)
	{
		if (out > 0 && f[out - 1].t == f[i].t)
			f[out - 1].a += f[i].a;
		else
			f[out++] = f[i];
	}
	/* flows that net to zero on a date do not count */
	n = out;
	out = 0;
	for (i = 0; i < n; i++)
		if (f[i].a != 0)
			f[out++] = f[i];
	return out;
}

bool
lr_irr(LrFlow *flows, size_t n, double *x_out, LrError *err)
{
	IrrCtx		c;
	size_t		k,
				npos = 0,
				nneg = 0;
	double		lo_x = 0,
				hi_x = 0,
				flo,
				fhi;
	double		f0;
	int			j;
	bool		up_done = false,
				down_done = false;

	for (k = 0; k < n; k++)
	{
		if (flows[k].a > 0)
			npos++;
		else if (flows[k].a < 0)
			nneg++;
	}
	if (npos == 0 || nneg == 0)
	{
		lr_error_set(err, LR_ERR_INVALID, "cash flows do not change sign");
		lr_error_detail(err, "A rate of return needs money lent (negative amounts) and money repaid "
						"(positive amounts); %s.",
						n == 0 ? "every flow is zero" :
						npos == 0 ? "every flow (netted per date) is negative" :
						"every flow (netted per date) is positive");
		return false;
	}

	c.f = flows;
	c.n = n;
	for (k = 0; k < n; k++)
		flows[k].la = log(fabs(flows[k].a));

	{
		/* one sign change in time order? (flows are sorted by t) */
		int			changes = 0;

		for (k = 1; k < n; k++)
			if ((flows[k].a > 0) != (flows[k - 1].a > 0))
				changes++;
		if (changes == 1 && NewtonMonotone(&c, x_out))
			return true;
	}

	f0 = D(&c, 0);
	if (f0 == 0)
	{
		*x_out = 0;
		return true;
	}
	flo = fhi = f0;
	for (j = 0; !(up_done && down_done); j++)
	{
		double		h = IRR_H0 * ldexp(1.0, j);
		double		f;

		if (!up_done)
		{
			double		x = h < IRR_X_MAX ? h : IRR_X_MAX;

			f = D(&c, x);
			if (f == 0)
			{
				*x_out = x;
				return true;
			}
			if ((f > 0) != (fhi > 0))
			{
				*x_out = Brent(&c, hi_x, x, fhi, f);
				return true;
			}
			hi_x = x;
			fhi = f;
			up_done = (x >= IRR_X_MAX);
		}
		if (!down_done)
		{
			double		x = -h > IRR_X_MIN ? -h : IRR_X_MIN;

			f = D(&c, x);
			if (f == 0)
			{
				*x_out = x;
				return true;
			}
			if ((f > 0) != (flo > 0))
			{
				*x_out = Brent(&c, x, lo_x, f, flo);
				return true;
			}
			lo_x = x;
			flo = f;
			down_done = (x <= IRR_X_MIN);
		}
	}

	/*
	 * No root in the range.  As x -> +inf the earliest flow dominates the
	 * net present value, as x -> -inf the latest: when those signs differ
	 * from D's at the ends of the range, a root lies beyond that end.  Below
	 * x = -50 the rate is -100% within 2e-22, which is -1 in every digit
	 * shown; above x = 700 it is beyond 10^300%, too large to represent.
	 */
	if ((fhi > 0) != (flows[0].a > 0))
	{
		lr_error_set(err, LR_ERR_LIMIT, "the rate of return of these cash flows is too large to represent");
		lr_error_detail(err, "It is above 10^300%% a period.");
		return false;
	}
	if ((flo > 0) != (flows[n - 1].a > 0))
	{
		*x_out = -INFINITY;
		return true;
	}
	lr_error_set(err, LR_ERR_INVALID, "cash flows have no internal rate of return");
	lr_error_detail(err, "Their net present value keeps the same sign at every rate from -100%% to 10^300%%.");
	return false;
}

bool
lr_schedule_irr(const LrSchedRow *rows, int term, int64_t principal, int64_t fee,
				LrFlow *flows, double *log1p_rate, LrError *err)
{
	int			k;
	size_t		n;

	/* the borrower receives the principal less the fee */
	flows[0].t = 0;
	flows[0].a = -(double) (principal - fee) / 100.0;
	for (k = 0; k < term; k++)
	{
		flows[k + 1].t = k + 1;
		flows[k + 1].a = (double) rows[k].payment / 100.0;
	}
	n = lr_flows_coalesce(flows, (size_t) term + 1);
	return lr_irr(flows, n, log1p_rate, err);
}
