/*
 * limit.c
 *	  credit_limit() and adjust_limit(): the SQL side.  The decisions are
 *	  pure C (decide.c) on policies compiled once per query (policy.c).
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "common/lr_pg.h"
#include "credit/credit_pg.h"

PG_FUNCTION_INFO_V1(credit_limit);
PG_FUNCTION_INFO_V1(adjust_limit);

LR_JSON_PARSE_CALLBACK(ParseLimitPolicy, lr_limit_policy_parse, LrLimitPolicy)

LR_JSON_PARSE_CALLBACK(ParseAdjustPolicy, lr_adjust_policy_parse, LrAdjustPolicy)

/* credit_limit: limit, binding constraint and reason for one applicant */
Datum
credit_limit(PG_FUNCTION_ARGS)
{
	double		pd = lr_arg_probability(PG_GETARG_FLOAT8(0), "pd");
	int64		revenue = lr_arg_cents(PG_GETARG_DATUM(1), "monthly_revenue", false);
	int64		existing = lr_arg_cents(PG_GETARG_DATUM(2), "existing_debt", false);
	LrPolicyCache *pc = lr_policy_cache_get(fcinfo, 3, ParseLimitPolicy,
											"invalid credit limit policy");
	TupleDesc	td = lr_result_tupdesc(fcinfo, pc);
	LrLimitResult r;
	Datum		values[6];
	bool		nulls[6] = {false, false, false, false, false, false};

	lr_credit_limit((const LrLimitPolicy *) pc->policy, pd, revenue, existing, &r);
	values[0] = BoolGetDatum(r.approved);
	values[1] = lr_cents_datum(r.limit);
	values[2] = CStringGetTextDatum(lr_limit_binding_name(r.binding));
	if (r.revenue_cap >= 0)
		values[3] = lr_cents_datum(r.revenue_cap);
	else
		nulls[3] = true;
	if (r.debt_service_cap >= 0)
		values[4] = lr_cents_datum(r.debt_service_cap);
	else
		nulls[4] = true;
	values[5] = CStringGetTextDatum(r.reason);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(td, values, nulls)));
}

static int
NonNegativeInt(int32 v, const char *argname)
{
	if (v < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %d is negative", argname, v)));
	return v;
}

/* adjust_limit: increase, decrease, hold or freeze an existing line */
Datum
adjust_limit(PG_FUNCTION_ARGS)
{
	LrAdjustInput in;
	LrPolicyCache *pc;
	TupleDesc	td;
	LrAdjustResult r;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	double		u = PG_GETARG_FLOAT8(1);

	in.current_limit = lr_arg_cents(PG_GETARG_DATUM(0), "current_limit", false);
	if (isnan(u) || u < 0 || u > 10)
	{
		char		buf[64];

		lr_pg_format_double(buf, sizeof(buf), u);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("utilisation %s is not between 0 and 10",
						isnan(u) ? "NaN" : isinf(u) ? (u > 0 ? "Infinity" : "-Infinity") : buf),
				 errdetail("Utilisation is the drawn amount divided by the limit; above 1 is over the limit.")));
	}
	in.utilisation = u;
	in.max_dpd = NonNegativeInt(PG_GETARG_INT32(2), "max_days_past_due");
	in.pd_at_grant = lr_arg_probability(PG_GETARG_FLOAT8(3), "pd_at_grant");
	in.pd_now = lr_arg_probability(PG_GETARG_FLOAT8(4), "pd_now");
	in.months_on_book = NonNegativeInt(PG_GETARG_INT32(5), "months_on_book");
	in.months_since_change = in.months_on_book;
	if (PG_NARGS() > 7)
	{
		in.months_since_change = NonNegativeInt(PG_GETARG_INT32(7), "months_since_change");
		if (in.months_since_change > in.months_on_book)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("months_since_change %d is more than months_on_book %d",
							in.months_since_change, in.months_on_book)));
	}
	pc = lr_policy_cache_get(fcinfo, 6, ParseAdjustPolicy, "invalid limit adjustment policy");
	td = lr_result_tupdesc(fcinfo, pc);

	lr_adjust_limit((const LrAdjustPolicy *) pc->policy, &in, &r);
	values[0] = lr_cents_datum(r.new_limit);
	values[1] = CStringGetTextDatum(lr_adj_action_name(r.action));
	values[2] = CStringGetTextDatum(r.rule);
	values[3] = CStringGetTextDatum(r.reason);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(td, values, nulls)));
}
