/*
 * lr_numeric.c
 *	  numeric datums as exact scaled integers and back; see lr_numeric.h.
 *
 * The stored form of a numeric (src/backend/utils/adt/numeric.c, stable on
 * disk since PostgreSQL 8.3; the special values since 14):
 *
 *   uint16 header, then for the long form an int16 weight, then int16
 *   digits in base 10000, most significant first, the first at position
 *   weight (value = sum digit[i] * 10000^(weight - i)).
 *
 *   header & 0xC000 == 0xC000   special: 0xC000 NaN, 0xD000 +Infinity,
 *                               0xF000 -Infinity
 *   header & 0x8000             short form: sign 0x2000, display scale in
 *                               bits 7..12, weight in 0x003F with sign 0x0040
 *   otherwise                   long form: sign 0x4000 (negative), display
 *                               scale in 0x3FFF
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/numeric.h"

#include "common/lr_numeric.h"
#include "common/lr_pg.h"

#define NUM_SPECIAL_MASK	0xC000
#define NUM_SPECIAL			0xC000
#define NUM_PINF			0xD000
#define NUM_NINF			0xF000
#define NUM_SHORT			0x8000
#define NUM_SHORT_NEG		0x2000
#define NUM_SHORT_WNEG		0x0040
#define NUM_SHORT_WMASK		0x003F
#define NUM_LONG_NEG		0x4000

static const int32 pow10_4[5] = {1, 10, 100, 1000, 10000};

LrNumericStatus
lr_numeric_scaled(Datum num, int scale, lr_i128 limit, lr_i128 *out)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(num);
	const uint8 *p = (const uint8 *) VARDATA_ANY(v);
	int			len = VARSIZE_ANY_EXHDR(v);
	uint16		hdr;
	int			weight;
	bool		neg;
	int			hdrlen;
	int			ndigits;
	int			i = 0;
	int			pos;
	int			e;
	int			d;
	lr_i128		acc = 0;

	Assert(scale >= 0 && scale <= 18);
	if (len < 2)
		elog(ERROR, "invalid numeric value");
	memcpy(&hdr, p, sizeof(uint16));
	if ((hdr & NUM_SPECIAL_MASK) == NUM_SPECIAL)
		return hdr == NUM_PINF ? LR_NUMERIC_POS_INF : hdr == NUM_NINF ? LR_NUMERIC_NEG_INF : LR_NUMERIC_NAN;
	if (hdr & NUM_SHORT)
	{
		neg = (hdr & NUM_SHORT_NEG) != 0;
		weight = (hdr & NUM_SHORT_WNEG) ? (int) (hdr & NUM_SHORT_WMASK) - 64 : (int) (hdr & NUM_SHORT_WMASK);
		hdrlen = 2;
	}
	else
	{
		int16		w;

		if (len < 4)
			elog(ERROR, "invalid numeric value");
		neg = (hdr & NUM_LONG_NEG) != 0;
		memcpy(&w, p + 2, sizeof(int16));
		weight = w;
		hdrlen = 4;
	}
	ndigits = (len - hdrlen) / 2;

	/*
	 * Whole base-10000 digits: those whose units place is at or above
	 * 10^-scale.  The digit at position pos has its units at 10^(4 pos), so
	 * at 10^(4 pos + scale) after scaling.
	 */
	for (pos = weight; 4 * pos + scale >= 0; pos--, i++)
	{
		int16		dg = 0;

		if (i < ndigits)
			memcpy(&dg, p + hdrlen + 2 * i, sizeof(int16));
		acc = acc * 10000 + dg;
		if (acc > limit)
			return LR_NUMERIC_RANGE;
	}

	/*
	 * The next digit holds the last decimals kept (e of them, 0 to 3) and
	 * the first one dropped, which rounds.  A value whose first digit lies
	 * wholly below 10^-(scale + 1) rounds to zero.
	 */
	e = 4 * (pos + 1) + scale;
	d = 0;
	if (i < ndigits && e >= 0)
	{
		int16		dg;

		memcpy(&dg, p + hdrlen + 2 * i, sizeof(int16));
		d = dg;
	}
	if (e >= 0)
	{
		acc = acc * pow10_4[e] + d / pow10_4[4 - e];
		if ((d / pow10_4[3 - e]) % 10 >= 5)
			acc++;
		if (acc > limit)
			return LR_NUMERIC_RANGE;
	}
	*out = neg ? -acc : acc;
	return LR_NUMERIC_OK;
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
	lr_pg_format_double(buf, sizeof(buf),
						DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, num)));
	return pstrdup(buf);
}
