/*
 * metrics.h
 *	  Model validation metrics: state structures (pure C) shared by the
 *	  aggregates of src/metrics and their fuzz targets.
 */
#ifndef LR_METRICS_H
#define LR_METRICS_H

#include "common/lr_state_ops.h"

/* Neumaier-compensated sum: (sum + comp) is the accurate total. */
static inline void
lr_ksum_add(double *sum, double *comp, double x)
{
	double		t = *sum + x;

	if (*sum >= x ? (*sum >= -x) : (-*sum >= x))
		*comp += (*sum - t) + x;
	else
		*comp += (x - t) + *sum;
	*sum = t;
}

typedef struct LrBrierState
{
	int64_t		n;
	double		sum;
	double		comp;
} LrBrierState;

extern const LrStateOps lr_brier_ops;
extern void lr_brier_add(LrBrierState *st, double pd, int outcome);

/* Raises an error unless v is 0 or 1 (integer outcome columns). */
extern void lr_check_outcome_int(int32_t v);

#endif							/* LR_METRICS_H */
