/*
 * train.h
 *	  train_scorecard's passes and the state they share (internal to
 *	  src/training).  The driver (train.c) runs them in order:
 *
 *	  bin        pass 1: pre-binning of every feature, then the optimal bins
 *	             of each, WOE and IV; features without information or below
 *	             min_iv are dropped (train.c)
 *	  code       the design card (every candidate's bins and WOE, built with
 *	             the scorecard core's builder) and pass 2 at the
 *	             intercept-only model; in memory, one more pass first codes
 *	             every row as its bins (design_cache.c) (train.c)
 *	  select     correlation and VIF filters on the moments of pass 2
 *	             (train_select.c)
 *	  fit        Newton (IRLS) passes over the kept features, or forward
 *	             stepwise by the score statistic (train_select.c)
 *	  sign-check drops the feature whose coefficient contradicts its WOE and
 *	             refits, until none does (train_select.c)
 *	  scale      the card: points from coefficients, WOE and scaling, made
 *	             with the builder (train_card.c)
 *	  audit      the last pass scores the training rows with the card (AUC,
 *	             KS, Gini), then the statistics and the training record
 *	             (train_card.c)
 *
 * Every query pass gets the design card, the coefficients and the exact
 * values as parameters ($1, $2), never as SQL text.
 */
#ifndef LR_TRAINING_TRAIN_H
#define LR_TRAINING_TRAIN_H

#include "postgres.h"

#include "scoring/card.h"
#include "scoring/scorecard.h"
#include "training/binning.h"
#include "training/design_cache.h"
#include "training/input.h"

#define LR_TRAIN_FN "train_scorecard"

typedef struct LrDropped
{
	const char *name;
	char	   *reason;
} LrDropped;

typedef struct LrTrainer
{
	LrTrainOptions o;
	LrTrainInput in;
	LrAlloc		alloc;
	LrArena		arena;			/* cards and their JSON members */
	int			pass;			/* passes run so far */
	LrDropped  *dropped;
	int			ndropped;

	/* bin */
	LrPrebinState *pst;
	LrBinned   *bins;			/* per input feature */
	int		   *cand;			/* features with information, in input order */
	int			ncand;

	/* code: the design, the features of the WOE passes (indices into in.feat) */
	int			nd;
	int		   *dfeat;
	const char **dnames;		/* nd + 1: "(intercept)", names */
	LrCard	   *design;			/* every bin's WOE, points 0 */
	LrScorecard *dvalue;		/* the design as a value: the passes' $1 */
	char	   *dtail;			/* ", target, f1, ...) FROM source" */
	LrDesignCache *cache;		/* the design in memory; NULL: every pass is a query */
	int			ncache;
	int		   *cache_feat;		/* ncache: input feature of each cached column */
	int		   *dcol;			/* nd: cached column of each design feature */
	double		ybar;
	LrLogitState *st0;			/* the pass at the intercept-only model */
	double		ll0;

	/* select, fit, sign-check */
	bool	   *active;			/* nd + 1: estimated columns */
	double	   *beta;
	LrFitProblem prob;
	LrFitResult res;

	/* scale, audit */
	LrCard	   *card;
	double		auc;
	double		ks;
} LrTrainer;

/* Records a feature left out of the card and why (the card's training record lists them). */
extern void lr_trainer_drop(LrTrainer *t, const char *name, char *reason);

/* Numbers in the reasons of the training record: shortest round trip, "null" for non-finite. */
extern char *lr_trainer_num(double v);

/* Makes the design of feat[0..nd) (indices into in.feat), its value and its pass query. */
extern void lr_trainer_set_design(LrTrainer *t, const int *feat, int nd);

/* One WOE pass at beta over the design: in memory, or a query (an LrFitPassFn). */
extern LrLogitState *lr_trainer_woe_pass(void *arg, const double *beta);

/* The passes, in the order the driver runs them. */
extern void lr_train_bin(LrTrainer *t);
extern void lr_train_code(LrTrainer *t);
extern void lr_train_select(LrTrainer *t);
extern void lr_train_fit(LrTrainer *t);
extern void lr_train_sign_check(LrTrainer *t);
extern void lr_train_scale(LrTrainer *t);
extern void lr_train_audit(LrTrainer *t);

#endif							/* LR_TRAINING_TRAIN_H */
