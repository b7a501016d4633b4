/*
 * assign.c
 *	  loan_risk.assign_cases(cases_sql, queues_sql, options): overdue cases
 *	  routed to collection queues by roll-forward risk and balance, within
 *	  each queue's capacity (the routing itself is assign_core.c).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "common/lr_parallel.h"
#include "common/lr_spi.h"
#include "portfolio/portfolio_pg.h"

PG_FUNCTION_INFO_V1(assign_cases);

typedef struct CasesRead
{
	LrCase	   *c;
	int64		n;
	int64		cap;
	bool		has_dpd;
	Oid			type[4];
	MemoryContext tmp;
	const char *what;
} CasesRead;

static void
CasesStart(TupleDesc desc, void *arg)
{
	CasesRead  *r = arg;

	static const LrColKind kinds[4] = {LR_COL_INT, LR_COL_NUMBER, LR_COL_NUMBER, LR_COL_INT};

	lr_query_check_columns(desc, r->what, 3, 4, kinds, r->type);
	r->has_dpd = desc->natts == 4;
}

static void
CasesRow(TupleTableSlot *slot, void *arg)
{
	CasesRead  *r = arg;
	Datum	   *v = slot->tts_values;
	bool	   *nulls = slot->tts_isnull;
	LrCase	   *c;
	MemoryContext old;
	bool		ok;

	if (nulls[0])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: a case has a NULL id", r->what)));
	if (r->n == r->cap)
	{
		lr_memory_check((double) r->cap * 2 * sizeof(LrCase), "collections cases");
		r->c = repalloc_huge(r->c, r->cap * 2 * sizeof(LrCase));
		r->cap *= 2;
	}
	c = &r->c[r->n];
	c->id = lr_datum_int64(v[0], r->type[0]);
	if (nulls[1])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: case %lld has a NULL balance", r->what, (long long) c->id)));
	old = MemoryContextSwitchTo(r->tmp);
	ok = lr_datum_amount(v[1], r->type[1], &c->balance);
	MemoryContextSwitchTo(old);
	MemoryContextReset(r->tmp);
	if (!ok)
	{
		char		name[48];

		snprintf(name, sizeof(name), "case %lld: balance", (long long) c->id);
		lr_amount_error(v[1], r->type[1], r->what, name);
	}
	if (c->balance < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: case %lld has a negative balance", r->what, (long long) c->id)));
	if (nulls[2])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: case %lld has a NULL roll-forward risk", r->what, (long long) c->id)));
	c->risk = lr_datum_double(v[2], r->type[2]);
	if (!(c->risk >= 0 && c->risk <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: case %lld has roll-forward risk %g", r->what, (long long) c->id, c->risk),
				 errdetail("A roll-forward risk is a probability between 0 and 1.")));
	c->risk += 0.0;				/* -0 */
	c->dpd = -1;
	if (r->has_dpd)
	{
		int64		d;

		if (nulls[3])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: case %lld has NULL days past due", r->what, (long long) c->id)));
		d = lr_datum_int64(v[3], r->type[3]);
		if (d < 0 || d > PG_INT32_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: case %lld has days past due %lld", r->what, (long long) c->id, (long long) d),
					 errdetail("Days past due are 0 or more.")));
		c->dpd = (int32) d;
	}
	c->el = c->risk * ((double) c->balance / LR_MONEY_UNITS);
	r->n++;
}

typedef struct QueuesRead
{
	MemoryContext cxt;			/* outlives the query (rows arrive in the executor's context) */
	LrQueue    *q;
	int64		n;
	int64		cap;
	bool		has_dpd;
	Oid			type[6];
	const char *what;
} QueuesRead;

static void
QueuesStart(TupleDesc desc, void *arg)
{
	QueuesRead *r = arg;

	static const LrColKind kinds[6] = {LR_COL_TEXT, LR_COL_INT, LR_COL_INT, LR_COL_NUMBER, LR_COL_NUMBER, LR_COL_INT};

	lr_query_check_columns(desc, r->what, 5, 6, kinds, r->type);
	r->has_dpd = desc->natts == 6;
}

static void
QueuesRow(TupleTableSlot *slot, void *arg)
{
	QueuesRead *r = arg;
	Datum	   *v = slot->tts_values;
	bool	   *nulls = slot->tts_isnull;
	LrQueue    *q;
	const char *name;

	if (nulls[0])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: a queue has a NULL name", r->what)));
	if (r->n >= 10000)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s returned more than 10000 queues", r->what)));
	if (r->n == r->cap)
	{
		r->cap *= 2;
		r->q = repalloc(r->q, r->cap * sizeof(LrQueue));
	}
	q = &r->q[r->n];
	memset(q, 0, sizeof(*q));
	{
		Oid			outfn;
		bool		varlena;

		getTypeOutputInfo(r->type[0], &outfn, &varlena);
		name = OidOutputFunctionCall(outfn, v[0]);
		if (r->type[0] == BPCHAROID)
		{
			char	   *e = (char *) name + strlen(name);

			while (e > name && e[-1] == ' ')
				*--e = '\0';
		}
	}
	q->name = MemoryContextStrdup(r->cxt, name);
	if (nulls[1])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: queue \"%s\" has a NULL rank", r->what, name)));
	{
		int64		rank = lr_datum_int64(v[1], r->type[1]);

		if (rank < PG_INT32_MIN || rank > PG_INT32_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s: queue \"%s\" has rank %lld, out of range", r->what, name, (long long) rank)));
		q->rank = (int32) rank;
	}
	q->capacity = -1;
	if (!nulls[2])
	{
		q->capacity = lr_datum_int64(v[2], r->type[2]);
		if (q->capacity < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: queue \"%s\" has capacity %lld", r->what, name, (long long) q->capacity),
					 errdetail("A capacity is 0 or more cases; NULL means no limit.")));
	}
	q->min_risk = -1;
	if (!nulls[3])
	{
		q->min_risk = lr_datum_double(v[3], r->type[3]);
		if (!(q->min_risk >= 0 && q->min_risk <= 1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: queue \"%s\" has minimum risk %g", r->what, name, q->min_risk),
					 errdetail("A minimum risk is a probability between 0 and 1; NULL means no minimum.")));
		q->min_risk += 0.0;
	}
	q->min_balance = INT64_MIN;
	if (!nulls[4] && !lr_datum_amount(v[4], r->type[4], &q->min_balance))
	{
		char		what[96];

		snprintf(what, sizeof(what), "queue \"%.40s\": minimum balance", name);
		lr_amount_error(v[4], r->type[4], r->what, what);
	}
	q->min_dpd = -1;
	if (r->has_dpd && !nulls[5])
	{
		int64		d = lr_datum_int64(v[5], r->type[5]);

		if (d < 0 || d > PG_INT32_MAX)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: queue \"%s\" has minimum days past due %lld", r->what, name, (long long) d)));
		q->min_dpd = (int32) d;
	}
	r->n++;
}

LR_COMPARATOR(CompareCaseIds, LrCase,
			  LR_CMP(a->id, b->id))

/* assign_cases: each case to the first queue by rank it is eligible for and that has room, in priority order */
Datum
assign_cases(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *cases_sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *queues_sql = text_to_cstring(PG_GETARG_TEXT_PP(1));
	LrArena		arena;
	LrError		err = {0};
	LrAssignOptions o;
	CasesRead	cr;
	QueuesRead	qr;
	int32	   *queue;
	int32	   *preferred;
	Datum	   *qnames;

	lr_pg_arena_init(&arena, 0);
	if (!lr_assign_options_parse(lr_pg_jsonb_arg(fcinfo, 2, &arena, "options"), &o, &err))
		lr_pg_raise(&err, NULL);
	lr_pg_srf_init(fcinfo);

	memset(&qr, 0, sizeof(qr));
	qr.what = "queues query";
	qr.cxt = CurrentMemoryContext;
	qr.cap = 8;
	qr.q = palloc(qr.cap * sizeof(LrQueue));
	lr_query_run(queues_sql, qr.what, QueuesStart, QueuesRow, &qr);
	if (qr.n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("queues query returned no queue")));
	for (int64 i = 0; i < qr.n; i++)
		for (int64 j = 0; j < i; j++)
		{
			if (strcmp(qr.q[i].name, qr.q[j].name) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_UNIQUE_VIOLATION),
						 errmsg("queues query: queue \"%s\" appears twice", qr.q[i].name)));
			if (qr.q[i].rank == qr.q[j].rank)
				ereport(ERROR,
						(errcode(ERRCODE_UNIQUE_VIOLATION),
						 errmsg("queues query: queues \"%s\" and \"%s\" have the same rank %d",
								qr.q[j].name, qr.q[i].name, (int) qr.q[i].rank),
						 errdetail("Queues are tried in ascending rank, so each needs a rank of its own.")));
		}

	memset(&cr, 0, sizeof(cr));
	cr.what = "cases query";
	cr.cap = 1024;
	cr.c = MemoryContextAllocHuge(CurrentMemoryContext, cr.cap * sizeof(LrCase));
	cr.tmp = AllocSetContextCreate(CurrentMemoryContext, "loan_risk case rows", ALLOCSET_SMALL_SIZES);
	lr_query_run(cases_sql, cr.what, CasesStart, CasesRow, &cr);
	MemoryContextDelete(cr.tmp);
	for (int64 i = 0; i < qr.n; i++)
		if (qr.q[i].min_dpd >= 0 && !cr.has_dpd)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("queue \"%s\" has a minimum of days past due, but the cases query has no days past due column",
							qr.q[i].name),
					 errhint("Add days past due as the fourth column of the cases query.")));
	qsort(cr.c, cr.n, sizeof(LrCase), CompareCaseIds);
	for (int64 i = 1; i < cr.n; i++)
		if (cr.c[i].id == cr.c[i - 1].id)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("cases query: case %lld appears twice", (long long) cr.c[i].id)));

	queue = MemoryContextAllocHuge(CurrentMemoryContext, Max(cr.n, 1) * sizeof(int32));
	preferred = MemoryContextAllocHuge(CurrentMemoryContext, Max(cr.n, 1) * sizeof(int32));
	lr_assign_route(cr.c, cr.n, qr.q, qr.n, o.order, queue, preferred);

	qnames = palloc(sizeof(Datum) * qr.n);
	for (int64 q = 0; q < qr.n; q++)
		qnames[q] = CStringGetTextDatum(qr.q[q].name);
	for (int64 i = 0; i < cr.n; i++)
	{
		Datum		values[6];
		bool		nulls[6] = {0};

		values[0] = Int64GetDatum(cr.c[i].id);
		if (queue[i] >= 0)
		{
			values[1] = qnames[queue[i]];
			values[2] = Int32GetDatum(qr.q[queue[i]].rank);
		}
		else
			nulls[1] = nulls[2] = true;
		values[3] = Int64GetDatum(i + 1);
		values[4] = Float8GetDatum(cr.c[i].el);
		if (preferred[i] >= 0)
			values[5] = qnames[preferred[i]];
		else
			nulls[5] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
