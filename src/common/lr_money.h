/*
 * lr_money.h
 *	  Money over the numeric API, for every area: amounts arrive as numeric
 *	  and leave as numeric, and in between are exact integers of one scale.
 *
 * The scale is 4 decimals (LR_MONEY_UNITS units of 0.0001 per currency
 * unit, lr_base.h): numeric's own digit, so a stored numeric converts without
 * arithmetic (lr_numeric.h), and sums of amounts (128-bit) are exact.
 * Amounts are below 10^14 currency units.  A rule that takes amounts to the
 * cent (credit decisions, product terms: 10^13 at most) reads them as cents,
 * rounded half away from zero like numeric's round(x, 2); a cent is 100
 * units.  Rates and other fractions are exact decimals at scale 18.
 *
 * Errors name the argument or column and show the value:
 *   principal must be a finite amount, not NaN                (22023)
 *   principal 2e13 exceeds the largest supported amount 10000000000000 (22003)
 *   principal -5 is negative                                  (22023)
 */
#ifndef LR_MONEY_H
#define LR_MONEY_H

#include "postgres.h"

#include "common/lr_numeric_pg.h"

/* numeric -> units; errors for NaN, infinities and |x| >= 10^14. */
extern int64 lr_money_units(Datum num, const char *what);

/*
 * float8 -> units (x * 10000 rounded half away from zero); the same errors.
 * lr_money_units_try is the version that returns false instead.
 */
extern int64 lr_money_units_float8(double x, const char *what);
extern bool lr_money_units_try(double x, int64 *units);

/*
 * numeric -> cents, rounding half away from zero.  NaN, infinities,
 * negative amounts (unless allowed) and amounts above 10^13 are errors that
 * name the argument.
 */
extern int64 lr_arg_cents(Datum num, const char *argname, bool allow_negative);

/* numeric -> rate at scale 18 within [lo, hi]; range_text completes "<arg> X is not ..." */
extern lr_i128 lr_arg_rate(Datum num, const char *argname, lr_i128 lo, lr_i128 hi,
						   const char *range_text);

/* numeric -> double for rate-of-return flows: finite, |v| <= 10^13 */
extern double lr_arg_amount(Datum num, const char *argname);

/*
 * A value of a number column (integer, float or numeric) as numeric: floats
 * by their shortest round-trip digits (what float8out writes), so 0.1
 * stays one tenth.
 */
extern Datum lr_numeric_of(Datum d, Oid type);

/* Output: cents, units (at least min_decimals), or v / 10^scale as numeric. */
extern Datum lr_cents_datum(int64 cents);
extern Datum lr_money_datum(lr_i128 units, int min_decimals);
extern Datum lr_scaled_datum(lr_i128 v, int scale, int min_decimals);

#endif							/* LR_MONEY_H */
