/*
 * apr.c
 *	  apr(amount, paid_on): the annual percentage rate of a loan's cash
 *	  flows by internal rate of return, actual/365 like a spreadsheet's XIRR.
 *	  A mergeable aggregate (state in apr_state.c).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/numeric.h"

#include "common/lr_pg.h"
#include "common/lr_state.h"
#include "credit/credit_pg.h"

PG_FUNCTION_INFO_V1(apr_trans);
PG_FUNCTION_INFO_V1(apr_final);

/* apr_state_in, _out, _recv, _send: the state type's text (base64) and binary I/O, validated on input */
LR_STATE_TYPE_FUNCTIONS(apr_state, lr_apr_ops)

/* apr_combine: merges two partial states */
LR_STATE_COMBINE_FUNCTION(apr_combine, lr_apr_ops)

/* apr_trans: adds one cash flow (amount, paid_on); rows with a NULL are skipped */
Datum
apr_trans(PG_FUNCTION_ARGS)
{
	LrExpandedState *es;
	LrError		err = {0};
	int32		day;
	double		amount;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return lr_state_unchanged(fcinfo);
	amount = lr_arg_amount(PG_GETARG_DATUM(1), "amount");
	day = lr_arg_date(PG_GETARG_DATUM(2), "paid_on");

	es = lr_state_arg_rw(fcinfo, 0, &lr_apr_ops);
	if (!lr_apr_add(es->st, day, amount, &err))
		lr_credit_raise(&err);
	return lr_state_updated(es);
}

/* apr_final: the annual rate, rounded to 10 decimals; NULL for no flows */
Datum
apr_final(PG_FUNCTION_ARGS)
{
	const LrAprState *st;
	LrAlloc		a;
	LrError		err = {0};
	double		rate;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = lr_state_arg_ro(fcinfo, 0, &lr_apr_ops);
	if (st->n == 0)
		PG_RETURN_NULL();
	lr_pg_alloc_init(&a, CurrentMemoryContext);
	if (!lr_apr_compute(st, &a, &rate, &err))
		lr_credit_raise(&err);
	PG_RETURN_DATUM(lr_rate10_datum(rate));
}
