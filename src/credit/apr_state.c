/*
 * apr_state.c
 *	  State of the apr(amount, paid_on) aggregate: every cash flow, kept
 *	  until the final function computes the rate.  Pure C.
 *
 * The rate depends only on the multiset of flows: the final function sorts
 * them by (date, amount) before summing the flows of each date, so serial,
 * parallel and sharded runs give bit-identical results.
 */
#include <math.h>
#include <string.h>

#include "credit/credit.h"

#define LR_APR_MAGIC 0x4c524150	/* "LRAP" */
#define LR_APR_FLOW_BYTES 12	/* u32 day, f64 amount */

static void *
AprCreate(const LrAlloc *a, LrError *err)
{
	LrAprState *st = lr_alloc0(a, sizeof(LrAprState), err, NULL);

	if (st == NULL)
		return NULL;
	st->a = a;
	return st;
}

static bool
AprReserve(LrAprState *st, size_t more, LrError *err)
{
	return lr_array_grow(st->a, &st->flows, st->n, st->n + more, sizeof(LrAprFlow), 16, 0, &st->cap, err,
						 "the cash flows of apr");
}

static bool
AprCheckFlow(int32_t day, double amount, LrError *err, const char *what)
{
	if (day < LR_DATE_MIN || day >= LR_DATE_END)
		return lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: day %d is not a finite date", what, (int) day);
	if (!isfinite(amount) || fabs(amount) > (double) LR_MONEY_MAX_CENTS / 100)
		return lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: amount %g is out of range", what, amount);
	return true;
}

bool
lr_apr_add(LrAprState *st, int32_t day, double amount, LrError *err)
{
	if (!AprReserve(st, 1, err))
		return false;
	st->flows[st->n].day = day;
	st->flows[st->n].amount = amount;
	st->n++;
	return true;
}

static void *
AprDecode(const LrAlloc *a, LrReader *r, LrError *err)
{
	LrAprState *st = AprCreate(a, err);
	size_t		n,
				i;

	if (st == NULL || !lr_read_count(r, LR_APR_FLOW_BYTES, &n) || !AprReserve(st, n, err))
		return NULL;
	for (i = 0; i < n; i++)
	{
		uint32_t	day;
		double		amount;

		if (!lr_read_u32(r, &day) || !lr_read_f64(r, &amount) ||
			!AprCheckFlow((int32_t) day, amount, err, r->what))
			return NULL;
		st->flows[i].day = (int32_t) day;
		st->flows[i].amount = amount;
	}
	st->n = n;
	return st;
}

static bool
AprEncode(const void *p, LrBuf *out)
{
	const LrAprState *st = p;
	size_t		i;

	lr_buf_put_u64(out, (uint64_t) st->n);
	for (i = 0; i < st->n; i++)
	{
		lr_buf_put_u32(out, (uint32_t) st->flows[i].day);
		lr_buf_put_f64(out, st->flows[i].amount);
	}
	return !out->failed;
}

static bool
AprMerge(void *dst, const void *src, const LrAlloc *a, LrError *err)
{
	LrAprState *d = dst;
	const LrAprState *s = src;

	if (s->n == 0)
		return true;
	if (!AprReserve(d, s->n, err))
		return false;
	memcpy(d->flows + d->n, s->flows, s->n * sizeof(LrAprFlow));
	d->n += s->n;
	return true;
}

bool
lr_apr_compute(const LrAprState *st, const LrAlloc *a, double *rate, LrError *err)
{
	LrFlow	   *f;
	size_t		i,
				n,
				bytes;
	int32_t		first = 0;
	double		x;
	bool		ok;

	if (!lr_size_mul(st->n ? st->n : 1, sizeof(LrFlow), &bytes) ||
		(f = a->alloc(a->ctx, bytes)) == NULL)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory for %zu cash flows", st->n);
	for (i = 0; i < st->n; i++)
		if (i == 0 || st->flows[i].day < first)
			first = st->flows[i].day;
	/* actual/365: time in years of 365 days from the first flow */
	for (i = 0; i < st->n; i++)
	{
		f[i].t = (double) (st->flows[i].day - first) / 365.0;
		f[i].a = st->flows[i].amount;
	}
	n = lr_flows_coalesce(f, st->n);
	ok = lr_irr(f, n, &x, err);
	if (ok)
	{
		*rate = expm1(x);
		if (!isfinite(*rate))
			ok = lr_error_set(err, LR_ERR_LIMIT, "the annual rate of these cash flows is too large to represent");
	}
	if (a->free)
		a->free(a->ctx, f);
	return ok;
}

const LrStateOps lr_apr_ops = {
	"loan_risk.apr_state", LR_APR_MAGIC, 1,
	AprCreate, AprDecode, AprEncode, AprMerge
};
