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

#include "common/lr_state.h"
#include "metrics/metrics.h"
#include "metrics/metrics_pg.h"
#include "metrics/woe.h"

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

/* One bucket being summed up while the runs are swept in bucket order. */
typedef struct BucketAcc
{
	int32		bucket;
	int64		n;
	int64		bads;
	double		lo;
	double		hi;
	double		esum;			/* sum of the values (expected bads for PDs), compensated */
	double		ecomp;
} BucketAcc;

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

static int32 *
RunBuckets(const LrDistState *st)
{
	return MemoryContextAllocHuge(CurrentMemoryContext, (st->nruns + 1) * sizeof(int32));
}

/*
 * Sweeps the runs in bucket order (descending values when desc) and calls
 * emit for each non-empty bucket.
 */
typedef void (*EmitFn) (const BucketAcc *acc, void *arg);

static void
SweepBuckets(const LrDistState *st, const int32 *bucket, bool desc, bool sum_values,
			 EmitFn emit, void *arg)
{
	BucketAcc	acc;
	bool		open = false;

	for (size_t j = 0; j < st->nruns; j++)
	{
		size_t		i = desc ? st->nruns - 1 - j : j;
		int64		c = st->cnt[0][i] + st->cnt[1][i];
		double		v = lr_dist_value(st->keys[i]);

		if (open && bucket[i] != acc.bucket)
		{
			emit(&acc, arg);
			open = false;
		}
		if (!open)
		{
			memset(&acc, 0, sizeof(acc));
			acc.bucket = bucket[i];
			acc.lo = acc.hi = v;
			open = true;
		}
		acc.n += c;
		acc.bads += st->cnt[1][i];
		if (desc)
			acc.lo = v;
		else
			acc.hi = v;
		if (sum_values)
			lr_ksum_add(&acc.esum, &acc.ecomp, v * (double) c);
	}
	if (open)
		emit(&acc, arg);
}

/* ---------------------------------------------------------------- gains */

typedef struct GainsCtx
{
	LrRowArray	ra;
	int64		n;
	int64		bads;
	int64		cum_n;
	int64		cum_bads;
} GainsCtx;

#define GAINS_NATTS 13

static Datum
RatioDatum(double num, double den, bool *isnull)
{
	*isnull = (den == 0);
	return Float8GetDatum(den == 0 ? 0 : num / den);
}

static void
GainsEmit(const BucketAcc *acc, void *arg)
{
	GainsCtx   *g = arg;
	Datum		values[GAINS_NATTS];
	bool		nulls[GAINS_NATTS] = {0};
	int64		goods_total = g->n - g->bads;
	double		rate_all = (double) g->bads / (double) g->n;

	g->cum_n += acc->n;
	g->cum_bads += acc->bads;
	values[0] = Int32GetDatum(acc->bucket + 1);
	values[1] = Float8GetDatum(acc->lo);
	values[2] = Float8GetDatum(acc->hi);
	values[3] = Int64GetDatum(acc->n);
	values[4] = Int64GetDatum(acc->bads);
	values[5] = Float8GetDatum((double) acc->bads / (double) acc->n);
	values[6] = Float8GetDatum((double) g->cum_n / (double) g->n);
	values[7] = RatioDatum((double) g->cum_bads, (double) g->bads, &nulls[7]);
	values[8] = RatioDatum((double) (g->cum_n - g->cum_bads), (double) goods_total, &nulls[8]);
	values[9] = Float8GetDatum((double) g->cum_bads / (double) g->cum_n);
	values[10] = RatioDatum((double) acc->bads / (double) acc->n, rate_all, &nulls[10]);
	values[11] = RatioDatum((double) g->cum_bads / (double) g->cum_n, rate_all, &nulls[11]);
	nulls[12] = (g->bads == 0 || goods_total == 0);
	/* Exact difference of shares: (cb G - cg B) / (G B). */
	values[12] = Float8GetDatum(nulls[12] ? 0 :
								(double) (((long double) g->cum_bads * goods_total -
										   (long double) (g->cum_n - g->cum_bads) * g->bads) /
										  ((long double) goods_total * g->bads)));
	lr_row_array_add(&g->ra, values, nulls);
}

/* gains_table_final: the gains / lift / KS table, riskiest bucket first */
Datum
gains_table_final(PG_FUNCTION_ARGS)
{
	const LrDistState *st = lr_dist_arg(fcinfo);
	GainsCtx	g;
	int32	   *bucket;

	if (st == NULL || st->total[0] + st->total[1] == 0)
		PG_RETURN_NULL();
	memset(&g, 0, sizeof(g));
	lr_row_array_init(&g.ra, fcinfo, GAINS_NATTS);
	g.n = st->total[0] + st->total[1];
	g.bads = st->total[1];
	bucket = RunBuckets(st);
	lr_dist_buckets(st, StateBuckets(st), true, bucket);
	SweepBuckets(st, bucket, true, false, GainsEmit, &g);
	PG_RETURN_DATUM(lr_row_array_result(&g.ra));
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

typedef struct CalibCtx
{
	LrRowArray	ra;
	bool		rows;
	int			groups;
	bool		infinite;		/* a group with no expected variance missed its expectation */
	double		stat;
	double		comp;
} CalibCtx;

#define CALIB_NATTS 9

static void
CalibEmit(const BucketAcc *acc, void *arg)
{
	CalibCtx   *c = arg;
	double		expected = acc->esum + acc->ecomp;
	double		term = HlTerm(acc->n, acc->bads, expected);

	c->groups++;
	if (isinf(term))
		c->infinite = true;
	else
		lr_ksum_add(&c->stat, &c->comp, term);
	if (c->rows)
	{
		Datum		values[CALIB_NATTS];
		bool		nulls[CALIB_NATTS] = {0};

		values[0] = Int32GetDatum(acc->bucket + 1);
		values[1] = Float8GetDatum(acc->lo);
		values[2] = Float8GetDatum(acc->hi);
		values[3] = Int64GetDatum(acc->n);
		values[4] = Int64GetDatum(acc->bads);
		values[5] = Float8GetDatum(expected);
		values[6] = Float8GetDatum((double) acc->bads / (double) acc->n);
		values[7] = Float8GetDatum(expected / (double) acc->n);
		values[8] = Float8GetDatum(term);
		lr_row_array_add(&c->ra, values, nulls);
	}
}

static void
Calibrate(const LrDistState *st, CalibCtx *c)
{
	int32	   *bucket = RunBuckets(st);

	lr_dist_buckets(st, StateBuckets(st), false, bucket);
	SweepBuckets(st, bucket, false, true, CalibEmit, c);
	c->stat = c->infinite ? INFINITY : c->stat + c->comp;
}

/* calibration_table_final: observed versus expected bads by group of predicted PD, lowest first */
Datum
calibration_table_final(PG_FUNCTION_ARGS)
{
	const LrDistState *st = lr_dist_arg(fcinfo);
	CalibCtx	c;

	if (st == NULL || st->total[0] + st->total[1] == 0)
		PG_RETURN_NULL();
	memset(&c, 0, sizeof(c));
	c.rows = true;
	lr_row_array_init(&c.ra, fcinfo, CALIB_NATTS);
	Calibrate(st, &c);
	PG_RETURN_DATUM(lr_row_array_result(&c.ra));
}

/* hosmer_lemeshow_final: (statistic, df, p_value, groups) over the groups of calibration_table */
Datum
hosmer_lemeshow_final(PG_FUNCTION_ARGS)
{
	const LrDistState *st = lr_dist_arg(fcinfo);
	CalibCtx	c;
	TupleDesc	desc;
	Datum		values[4];
	bool		nulls[4] = {0};

	if (st == NULL || st->total[0] + st->total[1] == 0)
		PG_RETURN_NULL();
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "hosmer_lemeshow_final must return a composite type");
	desc = BlessTupleDesc(desc);
	memset(&c, 0, sizeof(c));
	Calibrate(st, &c);
	values[0] = Float8GetDatum(c.stat);
	/* With fewer than three groups the test has no degrees of freedom. */
	nulls[1] = nulls[2] = (c.groups < 3);
	values[1] = Int32GetDatum(c.groups - 2);
	values[2] = Float8GetDatum(nulls[2] ? 0 : lr_chi2_sf(c.stat, c.groups - 2));
	values[3] = Int32GetDatum(c.groups);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* ---------------------------------------------------------------- PSI over quantile bins */

/* psi_bins_final: PSI over equal-frequency bins of the baseline; NULL without baseline or actual rows */
Datum
psi_bins_final(PG_FUNCTION_ARGS)
{
	const LrDistState *st = lr_dist_arg(fcinfo);
	int32		k;
	int32	   *bucket;
	LrWoeBucket *bins;
	int			nbins = 0;
	double		psi;

	if (st == NULL || st->total[0] == 0 || st->total[1] == 0)
		PG_RETURN_NULL();
	k = StateBuckets(st);
	bucket = RunBuckets(st);
	lr_dist_psi_bins(st, k, bucket);
	bins = palloc0(k * sizeof(LrWoeBucket));
	/* Bins come in ascending order along the runs. */
	for (size_t i = 0; i < st->nruns; i++)
	{
		if (i == 0 || bucket[i] != bucket[i - 1])
			nbins++;
		bins[nbins - 1].goods += st->cnt[0][i];
		bins[nbins - 1].bads += st->cnt[1][i];
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
