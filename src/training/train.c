/*
 * train.c
 *	  train_scorecard: from a table or query to a loan_risk.scorecard.
 *
 *	  pass 1      pre-binning of every feature (prebin_partial), then the
 *	              optimal bins of each, WOE and IV; features below min_iv
 *	              (or with a single bin) are dropped
 *	  pass 2      woe_step_partial at the intercept-only model: the null
 *	              log-likelihood, and the moments of the WOE columns for the
 *	              correlation and VIF filters (the weights are constant there)
 *	  passes 3..  Newton (IRLS) passes of woe_step_partial until the
 *	              log-likelihood settles; forward stepwise and the sign check
 *	              refit the same way
 *	  last pass   the final card scores every row (score_columns, as
 *	              score() does) into auc_partial: training AUC, KS, Gini
 *
 * Every pass is one read-only query over the source, so each may run with
 * parallel workers; only states travel back.  When the design fits in
 * loan_risk.max_kernel_memory (one byte per row and candidate feature) and
 * loan_risk.training_in_memory is on, pass 2 instead reads the source once
 * more to code every row as its bins (design_cache.c), and the fit passes
 * and the scoring run over those codes in memory, on loan_risk.max_threads
 * threads: the same sums, without a query each.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "common/lr_pg.h"
#include "common/lr_spi.h"
#include "stats/dist.h"
#include "scoring/scorecard.h"
#include "common/lr_settings.h"
#include "training/design_cache.h"
#include "training/training_pg.h"

PG_FUNCTION_INFO_V1(train_scorecard);

extern void lr_fit_append_stats(StringInfo b, const LrFitProblem *prob, const LrFitResult *r,
								bool has_null, double ll0, bool maps);

static const char *FN = "train_scorecard";

typedef struct Dropped
{
	const char *name;
	char	   *reason;
} Dropped;

typedef struct Trainer
{
	LrTrainOptions o;
	LrTrainInput in;
	LrAlloc		alloc;
	LrPrebinState *pst;
	LrBinned   *bins;			/* per input feature */
	Dropped    *dropped;
	int			ndropped;
	int			pass;
	/* the design: features of the WOE passes (indices into in.feat) */
	int			nd;
	int		   *dfeat;
	const char **dnames;		/* nd + 1: "(intercept)", names */
	char	   *dcard;			/* SQL literal of the design card */
	char	   *dtail;			/* ", target, f1, ...) FROM source" */
	/* the design in memory (NULL: every pass is a query) */
	LrDesignCache *cache;
	int			ncache;
	int		   *cache_feat;		/* ncache: input feature of each cached column */
	int		   *dcol;			/* nd: cached column of each design feature */
	LrCard	   *dcompiled;		/* the design card, compiled */
} Trainer;

static void
Drop(Trainer *t, const char *name, char *reason)
{
	t->dropped[t->ndropped].name = name;
	t->dropped[t->ndropped].reason = reason;
	t->ndropped++;
}

static char *
Num(double v)
{
	char		tmp[40];

	if (!isfinite(v))
		return pstrdup("null");
	lr_format_double(tmp, sizeof(tmp), v == 0 ? 0 : v);
	return pstrdup(tmp);
}

/* Numbers in reasons, for people: six significant digits. */
static char *
Short(double v)
{
	return psprintf("%.6g", v);
}

static char *
JsonString(const char *s)
{
	LrAlloc		a;
	LrBuf		buf;

	lr_pg_alloc_init(&a, CurrentMemoryContext);
	lr_buf_init(&buf, &a, 0);
	lr_json_write_string(&buf, s, strlen(s));
	return buf.data;
}

/* JSON of card feature j with its coefficient and scaling. */
static char *
FeatureJson(Trainer *t, int f, double coef, double factor, bool card)
{
	LrAlloc		a;
	LrBuf		buf;
	LrBinWriteOpts w = {0};

	lr_pg_alloc_init(&a, CurrentMemoryContext);
	lr_buf_init(&buf, &a, MaxAllocSize - 1);
	w.card = card;
	w.coefficient = coef;
	w.factor = factor;
	w.round_points = t->o.round_points;
	lr_binned_write(&t->bins[f], t->in.feat[f].opt, &w, &buf);
	if (buf.failed)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("scorecard is too large")));
	return buf.data;
}

/* The design card: the features' bins with their WOE, every point 0. */
static void
SetDesign(Trainer *t, const int *feat, int nd)
{
	StringInfoData card;
	StringInfoData tail;

	t->nd = nd;
	t->dfeat = palloc(sizeof(int) * Max(nd, 1));
	memcpy(t->dfeat, feat, sizeof(int) * nd);
	t->dnames = palloc(sizeof(char *) * (nd + 1));
	t->dnames[0] = "(intercept)";
	initStringInfo(&card);
	appendStringInfoString(&card, "{\"format\": \"loan_risk.scorecard/1\", \"name\": \"design\", \"base_points\": 0, \"features\": [");
	initStringInfo(&tail);
	appendStringInfo(&tail, ", %s", t->in.target_sql);
	for (int i = 0; i < nd; i++)
	{
		int			f = feat[i];

		t->dnames[i + 1] = t->in.feat[f].name;
		if (i > 0)
			appendStringInfoString(&card, ", ");
		appendStringInfoString(&card, FeatureJson(t, f, 0, 0, true));
		appendStringInfo(&tail, ", %s", quote_identifier(t->in.feat[f].name));
	}
	appendStringInfoString(&card, "]}");
	appendStringInfo(&tail, ") FROM %s", t->in.src.from);
	/* Through the type's validator, so that the passes read exactly this card. */
	{
		LrScorecard *sc = lr_scorecard_from_text(card.data, card.len);
		LrArena		arena;

		t->dcard = psprintf("%s::loan_risk.scorecard",
							quote_literal_cstr(pnstrdup(sc->json, LrScorecardJsonLen(sc))));
		lr_arena_init(&arena, &t->alloc, 0);
		t->dcompiled = lr_scorecard_compile(sc, &arena);
	}
	t->dtail = tail.data;
	if (t->cache != NULL)
	{
		t->dcol = palloc(sizeof(int) * Max(nd, 1));
		for (int i = 0; i < nd; i++)
		{
			t->dcol[i] = -1;
			for (int c = 0; c < t->ncache; c++)
				if (t->cache_feat[c] == feat[i])
					t->dcol[i] = c;
			if (t->dcol[i] < 0)
				elog(ERROR, "design feature \"%s\" is not in memory", t->dnames[i + 1]);
		}
	}
}

/*
 * Pass 2 in memory: codes every row of the source as its bins in the
 * current design (see design_cache.h).  Left undone (passes stay queries)
 * when loan_risk.training_in_memory is off, the source is a table with
 * foreign parts, or the codes would need more than loan_risk.max_kernel_memory.
 */
static void
CacheDesign(Trainer *t)
{
	int64		rows = t->pst->total[0] + t->pst->total[1];
	double		limit = (double) lr_max_kernel_memory * 1024.0;
	StringInfoData sql;
	TimestampTz start = GetCurrentTimestamp();

	/*
	 * A table on foreign servers keeps its passes as queries: their partial
	 * aggregates run on the shards and only states travel, where coding the
	 * design here would pull every row to this server.
	 */
	if (!lr_training_in_memory || t->in.src.remote ||
		lr_design_cache_bytes(rows, t->nd) > limit)
		return;
	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT %s", t->in.target_sql);
	for (int i = 0; i < t->nd; i++)
		appendStringInfo(&sql, ", %s", quote_identifier(t->in.feat[t->dfeat[i]].name));
	appendStringInfo(&sql, " FROM %s", t->in.src.from);
	t->cache = lr_design_cache_build(sql.data, t->dcompiled, rows, FN);
	if (t->cache == NULL)
		return;
	t->ncache = t->nd;
	t->cache_feat = palloc(sizeof(int) * Max(t->nd, 1));
	memcpy(t->cache_feat, t->dfeat, sizeof(int) * t->nd);
	t->dcol = palloc(sizeof(int) * Max(t->nd, 1));
	for (int i = 0; i < t->nd; i++)
		t->dcol[i] = i;
	t->pass++;
	lr_pass_notice(FN, t->pass, "design in memory",
				   lr_design_cache_rows(t->cache) + t->pst->skipped, start);
}

static LrLogitState *
WoePass(void *arg, const double *beta)
{
	Trainer    *t = arg;
	TimestampTz start = GetCurrentTimestamp();
	char	   *sql;
	LrLogitState *st;

	if (t->cache != NULL)
	{
		st = lr_design_cache_pass(t->cache, t->dcol, t->nd, beta, &t->alloc);
		t->pass++;
		lr_pass_notice(FN, t->pass, "fit in memory", st->rows + st->skipped, start);
		return st;
	}
	sql = psprintf("SELECT loan_risk.woe_step_partial(%s, %s%s", t->dcard,
				   lr_sql_float8_array(beta, t->nd + 1), t->dtail);
	st = lr_run_state_pass(sql, "source", &lr_logit_ops, &t->alloc);
	t->pass++;
	if (st != NULL)
		lr_pass_notice(FN, t->pass, "fit", st->rows + st->skipped, start);
	return st;
}

/* Entry (i, j) of the packed information of a state with p columns. */
static double
Info(const LrLogitState *st, int i, int j)
{
	int			r = i < j ? i : j;
	int			c = i < j ? j : i;

	return st->info[(size_t) r * st->p - (size_t) r * (r - 1) / 2 + (size_t) (c - r)];
}

/* Does the feature have at least two bins with rows and different WOE? */
static bool
Informative(const LrBinned *b)
{
	double		w = 0;
	bool		any = false;

	for (size_t i = 0; i < b->nbins + b->nspecial + 1; i++)
	{
		const LrBinOut *x = i < b->nbins ? &b->bins[i] :
			(i < b->nbins + b->nspecial ? &b->special[i - b->nbins] : &b->missing);

		if (x->count == 0)
			continue;
		if (any && x->woe != w)
			return true;
		w = x->woe;
		any = true;
	}
	return false;
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

static char *
ExtVersion(void)
{
	char	   *v = NULL;
	int			rc;

	if ((rc = SPI_connect()) != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed: %s", SPI_result_code_string(rc));
	if (SPI_execute("SELECT extversion FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'loan_risk'",
					true, 1) == SPI_OK_SELECT && SPI_processed == 1)
	{
		char	   *s = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		if (s != NULL)
			v = MemoryContextStrdup(TopTransactionContext, s);
	}
	SPI_finish();
	return v ? pstrdup(v) : pstrdup("unknown");
}

typedef struct DistArg
{
	LrAlloc		alloc;
	LrDistState *st;
} DistArg;

/* train_scorecard: bins, selects, fits and scales a scorecard from a table or query */
Datum
train_scorecard(PG_FUNCTION_ARGS)
{
	Trainer    *t = palloc0(sizeof(Trainer));
	int			nf;
	int		   *cand;
	int			ncand = 0;
	LrLogitState *st0;
	double		ybar;
	bool	   *active;
	double	   *beta;
	LrFitProblem prob;
	LrFitResult res;
	double		factor,
				offset;
	StringInfoData card;
	char	   *features_json;
	double		auc = get_float8_nan(),
				ks = get_float8_nan();
	double		ll0;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
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
		if (!lr_train_options_parse(s, strlen(s), LR_OPT_TRAIN, &arena, &jo, &t->o, &err))
			lr_pg_raise(&err, "invalid options");
	}
	lr_train_input_resolve(text_to_cstring(PG_GETARG_TEXT_PP(0)), text_to_cstring(PG_GETARG_TEXT_PP(1)),
						   PG_ARGISNULL(2) ? NULL : PG_GETARG_ARRAYTYPE_P(2), &t->o, FN, &t->in);
	lr_pg_alloc_init(&t->alloc, CurrentMemoryContext);
	nf = t->in.nfeat;
	t->dropped = palloc(sizeof(Dropped) * (nf + t->in.ndropped + 1));
	for (int i = 0; i < t->in.ndropped; i++)
		Drop(t, t->in.dropped_name[i], t->in.dropped_reason[i]);

	/* ---- pass 1: binning */
	t->pass = 1;
	t->pst = lr_train_prebin_pass(&t->in, &t->alloc, FN, 1);
	if (t->pst->total[0] + t->pst->total[1] == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("%s: no row has a target", FN),
				 errdetail("All %lld rows have a NULL target \"%s\".", (long long) t->pst->skipped,
						   t->in.target)));
	if (t->pst->total[0] == 0 || t->pst->total[1] == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the target has %s among the %lld rows", FN,
						t->pst->total[1] == 0 ? "no bads" : "no goods",
						(long long) (t->pst->total[0] + t->pst->total[1])),
				 errdetail("A scorecard needs both goods and bads.")));
	t->bins = palloc0(sizeof(LrBinned) * nf);
	{
		LrArena		arena;
		LrError		err = {0};

		lr_arena_init(&arena, &t->alloc, 0);
		for (int j = 0; j < nf; j++)
		{
			CHECK_FOR_INTERRUPTS();
			if (!lr_bin_feature(t->pst, (uint32_t) j, t->in.feat[j].name, t->in.feat[j].opt, &arena,
								&t->bins[j], &err))
				lr_pg_raise(&err, NULL);
		}
	}
	cand = palloc(sizeof(int) * nf);
	for (int j = 0; j < nf; j++)
	{
		if (!Informative(&t->bins[j]))
			Drop(t, t->in.feat[j].name, pstrdup("a single WOE value: no information"));
		else if (t->bins[j].iv < t->o.min_iv)
			Drop(t, t->in.feat[j].name, psprintf("iv %s below min_iv %s", Short(t->bins[j].iv), Num(t->o.min_iv)));
		else
			cand[ncand++] = j;
	}
	if (ncand == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: no feature has an information value of at least min_iv %s", FN, Num(t->o.min_iv)),
				 errhint("Lower selection.min_iv, or add features.")));

	/* ---- pass 2: the null model; correlation and VIF filters */
	SetDesign(t, cand, ncand);
	ybar = (double) t->pst->total[1] / (double) (t->pst->total[0] + t->pst->total[1]);
	beta = palloc0(sizeof(double) * (ncand + 1));
	beta[0] = log(ybar / (1 - ybar));
	CacheDesign(t);
	st0 = WoePass(t, beta);
	ll0 = st0->ll;
	active = palloc0(sizeof(bool) * (ncand + 1));
	active[0] = true;
	{
		int		   *order = palloc(sizeof(int) * ncand);
		double	   *civ = palloc(sizeof(double) * ncand);
		bool	   *kept = palloc0(sizeof(bool) * ncand);
		int			nkept = 0;

		/* Greedy by IV: a feature too correlated with a stronger one is dropped. */
		for (int i = 0; i < ncand; i++)
		{
			order[i] = i;
			civ[i] = t->bins[cand[i]].iv;
		}
		qsort_arg(order, ncand, sizeof(int), CmpIvDesc, civ);
		for (int i = 0; i < ncand; i++)
		{
			int			a = order[i];
			int			worst = -1;
			double		wc = 0;

			for (int k = 0; k < ncand; k++)
				if (kept[k])
				{
					double		c = fabs(Corr(st0, a + 1, k + 1));

					if (c > wc)
					{
						wc = c;
						worst = k;
					}
				}
			if (worst >= 0 && wc > t->o.max_correlation)
			{
				Drop(t, t->in.feat[cand[a]].name,
					 psprintf("correlation %s with \"%s\" above max_correlation %s",
							  Short(wc), t->in.feat[cand[worst]].name,
							  Num(t->o.max_correlation)));
				continue;
			}
			kept[a] = true;
			nkept++;
		}
		/* VIF: drop the largest above max_vif (the weaker on a tie), until none is. */
		while (t->o.max_vif > 0 && nkept > 1)
		{
			int		   *idx = palloc(sizeof(int) * nkept);
			int			n = 0;
			double	   *R,
					   *L,
					   *inv;
			int			worst = -1;
			double		wv = 0;

			for (int k = 0; k < ncand; k++)
				if (kept[k])
					idx[n++] = k;
			R = palloc(sizeof(double) * n * n);
			L = palloc(sizeof(double) * n * n);
			inv = palloc(sizeof(double) * n * n);
			for (int a = 0; a < n; a++)
				for (int b = 0; b < n; b++)
					R[a * n + b] = a == b ? 1 : Corr(st0, idx[a] + 1, idx[b] + 1);
			if (lr_cholesky(R, n, L, 1e-12) >= 0)
				wv = get_float8_infinity();
			else
				lr_chol_inverse(L, n, inv);
			for (int a = 0; a < n; a++)
			{
				double		v = isinf(wv) ? wv : inv[a * n + a];

				if (worst < 0 || v > wv ||
					(v == wv && t->bins[cand[idx[a]]].iv < t->bins[cand[worst]].iv))
				{
					wv = v;
					worst = idx[a];
				}
			}
			if (!(wv > t->o.max_vif))
				break;
			kept[worst] = false;
			nkept--;
			Drop(t, t->in.feat[cand[worst]].name,
				 psprintf("vif %s above max_vif %s", isinf(wv) ? "infinite" : Short(wv),
						  Num(t->o.max_vif)));
		}
		for (int k = 0; k < ncand; k++)
			active[k + 1] = kept[k] && t->o.stepwise == LR_STEPWISE_NONE;

		/* Without stepwise, passes read only the kept features. */
		if (t->o.stepwise == LR_STEPWISE_NONE && nkept < ncand)
		{
			int		   *keep = palloc(sizeof(int) * nkept);
			int			n = 0;
			LrLogitState *red;
			LrError		err = {0};

			for (int k = 0; k < ncand; k++)
				if (kept[k])
					keep[n++] = k;
			/* The pass at the null model, restricted to the kept columns. */
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
				keep[k] = cand[keep[k]];
			SetDesign(t, keep, nkept);
			st0 = red;
			active = palloc0(sizeof(bool) * (nkept + 1));
			for (int k = 0; k <= nkept; k++)
				active[k] = true;
			beta = palloc0(sizeof(double) * (nkept + 1));
			beta[0] = log(ybar / (1 - ybar));
		}
	}

	memset(&prob, 0, sizeof(prob));
	prob.p = t->nd + 1;
	prob.active = active;
	prob.names = t->dnames;
	prob.l2 = t->o.l2;
	prob.max_iterations = t->o.max_iterations;
	prob.tolerance = t->o.tolerance;
	prob.fn = FN;
	prob.pass = WoePass;
	prob.arg = t;

	/* ---- the fit: forward stepwise by the score statistic, or every kept feature */
	if (t->o.stepwise != LR_STEPWISE_NONE)
	{
		LrLogitState *cur = st0;
		double		llcur = st0->ll;
		int			nact = 1;
		double		pen = t->o.stepwise == LR_STEPWISE_AIC ? 2.0 :
			log((double) (t->pst->total[0] + t->pst->total[1]));
		bool	   *eligible = palloc0(sizeof(bool) * prob.p);

		for (int k = 1; k < prob.p; k++)
		{
			bool		dropped = false;

			for (int d = 0; d < t->ndropped; d++)
				if (strcmp(t->dropped[d].name, t->dnames[k]) == 0)
					dropped = true;
			eligible[k] = !dropped;
		}
		memset(&res, 0, sizeof(res));
		res.beta = beta;
		res.st = cur;
		for (;;)
		{
			int			best = -1;
			double		bs = 0;
			bool	   *trial;
			LrFitProblem tp = prob;
			LrFitResult tr;

			for (int c = 1; c < prob.p; c++)
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
			trial = palloc(sizeof(bool) * prob.p);
			memcpy(trial, active, sizeof(bool) * prob.p);
			trial[best] = true;
			tp.active = trial;
			lr_fit_run(&tp, res.beta, cur, &tr);
			/* Accept when the criterion improves: -2 ll + pen * k falls. */
			if (-2 * tr.ll + pen * (nact + 1) < -2 * llcur + pen * nact)
			{
				memcpy(active, trial, sizeof(bool) * prob.p);
				nact++;
				res = tr;
				cur = tr.st;
				llcur = tr.ll;
				eligible[best] = false;
			}
			else
				break;
		}
		for (int c = 1; c < prob.p; c++)
			if (eligible[c] && !active[c])
				Drop(t, t->dnames[c], psprintf("not selected by forward stepwise (%s)",
											  t->o.stepwise == LR_STEPWISE_AIC ? "aic" : "bic"));
		if (nact == 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: forward stepwise selected no feature", FN)));
		beta = res.beta;
		st0 = res.st;
	}
	else
	{
		lr_fit_run(&prob, beta, st0, &res);
		beta = res.beta;
	}

	/* ---- sign check: with Siddiqi's WOE, a coefficient on P(bad) must be negative */
	while (t->o.check_signs)
	{
		int			worst = -1;
		double		wz = 0;
		int			nact = 0;

		for (int j = 1; j < prob.p; j++)
			if (active[j])
			{
				double		z = res.beta[j] / res.se[j];

				nact++;
				if (res.beta[j] >= 0 && (worst < 0 || z > wz))
				{
					worst = j;
					wz = z;
				}
			}
		if (worst < 0)
			break;
		Drop(t, t->dnames[worst],
			 psprintf("coefficient %s has the sign opposite to its WOE", Short(res.beta[worst])));
		if (nact == 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: no feature is left after the sign check", FN),
					 errdetail("The last feature, \"%s\", has a coefficient whose sign contradicts its WOE.",
							   t->dnames[worst])));
		active[worst] = false;
		beta = res.beta;
		WarmStart(&prob, res.st, beta, worst);
		lr_fit_run(&prob, beta, NULL, &res);
	}
	beta = res.beta;

	/* ---- the card */
	factor = t->o.pdo / log(2.0);
	offset = t->o.base_score - factor * log(t->o.base_odds);
	{
		StringInfoData f;
		bool		first = true;

		initStringInfo(&f);
		for (int j = 1; j < prob.p; j++)
			if (active[j])
			{
				appendStringInfo(&f, "%s%s", first ? "" : ", ",
								 FeatureJson(t, t->dfeat[j - 1], beta[j], factor, true));
				first = false;
			}
		features_json = f.data;
	}

	/* Last pass: the training rows scored with the card (as score() does). */
	{
		double		base = offset - factor * beta[0];
		char	   *probe;
		StringInfoData sql;
		LrScorecard *sc;
		LrDistState *dst;
		TimestampTz start = GetCurrentTimestamp();
		LrError		err = {0};
		bool		firstname = true;

		if (t->o.round_points)
			base = round(base);
		probe = psprintf("{\"format\": \"loan_risk.scorecard/1\", \"scaling\": {\"pdo\": %s, \"base_score\": %s, \"base_odds\": %s}, \"base_points\": %s, \"features\": [%s]}",
						 Num(t->o.pdo), Num(t->o.base_score), Num(t->o.base_odds), Num(base),
						 features_json);
		sc = lr_scorecard_from_text(probe, strlen(probe));
		initStringInfo(&sql);
		appendStringInfo(&sql, "SELECT loan_risk.auc_partial(OPERATOR(pg_catalog.-) loan_risk.score_columns(%s::loan_risk.scorecard, ARRAY[",
						 quote_literal_cstr(pnstrdup(sc->json, LrScorecardJsonLen(sc))));
		for (int j = 1; j < prob.p; j++)
			if (active[j])
			{
				appendStringInfo(&sql, "%s%s", firstname ? "" : ", ", quote_literal_cstr(t->dnames[j]));
				firstname = false;
			}
		appendStringInfoString(&sql, "]::pg_catalog.text[], true");
		for (int j = 1; j < prob.p; j++)
			if (active[j])
				appendStringInfo(&sql, ", %s", quote_identifier(t->dnames[j]));
		appendStringInfo(&sql, "), %s) FROM %s", t->in.target_sql, t->in.src.from);
		dst = NULL;
		if (t->cache != NULL)
		{
			/* In memory: the card's features are the active design columns, in order. */
			LrArena		arena;
			LrCard	   *fc;
			int		   *cols = palloc(sizeof(int) * prob.p);
			int			nc = 0;

			for (int j = 1; j < prob.p; j++)
				if (active[j])
					cols[nc++] = t->dcol[j - 1];
			lr_arena_init(&arena, &t->alloc, 0);
			fc = lr_scorecard_compile(sc, &arena);
			dst = lr_dist_ops.create(&t->alloc, &err);
			if (dst == NULL)
				lr_pg_raise(&err, NULL);
			if (!lr_design_cache_score(t->cache, fc, cols, dst))
				dst = NULL;
		}
		if (dst == NULL)
			dst = lr_run_state_pass(sql.data, "source", &lr_dist_ops, &t->alloc);
		t->pass++;
		if (dst != NULL)
		{
			lr_pass_notice(FN, t->pass, t->cache != NULL ? "score in memory" : "score",
						   dst->total[0] + dst->total[1], start);
			if (!lr_dist_compact(dst, &err))
				lr_pg_raise(&err, NULL);
			if (!lr_dist_auc(dst, &auc))
				auc = get_float8_nan();
			if (!lr_dist_ks(dst, &ks))
				ks = get_float8_nan();
		}
	}

	initStringInfo(&card);
	appendStringInfoString(&card, "{\"format\": \"loan_risk.scorecard/1\"");
	if (t->o.name)
		appendStringInfo(&card, ", \"name\": %s", JsonString(t->o.name));
	if (t->o.description)
		appendStringInfo(&card, ", \"description\": %s", JsonString(t->o.description));
	{
		double		base = offset - factor * beta[0];

		if (t->o.round_points)
			base = round(base);
		appendStringInfo(&card, ", \"scaling\": {\"pdo\": %s, \"base_score\": %s, \"base_odds\": %s}, \"base_points\": %s, \"intercept\": %s",
						 Num(t->o.pdo), Num(t->o.base_score), Num(t->o.base_odds), Num(base),
						 Num(beta[0]));
	}
	appendStringInfo(&card, ", \"features\": [%s]", features_json);

	/* statistics (CARD_STATS_SCHEMA: read by the validation report) */
	appendStringInfoString(&card, ", \"statistics\": {");
	lr_fit_append_stats(&card, &prob, &res, true, ll0, false);
	appendStringInfo(&card, ", \"auc\": %s, \"ks\": %s, \"gini\": %s", Num(auc), Num(ks), Num(2 * auc - 1));
	/* The schema's coefficient objects, keyed by name. */
	appendStringInfoString(&card, ", \"coefficients\": {");
	{
		bool		first = true;

		for (int j = 0; j < prob.p; j++)
		{
			double		z;

			if (!active[j])
				continue;
			z = beta[j] / res.se[j];
			appendStringInfo(&card, "%s%s: {\"estimate\": %s, \"std_error\": %s, \"z\": %s, \"p_value\": %s}",
							 first ? "" : ", ", JsonString(t->dnames[j]), Num(beta[j]), Num(res.se[j]),
							 Num(z), Num(lr_normal_p2(z)));
			first = false;
		}
	}
	appendStringInfoString(&card, "}}");

	/* training */
	{
		LrBuf		ob;
		LrAlloc		a;

		lr_pg_alloc_init(&a, CurrentMemoryContext);
		lr_buf_init(&ob, &a, 0);
		lr_train_options_write(&t->o, LR_OPT_TRAIN, &ob);
		appendStringInfo(&card, ", \"training\": {\"source\": %s, \"target\": %s, \"fingerprint\": \"%s\"",
						 JsonString(t->in.src.given), JsonString(t->in.target),
						 lr_prebin_fingerprint(t->pst));
		appendStringInfoString(&card, ", \"fingerprint_method\": \"loan_risk.prebin/1: sum over rows of a 64-bit hash of (target, features as read), twice\"");
		appendStringInfo(&card, ", \"rows_skipped\": %lld, \"passes\": %d, \"design_in_memory\": %s, \"options\": %s",
						 (long long) t->pst->skipped, t->pass, t->cache != NULL ? "true" : "false", ob.data);
		appendStringInfoString(&card, ", \"features_considered\": [");
		for (int j = 0; j < nf; j++)
			appendStringInfo(&card, "%s%s", j ? ", " : "", JsonString(t->in.feat[j].name));
		for (int j = 0; j < t->in.ndropped; j++)
			appendStringInfo(&card, "%s%s", nf + j ? ", " : "", JsonString(t->in.dropped_name[j]));
		appendStringInfoString(&card, "], \"features_dropped\": [");
		for (int d = 0; d < t->ndropped; d++)
			appendStringInfo(&card, "%s{\"name\": %s, \"reason\": %s}", d ? ", " : "",
							 JsonString(t->dropped[d].name), JsonString(t->dropped[d].reason));
		appendStringInfo(&card, "], \"loan_risk_version\": %s}", JsonString(ExtVersion()));
	}
	appendStringInfoChar(&card, '}');
	PG_RETURN_POINTER(lr_scorecard_from_text(card.data, card.len));
}
