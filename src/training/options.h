/*
 * options.h
 *	  The options documents of train_scorecard, binning and logistic_fit:
 *	  parsed and validated in pure C (fuzzed by test/fuzz/training_fuzz.c),
 *	  and written back with every default filled in, for the card's audit
 *	  record.
 *
 * train_scorecard (every member optional; see doc/training.md):
 *
 *   {"name": text, "description": text,
 *    "binning":   {"max_bins", "min_bin_share", "trend", "min_bad_rate_diff",
 *                  "max_prebins", "special_values", "unseen"},
 *    "features":  {"<feature>": {the binning members, "splits", "type"}},
 *    "selection": {"min_iv", "max_correlation", "max_vif", "stepwise", "check_signs"},
 *    "fit":       {"max_iterations", "tolerance", "l2"},
 *    "scaling":   {"pdo", "base_score", "base_odds", "round_points"}}
 *
 * binning() takes "binning" and "features" only; logistic_fit takes
 *
 *   {"max_iterations", "tolerance", "l2", "intercept", "weight", "offset"}.
 */
#ifndef LR_TRAINING_OPTIONS_H
#define LR_TRAINING_OPTIONS_H

#include "common/lr_json.h"
#include "training/bin_options.h"

typedef enum LrOptMode
{
	LR_OPT_TRAIN,
	LR_OPT_BINNING
} LrOptMode;

typedef enum LrStepwise
{
	LR_STEPWISE_NONE = 0,
	LR_STEPWISE_AIC,
	LR_STEPWISE_BIC
} LrStepwise;

typedef struct LrFeatOpt
{
	const char *name;
	LrBinOptions bin;			/* defaults, then "binning", then this feature's members */
	bool		given_special;	/* set by this feature's own members */
	bool		given_splits;
	bool		given_type;
	const LrJson *json;			/* the feature's member object, for the echo */
	bool		used;			/* matched a feature of the call */
} LrFeatOpt;

typedef struct LrTrainOptions
{
	LrBinOptions bin;
	size_t		nfeat;
	LrFeatOpt  *feat;

	double		min_iv;
	double		max_correlation;	/* 1: off */
	double		max_vif;		/* 0: off */
	LrStepwise	stepwise;
	bool		check_signs;

	int			max_iterations;
	double		tolerance;
	double		l2;

	double		pdo;
	double		base_score;
	double		base_odds;
	bool		round_points;

	const char *name;			/* NULL: none */
	const char *description;
} LrTrainOptions;

typedef struct LrFitOptions
{
	int			max_iterations;
	double		tolerance;
	double		l2;
	bool		intercept;
	const char *weight;			/* column names, or NULL */
	const char *offset;
} LrFitOptions;

extern void lr_train_options_default(LrTrainOptions *o);
extern bool lr_train_options_parse(const char *text, size_t len, LrOptMode mode, LrArena *arena,
								   const LrJsonOptions *jopts, LrTrainOptions *o, LrError *err);
/* The options of one feature (its own entry, or the common ones); marks the entry used. */
extern const LrBinOptions *lr_train_options_for(LrTrainOptions *o, const char *name, LrFeatOpt **entry);
/* Every option with its value in effect, as JSON (a value in arena, or its text). */
extern LrJson *lr_train_options_json(const LrTrainOptions *o, LrOptMode mode, LrArena *arena);
extern bool lr_train_options_write(const LrTrainOptions *o, LrOptMode mode, LrBuf *out);

extern void lr_fit_options_default(LrFitOptions *o);
extern bool lr_fit_options_parse(const char *text, size_t len, LrArena *arena,
								 const LrJsonOptions *jopts, LrFitOptions *o, LrError *err);
extern LrJson *lr_fit_options_json(const LrFitOptions *o, LrArena *arena);
extern bool lr_fit_options_write(const LrFitOptions *o, LrBuf *out);

#endif							/* LR_TRAINING_OPTIONS_H */
