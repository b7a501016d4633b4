/*
 * logit_state.c
 *	  The logistic step state: adding rows, encode, decode (validated) and
 *	  merge.  Pure C; see logit.h.
 *
 * Flat payload (after the common header of lr_state_ops.h):
 *
 *   int32   nx                 -1 for a state that has seen no row
 *   uint64  coefficient hash
 *   int64   rows, skipped, bads, extreme, misfit
 *   int64   invalid[nx + 2]
 *   float64 weight sum, weight of bads, log-likelihood
 *   float64 score[p], information[p (p + 1) / 2]      (p = nx + 1)
 *
 * Rows are kept in a block of LR_LOGIT_BLOCK rows, column by column; a full
 * block is added to the totals as dot products of its columns.  So the
 * rounding error of the sums grows with the number of blocks rather than of
 * rows, and the sums vectorise.
 */
#include <math.h>
#include <string.h>

#include "training/logit.h"

#define LR_LOGIT_MAGIC 0x4c524c31	/* "LRL1" */

uint64_t
lr_logit_coef_hash(const double *beta, int p)
{
	uint64_t	h = UINT64_C(0xcbf29ce484222325) ^ (uint64_t) p;

	for (int i = 0; i < p; i++)
	{
		uint64_t	u;
		double		d = beta[i] == 0 ? 0 : beta[i];

		memcpy(&u, &d, 8);
		h ^= u;
		h *= UINT64_C(0x100000001b3);
		h ^= h >> 29;
	}
	return h;
}

static void *
LogitCreate(const LrAlloc *a, LrError *err)
{
	LrLogitState *st = lr_alloc0(a, sizeof(LrLogitState), err, NULL);

	if (st == NULL)
		return NULL;
	st->a = *a;
	st->nx = -1;
	return st;
}

bool
lr_logit_setup(LrLogitState *st, int nx, uint64_t coef_hash, LrError *err)
{
	int			p = nx + 1;
	size_t		tri = lr_logit_tri(p);

	if (nx < 0 || nx > LR_LOGIT_MAX_FEATURES)
		return lr_error_set(err, LR_ERR_LIMIT, "%d features: a logistic step takes 0 to %d",
							nx, LR_LOGIT_MAX_FEATURES);
	st->nx = nx;
	st->p = p;
	st->coef_hash = coef_hash;
	st->invalid = lr_alloc0_n(&st->a, (size_t) nx + 2, sizeof(int64_t));
	st->grad = lr_alloc0_n(&st->a, (size_t) p, sizeof(double));
	st->info = lr_alloc0_n(&st->a, tri, sizeof(double));
	st->bx = lr_alloc0_n(&st->a, (size_t) (nx > 0 ? nx : 1) * LR_LOGIT_BLOCK, sizeof(double));
	st->bw = lr_alloc0_n(&st->a, LR_LOGIT_BLOCK, sizeof(double));
	st->br = lr_alloc0_n(&st->a, LR_LOGIT_BLOCK, sizeof(double));
	st->bl = lr_alloc0_n(&st->a, LR_LOGIT_BLOCK, sizeof(double));
	st->bwx = lr_alloc0_n(&st->a, LR_LOGIT_BLOCK, sizeof(double));
	if (st->invalid == NULL || st->grad == NULL || st->info == NULL || st->bx == NULL ||
		st->bw == NULL || st->br == NULL || st->bl == NULL || st->bwx == NULL)
		return lr_error_nomem(err, NULL);
	return true;
}

/*
 * Sums in four lanes, two vectors of two doubles (GCC/clang vector
 * extensions: SSE2 on x86-64, NEON on ARM, plain code elsewhere).  The
 * order of the additions is fixed, so results do not vary between runs.
 */
typedef double LrV2 __attribute__((vector_size(16)));

static inline LrV2
Load2(const double *p)
{
	LrV2		v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Sum of a[0..n) * b[0..n). */
static inline double
Dot(const double *a, const double *b, int n)
{
	LrV2		s0 = {0, 0},
				s1 = {0, 0};
	double		t = 0;
	int			i = 0;

	for (; i + 4 <= n; i += 4)
	{
		s0 += Load2(a + i) * Load2(b + i);
		s1 += Load2(a + i + 2) * Load2(b + i + 2);
	}
	for (; i < n; i++)
		t += a[i] * b[i];
	s0 += s1;
	return (s0[0] + s0[1]) + t;
}

static inline double
Sum(const double *a, int n)
{
	LrV2		s0 = {0, 0},
				s1 = {0, 0};
	double		t = 0;
	int			i = 0;

	for (; i + 4 <= n; i += 4)
	{
		s0 += Load2(a + i);
		s1 += Load2(a + i + 2);
	}
	for (; i < n; i++)
		t += a[i];
	s0 += s1;
	return (s0[0] + s0[1]) + t;
}

/* w[0..n) * x[0..n) into out. */
static inline void
Scale(double *out, const double *w, const double *x, int n)
{
	int			i = 0;

	for (; i + 2 <= n; i += 2)
	{
		LrV2		v = Load2(w + i) * Load2(x + i);

		memcpy(out + i, &v, sizeof(v));
	}
	for (; i < n; i++)
		out[i] = w[i] * x[i];
}

void
lr_logit_close_block(const LrLogitState *cst)
{
	LrLogitState *st = (LrLogitState *) cst;
	int			n = st->bn;
	int			nx = st->nx;
	int			p = st->p;
	double	   *wx = st->bwx;

	if (n == 0 || nx < 0)
		return;
	/* Row 0 of the packed information: the intercept with itself and each column. */
	st->info[0] += Sum(st->bw, n);
	st->grad[0] += Sum(st->br, n);
	st->ll += Sum(st->bl, n);
	for (int j = 0; j < nx; j++)
	{
		const double *xj = st->bx + (size_t) j * LR_LOGIT_BLOCK;

		st->info[1 + j] += Dot(st->bw, xj, n);
		st->grad[1 + j] += Dot(st->br, xj, n);
	}
	/* Rows 1..nx: w x_i against x_j for j >= i. */
	for (int i = 0; i < nx; i++)
	{
		const double *xi = st->bx + (size_t) i * LR_LOGIT_BLOCK;
		size_t		off = (size_t) (i + 1) * p - (size_t) (i + 1) * i / 2;

		Scale(wx, st->bw, xi, n);
		for (int j = i; j < nx; j++)
			st->info[off + (j - i)] += Dot(wx, st->bx + (size_t) j * LR_LOGIT_BLOCK, n);
	}
	st->bn = 0;
}

void
lr_logit_add(LrLogitState *st, const double *x, int y, double w, double eta)
{
	/* With e = exp(-|eta|): mu (1 - mu) = e / (1 + e)^2, without cancellation. */
	double		e = exp(-fabs(eta));
	double		l1pe = log1p(e);
	double		inv = 1.0 / (1.0 + e);
	double		resid;			/* y - mu */
	double		lli;			/* log-likelihood of the row */
	int			k = st->bn;
	int			nx = st->nx;

	if (eta >= 0)
	{
		/* mu = 1 / (1 + e), 1 - mu = e / (1 + e) */
		resid = y ? e * inv : -inv;
		lli = y ? -l1pe : -eta - l1pe;
	}
	else
	{
		/* mu = e / (1 + e), 1 - mu = 1 / (1 + e) */
		resid = y ? inv : -e * inv;
		lli = y ? eta - l1pe : -l1pe;
	}
	/* Fitted within 1e-10 of its own outcome: a sign of separation. */
	if (fabs(resid) < LR_LOGIT_EXTREME)
		st->extreme++;
	/* No row on the wrong side of 1/2 means the current coefficients separate the classes. */
	if (fabs(resid) >= 0.5)
		st->misfit++;
	st->rows++;
	st->bads += y;
	st->wsum += w;
	if (y)
		st->wbads += w;
	st->bw[k] = w * e * inv * inv;
	st->br[k] = w * resid;
	st->bl[k] = w * lli;
	for (int j = 0; j < nx; j++)
		st->bx[(size_t) j * LR_LOGIT_BLOCK + k] = x[j];
	if (++st->bn == LR_LOGIT_BLOCK)
		lr_logit_close_block(st);
}

static void *
LogitDecode(const LrAlloc *a, LrReader *r, LrError *err)
{
	LrLogitState *st = LogitCreate(a, err);
	int32_t		nx;
	uint32_t	u;
	uint64_t	hash;
	size_t		tri;

	if (st == NULL)
		return NULL;
	if (!lr_read_u32(r, &u))
		return NULL;
	nx = (int32_t) u;
	if (nx == -1)
		return st;
	if (nx < 0 || nx > LR_LOGIT_MAX_FEATURES)
		return lr_read_bad(r, "number of features out of range"), NULL;
	if (!lr_read_u64(r, &hash))
		return NULL;
	if (!lr_logit_setup(st, nx, hash, err))
		return NULL;
	if (!lr_read_i64(r, &st->rows) || !lr_read_i64(r, &st->skipped) ||
		!lr_read_i64(r, &st->bads) || !lr_read_i64(r, &st->extreme) || !lr_read_i64(r, &st->misfit))
		return NULL;
	if (st->rows < 0 || st->skipped < 0 || st->bads < 0 || st->extreme < 0 || st->misfit < 0 ||
		st->bads > st->rows || st->extreme > st->rows || st->misfit > st->rows - st->extreme)
		return lr_read_bad(r, "inconsistent counts"), NULL;
	for (int i = 0; i < nx + 2; i++)
	{
		if (!lr_read_i64(r, &st->invalid[i]))
			return NULL;
		if (st->invalid[i] < 0)
			return lr_read_bad(r, "negative count"), NULL;
	}
	if (!lr_read_f64(r, &st->wsum) || !lr_read_f64(r, &st->wbads) || !lr_read_f64(r, &st->ll))
		return NULL;
	if (!isfinite(st->wsum) || !isfinite(st->wbads) || !isfinite(st->ll) ||
		st->wsum < 0 || st->wbads < 0 || st->wbads > st->wsum * (1 + 1e-12) || st->ll > 0 ||
		(st->rows == 0 && (st->wsum != 0 || st->ll != 0)))
		return lr_read_bad(r, "inconsistent sums"), NULL;
	for (int i = 0; i < st->p; i++)
	{
		if (!lr_read_f64(r, &st->grad[i]))
			return NULL;
		if (!isfinite(st->grad[i]))
			return lr_read_bad(r, "score not finite"), NULL;
	}
	tri = lr_logit_tri(st->p);
	for (size_t i = 0; i < tri; i++)
	{
		if (!lr_read_f64(r, &st->info[i]))
			return NULL;
		if (!isfinite(st->info[i]))
			return lr_read_bad(r, "information not finite"), NULL;
	}
	/* Diagonal entries are sums of w x^2 >= 0. */
	{
		size_t		k = 0;

		for (int i = 0; i < st->p; i++)
		{
			if (st->info[k] < 0)
				return lr_read_bad(r, "negative information"), NULL;
			k += (size_t) (st->p - i);
		}
	}
	return st;
}

static bool
LogitEncode(const void *p, LrBuf *out)
{
	const LrLogitState *st = p;
	size_t		tri;

	lr_buf_put_u32(out, (uint32_t) st->nx);
	if (st->nx < 0)
		return !out->failed;
	lr_logit_close_block(st);
	lr_buf_put_u64(out, st->coef_hash);
	lr_buf_put_i64(out, st->rows);
	lr_buf_put_i64(out, st->skipped);
	lr_buf_put_i64(out, st->bads);
	lr_buf_put_i64(out, st->extreme);
	lr_buf_put_i64(out, st->misfit);
	for (int i = 0; i < st->nx + 2; i++)
		lr_buf_put_i64(out, st->invalid[i]);
	lr_buf_put_f64(out, st->wsum);
	lr_buf_put_f64(out, st->wbads);
	lr_buf_put_f64(out, st->ll);
	for (int i = 0; i < st->p; i++)
		lr_buf_put_f64(out, st->grad[i]);
	tri = lr_logit_tri(st->p);
	for (size_t i = 0; i < tri; i++)
		lr_buf_put_f64(out, st->info[i]);
	return !out->failed;
}

static bool
AddCount(int64_t *a, int64_t b, LrError *err)
{
	if (b > INT64_MAX - *a)
		return lr_error_set(err, LR_ERR_LIMIT, "row count of loan_risk.logit_step_state out of range");
	*a += b;
	return true;
}

static bool
LogitMerge(void *dst, const void *src, const LrAlloc *a, LrError *err)
{
	LrLogitState *d = dst;
	const LrLogitState *s = src;
	size_t		tri;

	if (s->nx < 0)
		return true;
	lr_logit_close_block(s);
	if (d->nx < 0 && !lr_logit_setup(d, s->nx, s->coef_hash, err))
		return false;
	if (d->nx != s->nx)
		return lr_error_set(err, LR_ERR_INVALID,
							"cannot merge logistic step states of %d and %d features",
							d->nx < s->nx ? d->nx : s->nx, d->nx < s->nx ? s->nx : d->nx);
	if (d->coef_hash != s->coef_hash)
		return lr_error_set(err, LR_ERR_INVALID,
							"cannot merge logistic step states computed at different coefficients");
	lr_logit_close_block(d);
	if (!AddCount(&d->rows, s->rows, err) || !AddCount(&d->skipped, s->skipped, err) ||
		!AddCount(&d->bads, s->bads, err) || !AddCount(&d->extreme, s->extreme, err) ||
		!AddCount(&d->misfit, s->misfit, err))
		return false;
	for (int i = 0; i < d->nx + 2; i++)
		if (!AddCount(&d->invalid[i], s->invalid[i], err))
			return false;
	d->wsum += s->wsum;
	d->wbads += s->wbads;
	d->ll += s->ll;
	for (int i = 0; i < d->p; i++)
		d->grad[i] += s->grad[i];
	tri = lr_logit_tri(d->p);
	for (size_t i = 0; i < tri; i++)
		d->info[i] += s->info[i];
	return true;
}

const LrStateOps lr_logit_ops = {
	"loan_risk.logit_step_state", LR_LOGIT_MAGIC, 1,
	LogitCreate, LogitDecode, LogitEncode, LogitMerge
};
