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
 * zeros and infinities are counted apart.  Every bucket is kept: the keys
 * of finite doubles lie in [-3722200, 3548914] (5e-324 to 1.8e308), so a
 * map holds at most about 7.3 million buckets (12 bytes each) whatever the
 * values.  (Collapsing the lowest buckets into one, as DDSketch does to
 * bound memory, put a median of values spanning more than 91 orders of
 * magnitude hundreds of orders of magnitude off.)
 *
 * The figures are computed so that nothing overflows on the way: the median
 * of -1e308 and 1e308 is 0, not lo + (hi - lo) / 2 = Infinity; deviations
 * beyond the float8 range are taken at half scale; sums are taken at a
 * power-of-two scale (exact).  A MAD or mean absolute deviation of finite
 * values that is itself beyond the float8 range comes out infinite, with
 * has_inf false: the SQL function makes that an error.
 */
#include <float.h>
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

	/* log of a positive finite double is within +-745: k fits easily */
	if (k < LR_ROBUST_KEY_MIN)
		k = LR_ROBUST_KEY_MIN;
	if (k > LR_ROBUST_KEY_MAX)
		k = LR_ROBUST_KEY_MAX;
	return (int32_t) k;
}

static double
BucketValue(int32_t k)
{
	/* 2 gamma^k / (gamma + 1) = gamma^k (1 - ALPHA) */
	double		v = exp((double) k * LnGamma() + log1p(-LR_ROBUST_ALPHA));

	return isfinite(v) ? v : 1.7976931348623157e308;
}

/* Hand-written, not lib/simplehash.h: the state is pure C (fuzzed). */
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

static bool
MapAdd(LrBucketMap *m, const LrAlloc *a, int32_t key, int64_t count, LrError *err)
{
	size_t		i;

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

/*
 * Halfway from lo to hi as percentile_cont(0.5) interpolates it, lo + (hi -
 * lo) / 2, except where hi - lo overflows (lo = -1e308, hi = 1e308).
 */
static double
Mid(double lo, double hi)
{
	double		d;

	if (lo == hi)
		return lo;
	d = hi - lo;
	if (isinf(d) && isfinite(lo) && isfinite(hi))
		return 0.5 * lo + 0.5 * hi;
	return lo + 0.5 * d;
}

/* percentile_cont(0.5) of sorted values. */
static double
MedianSorted(const double *v, size_t n)
{
	return Mid(v[(n - 1) / 2], v[n / 2]);
}

/*
 * |x - m| * s, s = 1 or 1/2: at half scale a deviation of finite values
 * never overflows.  Equal infinities are at distance 0, not NaN.
 */
static double
AbsDev(double x, double m, double s)
{
	if (x == m)
		return 0.0;
	return s == 1.0 ? fabs(x - m) : fabs(0.5 * x - 0.5 * m);
}

/*
 * Whether the deviation of some finite value from a finite m overflows:
 * v[0..n) ascending (stride bytes apart), infinities only at the ends.
 */
static bool
DevOverflows(const double *v, size_t stride, size_t n, double m)
{
	size_t		i = 0,
				j = n;

#define AT(k) (*(const double *) ((const char *) v + (k) * stride))
	while (i < n && isinf(AT(i)))
		i++;
	while (j > i && isinf(AT(j - 1)))
		j--;
	return isfinite(m) && j > i && (isinf(m - AT(i)) || isinf(AT(j - 1) - m));
#undef AT
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
	return Mid(ValueAtRank(w, nw, (n - 1) / 2), ValueAtRank(w, nw, n / 2));
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

/*
 * The mean of v[i] (count[i] times each, 1 when count is NULL), n in all,
 * summed at the power-of-two scale that brings the largest finite v to
 * [1, 2): exact scaling, and no sum can overflow.  Infinite when some v is.
 */
static double
MeanScaled(const double *v, size_t stride, const int64_t *count, size_t nv, int64_t n)
{
	double		mx = 0,
				sum = 0,
				comp = 0,
				s;
	int			e = 0;
	size_t		i;

	for (i = 0; i < nv; i++)
	{
		double		x = *(const double *) ((const char *) v + i * stride);

		if (isinf(x))
			return x;
		if (x > mx)
			mx = x;
	}
	if (mx > 0)
		e = ilogb(mx);
	for (i = 0; i < nv; i++)
	{
		double		x = *(const double *) ((const char *) v + i * stride);
		int64_t		c = count ? *(const int64_t *) ((const char *) count + i * stride) : 1;

		KSum(&sum, &comp, ldexp(x, -e) * (double) c);
	}
	s = sum + comp;
	return ldexp(s / (double) n, e);
}


static bool
ExactResult(const LrRobustState *st, const LrAlloc *a, LrRobustResult *out, LrError *err)
{
	size_t		n = st->nvals,
				i;
	double	   *v = lr_alloc(a, n * sizeof(double), err, "robust_stats");
	double		s;

	if (v == NULL)
		return false;
	memcpy(v, st->vals, n * sizeof(double));
	qsort(v, n, sizeof(double), CmpDouble);
	out->has_inf = isinf(v[0]) || isinf(v[n - 1]);
	out->median = MedianSorted(v, n);
	s = DevOverflows(v, sizeof(double), n, out->median) ? 0.5 : 1.0;
	for (i = 0; i < n; i++)
		v[i] = AbsDev(v[i], out->median, s);
	qsort(v, n, sizeof(double), CmpDouble);
	out->mad = MedianSorted(v, n) / s;
	out->mean_abs_dev = MeanScaled(v, sizeof(double), NULL, n, (int64_t) n) / s;
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
	double		s;

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
	out->has_inf = st->pinf > 0 || st->ninf > 0;
	out->median = MedianWeighted(w, nw, st->n);
	s = DevOverflows(&w[0].v, sizeof(Weighted), nw, out->median) ? 0.5 : 1.0;
	for (i = 0; i < nw; i++)
		w[i].v = AbsDev(w[i].v, out->median, s);
	qsort(w, nw, sizeof(Weighted), CmpWeighted);
	out->mad = MedianWeighted(w, nw, st->n) / s;
	out->mean_abs_dev = MeanScaled(&w[0].v, sizeof(Weighted), &w[0].count, nw, st->n) / s;
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
	double		d,
				h;
	bool		half;

	if (isnan(x) || isnan(median))
		return NAN;
	if (x == median)
		return 0.0;
	if (!(mad > 0) && !(mean_abs_dev > 0))
	{
		if (isnan(mad))
			return NAN;
		return x > median ? INFINITY : -INFINITY;
	}
	d = x - median;

	/*
	 * Where x - median overflows (taken at half scale then) or the
	 * difference or the spread is subnormal (a product with it would lose
	 * digits: 0.6745 * 5e-324 is 5e-324), divide first: the z-score itself
	 * may be perfectly ordinary.
	 */
	half = isinf(d) && isfinite(x) && isfinite(median);
	if (half || fabs(d) < DBL_MIN || (mad > 0 ? mad : mean_abs_dev) < DBL_MIN)
	{
		h = half ? 0.5 * x - 0.5 * median : d;
		h = mad > 0 ? h / mad * LR_ROBUST_Z_MAD : h / mean_abs_dev / LR_ROBUST_Z_MEANAD;
		return half ? 2.0 * h : h;
	}
	if (mad > 0)
		return LR_ROBUST_Z_MAD * d / mad;
	return d / (LR_ROBUST_Z_MEANAD * mean_abs_dev);
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
		if (key < LR_ROBUST_KEY_MIN || key > LR_ROBUST_KEY_MAX)
			return Bad(r, err, "bucket out of range") != NULL;
		if (count < 1 || count > COUNT_MAX - *total)
			return Bad(r, err, "bad bucket count") != NULL;
		*total += count;
		prev = key;
		if (!MapAdd(m, &st->a, key, count, err))
			return false;
	}
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
