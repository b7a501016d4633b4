/*
 * daily.c
 *	  daily_interest(amount, on_date, daily_rate, as_of): interest accrued
 *	  day by day on a revolving line from its draws (positive amounts) and
 *	  repayments (negative amounts).  A mergeable aggregate (daily_state.c).
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"

#include "common/lr_pg.h"
#include "common/lr_state.h"
#include "credit/credit_pg.h"

PG_FUNCTION_INFO_V1(daily_interest_trans);
PG_FUNCTION_INFO_V1(daily_interest_final);

/* daily_interest_state_in, _out, _recv, _send: the state type's text (base64) and binary I/O, validated on input */
LR_STATE_TYPE_FUNCTIONS(daily_interest_state, lr_daily_ops)

/* daily_interest_combine: merges two partial states */
LR_STATE_COMBINE_FUNCTION(daily_interest_combine, lr_daily_ops)

/* daily_interest_trans: adds one draw or repayment; rows with a NULL are skipped */
Datum
daily_interest_trans(PG_FUNCTION_ARGS)
{
	LrExpandedState *es;
	LrError		err = {0};
	int64		cents;
	int32		day,
				as_of;
	lr_i128		rate;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		return lr_state_unchanged(fcinfo);
	cents = lr_arg_cents(PG_GETARG_DATUM(1), "amount", true);
	day = lr_arg_date(PG_GETARG_DATUM(2), "on_date");
	rate = lr_arg_rate(PG_GETARG_DATUM(3), "daily_rate", 0, LR_DAILY_RATE_MAX,
					   "a daily rate from 0 to 1");
	as_of = lr_arg_date(PG_GETARG_DATUM(4), "as_of");

	es = lr_state_arg_rw(fcinfo, 0, &lr_daily_ops);
	if (!lr_daily_add(es->st, day, cents, rate, as_of, &err))
		lr_credit_raise(&err);
	return lr_state_updated(es);
}

/* daily_interest_final: the accrued interest in cents as numeric; NULL for no rows */
Datum
daily_interest_final(PG_FUNCTION_ARGS)
{
	const LrDailyState *st;
	LrAlloc		a;
	LrError		err = {0};
	lr_i128		interest;
	lr_i128		bd;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = lr_state_arg_ro(fcinfo, 0, &lr_daily_ops);
	if (st->n == 0)
		PG_RETURN_NULL();
	lr_pg_alloc_init(&a, CurrentMemoryContext);
	if (!lr_daily_compute(st, &a, &interest, &bd, &err))
		lr_credit_raise(&err);
	PG_RETURN_DATUM(lr_scaled_datum(interest, 2, 2));
}
