/*
 * report.h
 *	  The validation report: the figures the server computed (with the
 *	  metrics aggregates and the card) gathered in one structure, and the
 *	  pure C renderer that turns them into a self-contained HTML page with
 *	  inline SVG charts (no script, no external resource).
 *
 * Doubles that are NULL in SQL are NaN here and render as a dash.
 */
#ifndef LR_METRICS_REPORT_H
#define LR_METRICS_REPORT_H

#include "common/lr_json.h"
#include "scoring/card.h"

#define LR_REPORT_MAX_GROUPS 100

typedef struct LrReportOptions
{
	const char *title;			/* NULL: "Validation report: <card name>" */
	const char *outcome;		/* column of the outcome, default "bad" */
	const char *score;			/* column of points; NULL: scored with the card */
	const char *pd;				/* column of PD; NULL: from the score with the card's scaling */
	const char *recent;			/* boolean column: recent (true) / baseline (false); NULL: no PSI */
	bool		csi_all;		/* CSI for every feature of the card (default) */
	size_t		ncsi;
	const char **csi_features;
	int32_t		groups;			/* gains, calibration, Hosmer-Lemeshow, PSI bins: default 10 */
	int32_t		score_bins;		/* score histogram bins: default 20 */
} LrReportOptions;

/*
 * Parses the options argument of validation_report (a JSON object, or NULL
 * for the defaults; null members mean the default): "options.groups: 1 is
 * not an integer from 2 to 100".
 */
extern bool lr_report_options_parse(const LrJson *j, LrArena *arena, LrReportOptions *o,
									LrError *err);

/* Appends s as HTML text (also safe inside double-quoted attributes). */
extern bool lr_html_escape(LrBuf *out, const char *s, size_t len);

/* A point of the ROC / KS curves: rows with risk at or above a threshold. */
typedef struct LrRocPoint
{
	double		risk;			/* threshold */
	double		fpr;			/* share of goods at or above it */
	double		tpr;			/* share of bads at or above it */
	double		share;			/* share of all rows at or above it */
} LrRocPoint;

typedef struct LrGainsRow
{
	int32_t		bucket;
	double		min_risk,
				max_risk;
	int64_t		count,
				bads;
	double		bad_rate,
				cum_count_share,
				cum_bads_share,
				cum_goods_share,
				cum_bad_rate,
				lift,
				cum_lift,
				ks;
} LrGainsRow;

typedef struct LrCalibRow
{
	int32_t		bucket;
	double		min_pd,
				max_pd;
	int64_t		count,
				observed;
	double		expected,
				observed_rate,
				mean_pd,
				hl_term;
} LrCalibRow;

typedef struct LrHistBin
{
	double		lo,
				hi;
	int64_t		goods,
				bads;
} LrHistBin;

/* What the data says about one bin of the card. */
typedef struct LrBinObs
{
	int64_t		count;			/* rows in the bin */
	int64_t		known;			/* rows with an outcome */
	int64_t		bads;
	int64_t		base;			/* baseline rows */
	int64_t		recent;			/* recent rows */
} LrBinObs;

typedef struct LrFeatureObs
{
	bool		show_csi;
	double		csi;			/* NaN without a baseline/recent split */
	double		iv;				/* on the report's data */
	/* per bin, in the card's code order (card.h): range/values bins, special, missing, unseen */
	LrBinObs   *bins;
} LrFeatureObs;

typedef struct LrReportData
{
	const LrCard *card;
	const LrReportOptions *opt;
	const char *version;		/* loan_risk version, or NULL */

	int64_t		rows;			/* rows of the data query */
	int64_t		goods,
				bads;			/* rows with an outcome and a score */
	double		mean_pd;
	double		auc,
				gini,
				ks,
				brier;
	double		hl_stat,
				hl_p;
	int32_t		hl_df,
				hl_groups;		/* hl_df < 0: undefined */

	/* ROC / KS curve, thinned for drawing, descending risk */
	size_t		nroc;
	LrRocPoint *roc;
	LrRocPoint	ks_point;		/* where |tpr - fpr| is largest */

	size_t		ngains;
	LrGainsRow *gains;
	size_t		ncalib;
	LrCalibRow *calib;
	size_t		nhist;
	LrHistBin  *hist;			/* score histogram */

	bool		has_recent;
	int64_t		base_rows,
				recent_rows;
	double		psi;			/* PSI of the score, over groups baseline bins */

	LrFeatureObs *features;		/* card->nfeatures */
} LrReportData;

/* Writes the page; false only when out ran out of memory. */
extern bool lr_report_render(const LrReportData *d, LrBuf *out);

#endif							/* LR_METRICS_REPORT_H */
