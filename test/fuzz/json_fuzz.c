/*
 * json_fuzz.c
 *	  libFuzzer target for the strict JSON parser and writer.  Properties: a
 *	  document that parses is written out, and the output parses again and
 *	  writes back identically; parsed again under a tick that stops the work
 *	  after a few values, or in an arena limited to less than the parse
 *	  needed, it either gives the same document or fails with LR_ERR_LIMIT
 *	  (and nothing leaks).
 *
 * fuzz-sources: src/common/lr_base.c src/common/lr_json.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/lr_json.h"

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

static bool
Budget(void *arg)
{
	int		   *left = arg;

	return --*left > 0;
}

/* Parses again under a work budget or a memory limit: same text, or a limit error. */
static void
Constrained(const uint8_t *data, size_t size, const LrJsonOptions *opts, const LrBuf *expect,
			int budget, size_t limit)
{
	LrArena		arena;
	LrError		err = {0};
	LrJson	   *v;
	int			left = budget;
	LrTick		tick = {Budget, &left, 1, 1};
	LrJsonOptions o = *opts;

	if (budget > 0)
		o.tick = &tick;
	lr_arena_init(&arena, &fuzz_alloc, limit);
	if (lr_json_parse((const char *) data, size, &arena, &o, &v, &err))
	{
		LrBuf		b;

		lr_buf_init(&b, &fuzz_alloc, 0);
		lr_json_write(&b, v);
		if (b.len != expect->len || memcmp(b.data, expect->data, b.len) != 0)
			abort();
		lr_buf_free(&b);
	}
	else if (err.kind != LR_ERR_LIMIT || (budget == 0 && !arena.over_limit))
	{
		fprintf(stderr, "constrained parse failed with %d: %s\n", (int) err.kind, err.msg);
		abort();
	}
	lr_arena_release(&arena);
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	LrArena		arena;
	LrError		err = {0};
	LrJson	   *v;
	LrJsonOptions opts = {64, (size % 2) == 1};

	lr_arena_init(&arena, &fuzz_alloc, 64 * size + (1 << 20));
	if (lr_json_parse((const char *) data, size, &arena, &opts, &v, &err))
	{
		LrBuf		b1,
					b2;
		LrArena		arena2;
		LrJson	   *v2;
		LrError		err2 = {0};
		LrJsonOptions opts2 = {64, false};

		lr_buf_init(&b1, &fuzz_alloc, 0);
		lr_json_write(&b1, v);
		lr_arena_init(&arena2, &fuzz_alloc, 64 * b1.len + (1 << 20));
		/* Written escapes are only \" \\ \n \r \t \b \f \u00XX: always ASCII. */
		if (!lr_json_parse(b1.data, b1.len, &arena2, &opts2, &v2, &err2))
		{
			fprintf(stderr, "written JSON does not parse: %s\n", err2.msg);
			abort();
		}
		lr_buf_init(&b2, &fuzz_alloc, 0);
		lr_json_write(&b2, v2);
		if (b1.len != b2.len || memcmp(b1.data, b2.data, b1.len) != 0)
			abort();
		Constrained(data, size, &opts, &b1, 1 + (int) (size % 37), 0);
		Constrained(data, size, &opts, &b1, 0, arena.total / (2 + size % 5) + 1);
		lr_buf_free(&b1);
		lr_buf_free(&b2);
		lr_arena_release(&arena2);
	}
	lr_arena_release(&arena);
	return 0;
}
