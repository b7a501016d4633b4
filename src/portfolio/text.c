/*
 * text.c
 *	  Pure C text helpers of the portfolio area: months, exact amounts,
 *	  delinquency buckets, snapshot status and HTML escaping.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "portfolio/portfolio.h"

/* ---------------------------------------------------------------- months */

static bool
IsLeap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
DaysIn(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && IsLeap(y) ? 29 : days[m - 1];
}

static int
Digits(const char *s, size_t len, size_t pos, size_t n)
{
	int			v = 0;

	if (pos + n > len)
		return -1;
	for (size_t i = 0; i < n; i++)
	{
		if (s[pos + i] < '0' || s[pos + i] > '9')
			return -1;
		v = v * 10 + (s[pos + i] - '0');
	}
	return v;
}

bool
lr_parse_month(const char *s, size_t len, int32_t *month, LrError *err)
{
	int			y = Digits(s, len, 0, 4);
	int			m = Digits(s, len, 5, 2);
	int			d = 1;

	if (y < 1 || len < 7 || s[4] != '-' || m < 1 || m > 12)
		goto bad;
	if (len != 7)
	{
		if (len != 10 || s[7] != '-')
			goto bad;
		d = Digits(s, len, 8, 2);
		if (d < 1 || d > DaysIn(y, m))
			goto bad;
	}
	*month = lr_month_index(y, m);
	return true;
bad:
	lr_error_set(err, LR_ERR_INVALID, "\"%.*s\" is not a date", (int) (len > 40 ? 40 : len), s);
	lr_error_detail(err, "Give the month as \"YYYY-MM\" or a date \"YYYY-MM-DD\".");
	return false;
}

void
lr_format_month(int32_t m, char *out)
{
	snprintf(out, 11, "%04d-%02d-01", lr_month_year(m) % 10000, lr_month_month(m));
}

/* ---------------------------------------------------------------- amounts */

#define AMOUNT_LIMIT INT64_C(1000000000000000000)	/* 10^14 currency units, in units */

bool
lr_amount_parse(const char *s, size_t len, int64_t *units, LrError *err)
{
	size_t		i = 0;
	bool		neg = false;
	bool		seen_point = false;
	bool		any = false;
	char		dig[40];		/* significant digits (leading zeros dropped) */
	int			ndig = 0;
	int64_t		e = 0;			/* value = digits x 10^e */
	int64_t		k;
	int64_t		keep;
	lr_i128	v = 0;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = (s[i++] == '-');
	for (; i < len; i++)
	{
		char		c = s[i];

		if (c >= '0' && c <= '9')
		{
			any = true;
			if (ndig == 0 && c == '0')
			{
				if (seen_point)
					e--;
				continue;
			}
			if (ndig < (int) sizeof(dig))
			{
				dig[ndig++] = c;
				if (seen_point)
					e--;
			}
			else if (!seen_point)
				e++;			/* magnitude kept; far too large anyway */
			/* else: beyond 40 significant digits after the point: cannot matter */
		}
		else if (c == '.' && !seen_point)
			seen_point = true;
		else if ((c == 'e' || c == 'E') && any)
		{
			bool		eneg = false;
			bool		edig = false;
			int64_t		x = 0;

			i++;
			if (i < len && (s[i] == '-' || s[i] == '+'))
				eneg = (s[i++] == '-');
			for (; i < len; i++)
			{
				if (s[i] < '0' || s[i] > '9')
					goto syntax;
				edig = true;
				if (x < 1000000)
					x = x * 10 + (s[i] - '0');
			}
			if (!edig)
				goto syntax;
			e += eneg ? -x : x;
			break;
		}
		else
			goto syntax;
	}
	if (!any)
		goto syntax;
	if (ndig == 0)
	{
		*units = 0;
		return true;
	}

	/* units = digits x 10^k, rounded half away from zero */
	k = e + 4;
	keep = ndig + k;			/* digits of the whole units */
	if (keep > 19)
		goto toolarge;
	for (int64_t j = 0; j < keep; j++)
		v = v * 10 + (j < ndig ? dig[j] - '0' : 0);
	if (keep >= 0 && keep < ndig && dig[keep] >= '5')
		v += 1;
	if (v >= (lr_i128) AMOUNT_LIMIT)
		goto toolarge;
	*units = neg ? -(int64_t) v : (int64_t) v;
	return true;

syntax:
	if ((len == 3 && memcmp(s, "NaN", 3) == 0) ||
		(len >= 8 && memcmp(s + len - 8, "Infinity", 8) == 0))
	{
		lr_error_set(err, LR_ERR_INVALID, "amount %.*s is not a finite number", (int) len, s);
		return false;
	}
	lr_error_set(err, LR_ERR_SYNTAX, "\"%.*s\" is not a number", (int) (len > 40 ? 40 : len), s);
	return false;
toolarge:
	lr_error_set(err, LR_ERR_LIMIT, "amount %.*s%s is out of range", (int) (len > 40 ? 40 : len), s,
				 len > 40 ? "..." : "");
	lr_error_detail(err, "Amounts and balances must be below 10^14 in absolute value.");
	return false;
}

bool
lr_amount_from_double(double v, int64_t *units)
{
	double		u;

	if (!(fabs(v) < 1e14))
		return false;
	u = v * LR_AMOUNT_SCALE;
	u = u < 0 ? -floor(-u + 0.5) : floor(u + 0.5);
	*units = (int64_t) u;
	return true;
}

void
lr_amount_format(lr_i128 units, bool cents, char *out)
{
	char		tmp[48];
	int			n = 0;
	bool		neg = units < 0;
	lr_u128 u = neg ? (lr_u128) (-(units + 1)) + 1 : (lr_u128) units;
	unsigned	frac = (unsigned) (u % LR_AMOUNT_SCALE);
	lr_u128 whole = u / LR_AMOUNT_SCALE;
	char	   *p = out;

	do
	{
		tmp[n++] = (char) ('0' + (int) (whole % 10));
		whole /= 10;
	} while (whole > 0);
	if (neg)
		*p++ = '-';
	while (n > 0)
		*p++ = tmp[--n];
	if (cents)
		sprintf(p, ".%02u", frac / 100);
	else
		sprintf(p, ".%04u", frac);
}

/* ---------------------------------------------------------------- buckets */

int
lr_bucket_of_dpd(const LrDpdBuckets *b, int32_t dpd)
{
	int			i = 0;

	while (i < b->nbounds && dpd >= b->bounds[i])
		i++;
	return i;
}

void
lr_bucket_label(const LrDpdBuckets *b, int i, char *out)
{
	if (i == 0)
		strcpy(out, "current");
	else if (i == lr_bucket_written_off(b))
		strcpy(out, "written_off");
	else if (i == lr_bucket_closed(b))
		strcpy(out, "closed");
	else if (i == b->nbounds)
		snprintf(out, 32, "%d+", (int) b->bounds[i - 1]);
	else
		snprintf(out, 32, "%d-%d", (int) b->bounds[i - 1], (int) b->bounds[i] - 1);
}

bool
lr_status_parse(const char *s, size_t len, LrStatus *out, LrError *err)
{
	if (s == NULL || (len == 4 && memcmp(s, "open", 4) == 0))
		*out = LR_STATUS_OPEN;
	else if (len == 11 && memcmp(s, "written_off", 11) == 0)
		*out = LR_STATUS_WRITTEN_OFF;
	else if (len == 6 && memcmp(s, "closed", 6) == 0)
		*out = LR_STATUS_CLOSED;
	else
	{
		lr_error_set(err, LR_ERR_INVALID, "unknown status \"%.*s\"", (int) (len > 40 ? 40 : len), s);
		lr_error_detail(err, "A status is \"open\" (or NULL), \"written_off\" or \"closed\".");
		return false;
	}
	return true;
}
