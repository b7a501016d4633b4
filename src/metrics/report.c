/*
 * report.c
 *	  loan_risk.validation_report(card, data_sql, options): the validation
 *	  report of a scorecard on the rows of a query, as one HTML page.
 *
 * One pass over the data query (lr_query_run: read-only, the caller's
 * rights, rows streamed): each row is scored once with the card
 * (lr_card_score_row, which also gives the bin of every feature) and fed to
 * the metrics area's own states:
 *
 *   PD and outcome     a score distribution state with `groups` buckets, as
 *                      calibration_table_partial builds it: AUC, Gini, KS,
 *                      gains, calibration and Hosmer-Lemeshow come from the
 *                      metrics final functions on it, the ROC and KS curves
 *                      from its exact counts (roc_curve's code)
 *   score and outcome  a score distribution state: the score histogram
 *   score and period   a score distribution state, baseline = class 0:
 *                      psi_bins_final gives the PSI of the score
 *   PD and outcome     a Brier state: brier_final
 *   per feature, bin   counts of rows, bads, baseline and recent rows: CSI
 *                      and IV with lr_woe_compute (src/stats/woe.h), over
 *                      the bins that have rows, as csi() and iv() over the
 *                      bin labels give them
 *
 * The final functions run through SPI on the encoded states, so every figure
 * is the one the aggregates give on the same rows.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "parser/parse_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include "common/lr_pg.h"
#include "common/lr_spi.h"
#include "common/lr_state.h"
#include "metrics/metrics.h"
#include "metrics/report.h"
#include "scoring/score.h"
#include "stats/stats_pg.h"
#include "stats/woe.h"

PG_FUNCTION_INFO_V1(validation_report);

#define WHAT "data query"

typedef struct ReportScan
{
	LrCardCache *cc;
	const LrCard *card;
	const LrReportOptions *opt;
	LrReportData *d;
	TupleDesc	rowdesc;		/* blessed copy of the query's row type */
	int			c_outcome,
				c_score,
				c_pd,
				c_recent;		/* column indexes, -1 when not used */
	Oid			t_outcome,
				t_score,
				t_pd;
	LrDistState *pd_st;
	LrDistState *score_st;
	LrDistState *psi_st;
	LrBrierState brier;
	double		pd_sum,
				pd_comp;
	int64		pd_n;
	int64		rows;
	MemoryContext tmp;
} ReportScan;

static int
FindColumn(TupleDesc desc, const char *name, const char *option)
{
	StringInfoData cols;

	for (int i = 0; i < desc->natts; i++)
		if (!TupleDescAttr(desc, i)->attisdropped && strcmp(NameStr(TupleDescAttr(desc, i)->attname), name) == 0)
			return i;
	initStringInfo(&cols);
	for (int i = 0; i < desc->natts && cols.len < 400; i++)
		appendStringInfo(&cols, "%s%s", i ? ", " : "", quote_identifier(NameStr(TupleDescAttr(desc, i)->attname)));
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("%s has no column \"%s\"", WHAT, name),
			 errdetail("Its columns are: %s.", cols.len ? cols.data : "(none)"),
			 errhint("Name the column with the \"%s\" option.", option)));
	return -1;
}

/* The base type of the column, checked against what the option needs. */
static Oid
ColumnType(TupleDesc desc, int col, const char *option, bool want_bool, bool want_int, bool want_number)
{
	Form_pg_attribute att = TupleDescAttr(desc, col);
	Oid			t = getBaseType(att->atttypid);
	bool		is_int = (t == INT2OID || t == INT4OID || t == INT8OID);

	if ((want_bool && t == BOOLOID) || (want_int && is_int) ||
		(want_number && (is_int || t == FLOAT4OID || t == FLOAT8OID || t == NUMERICOID)))
		return t;
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("%s: column \"%s\" (option %s) has type %s, expected %s", WHAT,
					NameStr(att->attname), option, format_type_be(att->atttypid),
					want_bool && want_int ? "a boolean or an integer 0/1" :
					want_bool ? "a boolean" : "a number")));
	return InvalidOid;
}

static void
ScanStart(TupleDesc desc, void *arg)
{
	ReportScan	   *s = arg;
	const LrReportOptions *o = s->opt;
	MemoryContext old = MemoryContextSwitchTo(s->tmp->parent);

	s->rowdesc = BlessTupleDesc(CreateTupleDescCopy(desc));
	MemoryContextSwitchTo(old);
	s->c_outcome = FindColumn(desc, o->outcome, "outcome");
	s->t_outcome = ColumnType(desc, s->c_outcome, "outcome", true, true, false);
	s->c_score = s->c_pd = s->c_recent = -1;
	if (o->score)
	{
		s->c_score = FindColumn(desc, o->score, "score");
		s->t_score = ColumnType(desc, s->c_score, "score", false, false, true);
	}
	if (o->pd)
	{
		s->c_pd = FindColumn(desc, o->pd, "pd");
		s->t_pd = ColumnType(desc, s->c_pd, "pd", false, false, true);
	}
	if (o->recent)
	{
		s->c_recent = FindColumn(desc, o->recent, "recent");
		ColumnType(desc, s->c_recent, "recent", true, false, false);
	}
}

static void
Add(LrDistState *st, double v, int cls)
{
	LrError		err = {0};

	if (!lr_dist_add(st, v, cls, &err))
		lr_state_raise(&err);
}

static void
ScanRow(TupleTableSlot *slot, void *arg)
{
	ReportScan	   *s = arg;
	Datum	   *v = slot->tts_values;
	bool	   *nulls = slot->tts_isnull;
	MemoryContext old = MemoryContextSwitchTo(s->tmp);
	HeapTuple	tup = heap_form_tuple(s->rowdesc, v, nulls);
	double		score = lr_card_score_row(s->cc, tup->t_data, true);
	bool		has_score = true;
	double		pd = 0;
	bool		has_pd;
	int			y = -1;
	int			r = -1;

	s->rows++;
	if (s->c_score >= 0)
	{
		has_score = !nulls[s->c_score];
		score = has_score ? lr_datum_double(v[s->c_score], s->t_score) : 0;
	}
	if (s->c_pd >= 0)
	{
		has_pd = !nulls[s->c_pd];
		pd = has_pd ? lr_datum_double(v[s->c_pd], s->t_pd) : 0;
	}
	else
	{
		has_pd = has_score;
		if (has_score)
			pd = lr_card_pd(s->card, score);
	}
	if (!nulls[s->c_outcome])
	{
		if (s->t_outcome == BOOLOID)
			y = DatumGetBool(v[s->c_outcome]) ? 1 : 0;
		else
		{
			int64		o = lr_datum_int64(v[s->c_outcome], s->t_outcome);

			if (o != 0 && o != 1)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("outcome must be 0 (good) or 1 (bad), got %lld", (long long) o),
						 errhint("Pass a boolean, or map the outcome column to 0 and 1.")));
			y = (int) o;
		}
	}
	if (s->c_recent >= 0 && !nulls[s->c_recent])
		r = DatumGetBool(v[s->c_recent]) ? 1 : 0;

	if (y >= 0 && has_pd)
	{
		lr_check_pd(pd);
		Add(s->pd_st, pd, y);
		{
			LrError		err = {0};

			if (!lr_brier_add(&s->brier, pd, y, &err))
				lr_pg_raise(&err, NULL);
		}
		lr_ksum_add(&s->pd_sum, &s->pd_comp, pd);
		s->pd_n++;
	}
	if (y >= 0 && has_score)
		Add(s->score_st, score, y);
	if (r >= 0 && has_score)
		Add(s->psi_st, score, r);
	for (size_t i = 0; i < s->card->nfeatures; i++)
	{
		/* LrFeatureObs.bins are laid out in the card's code order. */
		LrBinObs   *ob = &s->d->features[i].bins[s->cc->codes[i]];

		ob->count++;
		if (y >= 0)
		{
			ob->known++;
			ob->bads += y;
		}
		if (r == 0)
			ob->base++;
		else if (r == 1)
			ob->recent++;
	}
	MemoryContextSwitchTo(old);
	if ((s->rows & 1023) == 0)
		MemoryContextReset(s->tmp);
}

static Oid
TypeOid(const char *name)
{
	return typenameTypeId(NULL, typeStringToTypeName(name));
}

static double
GetDouble(HeapTuple tup, TupleDesc desc, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);

	return isnull ? NAN : DatumGetFloat8(d);
}

static int64
GetInt64(HeapTuple tup, TupleDesc desc, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);

	return isnull ? 0 : DatumGetInt64(d);
}

static int32
GetInt32(HeapTuple tup, TupleDesc desc, int col, int32 ifnull)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, desc, col, &isnull);

	return isnull ? ifnull : DatumGetInt32(d);
}


/* Runs a statement about state s (parameter $1) and returns the row count. */
static uint64
RunOnState(const char *sql, Datum s, Oid stype)
{
	int			rc = SPI_execute_with_args(sql, 1, &stype, &s, NULL, true, 0);

	if (rc != SPI_OK_SELECT)
		elog(ERROR, "validation report: statement failed: %s", SPI_result_code_string(rc));
	return SPI_processed;
}

/*
 * The ROC / KS points of the PD state, thinned for drawing as they are read
 * (memory follows the points kept, not the distinct PDs), and the exact
 * point of the largest gap.  Runs come in ascending PD; each point counts
 * the rows at or above its PD, so the points are made from the lowest PD up
 * and reversed at the end (riskiest first, as roc_curve gives them).
 */
static void
Curve(LrReportData *d, const LrDistState *st)
{
	LrDistIter	it;
	double		G = (double) st->total[0],
				B = (double) st->total[1];
	int64		g_lt = 0,
				b_lt = 0;
	double		best = -1;
	size_t		cap = 256,
				n = 0;
	size_t		left = lr_dist_nruns(st);
	LrRocPoint	last = {0, 0, 0, 0};

	d->nroc = 0;
	if (G == 0 || B == 0)
		return;
	d->roc = palloc(cap * sizeof(LrRocPoint));
	lr_dist_iter_init(st, &it);
	while (lr_dist_next(&it))
	{
		LrRocPoint	p;

		p.risk = lr_dist_value(it.key);
		p.fpr = (st->total[0] - g_lt) / G;
		p.tpr = (st->total[1] - b_lt) / B;
		p.share = (st->total[0] - g_lt + st->total[1] - b_lt) / (G + B);
		g_lt += it.cnt[0];
		b_lt += it.cnt[1];
		left--;
		if (fabs(p.tpr - p.fpr) > best)
		{
			best = fabs(p.tpr - p.fpr);
			d->ks_point = p;
		}
		if (n > 0 && left > 0 && fabs(p.fpr - last.fpr) < 0.002 && fabs(p.tpr - last.tpr) < 0.002 &&
			fabs(p.share - last.share) < 0.002)
			continue;
		if (n == cap)
		{
			cap *= 2;
			d->roc = repalloc(d->roc, cap * sizeof(LrRocPoint));
		}
		d->roc[n++] = p;
		last = p;
		if ((n & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	for (size_t i = 0; i < n / 2; i++)
	{
		LrRocPoint	t = d->roc[i];

		d->roc[i] = d->roc[n - 1 - i];
		d->roc[n - 1 - i] = t;
	}
	d->nroc = n;
}

/* A round width near w: 1, 2 or 5 times a power of ten. */
static double
RoundWidth(double w)
{
	double		p = pow(10, floor(log10(w)));
	double		m = w / p;

	return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/* x on a line of integers that orders doubles as their values (-0 = 0). */
static int64
OrderedBits(double x)
{
	int64		i;

	memcpy(&i, &x, sizeof(i));
	return i < 0 ? PG_INT64_MIN - i : i;
}

/* Representable doubles from lo up to hi (lo < hi, both finite), at most cap. */
static int
StepsBetween(double lo, double hi, int cap)
{
	uint64		d = (uint64) OrderedBits(hi) - (uint64) OrderedBits(lo);

	return d > (uint64) cap ? cap : (int) d;
}

/*
 * Histogram of the finite scores of the score state: about `bins` bands of
 * a round width, aligned on multiples of it (so integer points fall evenly).
 *
 * Where that fails (hi - lo beyond the float8 range, a width below the
 * smallest double, bounds that do not increase): at most `bins` equal
 * widths, no more bands than there are doubles from lo to hi, bounds as
 * weighted means of lo and hi (no difference that could overflow), nudged
 * to increase, and each value in the band whose bounds hold it.
 */
static void
Histogram(LrReportData *d, const LrDistState *st, int bins)
{
	LrDistIter	it;
	double		lo = NAN,
				hi = NAN,
				w = 1,
				start;
	int			nb;
	bool		plain = false;

	lr_dist_iter_init(st, &it);
	while (lr_dist_next(&it))
	{
		double		v = lr_dist_value(it.key);

		if (!isfinite(v))
			continue;
		if (isnan(lo))
			lo = v;
		hi = v;
	}
	d->nhist = 0;
	if (isnan(lo))
		return;
	if (hi > lo)
	{
		w = RoundWidth((hi - lo) / bins);
		start = floor(lo / w) * w;
		nb = (int) floor((hi - start) / w) + 1;
		if (!isfinite(w) || w <= 0 || nb < 1 || nb > 4 * bins || !isfinite(start + w * nb))
			plain = true;
		else
			for (int i = 0; i < nb && !plain; i++)
				plain = !(start + w * i < start + w * (i + 1));
	}
	else
	{
		w = 1;
		start = lo;
		nb = 1;
	}
	if (plain)
	{
		start = lo;
		nb = StepsBetween(lo, hi, bins);
	}
	d->hist = palloc0(nb * sizeof(LrHistBin));
	d->nhist = nb;
	for (int i = 0; i < nb; i++)
	{
		if (!plain)
		{
			d->hist[i].lo = start + w * i;
			d->hist[i].hi = start + w * (i + 1);
			continue;
		}
		if (i == 0)
			d->hist[i].lo = lo;
		else
		{
			double		b = lo * ((double) (nb - i) / nb) + hi * ((double) i / nb);

			/* nb <= the doubles from lo to hi: a nudge never passes hi before the last band */
			if (!(b > d->hist[i - 1].lo))
				b = nextafter(d->hist[i - 1].lo, INFINITY);
			d->hist[i].lo = fmin(b, nextafter(hi, -INFINITY));
			d->hist[i - 1].hi = d->hist[i].lo;
		}
		d->hist[i].hi = hi;
	}
	lr_dist_iter_init(st, &it);
	while (lr_dist_next(&it))
	{
		double		v = lr_dist_value(it.key);
		int			k;

		if (!isfinite(v))
			continue;
		if (plain)
		{
			int			a = 0,
						b = nb - 1;

			/* the last band whose lower bound is at most v */
			while (a < b)
			{
				int			m = (a + b + 1) / 2;

				if (d->hist[m].lo <= v)
					a = m;
				else
					b = m - 1;
			}
			k = a;
		}
		else
			k = (int) floor((v - start) / w);
		k = k < 0 ? 0 : (k >= nb ? nb - 1 : k);
		d->hist[k].goods += it.cnt[0];
		d->hist[k].bads += it.cnt[1];
	}
}

static int
FeatureIndex(const LrCard *card, const char *name)
{
	for (size_t i = 0; i < card->nfeatures; i++)
		if (strcmp(card->features[i].name, name) == 0)
			return (int) i;
	return -1;
}

/*
 * IV (goods/bads) or CSI (baseline/recent) of a feature over its bins that
 * have rows of either class, as iv() and csi() over the bin labels.
 */
static double
FeatureWoe(const LrFeatureObs *o, size_t nbins, bool csi)
{
	LrWoeBucket *b = palloc0(sizeof(LrWoeBucket) * Max(nbins, 1));
	size_t		n = 0;
	double		total;

	for (size_t k = 0; k < nbins; k++)
	{
		int64		c0 = csi ? o->bins[k].base : o->bins[k].known - o->bins[k].bads;
		int64		c1 = csi ? o->bins[k].recent : o->bins[k].bads;

		if (c0 + c1 == 0)
			continue;
		b[n].goods = c0;
		b[n].bads = c1;
		n++;
	}
	if (!lr_woe_compute(b, n, &total))
		total = NAN;
	pfree(b);
	return total;
}

/* The options that need the card: csi_features name its features; no pd column needs scaling. */
static void
CheckOptions(const LrCard *card, const LrReportOptions *opt)
{
	if (!opt->csi_all)
		for (size_t i = 0; i < opt->ncsi; i++)
			if (FeatureIndex(card, opt->csi_features[i]) < 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("options.csi_features[%zu]: the card has no feature \"%s\"", i,
								opt->csi_features[i])));
	if (!opt->pd && !card->has_scaling)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scorecard \"%s\" has no scaling, so its scores have no probability of default",
						lr_card_name(card)),
				 errhint("Add \"scaling\" to the card, or name a column of predicted PDs with the \"pd\" option.")));
}

/* The report's data before the pass: a counter per bin of each feature, which show CSI. */
static void
InitData(LrReportData *d, const LrCard *card, const LrReportOptions *opt)
{
	memset(d, 0, sizeof(*d));
	d->card = card;
	d->opt = opt;
	d->features = palloc0(sizeof(LrFeatureObs) * Max(card->nfeatures, 1));
	for (size_t i = 0; i < card->nfeatures; i++)
	{
		d->features[i].bins = palloc0(sizeof(LrBinObs) * Max(card->table.features[i].ncodes, 1));
		d->features[i].show_csi = opt->csi_all;
	}
	for (size_t i = 0; i < opt->ncsi; i++)
		d->features[FeatureIndex(card, opt->csi_features[i])].show_csi = true;
}

/* The pass over the rows of sql: the distribution states (in states) and the bins' counters. */
static void
ScanRows(ReportScan *s, LrCardCache *cc, const LrReportOptions *opt, LrReportData *d,
		 const char *sql, MemoryContext states)
{
	LrAlloc		salloc;
	LrError		err = {0};

	memset(s, 0, sizeof(*s));
	s->cc = cc;
	s->card = cc->card;
	s->opt = opt;
	s->d = d;
	lr_pg_alloc_init(&salloc, states);
	if ((s->pd_st = lr_dist_ops.create(&salloc, &err)) == NULL ||
		(s->score_st = lr_dist_ops.create(&salloc, &err)) == NULL ||
		(s->psi_st = lr_dist_ops.create(&salloc, &err)) == NULL ||
		!lr_dist_set_buckets(s->pd_st, opt->groups, &err) ||
		!lr_dist_set_buckets(s->psi_st, opt->groups, &err))
		lr_state_raise(&err);
	s->tmp = AllocSetContextCreate(CurrentMemoryContext, "loan_risk report rows", ALLOCSET_DEFAULT_SIZES);
	lr_query_run(sql, WHAT, ScanStart, ScanRow, s);
	MemoryContextDelete(s->tmp);
	if (!lr_dist_compact(s->pd_st, &err) || !lr_dist_compact(s->score_st, &err) ||
		!lr_dist_compact(s->psi_st, &err))
		lr_state_raise(&err);
}

/* What the pass gives directly: counts, mean PD, IV and CSI per feature, ROC, histogram. */
static void
Summarize(LrReportData *d, const ReportScan *s)
{
	const LrCard *card = d->card;

	d->rows = s->rows;
	d->goods = s->pd_st->total[0];
	d->bads = s->pd_st->total[1];
	d->mean_pd = s->pd_n > 0 ? (s->pd_sum + s->pd_comp) / s->pd_n : NAN;
	d->has_recent = d->opt->recent != NULL;
	d->base_rows = s->psi_st->total[0];
	d->recent_rows = s->psi_st->total[1];
	d->auc = d->gini = d->ks = d->hl_stat = d->hl_p = d->brier = d->psi = NAN;
	d->hl_df = -1;
	for (size_t i = 0; i < card->nfeatures; i++)
	{
		size_t		nb = card->table.features[i].ncodes;

		d->features[i].iv = FeatureWoe(&d->features[i], nb, false);
		d->features[i].csi = d->has_recent ? FeatureWoe(&d->features[i], nb, true) : NAN;
	}
	Curve(d, s->pd_st);
	Histogram(d, s->score_st, d->opt->score_bins);
}

/* The rows of gains_table_final on the PD state (SPI connected), copied into states. */
static void
ReadGains(LrReportData *d, Datum pd_datum, Oid dist_type, MemoryContext states)
{
	TupleDesc	desc;

	RunOnState("SELECT * FROM pg_catalog.unnest(loan_risk.gains_table_final($1))", pd_datum, dist_type);
	d->ngains = SPI_processed;
	d->gains = MemoryContextAllocZero(states, sizeof(LrGainsRow) * Max(d->ngains, 1));
	desc = SPI_tuptable->tupdesc;
	for (size_t i = 0; i < d->ngains; i++)
	{
		LrGainsRow *g = &d->gains[i];
		HeapTuple	tup = SPI_tuptable->vals[i];

		g->bucket = GetInt32(tup, desc, 1, 0);
		g->min_risk = GetDouble(tup, desc, 2);
		g->max_risk = GetDouble(tup, desc, 3);
		g->count = GetInt64(tup, desc, 4);
		g->bads = GetInt64(tup, desc, 5);
		g->bad_rate = GetDouble(tup, desc, 6);
		g->cum_count_share = GetDouble(tup, desc, 7);
		g->cum_bads_share = GetDouble(tup, desc, 8);
		g->cum_goods_share = GetDouble(tup, desc, 9);
		g->cum_bad_rate = GetDouble(tup, desc, 10);
		g->lift = GetDouble(tup, desc, 11);
		g->cum_lift = GetDouble(tup, desc, 12);
		g->ks = GetDouble(tup, desc, 13);
	}
}

/* The rows of calibration_table_final on the PD state (SPI connected), copied into states. */
static void
ReadCalibration(LrReportData *d, Datum pd_datum, Oid dist_type, MemoryContext states)
{
	TupleDesc	desc;

	RunOnState("SELECT * FROM pg_catalog.unnest(loan_risk.calibration_table_final($1))", pd_datum, dist_type);
	d->ncalib = SPI_processed;
	d->calib = MemoryContextAllocZero(states, sizeof(LrCalibRow) * Max(d->ncalib, 1));
	desc = SPI_tuptable->tupdesc;
	for (size_t i = 0; i < d->ncalib; i++)
	{
		LrCalibRow *c = &d->calib[i];
		HeapTuple	tup = SPI_tuptable->vals[i];

		c->bucket = GetInt32(tup, desc, 1, 0);
		c->min_pd = GetDouble(tup, desc, 2);
		c->max_pd = GetDouble(tup, desc, 3);
		c->count = GetInt64(tup, desc, 4);
		c->observed = GetInt64(tup, desc, 5);
		c->expected = GetDouble(tup, desc, 6);
		c->observed_rate = GetDouble(tup, desc, 7);
		c->mean_pd = GetDouble(tup, desc, 8);
		c->hl_term = GetDouble(tup, desc, 9);
	}
}

/*
 * The metrics' own final functions on the pass's states (the same numbers as
 * auc(), ks(), hosmer_lemeshow(), gains_table(), ... on the same rows), and
 * the extension's version.
 */
static void
FinalMetrics(LrReportData *d, ReportScan *s, MemoryContext states)
{
	Oid			dist_type = TypeOid("loan_risk.score_dist_state");
	Oid			brier_type = TypeOid("loan_risk.brier_state");
	Datum		pd_datum = lr_state_flat_datum(&lr_dist_ops, s->pd_st);
	TupleDesc	desc;
	HeapTuple	tup;
	int			rc;

	if ((rc = SPI_connect()) != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed: %s", SPI_result_code_string(rc));

	RunOnState("SELECT loan_risk.auc_final($1), loan_risk.gini_final($1), loan_risk.ks_final($1), "
			   "h.statistic, h.df, h.p_value, h.groups FROM loan_risk.hosmer_lemeshow_final($1) AS h",
			   pd_datum, dist_type);
	desc = SPI_tuptable->tupdesc;
	tup = SPI_tuptable->vals[0];
	d->auc = GetDouble(tup, desc, 1);
	d->gini = GetDouble(tup, desc, 2);
	d->ks = GetDouble(tup, desc, 3);
	d->hl_stat = GetDouble(tup, desc, 4);
	d->hl_df = GetInt32(tup, desc, 5, -1);
	d->hl_p = GetDouble(tup, desc, 6);
	d->hl_groups = GetInt32(tup, desc, 7, 0);

	ReadGains(d, pd_datum, dist_type, states);
	ReadCalibration(d, pd_datum, dist_type, states);

	RunOnState("SELECT loan_risk.brier_final($1)", lr_state_flat_datum(&lr_brier_ops, &s->brier), brier_type);
	d->brier = GetDouble(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	if (d->has_recent)
	{
		RunOnState("SELECT loan_risk.psi_bins_final($1)", lr_state_flat_datum(&lr_dist_ops, s->psi_st), dist_type);
		d->psi = GetDouble(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	}

	rc = SPI_execute("SELECT extversion FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'loan_risk'", true, 0);
	if (rc == SPI_OK_SELECT && SPI_processed == 1)
	{
		char	   *v = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		d->version = v ? MemoryContextStrdup(states, v) : NULL;
	}
	SPI_finish();
}

/* validation_report: the validation report of a card on the rows of a query, as HTML */
Datum
validation_report(PG_FUNCTION_ARGS)
{
	char	   *sql = text_to_cstring(PG_GETARG_TEXT_PP(1));
	LrCardCache *cc = lr_card_cache_get(fcinfo, 0);
	const LrCard *card = cc->card;
	LrAlloc		alloc;
	LrArena		arena;
	LrError		err = {0};
	LrReportOptions opt;
	LrReportData d;
	ReportScan	s;
	MemoryContext states;
	LrBuf		out;

	lr_pg_alloc_init(&alloc, CurrentMemoryContext);
	lr_arena_init(&arena, &alloc, 0);
	if (!lr_report_options_parse(lr_pg_jsonb_arg(fcinfo, 2, &arena, "options"), &arena, &opt, &err))
		lr_pg_raise(&err, NULL);
	CheckOptions(card, &opt);
	InitData(&d, card, &opt);
	states = AllocSetContextCreate(CurrentMemoryContext, "loan_risk report states", ALLOCSET_DEFAULT_SIZES);
	ScanRows(&s, cc, &opt, &d, sql, states);
	Summarize(&d, &s);
	FinalMetrics(&d, &s, states);

	lr_buf_init(&out, &alloc, MaxAllocSize - VARHDRSZ - 1);
	if (!lr_report_render(&d, &out))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("validation report is larger than 1 GB")));
	MemoryContextDelete(states);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out.data, (int) out.len));
}
