/*
 * dist_state.c
 *	  The score distribution state (LrDistState): per distinct float8 value,
 *	  the counts of two classes.  Encode, decode (validated) and merge.
 *	  Pure C.
 *
 * Flat payload (after the common header of lr_state_ops.h):
 *
 *   uint32  nbuckets   0, or the buckets of a table aggregate (<= LR_MAX_BUCKETS)
 *   uint64  nruns
 *   nruns x { uint64 key, varint class 0 count, varint class 1 count }
 *
 * Keys strictly ascend and are canonical (no -0, one NaN), counts are not
 * both zero, and all counts together sum to at most INT64_MAX: one state, one text.
 *
 * In memory the runs are kept in exactly that record form, in one or more
 * sorted "levels" (a continuous PD takes about 10 bytes a distinct value).
 * Adding a row appends its key to a pending buffer; a full buffer is
 * radix-sorted and run-length encoded into a new level.  Levels are merged
 * (k-way, one pass) only when there are too many of them, or when one level
 * is needed: for a final function or the flat form.  So a worker's state is
 * written out with one copy, and the leader of a parallel plan takes each
 * worker's state as a level after one validating pass, merging them all
 * once, instead of re-merging a growing state per worker.
 */
#include <math.h>
#include <string.h>

#include "stats/dist.h"

#define LR_DIST_MAGIC 0x4c524431	/* "LRD1" */

/*
 * Pending buffer: starts small (a state per group of a GROUP BY), doubles
 * to FAST, then follows the distinct values seen up to MAX, so that a row
 * is merged a bounded number of times.  It is allocated twice as large:
 * the second half is the radix sort's scratch.
 */
#ifndef LR_PEND_MIN				/* test/fuzz shrinks them to reach every path */
#define LR_PEND_MIN  256
#define LR_PEND_FAST 65536
#define LR_PEND_MAX  ((size_t) 1 << 22)
#endif

/* More levels than this: the two smallest are merged. */
#ifndef LR_MAX_LEVELS
#define LR_MAX_LEVELS 8
#endif

/* A record takes 10 to 28 bytes: key 8, two varints of 1 to 10. */
#define REC_MIN_BYTES 10
#define REC_MAX_BYTES 28

#define unlikely_(x) __builtin_expect((x) != 0, 0)

/* ---------------------------------------------------------------- records */

static inline uint8_t *
PutRecord(uint8_t *w, uint64_t key, uint64_t c0, uint64_t c1)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(w, &key, 8);
#else
	for (int b = 0; b < 8; b++)
		w[b] = (uint8_t) (key >> (8 * b));
#endif
	w += 8;
	while (c0 >= 0x80)
	{
		*w++ = (uint8_t) (c0 | 0x80);
		c0 >>= 7;
	}
	*w++ = (uint8_t) c0;
	while (c1 >= 0x80)
	{
		*w++ = (uint8_t) (c1 | 0x80);
		c1 >>= 7;
	}
	*w++ = (uint8_t) c1;
	return w;
}

void
lr_dist_iter_init(const LrDistState *st, LrDistIter *it)
{
	int			k = 0;

	it->single = st->nlevels <= 1;
	if (it->single)
	{
		it->n = st->nlevels;
		it->lv[0].p = st->nlevels == 0 ? NULL : st->levels[0].data;
		it->lv[0].end = st->nlevels == 0 ? NULL : st->levels[0].data + st->levels[0].len;
		return;
	}
	/* Each level's first run is read ahead; empty levels are dropped. */
	for (int i = 0; i < st->nlevels && i < LR_DIST_ITER_LEVELS; i++)
	{
		LrRunIter  *l = &it->lv[k];

		l->p = st->levels[i].data;
		l->end = st->levels[i].data + st->levels[i].len;
		if (LrRunNext(l))
			k++;
	}
	it->n = k;
}

bool
lr_dist_next_merged(LrDistIter *it)
{
	uint64_t	key;
	int64_t		c0 = 0,
				c1 = 0;
	int			i;

	if (it->n == 0)
		return false;
	key = it->lv[0].key;
	for (i = 1; i < it->n; i++)
		if (it->lv[i].key < key)
			key = it->lv[i].key;
	for (i = 0; i < it->n;)
	{
		LrRunIter  *l = &it->lv[i];

		if (l->key != key)
		{
			i++;
			continue;
		}
		c0 += l->cnt[0];
		c1 += l->cnt[1];
		if (LrRunNext(l))
			i++;
		else
			it->lv[i] = it->lv[--it->n];	/* exhausted: the last level takes its place */
	}
	it->key = key;
	it->cnt[0] = c0;
	it->cnt[1] = c1;
	return true;
}

/* ---------------------------------------------------------------- levels */

static bool
PushLevel(LrDistState *st, uint8_t *data, size_t len, size_t nruns, LrError *err)
{
	if (st->nlevels == st->levcap)
	{
		int			cap = st->levcap == 0 ? 4 : st->levcap * 2;
		LrRunLevel *l = lr_alloc_n(&st->a, (size_t) cap, sizeof(LrRunLevel));

		if (l == NULL)
		{
			lr_free(&st->a, data);
			return lr_error_nomem(err, NULL);
		}
		if (st->nlevels > 0)
			memcpy(l, st->levels, st->nlevels * sizeof(LrRunLevel));
		lr_free(&st->a, st->levels);
		st->levels = l;
		st->levcap = cap;
	}
	st->levels[st->nlevels].data = data;
	st->levels[st->nlevels].len = len;
	st->levels[st->nlevels].nruns = nruns;
	st->nlevels++;
	st->nruns_est += nruns;
	return true;
}

/* Shrinks a block to its used length when that saves much (a level of few distinct values). */
static uint8_t *
Trim(const LrAlloc *a, uint8_t *data, size_t len, size_t cap)
{
	uint8_t    *t;

	if (len >= cap / 2 || (t = lr_alloc_n(a, len, 1)) == NULL)
		return data;
	memcpy(t, data, len);
	lr_free(a, data);
	return t;
}

/*
 * Merges levels x and y into one, in one pass.  A merged record is never
 * longer than the two it merges (each varint is at least a byte, and
 * len(a + b) <= max(len(a), len(b)) + 1), so the output fits in the sum of
 * the input lengths.
 */
static bool
Merge2(LrDistState *st, int x, int y, LrError *err)
{
	LrRunLevel *lx = &st->levels[x];
	LrRunLevel *ly = &st->levels[y];
	size_t		nruns = 0;
	uint8_t    *out;
	uint8_t    *w;
	LrRunIter	a;
	LrRunIter	b;
	bool		la,
				lb;
	size_t		ua = 1,
				ub = 1;

	out = lr_alloc_n(&st->a, lx->len + ly->len, 1);
	if (out == NULL)
		return lr_error_nomem(err, NULL);
	w = out;
	a.p = lx->data;
	a.end = lx->data + lx->len;
	b.p = ly->data;
	b.end = ly->data + ly->len;
	la = LrRunNext(&a);
	lb = LrRunNext(&b);
	while (la && lb)
	{
		if (a.key < b.key)
		{
			w = PutRecord(w, a.key, a.cnt[0], a.cnt[1]);
			la = LrRunNext(&a);
			ua++;
		}
		else if (b.key < a.key)
		{
			w = PutRecord(w, b.key, b.cnt[0], b.cnt[1]);
			lb = LrRunNext(&b);
			ub++;
		}
		else
		{
			w = PutRecord(w, a.key, a.cnt[0] + b.cnt[0], a.cnt[1] + b.cnt[1]);
			la = LrRunNext(&a);
			lb = LrRunNext(&b);
			ua++;
			ub++;
		}
		nruns++;
	}
	/* The rest of one level is copied as it is: its current record, then the bytes after it. */
	if (la)
	{
		w = PutRecord(w, a.key, a.cnt[0], a.cnt[1]);
		memcpy(w, a.p, (size_t) (a.end - a.p));
		w += a.end - a.p;
		nruns += lx->nruns - ua + 1;
	}
	if (lb)
	{
		w = PutRecord(w, b.key, b.cnt[0], b.cnt[1]);
		memcpy(w, b.p, (size_t) (b.end - b.p));
		w += b.end - b.p;
		nruns += ly->nruns - ub + 1;
	}
	lr_free(&st->a, lx->data);
	lr_free(&st->a, ly->data);
	st->nruns_est -= lx->nruns + ly->nruns;
	lx->data = out;
	lx->len = (size_t) (w - out);
	lx->nruns = nruns;
	st->nruns_est += nruns;
	st->levels[y] = st->levels[--st->nlevels];
	return true;
}

/* Merges the two smallest levels: merging smallest first, a record is merged few times. */
static bool
MergeSmallest(LrDistState *st, LrError *err)
{
	int			x = -1,
				y = -1;

	for (int i = 0; i < st->nlevels; i++)
	{
		if (x < 0 || st->levels[i].len < st->levels[x].len)
		{
			y = x;
			x = i;
		}
		else if (y < 0 || st->levels[i].len < st->levels[y].len)
			y = i;
	}
	return Merge2(st, x < y ? x : y, x < y ? y : x, err);
}

/* Merges every level into one. */
static bool
MergeLevels(LrDistState *st, LrError *err)
{
	while (st->nlevels > 1)
		if (!MergeSmallest(st, err))
			return false;
	return true;
}

/*
 * Sorts the pending rows and encodes them as a new level (with a key seen n
 * times, c0 + c1 = n and its record takes at most 10 n bytes).
 */
static bool
FlushPending(LrDistState *st, LrError *err)
{
	size_t		n0 = st->npend[0];
	size_t		n1 = st->npend[1];
	uint64_t   *aux;
	const uint64_t *a;
	const uint64_t *b;
	size_t		i = 0,
				j = 0,
				nruns = 0,
				cap,
				len;
	uint8_t    *out;
	uint8_t    *w;

	if (n0 + n1 == 0)
		return true;
	aux = st->pend + st->pendcap;
	a = lr_sort_u64(st->pend, aux, n0);
	b = lr_sort_u64(st->pend + st->pendcap - n1, aux + n0, n1);
	cap = REC_MIN_BYTES * (n0 + n1);
	out = lr_alloc_n(&st->a, cap, 1);
	if (out == NULL)
		return lr_error_nomem(err, NULL);
	w = out;
	while (i < n0 || j < n1)
	{
		uint64_t	key = (j == n1 || (i < n0 && a[i] <= b[j])) ? a[i] : b[j];
		size_t		i0 = i,
					j0 = j;

		while (i < n0 && a[i] == key)
			i++;
		while (j < n1 && b[j] == key)
			j++;
		w = PutRecord(w, key, i - i0, j - j0);
		nruns++;
	}
	st->npend[0] = st->npend[1] = 0;
	len = (size_t) (w - out);
	out = Trim(&st->a, out, len, cap);
	if (!PushLevel(st, out, len, nruns, err))
		return false;
	return st->nlevels <= LR_MAX_LEVELS || MergeSmallest(st, err);
}

/* Called when the buffer is full: empties it, then sizes it for what comes next. */
bool
lr_dist_flush(LrDistState *st, LrError *err)
{
	size_t		want;

	if (!FlushPending(st, err))
		return false;
	want = st->pendcap < LR_PEND_MIN ? LR_PEND_MIN : st->pendcap;
	if (st->pendcap > 0 && want < LR_PEND_FAST)
		want *= 2;
	while (want < st->nruns_est && want < LR_PEND_MAX)
		want *= 2;
	if (want != st->pendcap)
	{
		uint64_t   *p = lr_alloc_n(&st->a, 2 * want, sizeof(uint64_t));

		if (p == NULL)
			return lr_error_nomem(err, NULL);
		lr_free(&st->a, st->pend);
		st->pend = p;
		st->pendcap = want;
	}
	return true;
}

bool
lr_dist_settle(const LrDistState *cst, LrError *err)
{
	/* Representation only: the state's value is the same before and after. */
	LrDistState *st = (LrDistState *) cst;

	if (!FlushPending(st, err))
		return false;
	while (st->nlevels > LR_DIST_ITER_LEVELS)
		if (!MergeSmallest(st, err))
			return false;
	return true;
}

bool
lr_dist_compact(const LrDistState *cst, LrError *err)
{
	/* Representation only: the state's value is the same before and after. */
	LrDistState *st = (LrDistState *) cst;

	return FlushPending(st, err) && MergeLevels(st, err);
}

size_t
lr_dist_nruns(const LrDistState *st)
{
	return st->nlevels == 0 ? 0 : st->levels[0].nruns;
}

bool
lr_dist_set_buckets(LrDistState *st, int32_t nbuckets, LrError *err)
{
	if (st->nbuckets == nbuckets)
		return true;
	if (st->nbuckets != 0 && nbuckets != 0)
	{
		lr_error_set(err, LR_ERR_INVALID, "number of buckets changed from %d to %d",
					 (int) st->nbuckets, (int) nbuckets);
		lr_error_detail(err, "Every row of a group, and every state merged, must use the same number of buckets.");
		return false;
	}
	if (nbuckets != 0)
		st->nbuckets = nbuckets;
	return true;
}

/* ---------------------------------------------------------------- state ops */

static void *
DistCreate(const LrAlloc *a, LrError *err)
{
	LrDistState *st = lr_alloc0(a, sizeof(LrDistState), err, NULL);

	if (st == NULL)
		return NULL;
	st->a = *a;
	return st;
}

static void
DistFree(LrDistState *st)
{
	const LrAlloc a = st->a;

	for (int i = 0; i < st->nlevels; i++)
		lr_free(&a, st->levels[i].data);
	lr_free(&a, st->levels);
	lr_free(&a, st->pend);
	lr_free(&a, st);
}

/*
 * Keys of numbers lie from -Infinity's to +Infinity's, less -0's; above them
 * only the one NaN, below them only negative NaNs (never produced).
 */
#define LR_KEY_NEG_INF	UINT64_C(0x000fffffffffffff)
#define LR_KEY_POS_INF	UINT64_C(0xfff0000000000000)
#define LR_KEY_NEG_ZERO	UINT64_C(0x7fffffffffffffff)

static inline bool
KeyIsCanonical(uint64_t key)
{
	return (key >= LR_KEY_NEG_INF && key <= LR_KEY_POS_INF && key != LR_KEY_NEG_ZERO) ||
		key == LR_KEY_NAN;
}

/*
 * Validates a payload (after the common header): the bucket count, the run
 * count and every run, checking that keys ascend and are canonical and that
 * counts are not both zero and keep the class totals within int64 on top of
 * base[].  Returns the runs' bytes, their length and count, and their totals.
 */
static bool
ValidatePayload(LrReader *r, const int64_t base[2], int32_t *nbuckets,
				const uint8_t **runs, size_t *len, size_t *nruns, int64_t tot[2])
{
	uint32_t	nb;
	size_t		n;
	uint64_t	prev = 0;

	if (!lr_read_u32(r, &nb))
		return false;
	if (nb > LR_MAX_BUCKETS)
		return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: %u buckets (at most %d)", r->what,
							(unsigned) nb, LR_MAX_BUCKETS);
	*nbuckets = (int32_t) nb;
	if (!lr_read_count(r, REC_MIN_BYTES, &n))
		return false;
	*runs = r->p;
	tot[0] = tot[1] = 0;
	for (size_t i = 0; i < n; i++)
	{
		uint64_t	k;
		uint64_t	n0;
		uint64_t	n1;

		if (lr_reader_left(r) < 8)
			return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: truncated value", r->what);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		memcpy(&k, r->p, 8);
#else
		k = (uint64_t) r->p[0] | (uint64_t) r->p[1] << 8 | (uint64_t) r->p[2] << 16 |
			(uint64_t) r->p[3] << 24 | (uint64_t) r->p[4] << 32 | (uint64_t) r->p[5] << 40 |
			(uint64_t) r->p[6] << 48 | (uint64_t) r->p[7] << 56;
#endif
		r->p += 8;
		/* Counts below 128 (nearly all of them) are one byte each. */
		if (lr_reader_left(r) >= 2 && r->p[0] < 0x80 && r->p[1] < 0x80)
		{
			n0 = r->p[0];
			n1 = r->p[1];
			r->p += 2;
		}
		else if (!lr_read_varint(r, &n0) || !lr_read_varint(r, &n1))
			return false;
		if (unlikely_(i > 0 && k <= prev))
			return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: values are not in ascending order", r->what);
		if (unlikely_(!KeyIsCanonical(k)))
			return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: non-canonical value", r->what);
		prev = k;
		/* The rows of both classes together fit in int64, with or without base. */
		{
			uint64_t	own = (uint64_t) tot[0] + (uint64_t) tot[1];
			uint64_t	all = own + (uint64_t) base[0] + (uint64_t) base[1];

			if (unlikely_((n0 == 0 && n1 == 0) ||
						  n0 > (uint64_t) INT64_MAX - own || n1 > (uint64_t) INT64_MAX - own - n0))
				return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: invalid counts", r->what);
			if (unlikely_(n0 > (uint64_t) INT64_MAX - all || n1 > (uint64_t) INT64_MAX - all - n0))
				return lr_error_set(r->err, LR_ERR_LIMIT, "row count of %s out of range", r->what);
		}
		tot[0] += (int64_t) n0;
		tot[1] += (int64_t) n1;
	}
	*len = (size_t) (r->p - *runs);
	*nruns = n;
	return true;
}

/* Adds validated runs to st as a level of their own (a copy). */
static bool
AddRuns(LrDistState *st, const uint8_t *runs, size_t len, size_t nruns, const int64_t tot[2],
		LrError *err)
{
	uint8_t    *copy;

	if (nruns == 0)
		return true;
	copy = lr_alloc_n(&st->a, len, 1);
	if (copy == NULL)
		return lr_error_nomem(err, NULL);
	memcpy(copy, runs, len);
	if (!PushLevel(st, copy, len, nruns, err))
		return false;
	st->total[0] += tot[0];
	st->total[1] += tot[1];
	return st->nlevels <= LR_MAX_LEVELS || MergeSmallest(st, err);
}

static void *
DistDecode(const LrAlloc *a, LrReader *r, LrError *err)
{
	static const int64_t zero[2] = {0, 0};
	LrDistState *st = DistCreate(a, err);
	const uint8_t *runs;
	size_t		len;
	size_t		nruns;
	int64_t		tot[2];

	if (st == NULL)
		return NULL;
	if (!ValidatePayload(r, zero, &st->nbuckets, &runs, &len, &nruns, tot) ||
		!AddRuns(st, runs, len, nruns, tot, err))
	{
		DistFree(st);
		return NULL;
	}
	return st;
}

bool
lr_dist_merge_flat(LrDistState *dst, const uint8_t *data, size_t len, LrError *err)
{
	LrReader	r;
	uint32_t	magic;
	uint16_t	version;
	uint16_t	flags;
	int32_t		nbuckets;
	const uint8_t *runs;
	size_t		runs_len;
	size_t		nruns;
	int64_t		tot[2];

	/* The same checks, in the same words, as lr_state_decode_bytes. */
	lr_reader_init(&r, data, len, err, lr_dist_ops.name);
	if (!lr_read_u32(&r, &magic) || !lr_read_u16(&r, &version) || !lr_read_u16(&r, &flags))
		return false;
	if (magic != lr_dist_ops.magic)
		return lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: the value is not a state of this type", r.what);
	if (version != lr_dist_ops.version)
	{
		lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: unsupported state version %u", r.what, (unsigned) version);
		lr_error_detail(err, "This version of loan_risk reads version %u.", (unsigned) lr_dist_ops.version);
		return false;
	}
	if (flags != 0)
		return lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: unknown flags %04x", r.what, (unsigned) flags);
	if (!ValidatePayload(&r, dst->total, &nbuckets, &runs, &runs_len, &nruns, tot) ||
		!lr_reader_end(&r))
		return false;
	return lr_dist_set_buckets(dst, nbuckets, err) &&
		AddRuns(dst, runs, runs_len, nruns, tot, err);
}

static bool
DistEncode(const void *p, LrBuf *out)
{
	const LrDistState *st = p;
	LrError		err = {0};

	/* Encoding is canonical: pending rows are sorted in and levels merged first. */
	if (!lr_dist_compact(st, &err))
	{
		out->failed = true;
		return false;
	}
	lr_buf_put_u32(out, (uint32_t) st->nbuckets);
	lr_buf_put_u64(out, (uint64_t) lr_dist_nruns(st));
	if (st->nlevels == 1)
		lr_buf_append(out, st->levels[0].data, st->levels[0].len);
	return !out->failed;
}

static bool
DistMerge(void *dstp, const void *srcp, const LrAlloc *a, LrError *err)
{
	LrDistState *dst = dstp;
	const LrDistState *src = srcp;
	size_t		n0 = src->npend[0];
	size_t		n1 = src->npend[1];

	if (!lr_dist_set_buckets(dst, src->nbuckets, err))
		return false;
	if (src->total[0] + src->total[1] > INT64_MAX - (dst->total[0] + dst->total[1]))
		return lr_error_set(err, LR_ERR_LIMIT, "row count of %s out of range", "loan_risk.score_dist_state");
	/* The source's levels are copied in; its pending rows are added as rows. */
	for (int i = 0; i < src->nlevels; i++)
	{
		uint8_t    *copy = lr_alloc_n(&dst->a, src->levels[i].len, 1);

		if (copy == NULL)
			return lr_error_nomem(err, NULL);
		memcpy(copy, src->levels[i].data, src->levels[i].len);
		if (!PushLevel(dst, copy, src->levels[i].len, src->levels[i].nruns, err))
			return false;
		if (dst->nlevels > LR_MAX_LEVELS && !MergeSmallest(dst, err))
			return false;
	}
	{
		int64_t		pending[2] = {(int64_t) n0, (int64_t) n1};

		dst->total[0] += src->total[0] - pending[0];
		dst->total[1] += src->total[1] - pending[1];
	}
	for (size_t i = 0; i < n0; i++)
		if (!lr_dist_add_key(dst, src->pend[i], 0, err))
			return false;
	for (size_t i = 0; i < n1; i++)
		if (!lr_dist_add_key(dst, src->pend[src->pendcap - 1 - i], 1, err))
			return false;
	return true;
}

const LrStateOps lr_dist_ops = {
	"loan_risk.score_dist_state", LR_DIST_MAGIC, 1,
	DistCreate, DistDecode, DistEncode, DistMerge
};
