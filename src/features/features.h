/*
 * features.h
 *	  Merchant features: the state of merchant_features (cash-flow profile)
 *	  and of borrowing_features, in pure C, shared by the aggregates of
 *	  src/features and by fuzz targets.  Definitions: doc/features.md.
 *
 * Times are local calendar days in one time zone, counted as days since
 * 2000-01-01 (PostgreSQL's date epoch); the server glue turns timestamps into
 * days.  Money is kept in integer units of 0.0001 (one ten-thousandth of the
 * currency unit), which is PostgreSQL's numeric digit base, so a numeric
 * amount converts without arithmetic and every sum is exact.
 */
#ifndef LR_FEATURES_H
#define LR_FEATURES_H

#include "common/lr_state_ops.h"


/* Windows of the profile, in days ending with the as_of day. */
#define LR_NWIN 4
extern const int lr_profile_windows[LR_NWIN];	/* 30, 90, 180, 365 */
#define LR_HORIZON 365
/* Months: 30-day periods counted back from the as_of day. */
#define LR_MONTH_DAYS 30

/* Days older than anchor - LR_KEEP_DAYS are dropped (one spare day, see profile_state.c). */
#define LR_KEEP_DAYS 366
/* A local day after the anchor: only in zones that turned clocks back across midnight. */
#define LR_DAY_AHEAD 7
/* Direct day index: LR_DMAP_SIZE days from dbase, once there are more than LR_DMAP_FROM days. */
#define LR_DMAP_SIZE 512
#define LR_DMAP_FROM 16

/* Bounds of a local day (days since 2000-01-01) that a timestamp can have. */
#define LR_DAY_MIN (-2451545 - 2)
#define LR_DAY_MAX (109203489 + 2)

/*
 * Counterparty limits.  Exact while at most LR_CP_EXACT_MAX counterparties and
 * LR_CP_EXACT_MAX_ENTRIES counterparty-days are live; beyond, a sketch: a
 * sample of counterparties by hash (at most LR_CP_SAMPLE_MAX of them, and
 * LR_CP_SAMPLE_MAX_ENTRIES days) for distinct and repeat counts, and a
 * Misra-Gries summary of LR_CP_HEAVY_K counters (holding up to twice that
 * between reductions) for top-1, top-5 and Herfindahl.
 */
#define LR_CP_EXACT_MAX 100000
#define LR_CP_EXACT_MAX_ENTRIES 2000000
#define LR_CP_SAMPLE_MAX 65536
#define LR_CP_SAMPLE_MAX_ENTRIES 1000000
#define LR_CP_HEAVY_K 2048
#define LR_CP_HEAVY_MAX_ENTRIES (2 * LR_CP_HEAVY_K * (LR_KEEP_DAYS + 8))

/* One counterparty-day: the counterparty's revenue (units) on that day. */
typedef struct LrCpEntry
{
	uint32_t	cp;				/* index of the counterparty; LR_CP_EMPTY in a free slot */
	int32_t		day;
	int64_t		rev;
} LrCpEntry;

#define LR_CP_EMPTY UINT32_MAX

/*
 * A counterparty, identified by a 128-bit hash of its value (never (0, 0),
 * which marks a free slot).
 */
typedef struct LrCp
{
	uint64_t	k0;
	uint64_t	k1;
} LrCp;

/*
 * Counterparties and their days, each an open-addressing table holding the
 * items themselves (load at most 0.7): rows arrive in any time order, and
 * finding a counterparty-day takes one probe of each table whatever the
 * number of days.  An entry names its counterparty by slot; entries hash on
 * the counterparty's k0 and the day, so they stay put when the counterparty
 * table grows (only their slot numbers are rewritten).
 */
typedef struct LrCpTable
{
	LrCp	   *cps;			/* mask + 1 slots */
	uint32_t	n;
	uint32_t	mask;
	LrCpEntry  *ents;			/* emask + 1 slots */
	uint32_t	nents;
	uint32_t	emask;
} LrCpTable;

extern void lr_cpt_init(LrCpTable *t);
extern void lr_cpt_free(LrCpTable *t, const LrAlloc *a);
/* Index of counterparty (k0, k1), added when absent; false on allocation failure. */
extern bool lr_cpt_lookup(LrCpTable *t, const LrAlloc *a, uint64_t k0, uint64_t k1, uint32_t *idx,
						  LrError *err);
/* Adds rev (>= 0) to counterparty idx (whose k0 is given) on day. */
extern bool lr_cpt_add(LrCpTable *t, const LrAlloc *a, uint32_t idx, uint64_t k0, int32_t day,
					   int64_t rev, LrError *err);

/* Prefetches the slots a row of counterparty k0 on day will touch. */
extern void lr_cpt_prefetch(const LrCpTable *t, uint64_t k0, int32_t day);

/* 128-bit hash (MurmurHash3 x64-128) of a counterparty value; kind separates types. */
extern void lr_cp_hash(const void *data, size_t len, uint32_t kind, uint64_t *k0, uint64_t *k1);

/* One local day with activity. */
typedef struct LrDayAgg
{
	int32_t		day;
	uint32_t	n;				/* transactions */
	uint32_t	n_sales;		/* amount > 0 */
	uint32_t	n_night;		/* local time 22:00 to 05:59:59 */
	int64_t		revenue;		/* sum of positive amounts */
	int64_t		refunds;		/* minus the sum of negative amounts */
	int64_t		revenue_cp;		/* revenue of rows with a counterparty */
} LrDayAgg;

typedef enum LrAsOfMode
{
	LR_ASOF_NONE = 0,			/* no row yet */
	LR_ASOF_LATEST = 1,			/* as_of = the latest timestamp */
	LR_ASOF_GIVEN = 2			/* as_of given as an argument */
} LrAsOfMode;

typedef struct LrProfileState
{
	/* Fields every row touches first, together. */
	uint8_t		asof_mode;
	bool		sketch;
	uint8_t		level;			/* sketch: counterparties with the top `level` bits of k0 zero are sampled */
	int32_t		anchor;			/* the as_of day: local day of max_ts or of the given as_of */
	int64_t		asof_ts;		/* LR_ASOF_GIVEN: the as_of timestamp (microseconds since 2000) */
	int64_t		nrows;			/* rows counted (timestamp at most as_of) */
	int64_t		min_ts;
	int64_t		max_ts;
	int32_t		min_day;		/* local day of min_ts */
	int32_t		max_day;		/* local day of max_ts */
	LrDayAgg   *days;			/* in order of arrival (sorted when needed) */
	uint32_t	ndays;
	uint32_t	days_cap;
	uint32_t	last_day;		/* index of the last day updated (a cache) */
	int32_t		dbase;			/* dmap[d - dbase] = index + 1 of day d */
	uint16_t   *dmap;			/* built once a merchant has more than LR_DMAP_FROM days */
	int32_t		pruned_at;		/* anchor at the last pruning of counterparty days */
	int32_t		pruned_days_at; /* anchor at the last pruning of days */
	LrCpTable	cp;				/* exact: every counterparty; sketch: the sample */
	LrCpTable	heavy;			/* sketch: Misra-Gries counters */
	int64_t		delta;			/* sketch: bound on what the counters miss (units) */
	char		tz[256];		/* time zone name days were counted in */
} LrProfileState;

/* One row, already in local time. */
typedef struct LrProfileRow
{
	int64_t		ts;
	int32_t		day;
	bool		night;
	int64_t		amount;			/* units */
	bool		has_cp;
	uint64_t	k0;
	uint64_t	k1;
} LrProfileRow;

extern const LrStateOps lr_profile_ops;

/* Sets mode and time zone on the first row; checks them afterwards. */
extern bool lr_profile_begin(LrProfileState *st, LrAsOfMode mode, int64_t asof_ts, int32_t asof_day,
							 const char *tz, LrError *err);
extern bool lr_profile_add(LrProfileState *st, const LrAlloc *a, const LrProfileRow *row, LrError *err);

/* Results; a NaN double means NULL. */
typedef struct LrWindowResult
{
	int64_t		txn_count;
	int64_t		sales_count;
	lr_i128	revenue;		/* units */
	lr_i128	refunds;		/* units */
	double		refund_share;
	int32_t		active_days;
	double		avg_ticket;
	int32_t		longest_gap;
	double		night_share;
	double		weekend_share;
	int64_t		counterparties;
	double		repeat_share;
	double		top1_share;
	double		top5_share;
	double		hhi;
	/* monthly statistics (windows of 90 days and more) */
	int32_t		active_months;
	double		monthly_mean;
	double		monthly_std;
	double		monthly_cv;
	double		trend;
} LrWindowResult;

typedef struct LrProfileResult
{
	int64_t		asof_ts;
	int64_t		first_ts;
	int64_t		last_ts;
	int32_t		tenure_days;
	int32_t		recency_days;
	int64_t		txn_count_all;
	bool		counterparties_exact;
	double		cp_sample_rate;	/* 2^-level; 1 when exact */
	int64_t		cp_error_bound; /* delta (units); 0 when exact */
	LrWindowResult win[LR_NWIN];
	double		growth_3m;
} LrProfileResult;

/* Computes the profile; scratch memory from a (freed when a->free is set). */
extern bool lr_profile_compute(const LrProfileState *st, const LrAlloc *a, LrProfileResult *res,
							   LrError *err);

/* ---- borrowing behaviour */

typedef struct LrLoan
{
	int32_t		start;			/* days since 2000-01-01 */
	int32_t		end;			/* repaid or closed; LR_LOAN_OPEN when not */
	int64_t		amount;			/* units; -1 when unknown */
	int32_t		dpd;			/* days past due; -1 when unknown */
} LrLoan;

#define LR_LOAN_OPEN INT32_MAX
#define LR_LOANS_MAX 1000000

typedef struct LrBorrowState
{
	uint8_t		asof_mode;
	int32_t		asof;			/* LR_ASOF_GIVEN: the as_of date */
	int32_t		max_date;		/* latest start or end date seen */
	LrLoan	   *loans;
	uint32_t	n;
	uint32_t	cap;
} LrBorrowState;

extern const LrStateOps lr_borrow_ops;

extern bool lr_borrow_add(LrBorrowState *st, const LrAlloc *a, LrAsOfMode mode, int32_t asof,
						  const LrLoan *loan, LrError *err);

typedef struct LrBorrowResult
{
	int32_t		asof;
	int64_t		loans_total;
	int32_t		loans_6m;
	int32_t		loans_12m;
	int32_t		open_loans;
	double		avg_amount_12m;
	double		avg_amount_all;
	double		avg_days_used_12m;
	int32_t		max_dpd_12m;	/* -1: NULL */
	int32_t		max_dpd_all;	/* -1: NULL */
	double		on_time_share_12m;
	int32_t		days_since_last_loan;
	int32_t		short_loans_6m;
	int32_t		quick_reborrows_6m;
	int32_t		small_loans_6m;
	bool		frequent_flag;
	bool		short_flag;
	bool		urgent_flag;
	bool		small_flag;
	bool		pattern_flag;
	int32_t		pattern_score;
} LrBorrowResult;

extern bool lr_borrow_compute(const LrBorrowState *st, const LrAlloc *a, LrBorrowResult *res,
							  LrError *err);

/* Date arithmetic on days since 2000-01-01 (proleptic Gregorian, as PostgreSQL). */
extern int32_t lr_days_minus_months(int32_t day, int months);

/* ---- store normalisations (pure C) */

/* Standard normal quantile (Wichura's AS 241, relative error about 1e-16). */
extern double lr_norm_quantile(double p);
extern double lr_wilson_lower(int64_t positive, int64_t total, double confidence);

#endif							/* LR_FEATURES_H */
