/*
 * graph_csr.c
 *	  Compressed sparse rows from an edge list, without atomics.
 *
 * The edge list is cut into a fixed number of stripes.  Each stripe counts
 * the arcs it gives every row into its own counter array; the counters then
 * become each stripe's offset inside each row, and each stripe scatters its
 * arcs into its own slots.  No two threads ever write the same counter or the
 * same slot, so hub rows (a merchant with a million payers) cost no cache-line
 * contention, and the layout is the same for any number of threads.  Finally
 * each row is sorted by (column, weight), which makes the result independent
 * of the input order too, and repeats are dropped or merged (weights summed
 * in that sorted order).
 */
#include "postgres.h"

#include "common/lr_parallel.h"
#include "graph/graph.h"
#include "common/lr_settings.h"

/*
 * Stripes: the most threads the build uses.  A constant, not the thread
 * count, so nothing depends on the number of threads.
 */
#define CSR_STRIPES 8
/* Edges per stripe per parallel call: each call stays short, for interrupts. */
#define CSR_CHUNK ((int64) 1 << 20)

typedef struct CsrArg
{
	const int32 *from;
	const int32 *to;
	const double *win;
	int64		m;
	int64		nrows;
	int			flags;
	int64		stripe_len;		/* edges per stripe (the last may have fewer) */
	int64		chunk_off;		/* offset inside each stripe of this call */
	int32	   *cnt;			/* CSR_STRIPES x nrows: arcs, then offsets in the row */
	int64	   *beg;
	int64	   *len;
	int32	   *adj;
	double	   *w;
} CsrArg;

static inline bool
Skip(const CsrArg *a, int32 u, int32 v)
{
	return u < 0 || v < 0 || (u == v && (a->flags & LR_CSR_NO_LOOPS));
}

/* this call's part of stripe s: [*lo, *hi) */
static inline void
ChunkRange(const CsrArg *a, int64 s, int64 *lo, int64 *hi)
{
	int64		start = s * a->stripe_len;
	int64		stop = Min(a->m, start + a->stripe_len);

	*lo = Min(stop, start + a->chunk_off);
	*hi = Min(stop, *lo + CSR_CHUNK);
}

static void
CountStripe(void *arg, int64 s, int64 unused_begin, int64 unused_end)
{
	CsrArg	   *a = arg;
	int32	   *cnt = a->cnt + s * a->nrows;
	int64		i,
				lo,
				hi;

	ChunkRange(a, s, &lo, &hi);
	for (i = lo; i < hi; i++)
	{
		int32		u = a->from[i],
					v = a->to[i];

		if (Skip(a, u, v))
			continue;
		cnt[u]++;
		if ((a->flags & LR_CSR_BOTH_WAYS) && u != v)
			cnt[v]++;
	}
}

/* row totals into beg[r + 1]; each stripe's count becomes its offset in the row */
static void
OffsetBlock(void *arg, int64 block, int64 begin, int64 end)
{
	CsrArg	   *a = arg;
	int64		r;

	for (r = begin; r < end; r++)
	{
		int64		sum = 0;
		int			s;

		for (s = 0; s < CSR_STRIPES; s++)
		{
			int32		c = a->cnt[s * a->nrows + r];

			a->cnt[s * a->nrows + r] = (int32) sum;
			sum += c;
		}
		a->beg[r + 1] = sum;
	}
}

static void
ScatterStripe(void *arg, int64 s, int64 unused_begin, int64 unused_end)
{
	CsrArg	   *a = arg;
	int32	   *off = a->cnt + s * a->nrows;
	int64		i,
				lo,
				hi;

	ChunkRange(a, s, &lo, &hi);
	for (i = lo; i < hi; i++)
	{
		int32		u = a->from[i],
					v = a->to[i];
		double		wt = a->win ? a->win[i] : 1.0;
		int64		p;

		if (Skip(a, u, v))
			continue;
		p = a->beg[u] + off[u]++;
		a->adj[p] = v;
		if (a->w)
			a->w[p] = wt;
		if ((a->flags & LR_CSR_BOTH_WAYS) && u != v)
		{
			p = a->beg[v] + off[v]++;
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
		a->len[r] = n;
	}
}

/* Runs fn over every stripe, a chunk of each at a time. */
static void
ForStripes(CsrArg *a, int threads, LrBlockFn fn)
{
	for (a->chunk_off = 0; a->chunk_off < a->stripe_len; a->chunk_off += CSR_CHUNK)
		lr_parallel_for(CSR_STRIPES, 1, threads, fn, a);
}

void
lr_csr_build(LrCsr *csr, LrGraphMem *mem, int64 nrows,
			 const int32 *from, const int32 *to, const double *w,
			 int64 m, int flags)
{
	CsrArg		a;
	int			threads = lr_threads();
	int64		r;

	/* merged repeats of an unweighted list carry their multiplicity as weight */
	bool		weighted = (w != NULL || (flags & LR_CSR_MERGE));

	memset(csr, 0, sizeof(*csr));
	memset(&a, 0, sizeof(a));
	a.from = from;
	a.to = to;
	a.win = w;
	a.m = m;
	a.nrows = nrows;
	a.flags = flags;
	a.stripe_len = Max((m + CSR_STRIPES - 1) / CSR_STRIPES, 1);
	csr->nrows = nrows;

	a.cnt = lr_graph_alloc0(mem, sizeof(int32) * CSR_STRIPES * Max(nrows, 1));
	ForStripes(&a, threads, CountStripe);

	csr->beg = lr_graph_alloc(mem, sizeof(int64) * (nrows + 1));
	a.beg = csr->beg;
	a.beg[0] = 0;
	lr_parallel_for(nrows, LR_GRAPH_NODE_BLOCK(nrows), threads, OffsetBlock, &a);
	for (r = 0; r < nrows; r++)
		a.beg[r + 1] += a.beg[r];
	csr->narcs = a.beg[nrows];

	csr->adj = lr_graph_alloc(mem, sizeof(int32) * Max(csr->narcs, 1));
	if (weighted)
		csr->w = lr_graph_alloc(mem, sizeof(double) * Max(csr->narcs, 1));
	a.adj = csr->adj;
	a.w = csr->w;
	ForStripes(&a, threads, ScatterStripe);
	lr_graph_free(mem, a.cnt, sizeof(int32) * CSR_STRIPES * Max(nrows, 1));
	a.cnt = NULL;

	csr->len = lr_graph_alloc(mem, sizeof(int64) * Max(nrows, 1));
	a.len = csr->len;
	lr_parallel_for(nrows, LR_GRAPH_NODE_BLOCK(nrows), threads, SortBlock, &a);
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
