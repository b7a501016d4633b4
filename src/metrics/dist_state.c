/*
 * dist_state.c
 *	  The score distribution state (LrDistState): per distinct float8 value,
 *	  the counts of two classes.  Adding a row appends its key to a buffer;
 *	  a full buffer is radix-sorted and merged into the sorted runs.  Encode,
 *	  decode (validated) and merge.  Pure C.
 *
 * Flat payload (after the common header of lr_state_ops.h):
 *
 *   uint32  nbuckets   0, or the buckets of a table aggregate (<= LR_MAX_BUCKETS)
 *   uint64  nruns
 *   nruns x { varint key delta (the first: the key), varint class 0 count,
 *             varint class 1 count }
 *
 * Keys strictly ascend and are canonical (no -0, one NaN), counts are not
 * both zero and sum to at most INT64_MAX per class: one state, one text.
 */
#include <math.h>
#include <string.h>

#include "metrics/metrics.h"
#include "metrics/varint.h"

#define LR_DIST_MAGIC 0x4c524431	/* "LRD1" */

/*
 * Pending buffer: starts small (a state per group of a GROUP BY), doubles
 * to FAST, then follows the runs up to MAX, so that each merge of the
 * buffer into the runs costs a constant per row.  It is allocated twice as
 * large: the second half is the radix sort's scratch.
 */
#define LR_PEND_MIN  256
#define LR_PEND_FAST 65536
#define LR_PEND_MAX  ((size_t) 1 << 22)

static bool
NoMem(LrError *err)
{
	return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
}

static void *
Alloc(const LrAlloc *a, size_t n, size_t size)
{
	size_t		bytes;

	if (!lr_size_mul(n, size, &bytes))
		return NULL;
	return a->alloc(a->ctx, bytes == 0 ? 1 : bytes);
}

static void
Free(const LrAlloc *a, void *p)
{
	if (p != NULL && a->free != NULL)
		a->free(a->ctx, p);
}

/* ---------------------------------------------------------------- radix sort */

static void
InsertionSort(uint64_t *a, size_t n)
{
	for (size_t i = 1; i < n; i++)
	{
		uint64_t	v = a[i];
		size_t		j = i;

		while (j > 0 && a[j - 1] > v)
		{
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

/*
 * LSD radix sort by bytes, skipping the bytes every key shares (the high
 * bytes of scores in a narrow range, the low bytes of integer points).
 * Returns the array holding the result: a or aux.
 */
static uint64_t *
RadixSort(uint64_t *a, uint64_t *aux, size_t n)
{
	size_t		counts[8][256];
	uint64_t   *src = a;
	uint64_t   *dst = aux;

	if (n < 48)
	{
		InsertionSort(a, n);
		return a;
	}
	memset(counts, 0, sizeof(counts));
	for (size_t i = 0; i < n; i++)
	{
		uint64_t	k = a[i];

		counts[0][k & 255]++;
		counts[1][(k >> 8) & 255]++;
		counts[2][(k >> 16) & 255]++;
		counts[3][(k >> 24) & 255]++;
		counts[4][(k >> 32) & 255]++;
		counts[5][(k >> 40) & 255]++;
		counts[6][(k >> 48) & 255]++;
		counts[7][k >> 56]++;
	}
	for (int b = 0; b < 8; b++)
	{
		int			shift = 8 * b;
		size_t	   *c = counts[b];
		size_t		sum = 0;

		if (c[(src[0] >> shift) & 255] == n)
			continue;
		for (int v = 0; v < 256; v++)
		{
			size_t		t = c[v];

			c[v] = sum;
			sum += t;
		}
		for (size_t i = 0; i < n; i++)
		{
			uint64_t	k = src[i];

			dst[c[(k >> shift) & 255]++] = k;
		}
		{
			uint64_t   *t = src;

			src = dst;
			dst = t;
		}
	}
	return src;
}

static size_t
CountDistinct(const uint64_t *a, size_t n)
{
	size_t		d = n > 0;

	for (size_t i = 1; i < n; i++)
		d += (a[i] != a[i - 1]);
	return d;
}

/* ---------------------------------------------------------------- runs */

/* Three arrays of cap runs, or false (nothing allocated) when memory runs out. */
static bool
AllocRuns(const LrAlloc *a, size_t cap, uint64_t **keys, int64_t **c0, int64_t **c1)
{
	*keys = Alloc(a, cap, sizeof(uint64_t));
	*c0 = Alloc(a, cap, sizeof(int64_t));
	*c1 = Alloc(a, cap, sizeof(int64_t));
	if (*keys == NULL || *c0 == NULL || *c1 == NULL)
	{
		Free(a, *keys);
		Free(a, *c0);
		Free(a, *c1);
		return false;
	}
	return true;
}

/*
 * What a merge reads: the sorted keys a[0..na) (class 0 rows) and
 * b[0..nb) (class 1 rows), the runs of another state, and st's own runs.
 */
typedef struct MergeInput
{
	const uint64_t *a;
	size_t		na;
	const uint64_t *b;
	size_t		nb;
	const uint64_t *skeys;
	const int64_t *sc0;
	const int64_t *sc1;
	size_t		ns;
} MergeInput;

/* Forward merge of st's runs and in into fresh arrays; returns the number of runs written. */
static size_t
MergeForward(const LrDistState *st, const MergeInput *in, uint64_t *keys, int64_t *c0, int64_t *c1)
{
	size_t		r = 0,
				ia = 0,
				ib = 0,
				is = 0,
				w = 0;

	while (r < st->nruns || ia < in->na || ib < in->nb || is < in->ns)
	{
		uint64_t	k = UINT64_MAX;
		int64_t		n0 = 0;
		int64_t		n1 = 0;

		if (r < st->nruns && st->keys[r] < k)
			k = st->keys[r];
		if (ia < in->na && in->a[ia] < k)
			k = in->a[ia];
		if (ib < in->nb && in->b[ib] < k)
			k = in->b[ib];
		if (is < in->ns && in->skeys[is] < k)
			k = in->skeys[is];
		if (r < st->nruns && st->keys[r] == k)
		{
			n0 += st->cnt[0][r];
			n1 += st->cnt[1][r];
			r++;
		}
		if (is < in->ns && in->skeys[is] == k)
		{
			n0 += in->sc0[is];
			n1 += in->sc1[is];
			is++;
		}
		while (ia < in->na && in->a[ia] == k)
		{
			n0++;
			ia++;
		}
		while (ib < in->nb && in->b[ib] == k)
		{
			n1++;
			ib++;
		}
		keys[w] = k;
		c0[w] = n0;
		c1[w] = n1;
		w++;
	}
	return w;
}

/*
 * Backward merge into st's own arrays, which have room for every input
 * distinct value: writing from the back, the write position never passes
 * the unread runs.  The result is then moved to the front.
 */
static void
MergeBackward(LrDistState *st, const MergeInput *in, size_t bound)
{
	size_t		r = st->nruns;
	size_t		na = in->na,
				nb = in->nb,
				ns = in->ns;
	size_t		w = r + bound;
	uint64_t   *keys = st->keys;
	int64_t    *c0 = st->cnt[0];
	int64_t    *c1 = st->cnt[1];

	while (r > 0 || na > 0 || nb > 0 || ns > 0)
	{
		uint64_t	k = 0;
		int64_t		n0 = 0;
		int64_t		n1 = 0;

		if (r > 0 && keys[r - 1] > k)
			k = keys[r - 1];
		if (na > 0 && in->a[na - 1] > k)
			k = in->a[na - 1];
		if (nb > 0 && in->b[nb - 1] > k)
			k = in->b[nb - 1];
		if (ns > 0 && in->skeys[ns - 1] > k)
			k = in->skeys[ns - 1];
		if (r > 0 && keys[r - 1] == k)
		{
			r--;
			n0 += c0[r];
			n1 += c1[r];
		}
		if (ns > 0 && in->skeys[ns - 1] == k)
		{
			ns--;
			n0 += in->sc0[ns];
			n1 += in->sc1[ns];
		}
		while (na > 0 && in->a[na - 1] == k)
		{
			n0++;
			na--;
		}
		while (nb > 0 && in->b[nb - 1] == k)
		{
			n1++;
			nb--;
		}
		w--;
		keys[w] = k;
		c0[w] = n0;
		c1[w] = n1;
	}
	st->nruns = st->nruns + bound - w;
	if (w > 0)
	{
		memmove(keys, keys + w, st->nruns * sizeof(uint64_t));
		memmove(c0, c0 + w, st->nruns * sizeof(int64_t));
		memmove(c1, c1 + w, st->nruns * sizeof(int64_t));
	}
}

/*
 * Merges in into st's runs: in place when the arrays have room, else
 * straight into larger arrays (one pass, no copy of the old runs first).
 */
static bool
MergeInto(LrDistState *st, const MergeInput *in, LrError *err)
{
	size_t		bound = CountDistinct(in->a, in->na) + CountDistinct(in->b, in->nb) + in->ns;
	size_t		need;
	size_t		cap;
	uint64_t   *keys;
	int64_t    *c0;
	int64_t    *c1;

	if (bound == 0)
		return true;
	if (bound > SIZE_MAX / 4 - st->nruns)
		return NoMem(err);
	need = st->nruns + bound;
	if (need <= st->runcap)
	{
		MergeBackward(st, in, bound);
		return true;
	}
	cap = st->runcap < 16 ? 16 : st->runcap;
	while (cap < need)
		cap *= 2;
	if (!AllocRuns(&st->a, cap, &keys, &c0, &c1))
		return NoMem(err);
	st->nruns = MergeForward(st, in, keys, c0, c1);
	Free(&st->a, st->keys);
	Free(&st->a, st->cnt[0]);
	Free(&st->a, st->cnt[1]);
	st->keys = keys;
	st->cnt[0] = c0;
	st->cnt[1] = c1;
	st->runcap = cap;
	return true;
}

/* Sorts the pending rows and merges them into the runs; pend[pendcap..2 pendcap) is the sort's scratch. */
static bool
FlushPending(LrDistState *st, LrError *err)
{
	size_t		n0 = st->npend[0];
	size_t		n1 = st->npend[1];
	uint64_t   *aux = st->pend + st->pendcap;
	MergeInput	in = {0};

	if (n0 + n1 == 0)
		return true;
	in.a = RadixSort(st->pend, aux, n0);
	in.na = n0;
	in.b = RadixSort(st->pend + st->pendcap - n1, aux + n0, n1);
	in.nb = n1;
	if (!MergeInto(st, &in, err))
		return false;
	st->npend[0] = st->npend[1] = 0;
	return true;
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
	while (want < st->nruns && want < LR_PEND_MAX)
		want *= 2;
	if (want != st->pendcap)
	{
		uint64_t   *p = Alloc(&st->a, 2 * want, sizeof(uint64_t));

		if (p == NULL)
			return NoMem(err);
		Free(&st->a, st->pend);
		st->pend = p;
		st->pendcap = want;
	}
	return true;
}

bool
lr_dist_compact(const LrDistState *cst, LrError *err)
{
	/* Representation only: the state's value is the same before and after. */
	return FlushPending((LrDistState *) cst, err);
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
	LrDistState *st = a->alloc(a->ctx, sizeof(LrDistState));

	if (st == NULL)
	{
		NoMem(err);
		return NULL;
	}
	memset(st, 0, sizeof(*st));
	st->a = *a;
	return st;
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

static void *
DistDecode(const LrAlloc *a, LrReader *r, LrError *err)
{
	LrDistState *st = DistCreate(a, err);
	uint32_t	nbuckets;
	size_t		n;
	uint64_t	key = 0;

	if (st == NULL)
		return NULL;
	if (!lr_read_u32(r, &nbuckets))
		return NULL;
	if (nbuckets > LR_MAX_BUCKETS)
	{
		lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: %u buckets (at most %d)", r->what,
					 (unsigned) nbuckets, LR_MAX_BUCKETS);
		return NULL;
	}
	st->nbuckets = (int32_t) nbuckets;
	/* Each run takes at least three bytes. */
	if (!lr_read_count(r, 3, &n))
		return NULL;
	if (n > 0)
	{
		if (!AllocRuns(&st->a, n, &st->keys, &st->cnt[0], &st->cnt[1]))
		{
			NoMem(err);
			return NULL;
		}
		st->runcap = n;
	}
	for (size_t i = 0; i < n; i++)
	{
		uint64_t	delta;
		uint64_t	c0;
		uint64_t	c1;

		if (!lr_read_varint(r, &delta) || !lr_read_varint(r, &c0) || !lr_read_varint(r, &c1))
			return NULL;
		if (i > 0 && (delta == 0 || delta > UINT64_MAX - key))
		{
			lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: values are not in ascending order", r->what);
			return NULL;
		}
		key = (i == 0) ? delta : key + delta;
		if (!KeyIsCanonical(key))
		{
			lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: non-canonical value", r->what);
			return NULL;
		}
		if ((c0 == 0 && c1 == 0) ||
			c0 > (uint64_t) (INT64_MAX - st->total[0]) || c1 > (uint64_t) (INT64_MAX - st->total[1]))
		{
			lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: invalid counts", r->what);
			return NULL;
		}
		st->keys[i] = key;
		st->cnt[0][i] = (int64_t) c0;
		st->cnt[1][i] = (int64_t) c1;
		st->total[0] += (int64_t) c0;
		st->total[1] += (int64_t) c1;
		st->nruns = i + 1;
	}
	return st;
}

static bool
DistEncode(const void *p, LrBuf *out)
{
	const LrDistState *st = p;
	LrError		err = {0};
	uint64_t	prev = 0;

	/* Encoding is canonical: pending rows are sorted in first. */
	if (!lr_dist_compact(st, &err))
	{
		out->failed = true;
		return false;
	}
	lr_buf_put_u32(out, (uint32_t) st->nbuckets);
	lr_buf_put_u64(out, (uint64_t) st->nruns);
	for (size_t i = 0; i < st->nruns && !out->failed; i++)
	{
		lr_buf_put_varint(out, st->keys[i] - prev);
		lr_buf_put_varint(out, (uint64_t) st->cnt[0][i]);
		lr_buf_put_varint(out, (uint64_t) st->cnt[1][i]);
		prev = st->keys[i];
	}
	return !out->failed;
}

static bool
DistMerge(void *dstp, const void *srcp, const LrAlloc *a, LrError *err)
{
	LrDistState *dst = dstp;
	const LrDistState *src = srcp;
	size_t		n0 = src->npend[0];
	size_t		n1 = src->npend[1];
	uint64_t   *copy = NULL;
	MergeInput	in = {0};
	bool		ok;

	if (!lr_dist_set_buckets(dst, src->nbuckets, err))
		return false;
	if (src->total[0] > INT64_MAX - dst->total[0] || src->total[1] > INT64_MAX - dst->total[1])
		return lr_error_set(err, LR_ERR_LIMIT, "row count of %s out of range", "loan_risk.score_dist_state");
	in.skeys = src->keys;
	in.sc0 = src->cnt[0];
	in.sc1 = src->cnt[1];
	in.ns = src->nruns;
	/* The source's pending rows are sorted on the way (a copy: the source stays as it is). */
	if (n0 + n1 > 0)
	{
		copy = Alloc(&dst->a, 2 * (n0 + n1), sizeof(uint64_t));
		if (copy == NULL)
			return NoMem(err);
		memcpy(copy, src->pend, n0 * sizeof(uint64_t));
		memcpy(copy + n0, src->pend + src->pendcap - n1, n1 * sizeof(uint64_t));
		in.a = RadixSort(copy, copy + n0 + n1, n0);
		in.na = n0;
		in.b = RadixSort(copy + n0, copy + n0 + n1 + n0, n1);
		in.nb = n1;
	}
	ok = MergeInto(dst, &in, err);
	Free(&dst->a, copy);
	if (!ok)
		return false;
	dst->total[0] += src->total[0];
	dst->total[1] += src->total[1];
	return true;
}

const LrStateOps lr_dist_ops = {
	"loan_risk.score_dist_state", LR_DIST_MAGIC, 1,
	DistCreate, DistDecode, DistEncode, DistMerge
};
