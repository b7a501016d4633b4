/*
 * score.c
 *	  score(), pd(), pd_from_score(), reasons() and score_detail().
 *
 * The card is compiled once per query by the model-type helper's cache
 * (common/lr_model_type.h), keyed on the bytes of the argument: a card that
 * changes from row to row (a join against a table of cards) is recompiled
 * when it changes, never confused with the previous one.  Features are bound to the row's columns by
 * name once per row type.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "common/lr_pg.h"
#include "scoring/score.h"
#include "scoring/scorecard.h"

PG_FUNCTION_INFO_V1(score);
PG_FUNCTION_INFO_V1(pd);
PG_FUNCTION_INFO_V1(pd_from_score);
PG_FUNCTION_INFO_V1(reasons);
PG_FUNCTION_INFO_V1(score_detail);

const char *
lr_card_name(const LrCard *card)
{
	return card->name ? card->name : "(unnamed)";
}

void *
lr_card_cache_compile(void *model, LrArena *arena, MemoryContext cxt)
{
	LrCardCache *cc = palloc0(sizeof(LrCardCache));
	size_t		n;
	const char **names;
	LrFieldKind *kinds;
	size_t		i;

	cc->cxt = cxt;
	cc->card = (LrCard *) model;
	n = cc->card->nfeatures;
	cc->chosen = palloc0(Max(n, 1) * sizeof(LrBin *));
	cc->codes = palloc0(Max(n, 1) * sizeof(int32));
	names = palloc(Max(n, 1) * sizeof(char *));
	kinds = palloc(Max(n, 1) * sizeof(LrFieldKind));
	for (i = 0; i < n; i++)
	{
		names[i] = cc->card->features[i].name;
		kinds[i] = cc->card->features[i].kind == LR_FEATURE_NUMERIC ?
			LR_FIELD_NUMERIC : LR_FIELD_CATEGORICAL;
	}
	lr_row_binder_init(&cc->binder, cxt, (int) n, names, kinds,
					   psprintf("scorecard \"%s\"", lr_card_name(cc->card)));
	return cc;
}

LrCardCache *
lr_card_cache_get(FunctionCallInfo fcinfo, int argno)
{
	return (LrCardCache *) lr_model_cache_get(fcinfo, argno, &lr_scorecard_type);
}

static void
NoBin(LrCardCache *cc, int i, Datum d, bool isnull, LrConv conv, FmgrInfo *outfn)
{
	const LrFeature *f = &cc->card->features[i];
	char		buf[32];
	size_t		len;
	const char *s;

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("column \"%s\" is NULL and scorecard feature \"%s\" has no missing bin",
						f->name, f->name),
				 errhint("Add \"missing\": {\"points\": ...} to the feature, or filter the row out.")));
	if (f->kind == LR_FEATURE_NUMERIC)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("column \"%s\" is NaN and scorecard feature \"%s\" has no missing bin",
						f->name, f->name),
				 errdetail("NaN is scored in the missing bin."),
				 errhint("Add \"missing\": {\"points\": ...} to the feature.")));
	s = lr_conv_text(conv, d, outfn, buf, &len);
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("value \"%.*s\" of column \"%s\" is not a category of scorecard feature \"%s\"",
					(int) Min(len, 200), s, f->name, f->name),
			 errhint("Add an \"unseen\" bin to score categories the card does not list.")));
}

/*
 * The one loop from values to a score: feature i's value and null flag are
 * at byte offset idx[i] * stride from values and nulls, so the same loop
 * reads arrays of Datums and bools (stride 1 each, in units of the element)
 * and a call's arguments (NullableDatum, read in place without a copy).
 */
static inline double
ScoreStrided(LrCardCache *cc, const char *values, size_t vstride, const char *nulls, size_t nstride,
			 const int *idx, const LrConv *conv, FmgrInfo *outfn, bool want_bins)
{
	const LrCardTable *t = &cc->card->table;
	int			n = (int) t->nfeatures;
	int32	   *codes = cc->codes;

	for (int i = 0; i < n; i++)
	{
		Datum		d = *(const Datum *) (values + idx[i] * vstride);
		bool		isnull = *(const bool *) (nulls + idx[i] * nstride);

		codes[i] = lr_card_code_datum(&t->features[i], d, isnull, conv[i], &outfn[i]);
		if (codes[i] == LR_CODE_NONE)
			NoBin(cc, i, d, isnull, conv[i], &outfn[i]);
	}
	if (want_bins)
		for (int i = 0; i < n; i++)
			cc->chosen[i] = t->features[i].bin[codes[i]];
	return lr_table_score(t, codes);
}

double
lr_card_score_values(LrCardCache *cc, const Datum *values, const bool *nulls,
					 const int *idx, const LrConv *conv, FmgrInfo *outfn, bool want_bins)
{
	return ScoreStrided(cc, (const char *) values, sizeof(Datum), (const char *) nulls, sizeof(bool),
						idx, conv, outfn, want_bins);
}

double
lr_card_score_args(LrCardCache *cc, const NullableDatum *args, const int *idx,
				   const LrConv *conv, FmgrInfo *outfn, bool want_bins)
{
	return ScoreStrided(cc, (const char *) &args[0].value, sizeof(NullableDatum),
						(const char *) &args[0].isnull, sizeof(NullableDatum),
						idx, conv, outfn, want_bins);
}

double
lr_card_score_row(LrCardCache *cc, HeapTupleHeader row, bool want_bins)
{
	LrRowBinder *b = &cc->binder;

	lr_row_deform(b, row);
	return lr_card_score_values(cc, b->values, b->nulls, b->att, b->conv, b->outfn, want_bins);
}

char *
lr_card_value_text(LrCardCache *cc, int i)
{
	const LrRowBinder *b = &cc->binder;

	if (lr_row_isnull(b, i))
		return NULL;
	if (cc->card->features[i].kind == LR_FEATURE_NUMERIC)
	{
		double		v = lr_row_number(b, i);
		char		tmp[64];

		lr_format_double(tmp, sizeof(tmp), v);
		return pstrdup(tmp);
	}
	return lr_row_value_text(b, i);
}

/* score: base points plus the points of each feature's bin for this row */
Datum
score(PG_FUNCTION_ARGS)
{
	LrCardCache *cc = lr_card_cache_get(fcinfo, 0);
	HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(1);

	PG_RETURN_FLOAT8(lr_card_score_row(cc, row, false));
}

static void
RequireScaling(const LrCard *card)
{
	if (!card->has_scaling)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scorecard \"%s\" has no scaling, so its scores have no probability of default",
						lr_card_name(card)),
				 errhint("Add \"scaling\": {\"pdo\": ..., \"base_score\": ..., \"base_odds\": ...} to the card.")));
}

/* pd: probability of default of this row's score under the card's scaling */
Datum
pd(PG_FUNCTION_ARGS)
{
	LrCardCache *cc = lr_card_cache_get(fcinfo, 0);
	HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(1);

	RequireScaling(cc->card);
	PG_RETURN_FLOAT8(lr_card_pd(cc->card, lr_card_score_row(cc, row, false)));
}

/* pd_from_score: probability of default of a given score under the card's scaling */
Datum
pd_from_score(PG_FUNCTION_ARGS)
{
	LrCardCache *cc = lr_card_cache_get(fcinfo, 0);
	float8		s = PG_GETARG_FLOAT8(1);

	RequireScaling(cc->card);
	if (isnan(s))
		PG_RETURN_FLOAT8(get_float8_nan());
	PG_RETURN_FLOAT8(lr_card_pd(cc->card, s));
}

typedef struct ReasonItem
{
	int			feature;
	double		shortfall;
} ReasonItem;

/* Does x come before y: larger shortfall first, ties in card order. */
static inline bool
ReasonBefore(const ReasonItem *x, const ReasonItem *y)
{
	if (x->shortfall != y->shortfall)
		return x->shortfall > y->shortfall;
	return x->feature < y->feature;
}

void
lr_card_reasons_check_n(int32 n)
{
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of reasons must not be negative, got %d", n)));
}

Datum
lr_card_reasons(LrCardCache *cc, int32 n)
{
	const LrCard *card = cc->card;
	const LrTableFeature *tf = card->table.features;
	int			nf = (int) card->nfeatures;
	ReasonItem *items;
	Datum	   *elems;
	int			nitems = 0;
	int			keep;
	int			i;

	if (cc->reason_text == NULL)
	{
		/* Once per compiled card: the texts, and scratch for the kept items. */
		MemoryContext old = MemoryContextSwitchTo(cc->cxt);
		Datum	   *texts = palloc(Max(nf, 1) * sizeof(Datum));

		for (i = 0; i < nf; i++)
		{
			const LrFeature *f = &card->features[i];

			texts[i] = CStringGetTextDatum(f->reason ? f->reason : f->name);
		}
		cc->reason_items = palloc(Max(nf, 1) * sizeof(ReasonItem));
		MemoryContextSwitchTo(old);
		cc->reason_text = texts;
	}
	items = cc->reason_items;
	keep = Min(n, nf);

	/*
	 * The first keep items in order, by insertion: the same order a full sort
	 * gives (the order is total: features differ), without sorting the rest.
	 */
	for (i = 0; i < nf && keep > 0; i++)
	{
		ReasonItem	it;
		int			k;

		it.feature = i;
		it.shortfall = tf[i].max_points - tf[i].points[cc->codes[i]];
		/* A feature at its best bin is no reason for a decline. */
		if (!(it.shortfall > 0))
			continue;
		if (nitems == keep && !ReasonBefore(&it, &items[keep - 1]))
			continue;
		k = nitems < keep ? nitems++ : keep - 1;
		while (k > 0 && ReasonBefore(&it, &items[k - 1]))
		{
			items[k] = items[k - 1];
			k--;
		}
		items[k] = it;
	}
	elems = palloc(Max(nitems, 1) * sizeof(Datum));
	for (i = 0; i < nitems; i++)
		elems[i] = cc->reason_text[items[i].feature];
	return PointerGetDatum(construct_array(elems, nitems, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * reasons: adverse-action reasons, the features whose points fall furthest
 * below that feature's maximum, at most n, ties in card order
 */
Datum
reasons(PG_FUNCTION_ARGS)
{
	LrCardCache *cc = lr_card_cache_get(fcinfo, 0);
	HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(1);
	int32		n = PG_GETARG_INT32(2);

	lr_card_reasons_check_n(n);
	lr_card_score_row(cc, row, false);
	PG_RETURN_DATUM(lr_card_reasons(cc, n));
}

static const char *
BinKindName(LrBinKind kind)
{
	switch (kind)
	{
		case LR_BIN_RANGE:
			return "range";
		case LR_BIN_VALUES:
			return "values";
		case LR_BIN_SPECIAL:
			return "special";
		case LR_BIN_MISSING:
			return "missing";
		case LR_BIN_UNSEEN:
			return "unseen";
	}
	return "unknown";
}

/* Position of a bin within its feature's list of that kind (0-based), or -1. */
static int
BinIndex(const LrFeature *f, const LrBin *b)
{
	if (b >= f->bins && b < f->bins + f->nbins)
		return (int) (b - f->bins);
	if (f->nspecial > 0 && b >= f->special && b < f->special + f->nspecial)
		return (int) (b - f->special);
	return -1;
}

/* score_detail: per feature, the value seen, the bin chosen and its points */
Datum
score_detail(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	LrCardCache *cc = lr_card_cache_get(fcinfo, 0);
	HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(1);
	const LrCard *card = cc->card;
	size_t		i;

	lr_pg_srf_init(fcinfo);
	lr_card_score_row(cc, row, true);
	for (i = 0; i < card->nfeatures; i++)
	{
		const LrFeature *f = &card->features[i];
		const LrBin *b = cc->chosen[i];
		Datum		values[8];
		bool		nulls[8] = {0};
		char	   *v = lr_card_value_text(cc, (int) i);
		LrAlloc		a;
		LrBuf		label;
		int			idx = BinIndex(f, b);

		lr_pg_alloc_init(&a, CurrentMemoryContext);
		lr_buf_init(&label, &a, 0);
		lr_bin_label(f, b, &label);

		values[0] = CStringGetTextDatum(f->name);
		if (v == NULL)
			nulls[1] = true;
		else
			values[1] = CStringGetTextDatum(v);
		values[2] = CStringGetTextDatum(BinKindName(b->kind));
		if (idx < 0)
			nulls[3] = true;
		else
			values[3] = Int32GetDatum(idx);
		values[4] = CStringGetTextDatum(label.data);
		values[5] = Float8GetDatum(b->points);
		values[6] = Float8GetDatum(card->table.features[i].max_points);
		if (b->has & LR_HAS_WOE)
			values[7] = Float8GetDatum(b->woe);
		else
			nulls[7] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
