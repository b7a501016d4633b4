/*
 * card.h
 *	  The scorecard core, pure C (no PostgreSQL calls; the parser is fuzzed
 *	  as it runs): the card as a C structure, its builder, its one canonical
 *	  writer, and the compiled points table that every evaluator of a card
 *	  reads.  This is scoring's public header for the card: other areas use
 *	  what is declared here (and scoring/scorecard.h for the SQL type,
 *	  scoring/score.h for the server-side helpers), never a loop of their own
 *	  over a card's bins.
 *
 * Contract
 *
 *	 1. A card (LrCard) is made in one of two ways, and both end in
 *		lr_card_finish, which validates everything a card promises (points
 *		within +-1e15, ascending bounds, no category or special value listed
 *		twice, unique feature names of at most 63 bytes, positive scaling)
 *		and compiles the points table (card->table):
 *		  - from JSON text: lr_card_parse / lr_card_from_json;
 *		  - in memory: lr_card_alloc, lr_feature_alloc, lr_bin_alloc_values,
 *			set the fields, lr_card_finish.
 *		Errors name the JSON path the card's text form would have
 *		("features[0].bins[2].upper: 5 is not greater than ...").
 *	 2. lr_card_write is the only writer of a card's text: fixed key order,
 *		shortest round-trip numbers; free-form members (binning, statistics,
 *		training, metadata) in jsonb's key order.  The text of a finished
 *		card parses back to the same card.
 *	 3. A value reaches its bin only through the table's code functions:
 *		lr_code_number (NaN too), lr_code_text, lr_code_null.  A code
 *		numbers a feature's bins: its range or value bins in order, then its
 *		special bins, then missing, then unseen (LrTableFeature.ncodes in
 *		all).  LR_CODE_NONE means the card has no bin for the value (no
 *		missing bin for NULL or NaN, no unseen bin for an unlisted
 *		category); the caller reports it in its own words.
 *	 4. Points are added only by lr_table_score (one row: a code per
 *		feature) and lr_table_score_batch (many rows, feature by feature):
 *		base points first, then each feature's points in card order.  The
 *		same codes give the same double in both, and so in score(), pd(),
 *		matching, training and decisions.
 *	 5. A finished card and its table are read-only: one card may be read
 *		by any number of threads at once.  The free-form members (binning,
 *		statistics, training, metadata) are no part of the table and may
 *		be set after lr_card_finish (training records its scores there).
 *
 * Format "loan_risk.scorecard/1" (see doc/scorecard.md): numeric bins are
 * [previous upper, upper), the first starting at -Infinity, the last with
 * upper null meaning +Infinity; special values are checked before bins;
 * NULL and NaN go to "missing"; categorical values not listed go to
 * "unseen".
 */
#ifndef LR_CARD_H
#define LR_CARD_H

#include "common/lr_json.h"

#define LR_CARD_FORMAT		"loan_risk.scorecard/1"
#define LR_CARD_NAME_MAX	63	/* a feature name longer than a column name never matches */
#define LR_CARD_POINTS_MAX	1e15	/* |points| and |base points|: no sum of them can overflow */

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
	const LrJson *binning;		/* free-form, kept verbatim */
} LrFeature;

/* ---------------------------------------------------------------- the points table */

#define LR_CODE_NONE	(-1)

/* Numeric features without special values and with at most this many finite bounds count them. */
#define LR_CODE_DIRECT_MAX 16

/* Categorical lookup: open addressing over (value -> code). */
typedef struct LrCatHash
{
	size_t		mask;			/* capacity - 1, capacity a power of two */
	const char **keys;			/* NULL = empty slot */
	size_t	   *keylens;
	int32_t    *code;
} LrCatHash;

typedef struct LrTableFeature
{
	const double *points;		/* ncodes: the points of each code */
	const double *uppers;		/* numeric: the nup finite upper bounds, ascending */
	int32_t		nup;
	bool		direct;			/* numeric, no special values, nup <= LR_CODE_DIRECT_MAX */
	int32_t		missing;		/* code of NULL and NaN, or LR_CODE_NONE */
	int32_t		unseen;			/* categorical: code of an unlisted value, or LR_CODE_NONE */
	int32_t		ncodes;
	LrFeatureKind kind;
	size_t		nspecial;		/* numeric: special values, sorted, and the code of each */
	const double *special;
	const int32_t *special_code;
	LrCatHash	cat;			/* categorical: listed value -> code */
	const double *woe;			/* ncodes: each bin's WOE, NaN where it has none */
	const LrBin *const *bin;	/* ncodes: the card's bin of each code */
	double		max_points;		/* the largest points of any code */
	const LrFeature *feature;
} LrTableFeature;

typedef struct LrCardTable
{
	double		base_points;
	size_t		nfeatures;
	const LrTableFeature *features; /* in card order */
} LrCardTable;

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
	const LrJson *statistics;	/* free-form, kept verbatim */
	const LrJson *training;
	const LrJson *metadata;
	/* Compiled by lr_card_finish. */
	LrCardTable table;
	double		log_base_odds;	/* ln base_odds, when has_scaling */
} LrCard;

/* ---------------------------------------------------------------- making a card */

/*
 * Parses and validates JSON; on failure err names the JSON path and the
 * value.  opts->tick is ticked per JSON value, bin and category.
 */
extern bool lr_card_parse(const char *text, size_t len, LrArena *arena,
						  const LrJsonOptions *opts, LrCard **out, LrError *err);
/* The same from a parsed JSON object (embedded in a larger document); tick may be NULL. */
extern bool lr_card_from_json(const LrJson *root, LrArena *arena, LrTick *tick, LrCard **out,
							  LrError *err);

/*
 * The builder.  lr_card_alloc gives a card of nfeatures zeroed features
 * (base points 0, no scaling); lr_feature_alloc names feature f and gives
 * it nbins range (numeric) or value (categorical) bins, nspecial special
 * bins and, when asked, a missing and an unseen bin, each with its kind
 * set and everything else zero; lr_bin_alloc_values gives a value or
 * special bin room for n values.  The caller sets the rest (bounds,
 * values, points, LR_HAS_* statistics, texts, free-form members made with
 * lr_json.h), then calls lr_card_finish once.  All memory comes from arena;
 * NULL / false means out of memory.
 */
extern LrCard *lr_card_alloc(LrArena *arena, size_t nfeatures);
extern bool lr_feature_alloc(LrFeature *f, LrArena *arena, const char *name, LrFeatureKind kind,
							 size_t nbins, size_t nspecial, bool missing, bool unseen);
extern bool lr_bin_alloc_values(LrBin *b, LrArena *arena, size_t n);

/* Validates the card (see the contract) and compiles card->table. */
extern bool lr_card_finish(LrCard *card, LrArena *arena, LrError *err);
/* The same, ticking tick (may be NULL) per bin and value (see LrTick). */
extern bool lr_card_finish_tick(LrCard *card, LrArena *arena, LrTick *tick, LrError *err);

/* ---------------------------------------------------------------- writing */

/* Canonical JSON text: fixed key order, shortest round-trip numbers. */
extern bool lr_card_write(const LrCard *card, LrBuf *out);

/* ---------------------------------------------------------------- codes */

extern int32_t lr_code_number_slow(const LrTableFeature *f, double v);

/*
 * The code of a numeric value.  Inline for the common case (no special
 * values, at most 16 bounds): the code is the number of finite upper
 * bounds <= v, counted without branches.
 */
static inline int32_t
lr_code_number(const LrTableFeature *f, double v)
{
	int32_t		code = 0;

	if (__builtin_expect(v != v, 0))	/* NaN */
		return f->missing;
	if (!f->direct)
		return lr_code_number_slow(f, v);
	for (int32_t i = 0; i < f->nup; i++)
		code += (v >= f->uppers[i]);
	return code;
}

/* The code of a categorical value (bytes, not NUL-terminated): its bin, else unseen. */
extern int32_t lr_code_text(const LrTableFeature *f, const char *s, size_t len);

/* The code of NULL. */
static inline int32_t
lr_code_null(const LrTableFeature *f)
{
	return f->missing;
}

/* ---------------------------------------------------------------- points */

/* One row: base points, then the points of codes[i] of feature i, in card order. */
static inline double
lr_table_score(const LrCardTable *t, const int32_t *codes)
{
	const LrTableFeature *f = t->features;
	double		s = t->base_points;

	for (size_t i = 0; i < t->nfeatures; i++, f++)
		s += f->points[codes[i]];
	return s;
}

/*
 * n rows, feature by feature: s[j] = the lr_table_score of the codes
 * codes[0][j], codes[1][j], ... (the same additions in the same order, so
 * the same doubles).  Every code must be a valid one.
 */
extern void lr_table_score_batch(const LrCardTable *t, const int32_t *const *codes, size_t n,
								 double *s);

/* ---------------------------------------------------------------- reading a card */

/* Label shown for a bin: its own "label", else one derived from its bounds or values. */
extern bool lr_bin_label(const LrFeature *f, const LrBin *b, LrBuf *out);

/* Lower bound of a range bin (-inf for the first). */
extern double lr_bin_lower(const LrFeature *f, const LrBin *b);

/* Log-odds of default at a score: ln base_odds + (score - base_score) / pdo * ln 2. */
extern double lr_card_log_odds(const LrCard *card, double score);

/* pd = 1 / (1 + base_odds * 2^((score - base_score) / pdo)), computed without overflow. */
extern double lr_card_pd(const LrCard *card, double score);

#endif							/* LR_CARD_H */
