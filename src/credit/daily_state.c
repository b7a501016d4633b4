/*
 * daily_state.c
 *	  State of the daily_interest(amount, on_date, daily_rate, as_of)
 *	  aggregate: the daily rate and accrual date of the group, and every
 *	  draw and repayment.  Pure C.
 *
 * Accrual (doc/decisions.md): for each day d from the first event up to,
 * but not including, as_of, interest accrues on the balance at the end of d
 * (after all of that day's events), at daily_rate, exactly; a negative
 * balance (a credit balance) accrues nothing.  The total,
 *     sum over days of max(balance, 0) * daily_rate,
 * is rounded once to the cent, half away from zero.  Integer arithmetic
 * throughout, so the result does not depend on the order of the rows.
 */
#include <stdlib.h>
#include <string.h>

#include "credit/credit.h"

#define LR_DAILY_MAGIC 0x4c524449	/* "LRDI" */
#define LR_DAILY_EVENT_BYTES 12		/* u32 day, i64 cents */

static void *
DailyCreate(const LrAlloc *a, LrError *err)
{
	LrDailyState *st = lr_alloc0(a, sizeof(LrDailyState), err, NULL);

	if (st == NULL)
		return NULL;
	st->a = a;
	return st;
}

static bool
DailyReserve(LrDailyState *st, size_t more, LrError *err)
{
	return lr_array_grow(st->a, &st->events, st->n, st->n + more, sizeof(LrDailyEvent), 16, 0, &st->cap, err,
						 "the events of daily_interest");
}

/* The group's terms: set by the first row, the same in every other. */
static bool
DailyTerms(LrDailyState *st, lr_i128 rate, int32_t as_of, LrError *err)
{
	char		a[64],
				b[64];

	if (!st->has_terms)
	{
		st->has_terms = true;
		st->rate = rate;
		st->as_of = as_of;
		return true;
	}
	if (rate != st->rate)
	{
		lr_error_set(err, LR_ERR_INVALID, "daily_rate differs within one group: %s and %s",
		lr_rate_str(a, sizeof(a), st->rate), lr_rate_str(b, sizeof(b), rate));
		lr_error_detail(err, "One call of daily_interest accrues at one rate.");
		return false;
	}
	if (as_of != st->as_of)
	{
		lr_error_set(err, LR_ERR_INVALID, "as_of differs within one group");
		lr_error_detail(err, "One call of daily_interest accrues up to one date.");
		return false;
	}
	return true;
}

bool
lr_daily_add(LrDailyState *st, int32_t day, int64_t cents, lr_i128 rate, int32_t as_of,
			 LrError *err)
{
	if (!DailyTerms(st, rate, as_of, err) || !DailyReserve(st, 1, err))
		return false;
	st->events[st->n].day = day;
	st->events[st->n].cents = cents;
	st->n++;
	return true;
}

static void *
DailyDecode(const LrAlloc *a, LrReader *r, LrError *err)
{
	LrDailyState *st = DailyCreate(a, err);
	uint8_t		has;
	uint64_t	lo,
				hi;
	uint32_t	as_of;
	size_t		n,
				i;

	if (st == NULL || !lr_read_u8(r, &has) || !lr_read_u64(r, &lo) || !lr_read_u64(r, &hi) ||
		!lr_read_u32(r, &as_of) || !lr_read_count(r, LR_DAILY_EVENT_BYTES, &n))
		return NULL;
	st->rate = (lr_i128) (((lr_u128) hi << 64) | lo);
	st->as_of = (int32_t) as_of;
	if (has > 1)
	{
		lr_read_bad(r, "bad flag");
		return NULL;
	}
	st->has_terms = has;
	if (!has && (st->rate != 0 || st->as_of != 0 || n != 0))
	{
		lr_read_bad(r, "events without a rate");
		return NULL;
	}
	if (has && (st->rate < 0 || st->rate > LR_DAILY_RATE_MAX))
	{
		lr_read_bad(r, "daily rate out of range");
		return NULL;
	}
	if (has && (st->as_of < LR_DATE_MIN || st->as_of >= LR_DATE_END))
	{
		lr_read_bad(r, "as_of is not a finite date");
		return NULL;
	}
	if (!DailyReserve(st, n, err))
		return NULL;
	for (i = 0; i < n; i++)
	{
		uint32_t	day;
		int64_t		cents;

		if (!lr_read_u32(r, &day) || !lr_read_i64(r, &cents))
			return NULL;
		if ((int32_t) day < LR_DATE_MIN || (int32_t) day >= LR_DATE_END)
		{
			lr_read_bad(r, "an event day is not a finite date");
			return NULL;
		}
		if (cents > LR_MONEY_MAX_CENTS || cents < -LR_MONEY_MAX_CENTS)
		{
			lr_read_bad(r, "an event amount is out of range");
			return NULL;
		}
		st->events[i].day = (int32_t) day;
		st->events[i].cents = cents;
	}
	st->n = n;
	return st;
}

static bool
DailyEncode(const void *p, LrBuf *out)
{
	const LrDailyState *st = p;
	lr_u128 u = (lr_u128) st->rate;
	size_t		i;

	lr_buf_put_u8(out, st->has_terms ? 1 : 0);
	lr_buf_put_u64(out, (uint64_t) u);
	lr_buf_put_u64(out, (uint64_t) (u >> 64));
	lr_buf_put_u32(out, (uint32_t) st->as_of);
	lr_buf_put_u64(out, (uint64_t) st->n);
	for (i = 0; i < st->n; i++)
	{
		lr_buf_put_u32(out, (uint32_t) st->events[i].day);
		lr_buf_put_i64(out, st->events[i].cents);
	}
	return !out->failed;
}

static bool
DailyMerge(void *dst, const void *src, const LrAlloc *a, LrError *err)
{
	LrDailyState *d = dst;
	const LrDailyState *s = src;

	if (!s->has_terms)
		return true;
	if (!DailyTerms(d, s->rate, s->as_of, err) || !DailyReserve(d, s->n, err))
		return false;
	if (s->n > 0)
		memcpy(d->events + d->n, s->events, s->n * sizeof(LrDailyEvent));
	d->n += s->n;
	return true;
}

static int
EventCmp(const void *x, const void *y)
{
	const LrDailyEvent *a = x;
	const LrDailyEvent *b = y;

	return (a->day > b->day) - (a->day < b->day);
}

bool
lr_daily_compute(const LrDailyState *st, const LrAlloc *a, lr_i128 *interest,
				 lr_i128 *balance_days, LrError *err)
{
	LrDailyEvent *ev;
	size_t		i,
				bytes;
	lr_i128		balance = 0;
	lr_i128		bd = 0;
	lr_i128		num;
	lr_i128		total;
	int32_t		prev = 0;
	bool		started = false;

	*interest = 0;
	*balance_days = 0;
	if (st->n == 0)
		return true;
	if (!lr_size_mul(st->n, sizeof(LrDailyEvent), &bytes) ||
		(ev = a->alloc(a->ctx, bytes)) == NULL)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory for %zu events", st->n);
	memcpy(ev, st->events, bytes);
	qsort(ev, st->n, sizeof(LrDailyEvent), EventCmp);
	for (i = 0; i < st->n && ev[i].day < st->as_of; i++)
	{
		if (started && ev[i].day != prev && balance > 0)
			bd += balance * (lr_i128) (ev[i].day - prev);
		if (!started || ev[i].day != prev)
			prev = ev[i].day;
		started = true;
		balance += ev[i].cents;
	}
	if (started && balance > 0)
		bd += balance * (lr_i128) (st->as_of - prev);
	if (a->free)
		a->free(a->ctx, ev);

	if (!lr_mul_i128(bd, st->rate, &num))
		return lr_error_set(err, LR_ERR_LIMIT, "accrued interest exceeds the supported range");
	total = lr_div_round(num, LR_RATE_ONE);
	*interest = total;
	*balance_days = bd;
	return true;
}

const LrStateOps lr_daily_ops = {
	"loan_risk.daily_interest_state", LR_DAILY_MAGIC, 1,
	DailyCreate, DailyDecode, DailyEncode, DailyMerge
};
