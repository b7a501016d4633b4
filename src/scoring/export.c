/*
 * export.c
 *	  scorecard_table(): the card as rows for BI tools; scorecard_sql(): the
 *	  card as a plain-SQL expression for systems without the extension.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "common/lr_pg.h"
#include "scoring/scorecard.h"

PG_FUNCTION_INFO_V1(scorecard_table);
PG_FUNCTION_INFO_V1(scorecard_sql);

static LrCard *
CardArg(FunctionCallInfo fcinfo, int argno)
{
	LrScorecard *sc = PG_GETARG_LR_SCORECARD_P(argno);
	LrAlloc    *a = palloc(sizeof(LrAlloc));
	LrArena    *arena = palloc(sizeof(LrArena));

	lr_pg_alloc_init(a, CurrentMemoryContext);
	lr_arena_init(arena, a, 0);
	return lr_scorecard_compile(sc, arena);
}

static void
PutBinRow(ReturnSetInfo *rsinfo, const LrFeature *f, const LrBin *b, const char *kind, int index)
{
	Datum		values[13];
	bool		nulls[13] = {0};
	LrAlloc		a;
	LrBuf		label;

	lr_pg_alloc_init(&a, CurrentMemoryContext);
	lr_buf_init(&label, &a, 0);
	lr_bin_label(f, b, &label);

	values[0] = CStringGetTextDatum(f->name);
	values[1] = CStringGetTextDatum(f->kind == LR_FEATURE_NUMERIC ? "numeric" : "categorical");
	values[2] = CStringGetTextDatum(kind);
	if (index < 0)
		nulls[3] = true;
	else
		values[3] = Int32GetDatum(index);
	values[4] = CStringGetTextDatum(label.data);
	if (b->kind == LR_BIN_RANGE)
	{
		double		lo = lr_bin_lower(f, b);

		values[5] = Float8GetDatum(lo);
		values[6] = Float8GetDatum(b->upper);
	}
	else
		nulls[5] = nulls[6] = true;
	if (b->kind == LR_BIN_VALUES || b->kind == LR_BIN_SPECIAL)
	{
		Datum	   *elems = palloc(b->nvalues * sizeof(Datum));
		size_t		i;

		for (i = 0; i < b->nvalues; i++)
		{
			if (b->kind == LR_BIN_VALUES)
				elems[i] = PointerGetDatum(cstring_to_text_with_len(b->values[i], (int) b->valuelens[i]));
			else
			{
				char		tmp[64];

				lr_format_double(tmp, sizeof(tmp), b->numvalues[i]);
				elems[i] = CStringGetTextDatum(tmp);
			}
		}
		values[7] = PointerGetDatum(construct_array(elems, (int) b->nvalues, TEXTOID, -1, false, TYPALIGN_INT));
	}
	else
		nulls[7] = true;
	values[8] = Float8GetDatum(b->points);
	values[9] = Float8GetDatum(b->woe);
	nulls[9] = !(b->has & LR_HAS_WOE);
	values[10] = Int64GetDatum(b->count);
	nulls[10] = !(b->has & LR_HAS_COUNT);
	values[11] = Int64GetDatum(b->bads);
	nulls[11] = !(b->has & LR_HAS_BADS);
	values[12] = Float8GetDatum(b->iv);
	nulls[12] = !(b->has & LR_HAS_IV);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * One row, built in a context reset per row (a card may have millions of
 * bins), with a check for interrupts.
 */
static void
PutBinRowTemp(ReturnSetInfo *rsinfo, MemoryContext rowcxt, const LrFeature *f, const LrBin *b,
			  const char *kind, int index)
{
	MemoryContext old = MemoryContextSwitchTo(rowcxt);

	CHECK_FOR_INTERRUPTS();
	PutBinRow(rsinfo, f, b, kind, index);
	MemoryContextSwitchTo(old);
	MemoryContextReset(rowcxt);
}

/* scorecard_table: one row per feature and bin, for BI tools */
Datum
scorecard_table(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext rowcxt;
	LrCard	   *card;
	size_t		i,
				j;

	lr_pg_srf_init(fcinfo);
	card = CardArg(fcinfo, 0);
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "loan_risk scorecard_table row",
								   ALLOCSET_DEFAULT_SIZES);
	for (i = 0; i < card->nfeatures; i++)
	{
		const LrFeature *f = &card->features[i];

		for (j = 0; j < f->nbins; j++)
			PutBinRowTemp(rsinfo, rowcxt, f, &f->bins[j],
						  f->kind == LR_FEATURE_NUMERIC ? "range" : "values", (int) j);
		for (j = 0; j < f->nspecial; j++)
			PutBinRowTemp(rsinfo, rowcxt, f, &f->special[j], "special", (int) j);
		if (f->missing)
			PutBinRowTemp(rsinfo, rowcxt, f, f->missing, "missing", -1);
		if (f->unseen)
			PutBinRowTemp(rsinfo, rowcxt, f, f->unseen, "unseen", -1);
	}
	MemoryContextDelete(rowcxt);
	return (Datum) 0;
}

/* A float8 literal that reads back as exactly d. */
static void
AppendFloat(StringInfo s, double d)
{
	char		tmp[64];

	lr_format_double(tmp, sizeof(tmp), d);
	if (d < 0 || (d == 0 && signbit(d)))
		appendStringInfo(s, "(%s)::float8", tmp);
	else
		appendStringInfo(s, "%s::float8", tmp);
}

/*
 * scorecard_sql: the card as one SQL expression over the applicant's
 * columns, giving the same scores as score() (see doc/scorecard.md for the
 * two cases where it yields NULL where score() raises an error)
 */
Datum
scorecard_sql(PG_FUNCTION_ARGS)
{
	LrCard	   *card;
	char	   *qual;
	StringInfoData s;
	size_t		i,
				j,
				k;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	card = CardArg(fcinfo, 0);
	qual = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));

	initStringInfo(&s);
	appendStringInfoChar(&s, '(');
	AppendFloat(&s, card->base_points);
	for (i = 0; i < card->nfeatures; i++)
	{
		const LrFeature *f = &card->features[i];
		StringInfoData col;

		initStringInfo(&col);
		appendStringInfoChar(&col, '(');
		if (qual != NULL && qual[0] != '\0')
			appendStringInfo(&col, "%s.", quote_identifier(qual));
		appendStringInfo(&col, "%s)::%s", quote_identifier(f->name),
						 f->kind == LR_FEATURE_NUMERIC ? "float8" : "text");

		appendStringInfo(&s, "\n + CASE");
		if (f->kind == LR_FEATURE_NUMERIC)
		{
			appendStringInfo(&s, " WHEN %s IS NULL OR %s = 'NaN'::float8 THEN ", col.data, col.data);
			if (f->missing)
				AppendFloat(&s, f->missing->points);
			else
				appendStringInfoString(&s, "NULL::float8");
			for (j = 0; j < f->nspecial; j++)
			{
				CHECK_FOR_INTERRUPTS();
				appendStringInfo(&s, "\n        WHEN %s IN (", col.data);
				for (k = 0; k < f->special[j].nvalues; k++)
				{
					if (k > 0)
						appendStringInfoString(&s, ", ");
					AppendFloat(&s, f->special[j].numvalues[k]);
				}
				appendStringInfoString(&s, ") THEN ");
				AppendFloat(&s, f->special[j].points);
			}
			for (j = 0; j + 1 < f->nbins; j++)
			{
				CHECK_FOR_INTERRUPTS();
				appendStringInfo(&s, "\n        WHEN %s < ", col.data);
				AppendFloat(&s, f->bins[j].upper);
				appendStringInfoString(&s, " THEN ");
				AppendFloat(&s, f->bins[j].points);
			}
			appendStringInfoString(&s, "\n        ELSE ");
			AppendFloat(&s, f->bins[f->nbins - 1].points);
		}
		else
		{
			appendStringInfo(&s, " WHEN %s IS NULL THEN ", col.data);
			if (f->missing)
				AppendFloat(&s, f->missing->points);
			else
				appendStringInfoString(&s, "NULL::float8");
			for (j = 0; j < f->nbins; j++)
			{
				appendStringInfo(&s, "\n        WHEN %s IN (", col.data);
				for (k = 0; k < f->bins[j].nvalues; k++)
				{
					char	   *v = pnstrdup(f->bins[j].values[k], f->bins[j].valuelens[k]);
					char	   *q = quote_literal_cstr(v);

					CHECK_FOR_INTERRUPTS();
					if (k > 0)
						appendStringInfoString(&s, ", ");
					appendStringInfoString(&s, q);
					pfree(q);
					pfree(v);
				}
				appendStringInfoString(&s, ") THEN ");
				AppendFloat(&s, f->bins[j].points);
			}
			appendStringInfoString(&s, "\n        ELSE ");
			if (f->unseen)
				AppendFloat(&s, f->unseen->points);
			else
				appendStringInfoString(&s, "NULL::float8");
		}
		appendStringInfoString(&s, " END");
	}
	appendStringInfoChar(&s, ')');
	PG_RETURN_TEXT_P(cstring_to_text(s.data));
}
