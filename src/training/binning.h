/*
 * binning.h
 *	  Optimal binning of one feature from a pre-binning state: equal-frequency
 *	  pre-bins, then the partition of the pre-bins that maximises information
 *	  value under the constraints (dynamic programming, exact), then WOE and
 *	  IV through src/stats/woe.h.  Categorical features are grouped by bad
 *	  rate the same way.  Pure C.
 *
 * The objective is the IV of the feature's bins (range bins or category
 * groups, plus the fixed missing and special bins) as lr_woe_compute reports
 * it.  To keep it a sum over bins with fixed denominators, no range bin or
 * category group may lack goods or bads (such a bin has no finite WOE);
 * the fixed bins' empty-cell correction enters the denominators.
 *
 * Ties: a solution replaces the best one found so far only when its IV is
 * larger by more than 1e-12 (absolute, or relative above 1).  Final
 * solutions are tried with fewer bins first, and within a number of bins in
 * a fixed order (earlier starts of the last bin first, and within the search
 * earlier starts of the previous bin), so among (near-)equal IVs the fewest
 * bins win, then the partition found first.
 *
 * Shapes.  trend "auto" solves all four shapes of the bad rate (ascending,
 * descending, peak: up then down, valley: down then up) and keeps the
 * better monotone one unless a turning one passes a penalised likelihood
 * test (binning.c, Solve): a turn must raise the binomial log-likelihood of
 * the range rows by more than the BIC's price of its extra bins plus one bin
 * for where it turns, so small samples and noise stay monotone.  The test's
 * figures are written in the feature's "binning" object ("shape_test").
 */
#ifndef LR_TRAINING_BINNING_H
#define LR_TRAINING_BINNING_H

#include "common/lr_base.h"
#include "scoring/card.h"
#include "training/bin_options.h"
#include "training/prebin.h"

/* One bin of a binned feature. */
typedef struct LrBinOut
{
	LrBinKind	kind;			/* card.h: RANGE, VALUES, SPECIAL, MISSING, UNSEEN */
	double		lower;			/* RANGE: inclusive lower bound (-inf for the first) */
	double		upper;			/* RANGE: exclusive upper bound (+inf for the last) */
	double		value;			/* SPECIAL */
	size_t		nvalues;		/* VALUES */
	const char **values;
	size_t	   *valuelens;
	int64_t		count;
	int64_t		bads;
	double		woe;
	double		iv;
	bool		no_rows;		/* no training rows: WOE from the unseen policy */
} LrBinOut;

/* The auto trend's comparison of the best monotone and turning solutions. */
typedef struct LrBinShapeTest
{
	bool		done;			/* both shapes feasible and the turning one of larger IV */
	LrTrend		monotone;
	LrTrend		turning;
	double		gain;			/* 2 (LL_turning - LL_monotone), at least 0 */
	double		price;			/* ln(N) * max(1, extra bins + 1) */
} LrBinShapeTest;

typedef struct LrBinned
{
	const char *name;
	LrFeatType	type;			/* NUMERIC or CATEGORICAL */
	size_t		nbins;
	LrBinOut   *bins;			/* ranges in order, or category groups by bad rate */
	LrBinOut	missing;
	size_t		nspecial;
	LrBinOut   *special;
	LrBinOut	unseen;			/* categorical */
	double		iv;
	int64_t		rows;
	int64_t		bads;
	LrTrend		requested;
	LrTrend		trend;			/* the one applied (auto resolved) */
	LrBinShapeTest shape_test;	/* auto, numeric */
	size_t		nprebins;
	bool		approximate;	/* numeric runs are buckets (shift > 0) */
	int			shift;
	double		relative_width; /* approximate: a bucket's relative width bound */
	double		max_bucket_share;	/* approximate: the largest bucket's share */
	size_t		ncategories;
	size_t		nrare;			/* categories pooled as rare */
} LrBinned;

/*
 * Bins feature j of a compacted state with options o.  Errors (LrError,
 * false) name the feature and the constraint that cannot be met.
 */
extern bool lr_bin_feature(const LrPrebinState *st, uint32_t j, const char *name,
						   const LrBinOptions *o, LrArena *arena, LrBinned *out, LrError *err);

/* ---------------------------------------------------------------- the search */

typedef struct LrDpProblem
{
	size_t		n;				/* pre-bins, in order */
	const int64_t *goods;
	const int64_t *bads;
	const bool *forced;			/* forced[i]: a bin must start at pre-bin i (i >= 1); may be NULL */
	const bool *exempt;			/* exempt[i]: pre-bin i alone is a bin whatever its share; may be NULL */
	double		G;				/* share denominators (corrected totals of the feature) */
	double		B;
	double		N;				/* rows, for min_share */
	double		min_share;
	int			max_bins;
	double		min_diff;
	LrTrend		trend;			/* not AUTO */
} LrDpProblem;

typedef struct LrDpResult
{
	bool		feasible;
	size_t		ngroups;
	size_t	   *starts;			/* first pre-bin of each group (starts[0] = 0) */
	double		iv;
} LrDpResult;

/* Exact optimum (dynamic programming); infeasible is not an error. */
extern bool lr_bin_optimal(const LrDpProblem *p, LrArena *arena, LrDpResult *r, LrError *err);

/* ---------------------------------------------------------------- results (binned.c) */

/* Points of a bin in a card: -factor * coefficient * woe, rounded when asked, never -0. */
extern double lr_bin_points(double woe, double coefficient, double factor, bool round_points);

/*
 * Feature f of a card (the builder of scoring/card.h, before lr_card_finish)
 * from a binned feature: its bins with WOE, IV and counts, each bin's points
 * at this coefficient and factor, and under "binning" how it was binned.
 * False when arena runs out of memory.
 */
extern bool lr_binned_card_feature(const LrBinned *b, const LrBinOptions *o, double coefficient,
								   double factor, bool round_points, LrArena *arena, LrFeature *f);

/*
 * A binned feature as an object of the binning document (binning(),
 * prebin_bins()): bins with lower bounds, goods and bad rates besides.
 * NULL when arena runs out of memory.
 */
extern LrJson *lr_binned_json(const LrBinned *b, const LrBinOptions *o, LrArena *arena);

#endif							/* LR_TRAINING_BINNING_H */
