/*
 * credit.h
 *	  Credit decisions in pure C: exact decimals and money, credit-limit,
 *	  limit-adjustment and pricing policies (parsed and validated from JSON),
 *	  repayment schedules, the internal-rate-of-return solver, and the states
 *	  of the apr and daily_interest aggregates.
 *
 * Nothing here includes PostgreSQL headers: the same code runs in a backend
 * and in the fuzz targets of test/fuzz.  The SQL wrappers live in
 * limit.c, price.c, schedule.c, apr.c and daily.c.
 *
 * Money is held as int64 cents.  Every amount that enters is taken to the
 * cent, rounding half away from zero (what numeric round(x, 2) does); every
 * computed amount is rounded by the rule stated where it is computed.
 * Rates and other fractions are exact decimals with 18 decimal places
 * (lr_i128 scaled by 10^18); digits beyond the 18th are rounded half away
 * from zero.  Products of money and rates are exact in 128 bits, checked for
 * overflow, before the one rounding to cents.
 */
#ifndef LR_CREDIT_H
#define LR_CREDIT_H

#include "common/lr_base.h"
#include "common/lr_json.h"
#include "common/lr_jv.h"
#include "common/lr_state_ops.h"

/* ---- Exact decimals (money.c) ---------------------------------------- */

#define LR_RATE_ONE			((lr_i128) 1000000000000000000LL)	/* 10^18 */

typedef enum LrDecStatus
{
	LR_DEC_OK = 0,
	LR_DEC_SYNTAX,				/* not a decimal number */
	LR_DEC_NAN,
	LR_DEC_INF,					/* Infinity or -Infinity */
	LR_DEC_RANGE,				/* magnitude above the limit */
	LR_DEC_INEXACT				/* digits beyond the scale, with round = false */
} LrDecStatus;

/*
 * Parses decimal text ("-12.50", "1e-3", "NaN", "Infinity") into
 * v * 10^scale.  Extra digits are rounded half away from zero when round is
 * true, else reported as LR_DEC_INEXACT.  |result| must not exceed limit.
 */
extern LrDecStatus lr_dec_parse(const char *s, size_t len, int scale, bool round,
								lr_i128 limit, lr_i128 *out);

/*
 * A decimal number field of a JSON object exactly as written in src (the
 * text obj was parsed from), as v * 10^scale within [lo, hi]; null is absent
 * unless required.  Errors name the field and say the value is not
 * range_text ("a rate from 0 to 100").
 */
extern bool lr_dec_field(LrJv *v, const LrJson *obj, const char *key, bool required, int scale,
						 lr_i128 lo, lr_i128 hi, const char *range_text, const char *src,
						 size_t srclen, lr_i128 *out, bool *present);

/* Writes v / 10^scale with at least min_decimals decimals (trailing zeros trimmed down to that). */
extern int	lr_dec_format(char *buf, size_t buflen, lr_i128 v, int scale, int min_decimals);

/*
 * A double as the decimal text that reads back as the same double: the
 * shortest when it has at most 15 significant digits, else 16 or 17 ("%g").
 */
extern int	lr_double_str(char *buf, size_t buflen, double d);

/* Money (cents) as text: "-1234.50". */
extern const char *lr_cents_str(char *buf, size_t buflen, int64_t cents);

/* Rate (scale 18) as a short decimal: "0.18". */
extern const char *lr_rate_str(char *buf, size_t buflen, lr_i128 rate);

/* Rate (scale 18) as a percentage: "18%" or "0.5%". */
extern const char *lr_pct_str(char *buf, size_t buflen, lr_i128 rate);

/* Integer division rounding half away from zero / down / up (den > 0). */
extern lr_i128 lr_div_round(lr_i128 num, lr_i128 den);
extern lr_i128 lr_div_floor(lr_i128 num, lr_i128 den);
extern lr_i128 lr_div_ceil(lr_i128 num, lr_i128 den);

/* a * b, false on overflow. */
static inline bool
lr_mul_i128(lr_i128 a, lr_i128 b, lr_i128 *out)
{
	return !__builtin_mul_overflow(a, b, out);
}

/* ---- Double-double arithmetic (money.c) ------------------------------ */

/*
 * About 32 significant digits with IEEE double operations and fma() only,
 * so the results (annuity payments, debt-service limits) are the same on
 * every machine; used where an irrational quantity is rounded to cents.
 */
typedef struct LrDD
{
	double		hi;
	double		lo;
} LrDD;

extern LrDD lr_dd_from_i128(lr_i128 v);
extern LrDD lr_dd_add(LrDD a, LrDD b);
extern LrDD lr_dd_mul(LrDD a, LrDD b);
extern LrDD lr_dd_div(LrDD a, LrDD b);
/* floor(a) as an integer; false if it does not fit in int64. */
extern bool lr_dd_floor(LrDD a, int64_t *out);

/*
 * Present value of an annuity of 1 per month for n months at annual_rate/12
 * a month: (1 - (1+i)^-n) / i, or n when the rate is 0.
 */
extern LrDD lr_annuity_factor(lr_i128 annual_rate, int n);

/* ---- Repayment schedules (schedule_core.c) ---------------------------- */

typedef enum LrSchedMethod
{
	LR_SCHED_EQUAL_INSTALLMENT = 1,
	LR_SCHED_EQUAL_PRINCIPAL,
	LR_SCHED_INTEREST_ONLY,
	LR_SCHED_FLAT
} LrSchedMethod;

#define LR_TERM_MAX			1200	/* months (100 years) */
#define LR_SCHED_RATE_MAX	(100 * LR_RATE_ONE)	/* 10,000% a year */

typedef struct LrSchedRow
{
	int64_t		payment;
	int64_t		principal;
	int64_t		interest;
	int64_t		balance;		/* after this period's payment */
} LrSchedRow;

extern bool lr_sched_method_parse(const char *s, size_t len, LrSchedMethod *m, LrError *err);
extern const char *lr_sched_method_name(LrSchedMethod m);

/* Checks principal (cents), annual rate (scale 18) and term; err names the bad argument. */
extern bool lr_sched_check_args(int64_t principal, lr_i128 annual_rate, int term, LrError *err);

/* Fills rows[0..term-1]; arguments must have passed lr_sched_check_args. */
extern bool lr_schedule(int64_t principal, lr_i128 annual_rate, int term, LrSchedMethod m,
						LrSchedRow *rows, LrError *err);

/* ---- Internal rate of return (irr.c) --------------------------------- */

typedef struct LrFlow
{
	double		t;				/* time, in the unit the rate is per */
	double		a;				/* amount: negative out, positive in */
	double		la;				/* log |a|, scratch for lr_irr */
} LrFlow;

/*
 * Finds x = ln(1 + r) with sum a_k (1 + r)^-t_k = 0, the root nearest to
 * r = 0.  flows must be sorted by t with distinct t, amounts finite.
 * Errors: flows that do not change sign, all on one date, no root, or a
 * root beyond r = 10^300 (too large to represent).  A root below
 * r = -100% + 2e-22 comes back as -Infinity (r = -100% in every digit).
 */
extern bool lr_irr(LrFlow *flows, size_t n, double *log1p_rate, LrError *err);

/* Sorts flows by (t, a) and merges equal times (sums in that order); returns the new count. */
extern size_t lr_flows_coalesce(LrFlow *flows, size_t n);

/*
 * x = ln(1 + r) of a schedule's periodic rate of return: the borrower
 * receives principal - fee (cents) at time 0 and pays rows[k].payment at
 * period k + 1 (what schedule_apr reports).  flows: scratch of term + 1.
 */
extern bool lr_schedule_irr(const LrSchedRow *rows, int term, int64_t principal, int64_t fee,
							LrFlow *flows, double *log1p_rate, LrError *err);

/* ---- Credit limit (policy.c, decide.c) -------------------------------- */

typedef enum LrLimitBinding
{
	LR_BIND_REVENUE = 1,
	LR_BIND_DEBT_SERVICE,
	LR_BIND_MAX_LIMIT,
	LR_BIND_MIN_LIMIT,
	LR_BIND_PD_BAND
} LrLimitBinding;

typedef struct LrLimitBand
{
	double		max_pd;
	lr_i128		multiple;		/* scale 18 */
	const char *name;			/* NULL if unnamed */
	/* texts for reasons, made once when the policy is compiled */
	char		multiple_str[48];
	char		band_str[112];	/* "band A (pd <= 0.02)" or "the band pd <= 0.02" */
} LrLimitBand;

typedef struct LrLimitPolicy
{
	size_t		nbands;
	LrLimitBand *bands;
	bool		has_debt_service;
	lr_i128		ds_share;		/* share of monthly revenue, scale 18 */
	lr_i128		ds_rate;		/* product's annual rate, scale 18 */
	int			ds_term;		/* months */
	bool		existing_is_balance;	/* existing_debt is a balance, not a monthly payment */
	LrDD		ds_factor;		/* annuity factor of rate and term */
	int64_t		min_limit;		/* cents */
	int64_t		max_limit;		/* cents, -1 = none */
	int64_t		step;			/* cents, >= 1 */
	/* texts for reasons, made once when the policy is compiled */
	char		ds_str[128];	/* "12-month installments at 24% within 30% of monthly revenue" */
	char		min_str[32];
	char		max_str[32];
	char		step_str[32];
} LrLimitPolicy;

typedef struct LrLimitResult
{
	bool		approved;
	int64_t		limit;			/* cents, 0 when declined */
	LrLimitBinding binding;
	int64_t		revenue_cap;	/* cents, -1 when not computed (PD outside the bands) */
	int64_t		debt_service_cap;	/* cents, -1 when the policy has none */
	char		reason[400];
} LrLimitResult;

extern bool lr_limit_policy_parse(const char *text, size_t len, LrArena *arena,
								  const LrJsonOptions *opts, LrLimitPolicy **out, LrError *err);
/* pd in [0, 1]; revenue and existing in cents, >= 0 (the wrapper checks). */
extern void lr_credit_limit(const LrLimitPolicy *p, double pd, int64_t revenue,
							int64_t existing, LrLimitResult *r);
extern const char *lr_limit_binding_name(LrLimitBinding b);

/* ---- Limit adjustment ------------------------------------------------- */

typedef enum LrAdjAction
{
	LR_ADJ_INCREASE = 1,
	LR_ADJ_DECREASE,
	LR_ADJ_HOLD,
	LR_ADJ_FREEZE
} LrAdjAction;

typedef enum LrFreezeLimit
{
	LR_FREEZE_DRAWN = 1,		/* new limit = drawn amount: nothing more can be drawn */
	LR_FREEZE_CURRENT,			/* limit kept; the action tells the servicing system to block */
	LR_FREEZE_ZERO
} LrFreezeLimit;

typedef struct LrAdjustPolicy
{
	int64_t		step;			/* rounding step, cents */
	int			cooldown_months;

	bool		has_freeze;
	int			freeze_dpd;
	LrFreezeLimit freeze_limit;

	bool		has_decrease;
	lr_i128		dec_step;		/* fraction of the current limit, scale 18 */
	int			dec_dpd;		/* -1 = no trigger */
	double		dec_pd;			/* < 0 = no trigger */
	double		dec_pd_ratio;	/* < 0 = no trigger */
	int64_t		dec_min_limit;	/* cents */
	bool		dec_floor_at_drawn;

	bool		has_increase;
	lr_i128		inc_step;		/* fraction, scale 18 */
	int64_t		inc_max_increase;	/* cents, -1 = none */
	int64_t		inc_max_limit;	/* cents, -1 = none */
	double		inc_min_utilisation;
	double		inc_max_pd;		/* > 1 = no condition */
	double		inc_max_pd_ratio;	/* < 0 = no condition */
	int			inc_min_months_on_book;
	int			inc_max_dpd;
} LrAdjustPolicy;

typedef struct LrAdjustInput
{
	int64_t		current_limit;	/* cents */
	double		utilisation;
	int			max_dpd;
	double		pd_at_grant;
	double		pd_now;
	int			months_on_book;
	int			months_since_change;
} LrAdjustInput;

typedef struct LrAdjustResult
{
	int64_t		new_limit;
	LrAdjAction action;
	const char *rule;			/* static string, see doc/decisions.md */
	char		reason[400];
} LrAdjustResult;

extern bool lr_adjust_policy_parse(const char *text, size_t len, LrArena *arena,
								   const LrJsonOptions *opts, LrAdjustPolicy **out, LrError *err);
extern void lr_adjust_limit(const LrAdjustPolicy *p, const LrAdjustInput *in, LrAdjustResult *r);
extern const char *lr_adj_action_name(LrAdjAction a);

/* ---- Pricing ---------------------------------------------------------- */

#define LR_PRICE_SCALE 10		/* decimals of the rate breakdown */

typedef struct LrPricePolicy
{
	lr_i128		cost_of_funds;	/* annual, scale 18 */
	lr_i128		acquisition_cost;	/* one-off fraction of principal, scale 18 */
	lr_i128		credit_data_cost;	/* one-off fraction of principal, scale 18 */
	lr_i128		operating_cost; /* annual */
	lr_i128		management_cost;	/* annual */
	lr_i128		target_margin;	/* annual */
	int			pd_horizon_months;	/* 0 = the loan's term */
	bool		has_cap;
	lr_i128		apr_cap;		/* scale 18 */
	bool		cap_effective;	/* the cap is on the effective annual rate */
	lr_i128		cap_nominal;	/* the cap as a nominal rate, scale 10, rounded down */
	lr_i128		rate_step;		/* scale 10, >= 1 */
} LrPricePolicy;

typedef struct LrPriceResult
{
	bool		approved;
	bool		capped;
	/* all scale 10 */
	lr_i128		rate;			/* offered annual rate (meaningless when declined) */
	lr_i128		required_rate;	/* sum of the components rounded up to the step */
	lr_i128		cost_of_funds;
	lr_i128		acquisition_cost;
	lr_i128		credit_data_cost;
	lr_i128		expected_loss;
	lr_i128		operating_cost;
	lr_i128		management_cost;
	lr_i128		target_margin;
	lr_i128		margin;			/* rate minus all costs */
	char		reason[400];
} LrPriceResult;

extern bool lr_price_policy_parse(const char *text, size_t len, LrArena *arena,
								  const LrJsonOptions *opts, LrPricePolicy **out, LrError *err);
/* pd, lgd in [0, 1]; term in [1, LR_TERM_MAX] (the wrapper checks). */
extern void lr_price_loan(const LrPricePolicy *p, double pd, double lgd, int term, LrPriceResult *r);

/* ---- Aggregate states (apr_state.c, daily_state.c) -------------------- */

/* Finite PostgreSQL dates, as days since 2000-01-01 (IS_VALID_DATE). */
#define LR_DATE_MIN			(-2451545)
#define LR_DATE_END			2145031949	/* exclusive */

/* apr(amount, paid_on): every flow, kept until the final function. */
typedef struct LrAprFlow
{
	int32_t		day;			/* PostgreSQL date (days since 2000-01-01) */
	double		amount;
} LrAprFlow;

typedef struct LrAprState
{
	const LrAlloc *a;
	size_t		n;
	size_t		cap;
	LrAprFlow  *flows;
} LrAprState;

extern const LrStateOps lr_apr_ops;
extern bool lr_apr_add(LrAprState *st, int32_t day, double amount, LrError *err);
/* The XIRR-style annual rate of the flows, as r. */
extern bool lr_apr_compute(const LrAprState *st, const LrAlloc *a, double *rate, LrError *err);

/* daily_interest(amount, on_date, daily_rate, as_of): draws and repayments. */
typedef struct LrDailyEvent
{
	int32_t		day;
	int64_t		cents;			/* draw > 0, repayment < 0 */
} LrDailyEvent;

typedef struct LrDailyState
{
	const LrAlloc *a;
	bool		has_terms;		/* rate and as_of set (by the first row) */
	lr_i128		rate;			/* daily rate, scale 18 */
	int32_t		as_of;
	size_t		n;
	size_t		cap;
	LrDailyEvent *events;
} LrDailyState;

#define LR_DAILY_RATE_MAX	LR_RATE_ONE	/* 100% a day */

extern const LrStateOps lr_daily_ops;
extern bool lr_daily_add(LrDailyState *st, int32_t day, int64_t cents, lr_i128 rate,
						 int32_t as_of, LrError *err);
/* Interest in cents, and the balance-days it came from. */
extern bool lr_daily_compute(const LrDailyState *st, const LrAlloc *a, lr_i128 *interest,
							 lr_i128 *balance_days, LrError *err);

#endif							/* LR_CREDIT_H */
