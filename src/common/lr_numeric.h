/*
 * lr_numeric.h
 *	  PostgreSQL's numeric values read from their stored bytes: one decoder of
 *	  the on-disk form (sign, weight, base-10000 digits) for the whole tree,
 *	  and the conversions built on it.
 *
 * lr_num_decode, lr_num_fast_double, lr_num_double and lr_num_scaled are
 * pure C (no PostgreSQL headers), so test/fuzz/numeric_fuzz.c checks them
 * outside the server.  The backend's entry points (lr_numeric_digits, lr_numeric_float8,
 * lr_numeric_scaled and lr_numeric_from_scaled) are in lr_numeric_pg.c.
 */
#ifndef LR_NUMERIC_H
#define LR_NUMERIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/lr_base.h"

typedef enum LrNumKind
{
	LR_NUM_FINITE = 0,
	LR_NUM_NAN,
	LR_NUM_PINF,
	LR_NUM_NINF
} LrNumKind;

/*
 * A numeric value as stored: (-1)^neg * sum(digit[i] * 10000^(weight - i)).
 * The digits point into the value's bytes (native-order int16, possibly
 * unaligned: read them with lr_num_digit).
 */
typedef struct LrNumDigits
{
	LrNumKind	kind;
	bool		neg;
	int			weight;			/* of the first digit, in powers of 10000 */
	int			dscale;			/* decimal digits after the point, as displayed */
	int			ndigits;
	const uint8_t *digits;
} LrNumDigits;

static inline int
lr_num_digit(const LrNumDigits *n, int i)
{
	int16_t		d;

	memcpy(&d, n->digits + 2 * i, sizeof(d));
	return d;
}

/*
 * Decodes a numeric's stored bytes (after the varlena header, len bytes);
 * false when they cannot be a numeric (too short, or a digit beyond 9999).
 */
extern bool lr_num_decode(const uint8_t *p, size_t len, LrNumDigits *n);

/*
 * The double nearest the value (ties to even, as strtod of its decimal text),
 * when that can be had exactly by one IEEE operation: at most 16 significant
 * decimal digits making an integer m <= 2^53 and a power of ten 10^e with
 * |e| <= 22, both exact doubles, so m * 10^e or m / 10^-e is correctly
 * rounded (Clinger's fast path).  NaN and +/-Infinity map to themselves.
 * False otherwise: the caller converts through the decimal text.
 */
extern bool lr_num_fast_double(const LrNumDigits *n, double *out);

/*
 * The double nearest the value, ties to even: bit for bit strtod of its
 * decimal text, as PostgreSQL's numeric_float8_no_overflow, for every value
 * (beyond double's range +/-Infinity, below half the smallest subnormal a
 * zero of the value's sign; NaN and the infinities map to themselves), with
 * no text: the fast path when it applies, else an estimate corrected by
 * exact integer comparisons with the midpoints between neighbouring doubles.
 */
extern double lr_num_double(const LrNumDigits *n);

/*
 * A finite value as v * 10^-scale (0 <= scale <= 18), rounded half away from
 * zero, as numeric's round(x, scale) and numeric_out's text rounded so; false
 * when |v| would exceed limit (< 10^30).  Reads the digits once, a few
 * integer operations each: no text, no numeric arithmetic.
 */
extern bool lr_num_scaled(const LrNumDigits *n, int scale, lr_i128 limit, lr_i128 *out);

#endif							/* LR_NUMERIC_H */
