/*
 * train_select.c
 *	  train_scorecard's select, fit and sign-check passes (see train.h):
 *	  filters on the moments of the intercept-only pass (correlation, VIF),
 *	  the fit of the kept features or forward stepwise, and the sign check.
 */
#include "postgres.h"

#include <math.h>

#include "utils/float.h"

#include "common/lr_pg.h"
#include "training/train.h"

/* Entry (i, j) of the packed information of a state with p columns. */
static double
Info(const LrLogitState *st, int i, int j)
{
	int			r = i < j ? i : j;
	int			c = i < j ? j : i;

	return st->info[(size_t) r * st->p - (size_t) r * (r - 1) / 2 + (size_t) (c - r)];
}

/* Correlation of design columns a and b (1-based) from the pass at the null model. */
static double
Corr(const LrLogitState *st, int a, int b)
{
	double		n = Info(st, 0, 0);
	double		ma = Info(st, 0, a) / n;
	double		mb = Info(st, 0, b) / n;
	double		cab = Info(st, a, b) / n - ma * mb;
	double		va = Info(st, a, a) / n - ma * ma;
	double		vb = Info(st, b, b) / n - mb * mb;

	if (va <= 0 || vb <= 0)
		return 0;
	return cab / sqrt(va * vb);
}

static int
CmpIvDesc(const void *x, const void *y, void *arg)
{
	const double *iv = arg;
	int			a = *(const int *) x;
	int			b = *(const int *) y;

	if (iv[a] != iv[b])
		return iv[a] > iv[b] ? -1 : 1;
	return a - b;
}

/* ---------------------------------------------------------------- select */

/* Greedy by IV: a feature too correlated with a stronger one is dropped.  Returns the number kept. */
static int
CorrelationFilter(LrTrainer *t, bool *kept)
{
	int			n = t->ncand;
	int		   *order = palloc(sizeof(int) * n);
	double	   *civ = palloc(sizeof(double) * n);
	int			nkept = 0;

	for (int i = 0; i < n; i++)
	{
		order[i] = i;
		civ[i] = t->bins[t->cand[i]].iv;
	}
	qsort_arg(order, n, sizeof(int), CmpIvDesc, civ);
	for (int i = 0; i < n; i++)
	{
		int			a = order[i];
		int			worst = -1;
		double		wc = 0;

		for (int k = 0; k < n; k++)
			if (kept[k])
			{
				double		c = fabs(Corr(t->st0, a + 1, k + 1));

				if (c > wc)
				{
					wc = c;
					worst = k;
				}
			}
		if (worst >= 0 && wc > t->o.max_correlation)
		{
			lr_trainer_drop(t, t->in.feat[t->cand[a]].name,
							psprintf("correlation %.6g with \"%s\" above max_correlation %s",
									 wc, t->in.feat[t->cand[worst]].name,
									 lr_trainer_num(t->o.max_correlation)));
			continue;
		}
		kept[a] = true;
		nkept++;
	}
	return nkept;
}

/* VIF: drop the largest above max_vif (the weaker on a tie), until none is.  Returns the number kept. */
static int
VifFilter(LrTrainer *t, bool *kept, int nkept)
{
	while (t->o.max_vif > 0 && nkept > 1)
	{
		int		   *idx = palloc(sizeof(int) * nkept);
		int			n = 0;
		double	   *R,
				   *L,
				   *inv;
		int			worst = -1;
		double		wv = 0;

		for (int k = 0; k < t->ncand; k++)
			if (kept[k])
				idx[n++] = k;
		R = palloc(sizeof(double) * n * n);
		L = palloc(sizeof(double) * n * n);
		inv = palloc(sizeof(double) * n * n);
		for (int a = 0; a < n; a++)
			for (int b = 0; b < n; b++)
				R[a * n + b] = a == b ? 1 : Corr(t->st0, idx[a] + 1, idx[b] + 1);
		if (lr_cholesky(R, n, L, 1e-12) >= 0)
			wv = get_float8_infinity();
		else
			lr_chol_inverse(L, n, inv);
		for (int a = 0; a < n; a++)
		{
			double		v = isinf(wv) ? wv : inv[a * n + a];

			if (worst < 0 || v > wv ||
				(v == wv && t->bins[t->cand[idx[a]]].iv < t->bins[t->cand[worst]].iv))
			{
				wv = v;
				worst = idx[a];
			}
		}
		if (!(wv > t->o.max_vif))
			break;
		kept[worst] = false;
		nkept--;
		lr_trainer_drop(t, t->in.feat[t->cand[worst]].name,
						psprintf("vif %s above max_vif %s", isinf(wv) ? "infinite" : psprintf("%.6g", wv),
								 lr_trainer_num(t->o.max_vif)));
	}
	return nkept;
}

/*
 * Without stepwise, the passes read only the kept features: the design
 * shrinks to them, and the pass at the null model is restricted to their
 * columns (no new pass).
 */
static void
RestrictDesign(LrTrainer *t, const bool *kept, int nkept)
{
	const LrLogitState *st0 = t->st0;
	int		   *keep = palloc(sizeof(int) * nkept);
	int			n = 0;
	LrLogitState *red;
	LrError		err = {0};

	for (int k = 0; k < t->ncand; k++)
		if (kept[k])
			keep[n++] = k;
	red = lr_logit_ops.create(&t->alloc, &err);
	if (red == NULL || !lr_logit_setup(red, nkept, 0, &err))
		lr_pg_raise(&err, NULL);
	red->rows = st0->rows;
	red->skipped = st0->skipped;
	red->bads = st0->bads;
	red->extreme = st0->extreme;
	red->misfit = st0->misfit;
	red->wsum = st0->wsum;
	red->wbads = st0->wbads;
	red->ll = st0->ll;
	for (int a = 0; a <= nkept; a++)
	{
		int			ca = a == 0 ? 0 : keep[a - 1] + 1;
		size_t		off = (size_t) a * red->p - (size_t) a * (a - 1) / 2;

		red->grad[a] = st0->grad[ca];
		for (int b = a; b <= nkept; b++)
			red->info[off + (b - a)] = Info(st0, ca, b == 0 ? 0 : keep[b - 1] + 1);
	}
	for (int k = 0; k < nkept; k++)
		keep[k] = t->cand[keep[k]];
	lr_trainer_set_design(t, keep, nkept);
	t->st0 = red;
	t->active = palloc0(sizeof(bool) * (nkept + 1));
	for (int k = 0; k <= nkept; k++)
		t->active[k] = true;
	t->beta = palloc0(sizeof(double) * (nkept + 1));
	t->beta[0] = log(t->ybar / (1 - t->ybar));
}

/*
 * The filters on the moments of the intercept-only pass; then, without
 * stepwise, every kept feature is active (and the design keeps only them),
 * with stepwise none yet.
 */
void
lr_train_select(LrTrainer *t)
{
	bool	   *kept = palloc0(sizeof(bool) * t->ncand);
	int			nkept;

	nkept = CorrelationFilter(t, kept);
	nkept = VifFilter(t, kept, nkept);
	t->active = palloc0(sizeof(bool) * (t->ncand + 1));
	t->active[0] = true;
	for (int k = 0; k < t->ncand; k++)
		t->active[k + 1] = kept[k] && t->o.stepwise == LR_STEPWISE_NONE;
	if (t->o.stepwise == LR_STEPWISE_NONE && nkept < t->ncand)
		RestrictDesign(t, kept, nkept);
}

/* ---------------------------------------------------------------- fit */

/* Score statistic for adding column c to the active set (design columns). */
static double
ScoreStat(const LrLogitState *st, const bool *active, int c)
{
	int			p = st->p;
	int		   *act = palloc(sizeof(int) * p);
	int			m = 0;
	double	   *H,
			   *L,
			   *v;
	double		u = st->grad[c];
	double		info;

	for (int j = 0; j < p; j++)
		if (active[j])
			act[m++] = j;
	H = palloc(sizeof(double) * m * m);
	L = palloc(sizeof(double) * m * m);
	v = palloc(sizeof(double) * Max(m, 1));
	for (int a = 0; a < m; a++)
	{
		v[a] = Info(st, act[a], c);
		for (int b = 0; b < m; b++)
			H[a * m + b] = Info(st, act[a], act[b]);
	}
	info = Info(st, c, c);
	if (lr_cholesky(H, m, L, 1e-10) < 0)
	{
		double	   *w = palloc(sizeof(double) * m);

		memcpy(w, v, sizeof(double) * m);
		lr_chol_solve(L, m, w);
		for (int a = 0; a < m; a++)
			info -= v[a] * w[a];
	}
	if (!(info > 1e-12 * Info(st, c, c)))
		return 0;
	return u * u / info;
}

/*
 * Forward stepwise: add the eligible feature with the largest score
 * statistic while the criterion (-2 ll + pen * k, AIC or BIC) falls; the
 * features never added are dropped with that reason.
 */
static void
ForwardStepwise(LrTrainer *t)
{
	LrFitProblem *prob = &t->prob;
	bool	   *active = t->active;
	LrLogitState *cur = t->st0;
	double		llcur = t->st0->ll;
	int			nact = 1;
	double		pen = t->o.stepwise == LR_STEPWISE_AIC ? 2.0 :
		log((double) (t->pst->total[0] + t->pst->total[1]));
	bool	   *eligible = palloc0(sizeof(bool) * prob->p);

	for (int k = 1; k < prob->p; k++)
	{
		bool		dropped = false;

		for (int d = 0; d < t->ndropped; d++)
			if (strcmp(t->dropped[d].name, t->dnames[k]) == 0)
				dropped = true;
		eligible[k] = !dropped;
	}
	memset(&t->res, 0, sizeof(t->res));
	t->res.beta = t->beta;
	t->res.st = cur;
	for (;;)
	{
		int			best = -1;
		double		bs = 0;
		bool	   *trial;
		LrFitProblem tp = *prob;
		LrFitResult tr;

		for (int c = 1; c < prob->p; c++)
			if (eligible[c] && !active[c])
			{
				double		s = ScoreStat(cur, active, c);

				if (s > bs)
				{
					bs = s;
					best = c;
				}
			}
		if (best < 0)
			break;
		trial = palloc(sizeof(bool) * prob->p);
		memcpy(trial, active, sizeof(bool) * prob->p);
		trial[best] = true;
		tp.active = trial;
		lr_fit_run(&tp, t->res.beta, cur, &tr);
		/* Accept when the criterion improves: -2 ll + pen * k falls. */
		if (!(-2 * tr.ll + pen * (nact + 1) < -2 * llcur + pen * nact))
			break;
		memcpy(active, trial, sizeof(bool) * prob->p);
		nact++;
		t->res = tr;
		cur = tr.st;
		llcur = tr.ll;
		eligible[best] = false;
	}
	for (int c = 1; c < prob->p; c++)
		if (eligible[c] && !active[c])
			lr_trainer_drop(t, t->dnames[c], psprintf("not selected by forward stepwise (%s)",
													  t->o.stepwise == LR_STEPWISE_AIC ? "aic" : "bic"));
	if (nact == 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: forward stepwise selected no feature", LR_TRAIN_FN)));
	t->beta = t->res.beta;
	t->st0 = t->res.st;
}

/* The fit of the active features (Newton passes from the null model), or forward stepwise. */
void
lr_train_fit(LrTrainer *t)
{
	LrFitProblem *prob = &t->prob;

	memset(prob, 0, sizeof(*prob));
	prob->p = t->nd + 1;
	prob->active = t->active;
	prob->names = t->dnames;
	prob->l2 = t->o.l2;
	prob->max_iterations = t->o.max_iterations;
	prob->tolerance = t->o.tolerance;
	prob->fn = LR_TRAIN_FN;
	prob->pass = lr_trainer_woe_pass;
	prob->arg = t;
	if (t->o.stepwise != LR_STEPWISE_NONE)
		ForwardStepwise(t);
	else
	{
		lr_fit_run(prob, t->beta, t->st0, &t->res);
		t->beta = t->res.beta;
	}
}

/* ---------------------------------------------------------------- sign-check */

/*
 * After dropping column w from a converged fit: beta[w] = 0 and one Newton
 * step on the remaining columns from the information of the converged pass
 * (the score there is about 0, so the score at the new point is about
 * H[., w] * beta[w]).  No pass is needed, and the refit starts close.
 */
static void
WarmStart(const LrFitProblem *prob, const LrLogitState *st, double *beta, int w)
{
	int			p = prob->p;
	int		   *act = palloc(sizeof(int) * p);
	int			m = 0;
	double	   *H,
			   *L,
			   *g;

	for (int j = 0; j < p; j++)
		if (prob->active[j])
			act[m++] = j;
	H = palloc(sizeof(double) * Max(m * m, 1));
	L = palloc(sizeof(double) * Max(m * m, 1));
	g = palloc(sizeof(double) * Max(m, 1));
	for (int a = 0; a < m; a++)
	{
		int			i = act[a];

		g[a] = st->grad[i] - (i > 0 ? prob->l2 * beta[i] : 0) + Info(st, i, w) * beta[w];
		for (int b = 0; b < m; b++)
			H[a * m + b] = Info(st, i, act[b]) + (a == b && i > 0 ? prob->l2 : 0);
	}
	beta[w] = 0;
	if (m > 0 && lr_cholesky(H, m, L, 1e-10) < 0)
	{
		lr_chol_solve(L, m, g);
		for (int a = 0; a < m; a++)
			beta[act[a]] += g[a];
	}
}

/*
 * With Siddiqi's WOE a coefficient on P(bad) must be negative: while one is
 * not, drop the feature with the largest z of the wrong sign and refit.
 */
void
lr_train_sign_check(LrTrainer *t)
{
	LrFitProblem *prob = &t->prob;
	LrFitResult *res = &t->res;

	while (t->o.check_signs)
	{
		int			worst = -1;
		double		wz = 0;
		int			nact = 0;

		for (int j = 1; j < prob->p; j++)
			if (t->active[j])
			{
				double		z = res->beta[j] / res->se[j];

				nact++;
				if (res->beta[j] >= 0 && (worst < 0 || z > wz))
				{
					worst = j;
					wz = z;
				}
			}
		if (worst < 0)
			break;
		lr_trainer_drop(t, t->dnames[worst],
						psprintf("coefficient %.6g has the sign opposite to its WOE", res->beta[worst]));
		if (nact == 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: no feature is left after the sign check", LR_TRAIN_FN),
					 errdetail("The last feature, \"%s\", has a coefficient whose sign contradicts its WOE.",
							   t->dnames[worst])));
		t->active[worst] = false;
		t->beta = res->beta;
		WarmStart(prob, res->st, t->beta, worst);
		lr_fit_run(prob, t->beta, NULL, res);
	}
	t->beta = res->beta;
}
