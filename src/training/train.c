/*
 * train.c
 *	  train_scorecard: from a table or query to a loan_risk.scorecard, as a
 *	  driver over named passes (see train.h): bin and code here, select,
 *	  fit and sign-check in train_select.c, scale and audit in train_card.c.
 *
 * Every pass is one read-only query over the source, so each may run with
 * parallel workers; only states travel back.  When the design fits in
 * loan_risk.max_kernel_memory (one byte per row and candidate feature) and
 * loan_risk.training_in_memory is on, the code pass instead reads the source
 * once more to code every row as its bins (design_cache.c), and the fit
 * passes and the scoring run over those codes in memory, on
 * loan_risk.max_threads threads: the same sums, without a query each.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "common/lr_pg.h"
#include "common/lr_settings.h"
#include "training/train.h"

PG_FUNCTION_INFO_V1(train_scorecard);

void
lr_trainer_drop(LrTrainer *t, const char *name, char *reason)
{
	t->dropped[t->ndropped].name = name;
	t->dropped[t->ndropped].reason = reason;
	t->ndropped++;
}

char *
lr_trainer_num(double v)
{
	char		tmp[40];

	if (!isfinite(v))
		return pstrdup("null");
	lr_format_double(tmp, sizeof(tmp), v == 0 ? 0 : v);
	return pstrdup(tmp);
}

/* The options, the source, the target and the features of the call. */
static LrTrainer *
TrainerStart(FunctionCallInfo fcinfo)
{
	LrTrainer  *t = palloc0(sizeof(LrTrainer));

	lr_train_options_arg(fcinfo, 3, LR_OPT_TRAIN, &t->o);
	lr_train_input_resolve(text_to_cstring(PG_GETARG_TEXT_PP(0)), text_to_cstring(PG_GETARG_TEXT_PP(1)),
						   PG_ARGISNULL(2) ? NULL : PG_GETARG_ARRAYTYPE_P(2), &t->o, LR_TRAIN_FN, &t->in);
	lr_pg_alloc_init(&t->alloc, CurrentMemoryContext);
	lr_arena_init(&t->arena, &t->alloc, 0);
	t->dropped = palloc(sizeof(LrDropped) * (t->in.nfeat + t->in.ndropped + 1));
	for (int i = 0; i < t->in.ndropped; i++)
		lr_trainer_drop(t, t->in.dropped_name[i], t->in.dropped_reason[i]);
	return t;
}

/* train_scorecard: bins, selects, fits and scales a scorecard from a table or query */
Datum
train_scorecard(PG_FUNCTION_ARGS)
{
	LrTrainer  *t;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	t = TrainerStart(fcinfo);
	lr_train_bin(t);
	lr_train_code(t);
	lr_train_select(t);
	lr_train_fit(t);
	lr_train_sign_check(t);
	lr_train_scale(t);
	lr_train_audit(t);
	PG_RETURN_POINTER(lr_scorecard_from_card(t->card));
}

/* ---------------------------------------------------------------- bin */

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

/*
 * Pass 1: the pre-binning state of every feature, then each feature's
 * optimal bins; the candidates are the features with information.
 */
void
lr_train_bin(LrTrainer *t)
{
	int			nf = t->in.nfeat;
	LrError		err = {0};

	t->pass = 1;
	t->pst = lr_train_prebin_pass(&t->in, &t->alloc, LR_TRAIN_FN, 1);
	if (t->pst->total[0] + t->pst->total[1] == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("%s: no row has a target", LR_TRAIN_FN),
				 errdetail("All %lld rows have a NULL target \"%s\".", (long long) t->pst->skipped,
						   t->in.target)));
	if (t->pst->total[0] == 0 || t->pst->total[1] == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the target has %s among the %lld rows", LR_TRAIN_FN,
						t->pst->total[1] == 0 ? "no bads" : "no goods",
						(long long) (t->pst->total[0] + t->pst->total[1])),
				 errdetail("A scorecard needs both goods and bads.")));
	t->bins = palloc0(sizeof(LrBinned) * nf);
	for (int j = 0; j < nf; j++)
	{
		CHECK_FOR_INTERRUPTS();
		if (!lr_bin_feature(t->pst, (uint32_t) j, t->in.feat[j].name, t->in.feat[j].opt, &t->arena,
							&t->bins[j], &err))
			lr_pg_raise(&err, NULL);
	}
	t->cand = palloc(sizeof(int) * nf);
	for (int j = 0; j < nf; j++)
	{
		if (!Informative(&t->bins[j]))
			lr_trainer_drop(t, t->in.feat[j].name, pstrdup("a single WOE value: no information"));
		else if (t->bins[j].iv < t->o.min_iv)
			lr_trainer_drop(t, t->in.feat[j].name,
							psprintf("iv %.6g below min_iv %s", t->bins[j].iv, lr_trainer_num(t->o.min_iv)));
		else
			t->cand[t->ncand++] = j;
	}
	if (t->ncand == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: no feature has an information value of at least min_iv %s", LR_TRAIN_FN,
						lr_trainer_num(t->o.min_iv)),
				 errhint("Lower selection.min_iv, or add features.")));
}

/* ---------------------------------------------------------------- the design */

/* The design card: the features' bins with their WOE, every point 0. */
static LrCard *
DesignCard(LrTrainer *t, const int *feat, int nd)
{
	LrCard	   *card = lr_card_alloc(&t->arena, nd);
	LrError		err = {0};

	if (card == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory while making the design card")));
	card->name = "design";
	for (int i = 0; i < nd; i++)
		if (!lr_binned_card_feature(&t->bins[feat[i]], t->in.feat[feat[i]].opt, 0, 0, t->o.round_points,
									&t->arena, &card->features[i]))
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory while making the design card")));
	if (!lr_card_finish(card, &t->arena, &err))
		lr_pg_raise(&err, "invalid scorecard");
	return card;
}

void
lr_trainer_set_design(LrTrainer *t, const int *feat, int nd)
{
	StringInfoData tail;

	t->nd = nd;
	t->dfeat = palloc(sizeof(int) * Max(nd, 1));
	memcpy(t->dfeat, feat, sizeof(int) * nd);
	t->dnames = palloc(sizeof(char *) * (nd + 1));
	t->dnames[0] = "(intercept)";
	for (int i = 0; i < nd; i++)
		t->dnames[i + 1] = t->in.feat[feat[i]].name;
	/* The card's numeric features in a float8[], its categorical ones in a text[], in card order. */
	initStringInfo(&tail);
	appendStringInfo(&tail, ", %s%s) FROM %s", t->in.target_sql, lr_train_arrays_sql(&t->in, feat, nd, NULL),
					 t->in.src.from);
	t->dtail = tail.data;
	t->design = DesignCard(t, feat, nd);
	t->dvalue = lr_scorecard_from_card(t->design);
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
 * Codes every row of the source as its bins in the current design (see
 * design_cache.h).  Left undone (passes stay queries) when
 * loan_risk.training_in_memory is off, the source is a table with foreign
 * parts, or the codes would need more than loan_risk.max_kernel_memory.
 */
static void
CacheDesign(LrTrainer *t)
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
	t->cache = lr_design_cache_build(sql.data, t->design, rows, LR_TRAIN_FN);
	if (t->cache == NULL)
		return;
	t->ncache = t->nd;
	t->cache_feat = palloc(sizeof(int) * Max(t->nd, 1));
	memcpy(t->cache_feat, t->dfeat, sizeof(int) * t->nd);
	t->dcol = palloc(sizeof(int) * Max(t->nd, 1));
	for (int i = 0; i < t->nd; i++)
		t->dcol[i] = i;
	t->pass++;
	lr_pass_notice(LR_TRAIN_FN, t->pass, "design in memory",
				   lr_design_cache_rows(t->cache) + t->pst->skipped, start);
}

LrLogitState *
lr_trainer_woe_pass(void *arg, const double *beta)
{
	LrTrainer  *t = arg;
	TimestampTz start = GetCurrentTimestamp();
	LrLogitState *st;
	Oid			types[2];
	Datum		values[2];

	if (t->cache != NULL)
	{
		st = lr_design_cache_pass(t->cache, t->dcol, t->nd, beta, &t->alloc);
		t->pass++;
		lr_pass_notice(LR_TRAIN_FN, t->pass, "fit in memory", st->rows + st->skipped, start);
		return st;
	}
	types[0] = lr_scorecard_typoid(false);
	values[0] = PointerGetDatum(t->dvalue);
	types[1] = FLOAT8ARRAYOID;
	values[1] = lr_float8_array_datum(beta, t->nd + 1);
	st = lr_run_state_pass_params(psprintf("SELECT loan_risk.woe_step_partial($1::loan_risk.scorecard, $2::pg_catalog.float8[]%s",
										   t->dtail),
								  "source", 2, types, values, &lr_logit_ops, &t->alloc);
	t->pass++;
	if (st != NULL)
		lr_pass_notice(LR_TRAIN_FN, t->pass, "fit", st->rows + st->skipped, start);
	return st;
}

/* ---------------------------------------------------------------- code */

/*
 * The design of every candidate, then pass 2 at the intercept-only model
 * (its moments feed the correlation and VIF filters; the weights are
 * constant there).  In memory, the rows are coded first.
 */
void
lr_train_code(LrTrainer *t)
{
	lr_trainer_set_design(t, t->cand, t->ncand);
	t->ybar = (double) t->pst->total[1] / (double) (t->pst->total[0] + t->pst->total[1]);
	t->beta = palloc0(sizeof(double) * (t->ncand + 1));
	t->beta[0] = log(t->ybar / (1 - t->ybar));
	CacheDesign(t);
	t->st0 = lr_trainer_woe_pass(t, t->beta);
	t->ll0 = t->st0->ll;
}
