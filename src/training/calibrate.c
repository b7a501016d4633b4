/*
 * calibrate.c
 *	  train_scorecard's calibration step ("calibration": {"method":
 *	  "platt"}): cross-fitted Platt scaling of the card's log-odds.
 *
 * The rows are split into k folds by a hash of each row's text (so the
 * split depends on the data alone, not on the order a scan returns it).
 * For each fold, a card is trained by train_scorecard itself on the other
 * folds (binning, selection and fit included, so nothing of the held-out
 * fold leaks into its card) and scores the fold's rows.  Every row is then
 * scored once by a card that never saw it; Platt scaling, calibrated
 * log-odds = a + b * log-odds, is fitted on those out-of-fold log-odds
 * and outcomes and recorded in the card that is fitted on all the rows.
 * The card's points are untouched: score() and the order of the rows are
 * those of an uncalibrated card, and only the probability changes.
 *
 * Platt's targets are smoothed ((bads + 1) / (bads + 2) for a bad,
 * 1 / (goods + 2) for a good), which keeps the two parameters finite on a
 * small or separated sample.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "common/lr_pg.h"
#include "common/lr_spi.h"
#include "training/train.h"

/* The out-of-fold rows: the fold card's log-odds and the outcome. */
typedef struct OofRows
{
	MemoryContext cxt;
	double	   *x;
	bool	   *bad;
	int64		n;
	int64		cap;
	const LrTrainOptions *o;
	LrScorecard *card;			/* a fold's card, copied out of the query */
} OofRows;

static void
KeepCard(TupleTableSlot *slot, void *arg)
{
	OofRows    *r = arg;
	MemoryContext old;

	if (slot->tts_isnull[0])
		elog(ERROR, "train_scorecard returned NULL for a fold");
	old = MemoryContextSwitchTo(r->cxt);
	r->card = (LrScorecard *) PG_DETOAST_DATUM_COPY(slot->tts_values[0]);
	MemoryContextSwitchTo(old);
}

static void
KeepRow(TupleTableSlot *slot, void *arg)
{
	OofRows    *r = arg;
	const LrTrainOptions *o = r->o;
	double		s;

	if (slot->tts_isnull[0] || slot->tts_isnull[1])
		return;
	if (r->n == r->cap)
	{
		int64		cap = r->cap == 0 ? 4096 : r->cap * 2;

		if (r->cap == 0)
		{
			r->x = MemoryContextAllocHuge(r->cxt, sizeof(double) * cap);
			r->bad = MemoryContextAllocHuge(r->cxt, sizeof(bool) * cap);
		}
		else
		{
			r->x = repalloc_huge(r->x, sizeof(double) * cap);
			r->bad = repalloc_huge(r->bad, sizeof(bool) * cap);
		}
		r->cap = cap;
	}
	/* The fold card's log-odds: the scaling of the options (a fold card has no calibration). */
	s = DatumGetFloat8(slot->tts_values[0]);
	r->x[r->n] = log(o->base_odds) + (s - o->base_score) / o->pdo * M_LN2;
	r->bad[r->n] = DatumGetInt32(slot->tts_values[1]) != 0;
	r->n++;
	if ((r->n & 65535) == 0)
		CHECK_FOR_INTERRUPTS();
}

/* ln sigma(z) = -ln(1 + e^-z), without overflow. */
static double
LogSigmoid(double z)
{
	return z >= 0 ? -log1p(exp(-z)) : z - log1p(exp(z));
}

/* sigma(z) = 1 / (1 + e^-z): the card's own map from log-odds to a probability. */
static double
Sigmoid(double z)
{
	return lr_card_pd_of_log_odds(-z);
}

/* Log-likelihood of (a, b) at Platt's smoothed targets; z = a + b x is the log-odds of good. */
static double
PlattLL(const OofRows *r, double tbad, double tgood, double a, double b)
{
	double		ll = 0;

	for (int64 i = 0; i < r->n; i++)
	{
		double		z = a + b * r->x[i];
		double		t = r->bad[i] ? tbad : tgood;	/* the target probability of bad */

		ll += t * LogSigmoid(-z) + (1 - t) * LogSigmoid(z);
	}
	return ll;
}

/* Newton's method with step halving on the two parameters; false if it does not converge. */
static bool
FitPlatt(const OofRows *r, double *pa, double *pb)
{
	int64		nbad = 0;
	double		tbad,
				tgood,
				a = 0,
				b = 1,
				ll;

	for (int64 i = 0; i < r->n; i++)
		nbad += r->bad[i];
	tbad = (nbad + 1.0) / (nbad + 2.0);
	tgood = 1.0 / (r->n - nbad + 2.0);
	ll = PlattLL(r, tbad, tgood, a, b);
	for (int it = 0; it < 100; it++)
	{
		double		g0 = 0,
					g1 = 0,
					h00 = 0,
					h01 = 0,
					h11 = 0,
					det,
					da,
					db,
					step = 1;
		bool		moved = false;

		CHECK_FOR_INTERRUPTS();
		for (int64 i = 0; i < r->n; i++)
		{
			double		x = r->x[i];
			double		p = Sigmoid(a + b * x);
			double		g = (1 - (r->bad[i] ? tbad : tgood)) - p;
			double		w = p * (1 - p);

			g0 += g;
			g1 += g * x;
			h00 += w;
			h01 += w * x;
			h11 += w * x * x;
		}
		det = h00 * h11 - h01 * h01;
		if (!(det > 0))
			return false;
		da = (h11 * g0 - h01 * g1) / det;
		db = (h00 * g1 - h01 * g0) / det;
		for (int half = 0; half < 40; half++, step *= 0.5)
		{
			double		llt = PlattLL(r, tbad, tgood, a + step * da, b + step * db);

			if (llt >= ll)
			{
				double		change = llt - ll;

				a += step * da;
				b += step * db;
				ll = llt;
				moved = true;
				if (change < 1e-12 * (fabs(ll) + 1))
				{
					*pa = a;
					*pb = b;
					return isfinite(a) && isfinite(b);
				}
				break;
			}
		}
		if (!moved)
		{
			*pa = a;
			*pb = b;
			return isfinite(a) && isfinite(b);
		}
	}
	return false;
}

/* Mean log-loss of the outcomes at log-odds a + b x. */
static double
LogLoss(const OofRows *r, double a, double b)
{
	double		s = 0;

	for (int64 i = 0; i < r->n; i++)
	{
		double		z = a + b * r->x[i];

		s -= r->bad[i] ? LogSigmoid(-z) : LogSigmoid(z);
	}
	return r->n > 0 ? s / (double) r->n : get_float8_nan();
}

static LrJson *
Num(LrTrainer *t, double v)
{
	if (!isfinite(v))
		return lr_json_new(&t->arena, LRJ_NULL);
	return lr_json_new_number(&t->arena, v == 0 ? 0 : v);
}

/*
 * The cross-fitting: a card per fold trained on the other folds, the
 * fold's rows scored by it, then Platt's two parameters; sets
 * t->calibration and t->calibration_record.
 */
void
lr_train_calibrate(LrTrainer *t, FunctionCallInfo fcinfo)
{
	int			k = t->o.calibration_folds;
	OofRows		r = {0};
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "calibration",
											  ALLOCSET_DEFAULT_SIZES);
	char	   *fold;
	Oid			ttypes[4] = {TEXTOID, TEXTOID, TEXTARRAYOID, JSONBOID};
	Datum		tvals[4];
	bool		tnulls[4] = {false, false, PG_ARGISNULL(2), false};
	int64		nbad = 0;
	double		a = 0,
				b = 1,
				mean_pd = 0;
	LrArena    *ar = &t->arena;
	LrJson	   *rec;
	bool		ok;

	if (!t->o.calibrate)
		return;
	r.cxt = cxt;
	r.o = &t->o;
	fold = psprintf("pg_catalog.mod(pg_catalog.hashtext(lr_source::pg_catalog.text)::pg_catalog.int8 OPERATOR(pg_catalog.+) 2147483648, %d)", k);
	tvals[1] = PG_GETARG_DATUM(1);
	tvals[2] = PG_ARGISNULL(2) ? (Datum) 0 : PG_GETARG_DATUM(2);
	tvals[3] = PG_ARGISNULL(3) ? DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")) : PG_GETARG_DATUM(3);
	for (int f = 0; f < k; f++)
	{
		Oid			stypes[1];
		Datum		svals[1];
		TimestampTz start = GetCurrentTimestamp();
		int64		before = r.n;

		CHECK_FOR_INTERRUPTS();
		tvals[0] = CStringGetTextDatum(psprintf("SELECT lr_source.* FROM %s WHERE %s OPERATOR(pg_catalog.<>) %d",
												t->in.src.from, fold, f));
		r.card = NULL;
		lr_query_run_params("SELECT loan_risk.train_scorecard($1, $2, $3, $4 OPERATOR(pg_catalog.||) '{\"calibration\": {\"method\": \"none\"}}'::pg_catalog.jsonb)",
							"source", 4, ttypes, tvals, tnulls, NULL, KeepCard, &r);
		if (r.card == NULL)
			elog(ERROR, "train_scorecard returned no card for a fold");
		stypes[0] = lr_scorecard_typoid(false);
		svals[0] = PointerGetDatum(r.card);
		lr_query_run_params(psprintf("SELECT loan_risk.score($1::loan_risk.scorecard, lr_source), (%s)::pg_catalog.int4 FROM %s WHERE %s OPERATOR(pg_catalog.=) %d",
									 t->in.target_sql, t->in.src.from, fold, f),
							"source", 1, stypes, svals, NULL, NULL, KeepRow, &r);
		t->pass++;
		lr_pass_notice(LR_TRAIN_FN, t->pass, psprintf("calibration fold %d of %d", f + 1, k),
					   r.n - before, start);
	}
	for (int64 i = 0; i < r.n; i++)
	{
		nbad += r.bad[i];
		mean_pd += Sigmoid(-r.x[i]);
	}
	if (r.n > 0)
		mean_pd /= (double) r.n;
	ok = r.n > 0 && nbad > 0 && nbad < r.n && FitPlatt(&r, &a, &b) && b > 0;
	rec = lr_json_new(ar, LRJ_OBJECT);
	if (rec == NULL ||
		!lr_json_put(ar, rec, "method", lr_json_new_string(ar, ok ? "platt" : "none", ok ? 5 : 4)) ||
		!lr_json_put(ar, rec, "folds", Num(t, k)) ||
		!lr_json_put(ar, rec, "rows", Num(t, (double) r.n)) ||
		!lr_json_put(ar, rec, "bad_rate", Num(t, r.n > 0 ? (double) nbad / (double) r.n : 0)) ||
		!lr_json_put(ar, rec, "mean_pd_uncalibrated", Num(t, mean_pd)) ||
		!lr_json_put(ar, rec, "log_loss_uncalibrated", Num(t, LogLoss(&r, 0, 1))))
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	if (ok)
	{
		t->calibration.method = LR_CALIBRATION_PLATT;
		t->calibration.intercept = a == 0 ? 0 : a;
		t->calibration.slope = b;
		if (!lr_json_put(ar, rec, "log_loss_calibrated", Num(t, LogLoss(&r, a, b))))
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	}
	else
		ereport(WARNING,
				(errmsg("%s: the card is not calibrated", LR_TRAIN_FN),
				 errdetail("Platt scaling of the %lld out-of-fold rows (%lld bads) has no positive slope.",
						   (long long) r.n, (long long) nbad)));
	t->calibration_record = rec;
	MemoryContextDelete(cxt);
}
