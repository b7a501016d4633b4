/*
 * products.c
 *	  Products read from the user's table or query and compiled once per
 *	  statement; applicant values read by column name.  See matching_pg.h.
 *
 * The cache of compiled products lives in fn_extra and is keyed on the
 * products argument (table name or query text), the current user (the query
 * runs with the caller's rights) and the snapshot it was read under: its
 * transaction ids and command counter.  Within one statement these never
 * change, so the products are read and compiled once; the next statement,
 * or a command of the same transaction that changed the products table
 * (which advances the command counter), reads them again.
 */
#include "postgres.h"

#include <ctype.h>
#include <math.h>

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/typcache.h"
#include "utils/varlena.h"

#include "common/lr_pg.h"
#include "common/lr_spi.h"
#include "common/lr_money.h"
#include "matching/matching_pg.h"
#include "scoring/scorecard.h"

/* ---------------------------------------------------------------- binding */

void
lr_mbind_init(LrMBind *b, MemoryContext cxt, const LrMSchema *schema, const char *where)
{
	memset(b, 0, sizeof(*b));
	b->cxt = cxt;
	b->schema = schema;
	b->where = where;
}

static const char *
KindText(LrMKind kind)
{
	switch (kind)
	{
		case LR_MK_NUMBER:
			return "a number";
		case LR_MK_TEXT:
			return "text";
		case LR_MK_BOOL:
			return "a boolean";
		default:
			return "a value";
	}
}

static LrFieldKind
FieldKind(LrMKind kind)
{
	switch (kind)
	{
		case LR_MK_NUMBER:
			return LR_FIELD_NUMERIC;
		case LR_MK_BOOL:
			return LR_FIELD_BOOL;
		default:
			return LR_FIELD_CATEGORICAL;
	}
}

void
lr_mbind_desc(LrMBind *b, TupleDesc desc)
{
	const LrMSchema *s = b->schema;
	MemoryContext old = MemoryContextSwitchTo(b->cxt);
	size_t		n = s->n;
	size_t		i;
	int			maxatt = 0;

	b->att = palloc(Max(n, 1) * sizeof(int));
	b->conv = palloc(Max(n, 1) * sizeof(int));
	b->outfn = palloc0(Max(n, 1) * sizeof(FmgrInfo));
	for (i = 0; i < n; i++)
	{
		const LrMField *f = &s->fields[i];
		int			found = -1;
		int			a;
		int			conv;
		Oid			type;

		for (a = 0; a < desc->natts; a++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, a);

			if (!att->attisdropped && strcmp(NameStr(att->attname), f->name) == 0)
			{
				found = a;
				break;
			}
		}
		if (found < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" not found in the %s", f->name, b->where),
					 errdetail("It is read by %s.", f->first_use ? f->first_use : "a product"),
					 errhint("Names match column names exactly, including case.")));
		type = TupleDescAttr(desc, found)->atttypid;
		if (f->kind == LR_MK_ANY)
		{
			/* Null checks: numbers are read so that NaN counts as missing. */
			conv = lr_conv_for(type, LR_FIELD_NUMERIC);
		}
		else
		{
			conv = lr_conv_for(type, FieldKind(f->kind));
			if (conv < 0)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("column \"%s\" has type %s, which cannot be read as %s",
								f->name, format_type_be(type), KindText(f->kind)),
						 errdetail("It is read as %s by %s.", KindText(f->kind),
								   f->first_use ? f->first_use : "a product"),
						 f->kind == LR_MK_NUMBER ?
						 errhint("Numbers are read from smallint, integer, bigint, real, double precision and numeric columns.") :
						 f->kind == LR_MK_BOOL ?
						 errhint("Booleans are read from boolean columns.") :
						 errhint("Strings are compared with text, varchar, char, name, enum, boolean and integer columns.")));
			if (conv == LR_CONV_ENUM)
				lr_conv_outfn(type, &b->outfn[i], b->cxt);
		}
		b->att[i] = found;
		b->conv[i] = conv;
		maxatt = Max(maxatt, found + 1);
	}
	b->maxatt = maxatt;
	b->bound = true;
	MemoryContextSwitchTo(old);
}

void
lr_mbind_values(const LrMBind *b, const Datum *values, const bool *nulls, double *out)
{
	const LrMSchema *s = b->schema;
	size_t		i;

	for (i = 0; i < s->n; i++)
	{
		int			a = b->att[i];
		int			conv = b->conv[i];

		if (nulls[a])
		{
			out[i] = NAN;
			continue;
		}
		switch (s->fields[i].kind)
		{
			case LR_MK_NUMBER:
				out[i] = conv == LR_CONV_FLOAT8 ? DatumGetFloat8(values[a]) :
					lr_conv_number((LrConv) conv, values[a]);
				break;
			case LR_MK_BOOL:
				out[i] = DatumGetBool(values[a]) ? 1.0 : 0.0;
				break;
			case LR_MK_ANY:
				if (conv < 0)
					out[i] = 1.0;
				else
				{
					double		v = lr_conv_number((LrConv) conv, values[a]);

					out[i] = isnan(v) ? NAN : 1.0;
				}
				break;
			case LR_MK_TEXT:
			default:
				{
					char		buf[32];
					size_t		len;
					const char *v = lr_conv_text((LrConv) conv, values[a],
												 (FmgrInfo *) &b->outfn[i], buf, &len);

					out[i] = (double) lr_mschema_lookup(s, (int32_t) i, v, len);
				}
				break;
		}
	}
}

void
lr_mbind_row(LrMBind *b, HeapTupleHeader row, double *out)
{
	Oid			typid = HeapTupleHeaderGetTypeId(row);
	int32		typmod = HeapTupleHeaderGetTypMod(row);
	HeapTupleData tuple;

	if (!b->bound || b->typid != typid || b->typmod != typmod)
	{
		MemoryContext old;

		if (b->slot != NULL)
			ExecDropSingleTupleTableSlot(b->slot);
		b->slot = NULL;
		b->bound = false;
		old = MemoryContextSwitchTo(b->cxt);
		b->tupdesc = lookup_rowtype_tupdesc_copy(typid, typmod);
		MemoryContextSwitchTo(old);
		lr_mbind_desc(b, b->tupdesc);
		old = MemoryContextSwitchTo(b->cxt);
		b->slot = MakeSingleTupleTableSlot(b->tupdesc, &TTSOpsHeapTuple);
		MemoryContextSwitchTo(old);
		b->typid = typid;
		b->typmod = typmod;
	}
	tuple.t_len = HeapTupleHeaderGetDatumLength(row);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = row;
	ExecStoreHeapTuple(&tuple, b->slot, false);
	if (b->maxatt > 0)
		slot_getsomeattrs(b->slot, b->maxatt);
	lr_mbind_values(b, b->slot->tts_values, b->slot->tts_isnull, out);
}

char *
lr_mbind_value_text(const LrMBind *b, int field)
{
	int			a = b->att[field];
	Datum		d;
	Oid			type;
	Oid			fn;
	bool		isvarlena;

	if (b->slot == NULL || b->slot->tts_isnull[a])
		return NULL;
	d = b->slot->tts_values[a];
	type = TupleDescAttr(b->tupdesc, a)->atttypid;
	if (getBaseType(type) == BOOLOID)
		return pstrdup(DatumGetBool(d) ? "true" : "false");
	getTypeOutputInfo(type, &fn, &isvarlena);
	return OidOutputFunctionCall(fn, d);
}

/* ---------------------------------------------------------------- sources */

/* Does s start (after blanks and parentheses) with a keyword that begins a query? */
static bool
LooksLikeQuery(const char *s)
{
	static const char *const words[] = {"select", "with", "values", "table", NULL};
	int			i;

	while (*s && (isspace((unsigned char) *s) || *s == '('))
		s++;
	for (i = 0; words[i] != NULL; i++)
	{
		size_t		n = strlen(words[i]);

		if (pg_strncasecmp(s, words[i], n) == 0 &&
			!(isalnum((unsigned char) s[n]) || s[n] == '_' || s[n] == '$'))
			return true;
	}
	return false;
}

char *
lr_match_source_sql(const char *given, const char *what)
{
	char	   *raw;
	List	   *names;
	ListCell   *lc;
	StringInfoData buf;

	if (given[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s is empty", what),
				 errhint("Give a table name or a SELECT query.")));
	if (LooksLikeQuery(given))
		return pstrdup(given);
	raw = pstrdup(given);
	if (!SplitIdentifierString(raw, '.', &names) || list_length(names) < 1 ||
		list_length(names) > 3)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s \"%s\" is neither a table name nor a query", what, given),
				 errhint("Give a table name (schema-qualified if needed) or a SELECT query.")));
	initStringInfo(&buf);
	appendStringInfoString(&buf, "SELECT * FROM ");
	foreach(lc, names)
	{
		if (lc != list_head(names))
			appendStringInfoChar(&buf, '.');
		appendStringInfoString(&buf, quote_identifier((char *) lfirst(lc)));
	}
	return buf.data;
}

/* ---------------------------------------------------------------- loading */

enum
{
	PC_ID,
	PC_BANK,
	PC_TYPE,
	PC_MIN_AMOUNT,
	PC_MAX_AMOUNT,
	PC_MIN_TERM,
	PC_MAX_TERM,
	PC_RATE,
	PC_MIN_RATE,
	PC_MAX_RATE,
	PC_RULES,
	PC_MODEL,
	PC_METHOD,
	PC_NCOLS
};

static const char *const ProductColumns[PC_NCOLS] = {
	"product_id", "bank", "product_type", "min_amount", "max_amount", "min_term", "max_term",
	"rate", "min_rate", "max_rate", "rules", "approval_model", "repayment_method"
};

typedef struct LoadState
{
	LrMCatalog *cat;
	LrArena    *arena;
	LrJsonOptions jopts;
	int			col[PC_NCOLS];	/* 0-based, -1 when absent */
	Oid			type[PC_NCOLS]; /* base types */
	FmgrInfo	out[PC_NCOLS];
	Oid			scorecard_type;
	size_t		cap;
} LoadState;

static bool
IsJsonOrText(Oid t)
{
	return t == JSONBOID || t == JSONOID || t == TEXTOID || t == VARCHAROID;
}

static void
LoadStart(TupleDesc desc, void *arg)
{
	LoadState  *ls = arg;
	int			c,
				a;

	for (c = 0; c < PC_NCOLS; c++)
	{
		ls->col[c] = -1;
		for (a = 0; a < desc->natts; a++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, a);

			if (!att->attisdropped && strcmp(NameStr(att->attname), ProductColumns[c]) == 0)
			{
				ls->col[c] = a;
				break;
			}
		}
		if (ls->col[c] < 0)
		{
			if (c == PC_RATE || c == PC_MIN_RATE || c == PC_MAX_RATE || c == PC_METHOD)
				continue;
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("products query has no column \"%s\"", ProductColumns[c]),
					 errdetail("Products need the columns product_id, bank, product_type, min_amount, max_amount, min_term, max_term, rules and approval_model, and either rate or min_rate and max_rate (repayment_method is optional)."),
					 errhint("Rename columns in a query: SELECT id AS product_id, ...")));
		}
		ls->type[c] = lr_query_column_base_type(desc, ls->col[c]);
		switch (c)
		{
			case PC_ID:
				lr_query_check_column(desc, ls->col[c], LR_COL_ID, "products query");
				break;
			case PC_BANK:
			case PC_TYPE:
			case PC_METHOD:
				lr_query_check_column(desc, ls->col[c], LR_COL_TEXT, "products query");
				break;
			case PC_MIN_AMOUNT:
			case PC_MAX_AMOUNT:
			case PC_RATE:
			case PC_MIN_RATE:
			case PC_MAX_RATE:
				lr_query_check_column(desc, ls->col[c], LR_COL_NUMBER, "products query");
				break;
			case PC_MIN_TERM:
			case PC_MAX_TERM:
				lr_query_check_column(desc, ls->col[c], LR_COL_INT, "products query");
				break;
			case PC_RULES:
				if (!IsJsonOrText(ls->type[c]))
					ereport(ERROR,
							(errcode(ERRCODE_DATATYPE_MISMATCH),
							 errmsg("products query: column %d (rules) has type %s, expected jsonb, json or text",
									ls->col[c] + 1, format_type_be(TupleDescAttr(desc, ls->col[c])->atttypid))));
				break;
			case PC_MODEL:
				if (!IsJsonOrText(ls->type[c]) && ls->type[c] != ls->scorecard_type)
					ereport(ERROR,
							(errcode(ERRCODE_DATATYPE_MISMATCH),
							 errmsg("products query: column %d (approval_model) has type %s, expected loan_risk.scorecard",
									ls->col[c] + 1, format_type_be(TupleDescAttr(desc, ls->col[c])->atttypid)),
							 errhint("jsonb, json and text columns holding a scorecard's JSON are read too.")));
				break;
		}
		if (ls->type[c] != ls->scorecard_type)
		{
			Oid			fn;
			bool		isvarlena;

			getTypeOutputInfo(ls->type[c], &fn, &isvarlena);
			fmgr_info(fn, &ls->out[c]);
		}
	}
	if (ls->col[PC_RATE] < 0 && (ls->col[PC_MIN_RATE] < 0 || ls->col[PC_MAX_RATE] < 0))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("products query has no column \"rate\" and not both of \"min_rate\" and \"max_rate\""),
				 errdetail("A product has a fixed rate (rate) or a range (min_rate and max_rate).")));
}

/* The product's value of column c as text (NULL for NULL). */
static char *
ColText(LoadState *ls, TupleTableSlot *slot, int c)
{
	int			a = ls->col[c];

	if (a < 0 || slot->tts_isnull[a])
		return NULL;
	return OutputFunctionCall(&ls->out[c], slot->tts_values[a]);
}

static void
ProductError(const char *id, const char *fmt,...)
	pg_attribute_printf(2, 3) pg_attribute_noreturn();

static void
ProductError(const char *id, const char *fmt,...)
{
	char		msg[600];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("product \"%s\": %s", id, msg)));
}

/* A number column's value as numeric (NULL: SQL NULL). */
static Datum
ColNumeric(LoadState *ls, TupleTableSlot *slot, int c, bool *isnull)
{
	int			a = ls->col[c];

	*isnull = (a < 0 || slot->tts_isnull[a]);
	if (*isnull)
		return (Datum) 0;
	return lr_numeric_of(slot->tts_values[a], ls->type[c]);
}

static int64
ColCents(LoadState *ls, TupleTableSlot *slot, int c, const char *id)
{
	bool		isnull;
	Datum		num = ColNumeric(ls, slot, c, &isnull);
	lr_i128		v = 0;
	LrNumericStatus st;

	if (isnull)
		ProductError(id, "%s is NULL", ProductColumns[c]);
	st = lr_numeric_scaled(num, 2, LR_MONEY_MAX_CENTS, &v);
	if (st == LR_NUMERIC_RANGE)
		ProductError(id, "%s %s exceeds the largest supported amount 10000000000000", ProductColumns[c],
					 ColText(ls, slot, c));
	if (st != LR_NUMERIC_OK)
		ProductError(id, "%s must be a finite amount, not %s", ProductColumns[c], ColText(ls, slot, c));
	return (int64) v;
}

static lr_i128
ColRate(LoadState *ls, TupleTableSlot *slot, int c, const char *id)
{
	bool		isnull;
	Datum		num = ColNumeric(ls, slot, c, &isnull);
	lr_i128		v = 0;
	LrNumericStatus st = LR_NUMERIC_NAN;

	if (!isnull)
		st = lr_numeric_scaled(num, LR_RATE_SCALE, LR_SCHED_RATE_MAX, &v);
	if (st == LR_NUMERIC_NAN || st == LR_NUMERIC_POS_INF || st == LR_NUMERIC_NEG_INF)
		ProductError(id, "%s must be a finite rate, not %s", ProductColumns[c], ColText(ls, slot, c));
	if (st != LR_NUMERIC_OK || v < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("product \"%s\": %s %s is not between 0 and 100", id, ProductColumns[c],
						ColText(ls, slot, c)),
				 errhint("Rates are annual fractions: 0.18 is 18%%.")));
	return v;
}

static int
ColTerm(LoadState *ls, TupleTableSlot *slot, int c, const char *id)
{
	int			a = ls->col[c];
	int64		v;

	if (slot->tts_isnull[a])
		ProductError(id, "%s is NULL", ProductColumns[c]);
	v = lr_datum_int64(slot->tts_values[a], ls->type[c]);
	if (v < 1 || v > LR_TERM_MAX)
		ProductError(id, "%s " INT64_FORMAT " is not between 1 and %d", ProductColumns[c], v, LR_TERM_MAX);
	return (int) v;
}

static void
LoadRow(TupleTableSlot *slot, void *arg)
{
	LoadState  *ls = arg;
	LrMCatalog *cat = ls->cat;
	LrMProduct *p;
	char	   *id;
	char	   *owner;
	char	   *text;
	LrError		err = {0};

	CHECK_FOR_INTERRUPTS();
	if (cat->nproducts == ls->cap)
	{
		size_t		cap = ls->cap ? ls->cap * 2 : 16;
		LrMProduct *np;

		if (cap > MaxAllocHugeSize / sizeof(LrMProduct))
			ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED), errmsg("too many products")));
		np = lr_arena_alloc(ls->arena, cap * sizeof(LrMProduct));
		if (np == NULL)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory while reading products")));
		if (cat->nproducts > 0)
			memcpy(np, cat->products, cat->nproducts * sizeof(LrMProduct));
		cat->products = np;
		ls->cap = cap;
	}
	p = &cat->products[cat->nproducts];
	memset(p, 0, sizeof(*p));

	id = ColText(ls, slot, PC_ID);
	if (id == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("products query: product %zu has a NULL product_id", cat->nproducts + 1)));
	owner = psprintf("product \"%s\"", id);
	p->id = lr_arena_strndup(ls->arena, id, strlen(id));
	text = ColText(ls, slot, PC_BANK);
	p->bank = text ? lr_arena_strndup(ls->arena, text, strlen(text)) : NULL;
	text = ColText(ls, slot, PC_TYPE);
	p->type = text ? lr_arena_strndup(ls->arena, text, strlen(text)) : NULL;

	p->min_amount = ColCents(ls, slot, PC_MIN_AMOUNT, id);
	p->max_amount = ColCents(ls, slot, PC_MAX_AMOUNT, id);
	p->min_term = ColTerm(ls, slot, PC_MIN_TERM, id);
	p->max_term = ColTerm(ls, slot, PC_MAX_TERM, id);
	{
		bool		has_rate = ls->col[PC_RATE] >= 0 && !slot->tts_isnull[ls->col[PC_RATE]];
		bool		has_min = ls->col[PC_MIN_RATE] >= 0 && !slot->tts_isnull[ls->col[PC_MIN_RATE]];
		bool		has_max = ls->col[PC_MAX_RATE] >= 0 && !slot->tts_isnull[ls->col[PC_MAX_RATE]];

		if (has_rate && (has_min || has_max))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("product \"%s\" has both a rate and a rate range", id),
					 errhint("Leave rate NULL for a range, or min_rate and max_rate NULL for a fixed rate.")));
		if (has_rate)
			p->min_rate = p->max_rate = ColRate(ls, slot, PC_RATE, id);
		else if (has_min && has_max)
		{
			p->rate_range = true;
			p->min_rate = ColRate(ls, slot, PC_MIN_RATE, id);
			p->max_rate = ColRate(ls, slot, PC_MAX_RATE, id);
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("product \"%s\" has no rate", id),
					 errhint("Give rate, or min_rate and max_rate.")));
	}
	p->method = LR_SCHED_EQUAL_INSTALLMENT;
	text = ColText(ls, slot, PC_METHOD);
	if (text != NULL && !lr_sched_method_parse(text, strlen(text), &p->method, &err))
		lr_pg_raise(&err, owner);
	if (!lr_mproduct_check(p, &err))
		lr_pg_raise(&err, owner);

	/* Rules */
	text = ColText(ls, slot, PC_RULES);
	if (text == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("product \"%s\" has NULL rules", id),
				 errhint("Use '[]' for a product without rules.")));
	if (!lr_mrules_parse(text, strlen(text), ls->arena, &ls->jopts, &cat->schema, owner,
						 &p->rules, &err))
		lr_pg_raise(&err, owner);

	/* Approval model */
	{
		int			a = ls->col[PC_MODEL];

		if (!slot->tts_isnull[a])
		{
			if (ls->type[PC_MODEL] == ls->scorecard_type)
			{
				LrScorecard *sc = DatumGetLrScorecardP(slot->tts_values[a]);

				p->card = lr_scorecard_compile(sc, ls->arena);
			}
			else
			{
				LrCard	   *card;

				text = ColText(ls, slot, PC_MODEL);
				if (!lr_card_parse(text, strlen(text), ls->arena, &ls->jopts, &card, &err))
					lr_pg_raise(&err, psprintf("approval_model of product \"%s\"", id));
				p->card = card;
			}
			if (!p->card->has_scaling)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("the approval model of product \"%s\" has no scaling, so it gives no probability", id),
						 errhint("Fit it with loan_risk.train_scorecard, or add \"scaling\" to the card.")));
			if (!lr_mproduct_bind_card(&cat->schema, p, owner, &err))
				lr_pg_raise(&err, owner);
		}
	}
	cat->nproducts++;
}

static int
CompareIds(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

void
lr_match_load(LrMCatalog *cat, const char *products, LrArena *arena)
{
	LoadState	ls;
	LrError		err = {0};
	const char **ids;
	size_t		i;

	memset(&ls, 0, sizeof(ls));
	memset(cat, 0, sizeof(*cat));
	lr_mschema_init(&cat->schema, arena);
	ls.cat = cat;
	ls.arena = arena;
	lr_pg_json_options(&ls.jopts);
	ls.scorecard_type = lr_scorecard_typoid(true);
	lr_query_run(lr_match_source_sql(products, "products"), "products query", LoadStart, LoadRow, &ls);

	/* Product ids name products in results and messages: they must be unique. */
	ids = palloc(Max(cat->nproducts, 1) * sizeof(char *));
	for (i = 0; i < cat->nproducts; i++)
		ids[i] = cat->products[i].id;
	qsort(ids, cat->nproducts, sizeof(char *), CompareIds);
	for (i = 1; i < cat->nproducts; i++)
		if (strcmp(ids[i - 1], ids[i]) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("products query: product_id \"%s\" appears more than once", ids[i])));
	pfree(ids);
	if (!lr_mcatalog_finish(cat, &err))
		lr_pg_raise(&err, NULL);
}

/* ---------------------------------------------------------------- cache */

static bool
SnapshotMatches(const LrMatchCache *mc, Snapshot snap)
{
	return mc->has_snap && snap != NULL &&
		snap->xmin == mc->xmin && snap->xmax == mc->xmax && snap->curcid == mc->curcid &&
		snap->xcnt == mc->xcnt && snap->subxcnt == mc->subxcnt &&
		snap->suboverflowed == mc->suboverflowed &&
		(snap->xcnt == 0 || memcmp(snap->xip, mc->xip, snap->xcnt * sizeof(TransactionId)) == 0) &&
		(snap->subxcnt <= 0 ||
		 memcmp(snap->subxip, mc->subxip, snap->subxcnt * sizeof(TransactionId)) == 0);
}

static void
SnapshotRemember(LrMatchCache *mc, Snapshot snap)
{
	mc->has_snap = false;
	if (snap == NULL)
		return;
	mc->xmin = snap->xmin;
	mc->xmax = snap->xmax;
	mc->curcid = snap->curcid;
	mc->xcnt = snap->xcnt;
	mc->subxcnt = snap->subxcnt;
	mc->suboverflowed = snap->suboverflowed;
	mc->xip = NULL;
	mc->subxip = NULL;
	if (snap->xcnt > 0)
	{
		mc->xip = MemoryContextAlloc(mc->cxt, snap->xcnt * sizeof(TransactionId));
		memcpy(mc->xip, snap->xip, snap->xcnt * sizeof(TransactionId));
	}
	if (snap->subxcnt > 0)
	{
		mc->subxip = MemoryContextAlloc(mc->cxt, snap->subxcnt * sizeof(TransactionId));
		memcpy(mc->subxip, snap->subxip, snap->subxcnt * sizeof(TransactionId));
	}
	mc->has_snap = true;
}

static void MatchCacheFinish(LrMatchCache *mc);

/* A new, empty cache in fn_extra. */
static LrMatchCache *
MatchCacheNew(FmgrInfo *flinfo)
{
	LrMatchCache *mc = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(LrMatchCache));

	mc->cxt = AllocSetContextCreate(flinfo->fn_mcxt, "loan_risk matching cache",
									ALLOCSET_DEFAULT_SIZES);
	flinfo->fn_extra = mc;
	return mc;
}

/* Empties the cache for a rebuild and switches to its context: returns the previous one. */
static MemoryContext
MatchCacheReset(LrMatchCache *mc)
{
	MemoryContext old;

	MemoryContextReset(mc->cxt);
	mc->products = NULL;
	mc->has_snap = false;
	old = MemoryContextSwitchTo(mc->cxt);
	lr_pg_alloc_init(&mc->alloc, mc->cxt);
	lr_arena_init(&mc->arena, &mc->alloc, 0);
	return old;
}

LrMatchCache *
lr_match_cache_get(FunctionCallInfo fcinfo, int argno)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	LrMatchCache *mc = (LrMatchCache *) flinfo->fn_extra;
	char	   *products;
	Snapshot	snap = ActiveSnapshotSet() ? GetActiveSnapshot() : NULL;
	MemoryContext old;

	lr_pg_arg_required(fcinfo, argno, "products", "Give a table name or a SELECT query.");
	products = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	if (mc == NULL)
		mc = MatchCacheNew(flinfo);
	else if (mc->products != NULL && !mc->json && strcmp(mc->products, products) == 0 &&
			 mc->userid == GetUserId() && SnapshotMatches(mc, snap))
		return mc;

	old = MatchCacheReset(mc);
	lr_match_load(&mc->cat, products, &mc->arena);
	MatchCacheFinish(mc);
	mc->products = pstrdup(products);
	mc->json = false;
	mc->userid = GetUserId();
	SnapshotRemember(mc, snap);
	MemoryContextSwitchTo(old);
	return mc;
}

/* The compiled products' scratch, results and applicant binding (in mc->cxt). */
static void
MatchCacheFinish(LrMatchCache *mc)
{
	size_t		n;

	n = mc->cat.nproducts;
	mc->vals = palloc(Max(mc->cat.schema.n, 1) * sizeof(double));
	lr_mscratch_init(&mc->scratch, &mc->cat, palloc(lr_mscratch_size(&mc->cat)));
	mc->res = palloc(Max(n, 1) * sizeof(LrMResult));
	lr_mbind_init(&mc->bind, mc->cxt, &mc->cat.schema, "applicant row");
}

LrMatchCache *
lr_match_cache_get_json(FunctionCallInfo fcinfo, int argno)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	LrMatchCache *mc = (LrMatchCache *) flinfo->fn_extra;
	struct varlena *raw;
	Size		len;
	MemoryContext old;
	char	   *text;
	LrJsonOptions jo;
	LrError		err = {0};

	lr_pg_arg_required(fcinfo, argno, "products",
						   "Give a JSON array of products, such as (SELECT jsonb_agg(p) FROM products p).");
	raw = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(argno));
	len = VARSIZE_ANY_EXHDR(raw);
	if (mc == NULL)
		mc = MatchCacheNew(flinfo);
	else if (mc->products != NULL && mc->json && mc->products_len == len &&
			 memcmp(mc->products, VARDATA_ANY(raw), len) == 0)
		return mc;

	old = MatchCacheReset(mc);
	text = JsonbToCString(NULL, &((Jsonb *) raw)->root, VARSIZE_ANY(raw));
	lr_pg_json_options(&jo);
	if (!lr_mcatalog_from_json(text, strlen(text), &mc->arena, &jo, &mc->cat, &err))
		lr_pg_raise(&err, "invalid products");
	MatchCacheFinish(mc);
	mc->products = palloc(Max(len, 1));
	memcpy(mc->products, VARDATA_ANY(raw), len);
	mc->products_len = len;
	mc->json = true;
	MemoryContextSwitchTo(old);
	return mc;
}

/* ---------------------------------------------------------------- arguments */

int64
lr_match_amount_arg(Datum d, const char *argname)
{
	int64		cents = lr_arg_cents(d, argname, false);

	if (cents <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %s is not positive", argname,
						DatumGetCString(DirectFunctionCall1(numeric_out, d)))));
	return cents;
}

int
lr_match_term_arg(int32 v, const char *argname)
{
	if (v < 1 || v > LR_TERM_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %d is not between 1 and %d", argname, v, LR_TERM_MAX)));
	return v;
}

void
lr_match_request(FunctionCallInfo fcinfo, int prob_arg, int max_arg, int order_arg, LrMRequest *req)
{
	memset(req, 0, sizeof(*req));
	req->amount = -1;
	req->term = -1;
	req->order = LR_ORDER_TOTAL_COST;
	req->max_results = -1;
	lr_pg_arg_required(fcinfo, prob_arg, "min_probability", NULL);
	req->min_probability = lr_arg_probability(PG_GETARG_FLOAT8(prob_arg), "min_probability");
	if (max_arg >= 0 && !PG_ARGISNULL(max_arg))
	{
		int32		k = PG_GETARG_INT32(max_arg);

		if (k < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("max_results %d is negative", k),
					 errhint("Use NULL for every product above the threshold.")));
		req->max_results = k;
	}
	if (order_arg >= 0 && !PG_ARGISNULL(order_arg))
	{
		text	   *t = PG_GETARG_TEXT_PP(order_arg);
		LrError		err = {0};

		if (!lr_morder_parse(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &req->order, &err))
			lr_pg_raise(&err, "order_by");
	}
}

Datum
lr_match_rate_datum(lr_i128 rate)
{
	return lr_scaled_datum(rate, LR_RATE_SCALE, 2);
}

void
lr_match_offer_values(const LrMResult *r, Datum *values)
{
	values[0] = Float8GetDatum(r->probability);
	values[1] = lr_match_rate_datum(r->q.rate);
	values[2] = lr_cents_datum(r->q.amount);
	values[3] = Int32GetDatum(r->q.term);
	values[4] = lr_cents_datum(r->q.payment);
	values[5] = lr_scaled_datum(r->q.total_cost, 2, 2);
}
