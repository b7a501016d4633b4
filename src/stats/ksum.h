/*
 * ksum.h
 *	  Compensated summation for the statistics layer and its users.  Pure C.
 */
#ifndef LR_STATS_KSUM_H
#define LR_STATS_KSUM_H

/* Neumaier-compensated sum: (sum + comp) is the accurate total. */
static inline void
lr_ksum_add(double *sum, double *comp, double x)
{
	double		t = *sum + x;

	if (*sum >= x ? (*sum >= -x) : (-*sum >= x))
		*comp += (*sum - t) + x;
	else
		*comp += (x - t) + *sum;
	*sum = t;
}

#endif							/* LR_STATS_KSUM_H */
