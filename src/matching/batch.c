/*
 * batch.c
 *	  match_products_batch(): a whole applicant table or query against every
 *	  product, in OpenMP threads (doc/threads.md).
 *
 * Applicants are streamed from their query and matched in chunks: on the
 * main thread each row's values become one double per field (the kernel's
 * flat form) in a chunk buffer; when the chunk is full, lr_parallel_for
 * matches its applicants in fixed blocks with the pure C kernel (compiled
 * rules, cards and schedules: no PostgreSQL call), and the results are
 * written out in applicant order.  An applicant's results depend on that
 * applicant alone, so they are the same for any thread count or chunk size;
 * memory stays bounded by the chunk whatever the number of applicants.
 */
#include "postgres.h"

#include <math.h>
#include <omp.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "common/lr_settings.h"
#include "common/lr_parallel.h"
#include "common/lr_pg.h"
#include "common/lr_spi.h"
#include "common/lr_money.h"
#include "matching/matching_pg.h"

PG_FUNCTION_INFO_V1(match_products_batch);

#define BATCH_BLOCK		LR_MATCH_BLOCK	/* applicants per block: a few ms of work */
#define BATCH_CHUNK_MAX	65536	/* applicants per chunk */
#define BATCH_CHUNK_BYTES (32.0 * 1024 * 1024)

typedef struct Batch
{
	LrMCatalog	cat;
	LrMRequest	req;			/* shared part of every applicant's request */
	ReturnSetInfo *rsinfo;

	/* applicants query */
	const char *id_column;
	const char *amount_column;
	const char *term_column;
	LrMBind		bind;
	int			id_att;
	int			amount_att;
	int			term_att;
	Oid			amount_type;
	Oid			term_type;
	FmgrInfo	id_out;

	/* the chunk */
	int64		chunk_cap;
	int64		n;				/* applicants in the chunk */
	int64		kcap;			/* result slots per applicant */
	size_t		nfields;
	double	   *vals;			/* n x nfields */
	int64	   *amount;			/* cents, -1 = each product's largest */
	int32	   *term;			/* -1 = each product's longest */
	char	  **ids;
	LrMResult  *res;			/* n x kcap */
	int64_t    *nres;			/* per applicant */
	char	   *scratch;		/* threads x scratch_size: one per thread */
	size_t		scratch_size;
	int			nthreads;
	bool	   *failed;			/* per block: arithmetic overflow */
	LrError    *errs;			/* per block */
	MemoryContext chunk_cxt;	/* ids; reset per chunk */
	MemoryContext row_cxt;		/* per row scratch */

	/* product columns as Datums, made once */
	Datum	   *pid;
	Datum	   *pbank;
	Datum	   *ptype;
	uint64		applicants;
} Batch;

static int
FindColumn(TupleDesc desc, const char *name, const char *role)
{
	int			a;

	for (a = 0; a < desc->natts; a++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, a);

		if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
			return a;
	}
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("column \"%s\" not found in the applicants query", name),
			 errdetail("It is the %s.", role),
			 errhint("Names match column names exactly, including case.")));
	return -1;
}

static void
BatchStart(TupleDesc desc, void *arg)
{
	Batch	   *b = arg;
	Oid			fn;
	bool		isvarlena;

	lr_mbind_desc(&b->bind, desc);
	b->id_att = FindColumn(desc, b->id_column, "id_column");
	getTypeOutputInfo(TupleDescAttr(desc, b->id_att)->atttypid, &fn, &isvarlena);
	fmgr_info(fn, &b->id_out);
	b->amount_att = b->term_att = -1;
	if (b->amount_column)
	{
		b->amount_att = FindColumn(desc, b->amount_column, "amount_column");
		lr_query_check_column(desc, b->amount_att, LR_COL_NUMBER, "applicants query");
		b->amount_type = lr_query_column_base_type(desc, b->amount_att);
	}
	if (b->term_column)
	{
		b->term_att = FindColumn(desc, b->term_column, "term_column");
		lr_query_check_column(desc, b->term_att, LR_COL_INT, "applicants query");
		b->term_type = lr_query_column_base_type(desc, b->term_att);
	}
}

typedef struct BlockArg
{
	Batch	   *b;
} BlockArg;

static void
MatchBlock(void *arg, int64 block, int64 begin, int64 end)
{
	Batch	   *b = ((BlockArg *) arg)->b;
	LrMScratch	s;

	/* Working memory per thread (omp_get_thread_num() is 0 outside a parallel region). */
	lr_mscratch_init(&s, &b->cat, b->scratch + (size_t) omp_get_thread_num() * b->scratch_size);
	b->failed[block] = !lr_match_block(&b->cat, b->vals + (size_t) begin * b->nfields, (int) (end - begin),
									   b->amount + begin, b->term + begin, &b->req, b->kcap, &s,
									   b->res + (size_t) begin * b->kcap, b->nres + begin,
									   &b->errs[block]);
}

static void
ProcessChunk(Batch *b)
{
	BlockArg	ba = {b};
	int64		i,
				k;
	MemoryContext old;

	if (b->n == 0)
		return;
	lr_parallel_for(b->n, BATCH_BLOCK, b->nthreads, MatchBlock, &ba);
	for (i = 0; i < lr_parallel_nblocks(b->n, BATCH_BLOCK); i++)
		if (b->failed[i])
			lr_pg_raise(&b->errs[i], "match_products_batch");
	old = MemoryContextSwitchTo(b->row_cxt);
	for (i = 0; i < b->n; i++)
	{
		for (k = 0; k < b->nres[i]; k++)
		{
			const LrMResult *r = &b->res[(size_t) i * b->kcap + k];
			Datum		values[11];
			bool		nulls[11] = {0};

			values[0] = CStringGetTextDatum(b->ids[i]);
			values[1] = Int32GetDatum((int32) (k + 1));
			values[2] = b->pid[r->product];
			values[3] = b->pbank[r->product];
			nulls[3] = (b->pbank[r->product] == (Datum) 0);
			values[4] = b->ptype[r->product];
			nulls[4] = (b->ptype[r->product] == (Datum) 0);
			lr_match_offer_values(r, &values[5]);
			tuplestore_putvalues(b->rsinfo->setResult, b->rsinfo->setDesc, values, nulls);
		}
		MemoryContextReset(b->row_cxt);
	}
	MemoryContextSwitchTo(old);
	MemoryContextReset(b->chunk_cxt);
	b->n = 0;
}

static void
BatchRow(TupleTableSlot *slot, void *arg)
{
	Batch	   *b = arg;
	int64		i = b->n;
	MemoryContext old = MemoryContextSwitchTo(b->row_cxt);
	char	   *id;

	if (slot->tts_isnull[b->id_att])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("applicants query: applicant " UINT64_FORMAT " has a NULL %s",
						b->applicants + 1, b->id_column)));
	id = OutputFunctionCall(&b->id_out, slot->tts_values[b->id_att]);
	lr_mbind_values(&b->bind, slot->tts_values, slot->tts_isnull, b->vals + (size_t) i * b->nfields);
	b->amount[i] = -1;
	b->term[i] = -1;
	if (b->amount_att >= 0 && !slot->tts_isnull[b->amount_att])
	{
		Datum		d = lr_numeric_of(slot->tts_values[b->amount_att], b->amount_type);

		b->amount[i] = lr_match_amount_arg(d, psprintf("applicant \"%s\": requested amount", id));
	}
	if (b->term_att >= 0 && !slot->tts_isnull[b->term_att])
	{
		int64		t = lr_datum_int64(slot->tts_values[b->term_att], b->term_type);

		if (t < 1 || t > LR_TERM_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("applicant \"%s\": requested term " INT64_FORMAT " is not between 1 and %d",
							id, t, LR_TERM_MAX)));
		b->term[i] = (int32) t;
	}
	b->ids[i] = MemoryContextStrdup(b->chunk_cxt, id);
	MemoryContextSwitchTo(old);
	MemoryContextReset(b->row_cxt);
	b->n++;
	b->applicants++;
	if (b->n == b->chunk_cap)
		ProcessChunk(b);
}

/*
 * match_products_batch: every applicant of a table or query against every
 * product, the best max_results matches of each
 */
Datum
match_products_batch(PG_FUNCTION_ARGS)
{
	Batch		b;
	LrArena		arena;
	char	   *applicants;
	char	   *products;
	size_t		np;
	double		per_applicant;
	int64		nblocks;
	size_t		i;

	memset(&b, 0, sizeof(b));
	lr_pg_arg_required(fcinfo, 0, "applicants", "Give a table name or a SELECT query.");
	lr_pg_arg_required(fcinfo, 1, "products", "Give a table name or a SELECT query.");
	lr_match_request(fcinfo, 2, 3, 7, &b.req);
	lr_pg_arg_required(fcinfo, 4, "id_column", NULL);
	b.id_column = text_to_cstring(PG_GETARG_TEXT_PP(4));
	b.amount_column = PG_ARGISNULL(5) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(5));
	b.term_column = PG_ARGISNULL(6) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(6));
	applicants = text_to_cstring(PG_GETARG_TEXT_PP(0));
	products = text_to_cstring(PG_GETARG_TEXT_PP(1));

	lr_pg_srf_init(fcinfo);
	b.rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	lr_pg_arena_init(&arena, 0);
	lr_match_load(&b.cat, products, &arena);
	np = b.cat.nproducts;
	b.nfields = b.cat.schema.n;
	lr_mbind_init(&b.bind, CurrentMemoryContext, &b.cat.schema, "applicants query");

	b.pid = palloc(Max(np, 1) * sizeof(Datum));
	b.pbank = palloc(Max(np, 1) * sizeof(Datum));
	b.ptype = palloc(Max(np, 1) * sizeof(Datum));
	for (i = 0; i < np; i++)
	{
		const LrMProduct *p = &b.cat.products[i];

		b.pid[i] = CStringGetTextDatum(p->id);
		b.pbank[i] = p->bank ? CStringGetTextDatum(p->bank) : (Datum) 0;
		b.ptype[i] = p->type ? CStringGetTextDatum(p->type) : (Datum) 0;
	}

	/* The chunk: as many applicants as fit in BATCH_CHUNK_BYTES, in whole blocks. */
	b.kcap = b.req.max_results < 0 ? (int64) np : Min(b.req.max_results, (int64) np);
	b.nthreads = lr_threads();
	b.scratch_size = (lr_mscratch_size(&b.cat) + 15) & ~(size_t) 15;
	per_applicant = (double) b.nfields * sizeof(double) + (double) b.kcap * sizeof(LrMResult) +
		sizeof(int64) * 2 + sizeof(int32) + sizeof(char *) + 32.0;
	/* At most half the kernel memory limit, so that a lower limit means smaller chunks. */
	b.chunk_cap = (int64) (Min(BATCH_CHUNK_BYTES, (double) lr_max_kernel_memory * 1024.0 / 2) / per_applicant);
	b.chunk_cap = Max(BATCH_BLOCK, Min(BATCH_CHUNK_MAX, b.chunk_cap / BATCH_BLOCK * BATCH_BLOCK));
	nblocks = lr_parallel_nblocks(b.chunk_cap, BATCH_BLOCK);
	lr_memory_check((double) b.chunk_cap * per_applicant + (double) b.nthreads * b.scratch_size,
					psprintf("matching %zu products in chunks of " INT64_FORMAT " applicants",
							 np, b.chunk_cap));
	b.vals = MemoryContextAllocHuge(CurrentMemoryContext, Max(b.chunk_cap * b.nfields, 1) * sizeof(double));
	b.amount = palloc(b.chunk_cap * sizeof(int64));
	b.term = palloc(b.chunk_cap * sizeof(int32));
	b.ids = palloc(b.chunk_cap * sizeof(char *));
	b.res = MemoryContextAllocHuge(CurrentMemoryContext, Max(b.chunk_cap * b.kcap, 1) * sizeof(LrMResult));
	b.nres = palloc(b.chunk_cap * sizeof(int64_t));
	b.scratch = MemoryContextAllocHuge(CurrentMemoryContext, b.nthreads * b.scratch_size);
	b.failed = palloc0(nblocks * sizeof(bool));
	b.errs = palloc0(nblocks * sizeof(LrError));
	b.chunk_cxt = AllocSetContextCreate(CurrentMemoryContext, "loan_risk matching chunk",
										ALLOCSET_DEFAULT_SIZES);
	b.row_cxt = AllocSetContextCreate(CurrentMemoryContext, "loan_risk matching row",
									  ALLOCSET_DEFAULT_SIZES);

	lr_query_run(lr_match_source_sql(applicants, "applicants"), "applicants query",
				 BatchStart, BatchRow, &b);
	ProcessChunk(&b);
	return (Datum) 0;
}
