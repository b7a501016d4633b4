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
	const char *head;			/* "SELECT loan_risk.logit_step_partial(" */
	const char *tail;			/* ", target, weight, offset, f1, ...) FROM source" */
	LrAlloc		alloc;
	int			p;
	int			pass;
	const char *fn;
} FitPassArg;

static LrLogitState *
FitPass(void *arg, const double *beta)
{
	FitPassArg *fa = arg;
	TimestampTz start = GetCurrentTimestamp();
	char	   *sql = psprintf("%s%s%s", fa->head, lr_sql_float8_array(beta, fa->p), fa->tail);
	LrLogitState *st = lr_run_state_pass(sql, "source", &lr_logit_ops, &fa->alloc);

	fa->pass++;
	if (st != NULL)
		lr_pass_notice(fa->fn, fa->pass, "fit", st->rows + st->skipped, start);
	return st;
}

static void
AppendNum(StringInfo b, double v)
{
	char		tmp[40];

	if (!isfinite(v))
	{
		appendStringInfoString(b, "null");
		return;
	}
	lr_format_double(tmp, sizeof(tmp), v == 0 ? 0 : v);
	appendStringInfoString(b, tmp);
}

static void
AppendName(StringInfo b, const char *name)
{
	LrAlloc		a;
	LrBuf		buf;

	lr_pg_alloc_init(&a, CurrentMemoryContext);
	lr_buf_init(&buf, &a, 0);
	lr_json_write_string(&buf, name, strlen(name));
	appendStringInfoString(b, buf.data);
}

/* One of coefficients/std_errors/z/p_values as a JSON object keyed by name. */
static void
AppendByName(StringInfo b, const LrFitProblem *prob, const LrFitResult *r, int what)
{
	bool		first = true;

	appendStringInfoChar(b, '{');
	for (int j = 0; j < prob->p; j++)
	{
		double		v;

		if (!prob->active[j])
			continue;
		switch (what)
		{
			case 0:
				v = r->beta[j];
				break;
			case 1:
				v = r->se[j];
				break;
			case 2:
				v = r->beta[j] / r->se[j];
				break;
			default:
				v = lr_normal_p2(r->beta[j] / r->se[j]);
				break;
		}
		if (!first)
			appendStringInfoString(b, ", ");
		first = false;
		AppendName(b, prob->names[j]);
		appendStringInfoString(b, ": ");
		AppendNum(b, v);
	}
	appendStringInfoChar(b, '}');
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

/* Appends the statistics shared by logistic_fit and the card. */
void		lr_fit_append_stats(StringInfo b, const LrFitProblem *prob, const LrFitResult *r,
								bool has_null, double ll0, bool maps);

void
lr_fit_append_stats(StringInfo b, const LrFitProblem *prob, const LrFitResult *r, bool has_null,
					double ll0, bool maps)
{
	double		k = r->nactive;
	double		n = (double) r->st->rows;

	appendStringInfoString(b, "\"log_likelihood\": ");
	AppendNum(b, r->ll);
	appendStringInfoString(b, ", \"null_log_likelihood\": ");
	if (has_null)
		AppendNum(b, ll0);
	else
		appendStringInfoString(b, "null");
	appendStringInfoString(b, ", \"deviance\": ");
	AppendNum(b, -2 * r->ll);
	appendStringInfoString(b, ", \"aic\": ");
	AppendNum(b, -2 * r->ll + 2 * k);
	appendStringInfoString(b, ", \"bic\": ");
	AppendNum(b, -2 * r->ll + k * log(n));
	appendStringInfo(b, ", \"iterations\": %d, \"passes\": %d, \"converged\": %s, \"condition_number\": ",
					 r->iterations, r->passes, r->converged ? "true" : "false");
	AppendNum(b, r->condition_number);
	appendStringInfo(b, ", \"rows\": %lld, \"rows_skipped\": %lld, \"bads\": %lld",
					 (long long) r->st->rows, (long long) r->st->skipped, (long long) r->st->bads);
	if (!maps)
		return;
	appendStringInfoString(b, ", \"coefficients\": ");
	AppendByName(b, prob, r, 0);
	appendStringInfoString(b, ", \"std_errors\": ");
	AppendByName(b, prob, r, 1);
	appendStringInfoString(b, ", \"z\": ");
	AppendByName(b, prob, r, 2);
	appendStringInfoString(b, ", \"p_values\": ");
	AppendByName(b, prob, r, 3);
}

static bool
IsNumber(Oid t)
{
	Oid			b = getBaseType(t);

	return b == INT2OID || b == INT4OID || b == INT8OID || b == FLOAT4OID || b == FLOAT8OID ||
		b == NUMERICOID;
}

/* logistic_fit: maximum-likelihood logistic regression of target on numeric features */
Datum
logistic_fit(PG_FUNCTION_ARGS)
{
	const char *fn = "logistic_fit";
	LrFitOptions o;
	LrSource	src;
	char	   *target;
	ArrayType  *farr;
	Datum	   *elems;
	bool	   *nulls;
	int			nx;
	const char **names;
	bool	   *active;
	StringInfoData list;
	StringInfoData tail;
	TupleDesc	desc;
	Oid			ttype;
	char	   *target_sql;
	FitPassArg	fa;
	LrFitProblem prob;
	LrFitResult res;
	double	   *beta0;
	StringInfoData out;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	{
		LrAlloc		a;
		LrArena		arena;
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
	farr = PG_GETARG_ARRAYTYPE_P(2);
	if (ARR_NDIM(farr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("features must be a one-dimensional array of column names")));
	deconstruct_array(farr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &nx);
	if (nx == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("features is empty"),
				 errhint("Give at least one feature column.")));
	if (nx > LR_TRAIN_MAX_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%d features are more than the %d a fit takes", nx, LR_TRAIN_MAX_FEATURES)));
	names = palloc(sizeof(char *) * (nx + 1));
	active = palloc(sizeof(bool) * (nx + 1));
	names[0] = "(intercept)";
	active[0] = o.intercept;
	initStringInfo(&list);
	appendStringInfoString(&list, quote_identifier(target));
	for (int j = 0; j < nx; j++)
	{
		if (nulls[j])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("feature name %d is NULL", j + 1)));
		names[j + 1] = TextDatumGetCString(elems[j]);
		active[j + 1] = true;
		if (names[j + 1][0] == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("feature name %d is empty", j + 1)));
		if (strcmp(names[j + 1], target) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("target \"%s\" is also listed as a feature", target)));
		if (strcmp(names[j + 1], "(intercept)") == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("feature name \"(intercept)\" is reserved for the intercept")));
		for (int k = 0; k < j; k++)
			if (strcmp(names[k + 1], names[j + 1]) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("feature \"%s\" is listed twice", names[j + 1])));
		appendStringInfo(&list, ", %s", quote_identifier(names[j + 1]));
	}
	if (o.weight)
		appendStringInfo(&list, ", %s", quote_identifier(o.weight));
	if (o.offset)
		appendStringInfo(&list, ", %s", quote_identifier(o.offset));
	desc = lr_source_describe(&src, list.data);
	ttype = getBaseType(TupleDescAttr(desc, 0)->atttypid);
	if (ttype == BOOLOID || ttype == INT4OID)
		target_sql = pstrdup(quote_identifier(target));
	else if (ttype == INT2OID || ttype == INT8OID)
		target_sql = psprintf("(%s)::pg_catalog.int4", quote_identifier(target));
	else
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("target \"%s\" has type %s, not boolean or an integer 0/1", target,
						format_type_be(TupleDescAttr(desc, 0)->atttypid))));
	for (int j = 0; j < nx + (o.weight ? 1 : 0) + (o.offset ? 1 : 0); j++)
	{
		Oid			t = TupleDescAttr(desc, j + 1)->atttypid;
		const char *what = j < nx ? "feature" : (j == nx && o.weight ? "weight" : "offset");
		const char *nm = j < nx ? names[j + 1] : (j == nx && o.weight ? o.weight : o.offset);

		if (!IsNumber(t))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("%s \"%s\" has type %s, not a number", what, nm, format_type_be(t))));
	}

	initStringInfo(&tail);
	appendStringInfo(&tail, ", %s, %s, %s", target_sql,
					 o.weight ? psprintf("(%s)::pg_catalog.float8", quote_identifier(o.weight)) : "1::pg_catalog.float8",
					 o.offset ? psprintf("(%s)::pg_catalog.float8", quote_identifier(o.offset)) : "0::pg_catalog.float8");
	for (int j = 0; j < nx; j++)
		appendStringInfo(&tail, ", %s", quote_identifier(names[j + 1]));
	appendStringInfo(&tail, ") FROM %s", src.from);
	memset(&fa, 0, sizeof(fa));
	fa.head = "SELECT loan_risk.logit_step_partial(";
	fa.tail = tail.data;
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

	initStringInfo(&out);
	appendStringInfoChar(&out, '{');
	lr_fit_append_stats(&out, &prob, &res, !o.offset, NullLogLik(res.st, o.intercept), true);
	{
		LrAlloc		a;
		LrBuf		buf;

		lr_pg_alloc_init(&a, CurrentMemoryContext);
		lr_buf_init(&buf, &a, 0);
		lr_fit_options_write(&o, &buf);
		appendStringInfo(&out, ", \"options\": %s}", buf.data);
	}
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(out.data)));
}
