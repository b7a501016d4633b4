/*
 * bucket_state.c
 *	  The text bucket state (LrBucketState): per distinct bucket label, the
 *	  counts of two classes, in a hash table.  Encode (in byte order of the
 *	  labels, so the text form is canonical), decode (validated), merge.
 *	  Pure C.
 *
 * Flat payload (after the common header of lr_state_ops.h):
 *
 *   uint64  nbuckets
 *   nbuckets x { varint label length, label bytes, varint class 0 count,
 *                varint class 1 count }
 *
 * Labels strictly ascend in byte order (shorter first on a common prefix),
 * contain no NUL byte, and have counts not both zero that sum to at most
 * INT64_MAX per class.
 */
#include <stdlib.h>
#include <string.h>

#include "stats/dist.h"

#define LR_BUCKET_MAGIC 0x4c525431	/* "LRT1" */

/* The label table is hand-written, not lib/simplehash.h: the state is pure C (fuzzed). */
static bool
Grow(LrBucketState *st, LrError *err)
{
	size_t		cap = st->cap == 0 ? 16 : st->cap * 2;
	size_t		bytes;
	LrBucketEntry *slots;

	if (!lr_size_mul(cap, sizeof(LrBucketEntry), &bytes))
		return lr_error_nomem(err, NULL);
	slots = st->a.alloc(st->a.ctx, bytes);
	if (slots == NULL)
		return lr_error_nomem(err, NULL);
	memset(slots, 0, bytes);
	for (size_t i = 0; i < st->cap; i++)
	{
		LrBucketEntry *e = &st->slots[i];
		size_t		j;

		if (e->key == NULL)
			continue;
		for (j = e->hash & (cap - 1); slots[j].key != NULL; j = (j + 1) & (cap - 1))
			;
		slots[j] = *e;
	}
	if (st->slots != NULL && st->a.free != NULL)
		st->a.free(st->a.ctx, st->slots);
	st->slots = slots;
	st->cap = cap;
	return true;
}

bool
lr_bucket_add(LrBucketState *st, const uint8_t *key, size_t len, int cls, int64_t count,
			  LrError *err)
{
	uint64_t	h;
	size_t		j;

	if (count > INT64_MAX - st->total[cls])
		return lr_error_set(err, LR_ERR_LIMIT, "row count of %s out of range", "loan_risk.bucket_dist_state");
	if (len > UINT32_MAX)
		return lr_error_set(err, LR_ERR_LIMIT, "bucket label of %zu bytes is too long", len);
	/* Keep the load at most 1/2: probes stay short. */
	if ((st->n + 1) * 2 > st->cap && !Grow(st, err))
		return false;
	h = lr_hash_bytes64(0, key, len);
	for (j = h & (st->cap - 1); st->slots[j].key != NULL; j = (j + 1) & (st->cap - 1))
	{
		LrBucketEntry *e = &st->slots[j];

		if (e->hash == h && e->len == len && memcmp(e->key, key, len) == 0)
		{
			e->cnt[cls] += count;
			st->total[cls] += count;
			return true;
		}
	}
	{
		LrBucketEntry *e = &st->slots[j];
		uint8_t    *copy = lr_arena_alloc(&st->arena, len);

		if (copy == NULL)
			return lr_error_nomem(err, NULL);
		memcpy(copy, key, len);
		e->key = copy;
		e->len = (uint32_t) len;
		e->hash = h;
		e->cnt[0] = e->cnt[1] = 0;
		e->cnt[cls] = count;
		st->n++;
		st->total[cls] += count;
	}
	return true;
}

static int
CompareKeys(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int			c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

static int
CompareEntries(const void *x, const void *y)
{
	const LrBucketEntry *a = *(const LrBucketEntry *const *) x;
	const LrBucketEntry *b = *(const LrBucketEntry *const *) y;

	return CompareKeys(a->key, a->len, b->key, b->len);
}

const LrBucketEntry **
lr_bucket_sorted(const LrBucketState *st, const LrAlloc *a, LrError *err)
{
	size_t		bytes;
	const LrBucketEntry **v;
	size_t		n = 0;

	if (!lr_size_mul(st->n + 1, sizeof(*v), &bytes) || (v = a->alloc(a->ctx, bytes)) == NULL)
	{
		lr_error_nomem(err, NULL);
		return NULL;
	}
	for (size_t i = 0; i < st->cap; i++)
		if (st->slots[i].key != NULL)
			v[n++] = &st->slots[i];
	qsort(v, n, sizeof(*v), CompareEntries);
	return v;
}

static void *
BucketCreate(const LrAlloc *a, LrError *err)
{
	LrBucketState *st = lr_alloc0(a, sizeof(LrBucketState), err, NULL);

	if (st == NULL)
		return NULL;
	st->a = *a;
	/* The arena keeps a pointer to the allocator: the one inside the state, which never moves. */
	lr_arena_init(&st->arena, &st->a, 0);
	return st;
}

static void
BucketFree(LrBucketState *st)
{
	const LrAlloc a = st->a;

	lr_arena_release(&st->arena);
	if (a.free != NULL)
	{
		if (st->slots != NULL)
			a.free(a.ctx, st->slots);
		a.free(a.ctx, st);
	}
}

static void *
BucketDecode(const LrAlloc *a, LrReader *r, LrError *err)
{
	LrBucketState *st = BucketCreate(a, err);
	size_t		n;
	const uint8_t *prev = NULL;
	size_t		prevlen = 0;

	if (st == NULL)
		return NULL;
	/* Each bucket takes at least three bytes. */
	if (!lr_read_count(r, 3, &n))
		goto fail;
	for (size_t i = 0; i < n; i++)
	{
		uint64_t	len;
		const uint8_t *key;
		uint64_t	c0;
		uint64_t	c1;

		if (!lr_read_varint(r, &len))
			goto fail;
		if (len > lr_reader_left(r))
		{
			lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: truncated value", r->what);
			goto fail;
		}
		if (!lr_read_bytes(r, (size_t) len, &key) ||
			!lr_read_varint(r, &c0) || !lr_read_varint(r, &c1))
			goto fail;
		if (memchr(key, 0, (size_t) len) != NULL)
		{
			lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: bucket label contains a zero byte", r->what);
			goto fail;
		}
		if (i > 0 && CompareKeys(prev, prevlen, key, (size_t) len) >= 0)
		{
			lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: buckets are not in ascending order", r->what);
			goto fail;
		}
		if ((c0 == 0 && c1 == 0) ||
			c0 > (uint64_t) (INT64_MAX - st->total[0]) || c1 > (uint64_t) (INT64_MAX - st->total[1]))
		{
			lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: invalid counts", r->what);
			goto fail;
		}
		if ((c0 > 0 && !lr_bucket_add(st, key, (size_t) len, 0, (int64_t) c0, err)) ||
			(c1 > 0 && !lr_bucket_add(st, key, (size_t) len, 1, (int64_t) c1, err)))
			goto fail;
		prev = key;
		prevlen = (size_t) len;
	}
	return st;

fail:
	BucketFree(st);
	return NULL;
}

static bool
BucketEncode(const void *p, LrBuf *out)
{
	const LrBucketState *st = p;
	LrError		err = {0};
	const LrBucketEntry **v = lr_bucket_sorted(st, out->a, &err);

	if (v == NULL)
	{
		out->failed = true;
		return false;
	}
	lr_buf_put_u64(out, (uint64_t) st->n);
	for (size_t i = 0; i < st->n && !out->failed; i++)
	{
		lr_buf_put_varint(out, v[i]->len);
		lr_buf_append(out, v[i]->key, v[i]->len);
		lr_buf_put_varint(out, (uint64_t) v[i]->cnt[0]);
		lr_buf_put_varint(out, (uint64_t) v[i]->cnt[1]);
	}
	if (out->a->free != NULL)
		out->a->free(out->a->ctx, v);
	return !out->failed;
}

static bool
BucketMerge(void *dstp, const void *srcp, const LrAlloc *a, LrError *err)
{
	LrBucketState *dst = dstp;
	const LrBucketState *src = srcp;

	if (src->total[0] > INT64_MAX - dst->total[0] || src->total[1] > INT64_MAX - dst->total[1])
		return lr_error_set(err, LR_ERR_LIMIT, "row count of %s out of range", "loan_risk.bucket_dist_state");
	for (size_t i = 0; i < src->cap; i++)
	{
		const LrBucketEntry *e = &src->slots[i];

		if (e->key == NULL)
			continue;
		if ((e->cnt[0] > 0 && !lr_bucket_add(dst, e->key, e->len, 0, e->cnt[0], err)) ||
			(e->cnt[1] > 0 && !lr_bucket_add(dst, e->key, e->len, 1, e->cnt[1], err)))
			return false;
	}
	return true;
}

const LrStateOps lr_bucket_ops = {
	"loan_risk.bucket_dist_state", LR_BUCKET_MAGIC, 1,
	BucketCreate, BucketDecode, BucketEncode, BucketMerge
};
