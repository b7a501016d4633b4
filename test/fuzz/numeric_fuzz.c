/*
 * numeric_fuzz.c
 *	  libFuzzer target for the numeric decoder and its fast conversion to
 *	  double (src/common/lr_numeric.c), built outside the server.
 *
 * Properties: any bytes decode or are refused without a crash; a decoded
 * value's double (lr_num_double, and the fast path's when it takes the
 * value) is bit for bit strtod of its decimal text (what PostgreSQL's
 * numeric to float8 conversion does).  The input is read three times: as
 * stored numeric bytes; as a recipe for a well-formed value (sign, weight,
 * up to six digits) so that the fast path's edges are reached often; and as
 * the recipe of a value next to a midpoint between neighbouring doubles
 * (the exact comparisons' ties), written out in full decimal digits.
 *
 * fuzz-sources: src/common/lr_numeric.c
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/lr_numeric.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
Same(const char *text, const char *what, double got, double ref)
{
	if (memcmp(&got, &ref, sizeof(double)) != 0)
	{
		fprintf(stderr, "%.200s: %s %.17g, strtod %.17g\n", text, what, got, ref);
		abort();
	}
}

static void
Check(const LrNumDigits *n)
{
	double		fast;
	double		exact = lr_num_double(n);
	bool		has_fast = lr_num_fast_double(n, &fast);
	double		ref;
	char	   *text;
	size_t		cap = 6 * (size_t) n->ndigits + 32;
	size_t		k = 0;
	bool		zero = true;
	int			i;

	if (n->kind != LR_NUM_FINITE)
	{
		ref = n->kind == LR_NUM_NAN ? NAN : n->kind == LR_NUM_PINF ? INFINITY : -INFINITY;
		if (!has_fast || (isnan(ref) ? !isnan(fast) || !isnan(exact) : fast != ref || exact != ref))
			abort();
		return;
	}
	/* The digits as one integer, then the power of ten: strtod rounds correctly. */
	text = malloc(cap);
	if (text == NULL)
		return;
	if (n->neg)
		text[k++] = '-';
	text[k++] = '0';
	for (i = 0; i < n->ndigits; i++)
	{
		k += (size_t) snprintf(text + k, cap - k, "%04d", lr_num_digit(n, i));
		zero = zero && lr_num_digit(n, i) == 0;
	}
	snprintf(text + k, cap - k, "e%d", 4 * (n->weight - n->ndigits + 1));
	ref = strtod(text, NULL);
	if (zero)
		ref = 0.0;				/* numeric has no negative zero */
	if (has_fast)
		Same(text, "fast", fast, ref);
	Same(text, "exact", exact, ref);
	free(text);
}

/*
 * A value at, just below or just above the midpoint between a double and
 * its successor, from 8 bytes of recipe: the double's bits, and the offset
 * (-1, 0 or +1 in the last of 830 decimal digits).
 */
static void
CheckMidpoint(const uint8_t *data)
{
	uint64_t	bits;
	double		a;
	char		text[1200];
	uint8_t		buf[4 + 2 * 240];
	int			dot;
	int			exp10;
	int			nd;
	int			w;
	int16_t		ww;
	LrNumDigits n;

	memcpy(&bits, data, sizeof(bits));
	bits &= ~(UINT64_C(1) << 63);
	a = 0;
	memcpy(&a, &bits, sizeof(a));
	if (!isfinite(a) || a == __DBL_MAX__)
		return;
	/*
	 * The midpoint's exact digits from those of a and its successor (each at
	 * most 767 significant digits, which %.829e prints exactly): their sum,
	 * halved, digit by digit.
	 */
	{
		char		ta[1200];
		char		tb[1200];
		int			carry = 0;
		int			ea;
		int			eb;
		char		da[900];
		char		db[900];
		int			i;

		snprintf(ta, sizeof(ta), "%.829e", a);
		snprintf(tb, sizeof(tb), "%.829e", nextafter(a, INFINITY));
		ea = atoi(strchr(ta, 'e') + 1);
		eb = atoi(strchr(tb, 'e') + 1);
		/* digits of each at exponent eb: 840 places, the smaller shifted right */
		memset(da, '0', sizeof(da));
		memset(db, '0', sizeof(db));
		da[0] = ta[0];
		memcpy(da + 1, ta + 2, 829);
		db[0] = tb[0];
		memcpy(db + 1, tb + 2, 829);
		if (eb < ea)
			return;
		if (eb - ea > 0)
		{
			if (eb - ea > 1)
				return;
			memmove(da + 1, da, 839);
			da[0] = '0';
		}
		/* sum, then halve: 841 digits */
		for (i = 839; i >= 0; i--)
		{
			int			s = (da[i] - '0') + (db[i] - '0') + carry;

			da[i] = (char) ('0' + s % 10);
			carry = s / 10;
		}
		/* halve carry:da */
		{
			int			rem = carry;
			char		h[842];

			for (i = 0; i < 840; i++)
			{
				int			cur = rem * 10 + (da[i] - '0');

				h[i] = (char) ('0' + cur / 2);
				rem = cur % 2;
			}
			h[840] = (char) ('0' + rem * 5);
			/* h holds the midpoint, h[0] at 10^eb */
			exp10 = eb;
			memcpy(text, h, 841);
			text[841] = '\0';
		}
	}
	/* offset the last digit by -1, 0 or +1 (borrow and carry through the string) */
	{
		int			off = data[8] % 3 - 1;
		int			i = 840;

		while (off != 0 && i >= 0)
		{
			int			dgt = text[i] - '0' + off;

			if (dgt < 0)
			{
				text[i] = '9';
				i--;
			}
			else if (dgt > 9)
			{
				text[i] = '0';
				i--;
			}
			else
			{
				text[i] = (char) ('0' + dgt);
				off = 0;
			}
		}
		if (off != 0)
			return;
	}
	/* As base-10000 digits: align the first digit's exponent (exp10) to a multiple of 4. */
	dot = ((exp10 % 4) + 4) % 4;	/* decimal digits before the first full group */
	{
		char		grp[1000];
		int			glen = 0;
		int			pad = 3 - dot;

		memset(grp, '0', (size_t) pad);
		glen = pad;
		memcpy(grp + glen, text, 841);
		glen += 841;
		while (glen % 4 != 0)
			grp[glen++] = '0';
		nd = glen / 4;
		if (nd > 240)
			return;
		w = (exp10 - dot) / 4;
		buf[0] = 0;
		buf[1] = 0;
		ww = (int16_t) w;
		memcpy(buf + 2, &ww, sizeof(ww));
		for (int g = 0; g < nd; g++)
		{
			int16_t		dg = (int16_t) ((grp[4 * g] - '0') * 1000 + (grp[4 * g + 1] - '0') * 100 +
									(grp[4 * g + 2] - '0') * 10 + (grp[4 * g + 3] - '0'));

			memcpy(buf + 4 + 2 * g, &dg, sizeof(dg));
		}
	}
	if (!lr_num_decode(buf, 4 + 2 * (size_t) nd, &n))
		abort();
	Check(&n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	LrNumDigits n;
	uint8_t		buf[2 + 2 + 2 * 6];
	int16_t		w;
	int			nd;
	int			i;

	if (lr_num_decode(data, size, &n))
		Check(&n);

	/* A well-formed long-form value from the first bytes. */
	if (size < 3)
		return 0;
	nd = data[0] % 7;
	if (size < 3 + 2 * (size_t) nd)
		return 0;
	buf[0] = 0;
	buf[1] = (data[1] & 1) ? 0x40 : 0x00;	/* little-endian header: sign in the high byte */
	w = (int16_t) ((int8_t) data[2] / 4);
	memcpy(buf + 2, &w, sizeof(w));
	for (i = 0; i < nd; i++)
	{
		int16_t		d = (int16_t) ((data[3 + 2 * i] | (data[4 + 2 * i] << 8)) % 10000);

		memcpy(buf + 4 + 2 * i, &d, sizeof(d));
	}
	if (!lr_num_decode(buf, 4 + 2 * (size_t) nd, &n))
		abort();
	Check(&n);
	if (size >= 9)
		CheckMidpoint(data);
	return 0;
}
