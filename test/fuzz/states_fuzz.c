/*
 * states_fuzz.c
 *	  libFuzzer target for every aggregate state decoder of the extension
 *	  (a user can type any state by hand, and states arrive from parallel
 *	  workers and shards).  The first byte picks the state type; the rest is
 *	  framed as that type's payload behind a correct header, so the fuzzer
 *	  spends its effort on the payload.  Properties: a state that decodes
 *	  encodes to bytes that decode again and encode identically (the text form
 *	  is stable); merging a state with a copy of itself either works or fails
 *	  with an error, never crashes; no allocation beyond the fuzzer's limit.
 *
 * fuzz-sources: src/metrics/brier_state.c src/stats/dist_state.c src/stats/bucket_state.c src/stats/dist_stats.c src/stats/woe.c src/metrics/chisq.c src/training/prebin_state.c src/training/logit_state.c src/training/linalg.c src/training/binning.c src/training/bin_options.c src/features/profile_state.c src/features/borrow_state.c src/features/cp_table.c src/features/store_math.c src/credit/daily_state.c src/credit/apr_state.c src/credit/money.c src/credit/irr.c src/credit/schedule_core.c src/antifraud/robust_state.c src/antifraud/iforest_state.c src/antifraud/iforest.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/lr_state_ops.h"

extern const LrStateOps lr_brier_ops, lr_dist_ops, lr_bucket_ops, lr_prebin_ops, lr_logit_ops,
			lr_profile_ops, lr_borrow_ops, lr_daily_ops, lr_apr_ops, lr_robust_ops, lr_iforest_state_ops;

static const LrStateOps *const all_ops[] = {
	&lr_brier_ops, &lr_dist_ops, &lr_bucket_ops, &lr_prebin_ops, &lr_logit_ops,
	&lr_profile_ops, &lr_borrow_ops, &lr_daily_ops, &lr_apr_ops, &lr_robust_ops, &lr_iforest_state_ops
};
#define NOPS (sizeof(all_ops) / sizeof(all_ops[0]))

/* Every allocation of one input is tracked and released at its end. */
static void **live;
static size_t nlive,
			caplive;

static void *
TrackAlloc(void *ctx, size_t size)
{
	void	   *p = malloc(size ? size : 1);

	if (p == NULL)
		return NULL;
	if (nlive == caplive)
	{
		caplive = caplive ? caplive * 2 : 1024;
		live = realloc(live, caplive * sizeof(void *));
	}
	live[nlive++] = p;
	return p;
}

static void
TrackFree(void *ctx, void *p)
{
	for (size_t i = nlive; i > 0; i--)
		if (live[i - 1] == p)
		{
			live[i - 1] = live[--nlive];
			free(p);
			return;
		}
	abort();					/* freeing what was never allocated */
}

static void
ReleaseAll(void)
{
	while (nlive > 0)
		free(live[--nlive]);
}

static const LrAlloc alloc = {TrackAlloc, TrackFree, NULL};

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s (%s)\n", #x, ops->name); abort(); } } while (0)

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const LrStateOps *ops;
	uint8_t    *framed;
	LrError		err = {0};
	void	   *st;

	if (size < 1)
		return 0;
	ops = all_ops[data[0] % NOPS];
	framed = malloc(size + 8);
	framed[0] = (uint8_t) ops->magic;
	framed[1] = (uint8_t) (ops->magic >> 8);
	framed[2] = (uint8_t) (ops->magic >> 16);
	framed[3] = (uint8_t) (ops->magic >> 24);
	framed[4] = (uint8_t) ops->version;
	framed[5] = (uint8_t) (ops->version >> 8);
	framed[6] = 0;
	framed[7] = 0;
	memcpy(framed + 8, data + 1, size - 1);

	st = lr_state_decode_bytes(ops, framed, size + 7, &alloc, &err);
	if (st != NULL)
	{
		LrBuf		b1,
					b2;
		void	   *st2;
		LrError		err2 = {0};

		lr_buf_init(&b1, &alloc, 0);
		CHECK(lr_state_encode_bytes(ops, st, &b1));
		st2 = lr_state_decode_bytes(ops, (const uint8_t *) b1.data, b1.len, &alloc, &err2);
		if (st2 == NULL)
			fprintf(stderr, "re-decoding failed: %s\n", err2.msg);
		CHECK(st2 != NULL);
		lr_buf_init(&b2, &alloc, 0);
		CHECK(lr_state_encode_bytes(ops, st2, &b2));
		CHECK(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0);
		/* Merging with itself: works, or fails cleanly (limits, mismatched settings). */
		{
			LrError		err3 = {0};

			if (!ops->merge(st2, st, &alloc, &err3))
				CHECK(err3.kind != LR_OK);
			else
			{
				LrBuf		b3;

				lr_buf_init(&b3, &alloc, 0);
				(void) lr_state_encode_bytes(ops, st2, &b3);
			}
		}
	}
	free(framed);
	ReleaseAll();
	return 0;
}
