/*
 * stats_pg.h
 *	  Server-side checks shared by the aggregates and passes that take an
 *	  outcome column (metrics, training).
 */
#ifndef LR_STATS_PG_H
#define LR_STATS_PG_H

#include "postgres.h"

#include "fmgr.h"

/* Raises an error unless v is 0 or 1 (integer outcome columns). */
extern void lr_check_outcome_int(int32 v);

/* Raises an error unless pd is a probability, 0 to 1 (a predicted PD column). */
extern void lr_check_pd(double pd);

/*
 * The class of outcome argument argno (not NULL): a boolean, or with is_int
 * (the _int form of the function) an integer checked to be 0 or 1.
 */
static inline int
lr_outcome_arg(FunctionCallInfo fcinfo, int argno, bool is_int)
{
	if (!is_int)
		return PG_GETARG_BOOL(argno) ? 1 : 0;
	lr_check_outcome_int(PG_GETARG_INT32(argno));
	return PG_GETARG_INT32(argno);
}

#endif							/* LR_STATS_PG_H */
