/*
 * store.c
 *	  Normalisations of e-commerce store data: the Wilson lower bound of a
 *	  positive-review rate, a smoothed (Bayesian) rate, and store_features,
 *	  which puts reviews, orders, GMV, deposit and store age on comparable
 *	  scales.  Definitions: doc/features.md.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"

#include "common/lr_pg.h"
#include "features/features.h"
#include "features/features_pg.h"

PG_FUNCTION_INFO_V1(wilson_lower_bound);
PG_FUNCTION_INFO_V1(smoothed_rate);
PG_FUNCTION_INFO_V1(store_features);

/* Average days per month of the Gregorian calendar (146097 / 4800). */
#define LR_DAYS_PER_MONTH 30.436875

static void
CheckCounts(int64 positive, int64 total)
{
	if (total < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("total count " INT64_FORMAT " is negative", total)));
	if (positive < 0 || positive > total)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("positive count " INT64_FORMAT " is not between 0 and the total " INT64_FORMAT,
						positive, total)));
}

static void
CheckConfidence(double c)
{
	if (!(c > 0 && c < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence %g is not strictly between 0 and 1", c),
				 errhint("A 95%% interval is confidence 0.95.")));
}

/* wilson_lower_bound: lower bound of the Wilson score interval of positive/total */
Datum
wilson_lower_bound(PG_FUNCTION_ARGS)
{
	int64		positive = PG_GETARG_INT64(0);
	int64		total = PG_GETARG_INT64(1);
	double		conf = PG_GETARG_FLOAT8(2);

	CheckCounts(positive, total);
	CheckConfidence(conf);
	PG_RETURN_FLOAT8(lr_wilson_lower(positive, total, conf));
}

/* smoothed_rate: (positive + prior_rate * prior_weight) / (total + prior_weight) */
Datum
smoothed_rate(PG_FUNCTION_ARGS)
{
	int64		positive = PG_GETARG_INT64(0);
	int64		total = PG_GETARG_INT64(1);
	double		prior = PG_GETARG_FLOAT8(2);
	double		weight = PG_GETARG_FLOAT8(3);

	CheckCounts(positive, total);
	if (!(prior >= 0 && prior <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prior_rate %g is not between 0 and 1", prior)));
	if (!(weight >= 0 && isfinite(weight)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prior_weight %g is not a finite number of at least 0", weight)));
	if (total == 0 && weight == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(((double) positive + prior * weight) / ((double) total + weight));
}

#define LR_STORE_COLS 11

static const Oid store_types[LR_STORE_COLS] = {
	INT4OID, INT4OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID,
	FLOAT8OID, FLOAT8OID
};

static double
NonNegativeMoney(FunctionCallInfo fcinfo, int argno, const char *what)
{
	int64		units = lr_money_units(PG_GETARG_DATUM(argno), what);

	if (units < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %s is negative", what,
						lr_numeric_text(PG_GETARG_DATUM(argno)))));
	return (double) units / LR_MONEY_UNITS;
}

static void
PutF8(Datum *v, bool *n, int k, bool isnull, double x)
{
	n[k] = isnull || isnan(x);
	v[k] = Float8GetDatum(isnull ? 0 : x);
}

/*
 * store_features(reviews_positive, reviews_total, orders, gmv, deposit,
 * opened_on, as_of, confidence): the store's figures on comparable scales;
 * each output is NULL when an input it needs is NULL.
 */
Datum
store_features(PG_FUNCTION_ARGS)
{
	TupleDesc	td = lr_pg_result_desc(fcinfo, (TupleDesc *) &fcinfo->flinfo->fn_extra, store_types, LR_STORE_COLS);
	Datum		v[LR_STORE_COLS];
	bool		n[LR_STORE_COLS];
	double		conf = PG_ARGISNULL(7) ? 0.95 : PG_GETARG_FLOAT8(7);
	bool		have_age = !PG_ARGISNULL(5) && !PG_ARGISNULL(6);
	bool		have_reviews = !PG_ARGISNULL(0) && !PG_ARGISNULL(1);
	int32		age_days = 0;
	int32		age_months = 0;
	double		months = 0;
	double		gmv = 0;
	double		deposit = 0;
	int64		orders = 0;
	double		gmv_pm = 0;

	CheckConfidence(conf);
	if (have_age)
	{
		DateADT		opened = PG_GETARG_DATEADT(5);
		DateADT		asof = PG_GETARG_DATEADT(6);

		if (DATE_NOT_FINITE(opened) || DATE_NOT_FINITE(asof))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("opened_on and as_of must be finite dates")));
		if (opened > asof)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("opened_on %s is after as_of %s",
							DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(opened))),
							DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(asof))))));
		age_days = asof - opened;
		/* Whole calendar months, as PostgreSQL's age(): a month is complete on the same day of month. */
		{
			int			y1, m1, d1, y2, m2, d2;

			j2date(opened + POSTGRES_EPOCH_JDATE, &y1, &m1, &d1);
			j2date(asof + POSTGRES_EPOCH_JDATE, &y2, &m2, &d2);
			age_months = (y2 - y1) * 12 + (m2 - m1) - (d2 < d1 ? 1 : 0);
		}
		/* Rates per month of age, counting a store younger than a month as one month old. */
		months = Max((double) age_days / LR_DAYS_PER_MONTH, 1.0);
	}
	if (have_reviews)
		CheckCounts(PG_GETARG_INT64(0), PG_GETARG_INT64(1));
	if (!PG_ARGISNULL(2))
	{
		orders = PG_GETARG_INT64(2);
		if (orders < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("orders " INT64_FORMAT " is negative", orders)));
	}
	if (!PG_ARGISNULL(3))
		gmv = NonNegativeMoney(fcinfo, 3, "gmv");
	if (!PG_ARGISNULL(4))
		deposit = NonNegativeMoney(fcinfo, 4, "deposit");
	gmv_pm = gmv / months;

	n[0] = !have_age;
	v[0] = Int32GetDatum(age_days);
	n[1] = !have_age;
	v[1] = Int32GetDatum(age_months);
	PutF8(v, n, 2, !have_reviews || PG_GETARG_INT64(1) == 0,
		  have_reviews && PG_GETARG_INT64(1) > 0 ? (double) PG_GETARG_INT64(0) / (double) PG_GETARG_INT64(1) : 0);
	PutF8(v, n, 3, !have_reviews,
		  have_reviews ? lr_wilson_lower(PG_GETARG_INT64(0), PG_GETARG_INT64(1), conf) : 0);
	PutF8(v, n, 4, !have_age || PG_ARGISNULL(2), (double) orders / months);
	PutF8(v, n, 5, !have_age || PG_ARGISNULL(3), gmv_pm);
	PutF8(v, n, 6, !have_age || PG_ARGISNULL(3), log1p(gmv_pm));
	PutF8(v, n, 7, PG_ARGISNULL(2) || PG_ARGISNULL(3) || orders == 0, orders > 0 ? gmv / (double) orders : 0);
	PutF8(v, n, 8, PG_ARGISNULL(4), log1p(deposit));
	PutF8(v, n, 9, !have_age || PG_ARGISNULL(3) || PG_ARGISNULL(4) || gmv_pm == 0,
		  gmv_pm > 0 ? deposit / gmv_pm : 0);
	PutF8(v, n, 10, PG_ARGISNULL(3) || PG_ARGISNULL(4) || gmv + deposit == 0,
		  gmv + deposit > 0 ? deposit / (gmv + deposit) : 0);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(td, v, n)));
}
