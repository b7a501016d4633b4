/*
 * lr_numeric.c
 *	  Decoding PostgreSQL's stored numeric form and its exact fast conversion
 *	  to double.  Pure C: the fuzz target checks it against strtod.
 *
 * The stored form (PostgreSQL 14 and later, src/backend/utils/adt/numeric.c):
 * a 16-bit header, then base-10000 digits as int16.  Header bits 0xC000:
 * 0x0000 positive and 0x4000 negative (long form: a second 16-bit word holds
 * the weight, the first the display scale), 0x8000 short form (sign 0x2000,
 * display scale 0x1F80, weight sign 0x0040 and weight 0x003F), 0xC000
 * special (0xC000 NaN, 0xD000 +Infinity, 0xF000 -Infinity).
 */
#include "common/lr_numeric.h"

bool
lr_num_decode(const uint8_t *p, size_t len, LrNumDigits *n)
{
	uint16_t	hdr;
	size_t		hdrlen;
	int			i;

	if (len < 2)
		return false;
	memcpy(&hdr, p, sizeof(hdr));
	n->neg = false;
	n->weight = 0;
	n->dscale = 0;
	n->ndigits = 0;
	n->digits = p;
	if ((hdr & 0xC000) == 0xC000)
	{
		switch (hdr & 0xF000)
		{
			case 0xC000:
				n->kind = LR_NUM_NAN;
				return true;
			case 0xD000:
				n->kind = LR_NUM_PINF;
				return true;
			case 0xF000:
				n->kind = LR_NUM_NINF;
				return true;
		}
		return false;
	}
	n->kind = LR_NUM_FINITE;
	if (hdr & 0x8000)
	{
		n->neg = (hdr & 0x2000) != 0;
		n->dscale = (hdr & 0x1F80) >> 7;
		n->weight = (hdr & 0x0040) ? (int) (hdr & 0x003F) - 64 : (int) (hdr & 0x003F);
		hdrlen = 2;
	}
	else
	{
		int16_t		w;

		if (len < 4)
			return false;
		n->neg = (hdr & 0xC000) == 0x4000;
		n->dscale = hdr & 0x3FFF;
		memcpy(&w, p + 2, sizeof(w));
		n->weight = w;
		hdrlen = 4;
	}
	if ((len - hdrlen) % 2 != 0)
		return false;
	n->ndigits = (int) ((len - hdrlen) / 2);
	n->digits = p + hdrlen;
	for (i = 0; i < n->ndigits; i++)
	{
		int			d = lr_num_digit(n, i);

		if (d < 0 || d > 9999)
			return false;
	}
	return true;
}

bool
lr_num_fast_double(const LrNumDigits *n, double *out)
{
	/* Every power of ten up to 10^22 is an exact double. */
	static const double p10[23] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
	};
	uint64_t	m = 0;
	int			e10;
	int			i;
	double		v;

	switch (n->kind)
	{
		case LR_NUM_NAN:
			*out = __builtin_nan("");
			return true;
		case LR_NUM_PINF:
			*out = __builtin_inf();
			return true;
		case LR_NUM_NINF:
			*out = -__builtin_inf();
			return true;
		case LR_NUM_FINITE:
			break;
	}
	/* Four base-10000 digits are 16 decimal ones: below 2^64. */
	if (n->ndigits > 4)
		return false;
	for (i = 0; i < n->ndigits; i++)
		m = m * 10000 + (uint64_t) lr_num_digit(n, i);
	if (m == 0)
	{
		*out = 0.0;				/* numeric has no negative zero */
		return true;
	}
	e10 = 4 * (n->weight - n->ndigits + 1);
	/* The last base-10000 digit may end in decimal zeros (12.5 is 12 and 5000). */
	while (e10 < 0 && m != 0 && m % 10 == 0)
	{
		m /= 10;
		e10++;
	}
	if (m > (UINT64_C(1) << 53) || e10 < -22 || e10 > 22)
		return false;
	v = (double) m;
	v = e10 >= 0 ? v * p10[e10] : v / p10[-e10];
	*out = n->neg ? -v : v;
	return true;
}

bool
lr_num_scaled(const LrNumDigits *n, int scale, lr_i128 limit, lr_i128 *out)
{
	static const int32_t pow10_4[5] = {1, 10, 100, 1000, 10000};
	lr_i128		acc = 0;
	int			i = 0;
	int			pos;
	int			e;
	int			d = 0;

	/*
	 * Whole base-10000 digits: those whose units place is at or above
	 * 10^-scale.  The digit at position pos has its units at 10^(4 pos), so
	 * at 10^(4 pos + scale) after scaling.
	 */
	for (pos = n->weight; 4 * pos + scale >= 0; pos--, i++)
	{
		acc = acc * 10000 + (i < n->ndigits ? lr_num_digit(n, i) : 0);
		if (acc > limit)
			return false;
	}

	/*
	 * The next digit holds the last decimals kept (e of them, 0 to 3) and
	 * the first one dropped, which rounds.  A value whose first digit lies
	 * wholly below 10^-(scale + 1) rounds to zero.
	 */
	e = 4 * (pos + 1) + scale;
	if (e >= 0)
	{
		if (i < n->ndigits)
			d = lr_num_digit(n, i);
		acc = acc * pow10_4[e] + d / pow10_4[4 - e];
		if ((d / pow10_4[3 - e]) % 10 >= 5)
			acc++;
		if (acc > limit)
			return false;
	}
	*out = n->neg ? -acc : acc;
	return true;
}
