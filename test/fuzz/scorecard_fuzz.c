/*
 * scorecard_fuzz.c
 *	  libFuzzer target for the scorecard parser and validator, the canonical
 *	  writer and the bin lookup, built outside the server (test/fuzz/run.sh).
 *
 * Properties checked on every input that parses: the canonical text parses
 * again and writes back byte for byte the same; every feature's bins can be
 * looked up for a set of probe values without a crash.
 *
 * fuzz-sources: src/common/lr_base.c src/common/lr_json.c src/common/lr_jv.c src/scoring/card.c
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
		for (size_t i = 0; i < card->nfeatures; i++)
		{
			const LrFeature *f = &card->features[i];

			if (f->kind == LR_FEATURE_NUMERIC)
				for (size_t k = 0; k < sizeof(probes) / sizeof(probes[0]); k++)
				{
					const LrBin *b = lr_feature_bin_numeric(f, probes[k]);

					if (b != NULL && !isfinite(b->points))
						abort();
				}
			else
			{
				(void) lr_feature_bin_categorical(f, "", 0);
				(void) lr_feature_bin_categorical(f, "zhejiang", 8);
				for (size_t j = 0; j < f->nbins; j++)
					for (size_t v = 0; v < f->bins[j].nvalues; v++)
						if (lr_feature_bin_categorical(f, f->bins[j].values[v], f->bins[j].valuelens[v]) != &f->bins[j])
							abort();
			}
		}
		lr_buf_free(&b1);
		lr_buf_free(&b2);
		lr_arena_release(&arena2);
	}
	lr_arena_release(&arena);
	return 0;
}
