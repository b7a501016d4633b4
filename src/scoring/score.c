/*
 * score.c
 *	  score(), pd(), pd_from_score(), reasons() and score_detail().
 *
 * The card is compiled once per query and cached in fn_extra, keyed on the
 * bytes of the argument (pg_trgm's pattern): a card that changes from row to
 * row (a join against a table of cards) is recompiled when it changes, never
 * confused with the previous one.  Features are bound to the row's columns by
 * name once per row type.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "parser/parse_coerce.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/float.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include "common/lr_pg.h"
#include "scoring/score.h"
#include "scoring/scorecard.h"

PG_FUNCTION_INFO_V1(score);
PG_FUNCTION_INFO_V1(pd);
PG_FUNCTION_INFO_V1(pd_from_score);
PG_FUNCTION_INFO_V1(reasons);
PG_FUNCTION_INFO_V1(score_detail);

static const char *
CardName(const LrCard *card)
{
	return card->name ? card->name : "(unnamed)";
}

LrCardCache *
lr_card_cache_get(FunctionCallInfo fcinfo, int argno)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	LrCardCache *cc = (LrCardCache *) flinfo->fn_extra;
	struct varlena *raw = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(argno));
	Size		keylen;
	MemoryContext old;
	LrScorecard *sc;

	if (cc == NULL)
	{
		cc = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(LrCardCache));
		cc->cxt = AllocSetContextCreate(flinfo->fn_mcxt, "loan_risk scorecard cache",
										ALLOCSET_SMALL_SIZES);
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
	if (cc->card != NULL && keylen == cc->keylen &&
		((cc->keystable && cc->keyptr == raw) || memcmp(cc->key, raw, keylen) == 0))
	{
		cc->keyptr = raw;
		return cc;
	}

	MemoryContextReset(cc->cxt);
	cc->card = NULL;
	cc->bound = false;
	old = MemoryContextSwitchTo(cc->cxt);
	cc->key = palloc(keylen);
	memcpy(cc->key, raw, keylen);
	cc->keylen = keylen;
	cc->keyptr = raw;
	sc = DatumGetLrScorecardP(PointerGetDatum(raw));
	lr_pg_alloc_init(&cc->alloc, cc->cxt);
	lr_arena_init(&cc->arena, &cc->alloc, 0);
	cc->card = lr_scorecard_compile(sc, &cc->arena);
	cc->chosen = palloc0(Max(cc->card->nfeatures, 1) * sizeof(LrBin *));
	MemoryContextSwitchTo(old);
	return cc;
}

static LrConv
NumericConv(Oid base)
{
	switch (base)
	{
		case FLOAT8OID:
			return LR_CONV_FLOAT8;
		case FLOAT4OID:
			return LR_CONV_FLOAT4;
		case INT2OID:
			return LR_CONV_INT2;
		case INT4OID:
			return LR_CONV_INT4;
		case INT8OID:
			return LR_CONV_INT8;
		case NUMERICOID:
			return LR_CONV_NUMERIC;
	}
	return (LrConv) -1;
}

static LrConv
CategoricalConv(Oid base)
{
	char		category;
	bool		preferred;

	switch (base)
	{
		case BPCHAROID:
			return LR_CONV_BPCHAR;
		case NAMEOID:
			return LR_CONV_NAME;
		case BOOLOID:
			return LR_CONV_BOOL;
		case INT2OID:
			return LR_CONV_INT2_TEXT;
		case INT4OID:
			return LR_CONV_INT4_TEXT;
		case INT8OID:
			return LR_CONV_INT8_TEXT;
	}
	if (type_is_enum(base))
		return LR_CONV_ENUM;
	/* text, varchar and string-category varlena types such as citext */
	get_type_category_preferred(base, &category, &preferred);
	if (category == TYPCATEGORY_STRING && get_typlen(base) == -1)
		return LR_CONV_TEXT;
	return (LrConv) -1;
}

/* Binds every feature to a column of the row type of row, by exact name. */
static void
BindRow(LrCardCache *cc, HeapTupleHeader row)
{
	Oid			typid = HeapTupleHeaderGetTypeId(row);
	int32		typmod = HeapTupleHeaderGetTypMod(row);
	const LrCard *card = cc->card;
	TupleDesc	td;
	MemoryContext old;
	int			maxatt = 0;
	size_t		i;

	if (cc->bound && cc->typid == typid && cc->typmod == typmod)
		return;

	old = MemoryContextSwitchTo(cc->cxt);
	td = lookup_rowtype_tupdesc_copy(typid, typmod);
	cc->att = palloc(Max(card->nfeatures, 1) * sizeof(int));
	cc->conv = palloc(Max(card->nfeatures, 1) * sizeof(LrConv));
	cc->outfn = palloc0(Max(card->nfeatures, 1) * sizeof(FmgrInfo));

	for (i = 0; i < card->nfeatures; i++)
	{
		const LrFeature *f = &card->features[i];
		int			a;
		int			found = -1;
		Oid			base;
		LrConv		conv;

		for (a = 0; a < td->natts; a++)
		{
			Form_pg_attribute att = TupleDescAttr(td, a);

			if (!att->attisdropped && strcmp(NameStr(att->attname), f->name) == 0)
			{
				found = a;
				break;
			}
		}
		if (found < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" not found in the applicant row", f->name),
					 errdetail("Scorecard \"%s\" has a feature \"%s\", and the row has no column of that name.",
							   CardName(card), f->name),
					 errhint("Feature names match column names exactly, including case.")));

		base = getBaseType(TupleDescAttr(td, found)->atttypid);
		if (f->kind == LR_FEATURE_NUMERIC)
		{
			conv = NumericConv(base);
			if ((int) conv < 0)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("column \"%s\" has type %s, which numeric feature \"%s\" cannot read",
								f->name, format_type_be(TupleDescAttr(td, found)->atttypid), f->name),
						 errhint("Numeric features read smallint, integer, bigint, real, double precision and numeric columns.")));
		}
		else
		{
			conv = CategoricalConv(base);
			if ((int) conv < 0)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("column \"%s\" has type %s, which categorical feature \"%s\" cannot read",
								f->name, format_type_be(TupleDescAttr(td, found)->atttypid), f->name),
						 errhint("Categorical features read text, varchar, char, name, enum, boolean and integer columns.")));
			if (conv == LR_CONV_ENUM)
			{
				Oid			outfn;
				bool		isvarlena;

				getTypeOutputInfo(base, &outfn, &isvarlena);
				fmgr_info_cxt(outfn, &cc->outfn[i], cc->cxt);
			}
		}
		cc->att[i] = found;
		cc->conv[i] = conv;
		maxatt = Max(maxatt, found + 1);
	}

	/* Deform only as far as the last column a feature uses. */
	td->natts = maxatt;
	cc->tupdesc = td;
	cc->values = palloc(Max(maxatt, 1) * sizeof(Datum));
	cc->nulls = palloc(Max(maxatt, 1) * sizeof(bool));
	cc->typid = typid;
	cc->typmod = typmod;
	cc->bound = true;
	MemoryContextSwitchTo(old);
}

static double
NumericValue(LrConv conv, Datum d)
{
	switch (conv)
	{
		case LR_CONV_FLOAT8:
			return DatumGetFloat8(d);
		case LR_CONV_FLOAT4:
			return (double) DatumGetFloat4(d);
		case LR_CONV_INT2:
			return (double) DatumGetInt16(d);
		case LR_CONV_INT4:
			return (double) DatumGetInt32(d);
		case LR_CONV_INT8:
			return (double) DatumGetInt64(d);
		case LR_CONV_NUMERIC:
			/* Values beyond double range become +/-Infinity: above or below every bound. */
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, d));
		default:
			elog(ERROR, "unexpected numeric conversion %d", (int) conv);
	}
	return 0;
}

/* Text of a categorical value; *buf is scratch for integers. */
static const char *
CategoryValue(LrCardCache *cc, int i, Datum d, char *buf, size_t *len)
{
	switch (cc->conv[i])
	{
		case LR_CONV_TEXT:
		case LR_CONV_BPCHAR:
			{
				text	   *t = DatumGetTextPP(d);
				const char *s = VARDATA_ANY(t);
				size_t		n = VARSIZE_ANY_EXHDR(t);

				if (cc->conv[i] == LR_CONV_BPCHAR)
					while (n > 0 && s[n - 1] == ' ')
						n--;
				*len = n;
				return s;
			}
		case LR_CONV_NAME:
			*len = strlen(NameStr(*DatumGetName(d)));
			return NameStr(*DatumGetName(d));
		case LR_CONV_BOOL:
			*len = DatumGetBool(d) ? 4 : 5;
			return DatumGetBool(d) ? "true" : "false";
		case LR_CONV_INT2_TEXT:
			*len = (size_t) pg_ltoa(DatumGetInt16(d), buf);
			return buf;
		case LR_CONV_INT4_TEXT:
			*len = (size_t) pg_ltoa(DatumGetInt32(d), buf);
			return buf;
		case LR_CONV_INT8_TEXT:
			*len = (size_t) pg_lltoa(DatumGetInt64(d), buf);
			return buf;
		case LR_CONV_ENUM:
			{
				char	   *s = OutputFunctionCall(&cc->outfn[i], d);

				*len = strlen(s);
				return s;
			}
		default:
			elog(ERROR, "unexpected categorical conversion %d", (int) cc->conv[i]);
	}
	return NULL;
}

static void
NoBin(LrCardCache *cc, int i, bool isnull, const char *s, size_t len)
{
	const LrFeature *f = &cc->card->features[i];

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
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("value \"%.*s\" of column \"%s\" is not a category of scorecard feature \"%s\"",
					(int) Min(len, 200), s, f->name, f->name),
			 errhint("Add an \"unseen\" bin to score categories the card does not list.")));
}

double
lr_card_score_row(LrCardCache *cc, HeapTupleHeader row, bool want_bins)
{
	const LrCard *card = cc->card;
	HeapTupleData tuple;
	double		s = card->base_points;
	size_t		i;

	BindRow(cc, row);
	tuple.t_len = HeapTupleHeaderGetDatumLength(row);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = row;
	heap_deform_tuple(&tuple, cc->tupdesc, cc->values, cc->nulls);

	for (i = 0; i < card->nfeatures; i++)
	{
		const LrFeature *f = &card->features[i];
		int			a = cc->att[i];
		const LrBin *b;

		if (cc->nulls[a])
		{
			b = f->missing;
			if (b == NULL)
				NoBin(cc, (int) i, true, NULL, 0);
		}
		else if (f->kind == LR_FEATURE_NUMERIC)
		{
			b = lr_feature_bin_numeric(f, NumericValue(cc->conv[i], cc->values[a]));
			if (b == NULL)
				NoBin(cc, (int) i, false, NULL, 0);
		}
		else
		{
			char		buf[32];
			size_t		len;
			const char *v = CategoryValue(cc, (int) i, cc->values[a], buf, &len);

			b = lr_feature_bin_categorical(f, v, len);
			if (b == NULL)
				NoBin(cc, (int) i, false, v, len);
		}
		s += b->points;
		if (want_bins)
			cc->chosen[i] = b;
	}
	return s;
}

char *
lr_card_value_text(LrCardCache *cc, int i)
{
	const LrFeature *f = &cc->card->features[i];
	int			a = cc->att[i];

	if (cc->nulls[a])
		return NULL;
	if (f->kind == LR_FEATURE_NUMERIC)
	{
		double		v = NumericValue(cc->conv[i], cc->values[a]);

		if (isnan(v))
			return pstrdup("NaN");
		if (isinf(v))
			return pstrdup(v > 0 ? "Infinity" : "-Infinity");
		{
			char		tmp[64];

			lr_format_double(tmp, sizeof(tmp), v);
			return pstrdup(tmp);
		}
	}
	else
	{
		char		buf[32];
		size_t		len;
		const char *v = CategoryValue(cc, i, cc->values[a], buf, &len);

		return pnstrdup(v, len);
	}
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
						CardName(card)),
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

static int
CompareReason(const void *a, const void *b)
{
	const ReasonItem *x = a;
	const ReasonItem *y = b;

	if (x->shortfall != y->shortfall)
		return x->shortfall > y->shortfall ? -1 : 1;
	return x->feature - y->feature;
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
	const LrCard *card = cc->card;
	ReasonItem *items;
	Datum	   *elems;
	int			nitems = 0;
	int			i;

	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of reasons must not be negative, got %d", n)));
	lr_card_score_row(cc, row, true);
	items = palloc(Max(card->nfeatures, 1) * sizeof(ReasonItem));
	for (i = 0; i < (int) card->nfeatures; i++)
	{
		double		shortfall = card->features[i].max_points - cc->chosen[i]->points;

		/* A feature at its best bin is no reason for a decline. */
		if (shortfall > 0)
		{
			items[nitems].feature = i;
			items[nitems].shortfall = shortfall;
			nitems++;
		}
	}
	qsort(items, nitems, sizeof(ReasonItem), CompareReason);
	nitems = Min(nitems, n);
	elems = palloc(Max(nitems, 1) * sizeof(Datum));
	for (i = 0; i < nitems; i++)
	{
		const LrFeature *f = &card->features[items[i].feature];

		elems[i] = CStringGetTextDatum(f->reason ? f->reason : f->name);
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, nitems, TEXTOID, -1, false, TYPALIGN_INT));
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
		values[6] = Float8GetDatum(f->max_points);
		if (b->has & LR_HAS_WOE)
			values[7] = Float8GetDatum(b->woe);
		else
			nulls[7] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
