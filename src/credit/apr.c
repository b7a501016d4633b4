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

PG_FUNCTION_INFO_V1(apr_state_in);
PG_FUNCTION_INFO_V1(apr_state_out);
PG_FUNCTION_INFO_V1(apr_state_recv);
PG_FUNCTION_INFO_V1(apr_state_send);
PG_FUNCTION_INFO_V1(apr_combine);
PG_FUNCTION_INFO_V1(apr_trans);
PG_FUNCTION_INFO_V1(apr_final);

/* apr_state_in: base64 text to a validated state */
Datum
apr_state_in(PG_FUNCTION_ARGS)
{
	return lr_state_in(fcinfo, &lr_apr_ops);
}

/* apr_state_out: state to base64 text */
Datum
apr_state_out(PG_FUNCTION_ARGS)
{
	return lr_state_out(fcinfo, &lr_apr_ops);
}

/* apr_state_recv: binary state, validated */
Datum
apr_state_recv(PG_FUNCTION_ARGS)
{
	return lr_state_recv(fcinfo, &lr_apr_ops);
}

/* apr_state_send: state to binary */
Datum
apr_state_send(PG_FUNCTION_ARGS)
{
	return lr_state_send(fcinfo, &lr_apr_ops);
}

/* apr_combine: merges two partial states */
Datum
apr_combine(PG_FUNCTION_ARGS)
{
	return lr_state_combine(fcinfo, &lr_apr_ops);
}

/* apr_trans: adds one cash flow (amount, paid_on); rows with a NULL are skipped */
Datum
apr_trans(PG_FUNCTION_ARGS)
{
	LrExpandedState *es;
	LrError		err = {0};
	int32		day;
	double		amount;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	amount = lr_arg_amount(PG_GETARG_DATUM(1), "amount");
	day = lr_arg_date(PG_GETARG_DATUM(2), "paid_on");

	es = lr_state_arg_rw(fcinfo, 0, &lr_apr_ops);
	if (!lr_apr_add(es->st, day, amount, &err))
		lr_credit_raise(&err);
	lr_state_touch(es);
	PG_RETURN_DATUM(lr_state_datum(es));
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
