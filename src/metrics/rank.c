/*
 * rank.c
 *	  auc, ks and gini: exact rank statistics of a risk score against a
 *	  good/bad outcome, as parallel aggregates over loan_risk.score_dist_state
 *	  (per distinct risk value, the counts of goods and bads).  Also the
 *	  transition functions every aggregate over that state shares.
 *
 * NULL risks and outcomes are skipped.  NaN is a value like PostgreSQL's
 * float8 sorts it: equal to itself and above +Infinity.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"

#include "common/lr_pg.h"
#include "common/lr_state.h"
#include "metrics/metrics.h"
#include "metrics/metrics_pg.h"

PG_FUNCTION_INFO_V1(score_dist_combine);
PG_FUNCTION_INFO_V1(auc_final);
PG_FUNCTION_INFO_V1(gini_final);
PG_FUNCTION_INFO_V1(ks_final);

/* score_dist_state_in, _out, _recv, _send: the state type's text (base64) and binary I/O, validated on input */
LR_STATE_TYPE_FUNCTIONS(score_dist_state, lr_dist_ops)

/*
 * score_dist_combine: merges two partial states.
 *
 * In the leader of a parallel plan the states arrive flat, one per worker,
 * and hold a run per distinct value: millions for a continuous PD.  Rather
 * than decoding each into a scratch state and merging that (two copies),
 * the first is decoded straight into the new state and the others are
 * merged from their bytes in one validating pass (lr_dist_merge_flat).
 */
Datum
score_dist_combine(PG_FUNCTION_ARGS)
{
	LrExpandedState *es;
	struct varlena *flat;
	LrError		err;

	if (PG_ARGISNULL(1) || VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(PG_GETARG_DATUM(1))))
		return lr_state_combine(fcinfo, &lr_dist_ops);
	if (PG_ARGISNULL(0))
	{
		/* A flat argument is decoded into a new state in the aggregate context. */
		es = lr_state_arg_rw(fcinfo, 1, &lr_dist_ops);
		PG_RETURN_DATUM(lr_state_datum(es));
	}
	es = lr_state_arg_rw(fcinfo, 0, &lr_dist_ops);
	flat = PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	err.kind = LR_OK;
	if (!lr_dist_merge_flat(es->st, (const uint8_t *) VARDATA_ANY(flat), VARSIZE_ANY_EXHDR(flat), &err))
		lr_state_raise(&err);
	return lr_state_updated(es);
}

/* Argument argno as a bucket count: not NULL, 1 to LR_MAX_BUCKETS. */
static int32
BucketsArg(FunctionCallInfo fcinfo, int argno)
{
	int32		k;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("number of buckets must not be null")));
	k = PG_GETARG_INT32(argno);
	if (k < 1 || k > LR_MAX_BUCKETS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of buckets %d is out of range", k),
				 errdetail("It must be between 1 and %d.", LR_MAX_BUCKETS)));
	return k;
}

/*
 * The one transition: adds (value argument 1, outcome argument 2, a boolean
 * or with is_int 0/1) unless either is NULL, after recording the bucket
 * count of argument 3 when with_k; pd: the value must be a probability.  The
 * state stays an expanded object updated in place; a row costs an append to
 * the pending buffer.
 */
static inline Datum
DistAdd(FunctionCallInfo fcinfo, bool is_int, bool with_k, bool pd)
{
	int32		k = with_k ? BucketsArg(fcinfo, 3) : 0;
	LrExpandedState *es;
	LrError		err;			/* only kind is read before an error is set */
	int			cls;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return lr_state_unchanged(fcinfo);
	if (pd)
		lr_check_pd(PG_GETARG_FLOAT8(1));
	cls = lr_outcome_arg(fcinfo, 2, is_int);
	err.kind = LR_OK;
	es = lr_state_arg_rw(fcinfo, 0, &lr_dist_ops);
	if (k != 0 && !lr_dist_set_buckets(es->st, k, &err))
		lr_state_raise(&err);
	if (!lr_dist_add(es->st, PG_GETARG_FLOAT8(1), cls, &err))
		lr_state_raise(&err);
	return lr_state_updated(es);
}

/* score_dist_trans: adds (risk, is_bad boolean); NULLs are skipped */
LR_PG_FUNCTION_CALLING(score_dist_trans, DistAdd, false, false, false)

/* score_dist_trans_int: adds (risk, is_bad 0/1); NULLs are skipped */
LR_PG_FUNCTION_CALLING(score_dist_trans_int, DistAdd, true, false, false)

/* score_dist_trans_n: adds (value, class boolean) with a bucket count; NULL rows are skipped */
LR_PG_FUNCTION_CALLING(score_dist_trans_n, DistAdd, false, true, false)

/* score_dist_trans_n_int: adds (value, class 0/1) with a bucket count; NULL rows are skipped */
LR_PG_FUNCTION_CALLING(score_dist_trans_n_int, DistAdd, true, true, false)

/* score_dist_trans_pd: adds (pd in [0, 1], is_bad boolean) with a group count */
LR_PG_FUNCTION_CALLING(score_dist_trans_pd, DistAdd, false, true, true)

/* score_dist_trans_pd_int: adds (pd in [0, 1], is_bad 0/1) with a group count */
LR_PG_FUNCTION_CALLING(score_dist_trans_pd_int, DistAdd, true, true, true)

/*
 * The state of argument 0 ready to be read in order (pending rows sorted
 * in; the levels are merged as they are read, see LrDistIter), or NULL when
 * it is NULL.
 */
const LrDistState *
lr_dist_arg(FunctionCallInfo fcinfo)
{
	const LrDistState *st;
	LrError		err = {0};

	if (PG_ARGISNULL(0))
		return NULL;
	st = lr_state_arg_ro(fcinfo, 0, &lr_dist_ops);
	if (!lr_dist_settle(st, &err))
		lr_state_raise(&err);
	return st;
}

/* auc_final: the Mann-Whitney AUC; NULL without both goods and bads */
Datum
auc_final(PG_FUNCTION_ARGS)
{
	const LrDistState *st = lr_dist_arg(fcinfo);
	double		v;

	if (st == NULL || !lr_dist_auc(st, &v))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(v);
}

/* gini_final: 2 AUC - 1; NULL without both goods and bads */
Datum
gini_final(PG_FUNCTION_ARGS)
{
	const LrDistState *st = lr_dist_arg(fcinfo);
	double		v;

	if (st == NULL || !lr_dist_gini(st, &v))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(v);
}

/* ks_final: the two-sample Kolmogorov-Smirnov distance; NULL without both goods and bads */
Datum
ks_final(PG_FUNCTION_ARGS)
{
	const LrDistState *st = lr_dist_arg(fcinfo);
	double		v;

	if (st == NULL || !lr_dist_ks(st, &v))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(v);
}
