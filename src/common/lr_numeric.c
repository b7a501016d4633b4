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

/* ---------------------------------------------------------------- exact conversion */

/*
 * Unsigned integers of up to LR_BIG_WORDS 32-bit words, least significant
 * first: enough for the comparison in CmpMidpoint, whose operands stay below
 * 2^5000 (see there).
 */
#define LR_BIG_WORDS 192

typedef struct LrBig
{
	int			n;				/* words in use; no leading zero word */
	uint32_t	w[LR_BIG_WORDS];
} LrBig;

static void
BigSet(LrBig *b, uint64_t v)
{
	b->n = 0;
	while (v != 0)
	{
		b->w[b->n++] = (uint32_t) v;
		v >>= 32;
	}
}

/* b = b * m + add; false if b would outgrow LR_BIG_WORDS. */
static bool
BigMulAdd(LrBig *b, uint32_t m, uint32_t add)
{
	uint64_t	carry = add;

	for (int i = 0; i < b->n; i++)
	{
		uint64_t	t = (uint64_t) b->w[i] * m + carry;

		b->w[i] = (uint32_t) t;
		carry = t >> 32;
	}
	if (carry != 0)
	{
		if (b->n == LR_BIG_WORDS)
			return false;
		b->w[b->n++] = (uint32_t) carry;
	}
	return true;
}

/* b = b * 5^k */
static bool
BigMulPow5(LrBig *b, int k)
{
	for (; k >= 13; k -= 13)
		if (!BigMulAdd(b, UINT32_C(1220703125), 0))	/* 5^13 */
			return false;
	return k == 0 || BigMulAdd(b, (uint32_t) (k == 1 ? 5 : k == 2 ? 25 : k == 3 ? 125 : k == 4 ? 625 :
											  k == 5 ? 3125 : k == 6 ? 15625 : k == 7 ? 78125 :
											  k == 8 ? 390625 : k == 9 ? 1953125 : k == 10 ? 9765625 :
											  k == 11 ? 48828125 : 244140625), 0);
}

/* b = b * 2^s */
static bool
BigShift(LrBig *b, int s)
{
	int			words = s / 32;
	int			bits = s % 32;
	int			i;

	if (b->n == 0)
		return true;
	if (b->n + words + 1 > LR_BIG_WORDS)
		return false;
	b->w[b->n + words] = 0;
	for (i = b->n - 1; i >= 0; i--)
	{
		uint32_t	v = b->w[i];

		if (bits != 0)
			b->w[i + words + 1] |= v >> (32 - bits);
		b->w[i + words] = bits != 0 ? v << bits : v;
	}
	for (i = 0; i < words; i++)
		b->w[i] = 0;
	b->n += words + 1;
	while (b->n > 0 && b->w[b->n - 1] == 0)
		b->n--;
	return true;
}

static int
BigCmp(const LrBig *a, const LrBig *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (int i = a->n - 1; i >= 0; i--)
		if (a->w[i] != b->w[i])
			return a->w[i] < b->w[i] ? -1 : 1;
	return 0;
}

static uint64_t
DoubleBits(double d)
{
	uint64_t	u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static double
BitsDouble(uint64_t u)
{
	double		d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

/*
 * Compares |x| (digits first..last of n, first and last nonzero) with the
 * midpoint between the finite double a >= 0 and the next double up.
 *
 * The midpoint is (2A + 1) * 2^(e - 1) for a = A * 2^e (A the integer
 * significand): at most 768 significant decimal digits (2^54 * 5^1075 <
 * 10^768).  |x| is read to at most 201 base-10000 digits (801 decimal ones
 * or more), the rest only as "more than that": when the truncated value
 * differs from the midpoint, so does |x|, on the same side, because the
 * midpoint's last digit lies above the truncated value's last one.  With
 * the caller's range (10^-326 < |x| < 10^309) the operands stay below
 * 2^5000.
 */
static int
CmpMidpoint(const LrNumDigits *n, int first, int last, double a)
{
	uint64_t	u = DoubleBits(a);
	int			bexp = (int) (u >> 52);
	uint64_t	sig = u & ((UINT64_C(1) << 52) - 1);
	int			e2;
	int			k;
	bool		sticky = false;
	LrBig		l;
	LrBig		r;
	int			s;
	int			c;

	if (bexp == 0)
		e2 = -1074;
	else
	{
		sig |= UINT64_C(1) << 52;
		e2 = bexp - 1075;
	}
	BigSet(&r, 2 * sig + 1);
	e2 -= 1;

	if (last - first >= 201)
	{
		last = first + 200;
		sticky = true;			/* first..last end nonzero, so something was dropped */
	}
	BigSet(&l, 0);
	for (int i = first; i <= last; i++)
		if (!BigMulAdd(&l, 10000, (uint32_t) lr_num_digit(n, i)))
			return 0;
	k = 4 * (n->weight - last);

	/* l * 10^k against r * 2^e2 */
	if (!(k >= 0 ? BigMulPow5(&l, k) : BigMulPow5(&r, -k)))
		return 0;
	s = k - e2;
	if (!(s >= 0 ? BigShift(&l, s) : BigShift(&r, -s)))
		return 0;
	c = BigCmp(&l, &r);
	return c == 0 && sticky ? 1 : c;
}

double
lr_num_double(const LrNumDigits *n)
{
	static const double p10[23] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
	};
	const uint64_t max_bits = DoubleBits(__DBL_MAX__);
	double		v;
	int			first = 0;
	int			last;
	int			lead;
	int			top;
	uint64_t	m = 0;
	int			e10;
	int			i;
	uint64_t	u;

	if (lr_num_fast_double(n, &v))
		return v;
	/* Finite from here on (the fast path takes NaN and the infinities). */
	last = n->ndigits - 1;
	while (first <= last && lr_num_digit(n, first) == 0)
		first++;
	while (last >= first && lr_num_digit(n, last) == 0)
		last--;
	if (first > last)
		return 0.0;

	/*
	 * The decimal exponent of the leading digit.  From 10^309 on the value
	 * is above the largest double by more than half its spacing (+Infinity,
	 * as strtod); below 10^-325 it is under half the smallest subnormal
	 * (zero, with the value's sign, as strtod).
	 */
	lead = lr_num_digit(n, first);
	top = 4 * (n->weight - first) + (lead >= 1000 ? 3 : lead >= 100 ? 2 : lead >= 10 ? 1 : 0);
	if (top >= 309)
		return n->neg ? -__builtin_inf() : __builtin_inf();
	if (top < -325)
		return n->neg ? -0.0 : 0.0;

	/* An estimate within a few units in the last place: 15 to 19 digits, then the power of ten. */
	for (i = first; i <= last && m < UINT64_C(1000000000000000); i++)
		m = m * 10000 + (uint64_t) lr_num_digit(n, i);
	e10 = 4 * (n->weight - (i - 1));
	v = (double) m;
	for (; e10 > 22; e10 -= 22)
		v *= 1e22;
	for (; e10 < -22; e10 += 22)
		v /= 1e22;
	v = e10 >= 0 ? v * p10[e10] : v / p10[-e10];
	u = DoubleBits(v);
	if (u > max_bits)
		u = max_bits;

	/*
	 * Then exactly: step to the neighbour while |x| lies beyond the
	 * midpoint towards it (on a tie, towards the even significand).
	 */
	for (;;)
	{
		int			c;

		if (u == max_bits)
		{
			/* The midpoint between the largest double and 2^1024 rounds to +Infinity (ties to even). */
			if (CmpMidpoint(n, first, last, BitsDouble(u)) >= 0)
				return n->neg ? -__builtin_inf() : __builtin_inf();
		}
		else
		{
			c = CmpMidpoint(n, first, last, BitsDouble(u));
			if (c > 0 || (c == 0 && (u & 1)))
			{
				u++;
				continue;
			}
		}
		if (u > 0)
		{
			c = CmpMidpoint(n, first, last, BitsDouble(u - 1));
			if (c < 0 || (c == 0 && (u & 1)))
			{
				u--;
				continue;
			}
		}
		break;
	}
	v = BitsDouble(u);
	return n->neg ? -v : v;
}
