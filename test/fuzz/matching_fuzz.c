/*
 * matching_fuzz.c
 *	  libFuzzer target for the matching rule language: parser and validator,
 *	  canonical writer and evaluator, built outside the server
 *	  (test/fuzz/run.sh).
 *
 * Properties checked on every input that parses: the canonical text parses
 * again (to the same fields and strings) and writes back byte for byte the
 * same; every rule evaluates, on applicant values made from the input's
 * bytes (numbers, NULL/NaN, every string code and "other"), to the same
 * outcome as the fast all-rules check and as the block evaluator, and a
 * failure always names a leaf.
 *
 * fuzz-sources: src/common/lr_base.c src/common/lr_json.c src/common/lr_jv.c src/scoring/card.c src/scoring/card_build.c src/scoring/card_table.c src/matching/rules.c
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matching/matching.h"

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

#define NPROBES 12

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A value for field f in probe round k. */
static double
Probe(const LrMSchema *s, size_t f, int k, const uint8_t *data, size_t size)
{
	static const double nums[] = {-INFINITY, -1e300, -1, -0.0, 0, 0.5, 1, 2, 30, 1000, 1e300, INFINITY, NAN};
	uint8_t		byte = size ? data[(f * 7 + (size_t) k * 13) % size] : 0;

	if (k == 0)
		return NAN;
	byte = (uint8_t) (byte + k * 37);
	switch (s->fields[f].kind)
	{
		case LR_MK_NUMBER:
		case LR_MK_ANY:
			return nums[byte % (sizeof(nums) / sizeof(nums[0]))];
		case LR_MK_BOOL:
			return byte % 3 == 2 ? NAN : (double) (byte % 2);
		case LR_MK_TEXT:
		default:
			{
				size_t		n = s->fields[f].dict.n;

				if (byte % 5 == 4)
					return NAN;
				return (double) ((int64_t) (byte % (n + 1)) - 1);	/* -1: another string */
			}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	LrArena		arena;
	LrError		err = {0};
	LrMSchema	schema;
	LrMRules   *rules;
	LrJsonOptions opts = {64, false};

	/* Bounded memory: a hostile input becomes an error, never an OOM. */
	lr_arena_init(&arena, &fuzz_alloc, 64 * size + (1 << 20));
	lr_mschema_init(&schema, &arena);
	if (lr_mrules_parse((const char *) data, size, &arena, &opts, &schema, "product \"fuzz\"",
						&rules, &err))
	{
		LrBuf		b1,
					b2;
		LrArena		arena2;
		LrMSchema	schema2;
		LrMRules   *rules2;
		LrError		err2 = {0};
		double	   *vals;
		double	   *cols;
		bool		passed[NPROBES];
		uint8_t		mask[NPROBES];

		if (err.kind != LR_OK)
			abort();
		lr_buf_init(&b1, &fuzz_alloc, 0);
		if (!lr_mrules_write(rules, &schema, &b1))
			abort();
		lr_arena_init(&arena2, &fuzz_alloc, 64 * b1.len + (1 << 20));
		lr_mschema_init(&schema2, &arena2);
		if (!lr_mrules_parse(b1.data, b1.len, &arena2, &opts, &schema2, NULL, &rules2, &err2))
		{
			fprintf(stderr, "canonical text does not parse: %s\n%s\n", err2.msg, b1.data);
			abort();
		}
		if (schema2.n != schema.n || rules2->nrules != rules->nrules || rules2->nnodes != rules->nnodes)
			abort();
		for (size_t f = 0; f < schema.n; f++)
			if (schema2.fields[f].kind != schema.fields[f].kind ||
				strcmp(schema2.fields[f].name, schema.fields[f].name) != 0 ||
				schema2.fields[f].dict.n != schema.fields[f].dict.n)
				abort();
		lr_buf_init(&b2, &fuzz_alloc, 0);
		lr_mrules_write(rules2, &schema2, &b2);
		if (b1.len != b2.len || memcmp(b1.data, b2.data, b1.len) != 0)
		{
			fprintf(stderr, "canonical text is not stable:\n%s\n%s\n", b1.data, b2.data);
			abort();
		}

		vals = malloc((schema.n ? schema.n : 1) * sizeof(double));
		cols = malloc((schema.n ? schema.n : 1) * NPROBES * sizeof(double));
		for (int k = 0; k < NPROBES; k++)
		{
			bool		all = true;

			for (size_t f = 0; f < schema.n; f++)
				vals[f] = cols[f * NPROBES + k] = Probe(&schema, f, k, data, size);
			for (size_t r = 0; r < rules->nrules; r++)
			{
				int32_t		culprit = -1;
				LrMOutcome	o = lr_mrules_eval(rules, rules->rules[r].node, vals, &culprit);

				if (o != LR_MO_PASS)
				{
					all = false;
					if (culprit < 0 || culprit >= (int32_t) rules->nnodes ||
						rules->nodes[culprit].op == LR_MOP_ALL || rules->nodes[culprit].op == LR_MOP_ANY)
						abort();
					if (o == LR_MO_MISSING && !isnan(vals[rules->nodes[culprit].field]))
						abort();
				}
			}
			if (all != lr_mrules_pass(rules, vals))
				abort();
			passed[k] = all;
		}
		/* The block evaluator agrees with the row evaluator on every probe. */
		memset(mask, 1, sizeof(mask));
		(void) lr_mrules_mask(rules, cols, NPROBES, NPROBES, mask);
		for (int k = 0; k < NPROBES; k++)
			if (mask[k] != (passed[k] ? 1 : 0))
			{
				fprintf(stderr, "block evaluation differs on probe %d\n", k);
				abort();
			}
		free(cols);
		free(vals);
		lr_buf_free(&b1);
		lr_buf_free(&b2);
		lr_arena_release(&arena2);
	}
	else if (err.kind == LR_OK || err.msg[0] == '\0')
		abort();
	lr_arena_release(&arena);
	return 0;
}
