/*
 * robust.h
 *	  Robust centre and spread of a peer group: median, median absolute
 *	  deviation (MAD) and mean absolute deviation around the median, as a
 *	  mergeable aggregate state.  Pure C (fuzzed as it runs).
 *
 * Exact while the group has at most exact_limit values (they are kept);
 * beyond that a relative-error sketch (logarithmic buckets, as DDSketch,
 * relative accuracy LR_ROBUST_ALPHA): the median is within ALPHA * |median|
 * and the MAD within ALPHA * (MAD + 2 |median|) of the exact figures.  Both
 * forms depend only on the multiset of values, never on their order, so
 * serial, parallel and sharded runs agree to the bit.
 */
#ifndef LR_ROBUST_H
#define LR_ROBUST_H

#include "common/lr_state_ops.h"

#define LR_ROBUST_ALPHA			1e-4
#define LR_ROBUST_DEFAULT_EXACT	100000
#define LR_ROBUST_MAX_EXACT		10000000
/*
 * Bucket keys of finite doubles: ceil(ln |x| / ln gamma) from 5e-324 to
 * 1.8e308.  Every bucket is kept, so a map holds at most this many.
 */
#define LR_ROBUST_KEY_MIN		(-3722200)
#define LR_ROBUST_KEY_MAX		3548914
#define LR_ROBUST_MAX_BUCKETS	(LR_ROBUST_KEY_MAX - LR_ROBUST_KEY_MIN + 1)

/* Iglewicz and Hoaglin's modified z-score: 0.6745 (x - median) / MAD. */
#define LR_ROBUST_Z_MAD			0.6745
/* With MAD = 0: (x - median) / (1.253314 * mean absolute deviation). */
#define LR_ROBUST_Z_MEANAD		1.253314

typedef struct LrBucketMap
{
	size_t		cap;			/* power of two, 0 when empty */
	size_t		used;
	int32_t    *keys;			/* INT32_MIN = empty slot */
	int64_t    *counts;
	int32_t		min_key;		/* over used slots */
	int32_t		max_key;
} LrBucketMap;

typedef struct LrRobustState
{
	int32_t		exact_limit;	/* -1 until the first value sets it */
	int64_t		n;				/* values counted (NaN is not counted) */
	bool		sketch;
	size_t		nvals;			/* exact mode */
	size_t		capvals;
	double	   *vals;
	LrBucketMap pos;			/* sketch mode: positive values by bucket */
	LrBucketMap neg;			/* negative values by bucket of their magnitude */
	int64_t		zeros;
	int64_t		pinf;
	int64_t		ninf;
	LrAlloc		a;
} LrRobustState;

typedef struct LrRobustResult
{
	int64_t		n;
	double		median;
	double		mad;
	double		mean_abs_dev;
	bool		exact;
	bool		has_inf;		/* some value is infinite */
} LrRobustResult;

extern const LrStateOps lr_robust_ops;

/* Sets the exact limit of a state (false if it already has another). */
extern bool lr_robust_set_limit(LrRobustState *st, int32_t limit, LrError *err);

/* Adds one value (not NaN). */
extern bool lr_robust_add(LrRobustState *st, double x, LrError *err);

/*
 * The figures (n > 0); a is scratch memory.  A MAD or mean absolute
 * deviation beyond the float8 range is infinite (has_inf tells whether some
 * value was).
 */
extern bool lr_robust_result(const LrRobustState *st, const LrAlloc *a, LrRobustResult *out,
							 LrError *err);

/* The modified z-score of x, with the MAD = 0 rules of doc/antifraud.md. */
extern double lr_robust_z(double x, double median, double mad, double mean_abs_dev);

#endif							/* LR_ROBUST_H */
