/*
 * graph_uf.c
 *	  Union-find that threads may run concurrently (compare-and-swap on the
 *	  roots, path halving), for connected components.
 *
 * Invariant: parent[x] <= x.  A root is only ever hung under a smaller root,
 * and path halving replaces a parent by a grandparent, which is smaller
 * still.  So the smallest member of a set can never get a parent: it is the
 * root, whatever order threads performed the unions in, and the component
 * ids that come out are deterministic.
 */
#include "postgres.h"

#include "graph/graph.h"

static inline int32
Load(int32 *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline int32
Find(int32 *parent, int32 x)
{
	for (;;)
	{
		int32		p = Load(&parent[x]);
		int32		gp;

		if (p == x)
			return x;
		gp = Load(&parent[p]);
		if (gp != p)
		{
			/* path halving; losing the race only means less halving */
			__atomic_compare_exchange_n(&parent[x], &p, gp, false,
										__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
		}
		x = gp;
	}
}

void
lr_uf_union(int32 *parent, int32 a, int32 b)
{
	for (;;)
	{
		int32		expected;

		a = Find(parent, a);
		b = Find(parent, b);
		if (a == b)
			return;
		if (a < b)
		{
			int32		t = a;

			a = b;
			b = t;
		}
		/* hang the larger root a under b, if a is still a root */
		expected = a;
		if (__atomic_compare_exchange_n(&parent[a], &expected, b, false,
										__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return;
	}
}

void
lr_uf_flatten(int32 *parent, int64 n)
{
	int64		x;

	/* parent[x] <= x: by the time x is reached its parent already points to its root */
	for (x = 0; x < n; x++)
		parent[x] = parent[parent[x]];
}
