/*
 * woe.c
 *	  Weight of evidence, information value and PSI; see woe.h.  Pure C.
 */
#include <math.h>

#include "stats/ksum.h"
#include "stats/woe.h"

bool
lr_woe_compute(LrWoeBucket *b, size_t n, double *iv_total)
{
	int64_t		tg = 0;
	int64_t		tb = 0;
	double		cg = 0;
	double		cb = 0;
	double		gcomp = 0;
	double		bcomp = 0;
	double		sum = 0;
	double		comp = 0;

	for (size_t i = 0; i < n; i++)
	{
		double		g;
		double		bb;

		if (b[i].goods > INT64_MAX - tg || b[i].bads > INT64_MAX - tb)
			return false;
		tg += b[i].goods;
		tb += b[i].bads;
		lr_woe_corrected(b[i].goods, b[i].bads, &g, &bb);
		lr_ksum_add(&cg, &gcomp, g);
		lr_ksum_add(&cb, &bcomp, bb);
	}
	if (tg == 0 || tb == 0)
		return false;
	cg += gcomp;
	cb += bcomp;
	for (size_t i = 0; i < n; i++)
	{
		double		g;
		double		bb;

		lr_woe_corrected(b[i].goods, b[i].bads, &g, &bb);
		b[i].smoothed = (b[i].goods == 0 || b[i].bads == 0);
		b[i].goods_share = g / cg;
		b[i].bads_share = bb / cb;
		/* One division of products (all below 2^126): no cancellation near WOE = 0. */
		b[i].woe = log((g * cb) / (bb * cg));
		b[i].iv = (b[i].goods_share - b[i].bads_share) * b[i].woe;
		lr_ksum_add(&sum, &comp, b[i].iv);
	}
	*iv_total = sum + comp;
	return true;
}
