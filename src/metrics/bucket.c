/*
 * bucket.c
 *	  iv, woe_table and psi over given buckets (score bands, bins, any text
 *	  label), as parallel aggregates over loan_risk.bucket_dist_state (per
 *	  bucket, the counts of two classes).  The arithmetic is woe.h's.
 *
 * Rows with a NULL bucket or class are skipped: map missing values to a
 * bucket of their own (coalesce(bin, 'missing')) to count them.
 */
#include "postgres.h"

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "common/lr_pg.h"
#include "common/lr_state.h"
#include "metrics/metrics.h"
#include "metrics/metrics_pg.h"
#include "stats/woe.h"

PG_FUNCTION_INFO_V1(iv_final);
PG_FUNCTION_INFO_V1(psi_buckets_final);
PG_FUNCTION_INFO_V1(woe_table_final);

/* bucket_dist_state_in, _out, _recv, _send: the state type's text (base64) and binary I/O, validated on input */
LR_STATE_TYPE_FUNCTIONS(bucket_dist_state, lr_bucket_ops)

/* bucket_dist_combine: merges two partial states */
LR_STATE_COMBINE_FUNCTION(bucket_dist_combine, lr_bucket_ops)

/* Adds (bucket argument 1, class argument 2: boolean, or 0/1 with is_int) unless either is NULL. */
static Datum
BucketAdd(FunctionCallInfo fcinfo, bool is_int)
{
	LrExpandedState *es;
	LrError		err;			/* only kind is read before an error is set */
	text	   *t;
	int			cls;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return lr_state_unchanged(fcinfo);
	cls = lr_outcome_arg(fcinfo, 2, is_int);
	err.kind = LR_OK;
	t = PG_GETARG_TEXT_PP(1);
	es = lr_state_arg_rw(fcinfo, 0, &lr_bucket_ops);
	if (!lr_bucket_add(es->st, (const uint8_t *) VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), cls, 1, &err))
		lr_state_raise(&err);
	return lr_state_updated(es);
}

/* bucket_dist_trans: adds (bucket, class boolean); NULLs are skipped */
LR_PG_FUNCTION_CALLING(bucket_dist_trans, BucketAdd, false)

/* bucket_dist_trans_int: adds (bucket, class 0/1); NULLs are skipped */
LR_PG_FUNCTION_CALLING(bucket_dist_trans_int, BucketAdd, true)

/* The state's buckets in label order with their WOE; false when a class has no rows. */
static bool
BucketWoe(FunctionCallInfo fcinfo, const LrBucketState **stp, const LrBucketEntry ***entries,
		  LrWoeBucket **out, double *total)
{
	const LrBucketState *st;
	LrAlloc		a;
	LrError		err = {0};
	LrWoeBucket *b;

	if (PG_ARGISNULL(0))
		return false;
	st = lr_state_arg_ro(fcinfo, 0, &lr_bucket_ops);
	lr_pg_alloc_init(&a, CurrentMemoryContext);
	*entries = lr_bucket_sorted(st, &a, &err);
	if (*entries == NULL)
		lr_state_raise(&err);
	b = MemoryContextAllocHuge(CurrentMemoryContext, (st->n + 1) * sizeof(LrWoeBucket));
	memset(b, 0, (st->n + 1) * sizeof(LrWoeBucket));
	for (size_t i = 0; i < st->n; i++)
	{
		b[i].goods = (*entries)[i]->cnt[0];
		b[i].bads = (*entries)[i]->cnt[1];
	}
	*stp = st;
	*out = b;
	return lr_woe_compute(b, st->n, total);
}

/* iv_final: the information value; NULL without both goods and bads */
Datum
iv_final(PG_FUNCTION_ARGS)
{
	const LrBucketState *st;
	const LrBucketEntry **e;
	LrWoeBucket *b;
	double		iv;

	if (!BucketWoe(fcinfo, &st, &e, &b, &iv))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(iv);
}

/* psi_buckets_final: the population stability index; NULL without both baseline and actual rows */
Datum
psi_buckets_final(PG_FUNCTION_ARGS)
{
	return iv_final(fcinfo);
}

#define WOE_NATTS 9

/* woe_table_final: per bucket, counts, shares, WOE and IV contribution, in label byte order */
Datum
woe_table_final(PG_FUNCTION_ARGS)
{
	const LrBucketState *st;
	const LrBucketEntry **e;
	LrWoeBucket *b;
	double		iv;
	bool		defined;
	LrRowArray	ra;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	defined = BucketWoe(fcinfo, &st, &e, &b, &iv);
	lr_row_array_init(&ra, fcinfo, WOE_NATTS);
	for (size_t i = 0; i < st->n; i++)
	{
		Datum		values[WOE_NATTS];
		bool		nulls[WOE_NATTS] = {0};
		int64		n = b[i].goods + b[i].bads;

		/* Labels come from text values, or from a state typed by hand: check them. */
		pg_verify_mbstr(GetDatabaseEncoding(), (const char *) e[i]->key, (int) e[i]->len, false);
		values[0] = PointerGetDatum(cstring_to_text_with_len((const char *) e[i]->key, (int) e[i]->len));
		values[1] = Int64GetDatum(n);
		values[2] = Int64GetDatum(b[i].goods);
		values[3] = Int64GetDatum(b[i].bads);
		values[4] = Float8GetDatum((double) b[i].bads / (double) n);
		values[5] = Float8GetDatum(b[i].goods_share);
		values[6] = Float8GetDatum(b[i].bads_share);
		values[7] = Float8GetDatum(b[i].woe);
		values[8] = Float8GetDatum(b[i].iv);
		for (int j = 5; j < WOE_NATTS; j++)
			nulls[j] = !defined;
		lr_row_array_add(&ra, values, nulls);
	}
	PG_RETURN_DATUM(lr_row_array_result(&ra));
}
