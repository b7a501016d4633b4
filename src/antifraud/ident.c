/*
 * ident.c
 *	  Identifier checks; see ident.h.  Pure C.
 *
 * References:
 *   GB 11643-1999 Citizen identification number: 17 digits and a check
 *     character by ISO 7064 MOD 11-2 (weights 2^(17-i) mod 11; 10 is X).
 *   GB 32100-2015 Unified social credit code: 18 characters over the set
 *     0-9 A-H J-N P-R T U W-Y (31 characters, no I O S V Z); check character
 *     31 - (sum of value * 3^(i-1) mod 31) mod 31.
 *   ISO/IEC 7812-1 Luhn check for card numbers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "antifraud/ident.h"

static void
Invalid(LrIdCheck *r, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static void
Invalid(LrIdCheck *r, const char *fmt,...)
{
	va_list		ap;

	r->valid = false;
	r->normalized[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

static void
Reset(LrIdCheck *r)
{
	memset(r, 0, sizeof(*r));
}

/* Length of the UTF-8 sequence starting at s (1 if it is not a valid lead). */
static size_t
Utf8Len(const unsigned char *s, size_t left)
{
	size_t		n,
				i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xE0) == 0xC0)
		n = 2;
	else if ((s[0] & 0xF0) == 0xE0)
		n = 3;
	else if ((s[0] & 0xF8) == 0xF0)
		n = 4;
	else
		return 1;
	if (n > left)
		return 1;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 1;
	return n;
}

/* Describes the character at s for a reason text. */
static void
DescribeChar(const unsigned char *s, size_t n, bool utf8, char *out, size_t outlen)
{
	if (n == 1 && s[0] >= 0x21 && s[0] < 0x7F)
		snprintf(out, outlen, "\"%c\"", s[0]);
	else if (utf8 && n > 1)
		snprintf(out, outlen, "\"%.*s\"", (int) n, (const char *) s);
	else
		snprintf(out, outlen, "byte 0x%02X", s[0]);
}

/*
 * Cleans s into out (at most LR_ID_MAX_CLEAN characters): separators are
 * dropped, full-width forms folded, letters upper-cased.  A '+' is kept (the
 * mobile check reads it).  Returns false with a reason for anything else.
 */
static bool
Clean(const char *s, size_t len, bool utf8, LrIdCheck *r, char *out, size_t *outlen)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		i = 0,
				n = 0,
				pos = 0;

	while (i < len)
	{
		size_t		cl = utf8 ? Utf8Len(p + i, len - i) : 1;
		unsigned int c = p[i];

		pos++;
		if (cl == 3 && p[i] == 0xEF && (p[i + 1] == 0xBC || p[i + 1] == 0xBD))
		{
			/* U+FF01..U+FF5E are the full-width forms of U+0021..U+007E. */
			unsigned int cp = ((p[i] & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);

			if (cp >= 0xFF01 && cp <= 0xFF5E)
				c = cp - 0xFEE0;
			else
				c = 0x100;
		}
		else if (cl == 3 && p[i] == 0xE3 && p[i + 1] == 0x80 && p[i + 2] == 0x80)
			c = ' ';			/* U+3000 ideographic space */
		else if (cl == 3 && p[i] == 0xE2 && p[i + 1] == 0x80 && p[i + 2] >= 0x90 && p[i + 2] <= 0x95)
			c = '-';			/* U+2010..U+2015 hyphens and dashes */
		else if (cl > 1)
			c = 0x100;

		if (c == ' ' || c == '\t' || c == '-' || c == '.' || c == '(' || c == ')')
			;
		else if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '+')
		{
			if (n >= LR_ID_MAX_CLEAN)
			{
				Invalid(r, "is too long: more than %d characters", LR_ID_MAX_CLEAN);
				return false;
			}
			out[n++] = (c >= 'a' && c <= 'z') ? (char) (c - 'a' + 'A') : (char) c;
		}
		else
		{
			char		what[32];

			DescribeChar(p + i, cl, utf8, what, sizeof(what));
			Invalid(r, "unexpected character %s at position %zu", what, pos);
			return false;
		}
		i += cl;
	}
	out[n] = '\0';
	*outlen = n;
	if (n == 0)
	{
		Invalid(r, "is empty");
		return false;
	}
	return true;
}

static bool
IsDigit(char c)
{
	return c >= '0' && c <= '9';
}

/* The first non-digit of s[from, to) (1-based position in the cleaned text), 0 if none. */
static size_t
FirstNonDigit(const char *s, size_t from, size_t to)
{
	size_t		i;

	for (i = from; i < to; i++)
		if (!IsDigit(s[i]))
			return i + 1;
	return 0;
}

/* ---------------------------------------------------------------- GB 11643 */

char
lr_gb11643_check(const char *d)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char map[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
	int			sum = 0,
				i;

	for (i = 0; i < 17; i++)
		sum += (d[i] - '0') * w[i];
	return map[sum % 11];
}

/* Province-level codes of GB/T 2260, and 81-83 of the residence permits of Hong Kong, Macao and Taiwan residents. */
static bool
IsProvince(int p)
{
	return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
		(p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) ||
		p == 71 || (p >= 81 && p <= 83);
}

static bool
ValidDate(int y, int m, int d)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			max;

	if (m < 1 || m > 12 || d < 1)
		return false;
	max = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	return d <= max;
}

static int
Num(const char *s, int n)
{
	int			v = 0,
				i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

void
lr_check_resident_id(const char *s, size_t len, bool utf8, LrIdCheck *r)
{
	char		c[LR_ID_MAX_CLEAN + 1];
	size_t		n,
				bad;
	char		expect;

	Reset(r);
	if (!Clean(s, len, utf8, r, c, &n))
		return;
	if (n == 15 && FirstNonDigit(c, 0, 15) == 0)
	{
		Invalid(r, "is a 15-digit first-generation number, not an 18-character number");
		return;
	}
	if (n != 18)
	{
		Invalid(r, "has %zu characters, expected 18", n);
		return;
	}
	if ((bad = FirstNonDigit(c, 0, 17)) != 0)
	{
		Invalid(r, "character %zu is \"%c\", expected a digit", bad, c[bad - 1]);
		return;
	}
	if (!IsDigit(c[17]) && c[17] != 'X')
	{
		Invalid(r, "check character \"%c\" is not a digit or X", c[17]);
		return;
	}
	if (!IsProvince(Num(c, 2)))
	{
		Invalid(r, "region code %.6s does not begin with a province-level code", c);
		return;
	}
	r->year = Num(c + 6, 4);
	r->month = Num(c + 10, 2);
	r->day = Num(c + 12, 2);
	if (r->year < 1800 || r->year > 2099 || !ValidDate(r->year, r->month, r->day))
	{
		Invalid(r, "birth date %.8s is not a valid date from 1800 to 2099", c + 6);
		r->year = r->month = r->day = 0;
		return;
	}
	expect = lr_gb11643_check(c);
	if (c[17] != expect)
	{
		Invalid(r, "check character is %c, expected %c", c[17], expect);
		r->year = r->month = r->day = 0;
		return;
	}
	r->valid = true;
	memcpy(r->normalized, c, 19);
	memcpy(r->region, c, 6);
	r->region[6] = '\0';
	r->sex = ((c[16] - '0') % 2 == 1) ? 'M' : 'F';
}

/* ---------------------------------------------------------------- GB 32100 */

static const char credit_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int
CreditValue(char ch)
{
	const char *p = ch ? strchr(credit_chars, ch) : NULL;

	return p ? (int) (p - credit_chars) : -1;
}

int
lr_gb32100_check(const char *s)
{
	int			sum = 0,
				w = 1,
				i;

	for (i = 0; i < 17; i++)
	{
		int			v = CreditValue(s[i]);

		if (v < 0)
			return -1;
		sum += v * w;
		w = (w * 3) % 31;
	}
	return (31 - sum % 31) % 31;
}

void
lr_check_credit_code(const char *s, size_t len, bool utf8, LrIdCheck *r)
{
	char		c[LR_ID_MAX_CLEAN + 1];
	size_t		n,
				i,
				bad;
	int			expect;

	Reset(r);
	if (!Clean(s, len, utf8, r, c, &n))
		return;
	if (n != 18)
	{
		Invalid(r, "has %zu characters, expected 18", n);
		return;
	}
	for (i = 0; i < 18; i++)
		if (CreditValue(c[i]) < 0)
		{
			Invalid(r, "character %zu is \"%c\", which the code does not use (I, O, S, V and Z are excluded)",
					i + 1, c[i]);
			return;
		}
	/* GB 32100 table 1: registration authorities 1-9, A, N and Y. */
	if (!(c[0] >= '1' && c[0] <= '9') && c[0] != 'A' && c[0] != 'N' && c[0] != 'Y')
	{
		Invalid(r, "registration authority code \"%c\" is not assigned", c[0]);
		return;
	}
	if ((bad = FirstNonDigit(c, 2, 8)) != 0)
	{
		Invalid(r, "character %zu is \"%c\": the region code (characters 3 to 8) is digits", bad, c[bad - 1]);
		return;
	}
	expect = lr_gb32100_check(c);
	if (c[17] != credit_chars[expect])
	{
		Invalid(r, "check character is %c, expected %c", c[17], credit_chars[expect]);
		return;
	}
	r->valid = true;
	memcpy(r->normalized, c, 19);
	r->authority = c[0];
	r->entity_type = c[1];
	memcpy(r->region, c + 2, 6);
	r->region[6] = '\0';
	memcpy(r->org_code, c + 8, 9);
	r->org_code[9] = '\0';
}

/* ---------------------------------------------------------------- mobile */

void
lr_check_mobile(const char *s, size_t len, bool utf8, LrIdCheck *r)
{
	char		c[LR_ID_MAX_CLEAN + 1];
	const char *d;
	size_t		n,
				bad;

	Reset(r);
	if (!Clean(s, len, utf8, r, c, &n))
		return;
	d = c;
	if (d[0] == '+')
	{
		if (strncmp(d, "+86", 3) != 0)
		{
			Invalid(r, "country code is not +86");
			return;
		}
		d += 3;
		n -= 3;
	}
	else if (n == 15 && strncmp(d, "0086", 4) == 0)
	{
		d += 4;
		n -= 4;
	}
	else if (n == 13 && strncmp(d, "86", 2) == 0)
	{
		d += 2;
		n -= 2;
	}
	if ((bad = FirstNonDigit(d, 0, n)) != 0)
	{
		Invalid(r, "\"%c\" is not a digit", d[bad - 1]);
		return;
	}
	if (n != 11)
	{
		Invalid(r, "has %zu digits, expected 11", n);
		return;
	}
	if (d[0] != '1' || d[1] < '3')
	{
		Invalid(r, "prefix %.2s is not a mobile prefix (13 to 19)", d);
		return;
	}
	r->valid = true;
	memcpy(r->normalized, d, 11);
	r->normalized[11] = '\0';
}

/* ---------------------------------------------------------------- Luhn */

/* Luhn sum of digits d[0..n), doubling every second digit from the right of a number of n + extra digits. */
static int
LuhnSum(const char *d, size_t n, int extra)
{
	int			sum = 0;
	size_t		i;

	for (i = 0; i < n; i++)
	{
		int			v = d[n - 1 - i] - '0';

		if ((i + (size_t) extra) % 2 == 1)
		{
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return sum;
}

bool
lr_luhn_valid(const char *s, size_t len, bool utf8)
{
	LrIdCheck	r;
	char		c[LR_ID_MAX_CLEAN + 1];
	size_t		n;

	if (!Clean(s, len, utf8, &r, c, &n) || n < 2 || FirstNonDigit(c, 0, n) != 0)
		return false;
	return LuhnSum(c, n, 0) % 10 == 0;
}

void
lr_check_bank_card(const char *s, size_t len, bool utf8, LrIdCheck *r)
{
	char		c[LR_ID_MAX_CLEAN + 1];
	size_t		n,
				bad;

	Reset(r);
	if (!Clean(s, len, utf8, r, c, &n))
		return;
	if ((bad = FirstNonDigit(c, 0, n)) != 0)
	{
		Invalid(r, "character %zu is \"%c\", expected a digit", bad, c[bad - 1]);
		return;
	}
	if (n < 12 || n > 19)
	{
		Invalid(r, "has %zu digits, expected 12 to 19", n);
		return;
	}
	if (LuhnSum(c, n, 0) % 10 != 0)
	{
		int			expect = (10 - LuhnSum(c, n - 1, 1) % 10) % 10;

		Invalid(r, "fails the Luhn check: check digit is %c, expected %d", c[n - 1], expect);
		return;
	}
	r->valid = true;
	memcpy(r->normalized, c, n + 1);
	memcpy(r->iin, c, 6);
	r->iin[6] = '\0';
}
