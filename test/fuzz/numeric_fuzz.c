/*
 * numeric_fuzz.c
 *	  libFuzzer target for the numeric decoder and its fast conversion to
 *	  double (src/common/lr_numeric.c), built outside the server.
 *
 * Properties: any bytes decode or are refused without a crash; a decoded
 * value's fast double, when the fast path takes it, is bit for bit strtod of
 * its decimal text (what PostgreSQL's numeric to float8 conversion does).
 * The input is read twice: as stored numeric bytes, and as a recipe for a
 * well-formed value (sign, weight, up to six digits) so that the fast path's
 * edges are reached often.
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
Check(const LrNumDigits *n)
{
	double		fast;
	double		ref;
	char		text[128];
	size_t		k = 0;
	int			i;

	if (!lr_num_fast_double(n, &fast))
		return;
	if (n->kind != LR_NUM_FINITE)
	{
		if (n->kind == LR_NUM_NAN ? !isnan(fast) : fast != (n->kind == LR_NUM_PINF ? INFINITY : -INFINITY))
			abort();
		return;
	}
	/* The digits as one integer, then the power of ten: strtod rounds correctly. */
	if (n->neg)
		text[k++] = '-';
	text[k++] = '0';
	for (i = 0; i < n->ndigits; i++)
		k += (size_t) snprintf(text + k, sizeof(text) - k, "%04d", lr_num_digit(n, i));
	snprintf(text + k, sizeof(text) - k, "e%d", 4 * (n->weight - n->ndigits + 1));
	ref = strtod(text, NULL);
	if (n->ndigits == 0 || ref == 0)
		ref = 0.0;				/* numeric has no negative zero */
	if (memcmp(&fast, &ref, sizeof(double)) != 0)
	{
		fprintf(stderr, "%s: fast %.17g, strtod %.17g\n", text, fast, ref);
		abort();
	}
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
	return 0;
}
