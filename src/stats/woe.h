/*
 * woe.h
 *	  Weight of evidence and information value, the one implementation for
 *	  every area (metrics: iv, woe_table, psi; training: binning and WOE
 *	  coding).  Pure C, no PostgreSQL headers.
 *
 * Conventions (doc/metrics.md):
 *
 *   share of goods  g_i / G,   share of bads  b_i / B   (over the buckets)
 *   WOE_i  = ln(share of goods / share of bads)         (Siddiqi's sign:
 *            positive where goods are over-represented, i.e. lower risk)
 *   IV_i   = (share of goods - share of bads) * WOE_i   (never negative)
 *   IV     = sum of IV_i
 *
 * Empty cells: a bucket with no goods or no bads would have an infinite WOE.
 * Such a bucket gets LR_WOE_SMOOTHING (0.5) added to both of its counts (the
 * Haldane-Anscombe correction), and the shares are taken over the corrected
 * counts, so they still sum to 1.  Buckets with both counts present are
 * left as they are.
 *
 * PSI is the same sum with baseline rows in place of goods and actual rows in
 * place of bads: PSI = sum (a_i - e_i) ln(a_i / e_i), smoothed the same way.
 */
#ifndef LR_STATS_WOE_H
#define LR_STATS_WOE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define LR_WOE_SMOOTHING 0.5

typedef struct LrWoeBucket
{
	/* input */
	int64_t		goods;			/* class 0: goods (or baseline rows for PSI) */
	int64_t		bads;			/* class 1: bads (or actual rows for PSI) */
	/* output */
	double		goods_share;	/* corrected goods / corrected total goods */
	double		bads_share;
	double		woe;
	double		iv;				/* this bucket's contribution */
	bool		smoothed;		/* the empty-cell correction was applied */
} LrWoeBucket;

/* A bucket's counts after the empty-cell rule. */
static inline void
lr_woe_corrected(int64_t goods, int64_t bads, double *g, double *b)
{
	if (goods == 0 || bads == 0)
	{
		*g = (double) goods + LR_WOE_SMOOTHING;
		*b = (double) bads + LR_WOE_SMOOTHING;
	}
	else
	{
		*g = (double) goods;
		*b = (double) bads;
	}
}

/*
 * Fills the shares, WOE and IV of n buckets and sets *iv_total (PSI when the
 * classes are baseline/actual).  Returns false, leaving the outputs alone,
 * when either class has no rows at all: WOE is then undefined.
 */
extern bool lr_woe_compute(LrWoeBucket *b, size_t n, double *iv_total);

#endif							/* LR_STATS_WOE_H */
