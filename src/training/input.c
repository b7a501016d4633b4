/*
 * input.c
 *	  The inputs of a training call, resolved once (see input.h): the
 *	  options document, the source, the target and the features with their
 *	  kinds; and the pre-binning pass over them.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"

#include "common/lr_pg.h"
#include "common/lr_row.h"
#include "training/input.h"

void
lr_train_options_arg(FunctionCallInfo fcinfo, int argno, LrOptMode mode, LrTrainOptions *o)
{
	LrAlloc		a;
	LrArena		arena;
	LrJsonOptions jo;
	LrError		err = {0};
	char	   *s = PG_ARGISNULL(argno) ? "{}" :
		DatumGetCString(DirectFunctionCall1(jsonb_out, PG_GETARG_DATUM(argno)));

	lr_pg_alloc_init(&a, CurrentMemoryContext);
	lr_arena_init(&arena, &a, 0);
	lr_pg_json_options(&jo);
	if (!lr_train_options_parse(s, strlen(s), mode, &arena, &jo, o, &err))
		lr_pg_raise(&err, "invalid options");
}

static bool
IsNumericType(Oid base)
{
	return base == INT2OID || base == INT4OID || base == INT8OID || base == FLOAT4OID ||
		base == FLOAT8OID || base == NUMERICOID;
}

static int
CmpDouble(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return x < y ? -1 : x > y;
}

/* Every column of the source but the target. */
static char **
AllColumns(const LrSource *src, const char *target, int *n)
{
	TupleDesc	all = lr_source_describe(src, "*");
	char	  **names = palloc(sizeof(char *) * Max(all->natts, 1));
	bool		found = false;

	*n = 0;
	for (int i = 0; i < all->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(all, i);

		if (att->attisdropped)
			continue;
		if (strcmp(NameStr(att->attname), target) == 0)
		{
			found = true;
			continue;
		}
		names[(*n)++] = pstrdup(NameStr(att->attname));
	}
	if (!found)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" does not exist in the source", target)));
	return names;
}

/*
 * Column j + 1 of desc as a feature: numeric or categorical by its type and
 * its options.  A column of neither kind is dropped with a reason when the
 * features were not listed (all columns), an error otherwise.
 */
static void
ResolveFeature(LrTrainInput *in, TupleDesc desc, int j, const char *name, bool listed,
			   LrTrainOptions *opts)
{
	Oid			type = TupleDescAttr(desc, j + 1)->atttypid;
	LrFeatOpt  *entry;
	const LrBinOptions *bo = lr_train_options_for(opts, name, &entry);
	LrFeatureCol *c = &in->feat[in->nfeat];
	bool		numeric = IsNumericType(getBaseType(type));
	bool		categorical = !numeric && lr_conv_for(type, LR_FIELD_CATEGORICAL) >= 0;

	if (!numeric && !categorical)
	{
		if (!listed)
		{
			in->dropped_name[in->ndropped] = (char *) name;
			in->dropped_reason[in->ndropped] =
				psprintf("type %s is neither numeric nor categorical", format_type_be(type));
			in->ndropped++;
			return;
		}
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("feature \"%s\" has type %s, which is neither numeric nor categorical",
						name, format_type_be(type))));
	}
	if (categorical && bo->type == LR_FTYPE_NUMERIC)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("feature \"%s\" has type %s and cannot be binned as numeric",
						name, format_type_be(type))));
	c->name = (char *) name;
	c->type = type;
	c->opt = bo;
	c->cast_text = numeric && bo->type == LR_FTYPE_CATEGORICAL;
	c->kind = (numeric && !c->cast_text) ? LR_PREBIN_NUMERIC : LR_PREBIN_CATEGORICAL;
	c->sql = c->cast_text ? psprintf("(%s)::pg_catalog.text", quote_identifier(name)) :
		pstrdup(quote_identifier(name));
	if (c->kind == LR_PREBIN_CATEGORICAL && entry != NULL &&
		(entry->given_special || entry->given_splits))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid options: features.%s: special values and split points apply to numeric features only",
						name),
				 errdetail("Feature \"%s\" is categorical.", name)));
	in->nfeat++;
}

/* Every special value and split point of a numeric feature is counted exactly. */
static void
CollectPins(LrTrainInput *in)
{
	int			cap = 0,
				w = 0;

	for (int j = 0; j < in->nfeat; j++)
		if (in->feat[j].kind == LR_PREBIN_NUMERIC)
			cap += (int) (in->feat[j].opt->nspecial + in->feat[j].opt->nsplits);
	in->pins = palloc(sizeof(double) * Max(cap, 1));
	for (int j = 0; j < in->nfeat; j++)
	{
		const LrBinOptions *bo = in->feat[j].opt;

		if (in->feat[j].kind != LR_PREBIN_NUMERIC)
			continue;
		for (size_t i = 0; i < bo->nspecial; i++)
			in->pins[in->npins++] = bo->special[i];
		for (size_t i = 0; i < bo->nsplits; i++)
			in->pins[in->npins++] = bo->splits[i];
	}
	qsort(in->pins, in->npins, sizeof(double), CmpDouble);
	for (int i = 0; i < in->npins; i++)
		if (w == 0 || in->pins[w - 1] != in->pins[i])
			in->pins[w++] = in->pins[i];
	in->npins = w;
	if (in->npins > LR_PREBIN_MAX_EXACT_VALUES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%d distinct special values and split points are more than the limit of %d",
						in->npins, LR_PREBIN_MAX_EXACT_VALUES)));
}

void
lr_train_input_resolve(const char *source, const char *target, ArrayType *features,
					   LrTrainOptions *opts, const char *fn, LrTrainInput *in)
{
	StringInfoData list;
	TupleDesc	desc;
	char	  **names;
	int			n;

	memset(in, 0, sizeof(*in));
	lr_source_resolve(source, &in->src);
	if (target == NULL || target[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target column name is empty")));
	in->target = target;
	if (features != NULL)
	{
		names = lr_feature_names(features, target, &n);
		if (n == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("features is empty"),
					 errhint("Pass NULL to use every column of the source but the target.")));
	}
	else
		names = AllColumns(&in->src, target, &n);
	initStringInfo(&list);
	appendStringInfoString(&list, quote_identifier(target));
	for (int j = 0; j < n; j++)
		appendStringInfo(&list, ", %s", quote_identifier(names[j]));
	desc = lr_source_describe(&in->src, list.data);
	in->target_sql = lr_target_sql(desc, target);

	in->feat = palloc0(sizeof(LrFeatureCol) * Max(n, 1));
	in->dropped_name = palloc(sizeof(char *) * Max(n, 1));
	in->dropped_reason = palloc(sizeof(char *) * Max(n, 1));
	for (int j = 0; j < n; j++)
		ResolveFeature(in, desc, j, names[j], features != NULL, opts);
	for (size_t i = 0; i < opts->nfeat; i++)
		if (!opts->feat[i].used)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid options: features: feature \"%s\" is not among the features",
							opts->feat[i].name)));
	if (in->nfeat == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the source has no feature column", fn)));
	if (in->nfeat > LR_TRAIN_MAX_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%d features are more than the %d one pass takes", in->nfeat,
						LR_TRAIN_MAX_FEATURES),
				 errhint("Pass the features to consider in the features argument.")));
	CollectPins(in);
}

char *
lr_train_arrays_sql(const LrTrainInput *in, const int *feat, int n, char **kinds)
{
	StringInfoData num;
	StringInfoData cat;
	char	   *k = palloc(n + 1);
	int			nn = 0,
				nc = 0;

	initStringInfo(&num);
	initStringInfo(&cat);
	for (int i = 0; i < n; i++)
	{
		const LrFeatureCol *c = &in->feat[feat[i]];

		/* Numbers of any type as float8, categories of any type as text: SQL's casts. */
		if (c->kind == LR_PREBIN_NUMERIC)
			appendStringInfo(&num, "%s(%s)::pg_catalog.float8", nn++ ? ", " : "", quote_identifier(c->name));
		else
			appendStringInfo(&cat, "%s(%s)::pg_catalog.text", nc++ ? ", " : "", quote_identifier(c->name));
		k[i] = c->kind == LR_PREBIN_NUMERIC ? 'n' : 'c';
	}
	k[n] = '\0';
	if (kinds != NULL)
		*kinds = k;
	return psprintf(", ARRAY[%s]::pg_catalog.float8[], ARRAY[%s]::pg_catalog.text[]", num.data, cat.data);
}

LrPrebinState *
lr_train_prebin_pass(const LrTrainInput *in, const LrAlloc *a, const char *fn, int pass)
{
	StringInfoData sql;
	TimestampTz start = GetCurrentTimestamp();
	LrPrebinState *st;
	Oid			types[3] = {FLOAT8ARRAYOID, INT4OID, TEXTOID};
	Datum		values[3];
	int		   *all = palloc(sizeof(int) * Max(in->nfeat, 1));
	char	   *kinds;
	char	   *arrays;

	for (int j = 0; j < in->nfeat; j++)
		all[j] = j;
	arrays = lr_train_arrays_sql(in, all, in->nfeat, &kinds);

	/*
	 * The features as arrays (argument types that Citus can check, so each
	 * shard computes a partial state), in their given order (kinds); the
	 * exact values, loan_risk.binning_max_distinct and the order travel as
	 * parameters, so every shard counts alike whatever its own settings.
	 */
	values[0] = lr_float8_array_datum(in->pins, in->npins);
	values[1] = Int32GetDatum(lr_binning_max_distinct);
	values[2] = CStringGetTextDatum(kinds);
	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT loan_risk.prebin_partial(%s%s, $1::pg_catalog.float8[], $2::pg_catalog.int4, $3::pg_catalog.text) FROM %s",
					 in->target_sql, arrays, in->src.from);
	st = lr_run_state_pass_params(sql.data, "source", 3, types, values, &lr_prebin_ops, a);
	if (st == NULL || st->nfeatures == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("%s: the source has no rows", fn)));
	lr_pass_notice(fn, pass, "binning", st->total[0] + st->total[1] + st->skipped, start);
	return st;
}
