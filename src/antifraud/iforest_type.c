/*
 * iforest_type.c
 *	  Input, output, send and receive of loan_risk.iforest, and
 *	  anomaly_score(model, row).
 *
 * The type's I/O and the per-query compile cache are the model-type
 * helper's (common/lr_model_type.h), as for loan_risk.scorecard: scoring
 * compiles the model once per distinct value and binds its features to the
 * row's columns by name once per row type.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"

#include "common/lr_pg.h"
#include "common/lr_row.h"
#include "antifraud/antifraud.h"

PG_FUNCTION_INFO_V1(anomaly_score);
PG_FUNCTION_INFO_V1(anomaly_path_length);

/* ---------------------------------------------------------------- the type */

LR_JSON_PARSE_CALLBACK(ForestParse, lr_iforest_parse, LrForest)

LR_JSON_WRITE_CALLBACK(ForestWrite, lr_iforest_write, LrForest)

/* What scoring uses per query: the compiled forest and the row binding. */
typedef struct IforestCache
{
	LrForestModel *model;
	LrRowBinder binder;
	double	   *x;				/* one row's features; NaN = missing */
} IforestCache;

static void *
ForestCompile(void *parsed, LrArena *arena, MemoryContext cxt)
{
	LrForest   *f = (LrForest *) parsed;
	IforestCache *cc = palloc0(sizeof(IforestCache));
	LrError		err = {0};
	size_t		n = f->nfeatures;
	LrFieldKind *kinds = palloc(n * sizeof(LrFieldKind));
	size_t		i;

	if (!lr_iforest_compile(f, arena, lr_pg_tick(), &cc->model, &err))
	{
		if (arena->over_limit)
			lr_model_memory_error(&lr_iforest_type, 0);
		lr_pg_raise(&err, NULL);
	}
	for (i = 0; i < n; i++)
		kinds[i] = LR_FIELD_NUMERIC;
	lr_row_binder_init(&cc->binder, cxt, (int) n, f->features, kinds,
					   f->name ? psprintf("isolation forest \"%s\"", f->name)
					   : "the isolation forest");
	cc->x = palloc(n * sizeof(double));
	return cc;
}

const LrModelType lr_iforest_type = {
	.name = "isolation forest",
	.too_large_hint = "Use fewer trees or a smaller sample_size.",
	.parse = ForestParse,
	.write = ForestWrite,
	.compile = ForestCompile,
};

LrIforestValue *
lr_iforest_value_from_forest(const LrForest *f)
{
	return lr_model_from_model(&lr_iforest_type, f);
}

/* iforest_in, _out, _recv, _send: the type's I/O (see lr_model_type.h) */
LR_MODEL_IO_FUNCTIONS(iforest, lr_iforest_type)

/* ---------------------------------------------------------------- scoring */

static IforestCache *
IforestCacheGet(FunctionCallInfo fcinfo, int argno)
{
	return (IforestCache *) lr_model_cache_get(fcinfo, argno, &lr_iforest_type);
}

/* Reads the row's features into cc->x: NULL and NaN become NaN (missing). */
static void
IforestReadRow(IforestCache *cc, HeapTupleHeader row)
{
	LrRowBinder *b = &cc->binder;
	int			i;

	lr_row_deform(b, row);
	for (i = 0; i < b->nfields; i++)
		cc->x[i] = lr_row_isnull(b, i) ? NAN : lr_row_number(b, i);
}

/* anomaly_score: 2^(-mean path length / c(sample_size)) of the row, in (0, 1] */
Datum
anomaly_score(PG_FUNCTION_ARGS)
{
	IforestCache *cc = IforestCacheGet(fcinfo, 0);

	IforestReadRow(cc, PG_GETARG_HEAPTUPLEHEADER(1));
	PG_RETURN_FLOAT8(lr_iforest_score(cc->model, cc->x));
}

/* anomaly_path_length: the row's mean path length over the trees, E(h(x)) */
Datum
anomaly_path_length(PG_FUNCTION_ARGS)
{
	IforestCache *cc = IforestCacheGet(fcinfo, 0);

	IforestReadRow(cc, PG_GETARG_HEAPTUPLEHEADER(1));
	PG_RETURN_FLOAT8(lr_iforest_path_sum(cc->model, cc->x) / (double) cc->model->ntrees);
}
