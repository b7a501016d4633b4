/*
 * credit_fuzz.c
 *	  libFuzzer target for the pure C parsers of the credit area: the three
 *	  policy parsers (then a decision on the parsed policy), exact decimal
 *	  text, and the apr / daily_interest state decoders (then their final
 *	  computation).  Built and run by test/fuzz/run.sh; seeds in
 *	  test/fuzz/corpus/credit.
 *
 * fuzz-sources: src/credit/money.c src/credit/policy.c src/credit/decide.c src/credit/schedule_core.c src/credit/irr.c src/credit/apr_state.c src/credit/daily_state.c src/common/lr_base.c src/common/lr_json.c src/common/lr_jv.c src/common/lr_state_ops.c
 *
 * The first input byte picks the target; the rest is the text or bytes.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "credit/credit.h"

static void *
FuzzAlloc(void *ctx, size_t size)
{
	(void) ctx;
	return malloc(size ? size : 1);
}

static void
FuzzFree(void *ctx, void *p)
{
	(void) ctx;
	free(p);
}

/* An arena allocator that remembers every block, freed at the end of a run. */
typedef struct Track
{
	void	   *p[4096];
	int			n;
} Track;

static Track track;

static void *
TrackAlloc(void *ctx, size_t size)
{
	void	   *p;

	(void) ctx;
	if (track.n >= 4096 || size > (64u << 20))
		return NULL;
	p = malloc(size ? size : 1);
	if (p)
		track.p[track.n++] = p;
	return p;
}

static void
TrackFree(void *ctx, void *p)
{
	int			i;

	(void) ctx;
	for (i = 0; i < track.n; i++)
		if (track.p[i] == p)
		{
			free(p);
			track.p[i] = track.p[--track.n];
			return;
		}
}

static void
TrackReleaseAll(void)
{
	while (track.n > 0)
		free(track.p[--track.n]);
}

/* Inputs for the decisions, from the fuzz bytes' hash. */
static double
Unit(uint32_t h)
{
	return (double) (h % 10001) / 10000.0;
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	LrAlloc		a = {FuzzAlloc, FuzzFree, NULL};
	LrAlloc		ta = {TrackAlloc, TrackFree, NULL};
	LrArena		arena;
	LrError		err;
	LrJsonOptions opts = {64, false};
	uint32_t	h = 2166136261u;
	size_t		i;
	const char *text;
	size_t		len;

	if (size < 1)
		return 0;
	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	text = (const char *) data + 1;
	len = size - 1;
	memset(&err, 0, sizeof(err));
	lr_arena_init(&arena, &a, 16u << 20);

	switch (data[0] % 6)
	{
		case 0:
			{
				LrLimitPolicy *p;
				LrLimitResult r;

				if (lr_limit_policy_parse(text, len, &arena, &opts, &p, &err))
				{
					lr_credit_limit(p, Unit(h), (int64_t) (h % 100000000), (int64_t) ((h >> 7) % 1000000), &r);
					lr_credit_limit(p, 0, LR_MONEY_MAX_CENTS, LR_MONEY_MAX_CENTS, &r);
					lr_credit_limit(p, 1, 0, 0, &r);
				}
				break;
			}
		case 1:
			{
				LrAdjustPolicy *p;
				LrAdjustResult r;
				LrAdjustInput in = {(int64_t) (h % 100000000), Unit(h >> 3) * 1.5, (int) (h % 90),
				Unit(h >> 5), Unit(h >> 9), (int) (h % 40), (int) (h % 40) / 2};

				if (lr_adjust_policy_parse(text, len, &arena, &opts, &p, &err))
				{
					lr_adjust_limit(p, &in, &r);
					in.current_limit = LR_MONEY_MAX_CENTS;
					in.utilisation = 10;
					lr_adjust_limit(p, &in, &r);
				}
				break;
			}
		case 2:
			{
				LrPricePolicy *p;
				LrPriceResult r;

				if (lr_price_policy_parse(text, len, &arena, &opts, &p, &err))
				{
					lr_price_loan(p, Unit(h), Unit(h >> 11), 1 + (int) (h % LR_TERM_MAX), &r);
					lr_price_loan(p, 1, 1, 1, &r);
				}
				break;
			}
		case 3:
			{
				lr_i128		v;
				char		buf[80];
				int			scale = (int) (h % 19);

				if (lr_dec_parse(text, len, scale, (h & 1) != 0, LR_MONEY_MAX_CENTS * (lr_i128) 1000000,
								 &v) == LR_DEC_OK)
					lr_dec_format(buf, sizeof(buf), v, scale, (int) (h % 5));
				break;
			}
		case 4:
			{
				void	   *st = lr_state_decode_bytes(&lr_apr_ops, (const uint8_t *) text, len, &ta, &err);
				double		rate;

				if (st && ((LrAprState *) st)->n < 2000)
				{
					memset(&err, 0, sizeof(err));
					lr_apr_compute(st, &ta, &rate, &err);
				}
				TrackReleaseAll();
				break;
			}
		case 5:
			{
				void	   *st = lr_state_decode_bytes(&lr_daily_ops, (const uint8_t *) text, len, &ta, &err);
				lr_i128		interest,
							bd;

				if (st)
				{
					memset(&err, 0, sizeof(err));
					lr_daily_compute(st, &ta, &interest, &bd, &err);
				}
				TrackReleaseAll();
				break;
			}
	}
	lr_arena_release(&arena);
	return 0;
}
