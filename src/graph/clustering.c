/*
 * clustering.c
 *	  graph_clustering(edges_sql): per node its degree, triangles, local
 *	  clustering coefficient and a merchant-likeness score.
 *
 * Triangles by the forward algorithm: orient every edge from the lower to
 * the higher node in (degree, id) order, so out-lists hold at most
 * O(sqrt(edges)) nodes even around a merchant with a million payers; each
 * triangle u < v < w is then found once, as w in out(u) ∩ out(v), by
 * merging two sorted lists.  Counts are integers added atomically, so they
 * are exact for any number of threads.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "common/lr_parallel.h"
#include "common/lr_pg.h"
#include "graph/graph.h"
#include "common/lr_settings.h"

PG_FUNCTION_INFO_V1(graph_clustering);

typedef struct TriArg
{
	const LrCsr *g;
	int64	   *obeg;			/* oriented rows: n + 1 */
	int32	   *oadj;
	int64	   *tri;
	int64	   *work;			/* n + 1: prefix sums of each node's merge work */
	int64	   *cuts;			/* blocks of about equal work: [cuts[b], cuts[b + 1]) */
	bool		atomic;
} TriArg;

static inline bool
RankLess(const LrCsr *g, int32 a, int32 b)
{
	return g->len[a] < g->len[b] || (g->len[a] == g->len[b] && a < b);
}

/* out-degree of each node, into obeg[u + 1] */
static void
OrientCountBlock(void *arg, int64 block, int64 begin, int64 end)
{
	TriArg	   *a = arg;
	const LrCsr *g = a->g;
	int64		u;

	for (u = begin; u < end; u++)
	{
		const int32 *l = g->adj + g->beg[u];
		int64		i,
					c = 0;

		for (i = 0; i < g->len[u]; i++)
			if (RankLess(g, (int32) u, l[i]))
				c++;
		a->obeg[u + 1] = c;
	}
}

static void
OrientFillBlock(void *arg, int64 block, int64 begin, int64 end)
{
	TriArg	   *a = arg;
	const LrCsr *g = a->g;
	int64		u;

	for (u = begin; u < end; u++)
	{
		const int32 *l = g->adj + g->beg[u];
		int32	   *o = a->oadj + a->obeg[u];
		int64		i;

		/* a sorted list filtered stays sorted */
		for (i = 0; i < g->len[u]; i++)
			if (RankLess(g, (int32) u, l[i]))
				*o++ = l[i];
	}
}

static inline void
Add(int64 *p, int64 v, bool atomic)
{
	if (atomic)
		__atomic_fetch_add(p, v, __ATOMIC_RELAXED);
	else
		*p += v;
}

/* merge steps that node u's triangles take, into work[u + 1] */
static void
WorkBlock(void *arg, int64 block, int64 begin, int64 end)
{
	TriArg	   *a = arg;
	int64		u;

	for (u = begin; u < end; u++)
	{
		const int32 *ou = a->oadj + a->obeg[u];
		int64		nu = a->obeg[u + 1] - a->obeg[u];
		int64		k,
					w = 1;

		for (k = 0; k < nu; k++)
			w += nu + (a->obeg[ou[k] + 1] - a->obeg[ou[k]]);
		a->work[u + 1] = w;
	}
}

/* blocks [begin, end) of the work cuts */
static void
TriangleBlock(void *arg, int64 block, int64 bbegin, int64 bend)
{
	TriArg	   *a = arg;
	int64		u;

	for (u = a->cuts[bbegin]; u < a->cuts[bend]; u++)
	{
		const int32 *ou = a->oadj + a->obeg[u];
		int64		nu = a->obeg[u + 1] - a->obeg[u];
		int64		tu = 0,
					k;

		for (k = 0; k < nu; k++)
		{
			int32		v = ou[k];
			const int32 *ov = a->oadj + a->obeg[v];
			int64		nv = a->obeg[v + 1] - a->obeg[v];
			int64		i = 0,
						j = 0,
						tv = 0;

			while (i < nu && j < nv)
			{
				if (ou[i] < ov[j])
					i++;
				else if (ou[i] > ov[j])
					j++;
				else
				{
					Add(&a->tri[ou[i]], 1, a->atomic);
					tv++;
					i++;
					j++;
				}
			}
			if (tv)
				Add(&a->tri[v], tv, a->atomic);
			tu += tv;
		}
		if (tu)
			Add(&a->tri[u], tu, a->atomic);
	}
}

/*
 * The merchant-likeness score (doc/graph.md): the share of a node's pairs of
 * counterparties ("wedges") that are open, i.e. not linked to each other,
 * (W - T + 1/2) / (W + 1) with W = d (d - 1) / 2 wedges and T triangles: the
 * posterior mean of the open share under a Jeffreys Beta(1/2, 1/2) prior.  A
 * person's counterparties know each other (many closed wedges, low score); a
 * merchant's many payers do not (score near 1).  Nodes with few wedges stay
 * near 1/2, where clustering alone would call every leaf a merchant.
 */
static double
MerchantScore(int64 d, int64 t)
{
	int64		w = d * (d - 1) / 2;

	return ((double) (w - t) + 0.5) / ((double) w + 1.0);
}

/* graph_clustering: node, degree, triangles, clustering, merchant_score */
Datum
graph_clustering(PG_FUNCTION_ARGS)
{
	char	   *sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	LrGraphMem	mem;
	LrEdgeList	el;
	LrCsr		g;
	TriArg		ta;
	int32	   *perm;
	int64		n,
				m,
				u,
				sum;
	int			threads = lr_threads();
	Datum		values[5];
	bool		nulls[5] = {0};

	lr_pg_srf_init(fcinfo);
	lr_graph_mem_init(&mem, "graph");
	lr_edges_read(&el, &mem, sql, false);
	n = el.nodes.count;
	m = el.nedges;

	/*
	 * Early and clear, before any of it is allocated: the adjacency (two arcs
	 * per edge; per node two int64 and, while building, eight int32 stripe
	 * counters) is built while the edge list is still held; then the edge
	 * list goes and the oriented copy (one arc per edge) and three int64 per
	 * node come.  The hash of node ids is freed before either.
	 */
	{
		double		need = Max(40.0 * n + 8.0 * m, 40.0 * n + 12.0 * m - 8.0 * el.cap);

		lr_graph_mem_check(&mem, need - 12.0 * el.nodes.cap);
	}

	perm = lr_edges_canonical(&el);
	lr_graph_free(&mem, perm, sizeof(int32) * Max(n, 1));

	lr_csr_build(&g, &mem, n, el.src, el.dst, NULL, m,
				 LR_CSR_BOTH_WAYS | LR_CSR_NO_LOOPS | LR_CSR_UNIQUE);
	lr_graph_free(&mem, el.src, sizeof(int32) * el.cap);
	lr_graph_free(&mem, el.dst, sizeof(int32) * el.cap);
	el.src = el.dst = NULL;
	lr_graph_phase(&mem, "adjacency");

	memset(&ta, 0, sizeof(ta));
	ta.g = &g;
	ta.atomic = (threads > 1);
	ta.obeg = lr_graph_alloc(&mem, sizeof(int64) * (n + 1));
	ta.obeg[0] = 0;
	lr_parallel_for(n, LR_GRAPH_NODE_BLOCK(n), threads, OrientCountBlock, &ta);
	for (u = 0, sum = 0; u < n; u++)
	{
		sum += ta.obeg[u + 1];
		ta.obeg[u + 1] = sum;
	}
	ta.oadj = lr_graph_alloc(&mem, sizeof(int32) * Max(sum, 1));
	lr_parallel_for(n, LR_GRAPH_NODE_BLOCK(n), threads, OrientFillBlock, &ta);
	ta.tri = lr_graph_alloc0(&mem, sizeof(int64) * Max(n, 1));

	/*
	 * The work per node varies a lot (a hub's out-list is long, a leaf's
	 * empty): cut the nodes into blocks of about equal merge work, at most
	 * 2^24 steps (tens of ms) each, so threads stay balanced and interrupts
	 * are checked often.  The cuts depend on the graph alone.
	 */
	ta.work = lr_graph_alloc(&mem, sizeof(int64) * (n + 1));
	ta.work[0] = 0;
	lr_parallel_for(n, LR_GRAPH_NODE_BLOCK(n), threads, WorkBlock, &ta);
	for (u = 0; u < n; u++)
		ta.work[u + 1] += ta.work[u];
	{
		int64		total = ta.work[n];
		int64		target = Min(Max(total / 16, (int64) 1 << 16), (int64) 1 << 24);
		int64		ncuts = 0,
					maxcuts = total / target + 2,
					last = 0;

		ta.cuts = lr_graph_alloc(&mem, sizeof(int64) * (maxcuts + 1));
		ta.cuts[ncuts++] = 0;
		for (u = 0; u < n; u++)
			if (ta.work[u + 1] - ta.work[last] >= target && ncuts < maxcuts)
			{
				ta.cuts[ncuts++] = u + 1;
				last = u + 1;
			}
		if (ta.cuts[ncuts - 1] != n)
			ta.cuts[ncuts++] = n;
		lr_graph_free(&mem, ta.work, sizeof(int64) * (n + 1));
		/* blocks of one cut each: block b is [cuts[b], cuts[b + 1]) */
		lr_parallel_for(ncuts - 1, 1, threads, TriangleBlock, &ta);
		lr_graph_free(&mem, ta.cuts, sizeof(int64) * (maxcuts + 1));
	}
	lr_graph_phase(&mem, "triangles");

	for (u = 0; u < n; u++)
	{
		int64		d = g.len[u];
		int64		t = ta.tri[u];
		double		c;

		/* as networkx: 2t / (d (d - 1)), 0 below degree 2 */
		c = (d < 2 || t == 0) ? 0.0 : (double) (2 * t) / (double) (d * (d - 1));
		values[0] = Int64GetDatum(el.nodes.keys[u]);
		values[1] = Int64GetDatum(d);
		values[2] = Int64GetDatum(t);
		values[3] = Float8GetDatum(c);
		values[4] = Float8GetDatum(MerchantScore(d, t));
		lr_graph_put(rsinfo, values, nulls, u);
	}
	lr_graph_phase(&mem, "result rows");
	lr_graph_mem_done(&mem);
	return (Datum) 0;
}
