/*
 * curve.h
 *	  ROC / KS curve points from a score distribution state (server side).
 */
#ifndef LR_METRICS_CURVE_H
#define LR_METRICS_CURVE_H

#include "postgres.h"

#include "metrics/metrics.h"

typedef struct LrRocRow
{
	double		risk;
	int64		goods;			/* rows at exactly this value */
	int64		bads;
	int64		cum_goods;		/* rows at or above this value */
	int64		cum_bads;
} LrRocRow;

/* Rows of a compacted state, riskiest first (palloc'd in the current context). */
extern size_t lr_roc_build(const LrDistState *st, LrRocRow **out);

#endif							/* LR_METRICS_CURVE_H */
