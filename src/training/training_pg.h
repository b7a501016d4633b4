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
#include "utils/array.h"
#include "utils/timestamp.h"

#include "common/lr_base.h"
#include "common/lr_json.h"
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

/* Features in one pass: the aggregates take at most this many columns. */
#define LR_TRAIN_MAX_FEATURES 95

/* The feature names of an array argument: none NULL or empty, none twice, none the target. */
extern char **lr_feature_names(ArrayType *features, const char *target, int *n);

/* The target, column 0 of desc, as the passes read it: boolean, or an integer 0/1. */
extern char *lr_target_sql(TupleDesc desc, const char *target);

/* quote_identifier of a column name, NULL name an error naming what. */
extern const char *lr_quote_column(const char *name);

/*
 * Runs sql, a query returning one row with one column of the state type of
 * ops, and returns the state decoded with a (NULL when the column is NULL).
 * The _params form passes $1..$n as values (lr_query_run_params): cards,
 * coefficients and options never travel as SQL text.
 */
extern void *lr_run_state_pass(const char *sql, const char *what, const LrStateOps *ops,
							   const LrAlloc *a);
extern void *lr_run_state_pass_params(const char *sql, const char *what, int nparams,
									  const Oid *types, const Datum *values,
									  const LrStateOps *ops, const LrAlloc *a);

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

/* A float8[] of n doubles (-0 as 0), for a pass's parameter. */
extern Datum lr_float8_array_datum(const double *v, int n);

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

/* The statistics of a fit, added to obj: logistic_fit's result and a card's "statistics". */
extern bool lr_fit_stats_json(LrJson *obj, LrArena *arena, const LrFitProblem *prob,
							  const LrFitResult *r, bool has_null, double ll0, bool maps);

/* Fingerprint text of a pre-binning state (32 hex digits; src/training/prebin.c). */
struct LrPrebinState;
extern char *lr_prebin_fingerprint(const struct LrPrebinState *st);

#endif							/* LR_TRAINING_PG_H */
