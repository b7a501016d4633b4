/*
 * metrics_pg.h
 *	  Server-side helpers shared by the aggregates of src/metrics.
 */
#ifndef LR_METRICS_PG_H
#define LR_METRICS_PG_H

#include "postgres.h"

#include "fmgr.h"
#include "access/tupdesc.h"

#include "metrics/metrics.h"
#include "stats/stats_pg.h"

/* The score distribution in argument 0 ready to be read in order (lr_dist_settle), or NULL when it is NULL. */
extern const LrDistState *lr_dist_arg(FunctionCallInfo fcinfo);

/*
 * Rows of a table aggregate (a final function returning an array of a
 * composite type): the element's descriptor, then the array of formed rows.
 */
typedef struct LrRowArray
{
	TupleDesc	desc;
	Oid			elemtype;
	Datum	   *rows;
	int			n;
	int			cap;
} LrRowArray;

extern void lr_row_array_init(LrRowArray *ra, FunctionCallInfo fcinfo, int natts);
extern void lr_row_array_add(LrRowArray *ra, Datum *values, bool *nulls);
extern Datum lr_row_array_result(LrRowArray *ra);

#endif							/* LR_METRICS_PG_H */
