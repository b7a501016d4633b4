/*
 * input.h
 *	  The inputs of a training call (binning(), train_scorecard): the source,
 *	  the target and the features with their kinds and options, resolved
 *	  once; and the pre-binning pass over them.
 */
#ifndef LR_TRAINING_INPUT_H
#define LR_TRAINING_INPUT_H

#include "postgres.h"

#include "utils/array.h"

#include "training/options.h"
#include "training/prebin.h"
#include "training/training_pg.h"

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

/* The options document in argument argno (jsonb, NULL: {}), parsed and checked. */
extern void lr_train_options_arg(FunctionCallInfo fcinfo, int argno, LrOptMode mode,
								 LrTrainOptions *o);

/*
 * Resolves the source, the target and the features (NULL: every column but
 * the target), with their kinds from their types and the options.
 */
extern void lr_train_input_resolve(const char *source, const char *target, ArrayType *features,
								   LrTrainOptions *opts, const char *fn, LrTrainInput *in);

/*
 * The features feat[0..n-1] (indices into in->feat) as the arguments the
 * aggregates take: ", ARRAY[numeric ones]::float8[], ARRAY[categorical
 * ones]::text[]", each in the given order; kinds (when not NULL) gets one
 * letter per feature, 'n' or 'c', in that order.
 */
extern char *lr_train_arrays_sql(const LrTrainInput *in, const int *feat, int n, char **kinds);

/* The pre-binning pass over every feature; NOTICE as pass number pass. */
extern LrPrebinState *lr_train_prebin_pass(const LrTrainInput *in, const LrAlloc *a,
										   const char *fn, int pass);

#endif							/* LR_TRAINING_INPUT_H */
