/*
 * lr_money.c
 *	  Money over the numeric API; see lr_money.h.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "common/lr_money.h"
#include "common/lr_pg.h"

/* The value at scale within limit, or the error every money input raises. */
static lr_i128
MoneyScaled(Datum num, int scale, lr_i128 limit, const char *what, const char *limit_text)
{
	lr_i128		v = 0;

	switch (lr_numeric_scaled(num, scale, limit, &v))
	{
		case LR_NUMERIC_OK:
			break;
		case LR_NUMERIC_RANGE:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s %s exceeds the largest supported amount %s",
							what, lr_numeric_text(num), limit_text)));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be a finite amount, not %s", what, lr_numeric_text(num))));
	}
	return v;
}

int64
lr_money_units(Datum num, const char *what)
{
	return (int64) MoneyScaled(num, LR_MONEY_SCALE, LR_MONEY_UNITS_LIMIT - 1, what, "99999999999999.9999");
}

bool
lr_money_units_try(double x, int64 *units)
{
	double		v = x * LR_MONEY_UNITS;

	if (!(fabs(v) < (double) LR_MONEY_UNITS_LIMIT))
		return false;			/* NaN too */
	*units = (int64) llround(v);
	return true;
}

int64
lr_money_units_float8(double x, const char *what)
{
	int64		units = 0;
	char		buf[32];

	if (!lr_money_units_try(x, &units))
	{
		lr_pg_format_double(buf, sizeof(buf), x);
		if (isnan(x) || isinf(x))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be a finite amount, not %s", what, buf)));
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s %s exceeds the largest supported amount 99999999999999.9999", what, buf)));
	}
	return units;
}

int64
lr_arg_cents(Datum num, const char *argname, bool allow_negative)
{
	lr_i128		v = MoneyScaled(num, 2, LR_MONEY_MAX_CENTS, argname, "10000000000000");

	if (v < 0 && !allow_negative)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %s is negative", argname, lr_numeric_text(num))));
	return (int64) v;
}

lr_i128
lr_arg_rate(Datum num, const char *argname, lr_i128 lo, lr_i128 hi, const char *range_text)
{
	lr_i128		v = 0;
	LrNumericStatus st = lr_numeric_scaled(num, LR_RATE_SCALE, hi > -lo ? hi : -lo, &v);

	if (st == LR_NUMERIC_NAN || st == LR_NUMERIC_POS_INF || st == LR_NUMERIC_NEG_INF)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite rate, not %s", argname, lr_numeric_text(num))));
	if (st != LR_NUMERIC_OK || v < lo || v > hi)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %s is not %s", argname, lr_numeric_text(num), range_text),
				 errhint("Rates are fractions: 0.18 is 18%%.")));
	return v;
}

double
lr_arg_amount(Datum num, const char *argname)
{
	Numeric		n = DatumGetNumeric(num);
	double		v;

	if (numeric_is_nan(n) || numeric_is_inf(n))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite amount, not %s", argname, lr_numeric_text(num))));
	v = lr_numeric_float8(num);
	if (fabs(v) > (double) LR_MONEY_MAX_CENTS / 100)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s %s exceeds the largest supported amount 10000000000000", argname,
						lr_numeric_text(num))));
	return v;
}

Datum
lr_numeric_of(Datum d, Oid type)
{
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

	switch (type)
	{
		case NUMERICOID:
			return d;
		case INT2OID:
			return NumericGetDatum(int64_to_numeric(DatumGetInt16(d)));
		case INT4OID:
			return NumericGetDatum(int64_to_numeric(DatumGetInt32(d)));
		case INT8OID:
			return NumericGetDatum(int64_to_numeric(DatumGetInt64(d)));
		case FLOAT4OID:
			float_to_shortest_decimal_buf(DatumGetFloat4(d), buf);
			break;
		case FLOAT8OID:
			double_to_shortest_decimal_buf(DatumGetFloat8(d), buf);
			break;
		default:
			elog(ERROR, "lr_numeric_of: unexpected type %u", type);
	}
	/* numeric_in reads "NaN", "Infinity" and "-Infinity" too. */
	return DirectFunctionCall3(numeric_in, CStringGetDatum(buf), ObjectIdGetDatum(InvalidOid),
							   Int32GetDatum(-1));
}

Datum
lr_cents_datum(int64 cents)
{
	return NumericGetDatum(int64_div_fast_to_numeric(cents, 2));
}

Datum
lr_money_datum(lr_i128 units, int min_decimals)
{
	return lr_numeric_from_scaled(units, LR_MONEY_SCALE, min_decimals);
}

Datum
lr_scaled_datum(lr_i128 v, int scale, int min_decimals)
{
	return lr_numeric_from_scaled(v, scale, min_decimals);
}
