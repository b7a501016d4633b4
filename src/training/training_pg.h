/*
 * training_pg.h
 *	  Server-side helpers shared by the training drivers (binning,
 *	  logistic_fit, train_scorecard): the source (a table name or a query),
 *	  its columns, passes run as read-only queries with a NOTICE each, and
 *	  the fit loop.
 */
#ifndef LR_TRAINING_PG_H
#define LR_TRAINING_PG_H

#include "postgres.h"

#include "access/tupdesc.h"
#include "fmgr.h"
#include "utils/timestamp.h"

#include "common/lr_base.h"
#include "common/lr_state_ops.h"
#include "training/logit.h"

/* Settings (src/training/prebin.c), registered by lr_training_init from _PG_init. */
extern int	lr_binning_max_distinct;
extern bool lr_training_in_memory;
extern void lr_training_init(void);

/* A source as given: a table (or view) name, or a SELECT. */
typedef struct LrSource
{
	const char *given;
	char	   *from;			/* a FROM item: "public.t AS lr_source" or "(query) AS lr_source" */
	bool		remote;			/* reads a table whose rows live on other servers: a foreign
								 * table (or one with foreign partitions or children) or a
								 * Citus distributed table, named or in the query */
} LrSource;

extern void lr_source_resolve(const char *given, LrSource *src);

/* Column descriptor of "SELECT list FROM source LIMIT 0" (copied into the current context). */
extern TupleDesc lr_source_describe(const LrSource *src, const char *select_list);

/* quote_identifier of a column name, NULL name an error naming what. */
extern const char *lr_quote_column(const char *name);

/*
 * Runs sql, a query returning one row with one column of the state type of
 * ops, and returns the state decoded with a (NULL when the column is NULL).
 */
extern void *lr_run_state_pass(const char *sql, const char *what, const LrStateOps *ops,
							   const LrAlloc *a);

/* NOTICE "<fn>: pass N (<what>): R rows in S s". */
extern void lr_pass_notice(const char *fn, int pass, const char *what, int64 rows,
						   TimestampTz start);

/*
 * Is argument argno of this call (an aggregate's transition function:
 * argument 0 is the state) a constant?  Then it can be read once per query.
 * In an aggregate the transition's own expression has parameters where the
 * aggregate's arguments are, so the Aggref is consulted.
 */
extern bool lr_arg_is_const(FunctionCallInfo fcinfo, int argno);

/* Text for a double in SQL (shortest round trip); '...'::float8[] of an array. */
extern char *lr_sql_float8_array(const double *v, int n);

/* ---------------------------------------------------------------- fitting */

/* Runs one pass at beta (p values) and returns its state. */
typedef LrLogitState *(*LrFitPassFn) (void *arg, const double *beta);

typedef struct LrFitProblem
{
	int			p;				/* columns: intercept, then features */
	const bool *active;			/* estimated columns (others stay at their beta0 value) */
	const char *const *names;	/* p names, names[0] = "(intercept)" */
	double		l2;
	int			max_iterations;
	double		tolerance;
	const char *fn;				/* for messages */
	LrFitPassFn pass;
	void	   *arg;
} LrFitProblem;

typedef struct LrFitResult
{
	double	   *beta;			/* p */
	double	   *se;				/* p, NaN when inactive */
	double		ll;				/* log-likelihood at beta (unpenalized) */
	int			iterations;		/* Newton steps */
	int			passes;
	bool		converged;
	double		condition_number;
	LrLogitState *st;			/* the pass at beta */
	int			nactive;
} LrFitResult;

/*
 * Fits by Newton-Raphson (IRLS) from beta0; first, when not NULL, is the
 * state of a pass already run at beta0.  Errors name the features of a
 * singular design or of perfect separation; non-convergence and
 * quasi-separation are warnings.
 */
extern void lr_fit_run(const LrFitProblem *prob, const double *beta0, LrLogitState *first,
					   LrFitResult *res);

/* Checks a step state's counts: rows present, no invalid values (names the feature). */
extern void lr_fit_check_state(const LrFitProblem *prob, const LrLogitState *st,
							   const char *weight, const char *offset);

#endif							/* LR_TRAINING_PG_H */

/* ---------------------------------------------------------------- inputs of a training call */

#include "utils/array.h"
#include "training/options.h"
#include "training/prebin.h"

/* Features in one pass: the aggregates take at most this many columns. */
#define LR_TRAIN_MAX_FEATURES 95

typedef struct LrFeatureCol
{
	char	   *name;
	Oid			type;
	uint8_t		kind;			/* LR_PREBIN_NUMERIC or LR_PREBIN_CATEGORICAL */
	bool		cast_text;		/* a numeric column binned as categorical */
	char	   *sql;			/* the expression passed to the aggregates */
	const LrBinOptions *opt;
} LrFeatureCol;

typedef struct LrTrainInput
{
	LrSource	src;
	const char *target;
	char	   *target_sql;		/* boolean, or integer */
	int			nfeat;
	LrFeatureCol *feat;
	int			ndropped;		/* columns left out of a default feature list */
	char	  **dropped_name;
	char	  **dropped_reason;
	int			npins;
	double	   *pins;			/* special values and split points of all features */
} LrTrainInput;

/*
 * Resolves the source, the target and the features (NULL: every column but
 * the target), with their kinds from their types and the options.
 */
extern void lr_train_input_resolve(const char *source, const char *target, ArrayType *features,
								   LrTrainOptions *opts, const char *fn, LrTrainInput *in);

/* The pre-binning pass over every feature; NOTICE as pass number pass. */
extern LrPrebinState *lr_train_prebin_pass(const LrTrainInput *in, const LrAlloc *a,
										   const char *fn, int pass);

/* The binning document of binning() and prebin_bins(): features, totals, options. */
extern char *lr_binning_document(const LrPrebinState *st, const char *const *names,
								 const LrBinOptions *const *opts, int n, const LrTrainOptions *o,
								 LrBinned *out);

/* Fingerprint text of a state (32 hex digits). */
extern char *lr_prebin_fingerprint(const LrPrebinState *st);
