/*
 * bin_options.h
 *	  The options of the binning of one feature (what binning(),
 *	  prebin_bins() and train_scorecard take under "binning" and per
 *	  feature), their defaults and limits.  Pure C.
 */
#ifndef LR_TRAINING_BIN_OPTIONS_H
#define LR_TRAINING_BIN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum LrTrend
{
	LR_TREND_AUTO = 0,
	LR_TREND_ASCENDING,
	LR_TREND_DESCENDING,
	LR_TREND_PEAK,
	LR_TREND_VALLEY,
	LR_TREND_NONE
} LrTrend;

typedef enum LrUnseenPolicy
{
	LR_UNSEEN_WORST = 0,		/* the WOE of the riskiest bin */
	LR_UNSEEN_NEUTRAL			/* WOE 0 */
} LrUnseenPolicy;

typedef enum LrFeatType
{
	LR_FTYPE_AUTO = 0,			/* from the column's type */
	LR_FTYPE_NUMERIC,
	LR_FTYPE_CATEGORICAL
} LrFeatType;

/* Limits of the options (checked by the option parser). */
#define LR_BIN_MAX_BINS		20
#define LR_BIN_MAX_PREBINS	200
#define LR_BIN_MAX_SPLITS	50
#define LR_BIN_MAX_SPECIALS	20

typedef struct LrBinOptions
{
	int			max_bins;		/* 6 */
	double		min_bin_share;	/* 0.05 of the rows */
	LrTrend		trend;			/* auto */
	double		min_bad_rate_diff;	/* 0: none */
	int			max_prebins;	/* 100 */
	LrUnseenPolicy unseen;		/* worst */
	LrFeatType	type;			/* auto */
	size_t		nspecial;
	const double *special;		/* distinct */
	size_t		nsplits;
	const double *splits;		/* strictly ascending */
} LrBinOptions;

extern void lr_bin_options_default(LrBinOptions *o);
extern const char *lr_trend_name(LrTrend t);

#endif							/* LR_TRAINING_BIN_OPTIONS_H */
