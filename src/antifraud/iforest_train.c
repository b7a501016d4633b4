/*
 * iforest_train.c
 *	  iforest_train(key, row, features, options): an aggregate that keeps a
 *	  bottom-k sample of the rows (mergeable, so it runs in parallel workers
 *	  and on shards) and grows the isolation trees in its final function.
 *
 * Every row's priority is mix64(hash(key, seed)), computed with the key
 * type's own extended hash function; the row is read only when that
 * priority could enter the sample, so most rows cost one hash.  The trees
 * are grown from the sample in canonical order with a PRNG seeded by
 * (seed, tree number): the model depends on the rows and the seed only.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include "common/lr_settings.h"
#include "common/lr_parallel.h"
#include "common/lr_pg.h"
#include "common/lr_row.h"
#include "common/lr_state.h"
#include "antifraud/antifraud.h"
#include "antifraud/iforest_state.h"

PG_FUNCTION_INFO_V1(iforest_train_trans);
PG_FUNCTION_INFO_V1(iforest_train_final);

/* iforest_train_state_in, _out, _recv, _send: the state type's text (base64) and binary I/O, validated on input */
LR_STATE_TYPE_FUNCTIONS(iforest_train_state, lr_iforest_state_ops)

/* iforest_train_combine: merges two partial states */
LR_STATE_COMBINE_FUNCTION(iforest_train_combine, lr_iforest_state_ops)

/*
 * Per call site: the parsed features and options (re-parsed only when their
 * bytes change), the binding of the features to the row's columns, and the
 * key's hash function.
 */
typedef struct TrainCache
{
	MemoryContext cxt;			/* features, options, binding */
	uint64		gen;			/* bumped whenever features or options change */
	char	   *feat_key;
	Size		feat_len;
	char	   *opt_key;		/* NULL: no options argument or NULL options */
	Size		opt_len;
	bool		ready;
	LrIfOptions opt;
	size_t		nfeatures;
	const char **names;
	LrRowBinder binder;
	double	   *x;

	Oid			keytype;
	Oid			collation;		/* of a text key's hash */
	FmgrInfo	hash;
} TrainCache;

static bool
SameBytes(const char *key, Size keylen, struct varlena *v)
{
	return key != NULL && VARSIZE_ANY(v) == keylen && memcmp(key, v, keylen) == 0;
}

static void
ParseFeatures(TrainCache *tc, ArrayType *arr, bool bind)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i;
	size_t	   *lens;
	LrError		err = {0};
	LrFieldKind *kinds;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features must be a one-dimensional array of column names")));
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	tc->names = palloc(Max(n, 1) * sizeof(char *));
	lens = palloc(Max(n, 1) * sizeof(size_t));
	for (i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("features[%d] is NULL", i + 1),
					 errhint("List the names of the feature columns.")));
		tc->names[i] = TextDatumGetCString(elems[i]);
		lens[i] = strlen(tc->names[i]);
	}
	if (!lr_iforest_check_names(tc->names, lens, (size_t) n, "features", 1, &err))
		lr_pg_raise(&err, NULL);
	tc->nfeatures = (size_t) n;
	if (bind)
	{
		kinds = palloc(n * sizeof(LrFieldKind));
		for (i = 0; i < n; i++)
			kinds[i] = LR_FIELD_NUMERIC;
		lr_row_binder_init(&tc->binder, tc->cxt, n, tc->names, kinds, "iforest_train");
	}
	tc->x = palloc(Max(n, 1) * sizeof(double));
}

/*
 * keytype: the key's type, or InvalidOid for the polymorphic form (read from
 * the call's expression).  bind: the features are read from a row by name.
 */
static TrainCache *
TrainCacheGet(FunctionCallInfo fcinfo, Oid keytype, bool bind)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	TrainCache *tc = (TrainCache *) flinfo->fn_extra;
	struct varlena *feat;
	struct varlena *opt = NULL;
	MemoryContext old;

	if (tc == NULL)
	{
		TypeCacheEntry *te;

		tc = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(TrainCache));
		tc->cxt = AllocSetContextCreate(flinfo->fn_mcxt, "loan_risk iforest_train",
										ALLOCSET_SMALL_SIZES);
		tc->keytype = OidIsValid(keytype) ? keytype : get_fn_expr_argtype(flinfo, 1);
		if (!OidIsValid(tc->keytype))
			elog(ERROR, "could not determine the key type of iforest_train");
		te = lookup_type_cache(tc->keytype, TYPECACHE_HASH_EXTENDED_PROC_FINFO);
		if (!OidIsValid(te->hash_extended_proc))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("key type %s has no extended hash function", format_type_be(tc->keytype)),
					 errdetail("iforest_train samples rows by a seeded hash of their key."),
					 errhint("Use an integer, text or uuid key, such as the application id.")));
		fmgr_info_cxt(te->hash_extended_proc, &tc->hash, flinfo->fn_mcxt);

		/*
		 * A text key hashes under the call's collation; a caller that gives
		 * none (Citus runs a split aggregate's transition function with the
		 * collation of its own wrapper, which has no text argument) gets the
		 * database's: hashes of deterministic collations do not differ.
		 */
		tc->collation = PG_GET_COLLATION();
		if (!OidIsValid(tc->collation) && type_is_collatable(tc->keytype))
			tc->collation = DEFAULT_COLLATION_OID;
		flinfo->fn_extra = tc;
	}

	feat = PG_DETOAST_DATUM(PG_GETARG_DATUM(3));
	if (PG_NARGS() > 4 && !PG_ARGISNULL(4))
		opt = PG_DETOAST_DATUM(PG_GETARG_DATUM(4));
	if (tc->ready && SameBytes(tc->feat_key, tc->feat_len, feat) &&
		(opt == NULL ? tc->opt_key == NULL : SameBytes(tc->opt_key, tc->opt_len, opt)))
		return tc;

	MemoryContextReset(tc->cxt);
	tc->ready = false;
	tc->gen++;
	tc->feat_key = NULL;
	tc->opt_key = NULL;
	old = MemoryContextSwitchTo(tc->cxt);
	ParseFeatures(tc, (ArrayType *) feat, bind);
	lr_ifopt_default(&tc->opt);
	if (opt != NULL)
	{
		char	   *text = JsonbToCString(NULL, &((Jsonb *) opt)->root, VARSIZE(opt));
		LrAlloc		a;
		LrArena		arena;
		LrJsonOptions jo;
		LrError		err = {0};

		lr_pg_alloc_init(&a, tc->cxt);
		lr_arena_init(&arena, &a, 0);
		lr_pg_json_options(&jo);
		/* The arena lives as long as the cache (the name points into it). */
		if (!lr_ifopt_parse(text, strlen(text), &arena, &jo, &tc->opt, &err))
			lr_pg_raise(&err, "iforest_train");
		tc->opt_key = palloc(VARSIZE_ANY(opt));
		memcpy(tc->opt_key, opt, VARSIZE_ANY(opt));
		tc->opt_len = VARSIZE_ANY(opt);
	}
	tc->feat_key = palloc(VARSIZE_ANY(feat));
	memcpy(tc->feat_key, feat, VARSIZE_ANY(feat));
	tc->feat_len = VARSIZE_ANY(feat);
	tc->ready = true;
	MemoryContextSwitchTo(old);
	return tc;
}

/* Configures or checks the state for this call, counts the row and returns its priority. */
static uint64
TrainRow(FunctionCallInfo fcinfo, TrainCache *tc, LrExpandedState *es)
{
	LrIfState  *st = es->st;
	LrError		err = {0};

	if (!st->configured)
	{
		if (!lr_ifstate_configure(st, &tc->opt, tc->names, tc->nfeatures, &err))
			lr_pg_raise(&err, "iforest_train");
	}
	else if ((st->checked != tc || st->checked_gen != tc->gen) &&
			 !lr_ifstate_matches(st, &tc->opt, tc->names, tc->nfeatures))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("iforest_train was given different features or options within one group"),
				 errdetail("Every row of a group must give the same features and options.")));
	st->checked = tc;
	st->checked_gen = tc->gen;
	lr_state_touch(es);
	if (st->rows < ((int64) 1 << 62))
		st->rows++;
	return lr_mix64(DatumGetUInt64(FunctionCall2Coll(&tc->hash, tc->collation,
													 PG_GETARG_DATUM(1),
													 Int64GetDatum(st->opt.seed))));
}

/*
 * iforest_train_trans: offers one row to the sample.  Rows with a NULL key
 * or row are skipped; rows with a NULL, NaN or infinite feature are not
 * sampled.
 */
Datum
iforest_train_trans(PG_FUNCTION_ARGS)
{
	TrainCache *tc;
	LrExpandedState *es;
	LrIfState  *st;
	uint64		prio;
	LrError		err = {0};
	size_t		f;

	lr_pg_arg_required(fcinfo, 3, "features",
						   "List the names of the feature columns, such as ARRAY['amount', 'income'].");
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return lr_state_unchanged(fcinfo);
	tc = TrainCacheGet(fcinfo, InvalidOid, true);
	es = lr_state_arg_rw(fcinfo, 0, &lr_iforest_state_ops);
	st = es->st;
	prio = TrainRow(fcinfo, tc, es);
	if (!lr_ifstate_may_keep(st, prio))
		PG_RETURN_DATUM(lr_state_datum(es));

	lr_row_deform(&tc->binder, PG_GETARG_HEAPTUPLEHEADER(2));
	for (f = 0; f < tc->nfeatures; f++)
	{
		double		v;

		if (lr_row_isnull(&tc->binder, (int) f))
			PG_RETURN_DATUM(lr_state_datum(es));
		v = lr_row_number(&tc->binder, (int) f);
		if (!isfinite(v))
			PG_RETURN_DATUM(lr_state_datum(es));
		tc->x[f] = v;
	}
	if (!lr_ifstate_offer(st, prio, tc->x, &err))
		lr_pg_raise(&err, "iforest_train");
	PG_RETURN_DATUM(lr_state_datum(es));
}

/*
 * The array form, iforest_train(key, values float8[], features text[] [,
 * options]): concrete argument types (one function per key type), so that
 * Citus can split it into partial aggregates on its workers.  values holds
 * the features' values in the order of their names.  The sample and the
 * model equal those of the row form for the same rows and key values.
 */
static Datum
TrainArrays(FunctionCallInfo fcinfo, Oid keytype)
{
	TrainCache *tc;
	LrExpandedState *es;
	LrArrayArg	xs;
	uint64		prio;
	LrError		err = {0};
	size_t		f;

	lr_pg_arg_required(fcinfo, 3, "features",
						   "List the names of the features, such as ARRAY['amount', 'income'].");
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return lr_state_unchanged(fcinfo);
	tc = TrainCacheGet(fcinfo, keytype, false);
	lr_pg_float8_array_arg(fcinfo, 2, "values", &xs);
	if ((size_t) xs.n != tc->nfeatures)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("values has %d elements for %zu features", xs.n, tc->nfeatures),
				 errhint("Give one value per feature name, in the same order.")));
	es = lr_state_arg_rw(fcinfo, 0, &lr_iforest_state_ops);
	prio = TrainRow(fcinfo, tc, es);
	if (!lr_ifstate_may_keep(es->st, prio))
		PG_RETURN_DATUM(lr_state_datum(es));
	for (f = 0; f < tc->nfeatures; f++)
	{
		if ((xs.nulls != NULL && xs.nulls[f]) || !isfinite(xs.v[f]))
			PG_RETURN_DATUM(lr_state_datum(es));
		tc->x[f] = xs.v[f];
	}
	if (!lr_ifstate_offer(es->st, prio, tc->x, &err))
		lr_pg_raise(&err, "iforest_train");
	PG_RETURN_DATUM(lr_state_datum(es));
}

/* iforest_train_trans_int8: offers one row (bigint key, values float8[], features text[] [, options]) */
LR_PG_FUNCTION_CALLING(iforest_train_trans_int8, TrainArrays, INT8OID)

/* iforest_train_trans_text: offers one row (text key, values float8[], features text[] [, options]) */
LR_PG_FUNCTION_CALLING(iforest_train_trans_text, TrainArrays, TEXTOID)

/* iforest_train_trans_uuid: offers one row (uuid key, values float8[], features text[] [, options]) */
LR_PG_FUNCTION_CALLING(iforest_train_trans_uuid, TrainArrays, UUIDOID)

typedef struct GrowArgs
{
	const double *rows;
	size_t		m;
	size_t		d;
	int32		psi;
	uint64		seed;
	LrTree	   *trees;
	size_t		first;			/* tree number of block 0 */
	char	   *scratch;
	size_t		scratch_size;
} GrowArgs;

/* One block = one tree; runs on any thread (no PostgreSQL calls). */
static void
GrowBlock(void *arg, int64 block, int64 begin, int64 end)
{
	GrowArgs   *g = arg;
	int64		t;

	for (t = begin; t < end; t++)
	{
		size_t		tree = g->first + (size_t) t;

		lr_iforest_grow_tree(g->rows, g->m, g->d, g->psi, g->seed, (uint64) tree,
							 &g->trees[tree], g->scratch + (size_t) tree * g->scratch_size);
	}
}

/* Grows trees [first, end) of the forest, with the nodes each may need. */
static void
GrowTrees(GrowArgs *g, size_t first, size_t end, size_t maxnodes)
{
	size_t		t;

	for (t = first; t < end; t++)
		g->trees[t].nodes = MemoryContextAllocHuge(CurrentMemoryContext, maxnodes * sizeof(LrTreeNode));
	g->first = first;
	lr_parallel_for((int64) (end - first), 1, lr_threads(), GrowBlock, g);
}

/* Trees grown first to measure the text of the forest. */
#define PROBE_TREES 8

/*
 * The canonical text of the whole forest, estimated from that of its first
 * nprobe trees (grown already): the trees of one forest are alike (the
 * same rows, the same sample size), so the mean size of a few predicts the
 * total within a few percent.
 */
static double
EstimateText(LrForest *f, size_t nprobe)
{
	size_t		ntrees = f->ntrees;
	LrAlloc		a;
	LrBuf		buf;
	size_t		head,
				probe;

	lr_pg_alloc_init(&a, CurrentMemoryContext);
	f->ntrees = 0;
	lr_buf_init(&buf, &a, 0);
	lr_iforest_write(f, &buf);
	head = buf.len;
	lr_buf_free(&buf);
	f->ntrees = nprobe;
	lr_buf_init(&buf, &a, 0);
	buf.tick = lr_pg_tick();
	lr_iforest_write(f, &buf);
	probe = buf.len;
	lr_buf_free(&buf);
	f->ntrees = ntrees;
	if (probe <= head || nprobe == 0)
		return (double) head;
	return (double) head + (double) (probe - head) / (double) nprobe * (double) ntrees;
}

/* iforest_train_final: grows the trees; NULL when fewer than 2 rows were sampled */
Datum
iforest_train_final(PG_FUNCTION_ARGS)
{
	const LrIfState *st;
	LrAlloc		a;
	LrArena		arena;
	LrError		err = {0};
	LrForest	f;
	GrowArgs	g;
	double	   *rows;
	double		bytes;
	int32		psi;
	size_t		probe,
				maxnodes;
	LrIforestValue *v;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = lr_state_arg_ro(fcinfo, 0, &lr_iforest_state_ops);
	if (!st->configured || st->m < 2)
		PG_RETURN_NULL();

	psi = (int32) Min((size_t) st->opt.sample_size, st->m);
	maxnodes = 2 * (size_t) psi - 1;
	g.scratch_size = MAXALIGN(lr_iforest_tree_scratch(psi, st->nfeatures));
	bytes = (double) st->m * st->nfeatures * sizeof(double) +
		(double) st->opt.trees * ((double) maxnodes * sizeof(LrTreeNode) + g.scratch_size);
	lr_memory_check(bytes, psprintf("an isolation forest of %d trees", (int) st->opt.trees));

	lr_pg_alloc_init(&a, CurrentMemoryContext);
	lr_arena_init(&arena, &a, 0);
	if (!lr_ifstate_sorted_rows(st, &a, &rows, &err))
		lr_pg_raise(&err, "iforest_train");

	memset(&f, 0, sizeof(f));
	f.name = st->opt.name;
	f.nfeatures = st->nfeatures;
	f.features = (const char **) st->features;
	f.sample_size = psi;
	f.ntrees = (size_t) st->opt.trees;
	f.trees = palloc0(f.ntrees * sizeof(LrTree));

	g.rows = rows;
	g.m = st->m;
	g.d = st->nfeatures;
	g.psi = psi;
	g.seed = (uint64) st->opt.seed;
	g.trees = f.trees;
	g.scratch = MemoryContextAllocHuge(CurrentMemoryContext, f.ntrees * g.scratch_size);

	/*
	 * The model's text must fit the 1 GB of a value: grow a few trees,
	 * measure their text, and refuse at once a forest whose text would not
	 * fit, rather than after growing all of it.
	 */
	probe = Min(f.ntrees, PROBE_TREES);
	GrowTrees(&g, 0, probe, maxnodes);
	if (f.ntrees > probe)
	{
		double		text = EstimateText(&f, probe);
		double		limit = (double) MaxAllocSize - LR_MODEL_HDRSZ - 1;

		if (text > limit)
		{
			double		per_tree = (text - EstimateText(&f, 0)) / (double) f.ntrees;

			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("an isolation forest of %d trees of %d rows would be about %.0f MB of text, more than the 1 GB limit of a value",
							(int) f.ntrees, (int) psi, text / (1024.0 * 1024.0)),
					 errdetail("Its first %d trees take %.0f kB of text each.",
							   (int) probe, per_tree / 1024.0),
					 errhint("Use at most %d trees, or a smaller sample_size.",
							 (int) Max(1.0, floor(limit * 0.95 / per_tree)))));
		}
		GrowTrees(&g, probe, f.ntrees, maxnodes);
	}

	{
		static const char *const keys[] = {"seed", "rows", "sample_rows", "reservoir"};
		double		vals[4];

		vals[0] = (double) st->opt.seed;
		vals[1] = (double) st->rows;
		vals[2] = (double) st->m;
		vals[3] = (double) st->opt.reservoir;
		f.training = lr_iforest_number_object(&arena, 4, keys, vals);
		if (f.training == NULL)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	}
	v = lr_iforest_value_from_forest(&f);
	lr_arena_release(&arena);
	PG_RETURN_POINTER(v);
}
