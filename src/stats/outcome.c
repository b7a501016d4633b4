/*
 * outcome.c
 *	  Checks shared by the aggregates and passes that take an outcome column.
 */
#include "postgres.h"

#include "stats/stats_pg.h"

void
lr_check_outcome_int(int32 v)
{
	if (v != 0 && v != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("outcome must be 0 (good) or 1 (bad), got %d", v),
				 errhint("Pass a boolean, or map the outcome column to 0 and 1.")));
}

void
lr_check_pd(double pd)
{
	if (!(pd >= 0 && pd <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("predicted probability %g is not between 0 and 1", pd)));
}
