/*
 * lr_model_type.c
 *	  The JSON-valued model types' I/O and compile cache; see lr_model_type.h.
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/memutils.h"

#include "common/lr_model_type.h"
#include "common/lr_pg.h"
#include "common/lr_settings.h"

#define MB (1024.0 * 1024.0)

size_t
lr_model_memory_limit(void)
{
	return (size_t) lr_max_kernel_memory * 1024;
}

void
lr_model_memory_error(const LrModelType *type, size_t textlen)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("%s needs more memory than loan_risk.max_kernel_memory (%.1f MB)",
					type->name, (double) lr_model_memory_limit() / MB),
			 textlen > 0 ?
			 errdetail("Its text is %.1f MB; reading a model takes several times its text in memory.",
					   (double) textlen / MB) : 0,
			 errhint("Raise loan_risk.max_kernel_memory if the server has the memory.")));
	pg_unreachable();
}

/*
 * type->parse of text into arena within the memory limit: the parse may use
 * that many more bytes of the arena (fewer when the arena's own limit is
 * nearer).  Errors are "<what>: <message>".
 */
static void *
ParseWithin(const LrModelType *type, const char *text, size_t len, LrArena *arena,
			const char *what)
{
	size_t		budget = lr_model_memory_limit();
	size_t		limit0 = arena->limit;
	bool		ours = false;
	LrJsonOptions opts;
	LrError		err = {0};
	void	   *model;
	bool		ok;

	/* Every byte of text becomes at least a byte of the parsed model. */
	if (len > budget)
		lr_model_memory_error(type, len);
	if (limit0 == 0 || limit0 - arena->total >= budget)
	{
		arena->limit = arena->total + budget;
		ours = true;
	}
	arena->over_limit = false;
	lr_pg_json_options(&opts);
	ok = type->parse(text, len, arena, &opts, &model, &err);
	arena->limit = limit0;
	if (!ok)
	{
		if (ours && arena->over_limit)
			lr_model_memory_error(type, len);
		lr_pg_raise(&err, what);
	}
	return model;
}

void
lr_model_check(const LrModelType *type, const LrModelValue *v)
{
	if (VARSIZE(v) < LR_MODEL_HDRSZ + type->extra ||
		v->version != LR_MODEL_STORAGE_VERSION || v->flags != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("%s value has unsupported storage version %u (flags %u)",
						type->name, (unsigned) v->version, (unsigned) v->flags),
				 errhint("The value was written by a newer or damaged installation of loan_risk.")));
}

void *
lr_model_parse(const LrModelType *type, const LrModelValue *v, LrArena *arena)
{
	lr_model_check(type, v);
	return ParseWithin(type, lr_model_text(type, v), lr_model_text_len(type, v), arena,
					   psprintf("invalid stored %s", type->name));
}

/* The stored value of model; used bytes of the memory limit are taken already. */
static LrModelValue *
WriteValue(const LrModelType *type, const void *model, size_t used)
{
	size_t		budget = lr_model_memory_limit();
	size_t		left = budget > used ? budget - used : 0;
	size_t		limit = Min((size_t) MaxAllocSize, left);
	LrAlloc		a;
	LrBuf		buf;
	LrModelValue *v;
	static const char zeros[LR_MODEL_HDRSZ] = {0};
	size_t		i;

	/*
	 * Write the header's room and then the text into one buffer, which
	 * becomes the value: no second copy of a text that may be large.  The
	 * buffer is limited by the 1 GB of a value and by what is left of the
	 * memory limit.
	 */
	lr_pg_alloc_init(&a, CurrentMemoryContext);
	lr_buf_init(&buf, &a, Max(limit, 1024));
	buf.tick = lr_pg_tick();
	lr_buf_append(&buf, zeros, LR_MODEL_HDRSZ);
	for (i = 0; i < type->extra; i++)
		lr_buf_putc(&buf, '\0');
	type->write(model, &buf);
	if (buf.failed && limit < (size_t) MaxAllocSize)
		lr_model_memory_error(type, 0);
	if (buf.failed)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s is too large", type->name),
				 errdetail("Its text form exceeds the 1 GB limit of a value."),
				 type->too_large_hint ? errhint("%s", type->too_large_hint) : 0));
	v = (LrModelValue *) buf.data;
	if (buf.cap - buf.len > buf.len / 8 + 1024)
		v = repalloc_huge(v, buf.len + 1);
	SET_VARSIZE(v, buf.len);
	v->version = LR_MODEL_STORAGE_VERSION;
	v->flags = 0;
	if (type->stamp)
		type->stamp(lr_model_text(type, v), lr_model_text_len(type, v), (uint8 *) v->json);
	return v;
}

LrModelValue *
lr_model_from_model(const LrModelType *type, const void *model)
{
	return WriteValue(type, model, 0);
}

LrModelValue *
lr_model_from_text(const LrModelType *type, const char *text, size_t len)
{
	LrAlloc		a;
	LrArena		arena;
	void	   *model;
	LrModelValue *v;

	lr_pg_alloc_init(&a, CurrentMemoryContext);
	lr_arena_init(&arena, &a, 0);
	model = ParseWithin(type, text, len, &arena, psprintf("invalid %s", type->name));
	v = WriteValue(type, model, arena.total);
	lr_arena_release(&arena);
	return v;
}

Datum
lr_model_in(FunctionCallInfo fcinfo, const LrModelType *type)
{
	char	   *str = PG_GETARG_CSTRING(0);

	PG_RETURN_POINTER(lr_model_from_text(type, str, strlen(str)));
}

Datum
lr_model_out(FunctionCallInfo fcinfo, const LrModelType *type)
{
	LrModelValue *v = DatumGetLrModelP(PG_GETARG_DATUM(0));

	lr_model_check(type, v);
	PG_RETURN_CSTRING(pnstrdup(lr_model_text(type, v), lr_model_text_len(type, v)));
}

Datum
lr_model_recv(FunctionCallInfo fcinfo, const LrModelType *type)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(buf);
	char	   *text;
	int			nbytes;

	if (version != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary %s version %d", type->name, version),
				 errdetail("This version of loan_risk reads binary version 1.")));
	text = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);
	PG_RETURN_POINTER(lr_model_from_text(type, text, (size_t) nbytes));
}

Datum
lr_model_send(FunctionCallInfo fcinfo, const LrModelType *type)
{
	LrModelValue *v = DatumGetLrModelP(PG_GETARG_DATUM(0));
	StringInfoData buf;

	lr_model_check(type, v);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, 1);
	pq_sendtext(&buf, lr_model_text(type, v), (int) lr_model_text_len(type, v));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---------------------------------------------------------------- cache */

void *
lr_model_cache_lookup(LrModelCache *mc, const LrModelType *type,
					  FmgrInfo *flinfo, int argno, Datum d)
{
	struct varlena *raw = (struct varlena *) DatumGetPointer(d);
	Size		keylen;
	MemoryContext old;
	MemoryContext text_cxt;
	LrModelValue *v;
	LrAlloc    *a;
	LrArena    *arena;
	void	   *model;

	if (!mc->initialised)
	{
		mc->cxt = AllocSetContextCreate(flinfo->fn_mcxt, "loan_risk model cache",
										ALLOCSET_SMALL_SIZES);
		mc->keystable = get_fn_expr_arg_stable(flinfo, argno);
		mc->initialised = true;
	}

	/*
	 * Key on the bytes as passed: compressed inline bytes or a TOAST pointer
	 * identify the value without detoasting it on every row.  Other external
	 * forms (expanded, indirect) are flattened first.
	 */
	if (VARATT_IS_EXTERNAL(raw) && !VARATT_IS_EXTERNAL_ONDISK(raw))
		raw = pg_detoast_datum(raw);
	keylen = VARSIZE_ANY(raw);
	if (mc->compiled != NULL && keylen == mc->keylen &&
		((mc->keystable && mc->keyptr == raw) || memcmp(mc->key, raw, keylen) == 0))
	{
		mc->keyptr = raw;
		return mc->compiled;
	}

	MemoryContextReset(mc->cxt);
	mc->compiled = NULL;
	mc->key = NULL;
	old = MemoryContextSwitchTo(mc->cxt);

	/* The detoasted text is needed only while parsing. */
	text_cxt = AllocSetContextCreate(mc->cxt, "loan_risk model text", ALLOCSET_SMALL_SIZES);
	MemoryContextSwitchTo(text_cxt);
	v = DatumGetLrModelP(PointerGetDatum(raw));
	MemoryContextSwitchTo(mc->cxt);

	/* The parsed and compiled forms together stay within the memory limit. */
	a = palloc(sizeof(LrAlloc));
	arena = palloc(sizeof(LrArena));
	lr_pg_alloc_init(a, mc->cxt);
	lr_arena_init(arena, a, lr_model_memory_limit());
	model = lr_model_parse(type, v, arena);
	MemoryContextDelete(text_cxt);
	mc->compiled = type->compile ? type->compile(model, arena, mc->cxt) : model;

	mc->key = palloc(keylen);
	memcpy(mc->key, raw, keylen);
	mc->keylen = keylen;
	mc->keyptr = raw;
	MemoryContextSwitchTo(old);
	return mc->compiled;
}

/* fn_extra of a function that takes model arguments: one cache per argument. */
typedef struct ModelCacheSlot
{
	int			argno;
	const LrModelType *type;
	LrModelCache cache;
	struct ModelCacheSlot *next;
} ModelCacheSlot;

void *
lr_model_cache_get(FunctionCallInfo fcinfo, int argno, const LrModelType *type)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	ModelCacheSlot *slot;

	for (slot = flinfo->fn_extra; slot != NULL; slot = slot->next)
		if (slot->argno == argno && slot->type == type)
			break;
	if (slot == NULL)
	{
		slot = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(ModelCacheSlot));
		slot->argno = argno;
		slot->type = type;
		slot->next = flinfo->fn_extra;
		flinfo->fn_extra = slot;
	}
	return lr_model_cache_lookup(&slot->cache, type, flinfo, argno, PG_GETARG_DATUM(argno));
}
