/*
 * dist_stats.c
 *	  Statistics of a compacted score distribution: AUC, Gini and KS in exact
 *	  integer arithmetic, and equal-frequency buckets.  Pure C.
 *
 * AUC (Mann-Whitney): over distinct values v in ascending order, with g_<v
 * the goods below v,
 *
 *     S = sum_v bads_v * (2 * g_<v + goods_v)      (twice the pairs won, ties one half)
 *     AUC = S / (2 * goods * bads)
 *
 * S < 2^127 for any counts that fit int64, so it is exact in 128 bits and the
 * one rounding is the final division: AUC is the correctly rounded value of
 * the rank-sum formula, not an approximation of it.
 */
#include "metrics/metrics.h"

typedef unsigned __int128 u128;
typedef __int128 i128;

static double
Ratio(u128 num, u128 den)
{
	return (double) ((long double) num / (long double) den);
}

static u128
PairsTwice(const LrDistState *st)
{
	u128		s = 0;
	uint64_t	below = 0;

	for (size_t i = 0; i < st->nruns; i++)
	{
		uint64_t	g = (uint64_t) st->cnt[0][i];
		uint64_t	b = (uint64_t) st->cnt[1][i];

		s += (u128) b * (2 * (u128) below + g);
		below += g;
	}
	return s;
}

bool
lr_dist_auc(const LrDistState *st, double *auc)
{
	if (st->total[0] == 0 || st->total[1] == 0)
		return false;
	*auc = Ratio(PairsTwice(st), 2 * (u128) (uint64_t) st->total[0] * (uint64_t) st->total[1]);
	return true;
}

bool
lr_dist_gini(const LrDistState *st, double *gini)
{
	u128		gb;
	i128		num;

	if (st->total[0] == 0 || st->total[1] == 0)
		return false;
	/* 2 AUC - 1 = (S - G B) / (G B), still exact before the division. */
	gb = (u128) (uint64_t) st->total[0] * (uint64_t) st->total[1];
	num = (i128) PairsTwice(st) - (i128) gb;
	if (num < 0)
		*gini = -Ratio((u128) (-num), gb);
	else
		*gini = Ratio((u128) num, gb);
	return true;
}

bool
lr_dist_ks(const LrDistState *st, double *ks)
{
	uint64_t	g = (uint64_t) st->total[0];
	uint64_t	b = (uint64_t) st->total[1];
	uint64_t	cg = 0;
	uint64_t	cb = 0;
	u128		best = 0;

	if (g == 0 || b == 0)
		return false;

	/*
	 * |F_bad(v) - F_good(v)| = |cb * G - cg * B| / (G * B), evaluated after
	 * each whole group of tied values.
	 */
	for (size_t i = 0; i < st->nruns; i++)
	{
		u128		x;
		u128		y;
		u128		d;

		cg += (uint64_t) st->cnt[0][i];
		cb += (uint64_t) st->cnt[1][i];
		x = (u128) cb * g;
		y = (u128) cg * b;
		d = x > y ? x - y : y - x;
		if (d > best)
			best = d;
	}
	*ks = Ratio(best, (u128) g * b);
	return true;
}

void
lr_dist_buckets(const LrDistState *st, int32_t k, bool descending, int32_t *bucket)
{
	int64_t		n = st->total[0] + st->total[1];
	int64_t		start = 0;

	for (size_t j = 0; j < st->nruns; j++)
	{
		size_t		i = descending ? st->nruns - 1 - j : j;
		int64_t		c = st->cnt[0][i] + st->cnt[1][i];

		bucket[i] = lr_rank_bucket(start, c, n, k);
		start += c;
	}
}

void
lr_dist_psi_bins(const LrDistState *st, int32_t k, int32_t *bucket)
{
	int64_t		n = st->total[0];
	int64_t		start = 0;
	int32_t		next;

	for (size_t i = 0; i < st->nruns; i++)
	{
		int64_t		c = st->cnt[0][i];

		if (c > 0)
		{
			bucket[i] = lr_rank_bucket(start, c, n, k);
			start += c;
		}
		else
			bucket[i] = -1;
	}
	/* Values only in the actual rows: the bin of the next baseline value, else the last bin. */
	next = -1;
	for (size_t j = st->nruns; j > 0; j--)
	{
		size_t		i = j - 1;

		if (bucket[i] >= 0)
			next = bucket[i];
		else if (next >= 0)
			bucket[i] = next;
	}
	{
		int32_t		last = -1;

		for (size_t i = 0; i < st->nruns; i++)
		{
			if (st->cnt[0][i] > 0)
				last = bucket[i];
			else if (bucket[i] < 0)
				bucket[i] = last;
		}
	}
}
