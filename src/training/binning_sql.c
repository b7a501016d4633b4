/*
 * binning_sql.c
 *	  binning(): one pass from a table or query to the optimal bins of every
 *	  feature; prebin_bins(): the same from a (merged) pre-binning state.
 *	  Both return the binning document: totals, one object per feature
 *	  (binned.c) and the options in effect.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "common/lr_pg.h"
#include "common/lr_state.h"
#include "training/binning.h"
#include "training/input.h"

PG_FUNCTION_INFO_V1(prebin_bins);
PG_FUNCTION_INFO_V1(binning);

static LrJson *
Num(LrArena *arena, double v)
{
	return lr_json_new_number(arena, v);
}

/* The binning document of a compacted state: features named and binned in order. */
static Datum
BinningDocument(const LrPrebinState *st, const char *const *names,
				const LrBinOptions *const *opts, int n, const LrTrainOptions *o)
{
	LrAlloc		a;
	LrArena		arena;
	LrError		err = {0};
	LrJson	   *doc,
			   *feats;
	char	   *fp = lr_prebin_fingerprint(st);
	bool		ok;

	lr_pg_alloc_init(&a, CurrentMemoryContext);
	lr_arena_init(&arena, &a, 0);
	if (!lr_prebin_compact(st, &err))
		lr_pg_raise(&err, NULL);
	if (n != (int) st->nfeatures)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%d feature names for a pre-binning state of %u features", n, st->nfeatures)));
	doc = lr_json_new(&arena, LRJ_OBJECT);
	feats = lr_json_new(&arena, LRJ_ARRAY);
	ok = doc != NULL && feats != NULL;
	for (int j = 0; ok && j < n; j++)
	{
		LrBinned	b;

		CHECK_FOR_INTERRUPTS();
		if (!lr_bin_feature(st, (uint32_t) j, names[j], opts[j], &arena, &b, &err))
			lr_pg_raise(&err, NULL);
		ok = lr_json_push(&arena, feats, lr_binned_json(&b, opts[j], &arena));
	}
	ok = ok &&
		lr_json_put(&arena, doc, "rows", Num(&arena, (double) (st->total[0] + st->total[1]))) &&
		lr_json_put(&arena, doc, "bads", Num(&arena, (double) st->total[1])) &&
		lr_json_put(&arena, doc, "skipped", Num(&arena, (double) st->skipped)) &&
		lr_json_put(&arena, doc, "fingerprint", lr_json_new_string(&arena, fp, strlen(fp))) &&
		lr_json_put(&arena, doc, "features", feats) &&
		lr_json_put(&arena, doc, "options", lr_train_options_json(o, LR_OPT_BINNING, &arena));
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory while writing the binning result")));
	return lr_pg_jsonb(doc);
}

/*
 * prebin_bins: the optimal bins of every feature of a (merged) pre-binning
 * state; NULL for a NULL state (a _partial over no rows) or NULL names
 */
Datum
prebin_bins(PG_FUNCTION_ARGS)
{
	const LrPrebinState *st;
	ArrayType  *arr;
	LrTrainOptions o;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	const char **names;
	const LrBinOptions **opts;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	st = lr_state_arg_ro(fcinfo, 0, &lr_prebin_ops);
	arr = PG_GETARG_ARRAYTYPE_P(1);
	lr_train_options_arg(fcinfo, 2, LR_OPT_BINNING, &o);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("feature names must be a one-dimensional array")));
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (st->nfeatures == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the pre-binning state has no rows")));
	names = palloc(sizeof(char *) * Max(n, 1));
	opts = palloc(sizeof(LrBinOptions *) * Max(n, 1));
	for (int j = 0; j < n; j++)
	{
		if (nulls[j])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("feature name %d is NULL", j + 1)));
		names[j] = TextDatumGetCString(elems[j]);
		opts[j] = lr_train_options_for(&o, names[j], NULL);
	}
	for (size_t i = 0; i < o.nfeat; i++)
		if (!o.feat[i].used)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("options name feature \"%s\", which is not among the features", o.feat[i].name)));
	PG_RETURN_DATUM(BinningDocument(st, names, opts, n, &o));
}

/* binning: one pass over a source, then the optimal bins of every feature */
Datum
binning(PG_FUNCTION_ARGS)
{
	LrTrainOptions o;
	LrTrainInput in;
	LrAlloc		a;
	LrPrebinState *st;
	const char **names;
	const LrBinOptions **opts;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	lr_train_options_arg(fcinfo, 3, LR_OPT_BINNING, &o);
	lr_train_input_resolve(text_to_cstring(PG_GETARG_TEXT_PP(0)), text_to_cstring(PG_GETARG_TEXT_PP(1)),
						   PG_ARGISNULL(2) ? NULL : PG_GETARG_ARRAYTYPE_P(2), &o, "binning", &in);
	lr_pg_alloc_init(&a, CurrentMemoryContext);
	st = lr_train_prebin_pass(&in, &a, "binning", 1);
	names = palloc(sizeof(char *) * in.nfeat);
	opts = palloc(sizeof(LrBinOptions *) * in.nfeat);
	for (int j = 0; j < in.nfeat; j++)
	{
		names[j] = in.feat[j].name;
		opts[j] = in.feat[j].opt;
	}
	PG_RETURN_DATUM(BinningDocument(st, names, opts, in.nfeat, &o));
}
