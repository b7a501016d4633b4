/*
 * card.h
 *	  The scorecard as a C structure: built from JSON with every field
 *	  validated, written back as canonical JSON, and looked up bin by bin.
 *	  Pure C (no PostgreSQL calls) so the parser is fuzzed as it runs.
 *
 * Format "loan_risk.scorecard/1" (see doc/scorecard.md):
 *   numeric bins are [previous upper, upper), the first starting at -Infinity,
 *   the last with upper null meaning +Infinity; special values are checked
 *   before bins; NULL and NaN go to "missing"; categorical values not listed
 *   go to "unseen".
 */
#ifndef LR_CARD_H
#define LR_CARD_H

#include "common/lr_json.h"

#define LR_CARD_FORMAT		"loan_risk.scorecard/1"
#define LR_CARD_NAME_MAX	63	/* a feature name longer than a column name never matches */

typedef enum LrFeatureKind
{
	LR_FEATURE_NUMERIC = 1,
	LR_FEATURE_CATEGORICAL = 2
} LrFeatureKind;

typedef enum LrBinKind
{
	LR_BIN_RANGE = 1,			/* numeric interval */
	LR_BIN_VALUES,				/* categorical value list */
	LR_BIN_SPECIAL,				/* numeric special values */
	LR_BIN_MISSING,				/* NULL or NaN */
	LR_BIN_UNSEEN				/* categorical value not listed */
} LrBinKind;

/* Optional per-bin fields, kept for the text form and the table form. */
#define LR_HAS_WOE		0x01
#define LR_HAS_COUNT	0x02
#define LR_HAS_BADS		0x04
#define LR_HAS_IV		0x08
#define LR_HAS_LABEL	0x10

typedef struct LrBin
{
	LrBinKind	kind;
	double		upper;			/* LR_BIN_RANGE: exclusive upper bound, +inf for the last */
	size_t		nvalues;		/* LR_BIN_VALUES / LR_BIN_SPECIAL */
	const char **values;		/* LR_BIN_VALUES: category texts */
	size_t	   *valuelens;
	double	   *numvalues;		/* LR_BIN_SPECIAL: the special numbers */
	double		points;
	unsigned	has;			/* LR_HAS_* */
	double		woe;
	int64_t		count;
	int64_t		bads;
	double		iv;
	const char *label;
} LrBin;

/* Categorical lookup: open addressing over (value -> bin index). */
typedef struct LrCatHash
{
	size_t		mask;			/* capacity - 1, capacity a power of two */
	const char **keys;			/* NULL = empty slot */
	size_t	   *keylens;
	int32_t    *bin;
} LrCatHash;

typedef struct LrFeature
{
	const char *name;
	LrFeatureKind kind;
	size_t		nbins;
	LrBin	   *bins;
	LrBin	   *missing;		/* NULL if absent */
	size_t		nspecial;
	LrBin	   *special;
	LrBin	   *unseen;			/* categorical only; NULL if absent */
	const char *description;
	const char *reason;			/* adverse-action text for reasons() */
	bool		has_coefficient;
	double		coefficient;
	bool		has_iv;
	double		iv;
	const LrJson *binning;		/* kept verbatim */

	/* Derived when the card is built. */
	double		max_points;		/* over every bin, missing, special and unseen */
	double	   *uppers;			/* finite uppers of the range bins (nbins - 1) */
	size_t		nspecial_values;
	double	   *special_sorted; /* sorted special values */
	int32_t    *special_index;	/* special bin of each sorted value */
	LrCatHash	cat;
} LrFeature;

typedef struct LrCard
{
	const char *name;
	const char *description;
	bool		has_scaling;
	double		pdo;
	double		base_score;
	double		base_odds;
	double		base_points;
	bool		has_intercept;
	double		intercept;
	size_t		nfeatures;
	LrFeature  *features;
	const LrJson *statistics;	/* kept verbatim */
	const LrJson *training;
	const LrJson *metadata;
} LrCard;

/*
 * Parses and validates; on failure err names the JSON path and the value.
 * opts->tick is ticked per JSON value, bin and category.
 */
extern bool lr_card_parse(const char *text, size_t len, LrArena *arena,
						  const LrJsonOptions *opts, LrCard **out, LrError *err);
extern bool lr_card_from_json(const LrJson *root, LrArena *arena, LrCard **out, LrError *err);

/* Canonical JSON text: fixed key order, shortest round-trip numbers. */
extern bool lr_card_write(const LrCard *card, LrBuf *out);

/*
 * Where a value falls.  The result is a pointer to the bin (never NULL when
 * the function returns true); false means the card has no bin for it (no
 * "missing" for NULL/NaN, no "unseen" for an unlisted category).
 */
extern const LrBin *lr_feature_bin_numeric_slow(const LrFeature *f, double v);
extern const LrBin *lr_feature_bin_missing(const LrFeature *f);

/*
 * The bin of a numeric value.  Inline for the common case (no special
 * values, at most 17 bins): the bin index is the number of finite upper
 * bounds <= v, counted without branches.
 */
static inline const LrBin *
lr_feature_bin_numeric(const LrFeature *f, double v)
{
	size_t		n = f->nbins - 1;
	size_t		idx = 0;

	if (__builtin_expect(v != v, 0))	/* NaN */
		return f->missing;
	if (f->nspecial_values > 0 || n > 16)
		return lr_feature_bin_numeric_slow(f, v);
	for (size_t i = 0; i < n; i++)
		idx += (v >= f->uppers[i]);
	return &f->bins[idx];
}
extern const LrBin *lr_feature_bin_categorical(const LrFeature *f, const char *s, size_t len);

/* Label shown for a bin: its own "label", else one derived from its bounds or values. */
extern bool lr_bin_label(const LrFeature *f, const LrBin *b, LrBuf *out);

/* Lower bound of a range bin (-inf for the first). */
extern double lr_bin_lower(const LrFeature *f, const LrBin *b);

/* pd = 1 / (1 + base_odds * 2^((score - base_score) / pdo)), computed without overflow. */
extern double lr_card_pd(const LrCard *card, double score);

extern uint32_t lr_hash_bytes(const char *s, size_t len);

#endif							/* LR_CARD_H */
