/*
 * dist.h
 *	  Exact-count distribution states of two classes (good/bad, or
 *	  baseline/actual), the statistics layer's aggregate states.  Pure C.
 *
 *   LrDistState    per distinct float8 value (dist_state.c): AUC, KS, Gini,
 *                  equal-frequency buckets, PSI bins (dist_stats.c).
 *   LrBucketState  per distinct text bucket (bucket_state.c): IV, WOE
 *                  tables, PSI over given buckets, categorical binning.
 *
 * Both are exact (counts, not bins), so every result equals the textbook
 * definition however the rows are split between workers and shards.
 */
#ifndef LR_STATS_DIST_H
#define LR_STATS_DIST_H

#include <string.h>

#include "common/lr_state_ops.h"
#include "stats/varint.h"

/* Largest number of buckets, groups or bins a table aggregate accepts. */
#define LR_MAX_BUCKETS 10000

/* ---------------------------------------------------------------- score distribution */

/*
 * Keys: the order-preserving map of a float8 to a uint64 (flip the sign bit
 * of positives, every bit of negatives).  -0 is mapped like +0 and every NaN
 * to one key above +Infinity, which is PostgreSQL's order and equality for
 * float8 (NaN = NaN, NaN > Infinity).
 */
#define LR_KEY_NAN UINT64_C(0xfff8000000000000)

static inline uint64_t
lr_dist_key(double d)
{
	uint64_t	u;

	if (d != d)
		return LR_KEY_NAN;
	if (d == 0)
		d = 0.0;				/* -0 */
	memcpy(&u, &d, sizeof(u));
	return (u & UINT64_C(0x8000000000000000)) ? ~u : (u | UINT64_C(0x8000000000000000));
}

static inline double
lr_dist_value(uint64_t key)
{
	uint64_t	u = (key & UINT64_C(0x8000000000000000)) ? (key & ~UINT64_C(0x8000000000000000)) : ~key;
	double		d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

/* Sorted distinct runs, as records { uint64 key, varint count 0, varint count 1 }. */
typedef struct LrRunLevel
{
	uint8_t    *data;
	size_t		len;
	size_t		nruns;
} LrRunLevel;

/*
 * In memory: runs in one or more sorted levels, plus rows not yet sorted in
 * one pending buffer (class 0 fills it from the front, class 1 from the
 * back); see dist_state.c.  Memory follows the number of distinct values,
 * not of rows.
 *
 * Compaction (lr_dist_compact) changes the representation, never the value:
 * readers that hold the state as const may compact it.
 */
typedef struct LrDistState
{
	LrAlloc		a;
	int32_t		nbuckets;		/* buckets/groups/bins of a table aggregate; 0 = none */
	LrRunLevel *levels;
	int			nlevels;
	int			levcap;
	size_t		nruns_est;		/* runs over all levels: at least the distinct values */
	uint64_t   *pend;			/* 2 x pendcap: pending rows, then sort scratch */
	size_t		pendcap;
	size_t		npend[2];
	int64_t		total[2];		/* rows of each class, levels and pending;
								 * total[0] + total[1] <= INT64_MAX always */
} LrDistState;

extern const LrStateOps lr_dist_ops;

extern bool lr_dist_flush(LrDistState *st, LrError *err);

/*
 * Adds one row by its key; false (err set) when memory runs out, or when the
 * rows of both classes together would no longer fit in int64 (only a
 * hand-typed state can get there).
 */
static inline bool
lr_dist_add_key(LrDistState *st, uint64_t key, int cls, LrError *err)
{
	if (st->total[0] == INT64_MAX - st->total[1])
		return lr_error_set(err, LR_ERR_LIMIT, "row count of loan_risk.score_dist_state out of range");
	if (st->npend[0] + st->npend[1] >= st->pendcap && !lr_dist_flush(st, err))
		return false;
	if (cls)
		st->pend[st->pendcap - ++st->npend[1]] = key;
	else
		st->pend[st->npend[0]++] = key;
	st->total[cls]++;
	return true;
}

static inline bool
lr_dist_add(LrDistState *st, double v, int cls, LrError *err)
{
	return lr_dist_add_key(st, lr_dist_key(v), cls, err);
}

/* Sorts the pending rows in and merges the levels into one (a no-op when done). */
extern bool lr_dist_compact(const LrDistState *st, LrError *err);

/*
 * Merges a flat state (header and payload, as lr_state_decode_bytes takes
 * them) into dst, validating it as decode does; dst is left as it was when
 * the bytes are invalid.  The fast path of combine in the leader.
 */
extern bool lr_dist_merge_flat(LrDistState *dst, const uint8_t *data, size_t len, LrError *err);

/* Sets the number of buckets of a table aggregate; an error if it differs from an earlier one. */
extern bool lr_dist_set_buckets(LrDistState *st, int32_t nbuckets, LrError *err);

/* The runs of one level, in ascending order of value. */
typedef struct LrRunIter
{
	const uint8_t *p;
	const uint8_t *end;
	uint64_t	key;
	int64_t		cnt[2];
} LrRunIter;

/* The next run (ascending); false at the end. */
static inline bool
LrRunNext(LrRunIter *it)
{
	const uint8_t *p = it->p;

	if (p >= it->end)
		return false;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(&it->key, p, 8);
#else
	it->key = (uint64_t) p[0] | (uint64_t) p[1] << 8 | (uint64_t) p[2] << 16 |
		(uint64_t) p[3] << 24 | (uint64_t) p[4] << 32 | (uint64_t) p[5] << 40 |
		(uint64_t) p[6] << 48 | (uint64_t) p[7] << 56;
#endif
	p += 8;
	it->cnt[0] = (int64_t) LrGetVarintTrusted(&p);
	it->cnt[1] = (int64_t) LrGetVarintTrusted(&p);
	it->p = p;
	return true;
}
/* Sorts the pending rows in as a level, leaving the levels unmerged (enough for LrDistIter). */
extern bool lr_dist_settle(const LrDistState *st, LrError *err);

/*
 * The runs of a state without pending rows (after lr_dist_settle or
 * lr_dist_compact), in ascending order of value, with the levels merged as
 * they are read (equal keys summed): the same runs in the same order as the
 * compacted state has, so a final function need not write a merged copy of
 * millions of runs first (in the leader of a parallel plan, the workers'
 * states stay two levels).
 */
#define LR_DIST_ITER_LEVELS 8

typedef struct LrDistIter
{
	bool		single;			/* one level, read straight */
	int			n;				/* otherwise: levels not yet exhausted, each with its run read ahead */
	LrRunIter	lv[LR_DIST_ITER_LEVELS];
	uint64_t	key;
	int64_t		cnt[2];
} LrDistIter;

/* st has no pending rows and at most LR_DIST_ITER_LEVELS levels (lr_dist_settle). */
extern void lr_dist_iter_init(const LrDistState *st, LrDistIter *it);
extern bool lr_dist_next_merged(LrDistIter *it);

/* The next run (ascending); false at the end. */
static inline bool
lr_dist_next(LrDistIter *it)
{
	if (it->single)
	{
		if (!LrRunNext(&it->lv[0]))
			return false;
		it->key = it->lv[0].key;
		it->cnt[0] = it->lv[0].cnt[0];
		it->cnt[1] = it->lv[0].cnt[1];
		return true;
	}
	return lr_dist_next_merged(it);
}

extern size_t lr_dist_nruns(const LrDistState *st);

/*
 * Statistics of a compacted state, with class 1 = bad.  They return false
 * when undefined (no row of one class).
 */
extern bool lr_dist_auc(const LrDistState *st, double *auc);
extern bool lr_dist_gini(const LrDistState *st, double *gini);
extern bool lr_dist_ks(const LrDistState *st, double *ks);

/*
 * Equal-frequency bucket (0-based) of a group of cnt tied rows preceded by
 * start rows, among n rows cut into k buckets: floor(r * k / (n + 1)) where
 * r is the group's mean rank (1-based), as SAS PROC RANK GROUPS= with
 * TIES=MEAN.  Tied rows always share a bucket.
 */
static inline int32_t
lr_rank_bucket(int64_t start, int64_t cnt, int64_t n, int32_t k)
{
	lr_u128 r2 = (lr_u128) (2 * (lr_u128) start + (uint64_t) cnt + 1);

	return (int32_t) ((r2 * (uint64_t) k) / (2 * ((lr_u128) n + 1)));
}

/* One equal-frequency bucket of a compacted state, summed up by lr_dist_buckets. */
typedef struct LrDistBucket
{
	int64_t		n;
	int64_t		cnt[2];
	double		lo;				/* smallest and largest value in the bucket */
	double		hi;
	double		vsum;			/* sum of value x rows (expected bads for PDs), compensated */
	double		vcomp;
} LrDistBucket;

/*
 * Sums the runs into k buckets (b[k], zeroed by the caller; empty buckets
 * keep n = 0): ranks counted from the highest value when descending (gains),
 * from the lowest otherwise (calibration); rows of both classes count.
 */
extern void lr_dist_buckets(const LrDistState *st, int32_t k, bool descending, bool sum_values,
							LrDistBucket *b);

/*
 * PSI bins: equal-frequency bins of class 0 (the baseline) in ascending
 * order; a value seen only in class 1 goes to the bin of the next baseline
 * value at or above it (bins are (previous upper, upper]), or to the last
 * bin above every baseline value.  b[k] as for lr_dist_buckets; needs
 * total[0] > 0.
 */
extern void lr_dist_psi_bins(const LrDistState *st, int32_t k, LrDistBucket *b);

/* ---------------------------------------------------------------- text buckets */

typedef struct LrBucketEntry
{
	const uint8_t *key;			/* not NUL-terminated; NULL marks a free slot */
	uint32_t	len;
	uint64_t	hash;
	int64_t		cnt[2];
} LrBucketEntry;

typedef struct LrBucketState
{
	LrAlloc		a;
	LrArena		arena;			/* key bytes */
	LrBucketEntry *slots;		/* open addressing, linear probing */
	size_t		cap;			/* power of two */
	size_t		n;
	int64_t		total[2];
} LrBucketState;

extern const LrStateOps lr_bucket_ops;

/* Adds count rows of class cls to bucket key. */
extern bool lr_bucket_add(LrBucketState *st, const uint8_t *key, size_t len, int cls,
						  int64_t count, LrError *err);

/* The entries in byte order of their keys (an array of n pointers allocated with a). */
extern const LrBucketEntry **lr_bucket_sorted(const LrBucketState *st, const LrAlloc *a, LrError *err);

#endif							/* LR_STATS_DIST_H */
