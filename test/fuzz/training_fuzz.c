/*
 * training_fuzz.c
 *	  libFuzzer target for the training area's parsers and states
 *	  (src/training).
 *
 * The first input byte picks the property:
 *
 *   0, 1, 2  the rest as train_scorecard, binning or logistic_fit options:
 *            parsing never crashes; options that parse write back text that
 *            parses again and writes back byte for byte the same;
 *   3        the rest as a loan_risk.prebin_state: decode never crashes; a
 *            state that decodes encodes back to the same bytes, merges into
 *            itself with every count doubled, and every feature bins (or
 *            fails with an error) with bins that account for every row,
 *            writes as a binning document and becomes a card feature that
 *            passes lr_card_finish and scores every row's code;
 *   4        the rest as rows (class, value) of two numeric features: the
 *            state built row by row equals, byte for byte, the state built
 *            from the rows in reverse and the one merged from two halves,
 *            exact or bucketed (max_distinct is tiny here);
 *   5        the rest as a loan_risk.logit_step_state: decode never crashes,
 *            a decoded state encodes back to the same bytes;
 *   6        the rest as a binning problem of up to 9 pre-bins: the dynamic
 *            programme finds the IV of brute-force enumeration.
 *
 * prebin_state.c is compiled in with a tiny pending buffer and max_distinct
 * floor so that short inputs reach every flush, coarsening and merge path.
 *
 * fuzz-sources: src/common/lr_base.c src/common/lr_json.c src/common/lr_state_ops.c src/stats/bucket_state.c src/stats/woe.c src/training/binning.c src/training/bin_options.c src/training/binned.c src/training/options.c src/training/logit_state.c src/scoring/card.c src/scoring/card_build.c src/scoring/card_table.c
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LR_PREBIN_PEND_MIN 4
#define LR_PREBIN_PEND_MAX 16
#define LR_PREBIN_MIN_DISTINCT 2
#include "../../src/training/prebin_state.c"
#include "training/binning.h"
#include "training/logit.h"
#include "training/options.h"

typedef struct Chunk
{
	struct Chunk *prev;
	struct Chunk *next;
	double		align_[];
} Chunk;

static Chunk chunks = {&chunks, &chunks};

/* An allocator that releases everything at the end of the input, like a memory context. */
static void *
CtxAlloc(void *ctx, size_t size)
{
	Chunk	   *c = malloc(sizeof(Chunk) + size);

	if (c == NULL)
		return NULL;
	c->next = chunks.next;
	c->prev = &chunks;
	chunks.next->prev = c;
	chunks.next = c;
	return c->align_;
}

static void
CtxFree(void *ctx, void *ptr)
{
	Chunk	   *c = (Chunk *) ((char *) ptr - offsetof(Chunk, align_));

	c->prev->next = c->next;
	c->next->prev = c->prev;
	free(c);
}

static void
CtxReset(void)
{
	while (chunks.next != &chunks)
		CtxFree(NULL, chunks.next->align_);
}

static const LrAlloc ctx_alloc = {CtxAlloc, CtxFree, NULL};

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); abort(); } } while (0)

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
FuzzOptions(int mode, const uint8_t *data, size_t size)
{
	LrArena		arena;
	LrError		err = {0};
	LrJsonOptions jo = {64, false};
	LrBuf		b1,
				b2;

	lr_arena_init(&arena, &ctx_alloc, 64 * size + (1 << 20));
	lr_buf_init(&b1, &ctx_alloc, 0);
	lr_buf_init(&b2, &ctx_alloc, 0);
	if (mode < 2)
	{
		LrTrainOptions o,
					o2;
		LrOptMode m = mode == 0 ? LR_OPT_TRAIN : LR_OPT_BINNING;

		if (!lr_train_options_parse((const char *) data, size, m, &arena, &jo, &o, &err))
		{
			CHECK(err.kind != LR_OK);
			return;
		}
		for (size_t i = 0; i < o.nfeat; i++)
			(void) lr_train_options_for(&o, o.feat[i].name, NULL);
		CHECK(lr_train_options_write(&o, m, &b1));
		if (!lr_train_options_parse(b1.data, b1.len, m, &arena, &jo, &o2, &err))
		{
			fprintf(stderr, "written options do not parse: %s\n%s\n", err.msg, b1.data);
			abort();
		}
		CHECK(lr_train_options_write(&o2, m, &b2));
	}
	else
	{
		LrFitOptions o,
					o2;

		if (!lr_fit_options_parse((const char *) data, size, &arena, &jo, &o, &err))
		{
			CHECK(err.kind != LR_OK);
			return;
		}
		CHECK(lr_fit_options_write(&o, &b1));
		CHECK(lr_fit_options_parse(b1.data, b1.len, &arena, &jo, &o2, &err));
		CHECK(lr_fit_options_write(&o2, &b2));
	}
	if (b1.len != b2.len || memcmp(b1.data, b2.data, b1.len) != 0)
	{
		fprintf(stderr, "options text is not stable:\n%s\n%s\n", b1.data, b2.data);
		abort();
	}
}

static void
Encode(const LrStateOps *ops, const void *st, LrBuf *buf)
{
	lr_buf_init(buf, &ctx_alloc, 0);
	CHECK(lr_state_encode_bytes(ops, st, buf));
}

static void
FuzzPrebinBytes(const uint8_t *data, size_t size)
{
	LrError		err = {0};
	LrPrebinState *st = lr_state_decode_bytes(&lr_prebin_ops, data, size, &ctx_alloc, &err);
	LrPrebinState *twice;
	LrBuf		buf;

	if (st == NULL)
	{
		CHECK(err.kind != LR_OK);
		return;
	}
	Encode(&lr_prebin_ops, st, &buf);
	CHECK(buf.len == size && memcmp(buf.data, data, size) == 0);
	/* Merged into itself: every count doubles (or the merge reports an overflow). */
	twice = lr_state_decode_bytes(&lr_prebin_ops, data, size, &ctx_alloc, &err);
	CHECK(twice != NULL);
	if (PrebinMerge(twice, st, &ctx_alloc, &err))
		CHECK(twice->total[0] == 2 * st->total[0] && twice->total[1] == 2 * st->total[1]);
	else
		CHECK(err.kind == LR_ERR_LIMIT || err.kind == LR_ERR_NOMEM);
	/* Every feature bins, or says why not; bins account for every row. */
	for (uint32_t j = 0; j < st->nfeatures; j++)
	{
		LrArena		arena;
		LrBinOptions o;
		LrBinned	b;
		double		special[1] = {-1};
		int64_t		n = 0;

		lr_arena_init(&arena, &ctx_alloc, 0);
		lr_bin_options_default(&o);
		o.max_prebins = 2 + (int) (size % 30);
		o.trend = (LrTrend) (size % 6);
		o.min_bin_share = (size % 3) * 0.05;
		if (size % 5 == 0)
		{
			o.special = special;
			o.nspecial = 1;
		}
		err.kind = LR_OK;
		if (!lr_bin_feature(st, j, "f", &o, &arena, &b, &err))
		{
			CHECK(err.kind != LR_OK);
			continue;
		}
		for (size_t i = 0; i < b.nbins; i++)
		{
			CHECK(isfinite(b.bins[i].woe));
			CHECK(i == 0 || b.type != LR_FTYPE_NUMERIC || b.bins[i].lower > b.bins[i - 1].lower);
			n += b.bins[i].count;
		}
		for (size_t i = 0; i < b.nspecial; i++)
			n += b.special[i].count;
		n += b.missing.count;
		if (!st->f[j].overflow)
			CHECK(n == st->total[0] + st->total[1]);
		CHECK(isfinite(b.iv) && b.iv >= 0);
		{
			LrBuf		out;
			LrArena		ca;
			LrCard	   *card;
			LrError		cerr = {0};

			lr_buf_init(&out, &ctx_alloc, 0);
			CHECK(lr_json_write(&out, lr_binned_json(&b, &o, &arena)));
			lr_arena_init(&ca, &ctx_alloc, 0);
			card = lr_card_alloc(&ca, 1);
			CHECK(card != NULL);
			CHECK(lr_binned_card_feature(&b, &o, -1, 28.85, size % 2, &ca, &card->features[0]));
			if (!lr_card_finish(card, &ca, &cerr))
			{
				fprintf(stderr, "binned feature is not a valid card feature: %s\n", cerr.msg);
				abort();
			}
			for (int32_t k = 0; k < card->table.features[0].ncodes; k++)
				CHECK(isfinite(lr_table_score(&card->table, &k)));
			lr_arena_release(&ca);
		}
	}
}

/* A row: class and a value for each of two features (the second with few distinct values). */
static void
AddRows(LrPrebinState *st, const uint8_t *data, size_t n, bool reverse)
{
	LrError		err = {0};

	for (size_t k = 0; k < n; k++)
	{
		size_t		i = reverse ? n - 1 - k : k;
		const uint8_t *r = data + 9 * i;
		double		v;
		uint64_t	u;
		int			cls = r[0] & 1;

		memcpy(&u, r + 1, 8);
		memcpy(&v, &u, 8);
		if (isnan(v))
			st->f[0].missing[cls]++;
		else
			CHECK(lr_prebin_add_key(st, &st->f[0], lr_dist_key(v), cls, &err));
		CHECK(lr_prebin_add_key(st, &st->f[1], lr_dist_key((double) (r[1] % 7)), cls, &err));
		st->total[cls]++;
	}
}

static void
FuzzPrebinRows(const uint8_t *data, size_t size)
{
	static const uint8_t kinds[2] = {LR_PREBIN_NUMERIC, LR_PREBIN_NUMERIC};
	double		exact[2] = {0.5, -3};
	size_t		n = size / 9;
	uint32_t	maxd = 6 + (size % 11);
	LrError		err = {0};
	LrPrebinState *a = PrebinCreate(&ctx_alloc, &err);
	LrPrebinState *b = PrebinCreate(&ctx_alloc, &err);
	LrPrebinState *h1 = PrebinCreate(&ctx_alloc, &err);
	LrPrebinState *h2 = PrebinCreate(&ctx_alloc, &err);
	LrBuf		ea,
				eb,
				eh;
	size_t		half = n / 2;

	CHECK(a && b && h1 && h2);
	CHECK(lr_prebin_setup(a, 2, kinds, exact, 2, maxd, &err));
	CHECK(lr_prebin_setup(b, 2, kinds, exact, 2, maxd, &err));
	CHECK(lr_prebin_setup(h1, 2, kinds, exact, 2, maxd, &err));
	CHECK(lr_prebin_setup(h2, 2, kinds, exact, 2, maxd, &err));
	AddRows(a, data, n, false);
	AddRows(b, data, n, true);
	AddRows(h1, data, half, false);
	AddRows(h2, data + 9 * half, n - half, true);
	CHECK(PrebinMerge(h2, h1, &ctx_alloc, &err));
	Encode(&lr_prebin_ops, a, &ea);
	Encode(&lr_prebin_ops, b, &eb);
	Encode(&lr_prebin_ops, h2, &eh);
	CHECK(ea.len == eb.len && memcmp(ea.data, eb.data, ea.len) == 0);
	CHECK(ea.len == eh.len && memcmp(ea.data, eh.data, ea.len) == 0);
	/* Each run holds exactly the rows whose values fall in [its start, the next start). */
	{
		const LrPrebinNum *num = &a->f[0].num;
		int64_t		tot = 0;

		CHECK(num->nruns <= maxd);
		for (size_t i = 0; i < num->nruns; i++)
		{
			int64_t		c = 0;

			for (size_t k = 0; k < n; k++)
			{
				double		v;
				uint64_t	key;

				memcpy(&v, data + 9 * k + 1, 8);
				if (isnan(v))
					continue;
				key = lr_dist_key(v);
				if (key >= num->keys[i] && (i + 1 == num->nruns || key < num->keys[i + 1]))
					c++;
			}
			CHECK(c == num->cnt[2 * i] + num->cnt[2 * i + 1]);
			tot += c;
		}
		CHECK(tot + a->f[0].missing[0] + a->f[0].missing[1] == (int64_t) n);
	}
}

static void
FuzzLogitBytes(const uint8_t *data, size_t size)
{
	LrError		err = {0};
	LrLogitState *st = lr_state_decode_bytes(&lr_logit_ops, data, size, &ctx_alloc, &err);
	LrBuf		buf;

	if (st == NULL)
	{
		CHECK(err.kind != LR_OK);
		return;
	}
	Encode(&lr_logit_ops, st, &buf);
	CHECK(buf.len == size && memcmp(buf.data, data, size) == 0);
}

/* IV of the partition of pre-bins with cuts mask, or -1 when it breaks a constraint. */
static double
BruteIv(const LrDpProblem *p, unsigned mask, size_t *bins)
{
	double		iv = 0;
	double		prev = -1;
	int			dirs[16];
	int			ndir = 0;
	size_t		k = 0;
	size_t		start = 0;

	for (size_t i = 0; i <= p->n; i++)
	{
		if (i == p->n || (i > 0 && (mask >> (i - 1)) & 1))
		{
			int64_t		g = 0,
						b = 0;
			double		rate;

			for (size_t j = start; j < i; j++)
			{
				g += p->goods[j];
				b += p->bads[j];
			}
			if (g == 0 || b == 0)
				return -1;
			rate = (double) b / (double) (g + b);
			if (!(start == 0 && i == p->n) && (double) (g + b) < p->min_share * p->N)
				return -1;
			if (k > 0)
			{
				double		d = rate - prev;

				if (p->min_diff > 0)
					dirs[ndir++] = d >= p->min_diff ? 1 : (-d >= p->min_diff ? -1 : 9);
				else
					dirs[ndir++] = d > 0 ? 1 : (d < 0 ? -1 : 0);
			}
			iv += ((double) g / p->G - (double) b / p->B) * log(((double) g * p->B) / ((double) b * p->G));
			prev = rate;
			k++;
			start = i;
		}
	}
	if ((int) k > p->max_bins)
		return -1;
	for (int d = 0; d < ndir; d++)
	{
		bool		down_before = false,
					up_before = false;

		for (int e = 0; e < d; e++)
		{
			down_before |= dirs[e] == -1;
			up_before |= dirs[e] == 1;
		}
		switch (p->trend)
		{
			case LR_TREND_ASCENDING:
				if (dirs[d] != 1)
					return -1;
				break;
			case LR_TREND_DESCENDING:
				if (dirs[d] != -1)
					return -1;
				break;
			case LR_TREND_PEAK:
				if (dirs[d] == 0 || dirs[d] == 9 || (dirs[d] == 1 && down_before))
					return -1;
				break;
			case LR_TREND_VALLEY:
				if (dirs[d] == 0 || dirs[d] == 9 || (dirs[d] == -1 && up_before))
					return -1;
				break;
			default:
				if (dirs[d] == 9)
					return -1;
				break;
		}
	}
	*bins = k;
	return iv;
}

static void
FuzzOptimal(const uint8_t *data, size_t size)
{
	int64_t		goods[9],
				bads[9];
	LrDpProblem p;
	LrDpResult	r;
	LrArena		arena;
	LrError		err = {0};
	double		best = -1;
	size_t		n;

	if (size < 4)
		return;
	n = 1 + data[0] % 9;
	if (size < 3 + 2 * n)
		return;
	memset(&p, 0, sizeof(p));
	p.n = n;
	p.goods = goods;
	p.bads = bads;
	p.G = 0;
	p.B = 0;
	for (size_t i = 0; i < n; i++)
	{
		goods[i] = data[3 + 2 * i];
		bads[i] = data[4 + 2 * i] % 64;
		p.G += goods[i];
		p.B += bads[i];
	}
	if (p.G == 0 || p.B == 0)
		return;
	p.N = p.G + p.B;
	p.max_bins = 1 + data[1] % 9;
	p.trend = (LrTrend) (1 + data[2] % 5);
	p.min_share = (data[1] >> 4) * 0.02;
	p.min_diff = (data[2] >> 5) * 0.03;
	lr_arena_init(&arena, &ctx_alloc, 0);
	CHECK(lr_bin_optimal(&p, &arena, &r, &err));
	for (unsigned mask = 0; mask < (1u << (n - 1)); mask++)
	{
		size_t		k;
		double		iv = BruteIv(&p, mask, &k);

		if (iv > best)
			best = iv;
	}
	if (best < 0)
		CHECK(!r.feasible);
	else
	{
		CHECK(r.feasible);
		CHECK(fabs(r.iv - best) <= 1e-9 * fmax(1, best));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] % 7)
	{
		case 0:
		case 1:
		case 2:
			FuzzOptions(data[0] % 7, data + 1, size - 1);
			break;
		case 3:
			FuzzPrebinBytes(data + 1, size - 1);
			break;
		case 4:
			FuzzPrebinRows(data + 1, size - 1);
			break;
		case 5:
			FuzzLogitBytes(data + 1, size - 1);
			break;
		default:
			FuzzOptimal(data + 1, size - 1);
			break;
	}
	CtxReset();
	return 0;
}
