/*
 * lr_numeric.h
 *	  numeric datums as exact scaled integers and back: the one decoder of
 *	  numeric's stored digits in the extension (money, rates, amounts, and
 *	  any numeric input a kernel reads row by row).
 *
 * A numeric is read from its stored form (base-10000 digits, a weight and a
 * sign) without numeric arithmetic or text, so a row costs a few integer
 * operations; the result equals rounding numeric_out's text half away from
 * zero at the scale (what numeric's round(x, scale) does), for every stored
 * form: short and long headers, NaN, Infinity and -Infinity, zero,
 * negative values, large and negative weights, and digits beyond the display
 * scale.  Writing back uses the numeric API (int64_div_fast_to_numeric,
 * numeric_in for values beyond int64).
 */
#ifndef LR_NUMERIC_H
#define LR_NUMERIC_H

#include "postgres.h"

#include "common/lr_base.h"

typedef enum LrNumericStatus
{
	LR_NUMERIC_OK = 0,
	LR_NUMERIC_NAN,
	LR_NUMERIC_POS_INF,
	LR_NUMERIC_NEG_INF,
	LR_NUMERIC_RANGE			/* |value| * 10^scale, rounded, exceeds limit */
} LrNumericStatus;

/*
 * num as v * 10^-scale (0 <= scale <= 18), rounded half away from zero;
 * *out is set when the status is LR_NUMERIC_OK.  limit (< 10^30) bounds
 * |v|.
 */
extern LrNumericStatus lr_numeric_scaled(Datum num, int scale, lr_i128 limit, lr_i128 *out);

/*
 * v * 10^-scale as a numeric whose display scale keeps min_decimals and as
 * many more decimals as v needs (trailing zeros trimmed down to
 * min_decimals).
 */
extern Datum lr_numeric_from_scaled(lr_i128 v, int scale, int min_decimals);

/* numeric_out of num for messages; beyond 24 characters its float8 text (1e+300, not 301 digits). */
extern const char *lr_numeric_text(Datum num);

#endif							/* LR_NUMERIC_H */
