/*
 * fit.c
 *	  The Newton-Raphson (IRLS) driver shared by logistic_fit and
 *	  train_scorecard, and logistic_fit itself: each pass is one read-only
 *	  query over the source running the logit_step_partial aggregate at the
 *	  current coefficients (so it may use parallel workers); the driver keeps
 *	  the coefficients, solves for the next ones by Cholesky, and stops when
 *	  the log-likelihood changes by less than the tolerance.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "common/lr_pg.h"
#include "training/options.h"
#include "training/training_pg.h"

PG_FUNCTION_INFO_V1(logistic_fit);

/* Relative pivot below which a column counts as a combination of the ones before it. */
#define LR_SINGULAR_TOL 1e-10

static double
PenalizedLL(const LrFitProblem *prob, const LrLogitState *st, const double *beta)
{
	double		pen = 0;

	for (int j = 1; j < prob->p; j++)
		if (prob->active[j])
			pen += beta[j] * beta[j];
	return st->ll - 0.5 * prob->l2 * pen;
}

/* The active block of the (penalized) information and score at beta. */
static void
BuildSystem(const LrFitProblem *prob, const LrLogitState *st, const double *beta,
			const int *act, int m, double *H, double *g)
{
	int			p = prob->p;

	for (int a = 0; a < m; a++)
	{
		int			i = act[a];

		g[a] = st->grad[i] - (i > 0 ? prob->l2 * beta[i] : 0);
		for (int b = 0; b < m; b++)
		{
			int			j = act[b];
			int			r = i < j ? i : j;
			int			c = i < j ? j : i;
			size_t		k = (size_t) r * p - (size_t) r * (r - 1) / 2 + (size_t) (c - r);

			H[a * m + b] = st->info[k] + (a == b && i > 0 ? prob->l2 : 0);
		}
	}
}

static void
SingularError(const LrFitProblem *prob, const int *act, int m, const double *H, const double *L,
			  int j)
{
	int			col = act[j];
	double	   *c = palloc(sizeof(double) * Max(j, 1));
	StringInfoData names;
	int			nnamed = 0;
	bool		intercept_only = true;

	initStringInfo(&names);
	if (col == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the design is singular: the rows carry no information on the intercept",
						prob->fn)));
	/* The combination of earlier columns that the failing one equals (on the weighted rows). */
	if (j > 0)
	{
		double	   *Lj = palloc(sizeof(double) * j * j);

		for (int a = 0; a < j; a++)
		{
			c[a] = H[a * m + j];
			for (int b = 0; b < j; b++)
				Lj[a * j + b] = L[a * m + b];
		}
		lr_chol_solve(Lj, j, c);
	}
	for (int a = 0; a < j; a++)
	{
		double		scale = H[j * m + j] > 0 ? sqrt(H[a * m + a] / H[j * m + j]) : 0;

		if (fabs(c[a]) * scale > 1e-6)
		{
			if (act[a] != 0)
			{
				intercept_only = false;
				appendStringInfo(&names, "%s\"%s\"", nnamed > 0 ? ", " : "", prob->names[act[a]]);
				nnamed++;
			}
		}
	}
	if (nnamed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the design is singular: feature \"%s\" is constant",
						prob->fn, prob->names[col]),
				 errdetail("With an intercept, a feature without variation has no coefficient of its own."),
				 errhint("Leave the feature out.")));
	(void) intercept_only;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: the design is singular: feature \"%s\" is a linear combination of %s",
					prob->fn, prob->names[col], names.data),
			 errhint("Leave one of these features out.")));
}

/* Features whose coefficient still moved in the last step, or the largest one. */
static char *
Involved(const LrFitProblem *prob, const double *beta, const double *step)
{
	StringInfoData s;
	int			n = 0;
	int			big = -1;

	initStringInfo(&s);
	for (int j = 1; j < prob->p; j++)
	{
		if (!prob->active[j])
			continue;
		if (step != NULL && fabs(step[j]) > 1e-3 * fmax(1.0, fabs(beta[j])))
		{
			appendStringInfo(&s, "%s\"%s\"", n > 0 ? ", " : "", prob->names[j]);
			n++;
		}
		if (big < 0 || fabs(beta[j]) > fabs(beta[big]))
			big = j;
	}
	if (n == 0 && big > 0)
		appendStringInfo(&s, "\"%s\"", prob->names[big]);
	return s.data;
}

void
lr_fit_check_state(const LrFitProblem *prob, const LrLogitState *st, const char *weight,
				   const char *offset)
{
	int			nx = prob->p - 1;

	if (st == NULL || st->nx < 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("%s: the source has no rows", prob->fn)));
	for (int j = 0; j < nx + 2; j++)
		if (st->invalid[j] > 0)
		{
			if (j < nx)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg_plural("%s: feature \"%s\" is NaN, infinite or beyond 1e100 in absolute value in %lld row",
									   "%s: feature \"%s\" is NaN, infinite or beyond 1e100 in absolute value in %lld rows",
									   (unsigned long) st->invalid[j],
									   prob->fn, prob->names[j + 1], (long long) st->invalid[j]),
						 errdetail("A logistic fit takes feature values and offsets up to 1e100 in absolute value and weights up to 1e50, so that its sums cannot overflow."),
						 errhint("Filter those rows out, or replace or rescale the values in the source query.")));
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg_plural("%s: %s column \"%s\" is NaN, infinite or beyond %s in %lld row",
								   "%s: %s column \"%s\" is NaN, infinite or beyond %s in %lld rows",
								   (unsigned long) st->invalid[j], prob->fn,
								   j == nx ? "weight" : "offset", j == nx ? weight : offset,
								   j == nx ? "1e50" : "1e100 in absolute value",
								   (long long) st->invalid[j]),
					 errdetail("A logistic fit takes feature values and offsets up to 1e100 in absolute value and weights up to 1e50, so that its sums cannot overflow.")));
		}
	if (st->rows == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("%s: no row to fit", prob->fn),
				 errdetail("%lld rows were skipped for a NULL target, feature, weight or offset, or a zero weight.",
						   (long long) st->skipped)));
	if (st->bads == 0 || st->bads == st->rows)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the %lld rows used are all %s", prob->fn, (long long) st->rows,
						st->bads == 0 ? "goods" : "bads"),
				 errdetail("A logistic fit needs both outcomes.")));
}

void
lr_fit_run(const LrFitProblem *prob, const double *beta0, LrLogitState *first, LrFitResult *res)
{
	int			p = prob->p;
	int		   *act = palloc(sizeof(int) * p);
	int			m = 0;
	double	   *beta = palloc(sizeof(double) * p);
	double	   *btry = palloc(sizeof(double) * p);
	double	   *step = palloc0(sizeof(double) * p);
	double	   *H,
			   *L,
			   *g,
			   *delta;
	LrLogitState *st;
	double		pll,
				pll_prev = 0;
	int			k = 0;
	bool		converged = false;
	bool		stepped = false;

	memset(res, 0, sizeof(*res));
	for (int j = 0; j < p; j++)
		if (prob->active[j])
			act[m++] = j;
	memcpy(beta, beta0, sizeof(double) * p);
	H = palloc(sizeof(double) * Max(m * m, 1));
	L = palloc(sizeof(double) * Max(m * m, 1));
	g = palloc(sizeof(double) * Max(m, 1));
	delta = palloc(sizeof(double) * Max(m, 1));
	if (first != NULL)
		st = first;
	else
	{
		st = prob->pass(prob->arg, beta);
		res->passes++;
	}
	lr_fit_check_state(prob, st, NULL, NULL);
	pll = PenalizedLL(prob, st, beta);
	for (;;)
	{
		int			bad;

		CHECK_FOR_INTERRUPTS();
		if (st->misfit == 0 && prob->l2 == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: perfect separation: the features separate bads from goods completely", prob->fn),
					 errdetail("At the coefficients of iteration %d every row is on the side of its own outcome, so the maximum likelihood estimates do not exist (they grow without bound). Features involved: %s.",
							   k, Involved(prob, beta, stepped ? step : NULL)),
					 errhint("Leave out or coarsen the features that predict the outcome exactly, or use an L2 penalty.")));
		if (m == 0)
		{
			converged = true;
			break;
		}
		BuildSystem(prob, st, beta, act, m, H, g);
		bad = lr_cholesky(H, m, L, LR_SINGULAR_TOL);
		if (bad >= 0)
			SingularError(prob, act, m, H, L, bad);
		if (k > 0 && fabs(pll - pll_prev) < prob->tolerance * (fabs(pll) + 0.1))
		{
			converged = true;
			break;
		}
		if (k >= prob->max_iterations)
			break;
		memcpy(delta, g, sizeof(double) * m);
		lr_chol_solve(L, m, delta);
		/* A step that lowers the (concave) objective is halved, as glm.fit does for invalid ones. */
		for (int h = 0;; h++)
		{
			LrLogitState *t;
			double		ptry;

			memcpy(btry, beta, sizeof(double) * p);
			for (int a = 0; a < m; a++)
				btry[act[a]] += delta[a];
			t = prob->pass(prob->arg, btry);
			res->passes++;
			lr_fit_check_state(prob, t, NULL, NULL);
			ptry = PenalizedLL(prob, t, btry);
			if (ptry >= pll - 1e-12 * (fabs(pll) + 1) || h >= 10)
			{
				for (int j = 0; j < p; j++)
					step[j] = btry[j] - beta[j];
				stepped = true;
				memcpy(beta, btry, sizeof(double) * p);
				pll_prev = pll;
				pll = ptry;
				st = t;
				break;
			}
			for (int a = 0; a < m; a++)
				delta[a] *= 0.5;
		}
		k++;
	}

	res->beta = beta;
	res->se = palloc(sizeof(double) * p);
	res->ll = st->ll;
	res->iterations = k;
	res->converged = converged;
	res->st = st;
	res->nactive = m;
	for (int j = 0; j < p; j++)
		res->se[j] = get_float8_nan();
	res->condition_number = 1;
	if (m > 0)
	{
		double	   *inv = palloc(sizeof(double) * m * m);
		double	   *S = palloc(sizeof(double) * m * m);
		double	   *ev = palloc(sizeof(double) * m);
		double	   *work = palloc(sizeof(double) * m * m);

		lr_chol_inverse(L, m, inv);
		for (int a = 0; a < m; a++)
			res->se[act[a]] = sqrt(inv[a * m + a]);
		/* Condition number of the information scaled to a unit diagonal. */
		for (int a = 0; a < m; a++)
			for (int b = 0; b < m; b++)
				S[a * m + b] = H[a * m + b] / sqrt(H[a * m + a] * H[b * m + b]);
		if (lr_sym_eigenvalues(S, m, ev, work) && ev[0] > 0)
			res->condition_number = ev[m - 1] / ev[0];
		else
			res->condition_number = get_float8_infinity();
	}

	if (!converged)
		ereport(WARNING,
				(errmsg_plural("%s: did not converge in %d iteration", "%s: did not converge in %d iterations",
							   prob->max_iterations, prob->fn, prob->max_iterations),
				 errdetail("The log-likelihood still changed by %g in the last iteration. Coefficients still moving: %s.",
						   fabs(pll - pll_prev), Involved(prob, beta, step)),
				 errhint("%s", st->extreme > 0 ?
						 "Some rows are fitted almost exactly (quasi-complete separation): leave out or coarsen the features named, or use an L2 penalty." :
						 "Raise fit.max_iterations or the tolerance.")));
	else if (st->extreme > 0)
		ereport(WARNING,
				(errmsg("%s: %lld rows are fitted within 1e-10 of their outcome (quasi-complete separation)",
						prob->fn, (long long) st->extreme),
				 errdetail("Coefficients of such fits are unreliable and their standard errors large. Features involved: %s.",
						   Involved(prob, beta, step)),
				 errhint("Leave out or coarsen the features named, or use an L2 penalty.")));
}

/* ---------------------------------------------------------------- logistic_fit */

typedef struct FitPassArg
{
	const char *sql;			/* "SELECT loan_risk.logit_step_partial($1, target, ...) FROM source" */
	LrAlloc		alloc;
	int			p;
	int			pass;
	const char *fn;
} FitPassArg;

/* One pass at beta: the coefficients travel as the parameter $1. */
static LrLogitState *
FitPass(void *arg, const double *beta)
{
	FitPassArg *fa = arg;
	TimestampTz start = GetCurrentTimestamp();
	Oid			type = FLOAT8ARRAYOID;
	Datum		coef = lr_float8_array_datum(beta, fa->p);
	LrLogitState *st = lr_run_state_pass_params(fa->sql, "source", 1, &type, &coef,
												&lr_logit_ops, &fa->alloc);

	fa->pass++;
	if (st != NULL)
		lr_pass_notice(fa->fn, fa->pass, "fit", st->rows + st->skipped, start);
	return st;
}

static LrJson *
Num(LrArena *arena, double v)
{
	return lr_json_new_number(arena, v);
}

/* One of coefficients/std_errors/z/p_values as a JSON object keyed by name. */
static LrJson *
ByName(LrArena *arena, const LrFitProblem *prob, const LrFitResult *r, int what)
{
	LrJson	   *j = lr_json_new(arena, LRJ_OBJECT);

	for (int k = 0; j != NULL && k < prob->p; k++)
	{
		double		v;

		if (!prob->active[k])
			continue;
		switch (what)
		{
			case 0:
				v = r->beta[k];
				break;
			case 1:
				v = r->se[k];
				break;
			case 2:
				v = r->beta[k] / r->se[k];
				break;
			default:
				v = lr_normal_p2(r->beta[k] / r->se[k]);
				break;
		}
		if (!lr_json_put(arena, j, prob->names[k], Num(arena, v)))
			return NULL;
	}
	return j;
}

/* Log-likelihood of the model with the intercept alone (all 1/2 without one). */
static double
NullLogLik(const LrLogitState *st, bool intercept)
{
	double		wb = st->wbads;
	double		wg = st->wsum - st->wbads;

	if (!intercept)
		return st->wsum * log(0.5);
	return wb * log(wb / st->wsum) + wg * log(wg / st->wsum);
}

bool
lr_fit_stats_json(LrJson *obj, LrArena *arena, const LrFitProblem *prob, const LrFitResult *r,
				  bool has_null, double ll0, bool maps)
{
	double		k = r->nactive;
	double		n = (double) r->st->rows;
	bool		ok;

	ok = lr_json_put(arena, obj, "log_likelihood", Num(arena, r->ll)) &&
		lr_json_put(arena, obj, "null_log_likelihood",
					has_null ? Num(arena, ll0) : lr_json_new(arena, LRJ_NULL)) &&
		lr_json_put(arena, obj, "deviance", Num(arena, -2 * r->ll)) &&
		lr_json_put(arena, obj, "aic", Num(arena, -2 * r->ll + 2 * k)) &&
		lr_json_put(arena, obj, "bic", Num(arena, -2 * r->ll + k * log(n))) &&
		lr_json_put(arena, obj, "iterations", Num(arena, r->iterations)) &&
		lr_json_put(arena, obj, "passes", Num(arena, r->passes)) &&
		lr_json_put(arena, obj, "converged", lr_json_new_bool(arena, r->converged)) &&
		lr_json_put(arena, obj, "condition_number", Num(arena, r->condition_number)) &&
		lr_json_put(arena, obj, "rows", Num(arena, (double) r->st->rows)) &&
		lr_json_put(arena, obj, "rows_skipped", Num(arena, (double) r->st->skipped)) &&
		lr_json_put(arena, obj, "bads", Num(arena, (double) r->st->bads));
	if (ok && maps)
		ok = lr_json_put(arena, obj, "coefficients", ByName(arena, prob, r, 0)) &&
			lr_json_put(arena, obj, "std_errors", ByName(arena, prob, r, 1)) &&
			lr_json_put(arena, obj, "z", ByName(arena, prob, r, 2)) &&
			lr_json_put(arena, obj, "p_values", ByName(arena, prob, r, 3));
	return ok;
}

static bool
IsNumber(Oid t)
{
	Oid			b = getBaseType(t);

	return b == INT2OID || b == INT4OID || b == INT8OID || b == FLOAT4OID || b == FLOAT8OID ||
		b == NUMERICOID;
}

/* The fit's columns: "(intercept)" and the features, none of them reserved or listed twice. */
static const char **
FitNames(FunctionCallInfo fcinfo, const char *target, int *nx)
{
	const char **listed = (const char **) lr_feature_names(PG_GETARG_ARRAYTYPE_P(2), target, nx);
	const char **names;

	if (*nx == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("features is empty"),
				 errhint("Give at least one feature column.")));
	if (*nx > LR_TRAIN_MAX_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%d features are more than the %d a fit takes", *nx, LR_TRAIN_MAX_FEATURES)));
	names = palloc(sizeof(char *) * (*nx + 1));
	names[0] = "(intercept)";
	for (int j = 0; j < *nx; j++)
	{
		if (strcmp(listed[j], "(intercept)") == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("feature name \"(intercept)\" is reserved for the intercept")));
		names[j + 1] = listed[j];
	}
	return names;
}

/*
 * The pass query of the fit, its target, weight and offset checked:
 * "SELECT loan_risk.logit_step_partial($1, target, weight, offset, ARRAY[x1, ...]) FROM source".
 */
static char *
FitPassSql(const LrSource *src, const char *target, const char *const *names, int nx,
		   const LrFitOptions *o)
{
	StringInfoData list;
	StringInfoData sql;
	TupleDesc	desc;

	initStringInfo(&list);
	appendStringInfoString(&list, quote_identifier(target));
	for (int j = 0; j < nx; j++)
		appendStringInfo(&list, ", %s", quote_identifier(names[j + 1]));
	if (o->weight)
		appendStringInfo(&list, ", %s", quote_identifier(o->weight));
	if (o->offset)
		appendStringInfo(&list, ", %s", quote_identifier(o->offset));
	desc = lr_source_describe(src, list.data);
	for (int j = 0; j < nx + (o->weight ? 1 : 0) + (o->offset ? 1 : 0); j++)
	{
		Oid			t = TupleDescAttr(desc, j + 1)->atttypid;
		const char *what = j < nx ? "feature" : (j == nx && o->weight ? "weight" : "offset");
		const char *nm = j < nx ? names[j + 1] : (j == nx && o->weight ? o->weight : o->offset);

		if (!IsNumber(t))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("%s \"%s\" has type %s, not a number", what, nm, format_type_be(t))));
	}
	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT loan_risk.logit_step_partial($1::pg_catalog.float8[], %s, %s, %s",
					 lr_target_sql(desc, target),
					 o->weight ? psprintf("(%s)::pg_catalog.float8", quote_identifier(o->weight)) : "1::pg_catalog.float8",
					 o->offset ? psprintf("(%s)::pg_catalog.float8", quote_identifier(o->offset)) : "0::pg_catalog.float8");
	/* The features as one float8[]: an argument type Citus can check on its workers. */
	appendStringInfoString(&sql, ", ARRAY[");
	for (int j = 0; j < nx; j++)
		appendStringInfo(&sql, "%s(%s)::pg_catalog.float8", j ? ", " : "", quote_identifier(names[j + 1]));
	appendStringInfo(&sql, "]::pg_catalog.float8[]) FROM %s", src->from);
	return sql.data;
}

/* logistic_fit: maximum-likelihood logistic regression of target on numeric features */
Datum
logistic_fit(PG_FUNCTION_ARGS)
{
	const char *fn = "logistic_fit";
	LrFitOptions o;
	LrSource	src;
	char	   *target;
	int			nx;
	const char **names;
	bool	   *active;
	FitPassArg	fa;
	LrFitProblem prob;
	LrFitResult res;
	double	   *beta0;
	LrAlloc		a;
	LrArena		arena;
	LrJson	   *out;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	{
		LrJsonOptions jo;
		LrError		err = {0};
		char	   *s = PG_ARGISNULL(3) ? "{}" :
			DatumGetCString(DirectFunctionCall1(jsonb_out, PG_GETARG_DATUM(3)));

		lr_pg_alloc_init(&a, CurrentMemoryContext);
		lr_arena_init(&arena, &a, 0);
		lr_pg_json_options(&jo);
		if (!lr_fit_options_parse(s, strlen(s), &arena, &jo, &o, &err))
			lr_pg_raise(&err, "invalid options");
	}
	lr_source_resolve(text_to_cstring(PG_GETARG_TEXT_PP(0)), &src);
	target = text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (target[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("target column name is empty")));
	names = FitNames(fcinfo, target, &nx);
	active = palloc(sizeof(bool) * (nx + 1));
	active[0] = o.intercept;
	for (int j = 1; j <= nx; j++)
		active[j] = true;

	memset(&fa, 0, sizeof(fa));
	fa.sql = FitPassSql(&src, target, names, nx, &o);
	lr_pg_alloc_init(&fa.alloc, CurrentMemoryContext);
	fa.p = nx + 1;
	fa.fn = fn;
	memset(&prob, 0, sizeof(prob));
	prob.p = nx + 1;
	prob.active = active;
	prob.names = names;
	prob.l2 = o.l2;
	prob.max_iterations = o.max_iterations;
	prob.tolerance = o.tolerance;
	prob.fn = fn;
	prob.pass = FitPass;
	prob.arg = &fa;
	beta0 = palloc0(sizeof(double) * (nx + 1));
	{
		LrLogitState *first = FitPass(&fa, beta0);

		lr_fit_check_state(&prob, first, o.weight, o.offset);
		lr_fit_run(&prob, beta0, first, &res);
		res.passes++;
	}

	out = lr_json_new(&arena, LRJ_OBJECT);
	if (out == NULL ||
		!lr_fit_stats_json(out, &arena, &prob, &res, !o.offset, NullLogLik(res.st, o.intercept), true) ||
		!lr_json_put(&arena, out, "options", lr_fit_options_json(&o, &arena)))
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory while writing the fit")));
	PG_RETURN_DATUM(lr_pg_jsonb(out));
}
