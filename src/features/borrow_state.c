/*
 * borrow_state.c
 *	  The state of borrowing_features (a merchant's past loans) and its
 *	  final computation.  Pure C.
 *
 * A merchant's loans are few (tens, rarely thousands), and the windows end at
 * an as_of that by default is known only at the end, so the state keeps the
 * loans themselves (16 bytes each, at most LR_LOANS_MAX of them) and computes
 * everything at the end.  Merging is concatenation; the final computation
 * sorts, so results do not depend on row order.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "features/features.h"

#define LR_BORROW_MAGIC 0x4c52424c	/* "LRBL" */

/* Definitions of the pattern (doc/features.md). */
#define LR_SHORT_DAYS 30		/* a loan repaid within 30 days of its start was short */
#define LR_QUICK_DAYS 7			/* a loan started within 7 days of an earlier loan's end */
#define LR_SMALL_RATIO 0.5		/* at most half the merchant's earlier average amount */

static void *
BorrowCreate(const LrAlloc *a, LrError *err)
{
	LrBorrowState *st = lr_alloc0(a, sizeof(LrBorrowState), err, "borrowing_features");

	if (st == NULL)
		return NULL;
	return st;
}

static bool
Reserve(LrBorrowState *st, const LrAlloc *a, uint32_t need, LrError *err)
{
	size_t		cap = st->cap;

	if (need <= st->cap)
		return true;
	if (need > LR_LOANS_MAX)
	{
		lr_error_set(err, LR_ERR_LIMIT, "more than %d loans of one merchant", LR_LOANS_MAX);
		lr_error_detail(err, "borrowing_features keeps every loan of a group.");
		return false;
	}
	if (!lr_array_grow(a, &st->loans, st->n, need, sizeof(LrLoan), 8, LR_LOANS_MAX, &cap, err,
					   "borrowing_features"))
		return false;
	st->cap = (uint32_t) cap;
	return true;
}

static int32_t
LatestDate(const LrLoan *l)
{
	return l->end != LR_LOAN_OPEN && l->end > l->start ? l->end : l->start;
}

bool
lr_borrow_add(LrBorrowState *st, const LrAlloc *a, LrAsOfMode mode, int32_t asof, const LrLoan *loan,
			  LrError *err)
{
	if (st->asof_mode == LR_ASOF_NONE)
	{
		st->asof_mode = (uint8_t) mode;
		st->asof = mode == LR_ASOF_GIVEN ? asof : 0;
	}
	else if (st->asof_mode != mode)
	{
		lr_error_set(err, LR_ERR_INVALID, "as_of is NULL in some rows of a group and not in others");
		lr_error_detail(err, "borrowing_features takes one as_of per group.");
		return false;
	}
	else if (mode == LR_ASOF_GIVEN && asof != st->asof)
	{
		lr_error_set(err, LR_ERR_INVALID, "as_of differs between rows of one group");
		lr_error_detail(err, "borrowing_features takes one as_of per group.");
		return false;
	}
	if (mode == LR_ASOF_GIVEN && loan->start > asof)
		return true;
	if (!Reserve(st, a, st->n + 1, err))
		return false;
	st->loans[st->n++] = *loan;
	if (st->n == 1 || LatestDate(loan) > st->max_date)
		st->max_date = LatestDate(loan);
	return true;
}

static bool
BorrowMerge(void *dstp, const void *srcp, const LrAlloc *a, LrError *err)
{
	LrBorrowState *dst = dstp;
	const LrBorrowState *src = srcp;

	if (src->asof_mode == LR_ASOF_NONE)
		return true;
	if (dst->asof_mode == LR_ASOF_NONE)
	{
		dst->asof_mode = src->asof_mode;
		dst->asof = src->asof;
	}
	else if (dst->asof_mode != src->asof_mode || dst->asof != src->asof)
		return lr_error_set(err, LR_ERR_INVALID, "cannot merge borrowing_features states with different as_of");
	if (src->n == 0)
		return true;
	if (!Reserve(dst, a, dst->n + src->n, err))
		return false;
	memcpy(dst->loans + dst->n, src->loans, (size_t) src->n * sizeof(LrLoan));
	if (dst->n == 0 || src->max_date > dst->max_date)
		dst->max_date = src->max_date;
	dst->n += src->n;
	return true;
}

static bool
BorrowEncode(const void *p, LrBuf *out)
{
	const LrBorrowState *st = p;
	uint32_t	i;

	lr_buf_put_u8(out, st->asof_mode);
	lr_buf_put_u32(out, (uint32_t) st->asof);
	lr_buf_put_u32(out, (uint32_t) st->max_date);
	lr_buf_put_u64(out, st->n);
	for (i = 0; i < st->n; i++)
	{
		lr_buf_put_u32(out, (uint32_t) st->loans[i].start);
		lr_buf_put_u32(out, (uint32_t) st->loans[i].end);
		lr_buf_put_i64(out, st->loans[i].amount);
		lr_buf_put_u32(out, (uint32_t) st->loans[i].dpd);
	}
	return !out->failed;
}

static bool
ValidDay(int32_t d)
{
	return d >= LR_DAY_MIN && d <= LR_DAY_MAX;
}

static void *
BorrowDecode(const LrAlloc *a, LrReader *r, LrError *err)
{
	LrBorrowState *st = BorrowCreate(a, err);
	uint8_t		mode;
	uint32_t	asof;
	uint32_t	maxd;
	size_t		n;
	size_t		i;
	int32_t		latest = 0;

	if (st == NULL)
		return NULL;
	if (!lr_read_u8(r, &mode) || !lr_read_u32(r, &asof) || !lr_read_u32(r, &maxd) ||
		!lr_read_count(r, 20, &n))
		return NULL;
	if (mode > LR_ASOF_GIVEN || (mode != LR_ASOF_GIVEN && asof != 0) ||
		(mode == LR_ASOF_GIVEN && !ValidDay((int32_t) asof)) || (mode == LR_ASOF_NONE && n > 0) ||
		n > LR_LOANS_MAX)
	{
		lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: bad header", r->what);
		return NULL;
	}
	st->asof_mode = mode;
	st->asof = (int32_t) asof;
	if (!Reserve(st, a, (uint32_t) n, err))
		return NULL;
	for (i = 0; i < n; i++)
	{
		LrLoan	   *l = &st->loans[i];
		uint32_t	s;
		uint32_t	e;
		uint32_t	d;

		if (!lr_read_u32(r, &s) || !lr_read_u32(r, &e) || !lr_read_i64(r, &l->amount) || !lr_read_u32(r, &d))
			return NULL;
		l->start = (int32_t) s;
		l->end = (int32_t) e;
		l->dpd = (int32_t) d;
		if (!ValidDay(l->start) || (l->end != LR_LOAN_OPEN && (!ValidDay(l->end) || l->end < l->start)) ||
			l->amount < -1 || l->amount >= LR_MONEY_UNITS_LIMIT || l->dpd < -1 ||
			(mode == LR_ASOF_GIVEN && l->start > st->asof))
		{
			lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: bad loan %zu", r->what, i + 1);
			return NULL;
		}
		if (i == 0 || LatestDate(l) > latest)
			latest = LatestDate(l);
	}
	st->n = (uint32_t) n;
	st->max_date = (int32_t) maxd;
	if ((n > 0 && st->max_date != latest) || (n == 0 && maxd != 0))
	{
		lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: inconsistent latest date", r->what);
		return NULL;
	}
	return st;
}

const LrStateOps lr_borrow_ops = {
	"loan_risk.borrowing_state", LR_BORROW_MAGIC, 1,
	BorrowCreate, BorrowDecode, BorrowEncode, BorrowMerge
};

/* ---------------------------------------------------------------- dates */

/* Days since 2000-01-01 to a proleptic Gregorian date (Hinnant's civil_from_days). */
static void
DayToYmd(int32_t day, int64_t *y, int *m, int *d)
{
	int64_t		z = (int64_t) day + 10957 + 719468;	/* days since 0000-03-01 */
	int64_t		era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t		doe = z - era * 146097;
	int64_t		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t		mp = (5 * doy + 2) / 153;

	*d = (int) (doy - (153 * mp + 2) / 5 + 1);
	*m = (int) (mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int32_t
YmdToDay(int64_t y, int m, int d)
{
	int64_t		era;
	int64_t		yoe;
	int64_t		doy;
	int64_t		doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t) (era * 146097 + doe - 719468 - 10957);
}

static int
MonthDays(int64_t y, int m)
{
	static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool		leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : len[m - 1];
}

/* day - `months` months, the day of month clamped to the month's length (as PostgreSQL's date - interval). */
int32_t
lr_days_minus_months(int32_t day, int months)
{
	int64_t		y;
	int			m;
	int			d;
	int64_t		mm;

	DayToYmd(day, &y, &m, &d);
	mm = y * 12 + (m - 1) - months;
	y = mm >= 0 ? mm / 12 : -((-mm + 11) / 12);
	m = (int) (mm - y * 12) + 1;
	if (d > MonthDays(y, m))
		d = MonthDays(y, m);
	return YmdToDay(y, m, d);
}

/* ---------------------------------------------------------------- results */

LR_COMPARATOR(CmpStart, LrLoan,
			  LR_CMP(a->start, b->start))

static inline double
Cur(lr_i128 units)
{
	return (double) units / LR_MONEY_UNITS;
}

bool
lr_borrow_compute(const LrBorrowState *st, const LrAlloc *a, LrBorrowResult *res, LrError *err)
{
	int32_t		asof = st->asof_mode == LR_ASOF_GIVEN ? st->asof : st->max_date;
	int32_t		from6 = lr_days_minus_months(asof, 6);
	int32_t		from12 = lr_days_minus_months(asof, 12);
	LrLoan	   *l;
	uint32_t	i;
	lr_i128	amt12 = 0;
	lr_i128	amtall = 0;
	lr_i128	amtprior = 0;
	int64_t		namt12 = 0;
	int64_t		namtall = 0;
	int64_t		namtprior = 0;
	int64_t		days12 = 0;
	int64_t		nclosed12 = 0;
	int64_t		ontime12 = 0;
	int64_t		ndpd12 = 0;
	int32_t		last_start = 0;
	int32_t		max_end = 0;
	bool		any_before = false;
	uint32_t	j;

	memset(res, 0, sizeof(*res));
	res->asof = asof;
	res->max_dpd_12m = res->max_dpd_all = -1;
	if (st->n == 0)
		return true;

	l = a->alloc(a->ctx, (size_t) st->n * sizeof(LrLoan));
	if (l == NULL)
		return lr_error_nomem(err, "borrowing_features");
	memcpy(l, st->loans, (size_t) st->n * sizeof(LrLoan));
	qsort(l, st->n, sizeof(LrLoan), CmpStart);

	for (i = 0; i < st->n; i++)
	{
		/* As of as_of, a loan repaid later was still open. */
		bool		closed = l[i].end != LR_LOAN_OPEN && l[i].end <= asof;
		bool		in12 = l[i].start > from12;

		res->loans_total++;
		if (!closed)
			res->open_loans++;
		if (l[i].start > last_start || i == 0)
			last_start = l[i].start;
		if (l[i].amount >= 0)
		{
			amtall += l[i].amount;
			namtall++;
			if (in12)
			{
				amt12 += l[i].amount;
				namt12++;
			}
			if (l[i].start <= from6)
			{
				amtprior += l[i].amount;
				namtprior++;
			}
		}
		if (l[i].dpd >= 0)
		{
			if (l[i].dpd > res->max_dpd_all)
				res->max_dpd_all = l[i].dpd;
			if (in12 && l[i].dpd > res->max_dpd_12m)
				res->max_dpd_12m = l[i].dpd;
		}
		if (in12)
		{
			res->loans_12m++;
			if (closed)
			{
				days12 += l[i].end - l[i].start;
				nclosed12++;
				if (l[i].dpd >= 0)
				{
					ndpd12++;
					ontime12 += l[i].dpd == 0;
				}
			}
		}
		if (l[i].start > from6)
		{
			res->loans_6m++;
			if (closed && l[i].end - l[i].start <= LR_SHORT_DAYS)
				res->short_loans_6m++;
		}
	}

	/*
	 * Quick re-borrowing: a loan started while an earlier loan (one started on
	 * an earlier day) was open, or within LR_QUICK_DAYS days of its end.
	 */
	i = 0;
	while (i < st->n)
	{
		j = i;
		while (j < st->n && l[j].start == l[i].start)
			j++;
		if (any_before && l[i].start > from6 && (int64_t) max_end >= (int64_t) l[i].start - LR_QUICK_DAYS)
			res->quick_reborrows_6m += (int32_t) (j - i);
		for (; i < j; i++)
		{
			int32_t		e = (l[i].end == LR_LOAN_OPEN || l[i].end > asof) ? INT32_MAX : l[i].end;

			if (!any_before || e > max_end)
				max_end = e;
			any_before = true;
		}
	}

	/* Small: at most half the average amount of the loans started before the six months. */
	if (namtprior > 0)
	{
		double		prior = Cur(amtprior) / (double) namtprior;

		for (i = 0; i < st->n; i++)
			if (l[i].start > from6 && l[i].amount >= 0 && Cur(l[i].amount) <= LR_SMALL_RATIO * prior)
				res->small_loans_6m++;
	}

	res->avg_amount_12m = namt12 > 0 ? Cur(amt12) / (double) namt12 : NAN;
	res->avg_amount_all = namtall > 0 ? Cur(amtall) / (double) namtall : NAN;
	res->avg_days_used_12m = nclosed12 > 0 ? (double) days12 / (double) nclosed12 : NAN;
	res->on_time_share_12m = ndpd12 > 0 ? (double) ontime12 / (double) ndpd12 : NAN;
	res->days_since_last_loan = asof - last_start;
	res->frequent_flag = res->loans_6m >= 3;
	res->short_flag = res->short_loans_6m >= 3;
	res->urgent_flag = res->quick_reborrows_6m >= 2;
	res->small_flag = res->small_loans_6m >= 2;
	res->pattern_flag = res->short_flag;
	res->pattern_score = res->frequent_flag + res->short_flag + res->urgent_flag + res->small_flag;
	if (a->free != NULL)
		a->free(a->ctx, l);
	return true;
}
