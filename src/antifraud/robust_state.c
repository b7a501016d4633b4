/*
 * robust_state.c
 *	  The state of robust_stats: exact values up to a limit, then a
 *	  logarithmic-bucket sketch.  Encode, decode (validated), merge and the
 *	  final figures.  Pure C: see robust.h.
 *
 * Sketch buckets: a positive x goes to bucket k = ceil(log(x) / log(gamma)),
 * gamma = (1 + ALPHA) / (1 - ALPHA), the interval (gamma^(k-1), gamma^k];
 * its representative 2 gamma^k / (gamma + 1) is within ALPHA * x of every
 * value in it.  Negative values use the same buckets on their magnitude;
 * zeros and infinities are counted apart.  So that memory stays bounded, at
 * most LR_ROBUST_MAX_BUCKETS buckets are kept per sign: a bucket more than
 * that far below the largest collapses into the lowest kept one.  The
 * collapse depends only on the largest bucket, so it too is independent of
 * the order of the values (it affects magnitudes below max |x| * e^-209).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "antifraud/robust.h"

#define LR_ROBUST_MAGIC 0x4c525253	/* "LRRS" */
#define EMPTY_KEY INT32_MIN

static double
LnGamma(void)
{
	return log((1.0 + LR_ROBUST_ALPHA) / (1.0 - LR_ROBUST_ALPHA));
}

static void *
RobustCreate(const LrAlloc *a, LrError *err)
{
	LrRobustState *st = lr_alloc(a, sizeof(LrRobustState), err, "robust_stats");

	if (st == NULL)
		return NULL;
	memset(st, 0, sizeof(*st));
	st->exact_limit = -1;
	st->a = *a;
	return st;
}

/* ---------------------------------------------------------------- buckets */

static int32_t
BucketOf(double mag)
{
	double		k = ceil(log(mag) / LnGamma());

	/* log of a positive finite double is within +-745: k fits easily. */
	return (int32_t) k;
}

static double
BucketValue(int32_t k)
{
	/* 2 gamma^k / (gamma + 1) = gamma^k (1 - ALPHA) */
	double		v = exp((double) k * LnGamma() + log1p(-LR_ROBUST_ALPHA));

	return isfinite(v) ? v : 1.7976931348623157e308;
}

static size_t
Slot(int32_t key, size_t mask)
{
	uint32_t	h = (uint32_t) key * 2654435761u;

	return (size_t) (h ^ (h >> 15)) & mask;
}

static bool MapAdd(LrBucketMap *m, const LrAlloc *a, int32_t key, int64_t count, LrError *err);

static bool
MapGrow(LrBucketMap *m, const LrAlloc *a, LrError *err)
{
	LrBucketMap old = *m;
	size_t		cap = old.cap ? old.cap * 2 : 64,
				i;

	m->cap = cap;
	m->used = 0;
	if ((m->keys = lr_alloc(a, cap * sizeof(int32_t), err, "robust_stats")) == NULL ||
		(m->counts = lr_alloc(a, cap * sizeof(int64_t), err, "robust_stats")) == NULL)
		return false;
	for (i = 0; i < cap; i++)
		m->keys[i] = EMPTY_KEY;
	for (i = 0; i < old.cap; i++)
		if (old.keys[i] != EMPTY_KEY && !MapAdd(m, a, old.keys[i], old.counts[i], err))
			return false;
	lr_free(a, old.keys);
	lr_free(a, old.counts);
	return true;
}

/* Moves every bucket below floor into floor. */
static bool
MapCollapse(LrBucketMap *m, const LrAlloc *a, int32_t floor_key, LrError *err)
{
	int64_t		moved = 0;
	size_t		i;
	LrBucketMap keep = *m;

	if (m->used == 0 || m->min_key >= floor_key)
		return true;
	/* Rebuild without the low buckets, then add their total at floor. */
	memset(m, 0, sizeof(*m));
	for (i = 0; i < keep.cap; i++)
	{
		if (keep.keys[i] == EMPTY_KEY)
			continue;
		if (keep.keys[i] < floor_key)
			moved += keep.counts[i];
		else if (!MapAdd(m, a, keep.keys[i], keep.counts[i], err))
			return false;
	}
	lr_free(a, keep.keys);
	lr_free(a, keep.counts);
	return moved == 0 || MapAdd(m, a, floor_key, moved, err);
}

static bool
MapAdd(LrBucketMap *m, const LrAlloc *a, int32_t key, int64_t count, LrError *err)
{
	size_t		i;

	if (m->used > 0)
	{
		int32_t		floor_key = m->max_key - (LR_ROBUST_MAX_BUCKETS - 1);

		if (key < floor_key)
			key = floor_key;
		else if (key > m->max_key &&
				 (int64_t) key - (LR_ROBUST_MAX_BUCKETS - 1) > (int64_t) m->min_key)
		{
			m->max_key = key;
			if (!MapCollapse(m, a, key - (LR_ROBUST_MAX_BUCKETS - 1), err))
				return false;
		}
	}
	if ((m->used + 1) * 10 > m->cap * 7 && !MapGrow(m, a, err))
		return false;
	i = Slot(key, m->cap - 1);
	while (m->keys[i] != EMPTY_KEY && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	if (m->keys[i] == EMPTY_KEY)
	{
		m->keys[i] = key;
		m->counts[i] = 0;
		if (m->used == 0 || key < m->min_key)
			m->min_key = key;
		if (m->used == 0 || key > m->max_key)
			m->max_key = key;
		m->used++;
	}
	m->counts[i] += count;
	return true;
}

typedef struct BucketEntry
{
	int32_t		key;
	int64_t		count;
} BucketEntry;

static int
CmpBucket(const void *a, const void *b)
{
	int32_t		x = ((const BucketEntry *) a)->key;
	int32_t		y = ((const BucketEntry *) b)->key;

	return (x > y) - (x < y);
}

/* The map's buckets in ascending key order (allocated with a). */
static BucketEntry *
MapSorted(const LrBucketMap *m, const LrAlloc *a, LrError *err)
{
	BucketEntry *e = lr_alloc(a, m->used * sizeof(BucketEntry), err, "robust_stats");
	size_t		i,
				k = 0;

	if (e == NULL)
		return NULL;
	for (i = 0; i < m->cap; i++)
		if (m->keys[i] != EMPTY_KEY)
		{
			e[k].key = m->keys[i];
			e[k].count = m->counts[i];
			k++;
		}
	qsort(e, k, sizeof(BucketEntry), CmpBucket);
	return e;
}

static bool
SketchAdd(LrRobustState *st, double x, int64_t count, LrError *err)
{
	if (x == 0)
		st->zeros += count;
	else if (isinf(x))
	{
		if (x > 0)
			st->pinf += count;
		else
			st->ninf += count;
	}
	else if (x > 0)
		return MapAdd(&st->pos, &st->a, BucketOf(x), count, err);
	else
		return MapAdd(&st->neg, &st->a, BucketOf(-x), count, err);
	return true;
}

static bool
ToSketch(LrRobustState *st, LrError *err)
{
	size_t		i;

	if (st->sketch)
		return true;
	st->sketch = true;
	for (i = 0; i < st->nvals; i++)
		if (!SketchAdd(st, st->vals[i], 1, err))
			return false;
	lr_free(&st->a, st->vals);
	st->vals = NULL;
	st->nvals = st->capvals = 0;
	return true;
}

bool
lr_robust_set_limit(LrRobustState *st, int32_t limit, LrError *err)
{
	if (st->exact_limit == limit)
		return true;
	if (st->exact_limit >= 0)
		return lr_error_set(err, LR_ERR_INVALID,
							"robust_stats was given different exact limits (%d and %d) within one group",
							(int) st->exact_limit, (int) limit);
	st->exact_limit = limit;
	return true;
}

bool
lr_robust_add(LrRobustState *st, double x, LrError *err)
{
	st->n++;
	if (!st->sketch && st->n > st->exact_limit && !ToSketch(st, err))
		return false;
	if (st->sketch)
		return SketchAdd(st, x, 1, err);
	if (st->nvals == st->capvals)
	{
		size_t		cap = st->capvals ? st->capvals * 2 : 16;
		double	   *nv;

		if (cap > (size_t) st->exact_limit)
			cap = (size_t) st->exact_limit;
		if ((nv = lr_alloc(&st->a, cap * sizeof(double), err, "robust_stats")) == NULL)
			return false;
		if (st->nvals > 0)
			memcpy(nv, st->vals, st->nvals * sizeof(double));
		lr_free(&st->a, st->vals);
		st->vals = nv;
		st->capvals = cap;
	}
	st->vals[st->nvals++] = x == 0 ? 0.0 : x;
	return true;
}

/* ---------------------------------------------------------------- figures */

static int
CmpDouble(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/* percentile_cont(0.5) of sorted values, as PostgreSQL interpolates it. */
static double
MedianSorted(const double *v, size_t n)
{
	double		lo = v[(n - 1) / 2],
				hi = v[n / 2];

	if (lo == hi)
		return lo;
	return lo + 0.5 * (hi - lo);
}

static double
AbsDev(double x, double m)
{
	/* Equal infinities are at distance 0, not NaN. */
	return x == m ? 0.0 : fabs(x - m);
}

/* Values with multiplicities, ascending. */
typedef struct Weighted
{
	double		v;
	int64_t		count;
} Weighted;

static int
CmpWeighted(const void *a, const void *b)
{
	return CmpDouble(&((const Weighted *) a)->v, &((const Weighted *) b)->v);
}

static double
ValueAtRank(const Weighted *w, size_t nw, int64_t rank)
{
	size_t		i;
	int64_t		seen = 0;

	for (i = 0; i < nw; i++)
	{
		seen += w[i].count;
		if (rank < seen)
			return w[i].v;
	}
	return w[nw - 1].v;
}

static double
MedianWeighted(const Weighted *w, size_t nw, int64_t n)
{
	double		lo = ValueAtRank(w, nw, (n - 1) / 2),
				hi = ValueAtRank(w, nw, n / 2);

	if (lo == hi)
		return lo;
	return lo + 0.5 * (hi - lo);
}

/* Sum in a fixed (ascending) order with Neumaier compensation. */
static void
KSum(double *sum, double *comp, double x)
{
	double		t = *sum + x;

	if (fabs(*sum) >= fabs(x))
		*comp += (*sum - t) + x;
	else
		*comp += (x - t) + *sum;
	*sum = t;
}

static double
MeanOf(double sum, double comp, int64_t n)
{
	double		s = sum + comp;

	/* An infinite deviation makes the compensation NaN: the mean is infinite. */
	if (isnan(s) && isinf(sum))
		s = sum;
	return s / (double) n;
}

static bool
ExactResult(const LrRobustState *st, const LrAlloc *a, LrRobustResult *out, LrError *err)
{
	size_t		n = st->nvals,
				i;
	double	   *v = lr_alloc(a, n * sizeof(double), err, "robust_stats");
	double		sum = 0,
				comp = 0;

	if (v == NULL)
		return false;
	memcpy(v, st->vals, n * sizeof(double));
	qsort(v, n, sizeof(double), CmpDouble);
	out->median = MedianSorted(v, n);
	for (i = 0; i < n; i++)
		v[i] = AbsDev(v[i], out->median);
	qsort(v, n, sizeof(double), CmpDouble);
	out->mad = MedianSorted(v, n);
	for (i = 0; i < n; i++)
		KSum(&sum, &comp, v[i]);
	out->mean_abs_dev = MeanOf(sum, comp, (int64_t) n);
	out->exact = true;
	lr_free(a, v);
	return true;
}

static bool
SketchResult(const LrRobustState *st, const LrAlloc *a, LrRobustResult *out, LrError *err)
{
	size_t		nw = st->pos.used + st->neg.used + 3,
				k = 0,
				i;
	Weighted   *w = lr_alloc(a, nw * sizeof(Weighted), err, "robust_stats");
	BucketEntry *pos = MapSorted(&st->pos, a, err);
	BucketEntry *neg = MapSorted(&st->neg, a, err);
	double		sum = 0,
				comp = 0;

	if (w == NULL || pos == NULL || neg == NULL)
		return false;
	if (st->ninf > 0)
	{
		w[k].v = -INFINITY;
		w[k++].count = st->ninf;
	}
	for (i = st->neg.used; i-- > 0;)
	{
		w[k].v = -BucketValue(neg[i].key);
		w[k++].count = neg[i].count;
	}
	if (st->zeros > 0)
	{
		w[k].v = 0;
		w[k++].count = st->zeros;
	}
	for (i = 0; i < st->pos.used; i++)
	{
		w[k].v = BucketValue(pos[i].key);
		w[k++].count = pos[i].count;
	}
	if (st->pinf > 0)
	{
		w[k].v = INFINITY;
		w[k++].count = st->pinf;
	}
	nw = k;
	out->median = MedianWeighted(w, nw, st->n);
	for (i = 0; i < nw; i++)
		w[i].v = AbsDev(w[i].v, out->median);
	qsort(w, nw, sizeof(Weighted), CmpWeighted);
	out->mad = MedianWeighted(w, nw, st->n);
	for (i = 0; i < nw; i++)
		KSum(&sum, &comp, w[i].v * (double) w[i].count);
	out->mean_abs_dev = MeanOf(sum, comp, st->n);
	out->exact = false;
	lr_free(a, w);
	lr_free(a, pos);
	lr_free(a, neg);
	return true;
}

bool
lr_robust_result(const LrRobustState *st, const LrAlloc *a, LrRobustResult *out, LrError *err)
{
	out->n = st->n;
	if (st->sketch)
		return SketchResult(st, a, out, err);
	return ExactResult(st, a, out, err);
}

double
lr_robust_z(double x, double median, double mad, double mean_abs_dev)
{
	if (isnan(x) || isnan(median))
		return NAN;
	if (x == median)
		return 0.0;
	if (mad > 0)
		return LR_ROBUST_Z_MAD * (x - median) / mad;
	if (mean_abs_dev > 0)
		return (x - median) / (LR_ROBUST_Z_MEANAD * mean_abs_dev);
	if (isnan(mad))
		return NAN;
	return x > median ? INFINITY : -INFINITY;
}

/* ---------------------------------------------------------------- flat form */

/*
 *   i32 exact_limit (-1: not set), i64 n, u8 sketch
 *   exact:  u32 nvals, nvals f64 ascending (nvals = n <= exact_limit)
 *   sketch: i64 zeros, i64 pinf, i64 ninf,
 *           u32 npos, npos x (i32 key, i64 count) ascending, the same for negatives
 */
static bool
EncodeMap(const LrBucketMap *m, LrBuf *out)
{
	LrError		err = {0};
	BucketEntry *e;
	size_t		i;

	lr_buf_put_u32(out, (uint32_t) m->used);
	if (m->used == 0)
		return !out->failed;
	if ((e = MapSorted(m, out->a, &err)) == NULL)
	{
		out->failed = true;
		return false;
	}
	for (i = 0; i < m->used; i++)
	{
		lr_buf_put_u32(out, (uint32_t) e[i].key);
		lr_buf_put_i64(out, e[i].count);
	}
	lr_free(out->a, e);
	return !out->failed;
}

static bool
RobustEncode(const void *p, LrBuf *out)
{
	const LrRobustState *st = p;

	lr_buf_put_u32(out, (uint32_t) st->exact_limit);
	lr_buf_put_i64(out, st->n);
	lr_buf_put_u8(out, st->sketch ? 1 : 0);
	if (!st->sketch)
	{
		LrError		err = {0};
		double	   *v;
		size_t		i;

		lr_buf_put_u32(out, (uint32_t) st->nvals);
		if (st->nvals == 0)
			return !out->failed;
		if ((v = lr_alloc(out->a, st->nvals * sizeof(double), &err, "robust_stats")) == NULL)
		{
			out->failed = true;
			return false;
		}
		memcpy(v, st->vals, st->nvals * sizeof(double));
		qsort(v, st->nvals, sizeof(double), CmpDouble);
		for (i = 0; i < st->nvals; i++)
			lr_buf_put_f64(out, v[i]);
		lr_free(out->a, v);
		return !out->failed;
	}
	lr_buf_put_i64(out, st->zeros);
	lr_buf_put_i64(out, st->pinf);
	lr_buf_put_i64(out, st->ninf);
	EncodeMap(&st->pos, out);
	return EncodeMap(&st->neg, out);
}

static void *
Bad(LrReader *r, LrError *err, const char *what)
{
	lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: %s", r->what, what);
	return NULL;
}

/* Largest count a state may hold, so that sums of counts never overflow. */
#define COUNT_MAX ((int64_t) 1 << 62)

static bool
DecodeMap(LrReader *r, LrRobustState *st, LrBucketMap *m, int64_t *total, LrError *err)
{
	uint32_t	n,
				i;
	int32_t		prev = 0;
	int32_t		lo = 0;

	if (!lr_read_u32(r, &n))
		return false;
	if (n > LR_ROBUST_MAX_BUCKETS || (size_t) n > lr_reader_left(r) / 12)
		return Bad(r, err, "too many buckets") != NULL;
	for (i = 0; i < n; i++)
	{
		uint32_t	u;
		int32_t		key;
		int64_t		count;

		if (!lr_read_u32(r, &u) || !lr_read_i64(r, &count))
			return false;
		key = (int32_t) u;
		if (key == EMPTY_KEY || (i > 0 && key <= prev))
			return Bad(r, err, "buckets out of order") != NULL;
		if (key < -4000000 || key > 4000000)
			return Bad(r, err, "bucket out of range") != NULL;
		if (count < 1 || count > COUNT_MAX - *total)
			return Bad(r, err, "bad bucket count") != NULL;
		*total += count;
		prev = key;
		if (i == 0)
			lo = key;
		if (!MapAdd(m, &st->a, key, count, err))
			return false;
	}
	if (n > 0 && (int64_t) prev - lo > LR_ROBUST_MAX_BUCKETS - 1)
		return Bad(r, err, "buckets span more than the limit") != NULL;
	return true;
}

static void *
RobustDecode(const LrAlloc *a, LrReader *r, LrError *err)
{
	LrRobustState *st = RobustCreate(a, err);
	uint32_t	u;
	uint8_t		sketch;
	int64_t		total = 0;

	if (st == NULL || !lr_read_u32(r, &u) || !lr_read_i64(r, &st->n) || !lr_read_u8(r, &sketch))
		return NULL;
	st->exact_limit = (int32_t) u;
	if (st->exact_limit < -1 || st->exact_limit > LR_ROBUST_MAX_EXACT)
		return Bad(r, err, "exact limit out of range");
	if (st->n < 0 || st->n > COUNT_MAX)
		return Bad(r, err, "count out of range");
	if (sketch > 1)
		return Bad(r, err, "bad mode");
	if (st->exact_limit < 0 && st->n > 0)
		return Bad(r, err, "values without an exact limit");
	if (sketch == 0)
	{
		uint32_t	i;

		if (!lr_read_u32(r, &u))
			return NULL;
		if ((int64_t) u != st->n || st->n > st->exact_limit)
			return Bad(r, err, "inconsistent count of exact values");
		if ((size_t) u > lr_reader_left(r) / 8)
			return Bad(r, err, "truncated values");
		if (u > 0 && (st->vals = lr_alloc(a, u * sizeof(double), err, "robust_stats")) == NULL)
			return NULL;
		st->capvals = u;
		for (i = 0; i < u; i++)
		{
			double		x;

			if (!lr_read_f64(r, &x))
				return NULL;
			if (isnan(x) || (x == 0 && signbit(x)) || (i > 0 && x < st->vals[i - 1]))
				return Bad(r, err, "exact values out of order or not numbers");
			st->vals[i] = x;
		}
		st->nvals = u;
		return st;
	}
	st->sketch = true;
	if (st->n <= st->exact_limit)
		return Bad(r, err, "a sketch of no more values than the exact limit");
	if (!lr_read_i64(r, &st->zeros) || !lr_read_i64(r, &st->pinf) || !lr_read_i64(r, &st->ninf))
		return NULL;
	if (st->zeros < 0 || st->pinf < 0 || st->ninf < 0 ||
		st->zeros > COUNT_MAX || st->pinf > COUNT_MAX || st->ninf > COUNT_MAX)
		return Bad(r, err, "bad special counts");
	if (st->pinf > COUNT_MAX - st->zeros || st->ninf > COUNT_MAX - st->zeros - st->pinf)
		return Bad(r, err, "bad special counts");
	total = st->zeros + st->pinf + st->ninf;
	if (!DecodeMap(r, st, &st->pos, &total, err) || !DecodeMap(r, st, &st->neg, &total, err))
		return NULL;
	if (total != st->n)
		return Bad(r, err, "bucket counts do not add up to the count");
	return st;
}

static bool
MergeMap(LrBucketMap *dst, const LrBucketMap *src, const LrAlloc *a, LrError *err)
{
	size_t		i;

	for (i = 0; i < src->cap; i++)
		if (src->keys[i] != EMPTY_KEY && !MapAdd(dst, a, src->keys[i], src->counts[i], err))
			return false;
	return true;
}

static bool
RobustMerge(void *dst, const void *src, const LrAlloc *a, LrError *err)
{
	LrRobustState *d = dst;
	const LrRobustState *s = src;
	size_t		i;

	if (s->exact_limit < 0)
		return true;
	if (!lr_robust_set_limit(d, s->exact_limit, err))
		return false;
	if (s->n > COUNT_MAX - d->n)
		return lr_error_set(err, LR_ERR_LIMIT, "robust_stats: too many values");
	if (!s->sketch && !d->sketch && d->n + s->n <= d->exact_limit)
	{
		for (i = 0; i < s->nvals; i++)
			if (!lr_robust_add(d, s->vals[i], err))
				return false;
		return true;
	}
	/* Past the limit: both become sketches (exactly as if added one by one). */
	d->n += s->n;
	if (!ToSketch(d, err))
		return false;
	if (!s->sketch)
	{
		for (i = 0; i < s->nvals; i++)
			if (!SketchAdd(d, s->vals[i], 1, err))
				return false;
		return true;
	}
	d->zeros += s->zeros;
	d->pinf += s->pinf;
	d->ninf += s->ninf;
	return MergeMap(&d->pos, &s->pos, &d->a, err) && MergeMap(&d->neg, &s->neg, &d->a, err);
}

const LrStateOps lr_robust_ops = {
	"loan_risk.robust_stats_state", LR_ROBUST_MAGIC, 1,
	RobustCreate, RobustDecode, RobustEncode, RobustMerge
};
