/*
 * lr_numeric_pg.h
 *	  numeric Datums read from their stored bytes (see lr_numeric.h).
 */
#ifndef LR_NUMERIC_PG_H
#define LR_NUMERIC_PG_H

#include "postgres.h"

#include "common/lr_numeric.h"

/* Decodes a numeric Datum in place (detoasting a packed value only if it must). */
extern void lr_numeric_digits(Datum d, LrNumDigits *n);

/*
 * The numeric as a double, bit for bit what numeric_float8_no_overflow (and,
 * within double's range, the numeric::float8 cast) returns: NaN and
 * +/-Infinity pass through, values beyond double's range become +/-Infinity.
 */
extern double lr_numeric_float8(Datum d);

typedef enum LrNumericStatus
{
	LR_NUMERIC_OK = 0,
	LR_NUMERIC_NAN,
	LR_NUMERIC_POS_INF,
	LR_NUMERIC_NEG_INF,
	LR_NUMERIC_RANGE			/* |value| * 10^scale, rounded, exceeds limit */
} LrNumericStatus;

/*
 * num as v * 10^-scale (0 <= scale <= 18), rounded half away from zero (as
 * round(num, scale)); *out is set when the status is LR_NUMERIC_OK.  limit
 * (< 10^30) bounds |v|.  Money and rates read numeric through this
 * (common/lr_money.h); sql/common_numeric.sql checks it against round() on
 * every stored form.
 */
extern LrNumericStatus lr_numeric_scaled(Datum num, int scale, lr_i128 limit, lr_i128 *out);

/*
 * v * 10^-scale as a numeric (the numeric API: int64_div_fast_to_numeric,
 * numeric_in beyond int64) whose display scale keeps min_decimals and as
 * many more decimals as v needs (trailing zeros trimmed down to
 * min_decimals).
 */
extern Datum lr_numeric_from_scaled(lr_i128 v, int scale, int min_decimals);

/* numeric_out of num for messages; beyond 24 characters its float8 text (1e+300, not 301 digits). */
extern const char *lr_numeric_text(Datum num);

#endif							/* LR_NUMERIC_PG_H */
