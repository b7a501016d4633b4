/*
 * prebin_state.c
 *	  The pre-binning state: adding values, flushing pending values into
 *	  sorted runs, coarsening into buckets, encode, decode (validated) and
 *	  merge.  Pure C; see prebin.h for what the state means.
 *
 * Flat payload (after the common header of lr_state_ops.h):
 *
 *   uint32  nfeatures         0 for a state that has seen no row
 *   uint32  max_distinct
 *   uint64  npins, npins x uint64 pinned key (strictly ascending)
 *   int64   goods, bads, skipped
 *   uint64  fingerprint[2]
 *   nfeatures x {
 *     uint8   kind, uint8 flags (1 = overflowed categorical)
 *     varint  missing goods, missing bads
 *     numeric:      uint8 shift, uint64 nruns,
 *                   nruns x { uint64 key, varint goods, varint bads }
 *     categorical:  unless overflowed, the payload of a loan_risk bucket
 *                   state (src/metrics/bucket_state.c)
 *   }
 *
 * Every feature accounts for every row: its missing counts plus its runs (or
 * categories) sum to the state's goods and bads; decode checks it.  Keys
 * strictly ascend, are valid (not NaN, not -0) and are bucket starts at the
 * feature's shift, so one state has one text form.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/varint.h"
#include "training/prebin.h"

#define LR_PREBIN_MAGIC 0x4c525042	/* "LRPB" */

#ifndef LR_PREBIN_PEND_MIN		/* the fuzz target shrinks them */
#define LR_PREBIN_PEND_MIN 256
#define LR_PREBIN_PEND_MAX 65536
#endif

/* ---------------------------------------------------------------- buckets */

static bool
ValidKey(uint64_t k)
{
	return k >= LR_KEY_NEG_INF && k <= LR_KEY_POS_INF && k != LR_KEY_NEG_ZERO;
}

uint64_t
lr_prebin_bucket(const LrPrebinState *st, int shift, uint64_t k)
{
	uint64_t	b;

	if (shift == 0)
		return k;
	b = shift >= 64 ? 0 : (k & ~((UINT64_C(1) << shift) - 1));
	if (st->npins > 0 && k >= st->pins[0])
	{
		/* The largest pin <= k. */
		size_t		lo = 0,
					hi = st->npins;

		while (hi - lo > 1)
		{
			size_t		mid = (lo + hi) / 2;

			if (st->pins[mid] <= k)
				lo = mid;
			else
				hi = mid;
		}
		if (st->pins[lo] > b)
			b = st->pins[lo];
	}
	if (b < LR_KEY_NEG_INF)
		b = LR_KEY_NEG_INF;
	/* The key of -0 is not a value: its bucket starts at +0 (both are zero). */
	if (b == LR_KEY_NEG_ZERO)
		b = LR_KEY_NEG_ZERO + 1;
	return b;
}

/* ---------------------------------------------------------------- sorting */

/* Sorts a in place (tmp holds n keys). */
static void
RadixSort(uint64_t *a, uint64_t *tmp, size_t n)
{
	uint64_t   *r = lr_sort_u64(a, tmp, n);

	if (r != a)
		memcpy(a, r, n * sizeof(uint64_t));
}

/* ---------------------------------------------------------------- runs */

static bool
GrowArrays(const LrAlloc *a, uint64_t **keys, int64_t **cnt, size_t *cap, size_t keep,
		   size_t need, LrError *err)
{
	size_t		c;
	uint64_t   *k;
	int64_t    *n;

	if (need <= *cap)
		return true;
	c = *cap < 64 ? 64 : *cap;
	while (c < need)
		c *= 2;
	k = lr_alloc_n(a, c, sizeof(uint64_t));
	n = lr_alloc_n(a, c, 2 * sizeof(int64_t));
	if (k == NULL || n == NULL)
		return lr_error_nomem(err, NULL);
	if (keep > 0)
	{
		memcpy(k, *keys, keep * sizeof(uint64_t));
		memcpy(n, *cnt, keep * 2 * sizeof(int64_t));
	}
	lr_free(a, *keys);
	lr_free(a, *cnt);
	*keys = k;
	*cnt = n;
	*cap = c;
	return true;
}

static bool
EnsureRuns(const LrAlloc *a, LrPrebinNum *n, size_t need, LrError *err)
{
	return GrowArrays(a, &n->keys, &n->cnt, &n->runcap, n->nruns, need, err);
}

/* Remaps the runs to a larger shift, merging runs that fall in one bucket. */
static void
Coarsen(const LrPrebinState *st, LrPrebinNum *n, int shift)
{
	size_t		w = 0;

	n->shift = shift;
	for (size_t i = 0; i < n->nruns; i++)
	{
		uint64_t	b = lr_prebin_bucket(st, shift, n->keys[i]);

		if (w > 0 && n->keys[w - 1] == b)
		{
			n->cnt[2 * (w - 1)] += n->cnt[2 * i];
			n->cnt[2 * (w - 1) + 1] += n->cnt[2 * i + 1];
		}
		else
		{
			n->keys[w] = b;
			n->cnt[2 * w] = n->cnt[2 * i];
			n->cnt[2 * w + 1] = n->cnt[2 * i + 1];
			w++;
		}
	}
	n->nruns = w;
}

/* Number of buckets the runs would fall in at shift s. */
static size_t
CountAt(const LrPrebinState *st, const LrPrebinNum *n, int s)
{
	size_t		c = 0;
	uint64_t	prev = 0;

	for (size_t i = 0; i < n->nruns; i++)
	{
		uint64_t	b = lr_prebin_bucket(st, s, n->keys[i]);

		if (i == 0 || b != prev)
			c++;
		prev = b;
	}
	return c;
}

/*
 * The smallest shift (>= the current one) at which the runs fit
 * max_distinct.  Two neighbouring runs share a bucket at shift s (pins
 * aside) exactly when their keys agree above bit s, so one pass over the
 * neighbours gives the shift that pins can only raise; a few counting
 * passes settle it.
 */
static void
FitRuns(const LrPrebinState *st, LrPrebinNum *n)
{
	size_t		hist[65];
	size_t		distinct;
	int			s;

	if (n->nruns <= st->max_distinct)
		return;
	memset(hist, 0, sizeof(hist));
	for (size_t i = 1; i < n->nruns; i++)
	{
		uint64_t	x = n->keys[i] ^ n->keys[i - 1];

		hist[64 - __builtin_clzll(x)]++;	/* bits needed to tell them apart */
	}
	/* buckets at shift s (without pins) = 1 + #{pairs needing more than s bits} */
	distinct = n->nruns;
	for (s = 0; s < 63; s++)
	{
		distinct -= hist[s];
		if (s >= n->shift && distinct <= st->max_distinct)
			break;
	}
	if (s < n->shift)
		s = n->shift;
	while (s > n->shift && CountAt(st, n, s - 1) <= st->max_distinct)
		s--;
	while (s < 63 && CountAt(st, n, s) > st->max_distinct)
		s++;
	Coarsen(st, n, s);
}

/*
 * Merges the feature's runs with the sorted runs (kb, cb, nb) through the
 * spare arrays, which then become the runs.  kb must not alias them.
 */
static bool
MergeRuns(const LrPrebinState *st, LrPrebinNum *n,
		  const uint64_t *kb, const int64_t *cb, size_t nb, LrError *err)
{
	const uint64_t *ka = n->keys;
	const int64_t *ca = n->cnt;
	size_t		na = n->nruns;
	size_t		i = 0,
				j = 0,
				w = 0;
	uint64_t   *ok;
	int64_t    *oc;
	size_t		t;

	if (!GrowArrays(&st->a, &n->skeys, &n->scnt, &n->scap, 0, na + nb, err))
		return false;
	ok = n->skeys;
	oc = n->scnt;
	while (i < na && j < nb)
	{
		if (ka[i] < kb[j])
		{
			ok[w] = ka[i];
			oc[2 * w] = ca[2 * i];
			oc[2 * w + 1] = ca[2 * i + 1];
			i++;
		}
		else if (kb[j] < ka[i])
		{
			ok[w] = kb[j];
			oc[2 * w] = cb[2 * j];
			oc[2 * w + 1] = cb[2 * j + 1];
			j++;
		}
		else
		{
			ok[w] = ka[i];
			oc[2 * w] = ca[2 * i] + cb[2 * j];
			oc[2 * w + 1] = ca[2 * i + 1] + cb[2 * j + 1];
			i++;
			j++;
		}
		w++;
	}
	for (; i < na; i++, w++)
	{
		ok[w] = ka[i];
		oc[2 * w] = ca[2 * i];
		oc[2 * w + 1] = ca[2 * i + 1];
	}
	for (; j < nb; j++, w++)
	{
		ok[w] = kb[j];
		oc[2 * w] = cb[2 * j];
		oc[2 * w + 1] = cb[2 * j + 1];
	}
	/* Swap: the spare arrays become the runs. */
	n->skeys = n->keys;
	n->scnt = n->cnt;
	n->keys = ok;
	n->cnt = oc;
	t = n->scap;
	n->scap = n->runcap;
	n->runcap = t;
	n->nruns = w;
	return true;
}

/* Rebuilds (or drops) the index of the runs by key; see LrPrebinNum. */
static bool
IndexRuns(const LrPrebinState *st, LrPrebinNum *n, LrError *err)
{
	size_t		size = (size_t) 1 << LR_PREBIN_HASH_BITS;

	n->hvalid = false;
	if (n->shift != 0 || n->nruns > LR_PREBIN_HASH_RUNS)
		return true;
	if (n->hkeys == NULL)
	{
		n->hkeys = lr_alloc_n(&st->a, size, sizeof(uint64_t));
		n->hidx = lr_alloc_n(&st->a, size, sizeof(int32_t));
		if (n->hkeys == NULL || n->hidx == NULL)
			return lr_error_nomem(err, NULL);
	}
	memset(n->hkeys, 0, size * sizeof(uint64_t));
	for (size_t i = 0; i < n->nruns; i++)
	{
		size_t		h = (size_t) ((n->keys[i] * UINT64_C(0x9e3779b97f4a7c15)) >> (64 - LR_PREBIN_HASH_BITS));

		while (n->hkeys[h] != 0)
			h = (h + 1) & (size - 1);
		n->hkeys[h] = n->keys[i];
		n->hidx[h] = (int32_t) i;
	}
	n->hvalid = true;
	return true;
}

bool
lr_prebin_flush(LrPrebinState *st, LrPrebinFeature *f, LrError *err)
{
	LrPrebinNum *n = &f->num;
	size_t		np = n->npend[0] + n->npend[1];
	size_t		nk = 0;

	if (n->pend == NULL)
	{
		n->pendcap = LR_PREBIN_PEND_MIN;
		n->pend = lr_alloc_n(&st->a, 2 * n->pendcap, sizeof(uint64_t));
		n->rkeys = lr_alloc_n(&st->a, n->pendcap, sizeof(uint64_t));
		n->rcnt = lr_alloc_n(&st->a, n->pendcap, 2 * sizeof(int64_t));
		if (n->pend == NULL || n->rkeys == NULL || n->rcnt == NULL)
			return lr_error_nomem(err, NULL);
		return true;
	}
	if (np > 0)
	{
		uint64_t   *scratch = n->pend + n->pendcap;
		uint64_t   *goods = n->pend;
		uint64_t   *bads = n->pend + n->pendcap - n->npend[1];
		size_t		n0 = n->npend[0],
					n1 = n->npend[1];
		size_t		i = 0,
					j = 0;

		/* Map to buckets, sort each class, and run-length encode both at once. */
		if (n->shift > 0)
		{
			for (i = 0; i < n0; i++)
				goods[i] = lr_prebin_bucket(st, n->shift, goods[i]);
			for (i = 0; i < n1; i++)
				bads[i] = lr_prebin_bucket(st, n->shift, bads[i]);
		}
		RadixSort(goods, scratch, n0);
		RadixSort(bads, scratch, n1);
		i = 0;
		while (i < n0 || j < n1)
		{
			uint64_t	k;
			int64_t		c0 = 0,
						c1 = 0;

			if (j >= n1 || (i < n0 && goods[i] <= bads[j]))
				k = goods[i];
			else
				k = bads[j];
			while (i < n0 && goods[i] == k)
			{
				c0++;
				i++;
			}
			while (j < n1 && bads[j] == k)
			{
				c1++;
				j++;
			}
			n->rkeys[nk] = k;
			n->rcnt[2 * nk] = c0;
			n->rcnt[2 * nk + 1] = c1;
			nk++;
		}
		if (!MergeRuns(st, n, n->rkeys, n->rcnt, nk, err))
			return false;
		FitRuns(st, n);
		n->npend[0] = n->npend[1] = 0;
		if (!IndexRuns(st, n, err))
			return false;
	}
	/*
	 * Grow the pending buffer while the runs are many compared with it, so
	 * that merging costs a bounded amount per value; a feature of few
	 * distinct values keeps a small buffer.
	 */
	if (n->pendcap < LR_PREBIN_PEND_MAX && (n->pendcap < 4096 || n->nruns * 2 > n->pendcap))
	{
		size_t		cap = n->pendcap * 2;
		uint64_t   *p = lr_alloc_n(&st->a, 2 * cap, sizeof(uint64_t));
		uint64_t   *rk = lr_alloc_n(&st->a, cap, sizeof(uint64_t));
		int64_t    *rc = lr_alloc_n(&st->a, cap, 2 * sizeof(int64_t));

		if (p == NULL || rk == NULL || rc == NULL)
			return lr_error_nomem(err, NULL);
		lr_free(&st->a, n->pend);
		lr_free(&st->a, n->rkeys);
		lr_free(&st->a, n->rcnt);
		n->pend = p;
		n->rkeys = rk;
		n->rcnt = rc;
		n->pendcap = cap;
	}
	return true;
}

bool
lr_prebin_compact(const LrPrebinState *cst, LrError *err)
{
	LrPrebinState *st = (LrPrebinState *) cst;

	for (uint32_t j = 0; j < st->nfeatures; j++)
		if (st->f[j].kind == LR_PREBIN_NUMERIC &&
			st->f[j].num.npend[0] + st->f[j].num.npend[1] > 0 &&
			!lr_prebin_flush(st, &st->f[j], err))
			return false;
	return true;
}

/* ---------------------------------------------------------------- categorical */

static void
FreeBuckets(const LrAlloc *a, LrBucketState *b)
{
	if (b == NULL)
		return;
	lr_arena_release(&b->arena);
	lr_free(a, b->slots);
	lr_free(a, b);
}

bool
lr_prebin_add_text(LrPrebinState *st, LrPrebinFeature *f, const uint8_t *s, size_t len,
				   int cls, LrError *err)
{
	if (f->overflow)
		return true;
	if (!lr_bucket_add(f->cat, s, len, cls, 1, err))
		return false;
	if (f->cat->n > LR_PREBIN_MAX_CATEGORIES)
	{
		FreeBuckets(&st->a, f->cat);
		f->cat = NULL;
		f->overflow = true;
	}
	return true;
}

/* ---------------------------------------------------------------- setup */

static int
CmpU64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *) a;
	uint64_t	y = *(const uint64_t *) b;

	return x < y ? -1 : x > y;
}

/* Pins of exact values: each value's key and the key right after it. */
static bool
PinsOf(const LrAlloc *a, const double *exact, size_t nexact, uint64_t **out, size_t *nout,
	   LrError *err)
{
	uint64_t   *p;
	size_t		n = 0;

	if (nexact > LR_PREBIN_MAX_EXACT_VALUES)
		return lr_error_set(err, LR_ERR_LIMIT, "%zu exact values are more than the limit of %d",
							nexact, LR_PREBIN_MAX_EXACT_VALUES);
	p = lr_alloc_n(a, 2 * nexact + 1, sizeof(uint64_t));
	if (p == NULL)
		return lr_error_nomem(err, NULL);
	for (size_t i = 0; i < nexact; i++)
	{
		uint64_t	k;

		if (isnan(exact[i]))
			return lr_error_set(err, LR_ERR_INVALID, "exact value %zu is NaN", i + 1);
		k = lr_dist_key(exact[i]);
		p[n++] = k;
		if (k < LR_KEY_POS_INF)
			p[n++] = (k + 1 == LR_KEY_NEG_ZERO) ? k + 2 : k + 1;
	}
	qsort(p, n, sizeof(uint64_t), CmpU64);
	{
		size_t		w = 0;

		for (size_t i = 0; i < n; i++)
			if (w == 0 || p[w - 1] != p[i])
				p[w++] = p[i];
		n = w;
	}
	*out = p;
	*nout = n;
	return true;
}

static bool
InitFeatures(LrPrebinState *st, uint32_t nfeatures, const uint8_t *kinds, LrError *err)
{
	st->f = lr_alloc_n(&st->a, nfeatures, sizeof(LrPrebinFeature));
	if (st->f == NULL)
		return lr_error_nomem(err, NULL);
	memset(st->f, 0, (size_t) nfeatures * sizeof(LrPrebinFeature));
	for (uint32_t j = 0; j < nfeatures; j++)
	{
		LrPrebinFeature *f = &st->f[j];

		f->kind = kinds[j];
		if (f->kind == LR_PREBIN_CATEGORICAL)
		{
			f->cat = lr_bucket_ops.create(&st->a, err);
			if (f->cat == NULL)
				return false;
		}
	}
	st->nfeatures = nfeatures;
	return true;
}

bool
lr_prebin_setup(LrPrebinState *st, uint32_t nfeatures, const uint8_t *kinds,
				const double *exact, size_t nexact, uint32_t max_distinct, LrError *err)
{
	if (nfeatures == 0 || nfeatures > LR_PREBIN_MAX_FEATURES)
		return lr_error_set(err, LR_ERR_LIMIT, "%u features: a pre-binning pass takes 1 to %d",
							nfeatures, LR_PREBIN_MAX_FEATURES);
	if (max_distinct < LR_PREBIN_MIN_DISTINCT || max_distinct > LR_PREBIN_MAX_DISTINCT)
		return lr_error_set(err, LR_ERR_INVALID, "max_distinct %u is not between %d and %d",
							max_distinct, LR_PREBIN_MIN_DISTINCT, LR_PREBIN_MAX_DISTINCT);
	if (!PinsOf(&st->a, exact, nexact, &st->pins, &st->npins, err))
		return false;
	/* At the largest shift every bucket starts at a pin, at +0 or at -Infinity. */
	if (max_distinct < st->npins + 2)
		return lr_error_set(err, LR_ERR_LIMIT, "%zu exact values need max_distinct of at least %zu",
							nexact, st->npins + 2);
	st->max_distinct = max_distinct;
	return InitFeatures(st, nfeatures, kinds, err);
}

bool
lr_prebin_same_exact(const LrPrebinState *st, const double *exact, size_t nexact, LrError *err)
{
	uint64_t   *p;
	size_t		n;
	bool		same;

	if (!PinsOf(&st->a, exact, nexact, &p, &n, err))
		return false;
	same = (n == st->npins && (n == 0 || memcmp(p, st->pins, n * sizeof(uint64_t)) == 0));
	lr_free(&st->a, p);
	if (!same)
		return lr_error_set(err, LR_ERR_INVALID,
							"exact values differ between rows of one pre-binning pass");
	return true;
}

/* ---------------------------------------------------------------- state ops */

static void *
PrebinCreate(const LrAlloc *a, LrError *err)
{
	LrPrebinState *st = lr_alloc0(a, sizeof(LrPrebinState), err, NULL);

	if (st == NULL)
		return NULL;
	st->a = *a;
	st->max_distinct = LR_PREBIN_DEFAULT_DISTINCT;
	return st;
}

static bool
ReadCount(LrReader *r, int64_t *v)
{
	uint64_t	u;

	if (!lr_read_varint(r, &u))
		return false;
	if (u > (uint64_t) INT64_MAX)
		return lr_read_bad(r, "count out of range");
	*v = (int64_t) u;
	return true;
}

/* Adds b to *a, failing past INT64_MAX. */
static bool
AddCount(int64_t *a, int64_t b)
{
	if (b > INT64_MAX - *a)
		return false;
	*a += b;
	return true;
}

static void *
PrebinDecode(const LrAlloc *a, LrReader *r, LrError *err)
{
	LrPrebinState *st = PrebinCreate(a, err);
	uint32_t	nfeatures;
	uint8_t    *kinds;

	if (st == NULL)
		return NULL;
	if (!lr_read_u32(r, &nfeatures) || !lr_read_u32(r, &st->max_distinct))
		return NULL;
	if (nfeatures > LR_PREBIN_MAX_FEATURES)
		return lr_read_bad(r, "too many features"), NULL;
	if (st->max_distinct < LR_PREBIN_MIN_DISTINCT || st->max_distinct > LR_PREBIN_MAX_DISTINCT)
		return lr_read_bad(r, "max_distinct out of range"), NULL;
	if (!lr_read_count(r, 8, &st->npins))
		return NULL;
	if (st->npins > LR_PREBIN_MAX_PINS || st->npins + 2 > st->max_distinct)
		return lr_read_bad(r, "too many exact values"), NULL;
	st->pins = lr_alloc_n(a, st->npins + 1, sizeof(uint64_t));
	if (st->pins == NULL)
		return lr_error_nomem(err, NULL), NULL;
	for (size_t i = 0; i < st->npins; i++)
	{
		if (!lr_read_u64(r, &st->pins[i]))
			return NULL;
		if (!ValidKey(st->pins[i]) || (i > 0 && st->pins[i] <= st->pins[i - 1]))
			return lr_read_bad(r, "exact values out of order"), NULL;
	}
	if (!lr_read_i64(r, &st->total[0]) || !lr_read_i64(r, &st->total[1]) ||
		!lr_read_i64(r, &st->skipped) || !lr_read_u64(r, &st->fp[0]) || !lr_read_u64(r, &st->fp[1]))
		return NULL;
	if (st->total[0] < 0 || st->total[1] < 0 || st->skipped < 0)
		return lr_read_bad(r, "negative count"), NULL;
	if (nfeatures == 0)
	{
		if (st->total[0] != 0 || st->total[1] != 0 || st->skipped != 0 ||
			st->fp[0] != 0 || st->fp[1] != 0 || st->npins != 0)
			return lr_read_bad(r, "rows without features"), NULL;
		return st;
	}
	kinds = lr_alloc_n(a, nfeatures, 1);
	if (kinds == NULL)
		return lr_error_nomem(err, NULL), NULL;
	/* Kinds are read feature by feature below; set up as numeric, fixed after. */
	memset(kinds, LR_PREBIN_NUMERIC, nfeatures);
	if (!InitFeatures(st, nfeatures, kinds, err))
		return NULL;
	if (st->total[0] == 0 && st->total[1] == 0 && st->fp[0] + st->fp[1] != 0)
		return lr_read_bad(r, "fingerprint without rows"), NULL;
	for (uint32_t j = 0; j < nfeatures; j++)
	{
		LrPrebinFeature *f = &st->f[j];
		uint8_t		kind,
					flags;
		int64_t		sum[2];

		if (!lr_read_u8(r, &kind) || !lr_read_u8(r, &flags))
			return NULL;
		if (kind != LR_PREBIN_NUMERIC && kind != LR_PREBIN_CATEGORICAL)
			return lr_read_bad(r, "unknown feature kind"), NULL;
		if (flags > 1 || (flags == 1 && kind != LR_PREBIN_CATEGORICAL))
			return lr_read_bad(r, "unknown feature flags"), NULL;
		f->kind = kind;
		f->overflow = (flags == 1);
		if (!ReadCount(r, &f->missing[0]) || !ReadCount(r, &f->missing[1]))
			return NULL;
		sum[0] = f->missing[0];
		sum[1] = f->missing[1];
		if (kind == LR_PREBIN_NUMERIC)
		{
			LrPrebinNum *n = &f->num;
			uint8_t		shift;
			size_t		nruns;

			if (!lr_read_u8(r, &shift) || !lr_read_count(r, 10, &nruns))
				return NULL;
			if (shift > 63)
				return lr_read_bad(r, "shift out of range"), NULL;
			if (nruns > st->max_distinct)
				return lr_read_bad(r, "more runs than max_distinct"), NULL;
			n->shift = shift;
			if (!EnsureRuns(a, n, nruns, err))
				return NULL;
			for (size_t i = 0; i < nruns; i++)
			{
				uint64_t	k;
				int64_t		c0,
							c1;

				if (!lr_read_u64(r, &k) || !ReadCount(r, &c0) || !ReadCount(r, &c1))
					return NULL;
				if (!ValidKey(k) || lr_prebin_bucket(st, shift, k) != k)
					return lr_read_bad(r, "invalid key"), NULL;
				if (i > 0 && k <= n->keys[i - 1])
					return lr_read_bad(r, "keys out of order"), NULL;
				if (c0 == 0 && c1 == 0)
					return lr_read_bad(r, "empty run"), NULL;
				if (!AddCount(&sum[0], c0) || !AddCount(&sum[1], c1))
					return lr_read_bad(r, "count out of range"), NULL;
				n->keys[i] = k;
				n->cnt[2 * i] = c0;
				n->cnt[2 * i + 1] = c1;
			}
			n->nruns = nruns;
		}
		else
		{
			FreeBuckets(a, f->cat);
			f->cat = NULL;
			if (!f->overflow)
			{
				f->cat = lr_bucket_ops.decode(a, r, err);
				if (f->cat == NULL)
					return NULL;
				if (f->cat->n > LR_PREBIN_MAX_CATEGORIES)
					return lr_read_bad(r, "too many categories"), NULL;
				if (!AddCount(&sum[0], f->cat->total[0]) || !AddCount(&sum[1], f->cat->total[1]))
					return lr_read_bad(r, "count out of range"), NULL;
			}
		}
		if (!f->overflow && (sum[0] != st->total[0] || sum[1] != st->total[1]))
			return lr_read_bad(r, "feature counts do not add up to the rows"), NULL;
		if (f->overflow && (sum[0] > st->total[0] || sum[1] > st->total[1]))
			return lr_read_bad(r, "feature counts exceed the rows"), NULL;
	}
	return st;
}

static bool
PrebinEncode(const void *p, LrBuf *out)
{
	const LrPrebinState *st = p;
	LrError		err = {0};

	if (!lr_prebin_compact(st, &err))
	{
		out->failed = true;
		return false;
	}
	lr_buf_put_u32(out, st->nfeatures);
	lr_buf_put_u32(out, st->max_distinct);
	lr_buf_put_u64(out, st->npins);
	for (size_t i = 0; i < st->npins; i++)
		lr_buf_put_u64(out, st->pins[i]);
	lr_buf_put_i64(out, st->total[0]);
	lr_buf_put_i64(out, st->total[1]);
	lr_buf_put_i64(out, st->skipped);
	lr_buf_put_u64(out, st->fp[0]);
	lr_buf_put_u64(out, st->fp[1]);
	for (uint32_t j = 0; j < st->nfeatures; j++)
	{
		const LrPrebinFeature *f = &st->f[j];

		lr_buf_put_u8(out, f->kind);
		lr_buf_put_u8(out, f->overflow ? 1 : 0);
		lr_buf_put_varint(out, (uint64_t) f->missing[0]);
		lr_buf_put_varint(out, (uint64_t) f->missing[1]);
		if (f->kind == LR_PREBIN_NUMERIC)
		{
			const LrPrebinNum *n = &f->num;

			lr_buf_put_u8(out, (uint8_t) n->shift);
			lr_buf_put_u64(out, n->nruns);
			if (!lr_buf_reserve(out, n->nruns * 28))
				return false;
			for (size_t i = 0; i < n->nruns; i++)
			{
				lr_buf_put_u64(out, n->keys[i]);
				lr_buf_put_varint(out, (uint64_t) n->cnt[2 * i]);
				lr_buf_put_varint(out, (uint64_t) n->cnt[2 * i + 1]);
			}
		}
		else if (!f->overflow)
			lr_bucket_ops.encode(f->cat, out);
	}
	return !out->failed;
}

static bool
SameLayout(const LrPrebinState *d, const LrPrebinState *s, LrError *err)
{
	if (d->nfeatures != s->nfeatures)
		return lr_error_set(err, LR_ERR_INVALID,
							"cannot merge pre-binning states of %u and %u features",
							d->nfeatures < s->nfeatures ? d->nfeatures : s->nfeatures,
							d->nfeatures < s->nfeatures ? s->nfeatures : d->nfeatures);
	for (uint32_t j = 0; j < d->nfeatures; j++)
		if (d->f[j].kind != s->f[j].kind)
			return lr_error_set(err, LR_ERR_INVALID,
								"cannot merge pre-binning states: feature %u is numeric in one and categorical in the other",
								j + 1);
	if (d->npins != s->npins ||
		(d->npins > 0 && memcmp(d->pins, s->pins, d->npins * sizeof(uint64_t)) != 0))
		return lr_error_set(err, LR_ERR_INVALID,
							"cannot merge pre-binning states with different exact values");
	return true;
}

static bool
PrebinMerge(void *dst, const void *src, const LrAlloc *a, LrError *err)
{
	LrPrebinState *d = dst;
	const LrPrebinState *s = src;

	if (s->nfeatures == 0)
		return true;
	if (!lr_prebin_compact(s, err))
		return false;
	if (d->nfeatures == 0)
	{
		uint8_t    *kinds = lr_alloc_n(&d->a, s->nfeatures, 1);

		if (kinds == NULL)
			return lr_error_nomem(err, NULL);
		for (uint32_t j = 0; j < s->nfeatures; j++)
			kinds[j] = s->f[j].kind;
		d->pins = lr_alloc_n(&d->a, s->npins + 1, sizeof(uint64_t));
		if (d->pins == NULL)
			return lr_error_nomem(err, NULL);
		if (s->npins > 0)
			memcpy(d->pins, s->pins, s->npins * sizeof(uint64_t));
		d->npins = s->npins;
		d->max_distinct = s->max_distinct;
		if (!InitFeatures(d, s->nfeatures, kinds, err))
			return false;
		lr_free(&d->a, kinds);
	}
	else if (!SameLayout(d, s, err))
		return false;
	if (!lr_prebin_compact(d, err))
		return false;
	if (!AddCount(&d->total[0], s->total[0]) || !AddCount(&d->total[1], s->total[1]) ||
		!AddCount(&d->skipped, s->skipped))
		return lr_error_set(err, LR_ERR_LIMIT, "row count of loan_risk.prebin_state out of range");
	d->fp[0] += s->fp[0];
	d->fp[1] += s->fp[1];
	if (s->max_distinct < d->max_distinct)
		d->max_distinct = s->max_distinct;
	for (uint32_t j = 0; j < d->nfeatures; j++)
	{
		LrPrebinFeature *fd = &d->f[j];
		const LrPrebinFeature *fs = &s->f[j];

		fd->missing[0] += fs->missing[0];
		fd->missing[1] += fs->missing[1];
		if (fd->kind == LR_PREBIN_NUMERIC)
		{
			LrPrebinNum *nd = &fd->num;
			const LrPrebinNum *ns = &fs->num;
			int			shift = nd->shift > ns->shift ? nd->shift : ns->shift;
			uint64_t   *sk;
			int64_t    *sc;
			size_t		sn = 0;

			/* Bring both to the larger shift, then merge and fit. */
			if (nd->shift < shift)
				Coarsen(d, nd, shift);
			sk = lr_alloc_n(&d->a, ns->nruns, sizeof(uint64_t));
			sc = lr_alloc_n(&d->a, ns->nruns, 2 * sizeof(int64_t));
			if (sk == NULL || sc == NULL)
				return lr_error_nomem(err, NULL);
			for (size_t i = 0; i < ns->nruns; i++)
			{
				uint64_t	b = lr_prebin_bucket(d, shift, ns->keys[i]);

				if (sn > 0 && sk[sn - 1] == b)
				{
					sc[2 * (sn - 1)] += ns->cnt[2 * i];
					sc[2 * (sn - 1) + 1] += ns->cnt[2 * i + 1];
				}
				else
				{
					sk[sn] = b;
					sc[2 * sn] = ns->cnt[2 * i];
					sc[2 * sn + 1] = ns->cnt[2 * i + 1];
					sn++;
				}
			}
			if (!MergeRuns(d, nd, sk, sc, sn, err))
				return false;
			lr_free(&d->a, sk);
			lr_free(&d->a, sc);
			FitRuns(d, nd);
			if (!IndexRuns(d, nd, err))
				return false;
		}
		else if (fs->overflow || fd->overflow)
		{
			FreeBuckets(&d->a, fd->cat);
			fd->cat = NULL;
			fd->overflow = true;
		}
		else
		{
			if (!lr_bucket_ops.merge(fd->cat, fs->cat, &d->a, err))
				return false;
			if (fd->cat->n > LR_PREBIN_MAX_CATEGORIES)
			{
				FreeBuckets(&d->a, fd->cat);
				fd->cat = NULL;
				fd->overflow = true;
			}
		}
	}
	return true;
}

const LrStateOps lr_prebin_ops = {
	"loan_risk.prebin_state", LR_PREBIN_MAGIC, 1,
	PrebinCreate, PrebinDecode, PrebinEncode, PrebinMerge
};
