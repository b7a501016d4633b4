/*
 * strategy_type.c
 *	  Input, output, send and receive of loan_risk.strategy, strategy_info(),
 *	  and the backend's cache of compiled strategies.
 *
 * The stored form is a version header, the SHA-256 of the canonical text
 * (the strategy's content hash) and the canonical JSON text, so the text
 * output is a copy and the binary form is the same text.  Input, receive and
 * every other way in go through lr_strategy_parse, the one validator.
 *
 * Compiling a strategy (its cards, forest, rules, policies and products)
 * costs far more than one decision, and a decision statement usually runs
 * once per applicant, so compiled strategies are kept per backend, keyed on
 * the content hash: the header is read from the first bytes of the value
 * (PG_DETOAST_DATUM_SLICE fetches only what it needs of a toasted value), so
 * a strategy read from a table is recognised without detoasting it.  Within
 * a statement the argument's bytes as passed (a TOAST pointer, or the value)
 * are the key, as in scoring.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "common/lr_pg.h"
#include "decision/decision.h"

PG_FUNCTION_INFO_V1(strategy_info);

static void
Sha256(const char *data, size_t len, uint8 *out)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);

	if (ctx == NULL || pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, (const uint8 *) data, len) < 0 ||
		pg_cryptohash_final(ctx, out, PG_SHA256_DIGEST_LENGTH) < 0)
		elog(ERROR, "could not compute SHA-256: %s", pg_cryptohash_error(ctx));
	pg_cryptohash_free(ctx);
}

LR_JSON_PARSE_CALLBACK(StrategyParse, lr_strategy_parse, LrStrategy)

LR_JSON_WRITE_CALLBACK(StrategyWrite, lr_strategy_write, LrStrategy)

const LrModelType lr_strategy_type = {
	.name = "strategy",
	.too_large_hint = NULL,
	.parse = StrategyParse,
	.write = StrategyWrite,
	.compile = NULL,
	.extra = LR_STRATEGY_HASH_LEN,
	.stamp = Sha256,
};

/* strategy_in, _out, _recv, _send: the type's I/O (see lr_model_type.h) */
LR_MODEL_IO_FUNCTIONS(strategy, lr_strategy_type)

/* ---------------------------------------------------------------- cache */

#define PLAN_SLOTS 8

static LrDecisionPlan *Plans[PLAN_SLOTS];
static uint64 PlanClock;
static uint64 PlanGeneration;

static void
FreePlan(LrDecisionPlan *p)
{
	size_t		i;

	if (p->list_plans != NULL)
		for (i = 0; i < p->s->nlists; i++)
			if (p->list_plans[i] != NULL)
				SPI_freeplan(p->list_plans[i]);
	MemoryContextDelete(p->cxt);
}

/* Compiles a stored strategy into a plan (in a context of its own). */
static LrDecisionPlan *
Compile(const LrStrategyValue *v)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "loan_risk strategy plan",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);
	LrDecisionPlan *p = palloc0(sizeof(LrDecisionPlan));
	LrStrategy *s;
	size_t		i;

	p->cxt = cxt;
	memcpy(p->hash, LrStrategyHash(v), LR_STRATEGY_HASH_LEN);
	for (i = 0; i < LR_STRATEGY_HASH_LEN; i++)
		snprintf(p->hash_hex + 2 * i, 3, "%02x", p->hash[i]);
	lr_pg_alloc_init(&p->alloc, cxt);
	lr_arena_init(&p->arena, &p->alloc, 0);
	s = (LrStrategy *) lr_model_parse(&lr_strategy_type, v, &p->arena);
	p->s = s;

	p->money_input = palloc0(Max(s->ninputs, 1) * sizeof(bool));
	if (s->revenue_input >= 0)
		p->money_input[s->revenue_input] = true;
	if (s->existing_input >= 0)
		p->money_input[s->existing_input] = true;
	if (s->requested_amount_input >= 0)
		p->money_input[s->requested_amount_input] = true;
	p->list_plans = palloc0(Max(s->nlists, 1) * sizeof(SPIPlanPtr));
	p->kcap = Max(s->cat.nproducts, 1);
	MemoryContextSwitchTo(old);
	return p;
}

LrDecisionPlan *
lr_decision_plan_get(LrPlanRef *ref, MemoryContext cxt, Datum strategy)
{
	struct varlena *raw = (struct varlena *) DatumGetPointer(strategy);
	LrStrategyValue *head;
	LrStrategyValue *v;
	LrDecisionPlan *p;
	Size		keylen;
	int			i,
				victim = 0;

	/* The statement's cache: the argument's bytes as passed. */
	if (VARATT_IS_EXTERNAL(raw) && !VARATT_IS_EXTERNAL_ONDISK(raw))
		raw = pg_detoast_datum(raw);
	keylen = VARSIZE_ANY(raw);
	if (ref->key != NULL && keylen == ref->keylen &&
		((ref->keystable && ref->keyptr == raw) || memcmp(ref->key, raw, keylen) == 0) &&
		Plans[ref->slot] != NULL && Plans[ref->slot]->generation == ref->generation)
	{
		ref->keyptr = raw;
		Plans[ref->slot]->last_used = ++PlanClock;
		return Plans[ref->slot];
	}

	/* The backend's cache: the content hash in the header. */
	head = (LrStrategyValue *) PG_DETOAST_DATUM_SLICE(PointerGetDatum(raw), 0,
													  LR_MODEL_HDRSZ - VARHDRSZ + LR_STRATEGY_HASH_LEN);
	lr_model_check(&lr_strategy_type, head);
	p = NULL;
	for (i = 0; i < PLAN_SLOTS; i++)
	{
		if (Plans[i] != NULL && memcmp(Plans[i]->hash, LrStrategyHash(head), LR_STRATEGY_HASH_LEN) == 0)
		{
			p = Plans[i];
			break;
		}
		if (Plans[i] == NULL || (Plans[victim] != NULL && Plans[i]->last_used < Plans[victim]->last_used))
			victim = i;
	}
	if (p == NULL)
	{
		LrDecisionPlan *np;

		v = DatumGetLrModelP(PointerGetDatum(raw));
		np = Compile(v);
		if (Plans[victim] != NULL)
		{
			FreePlan(Plans[victim]);
			Plans[victim] = NULL;
		}
		MemoryContextSetParent(np->cxt, TopMemoryContext);
		np->generation = ++PlanGeneration;
		Plans[victim] = np;
		p = np;
		i = victim;
	}
	p->last_used = ++PlanClock;

	if (ref->key != NULL)
		pfree(ref->key);
	ref->key = MemoryContextAlloc(cxt, keylen);
	memcpy(ref->key, raw, keylen);
	ref->keylen = keylen;
	ref->keyptr = raw;
	ref->slot = i;
	ref->generation = p->generation;
	return p;
}

/* ---------------------------------------------------------------- strategy_info */

static Datum
TextArray(const char **items, int n)
{
	Datum	   *elems = palloc(Max(n, 1) * sizeof(Datum));
	int			i;

	for (i = 0; i < n; i++)
		elems[i] = CStringGetTextDatum(items[i]);
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* strategy_info: name, version, content hash, stages, inputs read, and whether it reads tables */
Datum
strategy_info(PG_FUNCTION_ARGS)
{
	LrPlanRef  *ref = (LrPlanRef *) fcinfo->flinfo->fn_extra;
	LrDecisionPlan *p;
	const LrStrategy *s;
	TupleDesc	td;
	Datum		values[6];
	bool		nulls[6] = {0};
	const char **items;
	int			n = 0;
	size_t		i;

	if (ref == NULL)
	{
		ref = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(LrPlanRef));
		ref->keystable = get_fn_expr_arg_stable(fcinfo->flinfo, 0);
		fcinfo->flinfo->fn_extra = ref;
	}
	p = lr_decision_plan_get(ref, fcinfo->flinfo->fn_mcxt, PG_GETARG_DATUM(0));
	s = p->s;
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	td = BlessTupleDesc(td);
	values[0] = CStringGetTextDatum(s->name);
	values[1] = CStringGetTextDatum(s->version);
	values[2] = CStringGetTextDatum(p->hash_hex);
	items = palloc((LR_SS_COUNT + s->ninputs + 1) * sizeof(char *));
	for (i = 0; i < LR_SS_COUNT; i++)
		if (s->has_stage[i])
			items[n++] = lr_sstage_name((LrSStage) i);
	values[3] = TextArray(items, n);
	n = 0;
	for (i = 0; i < s->ninputs; i++)
	{
		bool		dup = false;
		int			j;

		/* an input read both as a number and as text is one column */
		for (j = 0; j < n; j++)
			if (strcmp(items[j], s->inputs[i].name) == 0)
				dup = true;
		if (!dup)
			items[n++] = s->inputs[i].name;
	}
	values[4] = TextArray(items, n);
	values[5] = BoolGetDatum(s->reads_tables);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(td, values, nulls)));
}
