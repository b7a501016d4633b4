/*
 * price.c
 *	  price_loan(): the SQL side of risk-based pricing (decide.c).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "common/lr_pg.h"
#include "credit/credit_pg.h"

PG_FUNCTION_INFO_V1(price_loan);

LR_JSON_PARSE_CALLBACK(ParsePricePolicy, lr_price_policy_parse, LrPricePolicy)

/* Rates of the breakdown: scale 10, shown with at least 4 decimals. */
static Datum
Rate(lr_i128 v)
{
	return lr_scaled_datum(v, LR_PRICE_SCALE, 4);
}

/* price_loan: annual rate and its breakdown, with the APR cap applied */
Datum
price_loan(PG_FUNCTION_ARGS)
{
	double		pd = lr_arg_probability(PG_GETARG_FLOAT8(0), "pd");
	double		lgd = lr_arg_probability(PG_GETARG_FLOAT8(1), "lgd");
	int32		term = PG_GETARG_INT32(2);
	LrPolicyCache *pc;
	TupleDesc	td;
	LrPriceResult r;
	Datum		values[13];
	bool		nulls[13];

	if (term < 1 || term > LR_TERM_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("term_months %d is not between 1 and %d", term, LR_TERM_MAX)));
	pc = lr_policy_cache_get(fcinfo, 3, ParsePricePolicy, "invalid pricing policy");
	td = lr_result_tupdesc(fcinfo, pc);

	lr_price_loan((const LrPricePolicy *) pc->policy, pd, lgd, term, &r);
	memset(nulls, 0, sizeof(nulls));
	values[0] = BoolGetDatum(r.approved);
	values[1] = Rate(r.rate);
	nulls[1] = !r.approved;
	values[2] = BoolGetDatum(r.capped);
	values[3] = Rate(r.required_rate);
	values[4] = Rate(r.cost_of_funds);
	values[5] = Rate(r.acquisition_cost);
	values[6] = Rate(r.credit_data_cost);
	values[7] = Rate(r.expected_loss);
	values[8] = Rate(r.operating_cost);
	values[9] = Rate(r.management_cost);
	values[10] = Rate(r.target_margin);
	values[11] = Rate(r.margin);
	values[12] = CStringGetTextDatum(r.reason);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(td, values, nulls)));
}
