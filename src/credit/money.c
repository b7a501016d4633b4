/*
 * money.c
 *	  Exact decimals in 128-bit integers, money and rate text, double-double
 *	  arithmetic and the annuity factor.  Pure C: see credit.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credit/credit.h"

#define LR_DEC_MAX_DIGITS 38	/* 10^38 < 2^127 */

static int
DecCaseEq(const char *s, size_t len, const char *word)
{
	size_t		i;

	if (strlen(word) != len)
		return 0;
	for (i = 0; i < len; i++)
	{
		char		c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char) (c - 'A' + 'a');
		if (c != word[i])
			return 0;
	}
	return 1;
}

/* The significant digits of a decimal and where its point is. */
typedef struct DecDigits
{
	char		digits[LR_DEC_MAX_DIGITS + 2];
	int			ndig;			/* significant digits kept in digits[] */
	long		exp10;			/* value = digits * 10^exp10 */
	bool		nonzero_dropped;	/* a nonzero digit after first_dropped */
	int			first_dropped;	/* the first digit not kept, for rounding; -1 if none */
} DecDigits;

/*
 * Reads digits with at most one point from *pp (leading zeros only move the
 * point; digits beyond the buffer are remembered for rounding) and an
 * exponent; false on a syntax error (no digit, two points, an exponent
 * without digits, anything left before end).
 */
static bool
DecRead(const char *p, const char *end, DecDigits *d)
{
	long		dropped_exp = 0;	/* digits not kept (beyond the buffer) left of the point */
	bool		any = false;
	bool		seen_point = false;

	d->ndig = 0;
	d->exp10 = 0;
	d->nonzero_dropped = false;
	d->first_dropped = -1;
	for (; p < end; p++)
	{
		char		c = *p;

		if (c == '.')
		{
			if (seen_point)
				return false;
			seen_point = true;
			continue;
		}
		if (c < '0' || c > '9')
			break;
		any = true;
		if (d->ndig == 0 && c == '0')
		{
			/* leading zero: only moves the point */
			if (seen_point)
				d->exp10--;
			continue;
		}
		if (d->ndig < LR_DEC_MAX_DIGITS + 1)
		{
			d->digits[d->ndig++] = c;
			if (seen_point)
				d->exp10--;
		}
		else
		{
			/* beyond the buffer: remember for rounding only */
			if (d->first_dropped < 0)
				d->first_dropped = c - '0';
			else if (c != '0')
				d->nonzero_dropped = true;
			if (!seen_point)
				dropped_exp++;
		}
	}
	if (!any)
		return false;
	if (p < end && (*p == 'e' || *p == 'E'))
	{
		bool		eneg = false;
		long		e = 0;
		bool		edig = false;

		p++;
		if (p < end && (*p == '-' || *p == '+'))
		{
			eneg = (*p == '-');
			p++;
		}
		for (; p < end && *p >= '0' && *p <= '9'; p++)
		{
			edig = true;
			if (e < 100000000)
				e = e * 10 + (*p - '0');
		}
		if (!edig)
			return false;
		d->exp10 += eneg ? -e : e;
	}
	if (p != end)
		return false;
	d->exp10 += dropped_exp;
	return true;
}

/*
 * value * 10^scale = digits * 10^(exp10 + scale) in *v: keep ndig + shift
 * digits, appending zeros or dropping the tail (rounded half up when round,
 * else LR_DEC_INEXACT).
 */
static LrDecStatus
DecScale(const DecDigits *d, int scale, bool round, lr_i128 *v)
{
	long		shift = d->exp10 + scale;
	int			i;

	*v = 0;
	if ((long) d->ndig + shift > LR_DEC_MAX_DIGITS)
		return LR_DEC_RANGE;
	if (shift >= 0)
	{
		for (i = 0; i < d->ndig; i++)
			*v = *v * 10 + (d->digits[i] - '0');
		for (i = 0; i < shift; i++)
			*v *= 10;
		if (d->first_dropped > 0 || d->nonzero_dropped)
		{
			/* digits beyond the buffer of an integer part cannot be: guarded above */
			return LR_DEC_RANGE;
		}
	}
	else
	{
		long		keep = (long) d->ndig + shift; /* may be <= 0 */
		int			rdigit;
		bool		inexact = false;

		for (i = 0; i < keep; i++)
			*v = *v * 10 + (d->digits[i] - '0');
		if (keep >= 0)
			rdigit = d->digits[keep] - '0';
		else
			rdigit = 0;			/* the first dropped digit is a zero before digits[0] */
		for (i = (int) (keep < 0 ? 0 : keep); i < d->ndig; i++)
			if (d->digits[i] != '0')
				inexact = true;
		if (d->first_dropped > 0 || d->nonzero_dropped)
			inexact = true;
		if (inexact)
		{
			if (!round)
				return LR_DEC_INEXACT;
			if (rdigit >= 5)
				*v += 1;
		}
	}
	return LR_DEC_OK;
}

LrDecStatus
lr_dec_parse(const char *s, size_t len, int scale, bool round, lr_i128 limit, lr_i128 *out)
{
	const char *p = s;
	const char *end = s + len;
	bool		neg = false;
	DecDigits	d;
	LrDecStatus st;
	lr_i128		v;

	*out = 0;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (p < end && (*p == '-' || *p == '+'))
	{
		neg = (*p == '-');
		p++;
	}
	if (DecCaseEq(p, (size_t) (end - p), "nan"))
		return LR_DEC_NAN;
	if (DecCaseEq(p, (size_t) (end - p), "infinity") || DecCaseEq(p, (size_t) (end - p), "inf"))
		return LR_DEC_INF;
	if (!DecRead(p, end, &d))
		return LR_DEC_SYNTAX;
	if (d.ndig == 0)
		return LR_DEC_OK;
	st = DecScale(&d, scale, round, &v);
	if (st != LR_DEC_OK)
		return st;
	if (v > limit)
		return LR_DEC_RANGE;
	*out = neg ? -v : v;
	return LR_DEC_OK;
}

int
lr_dec_format(char *buf, size_t buflen, lr_i128 v, int scale, int min_decimals)
{
	char		tmp[64];
	int			n = 0;
	bool		neg = v < 0;
	lr_u128 u = neg ? (lr_u128) (-(v + 1)) + 1 : (lr_u128) v;
	int			decimals;
	int			len = 0;
	int			i;

	/* digits, least significant first, at least scale + 1 of them */
	while (u > UINT64_MAX)
	{
		tmp[n++] = (char) ('0' + (int) (u % 10));
		u /= 10;
	}
	{
		/* the common case: 64-bit division is many times faster */
		uint64_t	u64 = (uint64_t) u;

		do
		{
			tmp[n++] = (char) ('0' + (int) (u64 % 10));
			u64 /= 10;
		} while (u64 != 0);
	}
	while (n <= scale)
		tmp[n++] = '0';
	/* trim trailing zeros of the fraction down to min_decimals */
	decimals = scale;
	while (decimals > min_decimals && tmp[scale - decimals] == '0')
		decimals--;
	if ((size_t) (n + 3) > buflen)
	{
		if (buflen > 0)
			buf[0] = '\0';
		return 0;
	}
	if (neg)
		buf[len++] = '-';
	for (i = n - 1; i >= scale; i--)
		buf[len++] = tmp[i];
	if (decimals > 0)
	{
		buf[len++] = '.';
		for (i = scale - 1; i >= scale - decimals; i--)
			buf[len++] = tmp[i];
	}
	buf[len] = '\0';
	if (neg && strspn(buf + 1, "0.") == (size_t) (len - 1))
	{
		/* "-0.00" reads "0.00" */
		memmove(buf, buf + 1, (size_t) len);
		len--;
	}
	return len;
}

int
lr_double_str(char *buf, size_t buflen, double d)
{
	int			prec;
	int			n = 0;

	/*
	 * The correctly rounded 15-digit form is the shortest round-trip form
	 * whenever that has 15 digits or fewer (the usual case), so at most three
	 * tries instead of one per digit.
	 */
	if (!isfinite(d))
		return lr_format_double(buf, buflen, d);
	for (prec = 15; prec <= 17; prec++)
	{
		n = snprintf(buf, buflen, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return n;
}

const char *
lr_cents_str(char *buf, size_t buflen, int64_t cents)
{
	lr_dec_format(buf, buflen, cents, 2, 2);
	return buf;
}

const char *
lr_rate_str(char *buf, size_t buflen, lr_i128 rate)
{
	lr_dec_format(buf, buflen, rate, LR_RATE_SCALE, 0);
	return buf;
}

const char *
lr_pct_str(char *buf, size_t buflen, lr_i128 rate)
{
	int			n;

	/* rate * 100 at scale 18 is rate at scale 16 */
	n = lr_dec_format(buf, buflen - 1, rate, LR_RATE_SCALE - 2, 0);
	if (n > 0)
	{
		buf[n] = '%';
		buf[n + 1] = '\0';
	}
	return buf;
}

lr_i128
lr_div_floor(lr_i128 num, lr_i128 den)
{
	lr_i128		q = num / den;

	if ((num % den) != 0 && (num < 0))
		q -= 1;
	return q;
}

lr_i128
lr_div_ceil(lr_i128 num, lr_i128 den)
{
	lr_i128		q = num / den;

	if ((num % den) != 0 && (num > 0))
		q += 1;
	return q;
}

lr_i128
lr_div_round(lr_i128 num, lr_i128 den)
{
	lr_i128		q = num / den;
	lr_i128		r = num % den;

	/* |r| >= den / 2, compared without overflow */
	if (r < 0)
		r = -r;
	if (r >= den - r)
		q += (num < 0) ? -1 : 1;
	return q;
}

bool
lr_dec_field(LrJv *v, const LrJson *obj, const char *key, bool required, int scale,
			 lr_i128 lo, lr_i128 hi, const char *range_text, const char *src,
			 size_t srclen, lr_i128 *out, bool *present)
{
	const LrJson *j = lr_json_get(obj, key);
	const char *t;
	size_t		len;
	double		d;
	LrDecStatus st;

	if (present)
		*present = false;
	if (j != NULL && j->kind == LRJ_NULL && !required)
		return true;			/* null is absent, as in a products table */
	if (!lr_jv_number(v, obj, key, required, &d, present))
		return false;
	if (j == NULL)
		return true;
	if (!lr_json_number_text(src, srclen, j, &t, &len))
		return lr_jv_fail_at(v, key, "number text not found");
	st = lr_dec_parse(t, len, scale, true, hi > -lo ? hi : -lo, out);
	if (st != LR_DEC_OK || *out < lo || *out > hi)
		return lr_jv_fail_at(v, key, "%.*s is not %s", (int) (len > 60 ? 60 : len), t, range_text);
	return true;
}

/* ---- double-double ---------------------------------------------------- */

static inline LrDD
TwoSum(double a, double b)
{
	LrDD		r;
	double		bb;

	r.hi = a + b;
	bb = r.hi - a;
	r.lo = (a - (r.hi - bb)) + (b - bb);
	return r;
}

static inline LrDD
QuickTwoSum(double a, double b)
{
	LrDD		r;

	r.hi = a + b;
	r.lo = b - (r.hi - a);
	return r;
}

static inline LrDD
TwoProd(double a, double b)
{
	LrDD		r;

	r.hi = a * b;
	r.lo = fma(a, b, -r.hi);
	return r;
}

LrDD
lr_dd_from_i128(lr_i128 v)
{
	LrDD		r;
	lr_i128		rest;

	r.hi = (double) v;
	rest = v - (lr_i128) r.hi;
	r.lo = (double) rest;
	return QuickTwoSum(r.hi, r.lo);
}

LrDD
lr_dd_add(LrDD a, LrDD b)
{
	LrDD		s = TwoSum(a.hi, b.hi);
	LrDD		t = TwoSum(a.lo, b.lo);

	s.lo += t.hi;
	s = QuickTwoSum(s.hi, s.lo);
	s.lo += t.lo;
	return QuickTwoSum(s.hi, s.lo);
}

LrDD
lr_dd_mul(LrDD a, LrDD b)
{
	LrDD		p = TwoProd(a.hi, b.hi);

	p.lo += a.hi * b.lo;
	p.lo += a.lo * b.hi;
	return QuickTwoSum(p.hi, p.lo);
}

static LrDD
DDMulD(LrDD a, double b)
{
	LrDD		p = TwoProd(a.hi, b);

	p.lo += a.lo * b;
	return QuickTwoSum(p.hi, p.lo);
}

static LrDD
DDNeg(LrDD a)
{
	a.hi = -a.hi;
	a.lo = -a.lo;
	return a;
}

LrDD
lr_dd_div(LrDD a, LrDD b)
{
	double		q1,
				q2,
				q3;
	LrDD		r;

	q1 = a.hi / b.hi;
	r = lr_dd_add(a, DDNeg(DDMulD(b, q1)));
	q2 = r.hi / b.hi;
	r = lr_dd_add(r, DDNeg(DDMulD(b, q2)));
	q3 = r.hi / b.hi;
	r = QuickTwoSum(q1, q2);
	return lr_dd_add(r, (LrDD) {q3, 0.0});
}

bool
lr_dd_floor(LrDD a, int64_t *out)
{
	double		f = floor(a.hi);

	if (!isfinite(a.hi) || fabs(a.hi) >= 9.0e18)
		return false;
	if (f == a.hi)
		*out = (int64_t) f + (int64_t) floor(a.lo);
	else
		*out = (int64_t) f;
	return true;
}

LrDD
lr_annuity_factor(lr_i128 annual_rate, int n)
{
	LrDD		i;
	LrDD		one = {1.0, 0.0};
	LrDD		v;
	LrDD		f = {0.0, 0.0};
	int			k;

	if (annual_rate == 0)
		return (LrDD) {(double) n, 0.0};
	/* 12 * 10^18 is exact in a double (3 * 5^18 < 2^53) */
	i = lr_dd_div(lr_dd_from_i128(annual_rate), (LrDD) {12.0e18, 0.0});
	v = lr_dd_div(one, lr_dd_add(one, i));

	/*
	 * The sum v + v^2 + ... + v^n by Horner's rule, not (1 - v^n) / i: at a
	 * tiny rate 1 - v^n cancels nearly all of the 32 digits (a rate of 1e-18
	 * over 1200 months gave a factor above n, so a debt-service limit above
	 * the zero-rate one).  Every term is positive and below 1 when i > 0, so
	 * the factor is below n and falls as the rate rises; v^k underflows
	 * gracefully for high rates and long terms.  n <= LR_TERM_MAX steps.
	 */
	for (k = 0; k < n; k++)
		f = lr_dd_mul(lr_dd_add(f, one), v);
	return f;
}
