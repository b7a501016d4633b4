/*
 * lr_pg.c
 *	  Server glue for the pure C layer; see lr_pg.h.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "common/lr_pg.h"

static void *
PgAlloc(void *ctx, size_t size)
{
	if (size > MaxAllocHugeSize)
		return NULL;
	return MemoryContextAllocExtended((MemoryContext) ctx, size,
									  MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
}

static void
PgFree(void *ctx, void *ptr)
{
	pfree(ptr);
}

void
lr_pg_alloc_init(LrAlloc *a, MemoryContext cxt)
{
	a->alloc = PgAlloc;
	a->free = PgFree;
	a->ctx = cxt;
}

/* Checks for interrupts: a pending cancel raises its ERROR from here. */
static bool
PgTick(void *arg)
{
	CHECK_FOR_INTERRUPTS();
	return true;
}

LrTick *
lr_pg_tick(void)
{
	/* The backend's one thread: a single countdown serves every caller. */
	static LrTick tick = {PgTick, NULL, 1024, 1024};

	return &tick;
}

void
lr_pg_json_options(LrJsonOptions *opts)
{
	opts->max_depth = 64;
	opts->ascii_escapes_only = (GetDatabaseEncoding() != PG_UTF8);
	opts->tick = lr_pg_tick();
}

void
lr_pg_raise(const LrError *err, const char *what)
{
	int			code;

	switch (err->kind)
	{
		case LR_ERR_SYNTAX:
			code = ERRCODE_INVALID_TEXT_REPRESENTATION;
			break;
		case LR_ERR_LIMIT:
			code = ERRCODE_PROGRAM_LIMIT_EXCEEDED;
			break;
		case LR_ERR_NOMEM:
			code = ERRCODE_OUT_OF_MEMORY;
			break;
		case LR_ERR_INVALID:
		default:
			code = ERRCODE_INVALID_PARAMETER_VALUE;
			break;
	}
	ereport(ERROR,
			(errcode(code),
			 what ? errmsg("%s: %s", what, err->msg) : errmsg("%s", err->msg),
			 err->detail[0] ? errdetail("%s", err->detail) : 0));
	pg_unreachable();
}

TupleDesc
lr_pg_result_desc(FunctionCallInfo fcinfo, TupleDesc *cache, const Oid *types, int n)
{
	TupleDesc	td;
	MemoryContext old;

	if (cache != NULL && *cache != NULL)
		return *cache;
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (types != NULL && td->natts != n)
		elog(ERROR, "result type has %d columns, expected %d", td->natts, n);
	for (int i = 0; types != NULL && i < n; i++)
		if (TupleDescAttr(td, i)->atttypid != types[i])
			elog(ERROR, "result column %d has an unexpected type", i + 1);
	if (cache == NULL)
		return BlessTupleDesc(td);
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	*cache = BlessTupleDesc(CreateTupleDescCopy(td));
	MemoryContextSwitchTo(old);
	return *cache;
}

Datum
lr_pg_result_row(FunctionCallInfo fcinfo, Datum *values, bool *nulls)
{
	TupleDesc	td = lr_pg_result_desc(fcinfo, NULL, NULL, 0);

	return HeapTupleGetDatum(heap_form_tuple(td, values, nulls));
}

void
lr_pg_srf_init(FunctionCallInfo fcinfo)
{
#if PG_VERSION_NUM >= 150000
	InitMaterializedSRF(fcinfo, 0);
#else
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TupleDesc	tupdesc;
	MemoryContext old;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		!(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	rsinfo->setResult = tuplestore_begin_heap(true, false, work_mem);
	rsinfo->setDesc = CreateTupleDescCopy(tupdesc);
	rsinfo->returnMode = SFRM_Materialize;
	MemoryContextSwitchTo(old);
#endif
}

LrJson *
lr_pg_parse_json(const char *text, size_t len, LrArena *arena, const char *what)
{
	LrJsonOptions opts;
	LrError		err = {0};
	LrJson	   *root;

	lr_pg_json_options(&opts);
	if (!lr_json_parse(text, len, arena, &opts, &root, &err))
		lr_pg_raise(&err, what);
	return root;
}

char *
lr_pg_jsonb_text(Datum jsonb, size_t *len)
{
	Jsonb	   *jb = DatumGetJsonbP(jsonb);
	char	   *text = JsonbToCString(NULL, &jb->root, VARSIZE(jb));

	*len = strlen(text);
	return text;
}

void
lr_pg_arg_required(FunctionCallInfo fcinfo, int argno, const char *what, const char *hint)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", what),
				 hint ? errhint("%s", hint) : 0));
}

void
lr_pg_arena_init(LrArena *arena, size_t limit)
{
	LrAlloc    *a = palloc(sizeof(LrAlloc));

	lr_pg_alloc_init(a, CurrentMemoryContext);
	lr_arena_init(arena, a, limit);
}

const LrJson *
lr_pg_jsonb_arg(FunctionCallInfo fcinfo, int argno, LrArena *arena, const char *what)
{
	char	   *text;
	size_t		len;

	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return NULL;
	text = lr_pg_jsonb_text(PG_GETARG_DATUM(argno), &len);
	return lr_pg_parse_json(text, len, arena, what);
}

int
lr_pg_format_double(char *out, size_t outlen, double d)
{
	char		ryu[DOUBLE_SHORTEST_DECIMAL_LEN];
	char		dig[DOUBLE_SHORTEST_DECIMAL_LEN];
	char		res[64];
	const char *p = ryu;
	int			nd = 0;
	int			point = -1;
	int			lead = 0;
	int			exp10;
	int			n;
	int			o = 0;

	if (d == 0 || isnan(d) || isinf(d))
		return snprintf(out, outlen, "%s", isnan(d) ? "NaN" : isinf(d) ? (d > 0 ? "Infinity" : "-Infinity") :
						signbit(d) ? "-0" : "0");

	/* Ryu writes "123.45", "0.0001", "100000" or "1.5e+16": take its digits and exponent. */
	double_to_shortest_decimal_buf(d, ryu);
	if (*p == '-')
		res[o++] = *p++;
	for (; *p != '\0' && *p != 'e'; p++)
	{
		if (*p == '.')
			point = nd;
		else
			dig[nd++] = *p;
	}
	if (point < 0)
		point = nd;
	while (lead < nd - 1 && dig[lead] == '0')
		lead++;
	while (nd > lead + 1 && dig[nd - 1] == '0')
		nd--;
	n = nd - lead;				/* significant digits dig[lead .. nd) */
	exp10 = point - 1 - lead + (*p == 'e' ? atoi(p + 1) : 0);

	/* As lr_format_double: "%.*f" from -5 to 15, else "%.*g" with n digits. */
	if ((exp10 >= -5 && exp10 <= 15) || (exp10 > 15 && exp10 < n))
	{
		if (exp10 < 0)
		{
			res[o++] = '0';
			res[o++] = '.';
			for (int i = 0; i < -exp10 - 1; i++)
				res[o++] = '0';
			for (int i = 0; i < n; i++)
				res[o++] = dig[lead + i];
		}
		else
		{
			for (int i = 0; i <= exp10; i++)
				res[o++] = i < n ? dig[lead + i] : '0';
			if (n > exp10 + 1)
			{
				res[o++] = '.';
				for (int i = exp10 + 1; i < n; i++)
					res[o++] = dig[lead + i];
			}
		}
		res[o] = '\0';
	}
	else
	{
		res[o++] = dig[lead];
		if (n > 1)
		{
			res[o++] = '.';
			for (int i = 1; i < n; i++)
				res[o++] = dig[lead + i];
		}
		snprintf(res + o, sizeof(res) - o, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
	}
	return snprintf(out, outlen, "%s", res);
}

static ArrayType *
ArrayArg(FunctionCallInfo fcinfo, int argno, const char *what, LrArrayArg *out)
{
	ArrayType  *arr;

	memset(out, 0, sizeof(*out));
	if (PG_ARGISNULL(argno))
		return NULL;
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", what)));
	return arr;
}

void
lr_pg_float8_array_arg(FunctionCallInfo fcinfo, int argno, const char *what, LrArrayArg *out)
{
	ArrayType  *arr = ArrayArg(fcinfo, argno, what, out);
	Datum	   *elems;
	double	   *v;

	if (arr == NULL || ARR_NDIM(arr) == 0)
		return;
	Assert(ARR_ELEMTYPE(arr) == FLOAT8OID);
	out->n = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
	if (!ARR_HASNULL(arr))
	{
		/* float8 elements are 8-byte aligned in the array's data */
		out->v = (const double *) ARR_DATA_PTR(arr);
		return;
	}
	deconstruct_array(arr, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &out->nulls, &out->n);
	v = palloc(sizeof(double) * Max(out->n, 1));
	for (int i = 0; i < out->n; i++)
		v[i] = out->nulls[i] ? 0 : DatumGetFloat8(elems[i]);
	out->v = v;
}

void
lr_pg_text_array_arg(FunctionCallInfo fcinfo, int argno, const char *what, LrArrayArg *out)
{
	ArrayType  *arr = ArrayArg(fcinfo, argno, what, out);
	bool	   *nulls;

	if (arr == NULL || ARR_NDIM(arr) == 0)
		return;
	Assert(ARR_ELEMTYPE(arr) == TEXTOID);
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &out->d, &nulls, &out->n);
	out->nulls = ARR_HASNULL(arr) ? nulls : NULL;
}

Datum
lr_pg_jsonb(const LrJson *v)
{
	LrAlloc		a;
	LrBuf		buf;
	Datum		d;

	lr_pg_alloc_init(&a, CurrentMemoryContext);
	lr_buf_init(&buf, &a, MaxAllocSize - 1);
	if (!lr_json_write(&buf, v) || buf.failed)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("JSON result is too large")));
	d = DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
	lr_buf_free(&buf);
	return d;
}

double
lr_arg_probability(double v, const char *argname)
{
	if (isnan(v) || v < 0 || v > 1)
	{
		char		buf[64];

		lr_pg_format_double(buf, sizeof(buf), v);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %s is not a probability between 0 and 1", argname,
						isnan(v) ? "NaN" : isinf(v) ? (v > 0 ? "Infinity" : "-Infinity") : buf)));
	}
	return v;
}
