/*
 * portfolio.h
 *	  Portfolio monitoring (vintage, roll rates, NPL and early warning,
 *	  collections routing): the pure C part, shared by the server code of
 *	  src/portfolio and its fuzz target.
 *
 * Everything here parses or formats user text (options JSON, dates) or
 * computes on flat C arrays, without PostgreSQL headers,
 * so test/fuzz/portfolio_fuzz.c runs exactly this code.
 *
 * Months are counted as integers: year * 12 + (month - 1), so month
 * arithmetic is integer arithmetic ("the next month" is m + 1).
 *
 * Amounts and balances are exact: each value is held as a whole number of
 * units of 0.0001 (common/lr_money.h: a value with more decimals is rounded
 * half away from zero, as numeric's round(x, 4)) and sums are 128-bit.
 */
#ifndef LR_PORTFOLIO_H
#define LR_PORTFOLIO_H

#include "common/lr_base.h"
#include "common/lr_json.h"

/* ---------------------------------------------------------------- months */

/* Month index of a calendar date (day ignored). */
static inline int32_t
lr_month_index(int year, int month)
{
	return (int32_t) year * 12 + (month - 1);
}

static inline int
lr_month_year(int32_t m)
{
	return (int) ((m >= 0 ? m : m - 11) / 12);
}

static inline int
lr_month_month(int32_t m)
{
	return (int) (m - (int32_t) lr_month_year(m) * 12) + 1;
}

typedef enum LrPeriod
{
	LR_PERIOD_MONTH = 1,
	LR_PERIOD_QUARTER = 3,
	LR_PERIOD_YEAR = 12
} LrPeriod;

/* First month of the period (month, quarter or year) that contains month m. */
static inline int32_t
lr_period_start(int32_t m, LrPeriod p)
{
	int32_t		y = lr_month_year(m);
	int32_t		mm = m - y * 12;

	return y * 12 + (mm / (int32_t) p) * (int32_t) p;
}

/*
 * Parses "YYYY-MM" or "YYYY-MM-DD" (a real calendar date) into a month
 * index; years 1 to 9999.
 */
extern bool lr_parse_month(const char *s, size_t len, int32_t *month, LrError *err);

/* "YYYY-MM-01" of a month index, into out (at least 11 bytes). */
extern void lr_format_month(int32_t m, char *out);

/* ---------------------------------------------------------------- delinquency buckets */

#define LR_MAX_DPD_BOUNDS 12

/*
 * Buckets of a snapshot: 0 = current (dpd below the first bound), 1..n =
 * [bound i, bound i+1) days past due, the last open-ended; then written off
 * and closed.  Default bounds 1, 30, 60, 90.
 */
typedef struct LrDpdBuckets
{
	int			nbounds;
	int32_t		bounds[LR_MAX_DPD_BOUNDS];
} LrDpdBuckets;

static inline int
lr_bucket_count(const LrDpdBuckets *b)
{
	return b->nbounds + 3;		/* current, delinquent ones, written off, closed */
}

static inline int
lr_bucket_written_off(const LrDpdBuckets *b)
{
	return b->nbounds + 1;
}

static inline int
lr_bucket_closed(const LrDpdBuckets *b)
{
	return b->nbounds + 2;
}

extern int	lr_bucket_of_dpd(const LrDpdBuckets *b, int32_t dpd);

/* Label of bucket i: "current", "1-29", "90+", "written_off", "closed"; out needs 32 bytes. */
extern void lr_bucket_label(const LrDpdBuckets *b, int i, char *out);

/* Snapshot status. */
typedef enum LrStatus
{
	LR_STATUS_OPEN = 0,
	LR_STATUS_WRITTEN_OFF = 1,
	LR_STATUS_CLOSED = 2
} LrStatus;

/* "open" (or NULL), "written_off", "closed"; false (err set) for anything else. */
extern bool lr_status_parse(const char *s, size_t len, LrStatus *out, LrError *err);

/* ---------------------------------------------------------------- options */

typedef struct LrVintageOptions
{
	int32_t		bad_dpd;		/* bad from the first snapshot at or above (default 90) */
	bool		written_off_is_bad; /* default true */
	LrPeriod	cohort;			/* default month */
	int32_t		max_mob;		/* -1: as far as observed */
	bool		has_as_of;
	int32_t		as_of;			/* month index; default the last month of the snapshots */
} LrVintageOptions;

typedef struct LrRollOptions
{
	LrDpdBuckets buckets;
	bool		absent_closed;	/* an open loan missing next month counts as closed */
} LrRollOptions;

typedef struct LrNplOptions
{
	LrPeriod	period;			/* default month */
	int32_t		npl_dpd;		/* default 90 */
} LrNplOptions;

typedef enum LrAssignOrder
{
	LR_ORDER_EXPECTED_LOSS = 0,
	LR_ORDER_RISK,
	LR_ORDER_BALANCE
} LrAssignOrder;

typedef struct LrAssignOptions
{
	LrAssignOrder order;
} LrAssignOptions;

/*
 * Parsers of the options argument (a JSON object; null members mean the
 * default).  Errors name the option: options.bad_dpd: 0 is out of range.
 */
extern bool lr_vintage_options_parse(const LrJson *j, LrVintageOptions *o, LrError *err);
extern bool lr_roll_options_parse(const LrJson *j, LrRollOptions *o, LrError *err);
extern bool lr_npl_options_parse(const LrJson *j, LrNplOptions *o, LrError *err);
extern bool lr_assign_options_parse(const LrJson *j, LrAssignOptions *o, LrError *err);

/* ---------------------------------------------------------------- collections routing */

typedef struct LrCase
{
	int64_t		id;
	int64_t		balance;		/* units */
	double		risk;			/* roll-forward probability, 0..1 */
	int32_t		dpd;			/* -1 when the cases query has no dpd column */
	double		el;				/* risk x balance (currency units) */
	double		key;			/* sort key, set by lr_assign_sort */
} LrCase;

typedef struct LrQueue
{
	const char *name;
	int32_t		rank;			/* tried in ascending rank */
	int64_t		capacity;		/* -1: unlimited */
	double		min_risk;		/* -1: no bound */
	int64_t		min_balance;	/* INT64_MIN: no bound */
	int32_t		min_dpd;		/* -1: no bound */
	int64_t		used;			/* filled by lr_assign_route */
} LrQueue;

/*
 * Routes cases (sorted in place by priority: see doc/monitoring.md) to
 * queues (sorted in place by rank).  For case i: queue[i] is the index of its
 * queue or -1, preferred[i] the first queue it is eligible for whatever the
 * capacity, or -1.
 */
extern void lr_assign_sort(LrCase *cases, size_t n, LrAssignOrder order);
extern void lr_assign_route(LrCase *cases, size_t ncases, LrQueue *queues, size_t nqueues,
							LrAssignOrder order, int32_t *queue, int32_t *preferred);
extern bool lr_queue_eligible(const LrQueue *q, const LrCase *c);

#endif							/* LR_PORTFOLIO_H */
