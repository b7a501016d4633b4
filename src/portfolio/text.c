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
