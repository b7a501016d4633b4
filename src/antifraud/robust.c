/*
 * robust.c
 *	  robust_stats(value [, exact_limit]) -> (n, median, mad, mean_abs_dev,
 *	  exact), and robust_z(value, ...) the modified z-score against them.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/memutils.h"

#include "common/lr_pg.h"
#include "common/lr_state.h"
#include "antifraud/robust.h"

PG_FUNCTION_INFO_V1(robust_stats_trans);
PG_FUNCTION_INFO_V1(robust_stats_final);
PG_FUNCTION_INFO_V1(robust_z);
PG_FUNCTION_INFO_V1(robust_z_summary);

/* robust_stats_state_in, _out, _recv, _send: the state type's text (base64) and binary I/O, validated on input */
LR_STATE_TYPE_FUNCTIONS(robust_stats_state, lr_robust_ops)

/* robust_stats_combine: merges two partial states */
LR_STATE_COMBINE_FUNCTION(robust_stats_combine, lr_robust_ops)

/* robust_stats_trans: adds a value; NULL and NaN are skipped */
Datum
robust_stats_trans(PG_FUNCTION_ARGS)
{
	LrExpandedState *es;
	int32		limit = LR_ROBUST_DEFAULT_EXACT;
	LrError		err = {0};
	double		x;

	if (PG_NARGS() > 2)
	{
		lr_pg_arg_required(fcinfo, 2, "exact_limit", NULL);
		limit = PG_GETARG_INT32(2);
		if (limit < 0 || limit > LR_ROBUST_MAX_EXACT)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("exact_limit %d is out of range", limit),
					 errdetail("It must be from 0 to %d values.", LR_ROBUST_MAX_EXACT)));
	}
	if (PG_ARGISNULL(1) || isnan(PG_GETARG_FLOAT8(1)))
		return lr_state_unchanged(fcinfo);
	x = PG_GETARG_FLOAT8(1);
	es = lr_state_arg_rw(fcinfo, 0, &lr_robust_ops);
	if (!lr_robust_set_limit(es->st, limit, &err) || !lr_robust_add(es->st, x, &err))
		lr_pg_raise(&err, NULL);
	return lr_state_updated(es);
}

/* robust_stats_final: (n, median, mad, mean_abs_dev, exact); NULL for no values */
Datum
robust_stats_final(PG_FUNCTION_ARGS)
{
	const LrRobustState *st;
	LrRobustResult res;
	LrAlloc		a;
	LrError		err = {0};
	Datum		v[5];
	bool		n[5] = {false, false, false, false, false};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = lr_state_arg_ro(fcinfo, 0, &lr_robust_ops);
	if (st->n == 0)
		PG_RETURN_NULL();
	lr_pg_alloc_init(&a, CurrentMemoryContext);
	if (!lr_robust_result(st, &a, &res, &err))
		lr_pg_raise(&err, NULL);
	if (!res.has_inf && (isinf(res.mad) || isinf(res.mean_abs_dev)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("robust_stats: the %s of these values is beyond the range of float8",
						isinf(res.mad) ? "median absolute deviation" : "mean absolute deviation"),
				 errdetail("The values are finite, but they lie more than 1.8e308 from their median %g.",
						   res.median)));
	v[0] = Int64GetDatum(res.n);
	v[1] = Float8GetDatum(res.median);
	v[2] = Float8GetDatum(res.mad);
	v[3] = Float8GetDatum(res.mean_abs_dev);
	v[4] = BoolGetDatum(res.exact);
	return lr_pg_result_row(fcinfo, v, n);
}

static void
CheckSpread(double v, const char *what)
{
	if (v < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %g is negative", what, v),
				 errdetail("A deviation is never negative.")));
}

/* robust_z(value, median, mad): 0.6745 (value - median) / mad */
Datum
robust_z(PG_FUNCTION_ARGS)
{
	double		mad = PG_GETARG_FLOAT8(2);

	CheckSpread(mad, "mad");
	PG_RETURN_FLOAT8(lr_robust_z(PG_GETARG_FLOAT8(0), PG_GETARG_FLOAT8(1), mad, NAN));
}

/* robust_z(value, stats): against a robust_summary, mean absolute deviation when MAD is 0 */
Datum
robust_z_summary(PG_FUNCTION_ARGS)
{
	HeapTupleHeader s = PG_GETARG_HEAPTUPLEHEADER(1);
	bool		nm,
				nd,
				na;
	Datum		median = GetAttributeByNum(s, 2, &nm);
	Datum		mad = GetAttributeByNum(s, 3, &nd);
	Datum		meanad = GetAttributeByNum(s, 4, &na);

	if (nm || nd)
		PG_RETURN_NULL();
	CheckSpread(DatumGetFloat8(mad), "mad");
	if (!na)
		CheckSpread(DatumGetFloat8(meanad), "mean_abs_dev");
	PG_RETURN_FLOAT8(lr_robust_z(PG_GETARG_FLOAT8(0), DatumGetFloat8(median), DatumGetFloat8(mad),
								 na ? NAN : DatumGetFloat8(meanad)));
}
