/*
 * lr_state.c
 *	  Expanded-object aggregate states and their generic support functions;
 *	  see lr_state.h.
 */
#include "postgres.h"

#include "common/base64.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "common/lr_pg.h"
#include "common/lr_state.h"

static Size StateGetFlatSize(ExpandedObjectHeader *eohptr);
static void StateFlattenInto(ExpandedObjectHeader *eohptr, void *result, Size allocated_size);

static const ExpandedObjectMethods lr_state_methods = {
	StateGetFlatSize,
	StateFlattenInto
};

void
lr_state_raise(const LrError *err)
{
	lr_pg_raise(err, NULL);
}

static void
StateFlatten(LrExpandedState *es)
{
	if (es->flat_valid)
		return;
	lr_buf_init(&es->flat, &es->alloc, MaxAllocSize - VARHDRSZ);
	if (!lr_state_encode_bytes(es->ops, es->st, &es->flat))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s is too large to store", es->ops->name),
				 errdetail("A state value is limited to 1 GB."),
				 errhint("Aggregate fewer rows per group, or split the work into groups.")));
	es->flat_valid = true;
}

static Size
StateGetFlatSize(ExpandedObjectHeader *eohptr)
{
	LrExpandedState *es = (LrExpandedState *) eohptr;

	StateFlatten(es);
	return VARHDRSZ + es->flat.len;
}

static void
StateFlattenInto(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	LrExpandedState *es = (LrExpandedState *) eohptr;

	StateFlatten(es);
	Assert(allocated_size == VARHDRSZ + es->flat.len);
	SET_VARSIZE(result, allocated_size);
	memcpy(VARDATA(result), es->flat.data, es->flat.len);
}

void
lr_state_touch(LrExpandedState *es)
{
	if (es->flat_valid)
	{
		lr_buf_free(&es->flat);
		es->flat_valid = false;
	}
}

Datum
lr_state_datum(LrExpandedState *es)
{
	return EOHPGetRWDatum(&es->hdr);
}

Datum
lr_state_updated(LrExpandedState *es)
{
	lr_state_touch(es);
	return lr_state_datum(es);
}

Datum
lr_state_unchanged(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(PG_GETARG_DATUM(0));
}

/*
 * The context that holds every state under one aggregate context.
 *
 * One context per state would be simpler, but hash aggregation adds up the
 * memory of every child context of its hash context each time it creates a
 * group: with a context per group that is quadratic in the number of groups.
 * So all states under an aggregate context share one child context (found
 * among its children; there are few), and go away with it when the aggregate
 * context is reset.  nodeAgg never deletes a state it is handed back
 * unchanged, which our transition and combine functions always do.
 */
static MemoryContext
SharedStatesContext(MemoryContext aggcxt)
{
	MemoryContext child;

	for (child = aggcxt->firstchild; child != NULL; child = child->nextchild)
		if (strcmp(child->name, "loan_risk aggregate states") == 0)
			return child;
	return AllocSetContextCreate(aggcxt, "loan_risk aggregate states", ALLOCSET_DEFAULT_SIZES);
}

/*
 * A new, empty expanded state.  In an aggregate (shared = true) it lives in
 * the shared states context under parent; otherwise in a small context of its
 * own (large arrays get blocks of their own anyway).
 */
static LrExpandedState *
StateAllocateIn(const LrStateOps *ops, MemoryContext parent, bool shared)
{
	MemoryContext cxt = shared ? SharedStatesContext(parent) :
		AllocSetContextCreate(parent, "loan_risk aggregate state", ALLOCSET_SMALL_SIZES);
	LrExpandedState *es = MemoryContextAllocZero(cxt, sizeof(LrExpandedState));

	EOH_init_header(&es->hdr, &lr_state_methods, cxt);
	es->es_magic = LR_EXPANDED_STATE_MAGIC;
	es->ops = ops;
	lr_pg_alloc_init(&es->alloc, cxt);
	return es;
}

static LrExpandedState *
StateNew(const LrStateOps *ops, MemoryContext parent, bool shared)
{
	LrExpandedState *es = StateAllocateIn(ops, parent, shared);
	LrError		err = {0};

	es->st = ops->create(&es->alloc, &err);
	if (es->st == NULL)
		lr_state_raise(&err);
	return es;
}

LrExpandedState *
lr_state_new(const LrStateOps *ops, MemoryContext parent)
{
	return StateNew(ops, parent, false);
}

/* Decodes a flat varlena into a new expanded state under parent. */
static LrExpandedState *
StateFromFlat(const LrStateOps *ops, struct varlena *flat, MemoryContext parent, bool shared)
{
	LrExpandedState *es = StateAllocateIn(ops, parent, shared);
	LrError		err = {0};

	es->st = lr_state_decode_bytes(ops, (const uint8_t *) VARDATA_ANY(flat),
								   VARSIZE_ANY_EXHDR(flat), &es->alloc, &err);
	if (es->st == NULL)
		lr_state_raise(&err);
	return es;
}

LrExpandedState *
lr_state_from_flat_agg(FunctionCallInfo fcinfo, const LrStateOps *ops, struct varlena *flat)
{
	MemoryContext aggcxt;
	bool		inagg = AggCheckCallContext(fcinfo, &aggcxt) != 0;

	return StateFromFlat(ops, flat, inagg ? aggcxt : CurrentMemoryContext, inagg);
}

/* The expanded state behind d if it is one of ours of this type, else NULL. */
static LrExpandedState *
StateIfExpanded(Datum d, const LrStateOps *ops)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		LrExpandedState *es = (LrExpandedState *) DatumGetEOHP(d);

		if (es->es_magic == LR_EXPANDED_STATE_MAGIC && es->ops == ops)
			return es;
	}
	return NULL;
}

LrExpandedState *
lr_state_arg_rw(FunctionCallInfo fcinfo, int argno, const LrStateOps *ops)
{
	MemoryContext aggcxt;
	LrExpandedState *es;
	Datum		d;
	bool		inagg = AggCheckCallContext(fcinfo, &aggcxt) != 0;

	if (!inagg)
		aggcxt = CurrentMemoryContext;

	if (PG_ARGISNULL(argno))
		return StateNew(ops, aggcxt, inagg);

	d = PG_GETARG_DATUM(argno);
	es = StateIfExpanded(d, ops);
	/* Update in place only what nodeAgg handed us read-write. */
	if (es != NULL && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)))
		return es;
	if (es != NULL)
	{
		/* A read-only expanded state: merge it into a fresh one. */
		LrExpandedState *copy = StateNew(ops, aggcxt, inagg);
		LrError		err = {0};

		if (!ops->merge(copy->st, es->st, &copy->alloc, &err))
			lr_state_raise(&err);
		return copy;
	}
	return StateFromFlat(ops, (struct varlena *) PG_DETOAST_DATUM(d), aggcxt, inagg);
}

const void *
lr_state_arg_ro(FunctionCallInfo fcinfo, int argno, const LrStateOps *ops)
{
	Datum		d = PG_GETARG_DATUM(argno);
	LrExpandedState *es = StateIfExpanded(d, ops);

	if (es != NULL)
		return es->st;
	return StateFromFlat(ops, (struct varlena *) PG_DETOAST_DATUM(d), CurrentMemoryContext, false)->st;
}

Datum
lr_state_combine(FunctionCallInfo fcinfo, const LrStateOps *ops)
{
	MemoryContext aggcxt;
	LrExpandedState *dst;
	const void *src;
	LrError		err = {0};
	bool		inagg = AggCheckCallContext(fcinfo, &aggcxt) != 0;

	if (!inagg)
		aggcxt = CurrentMemoryContext;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}

	/*
	 * With no state yet, the second one must be copied into the aggregate
	 * context: it belongs to someone else (a worker's tuple, another group).
	 */
	if (PG_ARGISNULL(0))
		dst = StateNew(ops, aggcxt, inagg);
	else
		dst = lr_state_arg_rw(fcinfo, 0, ops);

	{
		Datum		d = PG_GETARG_DATUM(1);
		LrExpandedState *es = StateIfExpanded(d, ops);

		if (es != NULL)
			src = es->st;
		else
		{
			/* Decode into a scratch context that goes away after the merge. */
			MemoryContext tmp = AllocSetContextCreate(CurrentMemoryContext,
													  "loan_risk state merge",
													  ALLOCSET_DEFAULT_SIZES);
			LrExpandedState *in = StateFromFlat(ops, (struct varlena *) PG_DETOAST_DATUM(d), tmp, false);

			if (!ops->merge(dst->st, in->st, &dst->alloc, &err))
				lr_state_raise(&err);
			MemoryContextDelete(tmp);
			lr_state_touch(dst);
			PG_RETURN_DATUM(lr_state_datum(dst));
		}
	}
	if (!ops->merge(dst->st, src, &dst->alloc, &err))
		lr_state_raise(&err);
	lr_state_touch(dst);
	PG_RETURN_DATUM(lr_state_datum(dst));
}

Datum
lr_state_flat_datum(const LrStateOps *ops, const void *st)
{
	LrAlloc		a;
	LrBuf		b;

	lr_pg_alloc_init(&a, CurrentMemoryContext);
	lr_buf_init(&b, &a, MaxAllocSize);
	lr_buf_put_u32(&b, 0);		/* room for the varlena header */
	if (!lr_state_encode_bytes(ops, st, &b))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s is too large to store", ops->name)));
	SET_VARSIZE(b.data, b.len);
	return PointerGetDatum(b.data);
}

/* Validates flat bytes (decoding them into a scratch context) and returns the varlena. */
static Datum
StateValidatedVarlena(const LrStateOps *ops, const uint8_t *bytes, size_t len)
{
	MemoryContext tmp = AllocSetContextCreate(CurrentMemoryContext, "loan_risk state check",
											  ALLOCSET_DEFAULT_SIZES);
	LrAlloc		a;
	LrError		err = {0};
	struct varlena *result;

	lr_pg_alloc_init(&a, tmp);
	if (lr_state_decode_bytes(ops, bytes, len, &a, &err) == NULL)
		lr_state_raise(&err);
	MemoryContextDelete(tmp);

	if (len > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s value is too large", ops->name)));
	result = palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), bytes, len);
	PG_RETURN_POINTER(result);
}

Datum
lr_state_in(FunctionCallInfo fcinfo, const LrStateOps *ops)
{
	const char *in = PG_GETARG_CSTRING(0);
	size_t		len = strlen(in);
	char	   *str = palloc(len + 1);
	size_t		k = 0;
	char	   *bytes;
	char	   *again;
	int			n;

	/* Whitespace is ignored: encode(..., 'base64') breaks lines every 76 characters. */
	for (size_t i = 0; i < len; i++)
		if (!(in[i] == ' ' || in[i] == '\n' || in[i] == '\r' || in[i] == '\t'))
			str[k++] = in[i];
	str[k] = '\0';
	len = k;
	bytes = palloc(pg_b64_dec_len((int) len) + 1);
	n = pg_b64_decode(str, (int) len, bytes, pg_b64_dec_len((int) len));

	/*
	 * One text per state: pg_b64_decode also takes forms that encode to other
	 * text (bits set after the last byte, characters after the padding), so
	 * the bytes must encode back to exactly the text given.
	 */
	if (n >= 0)
	{
		again = palloc(pg_b64_enc_len(n) + 1);
		if (pg_b64_encode(bytes, n, again, pg_b64_enc_len(n)) != (int) len ||
			memcmp(again, str, len) != 0)
			n = -1;
	}
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s", ops->name),
				 errdetail("A state is written in base64.")));
	return StateValidatedVarlena(ops, (const uint8_t *) bytes, (size_t) n);
}

/* The flat bytes (after the varlena header) of a state datum. */
static struct varlena *
StateFlatVarlena(Datum d, const LrStateOps *ops)
{
	LrExpandedState *es = StateIfExpanded(d, ops);

	if (es != NULL)
	{
		Size		size = EOH_get_flat_size(&es->hdr);
		struct varlena *v = palloc(size);

		EOH_flatten_into(&es->hdr, v, size);
		return v;
	}
	return (struct varlena *) PG_DETOAST_DATUM(d);
}

Datum
lr_state_out(FunctionCallInfo fcinfo, const LrStateOps *ops)
{
	struct varlena *v = StateFlatVarlena(PG_GETARG_DATUM(0), ops);
	size_t		len = VARSIZE_ANY_EXHDR(v);
	char	   *out;
	int			n;

	/* base64 is 4/3 of the bytes: past 768 MB the text exceeds the 1 GB limit. */
	if ((len + 2) / 3 * 4 >= MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s value is too large for its text form", ops->name)));
	out = palloc(pg_b64_enc_len((int) len) + 1);
	n = pg_b64_encode(VARDATA_ANY(v), (int) len, out, pg_b64_enc_len((int) len));
	if (n < 0)
		elog(ERROR, "could not encode %s", ops->name);
	out[n] = '\0';
	PG_RETURN_CSTRING(out);
}

Datum
lr_state_recv(FunctionCallInfo fcinfo, const LrStateOps *ops)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			len = buf->len - buf->cursor;
	const char *bytes = pq_getmsgbytes(buf, len);

	return StateValidatedVarlena(ops, (const uint8_t *) bytes, (size_t) len);
}

Datum
lr_state_send(FunctionCallInfo fcinfo, const LrStateOps *ops)
{
	struct varlena *v = StateFlatVarlena(PG_GETARG_DATUM(0), ops);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA_ANY(v), (int) VARSIZE_ANY_EXHDR(v));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
