/*
 * binning.c
 *	  Optimal binning of one feature of a pre-binning state; see binning.h.
 *	  Pure C.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/lr_json.h"
#include "stats/woe.h"
#include "training/binning.h"

static void *
ArenaN(LrArena *arena, size_t n, size_t size)
{
	size_t		bytes;

	if (!lr_size_mul(n, size, &bytes))
		return NULL;
	return lr_arena_alloc0(arena, bytes == 0 ? 1 : bytes);
}

/* ---------------------------------------------------------------- the search */

typedef struct DpCell
{
	double		v;				/* best IV of pre-bins 0..e in k groups, last group a..e */
	int32_t		prev;			/* start of the previous group, -1 for none */
	int8_t		prevph;
} DpCell;

static inline bool
Better(double x, double y)
{
	if (y == -INFINITY)
		return x > -INFINITY;
	return x > y + 1e-12 * fmax(1.0, fabs(y));
}

/*
 * The phase after a group with bad rate rn follows one with rate rp in phase
 * ph, or -1 when the trend forbids it.  Phases: peak and valley are 0 before
 * the turn and 1 after it; other trends stay in 0.
 */
static inline int
Step(LrTrend trend, int ph, double rp, double rn, double d)
{
	bool		up = d > 0 ? (rn - rp >= d) : (rn > rp);
	bool		down = d > 0 ? (rp - rn >= d) : (rn < rp);

	switch (trend)
	{
		case LR_TREND_ASCENDING:
			return up ? 0 : -1;
		case LR_TREND_DESCENDING:
			return down ? 0 : -1;
		case LR_TREND_PEAK:
			if (ph == 0)
				return up ? 0 : (down ? 1 : -1);
			return down ? 1 : -1;
		case LR_TREND_VALLEY:
			if (ph == 0)
				return down ? 0 : (up ? 1 : -1);
			return up ? 1 : -1;
		case LR_TREND_NONE:
		case LR_TREND_AUTO:
		default:
			if (d > 0)
				return (up || down) ? 0 : -1;
			return 0;
	}
}

/*
 * For every group of pre-bins a..e (index a * n + e): whether it may be a bin
 * (no forced cut inside, goods and bads both, the minimum share unless it is
 * everything or an exempt single pre-bin), and if so its IV term and bad
 * rate.  false when out of memory.
 */
static bool
DpGroups(const LrDpProblem *p, LrArena *arena, double *giv, double *grate, bool *gok)
{
	size_t		n = p->n;
	int64_t    *pg = ArenaN(arena, n + 1, sizeof(int64_t));
	int64_t    *pb = ArenaN(arena, n + 1, sizeof(int64_t));
	size_t	   *nf = ArenaN(arena, n, sizeof(size_t));

	if (pg == NULL || pb == NULL || nf == NULL)
		return false;
	for (size_t i = 0; i < n; i++)
	{
		pg[i + 1] = pg[i] + p->goods[i];
		pb[i + 1] = pb[i] + p->bads[i];
	}
	nf[n - 1] = n;
	for (size_t a = n - 1; a-- > 0;)
		nf[a] = (p->forced != NULL && p->forced[a + 1]) ? a + 1 : nf[a + 1];
	for (size_t a = 0; a < n; a++)
		for (size_t e = a; e < n; e++)
		{
			int64_t		g = pg[e + 1] - pg[a];
			int64_t		b = pb[e + 1] - pb[a];
			double		cnt = (double) (g + b);
			bool		ok = e < nf[a] && g > 0 && b > 0 &&
				(cnt >= p->min_share * p->N || (a == 0 && e == n - 1) ||
				 (a == e && p->exempt != NULL && p->exempt[a]));

			gok[a * n + e] = ok;
			if (ok)
			{
				double		gs = (double) g / p->G;
				double		bs = (double) b / p->B;
				double		woe = log(((double) g * p->B) / ((double) b * p->G));

				giv[a * n + e] = (gs - bs) * woe;
				grate[a * n + e] = (double) b / cnt;
			}
		}
	return true;
}

bool
lr_bin_optimal(const LrDpProblem *p, LrArena *arena, LrDpResult *r, LrError *err)
{
	size_t		n = p->n;
	int			K = p->max_bins < (int) n ? p->max_bins : (int) n;
	int			P = (p->trend == LR_TREND_PEAK || p->trend == LR_TREND_VALLEY) ? 2 : 1;
	double	   *giv,
			   *grate;
	bool	   *gok;
	DpCell	   *cell;
	size_t		ncells;
	double		best = -INFINITY;
	int			bk = -1,
				ba = -1,
				bph = -1;

	memset(r, 0, sizeof(*r));
	if (n == 0 || K < 1)
		return true;
	giv = ArenaN(arena, n * n, sizeof(double));
	grate = ArenaN(arena, n * n, sizeof(double));
	gok = ArenaN(arena, n * n, sizeof(bool));
	if (!lr_size_mul((size_t) K * n * n, (size_t) P, &ncells))
		return lr_error_nomem(err, NULL);
	cell = ArenaN(arena, ncells, sizeof(DpCell));
	if (giv == NULL || grate == NULL || gok == NULL || cell == NULL ||
		!DpGroups(p, arena, giv, grate, gok))
		return lr_error_nomem(err, NULL);

#define CELL(k, a, e, ph) cell[((((size_t) (k) - 1) * n + (a)) * n + (e)) * P + (ph)]
	for (size_t i = 0; i < ncells; i++)
	{
		cell[i].v = -INFINITY;
		cell[i].prev = -1;
		cell[i].prevph = 0;
	}
	for (size_t e = 0; e < n; e++)
		if (gok[e])
			CELL(1, 0, e, 0).v = giv[e];
	for (int k = 2; k <= K; k++)
		for (size_t a = 1; a < n; a++)
			for (size_t e = a; e < n; e++)
			{
				double		rn;

				if (!gok[a * n + e])
					continue;
				rn = grate[a * n + e];
				for (size_t l = 0; l < a; l++)
				{
					double		rp;

					if (!gok[l * n + a - 1])
						continue;
					rp = grate[l * n + a - 1];
					for (int ph = 0; ph < P; ph++)
					{
						const DpCell *c = &CELL(k - 1, l, a - 1, ph);
						int			nph;
						double		cand;
						DpCell	   *t;

						if (c->v == -INFINITY)
							continue;
						nph = Step(p->trend, ph, rp, rn, p->min_diff);
						if (nph < 0)
							continue;
						cand = c->v + giv[a * n + e];
						t = &CELL(k, a, e, nph);
						if (Better(cand, t->v))
						{
							t->v = cand;
							t->prev = (int32_t) l;
							t->prevph = (int8_t) ph;
						}
					}
				}
			}
	for (int k = 1; k <= K; k++)
		for (size_t a = 0; a < n; a++)
			for (int ph = 0; ph < P; ph++)
				if (Better(CELL(k, a, n - 1, ph).v, best))
				{
					best = CELL(k, a, n - 1, ph).v;
					bk = k;
					ba = (int) a;
					bph = ph;
				}
	if (bk < 0)
		return true;
	r->feasible = true;
	r->ngroups = (size_t) bk;
	r->iv = best;
	r->starts = ArenaN(arena, (size_t) bk, sizeof(size_t));
	if (r->starts == NULL)
		return lr_error_nomem(err, NULL);
	{
		int			k = bk;
		int			a = ba;
		int			ph = bph;
		size_t		e = n - 1;

		while (k >= 1)
		{
			const DpCell *c = &CELL(k, a, e, ph);

			r->starts[k - 1] = (size_t) a;
			e = (size_t) a - 1;
			a = c->prev;
			ph = c->prevph;
			k--;
		}
	}
#undef CELL
	return true;
}

/* ---------------------------------------------------------------- helpers */

typedef struct PreBin
{
	int64_t		g;
	int64_t		b;
	double		lower;			/* numeric: lower bound (first pre-bin: -inf) */
	bool		forced;			/* a user split starts this pre-bin */
	size_t		first;			/* categorical: first level, and count */
	size_t		nlev;
} PreBin;

static void
FormatNum(char *buf, size_t len, double v)
{
	if (isinf(v))
		snprintf(buf, len, v > 0 ? "+inf" : "-inf");
	else
		lr_format_double(buf, len, v);
}

static void
RangeText(char *buf, size_t len, double lo, double hi)
{
	char		a[40],
				b[40];

	FormatNum(a, sizeof(a), lo);
	FormatNum(b, sizeof(b), hi);
	snprintf(buf, len, "[%s, %s)", a, b);
}

static void
SplitList(char *buf, size_t len, const LrBinOptions *o)
{
	size_t		w = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < o->nsplits && w + 40 < len; i++)
	{
		char		v[40];

		lr_format_double(v, sizeof(v), o->splits[i]);
		w += (size_t) snprintf(buf + w, len - w, "%s%s", i > 0 ? ", " : "", v);
	}
}

static void
RateList(char *buf, size_t len, const PreBin *seg, size_t nseg)
{
	size_t		w = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < nseg && w + 40 < len; i++)
	{
		char		v[40];

		lr_format_double(v, sizeof(v),
						 round((double) seg[i].b / (double) (seg[i].g + seg[i].b) * 1e6) / 1e6);
		w += (size_t) snprintf(buf + w, len - w, "%s%s", i > 0 ? ", " : "", v);
	}
}

/*
 * Why no binning keeps the user's split points: the first constraint that
 * the bins between split points already break, else the trend or the
 * minimum bad-rate difference.
 */
static bool
Infeasible(const char *name, const LrBinOptions *o, const PreBin *pre, size_t np,
		   const LrDpProblem *prob, LrArena *arena, LrError *err)
{
	PreBin	   *seg = ArenaN(arena, np, sizeof(PreBin));
	size_t		nseg = 0;
	char		splits[400];
	char		rates[400];
	char		range[100];

	if (seg == NULL)
		return lr_error_nomem(err, NULL);
	for (size_t i = 0; i < np; i++)
	{
		if (i == 0 || pre[i].forced)
		{
			seg[nseg] = pre[i];
			nseg++;
		}
		else
		{
			seg[nseg - 1].g += pre[i].g;
			seg[nseg - 1].b += pre[i].b;
		}
	}
	SplitList(splits, sizeof(splits), o);
	if ((int) nseg > o->max_bins)
		return lr_error_set(err, LR_ERR_INVALID,
							"feature \"%s\": split points %s need %zu bins, more than max_bins %d",
							name, splits, nseg, o->max_bins);
	for (size_t s = 0; s < nseg; s++)
	{
		double		hi = s + 1 < nseg ? seg[s + 1].lower : INFINITY;
		double		share = (double) (seg[s].g + seg[s].b) / prob->N;

		RangeText(range, sizeof(range), s == 0 ? -INFINITY : seg[s].lower, hi);
		if (share < o->min_bin_share && nseg > 1)
		{
			lr_error_set(err, LR_ERR_INVALID,
						 "feature \"%s\": the bin %s made by split points %s holds %.4g%% of the rows, less than min_bin_share %.4g%%",
						 name, range, splits, 100 * share, 100 * o->min_bin_share);
			lr_error_detail(err, "Split points are always kept, so every bin between them must meet the constraints.");
			return false;
		}
		if (seg[s].g == 0 || seg[s].b == 0)
			return lr_error_set(err, LR_ERR_INVALID,
								"feature \"%s\": the bin %s made by split points %s has no %s, so it has no finite WOE",
								name, range, splits, seg[s].b == 0 ? "bads" : "goods");
	}
	RateList(rates, sizeof(rates), seg, nseg);
	if (prob->min_diff > 0)
	{
		LrDpProblem q = *prob;
		LrDpResult	r;

		q.min_diff = 0;
		if (o->trend == LR_TREND_AUTO)
		{
			LrDpResult	r2;

			static const LrTrend shapes[] = {LR_TREND_ASCENDING, LR_TREND_DESCENDING,
			LR_TREND_PEAK, LR_TREND_VALLEY};

			r.feasible = false;
			for (size_t i = 0; i < 4; i++)
			{
				q.trend = shapes[i];
				if (!lr_bin_optimal(&q, arena, &r2, err))
					return false;
				r.feasible = r.feasible || r2.feasible;
			}
		}
		else if (!lr_bin_optimal(&q, arena, &r, err))
			return false;
		if (r.feasible)
		{
			char		d[40];

			lr_format_double(d, sizeof(d), o->min_bad_rate_diff);
			lr_error_set(err, LR_ERR_INVALID,
						 "feature \"%s\": no binning keeps split points %s with neighbouring bad rates at least %s apart",
						 name, splits, d);
			lr_error_detail(err, "Between the split points the bad rates are %s.", rates);
			return false;
		}
	}
	if (o->trend == LR_TREND_AUTO)
		lr_error_set(err, LR_ERR_INVALID,
					 "feature \"%s\": no binning keeps split points %s with an ascending, descending, peak or valley bad rate",
					 name, splits);
	else
		lr_error_set(err, LR_ERR_INVALID,
					 "feature \"%s\": no binning keeps split points %s with a%s %s bad rate",
					 name, splits, o->trend == LR_TREND_ASCENDING ? "n" : "", lr_trend_name(o->trend));
	lr_error_detail(err, "Between the split points the bad rates are %s.", rates);
	return false;
}

#define LR_SHAPE_MIN_PRICE 10.828	/* chi-square(1) at 0.999 */

/* Binomial log-likelihood of the range rows under a partition's bad rates. */
static double
PartitionLL(const LrDpProblem *p, const LrDpResult *r)
{
	double		ll = 0;

	for (size_t k = 0; k < r->ngroups; k++)
	{
		size_t		s0 = r->starts[k];
		size_t		s1 = k + 1 < r->ngroups ? r->starts[k + 1] : p->n;
		double		g = 0,
					b = 0;

		for (size_t i = s0; i < s1; i++)
		{
			g += (double) p->goods[i];
			b += (double) p->bads[i];
		}
		/* Every group of a feasible partition has goods and bads. */
		ll += b * log(b / (g + b)) + g * log(g / (g + b));
	}
	return ll;
}

/*
 * The better monotone solution of auto: ascending unless descending is
 * strictly better, or equal with fewer bins, or equal in every way and the
 * data fall (a single bin: the bad rate of the upper half below that of the
 * lower).  res->feasible is false when neither is.
 */
static bool
SolveMonotone(const PreBin *pre, size_t np, LrDpProblem *prob, LrArena *arena, LrDpResult *res,
			  LrTrend *applied, LrError *err)
{
	LrDpResult	ra,
				rd;

	prob->trend = LR_TREND_ASCENDING;
	if (!lr_bin_optimal(prob, arena, &ra, err))
		return false;
	prob->trend = LR_TREND_DESCENDING;
	if (!lr_bin_optimal(prob, arena, &rd, err))
		return false;
	if (ra.feasible && (!rd.feasible || !Better(rd.iv, ra.iv)))
	{
		bool		pick_desc = false;

		if (rd.feasible && !Better(ra.iv, rd.iv))
		{
			if (rd.ngroups < ra.ngroups)
				pick_desc = true;
			else if (rd.ngroups == ra.ngroups)
			{
				int64_t		tot = 0,
							half = 0,
							lg = 0,
							lb = 0,
							hg = 0,
							hb = 0;

				for (size_t i = 0; i < np; i++)
					tot += pre[i].g + pre[i].b;
				for (size_t i = 0; i < np; i++)
				{
					if (2 * half < tot)
					{
						lg += pre[i].g;
						lb += pre[i].b;
					}
					else
					{
						hg += pre[i].g;
						hb += pre[i].b;
					}
					half += pre[i].g + pre[i].b;
				}
				if (lg + lb > 0 && hg + hb > 0 &&
					(double) hb / (double) (hg + hb) < (double) lb / (double) (lg + lb))
					pick_desc = true;
			}
		}
		*res = pick_desc ? rd : ra;
		*applied = pick_desc ? LR_TREND_DESCENDING : LR_TREND_ASCENDING;
	}
	else if (rd.feasible)
	{
		*res = rd;
		*applied = LR_TREND_DESCENDING;
	}
	else
		res->feasible = false;
	return true;
}

/*
 * The better turning solution of auto: peak or valley by IV (ties: fewer
 * bins, then peak).
 */
static bool
SolveTurning(LrDpProblem *prob, LrArena *arena, LrDpResult *res, LrTrend *applied, LrError *err)
{
	LrDpResult	rp,
				rv;

	prob->trend = LR_TREND_PEAK;
	if (!lr_bin_optimal(prob, arena, &rp, err))
		return false;
	prob->trend = LR_TREND_VALLEY;
	if (!lr_bin_optimal(prob, arena, &rv, err))
		return false;
	if (rp.feasible && (!rv.feasible || !Better(rv.iv, rp.iv)) &&
		!(rv.feasible && !Better(rp.iv, rv.iv) && rv.ngroups < rp.ngroups))
	{
		*res = rp;
		*applied = LR_TREND_PEAK;
	}
	else if (rv.feasible)
	{
		*res = rv;
		*applied = LR_TREND_VALLEY;
	}
	else
		res->feasible = false;
	return true;
}

/*
 * Solves for the option's trend.  auto (see binning.h, "Shapes"): the better
 * monotone solution, replaced by the better turning one (peak or valley)
 * only when the turn explains the data clearly better, by the rule
 *
 *     2 (LL_turn - LL_mono) > max(ln N, 10.83) * max(1, k_turn - k_mono + 1)
 *
 * with LL the binomial log-likelihood of the range rows under each
 * partition's bad rates, k the bins and N the range rows: the BIC's price of
 * the extra bins, plus one bin's price for choosing where the rate turns.
 * Below N = 50,000 the price per bin is held at 10.83, the 99.9% point of a
 * chi-square with one degree of freedom, so that a turn found by searching
 * noise in a small sample is rarely taken.
 * When no monotone binning keeps the user's split points, a turning one that
 * does is taken as it is.
 */
static bool
Solve(const char *name, const LrBinOptions *o, const PreBin *pre, size_t np, LrDpProblem *prob,
	  LrArena *arena, LrDpResult *res, LrTrend *applied, LrBinShapeTest *test, LrError *err)
{
	if (o->trend == LR_TREND_AUTO && np > 1)
	{
		if (!SolveMonotone(pre, np, prob, arena, res, applied, err))
			return false;
		if (np > 2)
		{
			LrDpResult	rt;
			LrTrend		tt = LR_TREND_PEAK;

			if (!SolveTurning(prob, arena, &rt, &tt, err))
				return false;
			if (rt.feasible && !res->feasible)
			{
				*res = rt;
				*applied = tt;
			}
			else if (rt.feasible && Better(rt.iv, res->iv))
			{
				double		n = 0;
				double		gain,
							price;

				for (size_t i = 0; i < np; i++)
					n += (double) (prob->goods[i] + prob->bads[i]);
				gain = 2 * (PartitionLL(prob, &rt) - PartitionLL(prob, res));
				price = fmax(log(n), LR_SHAPE_MIN_PRICE) *
					fmax(1.0, (double) rt.ngroups - (double) res->ngroups + 1);
				if (test != NULL)
				{
					test->done = true;
					test->monotone = *applied;
					test->turning = tt;
					test->gain = gain > 0 ? gain : 0;
					test->price = price;
				}
				if (gain > price)
				{
					*res = rt;
					*applied = tt;
				}
			}
		}
		prob->trend = LR_TREND_AUTO;
	}
	else
	{
		prob->trend = o->trend == LR_TREND_AUTO ? LR_TREND_ASCENDING : o->trend;
		*applied = prob->trend;
		if (!lr_bin_optimal(prob, arena, res, err))
			return false;
	}
	if (!res->feasible)
		return Infeasible(name, o, pre, np, prob, arena, err);
	return true;
}

/* Fills WOE and IV of every bin with rows; bins without rows get the unseen policy's WOE. */
static bool
Woe(LrBinned *b, const LrBinOptions *o, LrArena *arena, LrError *err)
{
	size_t		nall = b->nbins + b->nspecial + 2;
	LrBinOut  **bins = ArenaN(arena, nall, sizeof(LrBinOut *));
	LrWoeBucket *wb = ArenaN(arena, nall, sizeof(LrWoeBucket));
	size_t		n = 0;
	double		worst = INFINITY;

	if (bins == NULL || wb == NULL)
		return lr_error_nomem(err, NULL);
	for (size_t i = 0; i < b->nbins; i++)
		bins[n++] = &b->bins[i];
	for (size_t i = 0; i < b->nspecial; i++)
		bins[n++] = &b->special[i];
	bins[n++] = &b->missing;
	{
		size_t		k = 0;

		for (size_t i = 0; i < n; i++)
		{
			bins[i]->no_rows = bins[i]->count == 0;
			if (bins[i]->no_rows)
				continue;
			wb[k].goods = bins[i]->count - bins[i]->bads;
			wb[k].bads = bins[i]->bads;
			k++;
		}
		if (!lr_woe_compute(wb, k, &b->iv))
			return lr_error_set(err, LR_ERR_INVALID,
								"feature \"%s\": WOE needs both goods and bads among the rows", b->name);
		k = 0;
		for (size_t i = 0; i < n; i++)
		{
			if (bins[i]->no_rows)
				continue;
			bins[i]->woe = wb[k].woe;
			bins[i]->iv = wb[k].iv;
			if (wb[k].woe < worst)
				worst = wb[k].woe;
			k++;
		}
	}
	if (b->type == LR_FTYPE_CATEGORICAL)
	{
		b->unseen.kind = LR_BIN_UNSEEN;
		b->unseen.count = 0;
		b->unseen.no_rows = true;
		bins[n++] = &b->unseen;
	}
	for (size_t i = 0; i < n; i++)
		if (bins[i]->no_rows)
		{
			bins[i]->woe = o->unseen == LR_UNSEEN_NEUTRAL ? 0 : worst;
			bins[i]->iv = 0;
		}
	return true;
}

/* The denominators of the search: the feature's totals after the fixed bins' empty-cell rule. */
static void
Denominators(const LrBinned *b, int64_t rg, int64_t rb, double *G, double *B)
{
	double		cg = (double) rg;
	double		cb = (double) rb;

	for (size_t i = 0; i < b->nspecial + 1; i++)
	{
		const LrBinOut *x = i < b->nspecial ? &b->special[i] : &b->missing;
		double		g,
					bb;

		if (x->count == 0)
			continue;
		lr_woe_corrected(x->count - x->bads, x->bads, &g, &bb);
		cg += g;
		cb += bb;
	}
	*G = cg;
	*B = cb;
}

/* ---------------------------------------------------------------- numeric */

/* Is key k a bucket start of the feature (so counts on both sides of it are exact)? */
static bool
IsBoundary(const LrPrebinState *st, int shift, uint64_t k)
{
	return lr_prebin_bucket(st, shift, k) == k;
}

static uint64_t
NextKey(uint64_t k)
{
	return (k + 1 == LR_KEY_NEG_ZERO) ? k + 2 : k + 1;
}

static bool
InInterval(double d, double lo, bool lo_open, double hi, bool hi_open)
{
	return (lo_open ? d > lo : d >= lo) && (hi_open ? d < hi : d <= hi);
}

/*
 * The decimal of fewest significant digits in the interval from lo to hi
 * (open at either end as asked), preferring, at equal length, hi, then the
 * midpoint, then lo rounded to that length; hi itself when no shorter one is
 * in (the interval always holds hi or, open at hi, is not empty).
 */
static double
ShortestDecimal(double lo, bool lo_open, double hi, bool hi_open)
{
	double		mid = lo / 2 + hi / 2;

	if (!isfinite(lo) || !isfinite(hi))
		return hi_open ? (isfinite(lo) ? lo : hi) : hi;
	for (int p = 1; p <= 17; p++)
	{
		const double cand[3] = {hi, mid, lo};

		for (int c = 0; c < 3; c++)
		{
			char		buf[40];
			double		d;

			snprintf(buf, sizeof(buf), "%.*e", p - 1, cand[c]);
			d = strtod(buf, NULL);
			if (d == 0)
				d = 0;			/* no -0 */
			if (InInterval(d, lo, lo_open, hi, hi_open))
				return d;
		}
	}
	return hi_open ? mid : hi;
}

/* The key where the bucket that starts at key k ends (the next bucket's start). */
static uint64_t
BucketEnd(const LrPrebinState *st, int shift, uint64_t k)
{
	uint64_t	e = shift >= 64 ? LR_KEY_POS_INF : (((k >> shift) + 1) << shift);

	if (e <= k || e > LR_KEY_POS_INF)
		e = LR_KEY_POS_INF;
	for (size_t i = 0; i < st->npins; i++)
		if (st->pins[i] > k && st->pins[i] < e)
			e = st->pins[i];
	if (e == LR_KEY_NEG_ZERO)
		e++;
	return e;
}

/*
 * Where a bin boundary falls between the range runs prev and next (keys):
 * the shortest decimal that keeps every training row on its side.  Exact
 * counts: any value above the previous distinct value and up to the next
 * one.  Buckets: from the end of the previous bucket to the start of the
 * next when empty buckets lie between; when the buckets touch, within the
 * bucket that starts the bin, so the boundary moves by less than the
 * bucket's relative width and only rows of that bucket can be scored in
 * the bin below the one that counted them.
 */
static double
CutValue(const LrPrebinState *st, int shift, uint64_t prev, uint64_t next)
{
	double		hi = lr_dist_value(next);

	if (shift == 0)
		return ShortestDecimal(lr_dist_value(prev), true, hi, false);
	{
		uint64_t	pe = BucketEnd(st, shift, prev);

		if (pe < next)
			return ShortestDecimal(lr_dist_value(pe), false, hi, false);
		return ShortestDecimal(hi, false, lr_dist_value(BucketEnd(st, shift, next)), true);
	}
}

/*
 * The partition problem of a feature's range pre-bins (numeric) or levels
 * (categorical): their counts, the share denominators and the options'
 * constraints.  The caller adds what is its own (forced starts, exempt
 * pre-bins).
 */
static bool
PrebinProblem(const LrBinned *b, const PreBin *pre, size_t np, int64_t rg, int64_t rbads,
			  const LrBinOptions *o, LrArena *arena, LrDpProblem *prob, LrError *err)
{
	int64_t    *gg = ArenaN(arena, np, sizeof(int64_t));
	int64_t    *bb = ArenaN(arena, np, sizeof(int64_t));

	if (gg == NULL || bb == NULL)
		return lr_error_nomem(err, NULL);
	for (size_t i = 0; i < np; i++)
	{
		gg[i] = pre[i].g;
		bb[i] = pre[i].b;
	}
	memset(prob, 0, sizeof(*prob));
	prob->n = np;
	prob->goods = gg;
	prob->bads = bb;
	Denominators(b, rg, rbads, &prob->G, &prob->B);
	prob->N = (double) b->rows;
	prob->min_share = o->min_bin_share;
	prob->max_bins = o->max_bins;
	prob->min_diff = o->min_bad_rate_diff;
	return true;
}

/* The runs of a numeric feature on their way to pre-bins. */
typedef struct NumRuns
{
	const LrPrebinState *st;
	const LrPrebinNum *num;
	size_t		nr;
	bool	   *special_run;	/* nr: the run of a special value */
	size_t	   *ridx;			/* range runs (not special), in order */
	size_t		nrange;
	int64_t		rg;				/* goods and bads of the range runs */
	int64_t		rbads;
	bool	   *cut;			/* nrange + 1: a pre-bin starts at this range run */
	double	   *cutval;			/* its lower bound */
	bool	   *cutforced;		/* a user split point: a bin must start here */
} NumRuns;

/* Special values: their runs, which must hold that value alone; then the range runs. */
static bool
NumSpecials(NumRuns *r, const LrBinOptions *o, LrArena *arena, LrBinned *b, LrError *err)
{
	const LrPrebinNum *num = r->num;
	char		v[40];

	b->nspecial = o->nspecial;
	b->special = ArenaN(arena, o->nspecial + 1, sizeof(LrBinOut));
	if (b->special == NULL)
		return lr_error_nomem(err, NULL);
	for (size_t s = 0; s < o->nspecial; s++)
	{
		uint64_t	k = lr_dist_key(o->special[s]);
		LrBinOut   *x = &b->special[s];

		x->kind = LR_BIN_SPECIAL;
		x->value = o->special[s];
		if (num->shift > 0 &&
			!(IsBoundary(r->st, num->shift, k) &&
			  (k == LR_KEY_POS_INF || IsBoundary(r->st, num->shift, NextKey(k)))))
		{
			lr_format_double(v, sizeof(v), o->special[s]);
			lr_error_set(err, LR_ERR_INVALID,
						 "feature \"%s\": special value %s was not an exact value of the pre-binning pass",
						 b->name, v);
			lr_error_detail(err, "The feature has more distinct values than the state counts exactly, so it keeps exact counts only at its exact values: pass the special values in the exact_values argument of prebin_partial.");
			return false;
		}
		for (size_t i = 0; i < r->nr; i++)
			if (num->keys[i] == k)
			{
				r->special_run[i] = true;
				x->count = num->cnt[2 * i] + num->cnt[2 * i + 1];
				x->bads = num->cnt[2 * i + 1];
			}
	}
	for (size_t i = 0; i < r->nr; i++)
		if (!r->special_run[i])
		{
			r->ridx[r->nrange++] = i;
			r->rg += num->cnt[2 * i];
			r->rbads += num->cnt[2 * i + 1];
		}
	return true;
}

/* User split points: a cut before the first range run at or above each. */
static bool
NumSplits(NumRuns *r, const LrBinOptions *o, const char *name, LrError *err)
{
	const LrPrebinNum *num = r->num;
	char		v[40];

	for (size_t s = 0; s < o->nsplits; s++)
	{
		uint64_t	k = lr_dist_key(o->splits[s]);
		size_t		pos = 0;

		lr_format_double(v, sizeof(v), o->splits[s]);
		if (num->shift > 0 && !IsBoundary(r->st, num->shift, k))
		{
			lr_error_set(err, LR_ERR_INVALID,
						 "feature \"%s\": split point %s was not an exact value of the pre-binning pass",
						 name, v);
			lr_error_detail(err, "The feature has more distinct values than the state counts exactly, so bins can end only at its exact values: pass the split points in the exact_values argument of prebin_partial.");
			return false;
		}
		while (pos < r->nrange && num->keys[r->ridx[pos]] < k)
			pos++;
		if (pos == 0 || pos == r->nrange || r->cutforced[pos])
		{
			char		lo[40];

			if (pos > 0 && pos < r->nrange)
				lr_format_double(lo, sizeof(lo), o->splits[s - 1]);
			if (pos == 0 || pos == r->nrange)
				return lr_error_set(err, LR_ERR_INVALID,
									"feature \"%s\": split point %s leaves no rows %s it",
									name, v, pos == 0 ? "below" : "at or above");
			return lr_error_set(err, LR_ERR_INVALID,
								"feature \"%s\": no rows lie between split points %s and %s",
								name, lo, v);
		}
		r->cut[pos] = true;
		r->cutforced[pos] = true;
		r->cutval[pos] = o->splits[s];
	}
	return true;
}

/* One range bin: no values, or only one class among them (no split point can be kept). */
static bool
NumOneBin(const NumRuns *r, const LrBinOptions *o, LrArena *arena, LrBinned *b, LrError *err)
{
	char		v[40];

	if (o->nsplits > 0)
	{
		SplitList(v, sizeof(v), o);
		return lr_error_set(err, LR_ERR_INVALID,
							"feature \"%s\": split points cannot be kept: the values outside the missing and special bins have %s",
							b->name, r->nrange == 0 ? "no rows" : (r->rg == 0 ? "no goods" : "no bads"));
	}
	b->nbins = 1;
	b->bins = ArenaN(arena, 1, sizeof(LrBinOut));
	if (b->bins == NULL)
		return lr_error_nomem(err, NULL);
	b->bins[0].kind = LR_BIN_RANGE;
	b->bins[0].lower = -INFINITY;
	b->bins[0].upper = INFINITY;
	b->bins[0].count = r->rg + r->rbads;
	b->bins[0].bads = r->rbads;
	b->nprebins = r->nrange > 0 ? 1 : 0;
	b->trend = o->trend == LR_TREND_AUTO ? LR_TREND_ASCENDING : o->trend;
	return Woe(b, o, arena, err);
}

/*
 * Pre-bins: equal-frequency cuts (never before a run of +Infinity: bounds
 * are finite) besides the user's, then the runs summed between cuts.
 */
static PreBin *
NumPrebins(NumRuns *r, const LrBinOptions *o, LrArena *arena, LrBinned *b, size_t *np)
{
	const LrPrebinNum *num = r->num;
	int64_t		R = r->rg + r->rbads;
	int64_t		cum = 0;
	int			P = o->max_prebins;
	int			c = 1;
	PreBin	   *pre;

	for (size_t pos = 0; pos < r->nrange; pos++)
	{
		size_t		i = r->ridx[pos];

		cum += num->cnt[2 * i] + num->cnt[2 * i + 1];
		while (c < P && (__int128) cum * P >= (__int128) R * c)
		{
			if (pos + 1 < r->nrange && num->keys[r->ridx[pos + 1]] != LR_KEY_POS_INF && !r->cut[pos + 1])
			{
				r->cut[pos + 1] = true;
				r->cutval[pos + 1] = CutValue(r->st, num->shift, num->keys[r->ridx[pos]],
											  num->keys[r->ridx[pos + 1]]);
			}
			c++;
		}
	}
	if ((pre = ArenaN(arena, r->nrange, sizeof(PreBin))) == NULL)
		return NULL;
	*np = 0;
	for (size_t pos = 0; pos < r->nrange; pos++)
	{
		size_t		i = r->ridx[pos];

		if (pos == 0 || r->cut[pos])
		{
			pre[*np].lower = pos == 0 ? -INFINITY : r->cutval[pos];
			pre[*np].forced = r->cutforced[pos];
			(*np)++;
		}
		pre[*np - 1].g += num->cnt[2 * i];
		pre[*np - 1].b += num->cnt[2 * i + 1];
		if (b->approximate)
		{
			double		share = (double) (num->cnt[2 * i] + num->cnt[2 * i + 1]) / (double) b->rows;

			if (share > b->max_bucket_share)
				b->max_bucket_share = share;
		}
	}
	return pre;
}

/* The optimal partition of the pre-bins (Solve), as the feature's range bins. */
static bool
NumSolve(const NumRuns *r, const PreBin *pre, size_t np, const LrBinOptions *o, LrArena *arena,
		 LrBinned *b, LrError *err)
{
	bool	   *forced = ArenaN(arena, np, sizeof(bool));
	LrDpProblem prob;
	LrDpResult	res;

	if (forced == NULL)
		return lr_error_nomem(err, NULL);
	if (!PrebinProblem(b, pre, np, r->rg, r->rbads, o, arena, &prob, err))
		return false;
	for (size_t i = 0; i < np; i++)
		forced[i] = pre[i].forced;
	prob.forced = forced;
	if (!Solve(b->name, o, pre, np, &prob, arena, &res, &b->trend, &b->shape_test, err))
		return false;
	b->nbins = res.ngroups;
	b->bins = ArenaN(arena, res.ngroups, sizeof(LrBinOut));
	if (b->bins == NULL)
		return lr_error_nomem(err, NULL);
	for (size_t g = 0; g < res.ngroups; g++)
	{
		size_t		s0 = res.starts[g];
		size_t		s1 = g + 1 < res.ngroups ? res.starts[g + 1] : np;
		LrBinOut   *x = &b->bins[g];

		x->kind = LR_BIN_RANGE;
		x->lower = pre[s0].lower;
		x->upper = s1 < np ? pre[s1].lower : INFINITY;
		for (size_t i = s0; i < s1; i++)
		{
			x->count += pre[i].g + pre[i].b;
			x->bads += pre[i].b;
		}
	}
	return Woe(b, o, arena, err);
}

static bool
BinNumeric(const LrPrebinState *st, const LrPrebinFeature *f, const LrBinOptions *o,
		   LrArena *arena, LrBinned *b, LrError *err)
{
	NumRuns		r;
	PreBin	   *pre;
	size_t		np = 0;

	memset(&r, 0, sizeof(r));
	r.st = st;
	r.num = &f->num;
	r.nr = f->num.nruns;
	r.special_run = ArenaN(arena, r.nr, sizeof(bool));
	r.cut = ArenaN(arena, r.nr + 1, sizeof(bool));
	r.cutval = ArenaN(arena, r.nr + 1, sizeof(double));
	r.cutforced = ArenaN(arena, r.nr + 1, sizeof(bool));
	r.ridx = ArenaN(arena, r.nr, sizeof(size_t));
	if (r.special_run == NULL || r.cut == NULL || r.cutval == NULL || r.cutforced == NULL ||
		r.ridx == NULL)
		return lr_error_nomem(err, NULL);
	b->type = LR_FTYPE_NUMERIC;
	b->approximate = r.num->shift > 0;
	b->shift = r.num->shift;
	b->relative_width = r.num->shift == 0 ? 0 : ldexp(1.0, r.num->shift - 52);
	if (!NumSpecials(&r, o, arena, b, err))
		return false;
	b->missing.kind = LR_BIN_MISSING;
	b->missing.count = f->missing[0] + f->missing[1];
	b->missing.bads = f->missing[1];
	if (!NumSplits(&r, o, b->name, err))
		return false;
	b->rows = st->total[0] + st->total[1];
	b->bads = st->total[1];
	b->nprebins = 0;
	if (r.nrange == 0 || r.rg == 0 || r.rbads == 0)
		return NumOneBin(&r, o, arena, b, err);
	if ((pre = NumPrebins(&r, o, arena, b, &np)) == NULL)
		return lr_error_nomem(err, NULL);
	b->nprebins = np;
	return NumSolve(&r, pre, np, o, arena, b, err);
}

/* ---------------------------------------------------------------- categorical */

typedef struct Level
{
	int64_t		g;
	int64_t		b;
	bool		rare;			/* the pool of rare categories */
	size_t		index;			/* byte order of its (first) category */
} Level;

static int
CmpLevel(const void *x, const void *y)
{
	const Level *a = x;
	const Level *c = y;

	/* Bad rate a.b / (a.g + a.b) against c's, exactly in 128 bits. */
	__int128	l = (__int128) a->b * (c->g + c->b);
	__int128	r = (__int128) c->b * (a->g + a->b);

	if (l != r)
		return l < r ? -1 : 1;
	if (a->rare != c->rare)
		return a->rare ? 1 : -1;
	return a->index < c->index ? -1 : a->index > c->index;
}

typedef struct CatRef
{
	const char *s;
	size_t		len;
} CatRef;

static int
CmpCat(const void *x, const void *y)
{
	const CatRef *a = x;
	const CatRef *b = y;
	size_t		n = a->len < b->len ? a->len : b->len;
	int			c = memcmp(a->s, b->s, n);

	if (c != 0)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static void *
ArenaAlloc(void *ctx, size_t size)
{
	return lr_arena_alloc((LrArena *) ctx, size);
}

/* The levels of a categorical feature: its categories by bad rate, the rare ones pooled. */
typedef struct CatLevels
{
	const LrBucketEntry **ent;	/* categories in byte order */
	size_t		ncat;
	Level	   *lev;			/* sorted by bad rate */
	size_t		nlev;
	int		   *levof;			/* level of each category */
	int64_t		rg;				/* goods and bads of all categories */
	int64_t		rbads;
} CatLevels;

/*
 * Categories with fewer than min_bin_share of the rows pool into one level
 * of rare categories; the levels sort by bad rate (exact, in 128 bits).
 */
static bool
CatSortLevels(const LrPrebinFeature *f, const LrBinOptions *o, LrArena *arena, LrBinned *b,
			  CatLevels *c, LrError *err)
{
	Level		rare = {0, 0, true, 0};
	LrAlloc		a;

	/* Sorted entries, through an allocator over the arena (freed with it). */
	a.alloc = ArenaAlloc;
	a.free = NULL;
	a.ctx = arena;
	c->ent = lr_bucket_sorted(f->cat, &a, err);
	c->ncat = f->cat->n;
	if (c->ent == NULL && c->ncat > 0)
		return false;
	b->ncategories = c->ncat;
	c->lev = ArenaN(arena, c->ncat + 1, sizeof(Level));
	c->levof = ArenaN(arena, c->ncat + 1, sizeof(int));
	if (c->lev == NULL || c->levof == NULL)
		return lr_error_nomem(err, NULL);
	for (size_t i = 0; i < c->ncat; i++)
	{
		int64_t		cnt = c->ent[i]->cnt[0] + c->ent[i]->cnt[1];

		c->rg += c->ent[i]->cnt[0];
		c->rbads += c->ent[i]->cnt[1];
		if ((double) cnt < o->min_bin_share * (double) b->rows)
		{
			rare.g += c->ent[i]->cnt[0];
			rare.b += c->ent[i]->cnt[1];
			if (b->nrare == 0)
				rare.index = i;
			b->nrare++;
			c->levof[i] = -1;
			continue;
		}
		c->lev[c->nlev].g = c->ent[i]->cnt[0];
		c->lev[c->nlev].b = c->ent[i]->cnt[1];
		c->lev[c->nlev].rare = false;
		c->lev[c->nlev].index = i;
		c->nlev++;
	}
	if (b->nrare > 0)
		c->lev[c->nlev++] = rare;
	qsort(c->lev, c->nlev, sizeof(Level), CmpLevel);
	/* Category -> level position after sorting. */
	for (size_t l = 0; l < c->nlev; l++)
	{
		if (c->lev[l].rare)
		{
			for (size_t i = 0; i < c->ncat; i++)
				if (c->levof[i] == -1)
					c->levof[i] = (int) l;
		}
		else
			c->levof[c->lev[l].index] = (int) l;
	}
	return true;
}

/* Pre-bins: the levels, merged into equal-frequency runs of levels beyond max_prebins. */
static PreBin *
CatPrebins(const CatLevels *c, const LrBinOptions *o, LrArena *arena, size_t *np)
{
	PreBin	   *pre = ArenaN(arena, c->nlev + 1, sizeof(PreBin));
	int64_t		R = c->rg + c->rbads;
	int64_t		cum = 0;
	int			P = o->max_prebins;
	int			k = 1;

	if (pre == NULL)
		return NULL;
	*np = 0;
	for (size_t l = 0; l < c->nlev; l++)
	{
		bool		start = (l == 0 || c->nlev <= (size_t) P);

		if (!start && (__int128) cum * P >= (__int128) R * k)
		{
			start = true;
			while (k < P && (__int128) cum * P >= (__int128) R * k)
				k++;
		}
		if (start)
		{
			pre[*np].first = l;
			(*np)++;
		}
		pre[*np - 1].g += c->lev[l].g;
		pre[*np - 1].b += c->lev[l].b;
		pre[*np - 1].nlev++;
		cum += c->lev[l].g + c->lev[l].b;
	}
	return pre;
}

/*
 * The groups of pre-bins (first pre-bin of each in *gstart): one when there
 * is nothing to choose, else the optimal grouping in bad-rate order.
 */
static bool
CatGroups(const CatLevels *c, const PreBin *pre, size_t np, const LrBinOptions *o,
		  LrArena *arena, LrBinned *b, size_t **gstart, size_t *ngroups, LrError *err)
{
	bool	   *exempt;
	LrDpProblem prob;
	LrDpResult	res;
	LrBinOptions oo = *o;

	if (np <= 1 || c->rg == 0 || c->rbads == 0)
	{
		if ((*gstart = ArenaN(arena, 1, sizeof(size_t))) == NULL)
			return lr_error_nomem(err, NULL);
		*ngroups = np > 0 ? 1 : 0;
		return true;
	}
	exempt = ArenaN(arena, np, sizeof(bool));
	if (exempt == NULL)
		return lr_error_nomem(err, NULL);
	if (!PrebinProblem(b, pre, np, c->rg, c->rbads, o, arena, &prob, err))
		return false;
	/*
	 * The pool of rare categories may stay a bin of its own: pooling already
	 * made it as large as the data allow, and a small category can carry
	 * much information (a flag that is rarely set).
	 */
	for (size_t i = 0; i < np; i++)
		exempt[i] = pre[i].nlev == 1 && c->lev[pre[i].first].rare;
	prob.exempt = exempt;
	oo.trend = LR_TREND_NONE;
	oo.nsplits = 0;
	if (!Solve(b->name, &oo, pre, np, &prob, arena, &res, &b->trend, NULL, err))
		return false;
	*gstart = res.starts;
	*ngroups = res.ngroups;
	return true;
}

/* Bin x: the levels [l0, l1), with their categories in byte order. */
static bool
CatBin(const CatLevels *c, size_t l0, size_t l1, LrArena *arena, LrBinOut *x, LrError *err)
{
	CatRef	   *refs;
	size_t		nv = 0;

	x->kind = LR_BIN_VALUES;
	for (size_t l = l0; l < l1; l++)
	{
		x->count += c->lev[l].g + c->lev[l].b;
		x->bads += c->lev[l].b;
	}
	for (size_t i = 0; i < c->ncat; i++)
		if ((size_t) c->levof[i] >= l0 && (size_t) c->levof[i] < l1)
			nv++;
	refs = ArenaN(arena, nv + 1, sizeof(CatRef));
	x->values = ArenaN(arena, nv + 1, sizeof(char *));
	x->valuelens = ArenaN(arena, nv + 1, sizeof(size_t));
	if (refs == NULL || x->values == NULL || x->valuelens == NULL)
		return lr_error_nomem(err, NULL);
	nv = 0;
	for (size_t i = 0; i < c->ncat; i++)
		if ((size_t) c->levof[i] >= l0 && (size_t) c->levof[i] < l1)
		{
			refs[nv].s = (const char *) c->ent[i]->key;
			refs[nv].len = c->ent[i]->len;
			nv++;
		}
	qsort(refs, nv, sizeof(CatRef), CmpCat);
	for (size_t i = 0; i < nv; i++)
	{
		x->values[i] = refs[i].s;
		x->valuelens[i] = refs[i].len;
	}
	x->nvalues = nv;
	return true;
}

static bool
BinCategorical(const LrPrebinState *st, const LrPrebinFeature *f, const LrBinOptions *o,
			   LrArena *arena, LrBinned *b, LrError *err)
{
	CatLevels	c;
	PreBin	   *pre;
	size_t		np = 0;
	size_t	   *gstart = NULL;
	size_t		ngroups = 0;

	memset(&c, 0, sizeof(c));
	b->type = LR_FTYPE_CATEGORICAL;
	b->rows = st->total[0] + st->total[1];
	b->bads = st->total[1];
	if (f->overflow)
	{
		lr_error_set(err, LR_ERR_LIMIT, "feature \"%s\" has more than %d categories",
					 b->name, LR_PREBIN_MAX_CATEGORIES);
		lr_error_detail(err, "A categorical feature is binned from its counts per category, kept for at most %d categories: group its values first, or cast it to a number to bin it as numeric.",
						LR_PREBIN_MAX_CATEGORIES);
		return false;
	}
	if (!CatSortLevels(f, o, arena, b, &c, err))
		return false;
	b->missing.kind = LR_BIN_MISSING;
	b->missing.count = f->missing[0] + f->missing[1];
	b->missing.bads = f->missing[1];
	b->trend = LR_TREND_NONE;
	if ((pre = CatPrebins(&c, o, arena, &np)) == NULL)
		return lr_error_nomem(err, NULL);
	b->nprebins = np;
	if (!CatGroups(&c, pre, np, o, arena, b, &gstart, &ngroups, err))
		return false;
	b->nbins = ngroups > 0 ? ngroups : 1;
	b->bins = ArenaN(arena, b->nbins, sizeof(LrBinOut));
	if (b->bins == NULL)
		return lr_error_nomem(err, NULL);
	if (ngroups == 0)
	{
		/* No category seen at all: one empty group (scored by the policy). */
		b->bins[0].kind = LR_BIN_VALUES;
		b->bins[0].nvalues = 0;
	}
	for (size_t g = 0; g < ngroups; g++)
		if (!CatBin(&c, pre[gstart[g]].first, g + 1 < ngroups ? pre[gstart[g + 1]].first : c.nlev,
					arena, &b->bins[g], err))
			return false;
	return Woe(b, o, arena, err);
}

bool
lr_bin_feature(const LrPrebinState *st, uint32_t j, const char *name, const LrBinOptions *o,
			   LrArena *arena, LrBinned *out, LrError *err)
{
	const LrPrebinFeature *f;

	memset(out, 0, sizeof(*out));
	out->name = name;
	out->requested = o->trend;
	if (j >= st->nfeatures)
		return lr_error_set(err, LR_ERR_INVALID, "feature %u is not in the pre-binning state", j + 1);
	if (st->total[0] == 0 || st->total[1] == 0)
		return lr_error_set(err, LR_ERR_INVALID,
							"binning needs both goods and bads, and the rows have %s",
							st->total[0] + st->total[1] == 0 ? "none" :
							st->total[1] == 0 ? "no bads" : "no goods");
	f = &st->f[j];
	if (f->kind == LR_PREBIN_NUMERIC)
		return BinNumeric(st, f, o, arena, out, err);
	return BinCategorical(st, f, o, arena, out, err);
}
