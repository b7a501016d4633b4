/*
 * lr_numeric_pg.c
 *	  The backend's side of lr_numeric.h: numeric Datums decoded in place, and
 *	  converted to double exactly as PostgreSQL's numeric_float8_no_overflow
 *	  converts them (through the decimal text and strtod), without the text.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "common/lr_numeric.h"
#include "common/lr_numeric_pg.h"
#include "common/lr_pg.h"

void
lr_numeric_digits(Datum d, LrNumDigits *n)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(d);

	if (!lr_num_decode((const uint8_t *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), n))
		elog(ERROR, "invalid numeric value");
}

double
lr_numeric_float8(Datum d)
{
	LrNumDigits n;

	lr_numeric_digits(d, &n);
	return lr_num_double(&n);
}

LrNumericStatus
lr_numeric_scaled(Datum num, int scale, lr_i128 limit, lr_i128 *out)
{
	LrNumDigits n;

	Assert(scale >= 0 && scale <= 18);
	lr_numeric_digits(num, &n);
	switch (n.kind)
	{
		case LR_NUM_NAN:
			return LR_NUMERIC_NAN;
		case LR_NUM_PINF:
			return LR_NUMERIC_POS_INF;
		case LR_NUM_NINF:
			return LR_NUMERIC_NEG_INF;
		case LR_NUM_FINITE:
			break;
	}
	return lr_num_scaled(&n, scale, limit, out) ? LR_NUMERIC_OK : LR_NUMERIC_RANGE;
}

Datum
lr_numeric_from_scaled(lr_i128 v, int scale, int min_decimals)
{
	char		buf[80];
	char	   *q = buf + sizeof(buf);
	bool		neg = v < 0;
	lr_u128		u = neg ? (lr_u128) (-(v + 1)) + 1 : (lr_u128) v;
	int			k;

	/* Trailing zeros off the fraction, down to min_decimals. */
	while (scale > min_decimals && u % 10 == 0)
	{
		u /= 10;
		scale--;
	}
	if (u <= (lr_u128) PG_INT64_MAX)
		return NumericGetDatum(int64_div_fast_to_numeric(neg ? -(int64) u : (int64) u, scale));

	/* Beyond int64: numeric_in of the digits. */
	*--q = '\0';
	for (k = 0; u > 0 || k <= scale; k++)
	{
		if (k == scale && scale > 0)
			*--q = '.';
		*--q = (char) ('0' + (int) (u % 10));
		u /= 10;
	}
	if (neg)
		*--q = '-';
	return DirectFunctionCall3(numeric_in, CStringGetDatum(q), ObjectIdGetDatum(InvalidOid),
							   Int32GetDatum(-1));
}

const char *
lr_numeric_text(Datum num)
{
	char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out, num));
	char		buf[64];

	if (strlen(s) <= 24)
		return s;
	lr_pg_format_double(buf, sizeof(buf), lr_numeric_float8(num));
	return pstrdup(buf);
}
