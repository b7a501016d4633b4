/*
 * iforest_state.h
 *	  Training an isolation forest as an aggregate: the options, and the
 *	  mergeable sample the aggregate keeps.  Pure C (fuzzed as it runs).
 *
 * The sample is a bottom-k sample: every row gets the priority
 * mix64(hash(key, seed)) of its key, and the state keeps the k rows with the
 * smallest (priority, feature bits).  That set depends only on the rows, not
 * on the order they arrive in or how they are split between parallel workers
 * or shards, so training is deterministic for a given seed.  Rows whose
 * features include a NULL, NaN or infinity are not sampled.
 */
#ifndef LR_IFOREST_STATE_H
#define LR_IFOREST_STATE_H

#include "common/lr_json.h"
#include "common/lr_state_ops.h"

#define LR_IFOREST_MAX_RESERVOIR	4194304
#define LR_IFOREST_NAME_TEXT_MAX	1000
/* A flat state stays under PostgreSQL's 1 GB limit of a value. */
#define LR_IFOREST_STATE_MAX_BYTES	((double) 1000 * 1000 * 1000)

typedef struct LrIfOptions
{
	int64_t		seed;
	int32_t		trees;
	int32_t		sample_size;
	int32_t		reservoir;
	const char *name;			/* NULL if none */
} LrIfOptions;

extern void lr_ifopt_default(LrIfOptions *o);

/*
 * Parses the options object ({"seed": 42, "trees": 100, "sample_size": 256,
 * "reservoir": 25600, "name": "..."}); absent fields keep their defaults.
 */
extern bool lr_ifopt_parse(const char *text, size_t len, LrArena *arena,
						   const LrJsonOptions *jopts, LrIfOptions *out, LrError *err);

typedef struct LrIfState
{
	bool		configured;		/* options and features set (by the first row) */
	LrIfOptions opt;
	size_t		nfeatures;
	char	  **features;
	int64_t		rows;			/* rows seen with a non-NULL key */
	size_t		m;				/* rows in the sample */
	size_t		alloc_rows;		/* capacity of prio and vals */
	uint64_t   *prio;			/* max-heap on (prio, value bits) */
	double	   *vals;			/* m x nfeatures */
	double	   *tmp;			/* one row of scratch */
	LrAlloc		a;

	/* Not stored: which option set this state was last checked against. */
	const void *checked;
	uint64_t	checked_gen;
} LrIfState;

extern const LrStateOps lr_iforest_state_ops;

/* Sets the options and feature names of an unconfigured state. */
extern bool lr_ifstate_configure(LrIfState *st, const LrIfOptions *o, const char *const *names,
								 size_t nfeatures, LrError *err);

/* Whether a configured state has exactly these options and names. */
extern bool lr_ifstate_matches(const LrIfState *st, const LrIfOptions *o, const char *const *names,
							   size_t nfeatures);

/* False when a row of this priority cannot enter the sample (no need to read it). */
static inline bool
lr_ifstate_may_keep(const LrIfState *st, uint64_t prio)
{
	return st->m < (size_t) st->opt.reservoir || prio <= st->prio[0];
}

/* Offers one row of finite values (-0 is stored as 0). */
extern bool lr_ifstate_offer(LrIfState *st, uint64_t prio, const double *x, LrError *err);

/*
 * The sample in canonical order (ascending priority, then value bits): rows
 * receives m x nfeatures values allocated with a.
 */
extern bool lr_ifstate_sorted_rows(const LrIfState *st, const LrAlloc *a, double **rows, LrError *err);

#endif							/* LR_IFOREST_STATE_H */
