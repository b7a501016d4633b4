/*
 * portfolio_fuzz.c
 *	  libFuzzer target for the pure C code of the portfolio area (the
 *	  options parsers of vintage, roll_rates, npl_summary and assign_cases;
 *	  months; collections routing) and of the validation
 *	  report of src/metrics (its options, HTML escaping, the renderer on a
 *	  fuzzed card).
 *	  Built and run by test/fuzz/run.sh; seeds in test/fuzz/corpus/portfolio.
 *
 * fuzz-sources: src/common/lr_base.c src/common/lr_json.c src/common/lr_jv.c src/portfolio/text.c src/portfolio/options.c src/portfolio/assign_core.c src/metrics/report_html.c src/metrics/report_options.c src/scoring/card.c src/scoring/card_build.c src/scoring/card_table.c
 *
 * The first input byte picks the target; the rest is the text or bytes.
 * Properties beyond "no crash": parsed options are within their documented
 * ranges; months written back parse to the same value; escaped
 * HTML holds no markup character; the report page is complete, with one
 * closing tag per chart and no unescaped user text; routing never exceeds a
 * capacity, only assigns eligible cases, and never skips a queue with room.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portfolio/portfolio.h"
#include "metrics/report.h"

static void *
FuzzAlloc(void *ctx, size_t size)
{
	(void) ctx;
	return malloc(size ? size : 1);
}

static void
FuzzFree(void *ctx, void *ptr)
{
	(void) ctx;
	free(ptr);
}

static const LrAlloc fuzz_alloc = {FuzzAlloc, FuzzFree, NULL};

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
Options(int which, const char *text, size_t len)
{
	LrArena		arena;
	LrError		err = {0};
	LrJson	   *j;
	LrJsonOptions jo = {64, false};

	lr_arena_init(&arena, &fuzz_alloc, 64 * len + (1 << 20));
	if (!lr_json_parse(text, len, &arena, &jo, &j, &err))
	{
		lr_arena_release(&arena);
		return;
	}
	switch (which)
	{
		case 0:
			{
				LrVintageOptions o;

				if (lr_vintage_options_parse(j, &o, &err) &&
					(o.bad_dpd < 1 || o.bad_dpd > 36500 || o.max_mob < -1 || o.max_mob > 1200 ||
					 (o.cohort != LR_PERIOD_MONTH && o.cohort != LR_PERIOD_QUARTER && o.cohort != LR_PERIOD_YEAR)))
					abort();
				break;
			}
		case 1:
			{
				LrRollOptions o;

				if (lr_roll_options_parse(j, &o, &err))
				{
					if (o.buckets.nbounds < 1 || o.buckets.nbounds > LR_MAX_DPD_BOUNDS || o.buckets.bounds[0] < 1)
						abort();
					for (int i = 1; i < o.buckets.nbounds; i++)
						if (o.buckets.bounds[i] <= o.buckets.bounds[i - 1])
							abort();
					for (int i = 0; i < lr_bucket_count(&o.buckets); i++)
					{
						char		label[32];

						lr_bucket_label(&o.buckets, i, label);
						if (label[0] == '\0')
							abort();
					}
					for (int32_t d = 0; d < 40000; d += 997)
					{
						int			b = lr_bucket_of_dpd(&o.buckets, d);

						if (b < 0 || b > o.buckets.nbounds || (b > 0 && d < o.buckets.bounds[b - 1]))
							abort();
					}
				}
				break;
			}
		case 2:
			{
				LrNplOptions o;

				if (lr_npl_options_parse(j, &o, &err) && (o.npl_dpd < 1 || o.npl_dpd > 36500))
					abort();
				break;
			}
		case 3:
			{
				LrAssignOptions o;

				if (lr_assign_options_parse(j, &o, &err) && (o.order < 0 || o.order > LR_ORDER_BALANCE))
					abort();
				break;
			}
		default:
			{
				LrReportOptions o;

				if (lr_report_options_parse(j, &arena, &o, &err))
				{
					if (o.groups < 2 || o.groups > LR_REPORT_MAX_GROUPS || o.score_bins < 2 || o.score_bins > 200 ||
						o.outcome == NULL || (!o.csi_all && o.ncsi > 0 && o.csi_features == NULL))
						abort();
					for (size_t i = 0; i < o.ncsi; i++)
						if (o.csi_features[i] == NULL)
							abort();
				}
				break;
			}
	}
	if (err.kind != LR_OK && err.msg[0] == '\0')
		abort();
	lr_arena_release(&arena);
}

static void
Month(const char *text, size_t len)
{
	int32_t		m,
				m2;
	LrError		err = {0};
	char		out[16];

	if (!lr_parse_month(text, len, &m, &err))
		return;
	lr_format_month(m, out);
	if (!lr_parse_month(out, strlen(out), &m2, &err) || m2 != m)
		abort();
	for (int p = 1; p <= 12; p *= (p == 1 ? 3 : 4))
	{
		int32_t		s = lr_period_start(m, (LrPeriod) p);

		if (s > m || m - s >= p || lr_month_month(s) % p != 1 % p)
			abort();
	}
}

static void
Escape(const char *text, size_t len)
{
	LrBuf		b;

	lr_buf_init(&b, &fuzz_alloc, 0);
	if (!lr_html_escape(&b, text, len))
		abort();
	for (size_t i = 0; i < b.len; i++)
	{
		char		c = b.data[i];

		if (c == '<' || c == '>' || c == '"' || c == '\'')
			abort();
		if (c == '&' && strncmp(b.data + i, "&amp;", 5) != 0 && strncmp(b.data + i, "&lt;", 4) != 0 &&
			strncmp(b.data + i, "&gt;", 4) != 0 && strncmp(b.data + i, "&quot;", 6) != 0 &&
			strncmp(b.data + i, "&#39;", 5) != 0 && strncmp(b.data + i, "&#xFFFD;", 8) != 0)
			abort();
	}
	lr_buf_free(&b);
}

/* Doubles from the fuzz bytes, NaN and infinities included. */
static double
Double(const uint8_t **p, const uint8_t *end)
{
	double		v = 0;

	if (end - *p >= 8)
	{
		memcpy(&v, *p, 8);
		*p += 8;
	}
	return v;
}

static int64_t
Count(const uint8_t **p, const uint8_t *end)
{
	int64_t		v = 0;

	if (end - *p >= 4)
	{
		uint32_t	u;

		memcpy(&u, *p, 4);
		v = u;
		*p += 4;
	}
	return v;
}

/*
 * The report on a fuzzed card: the card JSON is the text up to the first
 * NUL byte; the figures come from the bytes after it.
 */
static void
Report(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t		clen = nul ? (size_t) (nul - data) : size;
	const uint8_t *p = nul ? nul + 1 : data + size;
	const uint8_t *end = data + size;
	LrArena		arena;
	LrError		err = {0};
	LrCard	   *card;
	LrJsonOptions jo = {64, false};
	LrReportOptions opt;
	LrReportData d;
	LrBuf		out;
	LrRocPoint	roc[16];
	LrGainsRow	gains[4];
	LrCalibRow	calib[4];
	LrHistBin	hist[6];
	size_t		n;

	lr_arena_init(&arena, &fuzz_alloc, 64 * size + (1 << 20));
	if (!lr_card_parse((const char *) data, clen, &arena, &jo, &card, &err))
	{
		lr_arena_release(&arena);
		return;
	}
	lr_report_options_parse(NULL, &arena, &opt, &err);
	opt.title = (p < end && (*p & 1)) ? card->name : NULL;
	opt.recent = (p < end && (*p & 2)) ? (card->description ? card->description : "r") : NULL;
	opt.score = (p < end && (*p & 4)) ? "s<core" : NULL;
	if (p < end)
		p++;
	memset(&d, 0, sizeof(d));
	d.card = card;
	d.opt = &opt;
	d.version = "0.1.0";
	d.rows = Count(&p, end);
	d.goods = Count(&p, end);
	d.bads = Count(&p, end);
	d.mean_pd = Double(&p, end);
	d.auc = Double(&p, end);
	d.gini = Double(&p, end);
	d.ks = Double(&p, end);
	d.brier = Double(&p, end);
	d.hl_stat = Double(&p, end);
	d.hl_p = Double(&p, end);
	d.hl_df = (int32_t) (Count(&p, end) % 12) - 1;
	d.hl_groups = 10;
	d.has_recent = opt.recent != NULL;
	d.psi = Double(&p, end);
	d.base_rows = Count(&p, end);
	d.recent_rows = Count(&p, end);
	for (n = 0; n < 16 && p < end; n++)
	{
		roc[n].risk = Double(&p, end);
		roc[n].fpr = Double(&p, end);
		roc[n].tpr = Double(&p, end);
		roc[n].share = Double(&p, end);
	}
	d.nroc = n;
	d.roc = roc;
	d.ks_point = n ? roc[0] : (LrRocPoint) {0, 0, 0, 0};
	d.ngains = 4;
	d.gains = gains;
	for (int i = 0; i < 4; i++)
	{
		memset(&gains[i], 0, sizeof(gains[i]));
		gains[i].bucket = i + 1;
		gains[i].count = Count(&p, end);
		gains[i].lift = Double(&p, end);
		memset(&calib[i], 0, sizeof(calib[i]));
		calib[i].bucket = i + 1;
		calib[i].mean_pd = Double(&p, end);
		calib[i].observed_rate = Double(&p, end);
	}
	d.ncalib = 4;
	d.calib = calib;
	for (int i = 0; i < 6; i++)
	{
		hist[i].lo = Double(&p, end);
		hist[i].hi = Double(&p, end);
		hist[i].goods = Count(&p, end);
		hist[i].bads = Count(&p, end);
	}
	d.nhist = 6;
	d.hist = hist;
	d.features = calloc(card->nfeatures ? card->nfeatures : 1, sizeof(LrFeatureObs));
	for (size_t i = 0; i < card->nfeatures; i++)
	{
		size_t		nb = (size_t) card->table.features[i].ncodes;

		d.features[i].bins = calloc(nb ? nb : 1, sizeof(LrBinObs));
		d.features[i].show_csi = true;
		d.features[i].csi = Double(&p, end);
		d.features[i].iv = Double(&p, end);
		for (size_t k = 0; k < nb; k++)
		{
			d.features[i].bins[k].count = Count(&p, end);
			d.features[i].bins[k].bads = Count(&p, end);
		}
	}

	lr_buf_init(&out, &fuzz_alloc, 0);
	if (!lr_report_render(&d, &out))
		abort();
	{
		size_t		open = 0,
					close = 0;
		const char *s = out.data;

		while ((s = strstr(s, "<svg ")) != NULL)
		{
			open++;
			s++;
		}
		s = out.data;
		while ((s = strstr(s, "</svg>")) != NULL)
		{
			close++;
			s++;
		}
		if (open != 4 || close != 4 || strstr(out.data, "<script") != NULL ||
			out.len < 16 || strcmp(out.data + out.len - 8, "</html>\n") != 0 ||
			strlen(out.data) != out.len)
		{
			fprintf(stderr, "bad page: %zu svg, %zu closed\n", open, close);
			abort();
		}
	}
	lr_buf_free(&out);
	for (size_t i = 0; i < card->nfeatures; i++)
		free(d.features[i].bins);
	free(d.features);
	lr_arena_release(&arena);
}

/* Routing: cases and queues from the bytes; check the routing's promises. */
static void
Route(const uint8_t *data, size_t size)
{
	size_t		nq = size > 0 ? 1 + data[0] % 6 : 1;
	LrQueue		q[6];
	LrCase		c[64];
	int32_t		queue[64],
				preferred[64];
	size_t		nc = 0;
	const uint8_t *p = data + (size > 0);
	const uint8_t *end = data + size;
	static const char *names[] = {"legal", "agent", "robot", "reminder", "q5", "q6"};

	for (size_t i = 0; i < nq; i++)
	{
		uint8_t		b = p < end ? *p++ : 0;

		q[i].name = names[i];
		q[i].rank = (int32_t) (nq - i) * 10;	/* given in reverse order */
		q[i].capacity = (b & 1) ? -1 : (b >> 1) % 8;
		q[i].min_risk = (b & 2) ? ((b >> 2) % 11) / 10.0 : -1;
		q[i].min_balance = (b & 4) ? (int64_t) ((b >> 3) % 5) * 1000 * LR_MONEY_UNITS : INT64_MIN;
		q[i].min_dpd = (b & 8) ? (b >> 4) * 10 : -1;
	}
	while (nc < 64 && end - p >= 4)
	{
		c[nc].id = (int64_t) nc * 7 % 64;
		c[nc].balance = (int64_t) (p[0] | (p[1] << 8)) * LR_MONEY_UNITS;
		c[nc].risk = p[2] / 255.0;
		c[nc].dpd = p[3];
		c[nc].el = c[nc].risk * ((double) c[nc].balance / LR_MONEY_UNITS);
		nc++;
		p += 4;
	}
	lr_assign_route(c, nc, q, nq, (LrAssignOrder) (size % 3), queue, preferred);
	for (size_t k = 0; k < nq; k++)
	{
		int64_t		used = 0;

		if (k > 0 && q[k].rank <= q[k - 1].rank)
			abort();
		for (size_t i = 0; i < nc; i++)
			used += queue[i] == (int32_t) k;
		if (used != q[k].used || (q[k].capacity >= 0 && used > q[k].capacity))
			abort();
	}
	for (size_t i = 0; i < nc; i++)
	{
		if (queue[i] >= 0 && !lr_queue_eligible(&q[queue[i]], &c[i]))
			abort();
		/* every eligible queue before the one chosen was full when this case came */
		for (int32_t k = 0; k < (queue[i] >= 0 ? queue[i] : (int32_t) nq); k++)
		{
			int64_t		before = 0;

			if (!lr_queue_eligible(&q[k], &c[i]))
				continue;
			if (preferred[i] < 0 || preferred[i] > k)
				abort();
			for (size_t j = 0; j < i; j++)
				before += queue[j] == k;
			if (q[k].capacity < 0 || before < q[k].capacity)
				abort();
		}
		if (i > 0 && c[i].key > c[i - 1].key)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *) data + 1;
	size_t		len = size > 0 ? size - 1 : 0;

	if (size == 0)
		return 0;
	switch (data[0] % 10)
	{
		case 0:
		case 1:
		case 2:
		case 3:
		case 4:
			Options(data[0] % 10, text, len);
			break;
		case 5:
		case 6:
			Month(text, len);
			break;
		case 7:
			Escape(text, len);
			break;
		case 8:
			Report(data + 1, len);
			break;
		default:
			Route(data + 1, len);
			break;
	}
	return 0;
}
