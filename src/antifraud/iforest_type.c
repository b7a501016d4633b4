/*
 * iforest_type.c
 *	  Input, output, send and receive of loan_risk.iforest, and
 *	  anomaly_score(model, row).
 *
 * The stored form is the canonical JSON text behind a version header, like
 * loan_risk.scorecard.  Scoring compiles the model once per query and caches
 * it in fn_extra, keyed on the bytes of the argument, and binds the model's
 * features to the row's columns by name once per row type.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/memutils.h"

#include "common/lr_pg.h"
#include "common/lr_row.h"
#include "antifraud/antifraud.h"

PG_FUNCTION_INFO_V1(iforest_in);
PG_FUNCTION_INFO_V1(iforest_out);
PG_FUNCTION_INFO_V1(iforest_recv);
PG_FUNCTION_INFO_V1(iforest_send);
PG_FUNCTION_INFO_V1(anomaly_score);
PG_FUNCTION_INFO_V1(anomaly_path_length);

void
lr_iforest_value_check(const LrIforestValue *v)
{
	if (VARSIZE(v) < LR_IFOREST_HDRSZ ||
		v->version != LR_IFOREST_STORAGE_VERSION || v->flags != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("isolation forest value has unsupported storage version %u (flags %u)",
						(unsigned) v->version, (unsigned) v->flags),
				 errhint("The value was written by a newer or damaged installation of loan_risk.")));
}

LrForest *
lr_iforest_value_parse(const LrIforestValue *v, LrArena *arena)
{
	LrJsonOptions opts;
	LrError		err = {0};
	LrForest   *f;

	lr_iforest_value_check(v);
	lr_pg_json_options(&opts);
	if (!lr_iforest_parse(v->json, LrIforestJsonLen(v), arena, &opts, &f, &err))
		lr_pg_raise(&err, "invalid stored isolation forest");
	return f;
}

LrIforestValue *
lr_iforest_value_from_forest(const LrForest *f)
{
	LrAlloc		a;
	LrBuf		buf;
	LrIforestValue *v;

	lr_pg_alloc_init(&a, CurrentMemoryContext);
	lr_buf_init(&buf, &a, MaxAllocSize - LR_IFOREST_HDRSZ - 1);
	lr_iforest_write(f, &buf);
	if (buf.failed)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("isolation forest is too large"),
				 errdetail("Its text form exceeds the 1 GB limit of a value."),
				 errhint("Use fewer trees or a smaller sample_size.")));
	v = palloc(LR_IFOREST_HDRSZ + buf.len);
	SET_VARSIZE(v, LR_IFOREST_HDRSZ + buf.len);
	v->version = LR_IFOREST_STORAGE_VERSION;
	v->flags = 0;
	memcpy(v->json, buf.data, buf.len);
	lr_buf_free(&buf);
	return v;
}

static LrIforestValue *
IforestFromText(const char *text, size_t len)
{
	LrAlloc		a;
	LrArena		arena;
	LrJsonOptions opts;
	LrError		err = {0};
	LrForest   *f;
	LrIforestValue *v;

	lr_pg_alloc_init(&a, CurrentMemoryContext);
	lr_arena_init(&arena, &a, 0);
	lr_pg_json_options(&opts);
	if (!lr_iforest_parse(text, len, &arena, &opts, &f, &err))
		lr_pg_raise(&err, "invalid isolation forest");
	v = lr_iforest_value_from_forest(f);
	lr_arena_release(&arena);
	return v;
}

/* iforest_in: text form (JSON) to a validated model */
Datum
iforest_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);

	PG_RETURN_POINTER(IforestFromText(str, strlen(str)));
}

/* iforest_out: the canonical JSON text */
Datum
iforest_out(PG_FUNCTION_ARGS)
{
	LrIforestValue *v = PG_GETARG_LR_IFOREST_P(0);

	lr_iforest_value_check(v);
	PG_RETURN_CSTRING(pnstrdup(v->json, LrIforestJsonLen(v)));
}

/* iforest_recv: binary form (version byte, JSON text), validated like text input */
Datum
iforest_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(buf);
	char	   *text;
	int			nbytes;

	if (version != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary isolation forest version %d", version),
				 errdetail("This version of loan_risk reads binary version 1.")));
	text = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);
	PG_RETURN_POINTER(IforestFromText(text, (size_t) nbytes));
}

/* iforest_send: version byte 1, then the canonical JSON text */
Datum
iforest_send(PG_FUNCTION_ARGS)
{
	LrIforestValue *v = PG_GETARG_LR_IFOREST_P(0);
	StringInfoData buf;

	lr_iforest_value_check(v);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, 1);
	pq_sendtext(&buf, v->json, (int) LrIforestJsonLen(v));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---------------------------------------------------------------- scoring */

typedef struct IforestCache
{
	MemoryContext cxt;			/* holds the model and the binding; reset on rebuild */
	char	   *key;			/* bytes the model was built from */
	Size		keylen;
	const void *keyptr;			/* last datum pointer seen, with keystable */
	bool		keystable;		/* the model argument is a constant */
	LrAlloc		alloc;
	LrArena		arena;
	LrForestModel *model;
	LrRowBinder binder;
	double	   *x;				/* one row's features; NaN = missing */
} IforestCache;

static IforestCache *
IforestCacheGet(FunctionCallInfo fcinfo, int argno)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	IforestCache *cc = (IforestCache *) flinfo->fn_extra;
	struct varlena *raw = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(argno));
	Size		keylen;
	MemoryContext old;
	LrIforestValue *v;
	LrForest   *f;
	LrError		err = {0};

	if (cc == NULL)
	{
		cc = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(IforestCache));
		cc->cxt = AllocSetContextCreate(flinfo->fn_mcxt, "loan_risk iforest cache",
										ALLOCSET_DEFAULT_SIZES);
		cc->keystable = get_fn_expr_arg_stable(flinfo, argno);
		flinfo->fn_extra = cc;
	}

	/*
	 * Key on the bytes as passed: compressed inline bytes or a TOAST pointer
	 * identify the value without detoasting it on every row.  Other external
	 * forms (expanded, indirect) are flattened first.
	 */
	if (VARATT_IS_EXTERNAL(raw) && !VARATT_IS_EXTERNAL_ONDISK(raw))
		raw = pg_detoast_datum(raw);
	keylen = VARSIZE_ANY(raw);
	if (cc->model != NULL && keylen == cc->keylen &&
		((cc->keystable && cc->keyptr == raw) || memcmp(cc->key, raw, keylen) == 0))
	{
		cc->keyptr = raw;
		return cc;
	}

	MemoryContextReset(cc->cxt);
	cc->model = NULL;
	old = MemoryContextSwitchTo(cc->cxt);
	cc->key = palloc(keylen);
	memcpy(cc->key, raw, keylen);
	cc->keylen = keylen;
	cc->keyptr = raw;
	v = DatumGetLrIforestP(PointerGetDatum(raw));
	lr_pg_alloc_init(&cc->alloc, cc->cxt);
	lr_arena_init(&cc->arena, &cc->alloc, 0);
	f = lr_iforest_value_parse(v, &cc->arena);
	if (!lr_iforest_compile(f, &cc->arena, &cc->model, &err))
		lr_pg_raise(&err, NULL);
	{
		size_t		n = f->nfeatures;
		LrFieldKind *kinds = palloc(n * sizeof(LrFieldKind));
		size_t		i;

		for (i = 0; i < n; i++)
			kinds[i] = LR_FIELD_NUMERIC;
		lr_row_binder_init(&cc->binder, cc->cxt, (int) n, f->features, kinds,
						   f->name ? psprintf("isolation forest \"%s\"", f->name)
						   : "the isolation forest");
		cc->x = palloc(n * sizeof(double));
	}
	MemoryContextSwitchTo(old);
	return cc;
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
