/*
 * score.h
 *	  Server side of the scorecard core (card.h): a card compiled once per
 *	  query and bound to the columns of a row, and the code of a SQL value
 *	  in a card's points table, shared by the scoring functions and by every
 *	  area that scores rows with a card (training's passes, the report).
 */
#ifndef LR_SCORE_H
#define LR_SCORE_H

#include "postgres.h"

#include "access/htup_details.h"
#include "access/tupdesc.h"
#include "fmgr.h"

#include "common/lr_base.h"
#include "common/lr_row.h"
#include "scoring/card.h"

typedef struct LrCardCache
{
	MemoryContext cxt;			/* lives as long as this compiled card (the model cache's) */
	LrCard	   *card;

	/* Features bound to the columns of the row type, by name. */
	LrRowBinder binder;

	/* score_columns(): features mapped to argument positions, per card. */
	bool		cols_mapped;
	int		   *col_arg;		/* per feature: argument number */
	LrConv	   *col_conv;
	FmgrInfo   *col_outfn;
	int		   *col_idx;		/* identity, for lr_card_score_values */
	int		   *col_sub;		/* nested "column.field": the field's index, else -1 */
	bool		cols_nested;	/* some feature reads a field of a composite column */
	TupleDesc  *col_desc;		/* nested: the composite column's row type */
	Datum	   *col_values;		/* this row's feature values */
	bool	   *col_nulls;

	/* The last row scored: each feature's code, and its bin for reasons() and score_detail(). */
	int32	   *codes;
	const LrBin **chosen;

	/* reasons(): each feature's reason as a text datum (built once), and scratch for the top n. */
	Datum	   *reason_text;
	void	   *reason_items;
} LrCardCache;

/*
 * The code of a SQL value in feature f of a points table: NULL, or a value
 * read with conv (outfn for enums) as a number or as text.  The one way
 * from a Datum to a bin, for every server-side evaluator of a card.
 */
static inline int32
lr_card_code_datum(const LrTableFeature *f, Datum d, bool isnull, LrConv conv, FmgrInfo *outfn)
{
	char		buf[32];
	size_t		len;
	const char *s;

	if (isnull)
		return lr_code_null(f);
	if (f->kind == LR_FEATURE_NUMERIC)
		return lr_code_number(f, conv == LR_CONV_FLOAT8 ? DatumGetFloat8(d) : lr_conv_number(conv, d));
	s = lr_conv_text(conv, d, outfn, buf, &len);
	return lr_code_text(f, s, len);
}
/*
 * The compiled card of argument argno of this call, built once per distinct
 * value by the model-type helper's cache (common/lr_model_type.h).
 */
extern LrCardCache *lr_card_cache_get(FunctionCallInfo fcinfo, int argno);

/* The scorecard type's compile callback: binds nothing yet, allocates in cxt. */
extern void *lr_card_cache_compile(void *card, LrArena *arena, MemoryContext cxt);

/* Scores one row; fills cc->chosen when want_bins.  Raises on NULLs without a missing bin. */
extern double lr_card_score_row(LrCardCache *cc, HeapTupleHeader row, bool want_bins);

/*
 * Scores feature values given directly: feature i's value is values[idx[i]]
 * (NULL if nulls[idx[i]]), read with conv[i] (outfn[i] for enums).
 */
extern double lr_card_score_values(LrCardCache *cc, const Datum *values, const bool *nulls,
								   const int *idx, const LrConv *conv, FmgrInfo *outfn,
								   bool want_bins);

/* The same, feature i's value being a call's argument args[idx[i]] (read in place). */
extern double lr_card_score_args(LrCardCache *cc, const NullableDatum *args, const int *idx,
								 const LrConv *conv, FmgrInfo *outfn, bool want_bins);

extern const char *lr_card_name(const LrCard *card);

/* reasons(): raises the error of a negative number of reasons. */
extern void lr_card_reasons_check_n(int32 n);

/* The reasons array (text[]) of the row last scored (from its codes), at most n. */
extern Datum lr_card_reasons(LrCardCache *cc, int32 n);

/* Text of feature i's value in the last row scored (NULL when the value was NULL). */
extern char *lr_card_value_text(LrCardCache *cc, int i);

#endif							/* LR_SCORE_H */
