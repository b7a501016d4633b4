/*
 * train_card.c
 *	  train_scorecard's scale and audit passes (see train.h): the card made
 *	  with the scorecard core's builder, the last pass that scores the
 *	  training rows with it, and its statistics and training record.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "common/lr_pg.h"
#include "stats/dist.h"
#include "training/train.h"

static void
NoMemory(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_OUT_OF_MEMORY),
			 errmsg("out of memory while making the scorecard")));
}

/* ---------------------------------------------------------------- scale */

/*
 * The card: factor = pdo / ln 2 and offset = base_score - factor * ln
 * base_odds turn each active feature's coefficient and bin WOE into points
 * (-factor * coefficient * woe) and the intercept into base points.
 */
void
lr_train_scale(LrTrainer *t)
{
	double		factor = t->o.pdo / log(2.0);
	double		offset = t->o.base_score - factor * log(t->o.base_odds);
	double		base = offset - factor * t->beta[0];
	int			nact = 0,
				k = 0;
	LrCard	   *card;
	LrError		err = {0};

	for (int j = 1; j < t->prob.p; j++)
		nact += t->active[j];
	if ((card = lr_card_alloc(&t->arena, nact)) == NULL)
		NoMemory();
	card->name = t->o.name;
	card->description = t->o.description;
	card->has_scaling = true;
	card->pdo = t->o.pdo;
	card->base_score = t->o.base_score;
	card->base_odds = t->o.base_odds;
	if (t->o.round_points)
		base = round(base);
	card->base_points = base == 0 ? 0 : base;
	card->has_intercept = true;
	card->intercept = t->beta[0] == 0 ? 0 : t->beta[0];
	for (int j = 1; j < t->prob.p; j++)
		if (t->active[j] &&
			!lr_binned_card_feature(&t->bins[t->dfeat[j - 1]], t->in.feat[t->dfeat[j - 1]].opt,
									t->beta[j], factor, t->o.round_points, &t->arena,
									&card->features[k++]))
			NoMemory();
	if (!lr_card_finish(card, &t->arena, &err))
		lr_pg_raise(&err, "invalid scorecard");
	t->card = card;
}

/* ---------------------------------------------------------------- audit */

/*
 * The last pass: the training rows scored with the card, as score() does,
 * into a distribution state (AUC and KS).  In memory the card's features
 * are the active design columns, in order; otherwise a query scores them
 * with score_columns, the card and the column names as parameters.
 */
static LrDistState *
ScorePass(LrTrainer *t)
{
	LrDistState *dst = NULL;
	LrError		err = {0};
	int			nact = (int) t->card->nfeatures;

	if (t->cache != NULL)
	{
		int		   *cols = palloc(sizeof(int) * Max(nact, 1));
		int			nc = 0;

		for (int j = 1; j < t->prob.p; j++)
			if (t->active[j])
				cols[nc++] = t->dcol[j - 1];
		dst = lr_dist_ops.create(&t->alloc, &err);
		if (dst == NULL)
			lr_pg_raise(&err, NULL);
		if (!lr_design_cache_score(t->cache, t->card, cols, dst))
			dst = NULL;
	}
	if (dst == NULL)
	{
		StringInfoData sql;
		Datum	   *names = palloc(sizeof(Datum) * Max(nact, 1));
		Oid			types[2];
		Datum		values[2];
		int			n = 0;

		initStringInfo(&sql);
		appendStringInfoString(&sql, "SELECT loan_risk.auc_partial(OPERATOR(pg_catalog.-) loan_risk.score_columns($1::loan_risk.scorecard, $2::pg_catalog.text[], true");
		for (int j = 1; j < t->prob.p; j++)
			if (t->active[j])
			{
				names[n++] = CStringGetTextDatum(t->dnames[j]);
				appendStringInfo(&sql, ", %s", quote_identifier(t->dnames[j]));
			}
		appendStringInfo(&sql, "), %s) FROM %s", t->in.target_sql, t->in.src.from);
		types[0] = lr_scorecard_typoid(false);
		values[0] = PointerGetDatum(lr_scorecard_from_card(t->card));
		types[1] = TEXTARRAYOID;
		values[1] = PointerGetDatum(construct_array(names, n, TEXTOID, -1, false, TYPALIGN_INT));
		dst = lr_run_state_pass_params(sql.data, "source", 2, types, values, &lr_dist_ops, &t->alloc);
	}
	return dst;
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

static LrJson *
Num(LrTrainer *t, double v)
{
	return lr_json_new_number(&t->arena, v);
}

static LrJson *
Str(LrTrainer *t, const char *s)
{
	return lr_json_new_string(&t->arena, s, strlen(s));
}

/*
 * The statistics (CARD_STATS_SCHEMA, read by the validation report): the
 * fit's, the training AUC, KS and Gini, and the coefficient objects keyed
 * by name.
 */
static LrJson *
Statistics(LrTrainer *t)
{
	LrArena    *a = &t->arena;
	LrJson	   *stats = lr_json_new(a, LRJ_OBJECT);
	LrJson	   *coefs = lr_json_new(a, LRJ_OBJECT);
	const double *beta = t->beta;
	const double *se = t->res.se;

	if (stats == NULL || coefs == NULL ||
		!lr_fit_stats_json(stats, a, &t->prob, &t->res, true, t->ll0, false) ||
		!lr_json_put(a, stats, "auc", Num(t, t->auc)) ||
		!lr_json_put(a, stats, "ks", Num(t, t->ks)) ||
		!lr_json_put(a, stats, "gini", Num(t, 2 * t->auc - 1)))
		NoMemory();
	for (int j = 0; j < t->prob.p; j++)
	{
		LrJson	   *c;
		double		z;

		if (!t->active[j])
			continue;
		c = lr_json_new(a, LRJ_OBJECT);
		z = beta[j] / se[j];
		if (c == NULL ||
			!lr_json_put(a, c, "estimate", Num(t, beta[j])) ||
			!lr_json_put(a, c, "std_error", Num(t, se[j])) ||
			!lr_json_put(a, c, "z", Num(t, z)) ||
			!lr_json_put(a, c, "p_value", Num(t, lr_normal_p2(z))) ||
			!lr_json_put(a, coefs, t->dnames[j], c))
			NoMemory();
	}
	if (!lr_json_put(a, stats, "coefficients", coefs))
		NoMemory();
	return stats;
}

/* What the card was trained on and how: source, target, fingerprint, options, passes, features. */
static LrJson *
TrainingRecord(LrTrainer *t)
{
	LrArena    *a = &t->arena;
	LrJson	   *rec = lr_json_new(a, LRJ_OBJECT);
	LrJson	   *considered = lr_json_new(a, LRJ_ARRAY);
	LrJson	   *dropped = lr_json_new(a, LRJ_ARRAY);
	bool		ok = rec != NULL && considered != NULL && dropped != NULL;

	for (int j = 0; ok && j < t->in.nfeat; j++)
		ok = lr_json_push(a, considered, Str(t, t->in.feat[j].name));
	for (int j = 0; ok && j < t->in.ndropped; j++)
		ok = lr_json_push(a, considered, Str(t, t->in.dropped_name[j]));
	for (int d = 0; ok && d < t->ndropped; d++)
	{
		LrJson	   *o = lr_json_new(a, LRJ_OBJECT);

		ok = o != NULL &&
			lr_json_put(a, o, "name", Str(t, t->dropped[d].name)) &&
			lr_json_put(a, o, "reason", Str(t, t->dropped[d].reason)) &&
			lr_json_push(a, dropped, o);
	}
	ok = ok &&
		lr_json_put(a, rec, "source", Str(t, t->in.src.given)) &&
		lr_json_put(a, rec, "target", Str(t, t->in.target)) &&
		lr_json_put(a, rec, "fingerprint", Str(t, lr_prebin_fingerprint(t->pst))) &&
		lr_json_put(a, rec, "fingerprint_method",
					Str(t, "loan_risk.prebin/1: sum over rows of a 64-bit hash of (target, features as read), twice")) &&
		lr_json_put(a, rec, "rows_skipped", Num(t, (double) t->pst->skipped)) &&
		lr_json_put(a, rec, "passes", Num(t, t->pass)) &&
		lr_json_put(a, rec, "design_in_memory", lr_json_new_bool(a, t->cache != NULL)) &&
		lr_json_put(a, rec, "options", lr_train_options_json(&t->o, LR_OPT_TRAIN, a)) &&
		lr_json_put(a, rec, "features_considered", considered) &&
		lr_json_put(a, rec, "features_dropped", dropped) &&
		lr_json_put(a, rec, "loan_risk_version", Str(t, ExtVersion()));
	if (!ok)
		NoMemory();
	return rec;
}

/* The scoring pass, then the card's statistics and training record. */
void
lr_train_audit(LrTrainer *t)
{
	TimestampTz start = GetCurrentTimestamp();
	LrDistState *dst = ScorePass(t);
	LrError		err = {0};

	t->auc = get_float8_nan();
	t->ks = get_float8_nan();
	t->pass++;
	if (dst != NULL)
	{
		lr_pass_notice(LR_TRAIN_FN, t->pass, t->cache != NULL ? "score in memory" : "score",
					   dst->total[0] + dst->total[1], start);
		if (!lr_dist_compact(dst, &err))
			lr_pg_raise(&err, NULL);
		if (!lr_dist_auc(dst, &t->auc))
			t->auc = get_float8_nan();
		if (!lr_dist_ks(dst, &t->ks))
			t->ks = get_float8_nan();
	}
	/* Free-form members: not part of the points table, set after lr_card_finish. */
	t->card->statistics = Statistics(t);
	t->card->training = TrainingRecord(t);
}
