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
#include "stats/dist.h"
#include "stats/ksum.h"

static double
Ratio(lr_u128 num, lr_u128 den)
{
	return (double) ((long double) num / (long double) den);
}

static lr_u128
PairsTwice(const LrDistState *st)
{
	lr_u128		s = 0;
	uint64_t	below = 0;
	LrDistIter	it;

	lr_dist_iter_init(st, &it);
	while (lr_dist_next(&it))
	{
		uint64_t	g = (uint64_t) it.cnt[0];
		uint64_t	b = (uint64_t) it.cnt[1];

		s += (lr_u128) b * (2 * (lr_u128) below + g);
		below += g;
	}
	return s;
}

bool
lr_dist_auc(const LrDistState *st, double *auc)
{
	if (st->total[0] == 0 || st->total[1] == 0)
		return false;
	*auc = Ratio(PairsTwice(st), 2 * (lr_u128) (uint64_t) st->total[0] * (uint64_t) st->total[1]);
	return true;
}

bool
lr_dist_gini(const LrDistState *st, double *gini)
{
	lr_u128		gb;
	lr_i128		num;

	if (st->total[0] == 0 || st->total[1] == 0)
		return false;
	/* 2 AUC - 1 = (S - G B) / (G B), still exact before the division. */
	gb = (lr_u128) (uint64_t) st->total[0] * (uint64_t) st->total[1];
	num = (lr_i128) PairsTwice(st) - (lr_i128) gb;
	if (num < 0)
		*gini = -Ratio((lr_u128) (-num), gb);
	else
		*gini = Ratio((lr_u128) num, gb);
	return true;
}

bool
lr_dist_ks(const LrDistState *st, double *ks)
{
	uint64_t	g = (uint64_t) st->total[0];
	uint64_t	b = (uint64_t) st->total[1];
	uint64_t	cg = 0;
	uint64_t	cb = 0;
	lr_u128		best = 0;
	LrDistIter	it;

	if (g == 0 || b == 0)
		return false;

	/*
	 * |F_bad(v) - F_good(v)| = |cb * G - cg * B| / (G * B), evaluated after
	 * each whole group of tied values.
	 */
	lr_dist_iter_init(st, &it);
	while (lr_dist_next(&it))
	{
		lr_u128		x;
		lr_u128		y;
		lr_u128		d;

		cg += (uint64_t) it.cnt[0];
		cb += (uint64_t) it.cnt[1];
		x = (lr_u128) cb * g;
		y = (lr_u128) cg * b;
		d = x > y ? x - y : y - x;
		if (d > best)
			best = d;
	}
	*ks = Ratio(best, (lr_u128) g * b);
	return true;
}

static inline void
BucketAdd(LrDistBucket *b, const LrDistIter *it, bool sum_values)
{
	int64_t		c = it->cnt[0] + it->cnt[1];
	double		v = lr_dist_value(it->key);

	/* Runs come in ascending order: the first is the smallest. */
	if (b->n == 0)
		b->lo = v;
	b->hi = v;
	b->n += c;
	b->cnt[0] += it->cnt[0];
	b->cnt[1] += it->cnt[1];
	if (sum_values)
		lr_ksum_add(&b->vsum, &b->vcomp, v * (double) c);
}

/*
 * lr_rank_bucket along a sweep, without a 128-bit division per run: ranks
 * move one way, so the bucket only steps from where it was.
 */
typedef struct BucketCursor
{
	lr_u128		den;			/* 2 (n + 1) */
	uint64_t	k;
	int32_t		b;
} BucketCursor;

static inline int32_t
CursorBucket(BucketCursor *c, int64_t start, int64_t cnt)
{
	lr_u128		x = (2 * (lr_u128) (uint64_t) start + (uint64_t) cnt + 1) * c->k;

	while (c->b > 0 && x < (lr_u128) (uint64_t) c->b * c->den)
		c->b--;
	while (x >= (lr_u128) (uint64_t) (c->b + 1) * c->den)
		c->b++;
	return c->b;
}

void
lr_dist_buckets(const LrDistState *st, int32_t k, bool descending, bool sum_values, LrDistBucket *b)
{
	int64_t		n = st->total[0] + st->total[1];
	int64_t		below = 0;
	LrDistIter	it;
	BucketCursor cur = {2 * ((lr_u128) (uint64_t) n + 1), (uint64_t) k, descending ? k - 1 : 0};

	lr_dist_iter_init(st, &it);
	while (lr_dist_next(&it))
	{
		int64_t		c = it.cnt[0] + it.cnt[1];

		/* Ranked from the top, a group is preceded by the rows above it. */
		BucketAdd(&b[CursorBucket(&cur, descending ? n - below - c : below, c)], &it, sum_values);
		below += c;
	}
}

void
lr_dist_psi_bins(const LrDistState *st, int32_t k, LrDistBucket *b)
{
	int64_t		n = st->total[0];
	int64_t		below = 0;
	int32_t		last = 0;
	int64_t		carry = 0;		/* actual rows of values above the last baseline value seen */
	LrDistIter	it;
	BucketCursor cur = {2 * ((lr_u128) (uint64_t) n + 1), (uint64_t) k, 0};

	lr_dist_iter_init(st, &it);
	while (lr_dist_next(&it))
	{
		if (it.cnt[0] > 0)
		{
			last = CursorBucket(&cur, below, it.cnt[0]);
			b[last].n += it.cnt[0] + it.cnt[1] + carry;
			b[last].cnt[0] += it.cnt[0];
			b[last].cnt[1] += it.cnt[1] + carry;
			below += it.cnt[0];
			carry = 0;
		}
		else
			carry += it.cnt[1];
	}
	/* Above every baseline value: the last bin. */
	b[last].n += carry;
	b[last].cnt[1] += carry;
}
