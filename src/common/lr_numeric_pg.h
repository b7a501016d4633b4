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

#endif							/* LR_NUMERIC_PG_H */
