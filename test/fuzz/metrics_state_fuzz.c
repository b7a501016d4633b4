/*
 * metrics_state_fuzz.c
 *	  libFuzzer target for the metrics aggregate states (src/metrics).
 *
 * The first input byte picks the property:
 *
 *   0  the bytes as a loan_risk.score_dist_state: decode never crashes, and
 *      a state that decodes encodes back to exactly the same bytes; merged
 *      from its bytes into another state it gives the same result as
 *      decoded and merged;
 *   1  the same for loan_risk.bucket_dist_state;
 *   2  the bytes as rows (value, class): the state built row by row, and
 *      built in two parts merged both ways (from flat bytes, and as
 *      states), encodes to the same bytes, and its AUC, Gini, KS, buckets
 *      and PSI bins equal those of a plain sort-and-count reference.
 *
 * dist_state.c is compiled in with a tiny pending buffer and few levels, so
 * that short inputs reach every flush and merge path.
 *
 * fuzz-sources: src/common/lr_base.c src/common/lr_state_ops.c src/stats/dist_stats.c src/stats/woe.c
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LR_PEND_MIN 4
#define LR_PEND_FAST 16
#define LR_PEND_MAX ((size_t) 64)
#define LR_MAX_LEVELS 3
#include "../../src/stats/dist_state.c"
#include "../../src/stats/bucket_state.c"

static void *
FuzzAlloc(void *ctx, size_t size)
{
	return malloc(size);
}

static void
FuzzFree(void *ctx, void *ptr)
{
	free(ptr);
}

static const LrAlloc fuzz_alloc = {FuzzAlloc, FuzzFree, NULL};

/*
 * For decoding untrusted bytes: an allocator that, like a memory context,
 * releases everything at the end of the input (lr_state_decode_bytes drops
 * a decoded state when bytes trail it, as the server does, relying on the
 * context).  Row building uses plain malloc, so leaks there are reported.
 */
typedef struct Chunk
{
	struct Chunk *prev;
	struct Chunk *next;
	double		align_[];
} Chunk;

static Chunk chunks = {&chunks, &chunks};

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

/* Encodes a state; the caller frees buf. */
static void
Encode(const LrStateOps *ops, const void *st, LrBuf *buf)
{
	lr_buf_init(buf, &fuzz_alloc, 0);	/* freed by the caller */
	CHECK(lr_state_encode_bytes(ops, st, buf));
}

static void
FuzzDistBytes(const uint8_t *data, size_t size)
{
	LrError		err = {0};
	LrDistState *st = lr_state_decode_bytes(&lr_dist_ops, data, size, &ctx_alloc, &err);
	LrDistState *other;
	LrBuf		buf;
	double		v;

	if (st == NULL)
	{
		CHECK(err.kind != LR_OK);
		/* Merging the same bytes must fail too, and leave the target alone. */
		other = DistCreate(&ctx_alloc, &err);
		err.kind = LR_OK;
		CHECK(!lr_dist_merge_flat(other, data, size, &err));
		CHECK(other->total[0] == 0 && other->total[1] == 0 && other->nlevels == 0);
		DistFree(other);
		return;
	}
	Encode(&lr_dist_ops, st, &buf);
	CHECK(buf.len == size && memcmp(buf.data, data, size) == 0);
	lr_buf_free(&buf);
	if (lr_dist_auc(st, &v))
		CHECK(v >= 0 && v <= 1);
	if (lr_dist_ks(st, &v))
		CHECK(v >= 0 && v <= 1);
	if (lr_dist_gini(st, &v))
		CHECK(v >= -1 && v <= 1);
	/* Merged into itself from its bytes: every count doubles, unless that overflows. */
	other = lr_state_decode_bytes(&lr_dist_ops, data, size, &ctx_alloc, &err);
	CHECK(other != NULL);
	if (lr_dist_merge_flat(other, data, size, &err))
	{
		CHECK(other->total[0] == 2 * st->total[0] && other->total[1] == 2 * st->total[1]);
		CHECK(lr_dist_compact(other, &err));
		CHECK(lr_dist_nruns(other) == lr_dist_nruns(st));
	}
	else
		CHECK(err.kind == LR_ERR_LIMIT);
	DistFree(other);
	if (st->nbuckets > 0 && st->total[0] + st->total[1] > 0)
	{
		LrDistBucket *b = calloc(st->nbuckets, sizeof(LrDistBucket));
		int64_t		n = 0;

		lr_dist_buckets(st, st->nbuckets, size % 2, true, b);
		for (int i = 0; i < st->nbuckets; i++)
			n += b[i].n;
		CHECK(n == st->total[0] + st->total[1]);
		free(b);
	}
	DistFree(st);
}

static void
FuzzBucketBytes(const uint8_t *data, size_t size)
{
	LrError		err = {0};
	LrBucketState *st = lr_state_decode_bytes(&lr_bucket_ops, data, size, &ctx_alloc, &err);
	LrBuf		buf;

	if (st == NULL)
	{
		CHECK(err.kind != LR_OK);
		return;
	}
	Encode(&lr_bucket_ops, st, &buf);
	CHECK(buf.len == size && memcmp(buf.data, data, size) == 0);
	lr_buf_free(&buf);
	{
		LrBucketState *copy = BucketCreate(&ctx_alloc, &err);

		/* Merging into an empty state and into itself. */
		CHECK(BucketMerge(copy, st, &ctx_alloc, &err));
		CHECK(copy->n == st->n && copy->total[0] == st->total[0] && copy->total[1] == st->total[1]);
		if (BucketMerge(copy, st, &ctx_alloc, &err))
			CHECK(copy->n == st->n && copy->total[0] == 2 * st->total[0]);
		BucketFree(copy);
	}
	BucketFree(st);
}

typedef struct Row
{
	uint64_t	key;
	int			cls;
} Row;

static int
CompareRows(const void *x, const void *y)
{
	const Row  *a = x;
	const Row  *b = y;

	return (a->key > b->key) - (a->key < b->key);
}

static LrDistState *
Build(const Row *rows, size_t n, int32_t k)
{
	LrError		err = {0};
	LrDistState *st = DistCreate(&fuzz_alloc, &err);

	CHECK(st != NULL);
	if (k > 0)
		CHECK(lr_dist_set_buckets(st, k, &err));
	for (size_t i = 0; i < n; i++)
		CHECK(lr_dist_add_key(st, rows[i].key, rows[i].cls, &err));
	return st;
}

static void
FuzzRows(const uint8_t *data, size_t size)
{
	size_t		n = size >= 2 ? (size - 2) / 3 : 0;
	Row		   *rows = malloc((n + 1) * sizeof(Row));
	Row		   *sorted = malloc((n + 1) * sizeof(Row));
	int32_t		k = size >= 1 ? 1 + data[0] % 12 : 1;
	size_t		split = size >= 2 ? (n * data[1]) / 255 : 0;
	LrError		err = {0};
	LrDistState *whole,
			   *a,
			   *b,
			   *c;
	LrBuf		ewhole,
				ea,
				eb,
				ec;
	unsigned __int128 s2 = 0;
	uint64_t	g = 0,
				bads = 0,
				below = 0,
				cg = 0,
				cb = 0;
	unsigned __int128 ks = 0;
	double		v;

	/* Rows of 3 bytes: a class bit and a value from a small set of specials, ties and fractions. */
	for (size_t i = 0; i < n; i++)
	{
		const uint8_t *r = data + 2 + 3 * i;
		static const double specials[] = {0.0, -0.0, 1.0, -1.0, INFINITY, -INFINITY, NAN, 1e-300, -1e300, 0.5};
		double		x;

		switch (r[0] >> 6)
		{
			case 0:
				x = specials[r[1] % 10];
				break;
			case 1:
				x = (double) (int8_t) r[1];
				break;
			default:
				x = ((r[1] << 8) | r[2]) / 65536.0 - 0.5;
				break;
		}
		if (r[0] & 32)
			x = -NAN;			/* another NaN: the same value as NaN */
		rows[i].key = lr_dist_key(x);
		rows[i].cls = r[0] & 1;
	}

	whole = Build(rows, n, k);
	a = Build(rows, split, k);
	b = Build(rows + split, n - split, k);
	Encode(&lr_dist_ops, whole, &ewhole);
	Encode(&lr_dist_ops, b, &eb);
	/* Part a, then part b merged from its bytes. */
	CHECK(lr_dist_merge_flat(a, (const uint8_t *) eb.data, eb.len, &err));
	Encode(&lr_dist_ops, a, &ea);
	CHECK(ea.len == ewhole.len && memcmp(ea.data, ewhole.data, ea.len) == 0);
	/* Part a rebuilt with pending rows left, then part b merged as a state (the expanded path). */
	c = Build(rows, split, k);
	DistFree(b);
	b = Build(rows + split, n - split, k);
	CHECK(DistMerge(c, b, &fuzz_alloc, &err));
	Encode(&lr_dist_ops, c, &ec);
	CHECK(ec.len == ewhole.len && memcmp(ec.data, ewhole.data, ec.len) == 0);

	/* The reference: sort, then count. */
	memcpy(sorted, rows, n * sizeof(Row));
	qsort(sorted, n, sizeof(Row), CompareRows);
	for (size_t i = 0; i < n; i++)
	{
		if (sorted[i].cls)
			bads++;
		else
			g++;
	}
	for (size_t i = 0; i < n;)
	{
		size_t		j = i;
		uint64_t	g0 = 0,
					b0 = 0;
		unsigned __int128 x,
					y;

		for (; j < n && sorted[j].key == sorted[i].key; j++)
		{
			if (sorted[j].cls)
				b0++;
			else
				g0++;
		}
		s2 += (unsigned __int128) b0 * (2 * (unsigned __int128) below + g0);
		below += g0;
		cg += g0;
		cb += b0;
		x = (unsigned __int128) cb * g;
		y = (unsigned __int128) cg * bads;
		if ((x > y ? x - y : y - x) > ks)
			ks = x > y ? x - y : y - x;
		i = j;
	}
	/* First read with the levels merged on the fly (as final functions do), then compacted. */
	for (int pass = 0; pass < 2; pass++)
	{
		CHECK(pass == 0 ? lr_dist_settle(whole, &err) : lr_dist_compact(whole, &err));
		CHECK(whole->total[0] == (int64_t) g && whole->total[1] == (int64_t) bads);
		if (g > 0 && bads > 0)
		{
			CHECK(lr_dist_auc(whole, &v));
			CHECK(v == (double) ((long double) s2 / (long double) (2 * (unsigned __int128) g * bads)));
			CHECK(lr_dist_ks(whole, &v));
			CHECK(v == (double) ((long double) ks / (long double) ((unsigned __int128) g * bads)));
			CHECK(lr_dist_gini(whole, &v));
		}
		else
			CHECK(!lr_dist_auc(whole, &v) && !lr_dist_ks(whole, &v) && !lr_dist_gini(whole, &v));
	}

	/* Buckets against the rank rule applied to the sorted rows. */
	if (n > 0)
	{
		LrDistBucket *got = calloc(k, sizeof(LrDistBucket));
		int64_t    *want_n = calloc(k, sizeof(int64_t));
		int64_t    *want_b = calloc(k, sizeof(int64_t));

		for (int desc = 0; desc < 2; desc++)
		{
			memset(got, 0, k * sizeof(LrDistBucket));
			memset(want_n, 0, k * sizeof(int64_t));
			memset(want_b, 0, k * sizeof(int64_t));
			lr_dist_buckets(whole, k, desc, true, got);
			for (size_t i = 0; i < n;)
			{
				size_t		j = i;
				int64_t		nb = 0;
				int32_t		bk;

				while (j < n && sorted[j].key == sorted[i].key)
					nb += sorted[j++].cls;
				bk = lr_rank_bucket(desc ? (int64_t) (n - j) : (int64_t) i, (int64_t) (j - i), (int64_t) n, k);
				want_n[bk] += (int64_t) (j - i);
				want_b[bk] += nb;
				i = j;
			}
			for (int i = 0; i < k; i++)
				CHECK(got[i].n == want_n[i] && got[i].cnt[1] == want_b[i]);
		}
		if (g > 0)
		{
			int64_t		tot = 0;

			memset(got, 0, k * sizeof(LrDistBucket));
			lr_dist_psi_bins(whole, k, got);
			for (int i = 0; i < k; i++)
				tot += got[i].n;
			CHECK(tot == (int64_t) n);
		}
		free(got);
		free(want_n);
		free(want_b);
	}

	lr_buf_free(&ewhole);
	lr_buf_free(&ea);
	lr_buf_free(&eb);
	lr_buf_free(&ec);
	DistFree(whole);
	DistFree(a);
	DistFree(b);
	DistFree(c);
	free(rows);
	free(sorted);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] % 3)
	{
		case 0:
			FuzzDistBytes(data + 1, size - 1);
			CtxReset();
			break;
		case 1:
			FuzzBucketBytes(data + 1, size - 1);
			CtxReset();
			break;
		default:
			FuzzRows(data + 1, size - 1);
			break;
	}
	return 0;
}
