/*
 * prebin.h
 *	  The pre-binning state (LrPrebinState): for several features at once,
 *	  the counts of goods and bads per distinct value, mergeable across
 *	  parallel workers and shards.  Pure C (no PostgreSQL headers), shared by
 *	  the aggregate, the binning and the fuzz target.
 *
 * One state holds every feature of one training pass, so a single scan of
 * the table feeds the binning of all of them.  Per feature:
 *
 *   numeric      sorted runs { key, goods, bads } over the order-preserving
 *                key of each value (lr_dist_key); NULL and NaN counted as
 *                missing.  Exact (one run per distinct value) while a
 *                feature has at most max_distinct distinct values; beyond
 *                that, runs become buckets of neighbouring values (see
 *                "Buckets" below) so memory stays bounded.
 *   categorical  counts per distinct text (an LrBucketState of src/metrics),
 *                up to LR_PREBIN_MAX_CATEGORIES values; NULL counted as missing.
 *
 * Buckets.  At shift s > 0 a value's run is the bucket
 *
 *     B_s(k) = max(k with its s lowest bits cleared, the largest pinned key <= k,
 *                  the key of -Infinity)
 *
 * where k is the value's key.  Clearing low bits of a double's key groups
 * values that agree in all but the last s bits of their mantissa: a bucket
 * spans a relative width of at most 2^(s - 52) of its values (s <= 52).
 * Pinned keys ("exact values": special values and user split points) always
 * start a bucket, so counts at and around them stay exact.  B_s is monotone,
 * B_s(k) <= k, and B_t(B_s(k)) = B_t(k) for t >= s, so the shift of a state
 * is always the smallest s at which its data has at most max_distinct
 * buckets, and the state is the same whatever order the rows came in and
 * however they were split between workers and merged: serial, parallel and
 * sharded runs give identical counts.
 *
 * Every count in the state is exact; what the buckets approximate is where a
 * bin boundary can fall: only at a bucket's start.  The binning reports the
 * relative width and the largest bucket's share of rows (the rank error of a
 * pre-bin boundary is at most that share).
 */
#ifndef LR_TRAINING_PREBIN_H
#define LR_TRAINING_PREBIN_H

#include "common/lr_state_ops.h"
#include "stats/dist.h"

#define LR_PREBIN_NUMERIC		1
#define LR_PREBIN_CATEGORICAL	2

/* Limits (documented in doc/training.md). */
#define LR_PREBIN_MAX_FEATURES		100
#define LR_PREBIN_MAX_PINS			512		/* pinned keys: two per exact value */
#define LR_PREBIN_MAX_EXACT_VALUES	256
#define LR_PREBIN_MAX_CATEGORIES	10000
#ifndef LR_PREBIN_MIN_DISTINCT		/* test/fuzz lowers it to reach the bucketed paths */
#define LR_PREBIN_MIN_DISTINCT		1024
#endif
#define LR_PREBIN_MAX_DISTINCT		(1 << 20)
#define LR_PREBIN_DEFAULT_DISTINCT	16384

/* Keys of -Infinity and +Infinity (lr_dist_key); valid keys lie between. */
#define LR_KEY_NEG_INF	UINT64_C(0x000fffffffffffff)
#define LR_KEY_POS_INF	UINT64_C(0xfff0000000000000)
#define LR_KEY_NEG_ZERO	UINT64_C(0x7fffffffffffffff)	/* never used: -0 counts as +0 */

typedef struct LrPrebinNum
{
	int			shift;			/* 0: one run per distinct value */
	size_t		nruns;
	size_t		runcap;
	uint64_t   *keys;			/* strictly ascending bucket starts */
	int64_t    *cnt;			/* 2 per run: goods, bads */
	uint64_t   *pend;			/* 2 x pendcap: pending keys, then sort scratch */
	size_t		pendcap;
	size_t		npend[2];		/* goods fill from the front, bads from the back */
	uint64_t   *rkeys;			/* pendcap: the pending values' runs */
	int64_t    *rcnt;
	uint64_t   *skeys;			/* spare run arrays: merges write here, then swap */
	int64_t    *scnt;
	size_t		scap;
	/*
	 * Exact counts of a feature of few distinct values: an index of the runs
	 * by key, so a value already seen is counted in place instead of going
	 * through the pending buffer.  Valid only while hvalid (rebuilt after a
	 * flush); key 0 (a NaN pattern, never a value's key) marks a free slot.
	 */
	bool		hvalid;
	uint64_t   *hkeys;
	int32_t    *hidx;
} LrPrebinNum;

typedef struct LrPrebinFeature
{
	uint8_t		kind;			/* LR_PREBIN_NUMERIC or LR_PREBIN_CATEGORICAL */
	bool		overflow;		/* categorical with too many values: counts dropped */
	int64_t		missing[2];
	LrPrebinNum num;
	LrBucketState *cat;			/* NULL when overflowed */
} LrPrebinFeature;

typedef struct LrPrebinState
{
	LrAlloc		a;
	uint32_t	nfeatures;		/* 0 until the first row fixes it */
	uint32_t	max_distinct;
	size_t		npins;
	uint64_t   *pins;			/* sorted distinct keys */
	int64_t		total[2];		/* rows with a target, by class */
	int64_t		skipped;		/* rows with a NULL target */
	uint64_t	fp[2];			/* order-independent fingerprint sums */
	LrPrebinFeature *f;
} LrPrebinState;

extern const LrStateOps lr_prebin_ops;

/*
 * Fixes the layout of an empty state: nfeatures kinds, the exact values
 * (pinned, with their successors) and max_distinct.
 */
extern bool lr_prebin_setup(LrPrebinState *st, uint32_t nfeatures, const uint8_t *kinds,
							const double *exact, size_t nexact, uint32_t max_distinct,
							LrError *err);

/* True when the state's exact values are exactly these (compared as pins). */
extern bool lr_prebin_same_exact(const LrPrebinState *st, const double *exact, size_t nexact,
								 LrError *err);

/* Sorts pending values into the runs of feature j (a no-op when none are pending). */
extern bool lr_prebin_flush(LrPrebinState *st, LrPrebinFeature *f, LrError *err);

/* Flushes every feature; readers holding the state as const may call it. */
extern bool lr_prebin_compact(const LrPrebinState *st, LrError *err);

#define LR_PREBIN_HASH_BITS	12
#define LR_PREBIN_HASH_RUNS	1024	/* runs indexed at most (load at most 1/4) */

static inline bool
lr_prebin_add_key(LrPrebinState *st, LrPrebinFeature *f, uint64_t key, int cls, LrError *err)
{
	LrPrebinNum *n = &f->num;

	if (n->hvalid)
	{
		size_t		mask = ((size_t) 1 << LR_PREBIN_HASH_BITS) - 1;
		size_t		h = (size_t) ((key * UINT64_C(0x9e3779b97f4a7c15)) >> (64 - LR_PREBIN_HASH_BITS));

		for (; n->hkeys[h] != 0; h = (h + 1) & mask)
			if (n->hkeys[h] == key)
			{
				n->cnt[2 * n->hidx[h] + cls]++;
				return true;
			}
	}
	if (n->npend[0] + n->npend[1] >= n->pendcap && !lr_prebin_flush(st, f, err))
		return false;
	if (cls)
		n->pend[n->pendcap - ++n->npend[1]] = key;
	else
		n->pend[n->npend[0]++] = key;
	return true;
}

/* Categorical value (bytes, len); marks the feature overflowed past the limit. */
extern bool lr_prebin_add_text(LrPrebinState *st, LrPrebinFeature *f, const uint8_t *s, size_t len,
							   int cls, LrError *err);

/* The bucket start of key k at shift s (see above). */
extern uint64_t lr_prebin_bucket(const LrPrebinState *st, int shift, uint64_t k);

#define LR_FP_SEED		UINT64_C(0x243f6a8885a308d3)
#define LR_FP_NULL		UINT64_C(0x9e3779b97f4a7c15)

/*
 * A row's hash is lr_hash_mix64(seed + class + sum over features j of
 * lr_fp_value(j, value hash)): the features' terms do not depend on each
 * other, so they are computed side by side.
 */
static inline uint64_t
lr_fp_value(int j, uint64_t v)
{
	return lr_hash_mix64(v + (uint64_t) (j + 1) * UINT64_C(0x9e3779b97f4a7c15));
}

/* A row fingerprint's hash of a value's bytes. */
#define lr_fp_bytes(p, len) lr_hash_bytes64(LR_FP_SEED, (p), (len))

/* Adds a finished row hash (of the target and every feature) to the fingerprint. */
static inline void
lr_prebin_fp_add(LrPrebinState *st, uint64_t h)
{
	st->fp[0] += h;
	st->fp[1] += lr_hash_mix64(h ^ UINT64_C(0x5851f42d4c957f2d));
}

#endif							/* LR_TRAINING_PREBIN_H */
