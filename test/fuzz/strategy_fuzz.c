/*
 * strategy_fuzz.c
 *	  libFuzzer target for the decision strategy parser and validator (with
 *	  the parsers of every model it embeds) and its canonical writer, built
 *	  outside the server (test/fuzz/run.sh).
 *
 * Properties checked on every input that parses: the canonical text parses
 * again and writes back byte for byte the same; the arm assignment gives an
 * arm for every position in [0, 1) and is monotone in it.
 *
 * fuzz-sources: src/common/lr_base.c src/common/lr_json.c src/common/lr_jv.c src/decision/strategy.c src/scoring/card.c src/scoring/card_build.c src/scoring/card_table.c src/antifraud/iforest.c src/matching/rules.c src/matching/products_json.c src/matching/kernel.c src/credit/money.c src/credit/policy.c src/credit/decide.c src/credit/schedule_core.c src/credit/irr.c
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decision/strategy.h"

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
	LrStrategy *s;
	LrJsonOptions opts = {64, false};

	/* Bounded memory: a hostile input becomes an error, never an OOM. */
	lr_arena_init(&arena, &fuzz_alloc, 64 * size + (1 << 20));
	if (lr_strategy_parse((const char *) data, size, &arena, &opts, &s, &err))
	{
		LrBuf		b1,
					b2;
		LrArena		arena2;
		LrStrategy *s2;
		LrError		err2 = {0};
		size_t		prev = 0;

		lr_buf_init(&b1, &fuzz_alloc, 0);
		if (!lr_strategy_write(s, &b1))
			abort();
		lr_arena_init(&arena2, &fuzz_alloc, 64 * b1.len + (1 << 20));
		if (!lr_strategy_parse(b1.data, b1.len, &arena2, &opts, &s2, &err2))
		{
			fprintf(stderr, "canonical text does not parse: %s\n%s\n", err2.msg, b1.data);
			abort();
		}
		lr_buf_init(&b2, &fuzz_alloc, 0);
		lr_strategy_write(s2, &b2);
		if (b1.len != b2.len || memcmp(b1.data, b2.data, b1.len) != 0)
		{
			fprintf(stderr, "canonical text is not stable:\n%s\n%s\n", b1.data, b2.data);
			abort();
		}
		if (s->narms > 0)
			for (int k = 0; k <= 64; k++)
			{
				double		u = k < 64 ? k / 64.0 : nextafter(1.0, 0.0);
				size_t		a = lr_strategy_arm(s, u);

				if (a >= s->narms || a < prev)
					abort();
				prev = a;
			}
		if (s->ninputs > 0 && s->inputs == NULL)
			abort();
		lr_buf_free(&b1);
		lr_buf_free(&b2);
		lr_arena_release(&arena2);
	}
	lr_arena_release(&arena);
	return 0;
}
