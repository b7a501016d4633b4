/*
 * json_fuzz.c
 *	  libFuzzer target for the strict JSON parser and writer.  Property: a
 *	  document that parses is written out, and the output parses again and
 *	  writes back identically.
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
		lr_buf_free(&b1);
		lr_buf_free(&b2);
		lr_arena_release(&arena2);
	}
	lr_arena_release(&arena);
	return 0;
}
