/*
 * antifraud_fuzz.c
 *	  libFuzzer target for the pure C parsers of the anti-fraud area: the
 *	  isolation forest JSON (parse, compile, score, write, re-parse), the
 *	  iforest_train options, the iforest_train and robust_stats state
 *	  decoders (decode, merge, encode, decode again), and the identifier
 *	  checks.  The first byte picks the target.  Built and run by
 *	  test/fuzz/run.sh; seeds in test/fuzz/corpus/antifraud.
 *
 * fuzz-sources: src/antifraud/iforest.c src/antifraud/iforest_state.c src/antifraud/robust_state.c src/antifraud/ident.c src/common/lr_base.c src/common/lr_json.c src/common/lr_jv.c src/common/lr_state_ops.c
 */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "antifraud/ident.h"
#include "antifraud/iforest.h"
#include "antifraud/iforest_state.h"
#include "antifraud/robust.h"
#include "common/lr_json.h"
#include "common/lr_state_ops.h"

/* Allocations are recorded and freed after each input, so leaks are real leaks. */
typedef struct Track
{
	void	  **p;
	size_t		n;
	size_t		cap;
} Track;

static void *
TrackAlloc(void *ctx, size_t size)
{
	Track	   *t = ctx;
	void	   *p;

	if (size > ((size_t) 1 << 28))
		return NULL;			/* a limit like the server's, so huge counts fail cleanly */
	if (t->n == t->cap)
	{
		size_t		cap = t->cap ? t->cap * 2 : 256;
		void	  **np = realloc(t->p, cap * sizeof(void *));

		if (np == NULL)
			return NULL;
		t->p = np;
		t->cap = cap;
	}
	p = malloc(size);
	if (p != NULL)
		t->p[t->n++] = p;
	return p;
}

static void
TrackFreeAll(Track *t)
{
	size_t		i;

	for (i = 0; i < t->n; i++)
		free(t->p[i]);
	free(t->p);
	memset(t, 0, sizeof(*t));
}

static void
FuzzForest(const uint8_t *data, size_t size, LrAlloc *a)
{
	LrArena		arena;
	LrForest   *f;
	LrForestModel *m;
	LrError		err = {0};
	LrJsonOptions opts = {64, false};

	lr_arena_init(&arena, a, (size_t) 64 << 20);
	if (lr_iforest_parse((const char *) data, size, &arena, &opts, &f, &err) &&
		lr_iforest_compile(f, &arena, NULL, &m, &err))
	{
		double		x[LR_IFOREST_MAX_FEATURES];
		size_t		i;
		LrBuf		buf;
		LrForest   *f2;
		double		s;

		/* Score a few rows: ordinary, infinite and missing values. */
		for (i = 0; i < f->nfeatures; i++)
			x[i] = (double) i;
		s = lr_iforest_score(m, x);
		assert(s > 0 && s <= 1);
		for (i = 0; i < f->nfeatures; i++)
			x[i] = (i % 2) ? INFINITY : -INFINITY;
		s = lr_iforest_score(m, x);
		assert(s > 0 && s <= 1);
		x[0] = NAN;
		s = lr_iforest_score(m, x);
		assert(s > 0 && s <= 1);

		/* The canonical text parses back to the same text. */
		lr_buf_init(&buf, a, 0);
		assert(lr_iforest_write(f, &buf));
		err.kind = LR_OK;
		assert(lr_iforest_parse(buf.data, buf.len, &arena, &opts, &f2, &err));
		{
			LrBuf		buf2;

			lr_buf_init(&buf2, a, 0);
			assert(lr_iforest_write(f2, &buf2));
			assert(buf2.len == buf.len && memcmp(buf.data, buf2.data, buf.len) == 0);
		}
	}
	lr_arena_release(&arena);
}

static void
FuzzOptions(const uint8_t *data, size_t size, LrAlloc *a)
{
	LrArena		arena;
	LrIfOptions o;
	LrError		err = {0};
	LrJsonOptions opts = {64, false};

	lr_arena_init(&arena, a, (size_t) 16 << 20);
	if (lr_ifopt_parse((const char *) data, size, &arena, &opts, &o, &err))
		assert(o.trees >= 1 && o.sample_size >= 2 && o.reservoir >= o.sample_size);
	lr_arena_release(&arena);
}

static void
FuzzState(const LrStateOps *ops, const uint8_t *data, size_t size, LrAlloc *a)
{
	LrError		err = {0};
	void	   *st = lr_state_decode_bytes(ops, data, size, a, &err);
	LrBuf		buf;
	void	   *copy;

	if (st == NULL)
		return;
	/* Merge it into an empty state and into itself; encode; decode again. */
	copy = ops->create(a, &err);
	assert(copy != NULL);
	if (!ops->merge(copy, st, a, &err))
		return;
	(void) ops->merge(copy, st, a, &err);
	lr_buf_init(&buf, a, 0);
	assert(lr_state_encode_bytes(ops, st, &buf));
	err.kind = LR_OK;
	assert(lr_state_decode_bytes(ops, (const uint8_t *) buf.data, buf.len, a, &err) != NULL);
	if (ops == &lr_robust_ops && ((LrRobustState *) st)->n > 0)
	{
		LrRobustResult r;

		assert(lr_robust_result(st, a, &r, &err));
		assert(!(r.mad < 0));
	}
	if (ops == &lr_iforest_state_ops && ((LrIfState *) st)->m > 0)
	{
		double	   *rows;

		assert(lr_ifstate_sorted_rows(st, a, &rows, &err));
	}
}

static void
FuzzIdent(const uint8_t *data, size_t size)
{
	LrIdCheck	r;
	int			utf8;

	for (utf8 = 0; utf8 < 2; utf8++)
	{
		lr_check_resident_id((const char *) data, size, utf8, &r);
		assert(r.valid ? strlen(r.normalized) == 18 : r.reason[0] != '\0');
		lr_check_credit_code((const char *) data, size, utf8, &r);
		assert(r.valid ? strlen(r.normalized) == 18 : r.reason[0] != '\0');
		lr_check_mobile((const char *) data, size, utf8, &r);
		assert(r.valid ? strlen(r.normalized) == 11 : r.reason[0] != '\0');
		lr_check_bank_card((const char *) data, size, utf8, &r);
		assert(r.valid ? strlen(r.normalized) >= 12 : r.reason[0] != '\0');
		(void) lr_luhn_valid((const char *) data, size, utf8);
	}
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Track		t = {0};
	LrAlloc		a = {TrackAlloc, NULL, &t};

	if (size < 1)
		return 0;
	switch (data[0] % 5)
	{
		case 0:
			FuzzForest(data + 1, size - 1, &a);
			break;
		case 1:
			FuzzOptions(data + 1, size - 1, &a);
			break;
		case 2:
			FuzzState(&lr_iforest_state_ops, data + 1, size - 1, &a);
			break;
		case 3:
			FuzzState(&lr_robust_ops, data + 1, size - 1, &a);
			break;
		case 4:
			FuzzIdent(data + 1, size - 1);
			break;
	}
	TrackFreeAll(&t);
	return 0;
}
