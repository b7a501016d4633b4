/*
 * assign_core.c
 *	  Collections routing in pure C: cases in priority order, each to the
 *	  first queue (by rank) it is eligible for that still has room.
 *
 * Priority (doc/monitoring.md): by the chosen key, descending (expected loss
 * = roll-forward risk x balance by default), then higher risk, then higher
 * balance, then the lower case id.  The order is total, so the result does
 * not depend on the order the cases query returns its rows in.
 */
#include <stdlib.h>

#include "portfolio/portfolio.h"

static int
CmpDouble(double a, double b)
{
	return a > b ? -1 : (a < b ? 1 : 0);	/* descending */
}

static int
CmpInt64(int64_t a, int64_t b)
{
	return a > b ? -1 : (a < b ? 1 : 0);	/* descending */
}

static int
CompareCases(const void *pa, const void *pb)
{
	const LrCase *a = pa;
	const LrCase *b = pb;
	int			c = CmpDouble(a->key, b->key);

	if (c == 0)
		c = CmpDouble(a->risk, b->risk);
	if (c == 0)
		c = CmpInt64(a->balance, b->balance);
	if (c == 0)
		c = (a->id < b->id) ? -1 : (a->id > b->id);
	return c;
}

LR_COMPARATOR(CompareQueues, LrQueue,
			  LR_CMP(a->rank, b->rank))

void
lr_assign_sort(LrCase *cases, size_t n, LrAssignOrder order)
{
	for (size_t i = 0; i < n; i++)
		cases[i].key = order == LR_ORDER_EXPECTED_LOSS ? cases[i].el :
			order == LR_ORDER_BALANCE ? (double) cases[i].balance : 0;
	qsort(cases, n, sizeof(LrCase), CompareCases);
}

bool
lr_queue_eligible(const LrQueue *q, const LrCase *c)
{
	if (q->min_risk >= 0 && c->risk < q->min_risk)
		return false;
	if (q->min_balance != INT64_MIN && c->balance < q->min_balance)
		return false;
	if (q->min_dpd >= 0 && c->dpd < q->min_dpd)
		return false;
	return true;
}

void
lr_assign_route(LrCase *cases, size_t ncases, LrQueue *queues, size_t nqueues,
				LrAssignOrder order, int32_t *queue, int32_t *preferred)
{
	lr_assign_sort(cases, ncases, order);
	qsort(queues, nqueues, sizeof(LrQueue), CompareQueues);
	for (size_t q = 0; q < nqueues; q++)
		queues[q].used = 0;
	for (size_t i = 0; i < ncases; i++)
	{
		queue[i] = -1;
		preferred[i] = -1;
		for (size_t q = 0; q < nqueues; q++)
		{
			if (!lr_queue_eligible(&queues[q], &cases[i]))
				continue;
			if (preferred[i] < 0)
				preferred[i] = (int32_t) q;
			if (queues[q].capacity < 0 || queues[q].used < queues[q].capacity)
			{
				queue[i] = (int32_t) q;
				queues[q].used++;
				break;
			}
		}
	}
}
