/*
 * tables.c
 *	  Aggregates over equal-frequency buckets of a score distribution:
 *	  the gains / lift / KS table, the observed-versus-expected calibration
 *	  table, the Hosmer-Lemeshow test, and PSI over quantile bins of the
 *	  baseline; plus chi2_sf, the chi-square survival function.
 *
 * Table forms are aggregates returning an array of a composite type, so one
 * statement with GROUP BY gives a table per month or segment (unnest it),
 * and they run in parallel and through _partial/_merge like the others.
 *
 * Buckets (lr_rank_bucket): a group of tied values is never split; it goes
 * to bucket floor(r * k / (n + 1)) of its mean rank r, as SAS PROC RANK
 * GROUPS=k TIES=MEAN.  Ties can leave a bucket empty; empty buckets have no
 * row, so bucket numbers can skip.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "common/lr_pg.h"
#include "common/lr_state.h"
#include "metrics/metrics.h"
#include "metrics/metrics_pg.h"
#include "stats/woe.h"

PG_FUNCTION_INFO_V1(gains_table_final);
PG_FUNCTION_INFO_V1(calibration_table_final);
PG_FUNCTION_INFO_V1(hosmer_lemeshow_final);
PG_FUNCTION_INFO_V1(psi_bins_final);
PG_FUNCTION_INFO_V1(chi2_sf);

/* ---------------------------------------------------------------- row arrays */

void
lr_row_array_init(LrRowArray *ra, FunctionCallInfo fcinfo, int natts)
{
	Oid			arrtype = get_func_rettype(fcinfo->flinfo->fn_oid);

	ra->elemtype = get_element_type(arrtype);
	if (!OidIsValid(ra->elemtype))
		elog(ERROR, "function %u does not return an array", fcinfo->flinfo->fn_oid);
	ra->desc = BlessTupleDesc(lookup_rowtype_tupdesc_copy(ra->elemtype, -1));
	if (ra->desc->natts != natts)
		elog(ERROR, "row type %u has %d columns, expected %d", ra->elemtype, ra->desc->natts, natts);
	ra->n = 0;
	ra->cap = 16;
	ra->rows = palloc(ra->cap * sizeof(Datum));
}

void
lr_row_array_add(LrRowArray *ra, Datum *values, bool *nulls)
{
	if (ra->n == ra->cap)
	{
		ra->cap *= 2;
		ra->rows = repalloc(ra->rows, ra->cap * sizeof(Datum));
	}
	ra->rows[ra->n++] = HeapTupleGetDatum(heap_form_tuple(ra->desc, values, nulls));
}

Datum
lr_row_array_result(LrRowArray *ra)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;

	if (ra->n == 0)
		return PointerGetDatum(construct_empty_array(ra->elemtype));
	get_typlenbyvalalign(ra->elemtype, &typlen, &typbyval, &typalign);
	return PointerGetDatum(construct_array(ra->rows, ra->n, ra->elemtype, typlen, typbyval, typalign));
}

/* ---------------------------------------------------------------- buckets */

static int32
StateBuckets(const LrDistState *st)
{
	if (st->nbuckets <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("loan_risk.score_dist_state has no number of buckets"),
				 errdetail("It was built by an aggregate without buckets, such as auc_partial."),
				 errhint("Build it with the _partial aggregate of the same table function.")));
	return st->nbuckets;
}

/* ---------------------------------------------------------------- gains */

/* The first columns of a row of the gains and calibration tables: group i (from 1), its range, rows and bads. */
static void
BucketColumns(Datum *values, int32 i, const LrDistBucket *b)
{
	values[0] = Int32GetDatum(i + 1);
	values[1] = Float8GetDatum(b->lo);
	values[2] = Float8GetDatum(b->hi);
	values[3] = Int64GetDatum(b->n);
	values[4] = Int64GetDatum(b->cnt[1]);
}

#define GAINS_NATTS 13

static Datum
RatioDatum(double num, double den, bool *isnull)
{
	*isnull = (den == 0);
	return Float8GetDatum(den == 0 ? 0 : num / den);
}

/* gains_table_final: the gains / lift / KS table, riskiest bucket first */
Datum
gains_table_final(PG_FUNCTION_ARGS)
{
	const LrDistState *st = lr_dist_arg(fcinfo);
	LrRowArray	ra;
	LrDistBucket *b;
	int32		k;
	int64		n;
	int64		bads;
	int64		goods;
	int64		cum_n = 0;
	int64		cum_bads = 0;
	double		rate_all;

	if (st == NULL || st->total[0] + st->total[1] == 0)
		PG_RETURN_NULL();
	k = StateBuckets(st);
	n = st->total[0] + st->total[1];
	bads = st->total[1];
	goods = st->total[0];
	rate_all = (double) bads / (double) n;
	b = palloc0(k * sizeof(LrDistBucket));
	lr_dist_buckets(st, k, true, false, b);
	lr_row_array_init(&ra, fcinfo, GAINS_NATTS);
	for (int32 i = 0; i < k; i++)
	{
		Datum		values[GAINS_NATTS];
		bool		nulls[GAINS_NATTS] = {0};
		double		rate;
		double		cum_rate;

		if (b[i].n == 0)
			continue;
		cum_n += b[i].n;
		cum_bads += b[i].cnt[1];
		rate = (double) b[i].cnt[1] / (double) b[i].n;
		cum_rate = (double) cum_bads / (double) cum_n;
		BucketColumns(values, i, &b[i]);
		values[5] = Float8GetDatum(rate);
		values[6] = Float8GetDatum((double) cum_n / (double) n);
		values[7] = RatioDatum((double) cum_bads, (double) bads, &nulls[7]);
		values[8] = RatioDatum((double) (cum_n - cum_bads), (double) goods, &nulls[8]);
		values[9] = Float8GetDatum(cum_rate);
		values[10] = RatioDatum(rate, rate_all, &nulls[10]);
		values[11] = RatioDatum(cum_rate, rate_all, &nulls[11]);
		nulls[12] = (bads == 0 || goods == 0);
		/* Exact difference of shares: (cb G - cg B) / (G B). */
		values[12] = Float8GetDatum(nulls[12] ? 0 :
									(double) (((long double) cum_bads * goods -
											   (long double) (cum_n - cum_bads) * bads) /
											  ((long double) goods * bads)));
		lr_row_array_add(&ra, values, nulls);
	}
	PG_RETURN_DATUM(lr_row_array_result(&ra));
}

/* ---------------------------------------------------------------- calibration */

/*
 * A group's Hosmer-Lemeshow term (O - E)^2 / (E (1 - E / n)): the sum over
 * both classes of (observed - expected)^2 / expected.  With no expected
 * variance (every PD 0, or every PD 1) it is 0 when observed equals
 * expected and +Infinity otherwise.
 */
static double
HlTerm(int64 n, int64 observed, double expected)
{
	double		e = expected < 0 ? 0 : (expected > (double) n ? (double) n : expected);
	double		d = (double) observed - e;
	double		var = e * (1.0 - e / (double) n);

	if (!(var > 0))
		return d == 0 ? 0 : INFINITY;
	return d * d / var;
}

#define CALIB_NATTS 9

/*
 * The groups of predicted PD (lowest first), the Hosmer-Lemeshow statistic
 * and the number of non-empty groups; rows of the table when ra is given.
 */
static double
Calibrate(const LrDistState *st, LrRowArray *ra, int *groups)
{
	int32		k = StateBuckets(st);
	LrDistBucket *b = palloc0(k * sizeof(LrDistBucket));
	double		stat = 0;
	double		comp = 0;
	bool		infinite = false;

	*groups = 0;
	lr_dist_buckets(st, k, false, true, b);
	for (int32 i = 0; i < k; i++)
	{
		double		expected = b[i].vsum + b[i].vcomp;
		double		term;

		if (b[i].n == 0)
			continue;
		term = HlTerm(b[i].n, b[i].cnt[1], expected);
		(*groups)++;
		/* A group that misses its expectation with no variance makes the statistic infinite. */
		if (isinf(term))
			infinite = true;
		else
			lr_ksum_add(&stat, &comp, term);
		if (ra != NULL)
		{
			Datum		values[CALIB_NATTS];
			bool		nulls[CALIB_NATTS] = {0};

			BucketColumns(values, i, &b[i]);
			values[5] = Float8GetDatum(expected);
			values[6] = Float8GetDatum((double) b[i].cnt[1] / (double) b[i].n);
			values[7] = Float8GetDatum(expected / (double) b[i].n);
			values[8] = Float8GetDatum(term);
			lr_row_array_add(ra, values, nulls);
		}
	}
	return infinite ? INFINITY : stat + comp;
}

/* calibration_table_final: observed versus expected bads by group of predicted PD, lowest first */
Datum
calibration_table_final(PG_FUNCTION_ARGS)
{
	const LrDistState *st = lr_dist_arg(fcinfo);
	LrRowArray	ra;
	int			groups;

	if (st == NULL || st->total[0] + st->total[1] == 0)
		PG_RETURN_NULL();
	lr_row_array_init(&ra, fcinfo, CALIB_NATTS);
	(void) Calibrate(st, &ra, &groups);
	PG_RETURN_DATUM(lr_row_array_result(&ra));
}

/* hosmer_lemeshow_final: (statistic, df, p_value, groups) over the groups of calibration_table */
Datum
hosmer_lemeshow_final(PG_FUNCTION_ARGS)
{
	const LrDistState *st = lr_dist_arg(fcinfo);
	Datum		values[4];
	bool		nulls[4] = {0};
	double		stat;
	int			groups;

	if (st == NULL || st->total[0] + st->total[1] == 0)
		PG_RETURN_NULL();
	stat = Calibrate(st, NULL, &groups);
	values[0] = Float8GetDatum(stat);
	/* With fewer than three groups the test has no degrees of freedom. */
	nulls[1] = nulls[2] = (groups < 3);
	values[1] = Int32GetDatum(groups - 2);
	values[2] = Float8GetDatum(nulls[2] ? 0 : lr_chi2_sf(stat, groups - 2));
	values[3] = Int32GetDatum(groups);
	return lr_pg_result_row(fcinfo, values, nulls);
}

/* ---------------------------------------------------------------- PSI over quantile bins */

/* psi_bins_final: PSI over equal-frequency bins of the baseline; NULL without baseline or actual rows */
Datum
psi_bins_final(PG_FUNCTION_ARGS)
{
	const LrDistState *st = lr_dist_arg(fcinfo);
	int32		k;
	LrDistBucket *b;
	LrWoeBucket *bins;
	int			nbins = 0;
	double		psi;

	if (st == NULL || st->total[0] == 0 || st->total[1] == 0)
		PG_RETURN_NULL();
	k = StateBuckets(st);
	b = palloc0(k * sizeof(LrDistBucket));
	lr_dist_psi_bins(st, k, b);
	bins = palloc0(k * sizeof(LrWoeBucket));
	for (int32 i = 0; i < k; i++)
	{
		if (b[i].n == 0)
			continue;
		bins[nbins].goods = b[i].cnt[0];
		bins[nbins].bads = b[i].cnt[1];
		nbins++;
	}
	if (!lr_woe_compute(bins, nbins, &psi))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(psi);
}

/* ---------------------------------------------------------------- chi-square */

/* chi2_sf: P(X > x) for X chi-square with df degrees of freedom */
Datum
chi2_sf(PG_FUNCTION_ARGS)
{
	double		x = PG_GETARG_FLOAT8(0);
	double		df = PG_GETARG_FLOAT8(1);

	if (!(df > 0) || isinf(df))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("degrees of freedom %g is not a positive finite number", df)));
	PG_RETURN_FLOAT8(lr_chi2_sf(x, df));
}
