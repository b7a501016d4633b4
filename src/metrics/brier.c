/*
 * brier.c
 *	  brier(pd, is_bad): mean squared difference between the predicted
 *	  probability of default and the outcome (1 bad, 0 good).
 *
 * The state is a count and a compensated (Neumaier) sum, so the result does
 * not drift with the order rows arrive in (serial, parallel, sharded).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"

#include "common/lr_pg.h"
#include "common/lr_state.h"
#include "metrics/metrics.h"
#include "stats/stats_pg.h"

PG_FUNCTION_INFO_V1(brier_final);

/* brier_state_in, _out, _recv, _send: the state type's text (base64) and binary I/O, validated on input */
LR_STATE_TYPE_FUNCTIONS(brier_state, lr_brier_ops)

/* brier_combine: merges two partial states */
LR_STATE_COMBINE_FUNCTION(brier_combine, lr_brier_ops)

/* Adds (pd argument 1, outcome argument 2: boolean, or 0/1 with is_int) unless either is NULL. */
static Datum
BrierAdd(FunctionCallInfo fcinfo, bool is_int)
{
	LrExpandedState *es;
	LrError		err = {0};
	int			outcome;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return lr_state_unchanged(fcinfo);
	outcome = lr_outcome_arg(fcinfo, 2, is_int);
	lr_check_pd(PG_GETARG_FLOAT8(1));
	es = lr_state_arg_rw(fcinfo, 0, &lr_brier_ops);
	if (!lr_brier_add(es->st, PG_GETARG_FLOAT8(1), outcome, &err))
		lr_state_raise(&err);
	return lr_state_updated(es);
}

/* brier_trans: adds (pd, is_bad boolean); NULLs are skipped */
LR_PG_FUNCTION_CALLING(brier_trans, BrierAdd, false)

/* brier_trans_int: adds (pd, is_bad 0/1); NULLs are skipped */
LR_PG_FUNCTION_CALLING(brier_trans_int, BrierAdd, true)

/* brier_final: the mean squared error, NULL for no rows */
Datum
brier_final(PG_FUNCTION_ARGS)
{
	const LrBrierState *st;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = lr_state_arg_ro(fcinfo, 0, &lr_brier_ops);
	if (st->n == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((st->sum + st->comp) / (double) st->n);
}
