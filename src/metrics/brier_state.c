/*
 * brier_state.c
 *	  The Brier score's state: encode, decode (validated), merge.  Pure C.
 */
#include <math.h>

#include "metrics/metrics.h"

#define LR_BRIER_MAGIC 0x4c524231	/* "LRB1" */

static void *
BrierCreate(const LrAlloc *a, LrError *err)
{
	return lr_alloc0(a, sizeof(LrBrierState), err, NULL);
}

static void *
BrierDecode(const LrAlloc *a, LrReader *r, LrError *err)
{
	LrBrierState *st = BrierCreate(a, err);

	if (st == NULL)
		return NULL;
	if (!lr_read_i64(r, &st->n) || !lr_read_f64(r, &st->sum) || !lr_read_f64(r, &st->comp))
		return NULL;
	/* Each row adds at most 1: the sum lies in [0, n]. */
	if (st->n < 0 || !isfinite(st->sum) || !isfinite(st->comp) ||
		st->sum + st->comp < -1e-9 || st->sum + st->comp > (double) st->n * (1 + 1e-12) + 1e-9)
	{
		lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: inconsistent count and sum", r->what);
		return NULL;
	}
	return st;
}

static bool
BrierEncode(const void *p, LrBuf *out)
{
	const LrBrierState *st = p;

	lr_buf_put_i64(out, st->n);
	lr_buf_put_f64(out, st->sum);
	return lr_buf_put_f64(out, st->comp);
}

static bool
BrierMerge(void *dst, const void *src, const LrAlloc *a, LrError *err)
{
	LrBrierState *d = dst;
	const LrBrierState *s = src;

	if (s->n > INT64_MAX - d->n)
		return lr_error_set(err, LR_ERR_LIMIT, "row count of loan_risk.brier_state out of range");
	d->n += s->n;
	lr_ksum_add(&d->sum, &d->comp, s->sum);
	lr_ksum_add(&d->sum, &d->comp, s->comp);
	return true;
}

bool
lr_brier_add(LrBrierState *st, double pd, int outcome, LrError *err)
{
	double		e = pd - (double) outcome;

	if (st->n == INT64_MAX)
		return lr_error_set(err, LR_ERR_LIMIT, "row count of loan_risk.brier_state out of range");
	st->n++;
	lr_ksum_add(&st->sum, &st->comp, e * e);
	return true;
}

const LrStateOps lr_brier_ops = {
	"loan_risk.brier_state", LR_BRIER_MAGIC, 1,
	BrierCreate, BrierDecode, BrierEncode, BrierMerge
};
