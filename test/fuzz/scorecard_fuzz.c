/*
 * scorecard_fuzz.c
 *	  libFuzzer target for the scorecard parser and validator, the canonical
 *	  writer and the bin lookup, built outside the server (test/fuzz/run.sh).
 *
 * Properties checked on every input that parses: the canonical text parses
 * again and writes back byte for byte the same; every feature's codes can be
 * looked up for a set of probe values without a crash, each listed category
 * finds its own bin, and the row and batch forms of the points table give
 * the same doubles.
 *
 * fuzz-sources: src/common/lr_base.c src/common/lr_json.c src/common/lr_jv.c src/scoring/card.c src/scoring/card_build.c src/scoring/card_table.c
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scoring/card.h"

static void *
FuzzAlloc(void *ctx, size_t size)
{
	return malloc(size);
}

static void
FuzzFree(void *ctx, void *ptr)
{
	free(ptr);
}

static const LrAlloc fuzz_alloc = {FuzzAlloc, FuzzFree, NULL};

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	LrArena		arena;
	LrError		err = {0};
	LrCard	   *card;
	LrJsonOptions opts = {64, false};

	/* Bounded memory: a hostile input becomes an error, never an OOM. */
	lr_arena_init(&arena, &fuzz_alloc, 64 * size + (1 << 20));
	if (lr_card_parse((const char *) data, size, &arena, &opts, &card, &err))
	{
		LrBuf		b1,
					b2;
		LrArena		arena2;
		LrCard	   *card2;
		LrError		err2 = {0};
		static const double probes[] = {-INFINITY, -1e300, -1, -0.0, 0, 0.5, 1, 1000, 1e300, INFINITY, NAN};

		lr_buf_init(&b1, &fuzz_alloc, 0);
		if (!lr_card_write(card, &b1))
			abort();
		lr_arena_init(&arena2, &fuzz_alloc, 64 * b1.len + (1 << 20));
		if (!lr_card_parse(b1.data, b1.len, &arena2, &opts, &card2, &err2))
		{
			fprintf(stderr, "canonical text does not parse: %s\n%s\n", err2.msg, b1.data);
			abort();
		}
		lr_buf_init(&b2, &fuzz_alloc, 0);
		lr_card_write(card2, &b2);
		if (b1.len != b2.len || memcmp(b1.data, b2.data, b1.len) != 0)
		{
			fprintf(stderr, "canonical text is not stable:\n%s\n%s\n", b1.data, b2.data);
			abort();
		}
		{
			const LrCardTable *t = &card->table;
			size_t		nf = t->nfeatures;
			size_t		np = sizeof(probes) / sizeof(probes[0]);
			int32_t    *codes = calloc(nf * np + 1, sizeof(int32_t));
			const int32_t **rows = calloc(nf + 1, sizeof(int32_t *));
			int32_t    *row = calloc(nf + 1, sizeof(int32_t));
			double		batch[sizeof(probes) / sizeof(probes[0])];

			for (size_t i = 0; i < nf; i++)
			{
				const LrTableFeature *f = &t->features[i];
				const LrFeature *cf = &card->features[i];

				rows[i] = codes + i * np;
				for (size_t k = 0; k < np; k++)
				{
					int32_t		c;

					if (f->kind == LR_FEATURE_NUMERIC)
						c = lr_code_number(f, probes[k]);
					else
						c = k % 2 ? lr_code_text(f, "zhejiang", 8) : lr_code_text(f, "", 0);
					if (c < LR_CODE_NONE || c >= f->ncodes ||
						(c >= 0 && !isfinite(f->points[c])))
						abort();
					/* Probes without a bin score as bin 0, which every feature has. */
					codes[i * np + k] = c < 0 ? 0 : c;
				}
				if (f->kind == LR_FEATURE_CATEGORICAL)
					for (size_t j = 0; j < cf->nbins; j++)
						for (size_t v = 0; v < cf->bins[j].nvalues; v++)
							if (lr_code_text(f, cf->bins[j].values[v], cf->bins[j].valuelens[v]) != (int32_t) j)
								abort();
			}
			lr_table_score_batch(t, rows, np, batch);
			for (size_t k = 0; k < np; k++)
			{
				double		s;

				for (size_t i = 0; i < nf; i++)
					row[i] = codes[i * np + k];
				s = lr_table_score(t, row);
				if (memcmp(&s, &batch[k], sizeof(double)) != 0)
					abort();
			}
			free(codes);
			free(rows);
			free(row);
		}
		lr_buf_free(&b1);
		lr_buf_free(&b2);
		lr_arena_release(&arena2);
	}
	lr_arena_release(&arena);
	return 0;
}
