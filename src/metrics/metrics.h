/*
 * metrics.h
 *	  Model validation metrics: the Brier state and the chi-square
 *	  distribution (pure C), shared by the aggregates of src/metrics and
 *	  their fuzz targets.
 *
 * Every metric but the Brier score is computed from the exact-count
 * distribution states of the statistics layer (stats/dist.h): LrDistState
 * (AUC, KS, Gini, gains, calibration, Hosmer-Lemeshow, PSI over quantile
 * bins) and LrBucketState (IV, WOE table, PSI over given buckets).
 */
#ifndef LR_METRICS_H
#define LR_METRICS_H

#include "common/lr_state_ops.h"
#include "stats/dist.h"
#include "stats/ksum.h"

typedef struct LrBrierState
{
	int64_t		n;
	double		sum;
	double		comp;
} LrBrierState;

extern const LrStateOps lr_brier_ops;
extern bool lr_brier_add(LrBrierState *st, double pd, int outcome, LrError *err);

/* ---------------------------------------------------------------- chi-square */

/*
 * Regularized upper incomplete gamma Q(a, x) and the chi-square survival
 * function P(X > x) = Q(df / 2, x / 2).  NaN outside the domain (a <= 0,
 * x < 0, NaN arguments).
 */
extern double lr_gamma_q(double a, double x);
extern double lr_chi2_sf(double x, double df);

#endif							/* LR_METRICS_H */
