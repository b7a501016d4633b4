/*
 * curve.h
 *	  ROC / KS curve points from a score distribution state (server side).
 */
#ifndef LR_PORTFOLIO_CURVE_H
#define LR_PORTFOLIO_CURVE_H

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

/* A compacted state from a flat loan_risk.score_dist_state datum, allocated in cxt. */
extern const LrDistState *lr_dist_from_datum(Datum d, MemoryContext cxt);

#endif							/* LR_PORTFOLIO_CURVE_H */
