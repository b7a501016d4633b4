/*
 * borrowing.c
 *	  borrowing_features(start_date, end_date, amount, days_past_due
 *	  [, as_of]): a merchant's borrowing behaviour from its past loans, a
 *	  mergeable aggregate returning loan_risk.borrowing_profile.
 *	  Definitions: doc/features.md; the state is in borrow_state.c.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/date.h"

#include "common/lr_pg.h"
#include "common/lr_state.h"
#include "features/features.h"
#include "features/features_pg.h"

PG_FUNCTION_INFO_V1(borrowing_features_trans);
PG_FUNCTION_INFO_V1(borrowing_features_final);

/* borrowing_state_in, _out, _recv, _send: the state type's text (base64) and binary I/O, validated on input */
LR_STATE_TYPE_FUNCTIONS(borrowing_state, lr_borrow_ops)

/* borrowing_features_combine: merges two partial states */
LR_STATE_COMBINE_FUNCTION(borrowing_features_combine, lr_borrow_ops)

static int32
FiniteDate(DateADT d, const char *what)
{
	if (DATE_NOT_FINITE(d))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %s is not a finite date", what, DATE_IS_NOBEGIN(d) ? "-infinity" : "infinity")));
	return (int32) d;
}

static const char *
DateText(DateADT d)
{
	return DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(d)));
}

/* borrowing_features_trans: adds one loan (start_date, end_date, amount, days_past_due [, as_of]) */
Datum
borrowing_features_trans(PG_FUNCTION_ARGS)
{
	LrExpandedState *es;
	LrLoan		loan;
	LrAsOfMode	mode = LR_ASOF_LATEST;
	int32		asof = 0;
	LrError		err = {0};

	/* A loan without a start date is skipped. */
	if (PG_ARGISNULL(1))
		return lr_state_unchanged(fcinfo);
	loan.start = FiniteDate(PG_GETARG_DATEADT(1), "start_date");
	loan.end = LR_LOAN_OPEN;
	if (!PG_ARGISNULL(2))
	{
		loan.end = FiniteDate(PG_GETARG_DATEADT(2), "end_date");
		if (loan.end < loan.start)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("end_date %s is before start_date %s", DateText(loan.end), DateText(loan.start))));
	}
	loan.amount = -1;
	if (!PG_ARGISNULL(3))
	{
		loan.amount = lr_money_units(PG_GETARG_DATUM(3), "amount");
		if (loan.amount < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("loan amount %s is negative",
							lr_numeric_text(PG_GETARG_DATUM(3)))));
	}
	loan.dpd = -1;
	if (!PG_ARGISNULL(4))
	{
		loan.dpd = PG_GETARG_INT32(4);
		if (loan.dpd < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("days_past_due %d is negative", loan.dpd)));
	}
	if (PG_NARGS() > 5 && !PG_ARGISNULL(5))
	{
		mode = LR_ASOF_GIVEN;
		asof = FiniteDate(PG_GETARG_DATEADT(5), "as_of");
	}
	es = lr_state_arg_rw(fcinfo, 0, &lr_borrow_ops);
	if (!lr_borrow_add(es->st, &es->alloc, mode, asof, &loan, &err))
		lr_state_raise(&err);
	return lr_state_updated(es);
}

#define LR_BORROW_COLS 21

static const Oid borrow_types[LR_BORROW_COLS] = {
	DATEOID, INT8OID, INT4OID, INT4OID, INT4OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, INT4OID, INT4OID,
	FLOAT8OID, INT4OID, INT4OID, INT4OID, INT4OID, BOOLOID, BOOLOID, BOOLOID, BOOLOID, BOOLOID, INT4OID
};

/* borrowing_features_final: the borrowing profile, NULL when no loan counted */
Datum
borrowing_features_final(PG_FUNCTION_ARGS)
{
	const LrBorrowState *st;
	LrBorrowResult r;
	LrError		err = {0};
	LrAlloc		a;
	TupleDesc	td;
	Datum		v[LR_BORROW_COLS];
	bool		nulls[LR_BORROW_COLS];
	int			k = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = lr_state_arg_ro(fcinfo, 0, &lr_borrow_ops);
	if (st->n == 0)
		PG_RETURN_NULL();
	td = lr_pg_result_desc(fcinfo, (TupleDesc *) &fcinfo->flinfo->fn_extra, borrow_types, LR_BORROW_COLS);
	lr_pg_alloc_init(&a, CurrentMemoryContext);
	if (!lr_borrow_compute(st, &a, &r, &err))
		lr_state_raise(&err);
	memset(nulls, 0, sizeof(nulls));
	v[k++] = DateADTGetDatum(r.asof);
	v[k++] = Int64GetDatum(r.loans_total);
	v[k++] = Int32GetDatum(r.loans_6m);
	v[k++] = Int32GetDatum(r.loans_12m);
	v[k++] = Int32GetDatum(r.open_loans);
	nulls[k] = isnan(r.avg_amount_12m);
	v[k++] = Float8GetDatum(r.avg_amount_12m);
	nulls[k] = isnan(r.avg_amount_all);
	v[k++] = Float8GetDatum(r.avg_amount_all);
	nulls[k] = isnan(r.avg_days_used_12m);
	v[k++] = Float8GetDatum(r.avg_days_used_12m);
	nulls[k] = r.max_dpd_12m < 0;
	v[k++] = Int32GetDatum(r.max_dpd_12m);
	nulls[k] = r.max_dpd_all < 0;
	v[k++] = Int32GetDatum(r.max_dpd_all);
	nulls[k] = isnan(r.on_time_share_12m);
	v[k++] = Float8GetDatum(r.on_time_share_12m);
	v[k++] = Int32GetDatum(r.days_since_last_loan);
	v[k++] = Int32GetDatum(r.short_loans_6m);
	v[k++] = Int32GetDatum(r.quick_reborrows_6m);
	v[k++] = Int32GetDatum(r.small_loans_6m);
	v[k++] = BoolGetDatum(r.frequent_flag);
	v[k++] = BoolGetDatum(r.short_flag);
	v[k++] = BoolGetDatum(r.urgent_flag);
	v[k++] = BoolGetDatum(r.small_flag);
	v[k++] = BoolGetDatum(r.pattern_flag);
	v[k++] = Int32GetDatum(r.pattern_score);
	Assert(k == LR_BORROW_COLS);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(td, v, nulls)));
}
