/*
 * card_table.c
 *	  The compiled points table of a card: from a value to its code, from
 *	  codes to points (one row, or many feature by feature), and what the
 *	  scoring functions read back (labels, bounds, pd).  Pure C: see card.h.
 */
#include <math.h>
#include <string.h>

#include "scoring/card.h"

int32_t
lr_code_number_slow(const LrTableFeature *f, double v)
{
	size_t		n = (size_t) f->nup;
	size_t		idx;

	if (isnan(v))
		return f->missing;
	if (f->nspecial > 0)
	{
		size_t		lo = 0,
					hi = f->nspecial;

		while (lo < hi)
		{
			size_t		mid = (lo + hi) / 2;

			if (f->special[mid] < v)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < f->nspecial && f->special[lo] == v)
			return f->special_code[lo];
	}
	/* The bin = the number of finite upper bounds <= v (intervals are [lower, upper)). */
	if (n <= LR_CODE_DIRECT_MAX)
	{
		idx = 0;
		for (size_t i = 0; i < n; i++)
			idx += (v >= f->uppers[i]);
	}
	else
	{
		size_t		lo = 0,
					hi = n;

		while (lo < hi)
		{
			size_t		mid = (lo + hi) / 2;

			if (f->uppers[mid] <= v)
				lo = mid + 1;
			else
				hi = mid;
		}
		idx = lo;
	}
	return (int32_t) idx;
}

int32_t
lr_code_text(const LrTableFeature *f, const char *s, size_t len)
{
	const LrCatHash *h = &f->cat;
	size_t		i = lr_hash_bytes(s, len) & h->mask;

	while (h->keys[i] != NULL)
	{
		if (h->keylens[i] == len && memcmp(h->keys[i], s, len) == 0)
			return h->code[i];
		i = (i + 1) & h->mask;
	}
	return f->unseen;
}

void
lr_table_score_batch(const LrCardTable *t, const int32_t *const *codes, size_t n, double *s)
{
	for (size_t j = 0; j < n; j++)
		s[j] = t->base_points;
	for (size_t i = 0; i < t->nfeatures; i++)
	{
		const double *pts = t->features[i].points;
		const int32_t *c = codes[i];

		for (size_t j = 0; j < n; j++)
			s[j] += pts[c[j]];
	}
}

/* ---------------------------------------------------------------- reading a card */

double
lr_bin_lower(const LrFeature *f, const LrBin *b)
{
	size_t		i = (size_t) (b - f->bins);

	if (b->kind != LR_BIN_RANGE || i == 0 || i >= f->nbins)
		return -INFINITY;
	return f->bins[i - 1].upper;
}

bool
lr_bin_label(const LrFeature *f, const LrBin *b, LrBuf *out)
{
	size_t		i;

	if (b->has & LR_HAS_LABEL)
		return lr_buf_puts(out, b->label);
	switch (b->kind)
	{
		case LR_BIN_RANGE:
			{
				double		lo = lr_bin_lower(f, b);

				lr_buf_putc(out, '[');
				if (isinf(lo))
					lr_buf_puts(out, "-inf");
				else
					lr_buf_put_double(out, lo);
				lr_buf_puts(out, ", ");
				if (isinf(b->upper))
					lr_buf_puts(out, "+inf");
				else
					lr_buf_put_double(out, b->upper);
				return lr_buf_putc(out, ')');
			}
		case LR_BIN_VALUES:
			for (i = 0; i < b->nvalues; i++)
			{
				if (i > 0)
					lr_buf_puts(out, ", ");
				lr_buf_append(out, b->values[i], b->valuelens[i]);
			}
			return !out->failed;
		case LR_BIN_SPECIAL:
			lr_buf_puts(out, "special: ");
			for (i = 0; i < b->nvalues; i++)
			{
				if (i > 0)
					lr_buf_puts(out, ", ");
				lr_buf_put_double(out, b->numvalues[i]);
			}
			return !out->failed;
		case LR_BIN_MISSING:
			return lr_buf_puts(out, "missing");
		case LR_BIN_UNSEEN:
			return lr_buf_puts(out, "unseen");
	}
	return false;
}

double
lr_card_log_odds(const LrCard *card, double score)
{
	return card->log_base_odds + (score - card->base_score) / card->pdo * M_LN2;
}

double
lr_card_pd(const LrCard *card, double score)
{
	/* exp() overflows to +inf for very high scores, giving pd 0: the right limit. */
	return 1.0 / (1.0 + exp(lr_card_log_odds(card, score)));
}
