/*
 * graph_csr.c
 *	  Compressed sparse rows from an edge list, in three parallel passes:
 *	  count arcs per row (atomic increments), scatter arcs to their rows
 *	  (atomic positions), then sort each row and drop or merge repeats.
 *	  The scatter leaves each row in an order that depends on the threads;
 *	  sorting by (column, weight) makes the result canonical again, and
 *	  merged weights are summed in that sorted order.
 */
#include "postgres.h"

#include "common/lr_parallel.h"
#include "graph/graph.h"
#include "loan_risk.h"

typedef struct CsrArg
{
	const int32 *from;
	const int32 *to;
	const double *win;
	int			flags;
	bool		atomic;
	int64	   *cnt;
	const int64 *beg;
	int32	   *adj;
	double	   *w;
} CsrArg;

static inline int64
Bump(int64 *p, bool atomic)
{
	if (atomic)
		return __atomic_fetch_add(p, 1, __ATOMIC_RELAXED);
	return (*p)++;
}

static void
CountBlock(void *arg, int64 block, int64 begin, int64 end)
{
	CsrArg	   *a = arg;
	int64		i;

	for (i = begin; i < end; i++)
	{
		int32		u = a->from[i],
					v = a->to[i];

		if ((u == v && (a->flags & LR_CSR_NO_LOOPS)) || u < 0 || v < 0)
			continue;
		Bump(&a->cnt[u], a->atomic);
		if ((a->flags & LR_CSR_BOTH_WAYS) && u != v)
			Bump(&a->cnt[v], a->atomic);
	}
}

static void
ScatterBlock(void *arg, int64 block, int64 begin, int64 end)
{
	CsrArg	   *a = arg;
	int64		i;

	for (i = begin; i < end; i++)
	{
		int32		u = a->from[i],
					v = a->to[i];
		double		wt = a->win ? a->win[i] : 1.0;
		int64		p;

		if ((u == v && (a->flags & LR_CSR_NO_LOOPS)) || u < 0 || v < 0)
			continue;
		p = Bump(&a->cnt[u], a->atomic);
		a->adj[p] = v;
		if (a->w)
			a->w[p] = wt;
		if ((a->flags & LR_CSR_BOTH_WAYS) && u != v)
		{
			p = Bump(&a->cnt[v], a->atomic);
			a->adj[p] = u;
			if (a->w)
				a->w[p] = wt;
		}
	}
}

static void
SortBlock(void *arg, int64 block, int64 begin, int64 end)
{
	CsrArg	   *a = arg;
	int64		r;

	for (r = begin; r < end; r++)
	{
		int32	   *l = a->adj + a->beg[r];
		int64		n = a->beg[r + 1] - a->beg[r];
		int64		i,
					k;

		if (a->w)
		{
			double	   *w = a->w + a->beg[r];

			lr_sort_arcs(l, w, n);
			if ((a->flags & LR_CSR_MERGE) && n > 1)
			{
				/* sums run over each column's weights in ascending order */
				for (k = 0, i = 1; i < n; i++)
				{
					if (l[i] == l[k])
						w[k] += w[i];
					else
					{
						k++;
						l[k] = l[i];
						w[k] = w[i];
					}
				}
				n = k + 1;
			}
		}
		else
		{
			lr_sort_int32(l, n);
			if ((a->flags & (LR_CSR_UNIQUE | LR_CSR_MERGE)) && n > 1)
			{
				for (k = 0, i = 1; i < n; i++)
					if (l[i] != l[k])
						l[++k] = l[i];
				n = k + 1;
			}
		}
		a->cnt[r] = n;
	}
}

void
lr_csr_build(LrCsr *csr, LrGraphMem *mem, int64 nrows,
			 const int32 *from, const int32 *to, const double *w,
			 int64 m, int flags)
{
	CsrArg		a;
	int			threads = lr_threads();
	int64		r,
				sum;
	/* merged repeats of an unweighted list carry their multiplicity as weight */
	bool		weighted = (w != NULL || (flags & LR_CSR_MERGE));

	memset(csr, 0, sizeof(*csr));
	memset(&a, 0, sizeof(a));
	a.from = from;
	a.to = to;
	a.win = w;
	a.flags = flags;
	a.atomic = (threads > 1);

	csr->nrows = nrows;
	a.cnt = lr_graph_alloc0(mem, sizeof(int64) * Max(nrows, 1));
	lr_parallel_for(m, LR_GRAPH_EDGE_BLOCK(m), threads, CountBlock, &a);

	csr->beg = lr_graph_alloc(mem, sizeof(int64) * (nrows + 1));
	for (r = 0, sum = 0; r < nrows; r++)
	{
		csr->beg[r] = sum;
		sum += a.cnt[r];
		a.cnt[r] = csr->beg[r];	/* now the fill position */
	}
	csr->beg[nrows] = sum;
	csr->narcs = sum;
	a.beg = csr->beg;

	csr->adj = lr_graph_alloc(mem, sizeof(int32) * Max(sum, 1));
	if (weighted)
		csr->w = lr_graph_alloc(mem, sizeof(double) * Max(sum, 1));
	a.adj = csr->adj;
	a.w = csr->w;
	lr_parallel_for(m, LR_GRAPH_EDGE_BLOCK(m), threads, ScatterBlock, &a);
	lr_parallel_for(nrows, LR_GRAPH_NODE_BLOCK(nrows), threads, SortBlock, &a);
	csr->len = a.cnt;
}

void
lr_csr_free(LrCsr *csr, LrGraphMem *mem)
{
	lr_graph_free(mem, csr->beg, sizeof(int64) * (csr->nrows + 1));
	lr_graph_free(mem, csr->len, sizeof(int64) * Max(csr->nrows, 1));
	lr_graph_free(mem, csr->adj, sizeof(int32) * Max(csr->narcs, 1));
	if (csr->w)
		lr_graph_free(mem, csr->w, sizeof(double) * Max(csr->narcs, 1));
	memset(csr, 0, sizeof(*csr));
}
