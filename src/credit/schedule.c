/*
 * schedule.c
 *	  repayment_schedule() and schedule_apr(): the SQL side of schedules
 *	  (schedule_core.c) and of their periodic rate of return (irr.c).
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/numeric.h"
#include "utils/tuplestore.h"

#include "common/lr_pg.h"
#include "credit/credit_pg.h"

PG_FUNCTION_INFO_V1(repayment_schedule);
PG_FUNCTION_INFO_V1(schedule_apr);
PG_FUNCTION_INFO_V1(schedule_apr_payments);

typedef struct SchedArgs
{
	int64		principal;
	lr_i128		rate;
	int			term;
	LrSchedMethod method;
} SchedArgs;

static void
ReadSchedArgs(FunctionCallInfo fcinfo, SchedArgs *a)
{
	text	   *m = PG_GETARG_TEXT_PP(3);
	LrError		err = {0};

	a->principal = lr_arg_cents(PG_GETARG_DATUM(0), "principal", false);
	a->rate = lr_arg_rate(PG_GETARG_DATUM(1), "annual_rate", PG_INT64_MIN, LR_SCHED_RATE_MAX * 2,
						  "a rate from 0 to 100");
	a->term = PG_GETARG_INT32(2);
	if (!lr_sched_method_parse(VARDATA_ANY(m), VARSIZE_ANY_EXHDR(m), &a->method, &err) ||
		!lr_sched_check_args(a->principal, a->rate, a->term, &err))
		lr_credit_raise(&err);
}

static LrSchedRow *
BuildSchedule(const SchedArgs *a)
{
	LrSchedRow *rows = palloc(sizeof(LrSchedRow) * a->term);
	LrError		err = {0};

	if (!lr_schedule(a->principal, a->rate, a->term, a->method, rows, &err))
		lr_credit_raise(&err);
	return rows;
}

/* start + k months; the day is cut to the month's length (Jan 31 + 1 month = Feb 28 or 29) */
static DateADT
AddMonths(DateADT start, int k)
{
	int			y,
				m,
				d;
	int			months;
	int			jd;

	/*
	 * What date + interval 'k months' does (timestamp_pl_interval), over the
	 * whole date range: j2date's years are astronomical (0 is 1 BC, -1 is 2
	 * BC), so the month count is negative before the common era and must be
	 * split with floor division, not C's truncating one.
	 */
	j2date(start + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	months = y * 12 + (m - 1) + k;
	y = months >= 0 ? months / 12 : -((-months + 11) / 12);
	m = months - y * 12 + 1;
	if (d > day_tab[isleap(y)][m - 1])
		d = day_tab[isleap(y)][m - 1];
	if (!IS_VALID_JULIAN(y, m, d) ||
		!IS_VALID_DATE(jd = date2j(y, m, d) - POSTGRES_EPOCH_JDATE))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("due date of period %d is out of range", k),
				 errdetail_plural("start_date %s plus %d month is after %s, the last date PostgreSQL supports.",
								  "start_date %s plus %d months is after %s, the last date PostgreSQL supports.",
								  (unsigned long) k,
								  DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(start))), k,
								  DatumGetCString(DirectFunctionCall1(date_out,
																	  DateADTGetDatum(DATE_END_JULIAN - POSTGRES_EPOCH_JDATE - 1))))));
	return jd;
}

/* repayment_schedule: one row per month, exact cents */
Datum
repayment_schedule(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	SchedArgs	a;
	DateADT		start;
	LrSchedRow *rows;
	int			k;

	ReadSchedArgs(fcinfo, &a);
	start = lr_arg_date(PG_GETARG_DATUM(4), "start_date");
	/* every due date is checked before any row is returned */
	(void) AddMonths(start, a.term);
	rows = BuildSchedule(&a);

	lr_pg_srf_init(fcinfo);
	for (k = 0; k < a.term; k++)
	{
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};

		values[0] = Int32GetDatum(k + 1);
		values[1] = DateADTGetDatum(AddMonths(start, k + 1));
		values[2] = lr_cents_datum(rows[k].payment);
		values[3] = lr_cents_datum(rows[k].principal);
		values[4] = lr_cents_datum(rows[k].interest);
		values[5] = lr_cents_datum(rows[k].balance);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* The (periodic, nominal, effective) row of x = ln(1 + periodic rate). */
static Datum
AprRowFromX(FunctionCallInfo fcinfo, double x, int periods_per_year)
{
	TupleDesc	td = lr_result_tupdesc(fcinfo, NULL);
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	double		eff;

	eff = expm1(x * periods_per_year);
	if (!isfinite(eff))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("the effective annual rate of this schedule is too large to represent")));
	values[0] = lr_rate10_datum(expm1(x));
	values[1] = lr_rate10_datum(expm1(x) * periods_per_year);
	values[2] = lr_rate10_datum(eff);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(td, values, nulls)));
}

/* The (periodic, nominal, effective) row from flows in periods. */
static Datum
AprRow(FunctionCallInfo fcinfo, LrFlow *flows, int n, int periods_per_year)
{
	LrError		err = {0};
	double		x;

	n = (int) lr_flows_coalesce(flows, (size_t) n);
	if (!lr_irr(flows, (size_t) n, &x, &err))
		lr_credit_raise(&err);
	return AprRowFromX(fcinfo, x, periods_per_year);
}

/* schedule_apr: nominal and effective APR of a schedule built like repayment_schedule */
Datum
schedule_apr(PG_FUNCTION_ARGS)
{
	SchedArgs	a;
	int64		fee = lr_arg_cents(PG_GETARG_DATUM(4), "upfront_fee", false);
	LrSchedRow *rows;
	LrFlow	   *flows;
	LrError		err = {0};
	double		x;

	ReadSchedArgs(fcinfo, &a);
	if (fee >= a.principal)
	{
		char		f[64],
					p[64];

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("upfront_fee %s is not less than the principal %s",
						lr_cents_str(f, sizeof(f), fee), lr_cents_str(p, sizeof(p), a.principal))));
	}
	rows = BuildSchedule(&a);
	flows = palloc(sizeof(LrFlow) * (a.term + 1));
	if (!lr_schedule_irr(rows, a.term, a.principal, fee, flows, &x, &err))
		lr_credit_raise(&err);
	return AprRowFromX(fcinfo, x, 12);
}

/* schedule_apr over given payments: periodic IRR, nominal and effective APR */
Datum
schedule_apr_payments(PG_FUNCTION_ARGS)
{
	double		financed = lr_arg_amount(PG_GETARG_DATUM(0), "amount_financed");
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	int32		ppy = PG_GETARG_INT32(2);
	Datum	   *elems;
	bool	   *enulls;
	int			n,
				k;
	LrFlow	   *flows;

	if (ppy < 1 || ppy > 366)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("periods_per_year %d is not between 1 and 366", ppy)));
	if (!(financed > 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("amount_financed %s is not positive",
						DatumGetCString(DirectFunctionCall1(numeric_out, PG_GETARG_DATUM(0))))));
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("payments must be a one-dimensional array")));
	deconstruct_array(arr, NUMERICOID, -1, false, TYPALIGN_INT, &elems, &enulls, &n);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("payments is empty")));
	flows = palloc(sizeof(LrFlow) * (n + 1));
	flows[0].t = 0;
	flows[0].a = -financed;
	for (k = 0; k < n; k++)
	{
		if (enulls[k])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("payments[%d] is NULL", k + 1),
					 errhint("Use 0 for a period without a payment.")));
		flows[k + 1].t = k + 1;
		flows[k + 1].a = lr_arg_amount(elems[k], psprintf("payments[%d]", k + 1));
	}
	return AprRow(fcinfo, flows, n + 1, ppy);
}
