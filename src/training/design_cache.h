/*
 * design_cache.h
 *	  The WOE design of train_scorecard held in memory: one pass over the
 *	  source codes every row as its bin in each candidate feature (one byte
 *	  per feature) and its target; then every Newton pass of the fit, the
 *	  refits of stepwise selection and of the sign check, and the scoring of
 *	  the training rows run over those codes with threads, instead of a query
 *	  over the source each.  The sums are those of woe_step_partial (same
 *	  WOE values, same eta, same lr_logit_add), in fixed blocks, so the card
 *	  does not depend on the number of threads.
 */
#ifndef LR_TRAINING_DESIGN_CACHE_H
#define LR_TRAINING_DESIGN_CACHE_H

#include "postgres.h"

#include "stats/dist.h"
#include "scoring/card.h"
#include "training/logit.h"

typedef struct LrDesignCache LrDesignCache;

/*
 * Bytes the cache of rows rows of ncol features needs (codes and targets),
 * with the per-block states of one pass over it.
 */
extern double lr_design_cache_bytes(int64 rows, int ncol);

/*
 * Runs sql, whose columns are the target (boolean or integer 0/1) then one
 * column per feature of design (in the card's order), and codes every row.
 * expect_rows sizes the arrays (they grow if the source has more rows).
 * Rows with a NULL target are counted as skipped.  Errors as
 * woe_step_partial: a value without a bin, a target other than 0/1.
 */
extern LrDesignCache *lr_design_cache_build(const char *sql, const LrCard *design,
											int64 expect_rows, const char *fn);

extern int64 lr_design_cache_rows(const LrDesignCache *c);

/*
 * One Newton pass at beta (nd + 1 coefficients) over the design made of
 * the cache's columns cols[0..nd): the state woe_step_partial would give.
 */
extern LrLogitState *lr_design_cache_pass(const LrDesignCache *c, const int *cols, int nd,
										  const double *beta, const LrAlloc *a);

/*
 * Scores every row with card (features: the cache's columns cols[0..n) in
 * the card's order, with the same bins as the design), as score() does,
 * and adds (-score, target) to dst.  Returns false when the card's bins do
 * not line up with the design's (the caller then scores by a query).
 */
extern bool lr_design_cache_score(const LrDesignCache *c, const LrCard *card, const int *cols,
								  LrDistState *dst);

#endif							/* LR_TRAINING_DESIGN_CACHE_H */
