/*
 * prebin.c
 *	  prebin_partial / prebin_merge: the pre-binning aggregate over several
 *	  features at once (VARIADIC "any": the executor hands over the columns
 *	  it has deformed, no array per row), its type, prebin_info and
 *	  prebin_table; and the training settings.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "common/lr_pg.h"
#include "common/lr_row.h"
#include "common/lr_state.h"
#include "common/lr_settings.h"
#include "stats/stats_pg.h"
#include "training/prebin.h"
#include "training/training_pg.h"

int			lr_binning_max_distinct = LR_PREBIN_DEFAULT_DISTINCT;
bool		lr_training_in_memory = true;

void
lr_training_init(void)
{
	DefineCustomIntVariable(LR_GUC_PREFIX ".binning_max_distinct",
							"Distinct values per numeric feature that a pre-binning state counts exactly.",
							"Beyond it the feature's counts are kept per bucket of neighbouring values "
							"(see doc/training.md); the state's memory follows this number.",
							&lr_binning_max_distinct,
							LR_PREBIN_DEFAULT_DISTINCT, LR_PREBIN_MIN_DISTINCT, LR_PREBIN_MAX_DISTINCT,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);
	DefineCustomBoolVariable(LR_GUC_PREFIX ".training_in_memory",
							 "Whether train_scorecard holds its WOE design in memory for the fit.",
							 "On: one pass codes every row as its bins (a byte per row and feature, within "
							 "loan_risk.max_kernel_memory) and the fit passes run over the codes on "
							 "loan_risk.max_threads threads.  Off: every fit pass is a query over the source.",
							 &lr_training_in_memory,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
}

PG_FUNCTION_INFO_V1(prebin_state_in);
PG_FUNCTION_INFO_V1(prebin_state_out);
PG_FUNCTION_INFO_V1(prebin_state_recv);
PG_FUNCTION_INFO_V1(prebin_state_send);
PG_FUNCTION_INFO_V1(prebin_combine);
PG_FUNCTION_INFO_V1(prebin_trans);
PG_FUNCTION_INFO_V1(prebin_trans_int);
PG_FUNCTION_INFO_V1(prebin_trans_arrays);
PG_FUNCTION_INFO_V1(prebin_trans_arrays_int);
PG_FUNCTION_INFO_V1(prebin_info);
PG_FUNCTION_INFO_V1(prebin_table);

/* prebin_state_in: base64 text to a validated state */
Datum
prebin_state_in(PG_FUNCTION_ARGS)
{
	return lr_state_in(fcinfo, &lr_prebin_ops);
}

/* prebin_state_out: state to base64 text */
Datum
prebin_state_out(PG_FUNCTION_ARGS)
{
	return lr_state_out(fcinfo, &lr_prebin_ops);
}

/* prebin_state_recv: binary state, validated */
Datum
prebin_state_recv(PG_FUNCTION_ARGS)
{
	return lr_state_recv(fcinfo, &lr_prebin_ops);
}

/* prebin_state_send: state to binary */
Datum
prebin_state_send(PG_FUNCTION_ARGS)
{
	return lr_state_send(fcinfo, &lr_prebin_ops);
}

/* prebin_combine: merges two partial states */
Datum
prebin_combine(PG_FUNCTION_ARGS)
{
	return lr_state_combine(fcinfo, &lr_prebin_ops);
}

/* Arguments of the transition function before the features: state, target, exact values. */
#define PREBIN_FIXED 3

typedef struct PrebinCall
{
	int			nfeat;
	uint8_t    *kinds;
	LrConv	   *conv;
	FmgrInfo   *outfn;
	bool		exact_const;	/* the exact-values argument is a constant of the query */
	double	   *exact;
	int			nexact;
} PrebinCall;

static void
ReadExact(Datum d, double **out, int *n)
{
	ArrayType  *arr = DatumGetArrayTypeP(d);
	Datum	   *elems;
	bool	   *nulls;
	int			ne;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("exact values must be a one-dimensional array")));
	deconstruct_array(arr, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, &ne);
	*out = palloc(sizeof(double) * Max(ne, 1));
	for (int i = 0; i < ne; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("exact value %d is NULL", i + 1)));
		(*out)[i] = DatumGetFloat8(elems[i]);
		if (isnan((*out)[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("exact value %d is NaN", i + 1),
					 errdetail("NaN is always counted as missing.")));
	}
	*n = ne;
}

static PrebinCall *
PrebinCallInfo(FunctionCallInfo fcinfo)
{
	PrebinCall *pc = (PrebinCall *) fcinfo->flinfo->fn_extra;
	MemoryContext old;

	if (pc != NULL)
		return pc;
	if (get_fn_expr_variadic(fcinfo->flinfo))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prebin_partial takes its features as separate arguments, not as a VARIADIC array")));
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	pc = palloc0(sizeof(PrebinCall));
	pc->nfeat = PG_NARGS() - PREBIN_FIXED;
	if (pc->nfeat < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prebin_partial needs at least one feature")));
	pc->kinds = palloc(pc->nfeat);
	pc->conv = palloc(sizeof(LrConv) * pc->nfeat);
	pc->outfn = palloc0(sizeof(FmgrInfo) * pc->nfeat);
	for (int j = 0; j < pc->nfeat; j++)
	{
		Oid			type = get_fn_expr_argtype(fcinfo->flinfo, PREBIN_FIXED + j);
		int			conv;

		if (!OidIsValid(type))
			elog(ERROR, "prebin_partial: could not determine the type of feature %d", j + 1);
		if ((conv = lr_conv_for(type, LR_FIELD_NUMERIC)) >= 0)
			pc->kinds[j] = LR_PREBIN_NUMERIC;
		else if ((conv = lr_conv_for(type, LR_FIELD_CATEGORICAL)) >= 0)
		{
			pc->kinds[j] = LR_PREBIN_CATEGORICAL;
			if (conv == LR_CONV_ENUM)
				lr_conv_outfn(type, &pc->outfn[j], fcinfo->flinfo->fn_mcxt);
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("feature %d has type %s, which is neither numeric nor categorical",
							j + 1, format_type_be(type)),
					 errhint("Numeric features are smallint, integer, bigint, real, double precision or numeric; categorical ones text-like, enum or boolean.")));
		pc->conv[j] = (LrConv) conv;
	}
	fcinfo->flinfo->fn_extra = pc;
	MemoryContextSwitchTo(old);
	return pc;
}

static Datum
PrebinAdd(FunctionCallInfo fcinfo, bool has_target, int cls)
{
	PrebinCall *pc = PrebinCallInfo(fcinfo);
	LrExpandedState *es = lr_state_arg_rw(fcinfo, 0, &lr_prebin_ops);
	LrPrebinState *st = es->st;
	LrError		err;			/* per row: only its kind is cleared, not its 1 kB */
	uint64_t	h;

	err.kind = LR_OK;
	if (st->nfeatures == 0)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		pc->nexact = 0;
		pc->exact = NULL;
		if (!PG_ARGISNULL(2))
		{
			ReadExact(PG_GETARG_DATUM(2), &pc->exact, &pc->nexact);
		}
		pc->exact_const = lr_arg_is_const(fcinfo, 2);
		MemoryContextSwitchTo(old);
		if (!lr_prebin_setup(st, (uint32_t) pc->nfeat, pc->kinds, pc->exact, (size_t) pc->nexact,
							 (uint32_t) lr_binning_max_distinct, &err))
			lr_pg_raise(&err, NULL);
	}
	else if (PG_ARGISNULL(2) ? st->npins != 0 : !pc->exact_const)
	{
		/* A different exact-values argument than the last checked: compare values. */
		double	   *ex = NULL;
		int			nex = 0;

		if (!PG_ARGISNULL(2))
			ReadExact(PG_GETARG_DATUM(2), &ex, &nex);
		if (!lr_prebin_same_exact(st, ex, (size_t) nex, &err))
			lr_pg_raise(&err, NULL);
	}

	if (!has_target)
	{
		st->skipped++;
		lr_state_touch(es);
		PG_RETURN_DATUM(lr_state_datum(es));
	}

	h = 0;
	for (int j = 0; j < pc->nfeat; j++)
	{
		LrPrebinFeature *f = &st->f[j];
		NullableDatum *arg = &fcinfo->args[PREBIN_FIXED + j];

		if (arg->isnull)
		{
			f->missing[cls]++;
			h += lr_fp_value(j, LR_FP_NULL);
		}
		else if (f->kind == LR_PREBIN_NUMERIC)
		{
			double		v = pc->conv[j] == LR_CONV_FLOAT8 ? DatumGetFloat8(arg->value) :
				lr_conv_number(pc->conv[j], arg->value);
			uint64_t	k = lr_dist_key(v);

			h += lr_fp_value(j, k);
			if (k == LR_KEY_NAN)
				f->missing[cls]++;
			else if (!lr_prebin_add_key(st, f, k, cls, &err))
				lr_pg_raise(&err, NULL);
		}
		else
		{
			char		buf[32];
			size_t		len;
			const char *s = lr_conv_text(pc->conv[j], arg->value, &pc->outfn[j], buf, &len);

			h += lr_fp_value(j, lr_fp_bytes((const uint8_t *) s, len));
			if (!lr_prebin_add_text(st, f, (const uint8_t *) s, len, cls, &err))
				lr_pg_raise(&err, NULL);
		}
	}
	if (st->total[cls] == INT64_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("row count of loan_risk.prebin_state out of range")));
	st->total[cls]++;
	lr_prebin_fp_add(st, lr_hash_mix64(h + LR_FP_SEED + (uint64_t) cls));
	lr_state_touch(es);
	PG_RETURN_DATUM(lr_state_datum(es));
}

/* prebin_trans: adds a row (is_bad boolean, exact values, features...) */
Datum
prebin_trans(PG_FUNCTION_ARGS)
{
	bool		has = !PG_ARGISNULL(1);

	return PrebinAdd(fcinfo, has, has ? (PG_GETARG_BOOL(1) ? 1 : 0) : 0);
}

/* prebin_trans_int: adds a row (is_bad 0/1, exact values, features...) */
Datum
prebin_trans_int(PG_FUNCTION_ARGS)
{
	bool		has = !PG_ARGISNULL(1);

	if (has)
		lr_check_outcome_int(PG_GETARG_INT32(1));
	return PrebinAdd(fcinfo, has, has ? PG_GETARG_INT32(1) : 0);
}

/*
 * The array form: prebin_partial(is_bad, numeric_features float8[],
 * categorical_features text[] [, exact_values float8[], max_distinct
 * integer [, kinds text]]).  Concrete argument types, so that Citus can
 * split it into partial aggregates on its workers.  The state's features
 * are the numeric ones then the categorical ones, each in array order; or,
 * with kinds ('n' numeric, 'c' categorical per feature: "cnn"), in that
 * order, each kind taken from its array in turn (train_scorecard keeps its
 * features in the order given so).  Everything that changes the counts is
 * an argument (max_distinct too, NULL for the default), never a setting the
 * shards might not share.
 */
#define PREBIN_ARR_NUM 2
#define PREBIN_ARR_CAT 3
#define PREBIN_ARR_EXACT 4
#define PREBIN_ARR_MAXD 5
#define PREBIN_ARR_KINDS 6

static uint32_t
PrebinMaxDistinct(FunctionCallInfo fcinfo)
{
	int32		v;

	if (PG_NARGS() <= PREBIN_ARR_MAXD || PG_ARGISNULL(PREBIN_ARR_MAXD))
		return LR_PREBIN_DEFAULT_DISTINCT;
	v = PG_GETARG_INT32(PREBIN_ARR_MAXD);
	if (v < LR_PREBIN_MIN_DISTINCT || v > LR_PREBIN_MAX_DISTINCT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_distinct %d is not between %d and %d", v, LR_PREBIN_MIN_DISTINCT,
						LR_PREBIN_MAX_DISTINCT)));
	return (uint32_t) v;
}

/*
 * The kind of each of the nf features of a row: from the kinds argument,
 * checked against the arrays' lengths, or numeric first.
 */
static void
PrebinKinds(FunctionCallInfo fcinfo, int nnum, int ncat, uint8_t *kinds)
{
	int			nf = nnum + ncat;

	if (PG_NARGS() > PREBIN_ARR_KINDS && !PG_ARGISNULL(PREBIN_ARR_KINDS))
	{
		text	   *t = PG_GETARG_TEXT_PP(PREBIN_ARR_KINDS);
		const char *k = VARDATA_ANY(t);
		int			len = VARSIZE_ANY_EXHDR(t);
		int			n = 0,
					c = 0;

		for (int j = 0; j < len; j++)
		{
			if (k[j] == 'n')
				n++;
			else if (k[j] == 'c')
				c++;
			else
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("kinds \"%s\" has a character other than n (numeric) and c (categorical)",
								text_to_cstring(t))));
			if (j < nf)
				kinds[j] = k[j] == 'n' ? LR_PREBIN_NUMERIC : LR_PREBIN_CATEGORICAL;
		}
		if (n != nnum || c != ncat)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("kinds \"%s\" has %d numeric and %d categorical features, the arrays %d and %d",
							text_to_cstring(t), n, c, nnum, ncat)));
		return;
	}
	for (int j = 0; j < nf; j++)
		kinds[j] = j < nnum ? LR_PREBIN_NUMERIC : LR_PREBIN_CATEGORICAL;
}

static Datum
PrebinAddArrays(FunctionCallInfo fcinfo, bool has_target, int cls)
{
	LrExpandedState *es = lr_state_arg_rw(fcinfo, 0, &lr_prebin_ops);
	LrPrebinState *st = es->st;
	LrArrayArg	num;
	LrArrayArg	cat;
	bool		has_exact = PG_NARGS() > PREBIN_ARR_EXACT && !PG_ARGISNULL(PREBIN_ARR_EXACT);
	uint32_t	maxd = PrebinMaxDistinct(fcinfo);
	LrError		err;			/* per row: only its kind is cleared, not its 1 kB */
	uint64_t	h;
	int			nf;
	uint8_t		kinds[LR_PREBIN_MAX_FEATURES];

	err.kind = LR_OK;
	lr_pg_float8_array_arg(fcinfo, PREBIN_ARR_NUM, "numeric_features", &num);
	lr_pg_text_array_arg(fcinfo, PREBIN_ARR_CAT, "categorical_features", &cat);
	nf = num.n + cat.n;
	if (nf > LR_PREBIN_MAX_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%d features: a pre-binning pass takes 1 to %d", nf, LR_PREBIN_MAX_FEATURES)));
	PrebinKinds(fcinfo, num.n, cat.n, kinds);
	if (st->nfeatures == 0)
	{
		double	   *ex = NULL;
		int			nex = 0;

		if (nf == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("prebin_partial needs at least one feature"),
					 errhint("Pass the numeric features as a float8[] and the categorical ones as a text[].")));
		if (has_exact)
			ReadExact(PG_GETARG_DATUM(PREBIN_ARR_EXACT), &ex, &nex);
		if (!lr_prebin_setup(st, (uint32_t) nf, kinds, ex, (size_t) nex, maxd, &err))
			lr_pg_raise(&err, NULL);
	}
	else
	{
		double	   *ex = NULL;
		int			nex = 0;
		bool		same = (uint32_t) nf == st->nfeatures;

		for (int j = 0; same && j < nf; j++)
			same = st->f[j].kind == kinds[j];
		if (!same)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a row has %d numeric and %d categorical features, unlike the rows before it",
							num.n, cat.n),
					 errdetail("Every row of one pre-binning pass gives the same features, of the same kinds in the same order.")));
		if (maxd != st->max_distinct)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("max_distinct differs between rows of one pre-binning pass")));
		/* The exact values are compared on every row: they are few. */
		if (has_exact)
			ReadExact(PG_GETARG_DATUM(PREBIN_ARR_EXACT), &ex, &nex);
		if ((nex > 0 || st->npins != 0) && !lr_prebin_same_exact(st, ex, (size_t) nex, &err))
			lr_pg_raise(&err, NULL);
	}

	if (!has_target)
	{
		st->skipped++;
		lr_state_touch(es);
		PG_RETURN_DATUM(lr_state_datum(es));
	}

	h = 0;
	for (int j = 0, in = 0, ic = 0; j < nf; j++)
	{
		LrPrebinFeature *f = &st->f[j];

		if (kinds[j] == LR_PREBIN_NUMERIC)
		{
			int			i = in++;

			if (num.nulls != NULL && num.nulls[i])
			{
				f->missing[cls]++;
				h += lr_fp_value(j, LR_FP_NULL);
			}
			else
			{
				uint64_t	k = lr_dist_key(num.v[i]);

				h += lr_fp_value(j, k);
				if (k == LR_KEY_NAN)
					f->missing[cls]++;
				else if (!lr_prebin_add_key(st, f, k, cls, &err))
					lr_pg_raise(&err, NULL);
			}
		}
		else
		{
			int			i = ic++;

			if (cat.nulls != NULL && cat.nulls[i])
			{
				f->missing[cls]++;
				h += lr_fp_value(j, LR_FP_NULL);
			}
			else
			{
				text	   *t = (text *) DatumGetPointer(cat.d[i]);
				const uint8_t *s = (const uint8_t *) VARDATA_ANY(t);
				size_t		len = VARSIZE_ANY_EXHDR(t);

				h += lr_fp_value(j, lr_fp_bytes(s, len));
				if (!lr_prebin_add_text(st, f, s, len, cls, &err))
					lr_pg_raise(&err, NULL);
			}
		}
	}
	if (st->total[cls] == INT64_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("row count of loan_risk.prebin_state out of range")));
	st->total[cls]++;
	lr_prebin_fp_add(st, lr_hash_mix64(h + LR_FP_SEED + (uint64_t) cls));
	lr_state_touch(es);
	PG_RETURN_DATUM(lr_state_datum(es));
}

/* prebin_trans_arrays: adds a row (is_bad boolean, numeric float8[], categorical text[] [, exact values, max_distinct [, kinds]]) */
Datum
prebin_trans_arrays(PG_FUNCTION_ARGS)
{
	bool		has = !PG_ARGISNULL(1);

	return PrebinAddArrays(fcinfo, has, has ? (PG_GETARG_BOOL(1) ? 1 : 0) : 0);
}

/* prebin_trans_arrays_int: adds a row (is_bad 0/1, numeric float8[], categorical text[] [, exact values, max_distinct [, kinds]]) */
Datum
prebin_trans_arrays_int(PG_FUNCTION_ARGS)
{
	bool		has = !PG_ARGISNULL(1);

	if (has)
		lr_check_outcome_int(PG_GETARG_INT32(1));
	return PrebinAddArrays(fcinfo, has, has ? PG_GETARG_INT32(1) : 0);
}

char *
lr_prebin_fingerprint(const LrPrebinState *st)
{
	return psprintf("%016llx%016llx", (unsigned long long) st->fp[0], (unsigned long long) st->fp[1]);
}

static Datum
JsonbFromText(const char *text)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(text));
}

/* prebin_info: what a pre-binning state holds, as jsonb */
Datum
prebin_info(PG_FUNCTION_ARGS)
{
	const LrPrebinState *st = lr_state_arg_ro(fcinfo, 0, &lr_prebin_ops);
	LrError		err = {0};
	StringInfoData b;

	if (!lr_prebin_compact(st, &err))
		lr_pg_raise(&err, NULL);
	initStringInfo(&b);
	appendStringInfo(&b, "{\"rows\": %lld, \"goods\": %lld, \"bads\": %lld, \"skipped\": %lld",
					 (long long) (st->total[0] + st->total[1]), (long long) st->total[0],
					 (long long) st->total[1], (long long) st->skipped);
	appendStringInfo(&b, ", \"fingerprint\": \"%s\", \"max_distinct\": %u, \"exact_values\": [",
					 lr_prebin_fingerprint(st), st->max_distinct);
	{
		bool		first = true;

		/* Pins come in pairs (value, next); list the values. */
		for (size_t i = 0; i < st->npins; i++)
		{
			char		tmp[40];
			uint64_t	k = st->pins[i];

			if (i > 0 && (st->pins[i - 1] + 1 == k ||
						  (st->pins[i - 1] + 2 == k && st->pins[i - 1] + 1 == LR_KEY_NEG_ZERO)))
			{
				/* the successor of the previous value, unless it is also a value itself */
				bool		isvalue = (i + 1 < st->npins &&
									   (st->pins[i + 1] == k + 1 ||
										(k + 1 == LR_KEY_NEG_ZERO && st->pins[i + 1] == k + 2)));

				if (!isvalue)
					continue;
			}
			lr_format_double(tmp, sizeof(tmp), lr_dist_value(k));
			appendStringInfo(&b, "%s%s", first ? "" : ", ", tmp);
			first = false;
		}
	}
	appendStringInfoString(&b, "], \"features\": [");
	for (uint32_t j = 0; j < st->nfeatures; j++)
	{
		const LrPrebinFeature *f = &st->f[j];

		appendStringInfo(&b, "%s{\"kind\": \"%s\", \"missing_goods\": %lld, \"missing_bads\": %lld",
						 j > 0 ? ", " : "",
						 f->kind == LR_PREBIN_NUMERIC ? "numeric" : "categorical",
						 (long long) f->missing[0], (long long) f->missing[1]);
		if (f->kind == LR_PREBIN_NUMERIC)
			appendStringInfo(&b, ", \"counts\": \"%s\", \"runs\": %zu, \"bucket_shift\": %d",
							 f->num.shift > 0 ? "buckets" : "exact", f->num.nruns, f->num.shift);
		else if (f->overflow)
			appendStringInfo(&b, ", \"counts\": \"overflow\", \"categories\": null");
		else
			appendStringInfo(&b, ", \"counts\": \"exact\", \"categories\": %zu", f->cat->n);
		appendStringInfoChar(&b, '}');
	}
	appendStringInfoString(&b, "]}");
	PG_RETURN_DATUM(JsonbFromText(b.data));
}

/* prebin_table: the counts of a pre-binning state as rows, per feature and value */
Datum
prebin_table(PG_FUNCTION_ARGS)
{
	const LrPrebinState *st = lr_state_arg_ro(fcinfo, 0, &lr_prebin_ops);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	LrError		err = {0};
	LrAlloc		a;

	lr_pg_srf_init(fcinfo);
	if (!lr_prebin_compact(st, &err))
		lr_pg_raise(&err, NULL);
	lr_pg_alloc_init(&a, CurrentMemoryContext);
	for (uint32_t j = 0; j < st->nfeatures; j++)
	{
		const LrPrebinFeature *f = &st->f[j];
		Datum		values[6];
		bool		nulls[6] = {false, false, true, true, false, false};

		CHECK_FOR_INTERRUPTS();
		values[0] = Int32GetDatum((int32) j + 1);
		values[1] = CStringGetTextDatum("missing");
		values[4] = Int64GetDatum(f->missing[0]);
		values[5] = Int64GetDatum(f->missing[1]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if (f->kind == LR_PREBIN_NUMERIC)
		{
			values[1] = CStringGetTextDatum(f->num.shift > 0 ? "bucket" : "value");
			nulls[2] = false;
			for (size_t i = 0; i < f->num.nruns; i++)
			{
				values[2] = Float8GetDatum(lr_dist_value(f->num.keys[i]));
				values[4] = Int64GetDatum(f->num.cnt[2 * i]);
				values[5] = Int64GetDatum(f->num.cnt[2 * i + 1]);
				tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			}
		}
		else if (f->cat != NULL)
		{
			const LrBucketEntry **e = lr_bucket_sorted(f->cat, &a, &err);

			if (e == NULL && f->cat->n > 0)
				lr_pg_raise(&err, NULL);
			values[1] = CStringGetTextDatum("category");
			nulls[3] = false;
			for (size_t i = 0; i < f->cat->n; i++)
			{
				values[3] = PointerGetDatum(cstring_to_text_with_len((const char *) e[i]->key, (int) e[i]->len));
				values[4] = Int64GetDatum(e[i]->cnt[0]);
				values[5] = Int64GetDatum(e[i]->cnt[1]);
				tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			}
		}
	}
	return (Datum) 0;
}
