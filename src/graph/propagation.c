/*
 * propagation.c
 *	  risk_propagation(edges_sql, seeds_sql, damping, iterations, directed):
 *	  personalised PageRank from seed (blacklisted) nodes.
 *
 *	  x(0) = p,  x(k+1) = damping * (x(k) M + dangling(k) p) + (1 - damping) p
 *
 * where p is the seed distribution (seed weights normalised to sum 1), M the
 * row-normalised (weighted) adjacency, and dangling(k) the mass of nodes
 * without out-weight, which goes back to the seeds as networkx does with
 * pagerank(personalization=p).  Each iteration pulls over in-arcs in the
 * canonical (sorted) order and sums the dangling mass per fixed block, then
 * over the blocks in order: results are bit-identical for any thread count.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "common/lr_parallel.h"
#include "common/lr_pg.h"
#include "common/lr_spi.h"
#include "graph/graph.h"
#include "common/lr_settings.h"

PG_FUNCTION_INFO_V1(risk_propagation);

/* ---- seeds */

typedef struct SeedState
{
	LrEdgeList *el;
	Oid			type[2];
	bool		weighted;
	int64		n;
	int64		cap;
	int32	   *id;
	double	   *w;
	int64		ignored;
	int64		rows;
	MemoryContext tmp;
} SeedState;

static const char *SEEDS = "seeds query";

static void
SeedsStart(TupleDesc desc, void *arg)
{
	SeedState  *st = arg;

	lr_query_require_columns(desc, SEEDS, 1, 2);
	lr_graph_check_id_column(desc, 0, SEEDS);
	st->type[0] = lr_query_column_base_type(desc, 0);
	if (desc->natts == 2)
	{
		lr_query_check_column(desc, 1, LR_COL_NUMBER, SEEDS);
		st->type[1] = lr_query_column_base_type(desc, 1);
		st->weighted = true;
	}
}

static void
SeedsRow(TupleTableSlot *slot, void *arg)
{
	SeedState  *st = arg;
	int64		key;
	int32		id;
	double		w = 1.0;

	st->rows++;
	if (slot->tts_isnull[0])
		return;
	key = lr_datum_int64(slot->tts_values[0], st->type[0]);
	if (st->weighted)
	{
		MemoryContext old;

		if (slot->tts_isnull[1])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: seed %lld has a NULL weight", SEEDS, (long long) key),
					 errhint("Leave the seed out, or give it a weight with coalesce().")));
		old = MemoryContextSwitchTo(st->tmp);
		w = lr_datum_double(slot->tts_values[1], st->type[1]);
		MemoryContextSwitchTo(old);
		if ((st->rows & 1023) == 0)
			MemoryContextReset(st->tmp);
		if (isnan(w) || isinf(w) || w < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: seed %lld has weight %s", SEEDS, (long long) key,
							DatumGetCString(DirectFunctionCall1(float8out, Float8GetDatum(w)))),
					 errdetail("Seed weights must be finite and not negative.")));
		w += 0.0;
	}
	id = lr_idmap_find(&st->el->nodes, key);
	if (id < 0)
	{
		st->ignored++;
		return;
	}
	if (st->n == st->cap)
	{
		st->id = lr_graph_realloc(st->el->mem, st->id, sizeof(int32) * st->cap,
								  sizeof(int32) * st->cap * 2);
		st->w = lr_graph_realloc(st->el->mem, st->w, sizeof(double) * st->cap,
								 sizeof(double) * st->cap * 2);
		st->cap *= 2;
	}
	st->id[st->n] = id;
	st->w[st->n] = w;
	st->n++;
}

/*
 * Divides the weights by a power of two (exact) when a sum of `terms` of
 * them could overflow: repeated edges merge by adding their weights, a
 * node's out-weight is the sum of its edges', seeds sum to their total.
 * Only the ratios of the weights matter, so this changes no result; a
 * weight more than 2^-1022 times smaller than the largest becomes
 * subnormal and keeps fewer digits (a spread beyond 10^290 in one query).
 */
static void
ScaleDown(double *w, int64 n, double terms)
{
	double		mx = 0.0;
	int			shift;
	int64		i;

	for (i = 0; i < n; i++)
		if (w[i] > mx)
			mx = w[i];
	if (!(mx > DBL_MAX / (2.0 * Max(terms, 1.0))))
		return;
	shift = ilogb(mx) - ilogb(DBL_MAX / (2.0 * Max(terms, 1.0))) + 1;
	for (i = 0; i < n; i++)
		w[i] = ldexp(w[i], -shift);
}

/* ---- iterations */

typedef struct PrArg
{
	int64		n;
	const int64 *beg;			/* in-arcs of each node */
	const int64 *len;
	const int32 *adj;
	const double *aw;
	const double *outw;
	const double *p;
	double	   *x;
	double	   *xn;
	double	   *c;				/* x[u], or 0 for a node without out-weight */
	double	   *cn;				/* the same for xn */
	double	   *dpart;			/* dangling mass of xn per block */
	double		damping;
	double		dm;
} PrArg;

static void
ContribBlock(void *arg, int64 block, int64 begin, int64 end)
{
	PrArg	   *a = arg;
	double		d = 0.0;
	int64		u;

	for (u = begin; u < end; u++)
	{
		if (a->outw[u] > 0)
			a->c[u] = a->x[u];
		else
		{
			a->c[u] = 0.0;
			d += a->x[u];
		}
	}
	a->dpart[block] = d;
}

/*
 * One iteration for a block of nodes: pulls from the in-arcs, and at once
 * prepares the next iteration's contributions and dangling mass, so that an
 * iteration is one parallel pass.
 */
static void
PullBlock(void *arg, int64 block, int64 begin, int64 end)
{
	PrArg	   *a = arg;
	double		d = 0.0;
	int64		v;

	for (v = begin; v < end; v++)
	{
		const int32 *l = a->adj + a->beg[v];
		const double *w = a->aw + a->beg[v];
		int64		i,
					k = a->len[v];
		double		s = 0.0;
		double		x;

		for (i = 0; i < k; i++)
			s += a->c[l[i]] * w[i];
		x = a->damping * (s + a->dm * a->p[v]) + (1.0 - a->damping) * a->p[v];
		a->xn[v] = x;
		if (a->outw[v] > 0)
			a->cn[v] = x;
		else
		{
			a->cn[v] = 0.0;
			d += x;
		}
	}
	a->dpart[block] = d;
}

typedef struct OutwArg
{
	const LrCsr *g;
	double	   *outw;
} OutwArg;

static void
OutwBlock(void *arg, int64 block, int64 begin, int64 end)
{
	OutwArg    *a = arg;
	int64		u;

	for (u = begin; u < end; u++)
	{
		const double *w = a->g->w + a->g->beg[u];
		int64		i;
		double		s = 0.0;

		for (i = 0; i < a->g->len[u]; i++)
			s += w[i];
		a->outw[u] = s;
	}
}

typedef struct NormArg
{
	const LrCsr *g;
	const double *outw;
} NormArg;

/*
 * Each in-arc's weight as the share of its source's out-weight, w / outw[u],
 * in [0, 1]: the iterations then never divide, so a subnormal out-weight
 * cannot turn a risk into Infinity (x / 5e-324), nor a huge one into 0.
 */
static void
NormBlock(void *arg, int64 block, int64 begin, int64 end)
{
	NormArg    *a = arg;
	int64		v;

	for (v = begin; v < end; v++)
	{
		const int32 *l = a->g->adj + a->g->beg[v];
		double	   *w = a->g->w + a->g->beg[v];
		int64		i;

		for (i = 0; i < a->g->len[v]; i++)
			w[i] = a->outw[l[i]] > 0 ? w[i] / a->outw[l[i]] : 0.0;
	}
}

typedef struct RowsArg
{
	const LrCsr *g;
	int32	   *from;
} RowsArg;

/* from[arc] = row of the arc, for the merged arcs only (others: -1) */
static void
RowsBlock(void *arg, int64 block, int64 begin, int64 end)
{
	RowsArg    *a = arg;
	int64		u;

	for (u = begin; u < end; u++)
	{
		int64		i;

		for (i = 0; i < a->g->beg[u + 1] - a->g->beg[u]; i++)
			a->from[a->g->beg[u] + i] = (i < a->g->len[u]) ? (int32) u : -1;
	}
}

/* The arguments' checks: damping in [0, 1], iterations not negative. */
static void
CheckArgs(double damping, int32 iterations)
{
	if (isnan(damping) || damping < 0 || damping > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("damping %s is not between 0 and 1",
						DatumGetCString(DirectFunctionCall1(float8out, Float8GetDatum(damping)))),
				 errdetail("The damping is the probability that risk moves on along an edge at each step; 0.85 is usual.")));
	if (iterations < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("iterations %d is negative", iterations)));
}

/* Runs the seeds query into ss: the seeds' node numbers and weights (of el's nodes). */
static void
ReadSeeds(SeedState *ss, LrEdgeList *el, LrGraphMem *mem, const char *seeds_sql)
{
	memset(ss, 0, sizeof(*ss));
	ss->el = el;
	ss->cap = 64;
	ss->id = lr_graph_alloc(mem, sizeof(int32) * ss->cap);
	ss->w = lr_graph_alloc(mem, sizeof(double) * ss->cap);
	ss->tmp = AllocSetContextCreate(CurrentMemoryContext, "loan_risk seeds",
									ALLOCSET_SMALL_SIZES);
	lr_query_run(seeds_sql, SEEDS, SeedsStart, SeedsRow, ss);
	MemoryContextDelete(ss->tmp);
	if (ss->ignored > 0)
		ereport(NOTICE,
				(errmsg("%lld seed%s not in the graph ignored", (long long) ss->ignored,
						ss->ignored == 1 ? "" : "s"),
				 errdetail("A seed that is no endpoint of any edge cannot pass risk on.")));
}

/*
 * The seed weights summed per node in a canonical order (the nodes renumbered
 * canonically first), as a vector of n; *total is their sum.
 */
static double *
SeedVector(SeedState *ss, LrEdgeList *el, LrGraphMem *mem, double *total)
{
	int64		n = el->nodes.count;
	int32	   *perm;
	double	   *p;
	int64		i;

	perm = lr_edges_canonical(el);
	for (i = 0; i < ss->n; i++)
		ss->id[i] = perm[ss->id[i]];
	lr_graph_free(mem, perm, sizeof(int32) * Max(n, 1));

	ScaleDown(ss->w, ss->n, (double) ss->n);
	lr_sort_arcs(ss->id, ss->w, ss->n);
	p = lr_graph_alloc0(mem, sizeof(double) * Max(n, 1));
	for (i = 0; i < ss->n; i++)
		p[ss->id[i]] += ss->w[i];
	*total = 0.0;
	for (i = 0; i < n; i++)
		*total += p[i];
	return p;
}

/*
 * The in-arcs of every node in g, each weighted by its share of its source's
 * out-weight, and outw, each node's out-weight; the edge list's arrays are
 * freed.  Undirected, each edge counts both ways (a self-loop once); repeats
 * are merged.
 */
static void
BuildAdjacency(LrCsr *g, double *outw, LrEdgeList *el, LrGraphMem *mem, bool directed,
			   int threads)
{
	int64		n = el->nodes.count;
	int64		m = el->nedges;
	OutwArg		oa;
	NormArg		na;

	oa.outw = outw;
	if (!directed)
	{
		lr_csr_build(g, mem, n, el->src, el->dst, el->w, m,
					 LR_CSR_BOTH_WAYS | LR_CSR_MERGE);
		lr_graph_free(mem, el->src, sizeof(int32) * el->cap);
		lr_graph_free(mem, el->dst, sizeof(int32) * el->cap);
		if (el->w)
			lr_graph_free(mem, el->w, sizeof(double) * el->cap);
		oa.g = g;
		lr_parallel_for(n, LR_GRAPH_NODE_BLOCK(n), threads, OutwBlock, &oa);
	}
	else
	{
		LrCsr		out;
		RowsArg		ra;

		lr_csr_build(&out, mem, n, el->src, el->dst, el->w, m, LR_CSR_MERGE);
		lr_graph_free(mem, el->src, sizeof(int32) * el->cap);
		lr_graph_free(mem, el->dst, sizeof(int32) * el->cap);
		if (el->w)
			lr_graph_free(mem, el->w, sizeof(double) * el->cap);
		oa.g = &out;
		lr_parallel_for(n, LR_GRAPH_NODE_BLOCK(n), threads, OutwBlock, &oa);
		/* transpose the merged out-arcs into in-arcs */
		ra.g = &out;
		ra.from = lr_graph_alloc(mem, sizeof(int32) * Max(out.narcs, 1));
		lr_parallel_for(n, LR_GRAPH_NODE_BLOCK(n), threads, RowsBlock, &ra);
		lr_csr_build(g, mem, n, out.adj, ra.from, out.w, out.narcs, 0);
		lr_graph_free(mem, ra.from, sizeof(int32) * Max(out.narcs, 1));
		lr_csr_free(&out, mem);
	}
	na.g = g;
	na.outw = outw;
	lr_parallel_for(n, LR_GRAPH_NODE_BLOCK(n), threads, NormBlock, &na);
}

/*
 * iterations steps of the personalised PageRank from p (normalised here to
 * sum 1; total is its sum before), leaving the risks in pa->x; nothing moves
 * when total is not positive (every risk stays 0).
 */
static void
Iterate(PrArg *pa, double *p, double total, int32 iterations, int threads)
{
	int64		n = pa->n;
	int64		nblocks = lr_parallel_nblocks(n, LR_GRAPH_NODE_BLOCK(n));
	int64		i,
				it;

	if (total <= 0)
		return;
	for (i = 0; i < n; i++)
		p[i] /= total;
	memcpy(pa->x, p, sizeof(double) * n);
	lr_parallel_for(n, LR_GRAPH_NODE_BLOCK(n), threads, ContribBlock, pa);
	for (it = 0; it < iterations; it++)
	{
		double	   *t;
		int64		b;

		pa->dm = 0.0;
		for (b = 0; b < nblocks; b++)
			pa->dm += pa->dpart[b];
		lr_parallel_for(n, LR_GRAPH_NODE_BLOCK(n), threads, PullBlock, pa);
		t = pa->x;
		pa->x = pa->xn;
		pa->xn = t;
		t = pa->c;
		pa->c = pa->cn;
		pa->cn = t;
	}
}

/* risk_propagation: node, risk (personalised PageRank from the seeds) */
Datum
risk_propagation(PG_FUNCTION_ARGS)
{
	char	   *edges_sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *seeds_sql = text_to_cstring(PG_GETARG_TEXT_PP(1));
	double		damping = PG_GETARG_FLOAT8(2);
	int32		iterations = PG_GETARG_INT32(3);
	bool		directed = PG_GETARG_BOOL(4);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			threads = lr_threads();
	LrGraphMem	mem;
	LrEdgeList	el;
	SeedState	ss;
	LrCsr		g;
	PrArg		pa;
	double	   *p;
	double	   *outw;
	int64		n,
				m,
				i,
				nblocks;
	double		total;
	Datum		values[2];
	bool		nulls[2] = {0};

	CheckArgs(damping, iterations);
	lr_pg_srf_init(fcinfo);
	lr_graph_mem_init(&mem, "graph");
	lr_edges_read(&el, &mem, edges_sql, true);
	n = el.nodes.count;
	m = el.nedges;
	if (el.w != NULL)
		ScaleDown(el.w, m, 2.0 * m);
	ReadSeeds(&ss, &el, &mem, seeds_sql);

	/*
	 * Early and clear: the adjacency with weights (12 bytes per arc, two arcs
	 * per edge undirected; the directed case holds the out-arcs, their rows
	 * and the in-arcs at once), built next to the edge list, its row arrays
	 * and stripe counters, and six vectors per node.
	 */
	{
		double		arcs = directed ? 28.0 * m : 24.0 * m;
		double		need = arcs + (directed ? 56.0 : 40.0) * n + 48.0 * n;

		lr_graph_mem_check(&mem, need - 12.0 * el.nodes.cap);
	}

	p = SeedVector(&ss, &el, &mem, &total);
	outw = lr_graph_alloc(&mem, sizeof(double) * Max(n, 1));
	BuildAdjacency(&g, outw, &el, &mem, directed, threads);
	lr_graph_phase(&mem, "adjacency");
	pa.n = n;
	pa.beg = g.beg;
	pa.len = g.len;
	pa.adj = g.adj;
	pa.aw = g.w;
	pa.outw = outw;
	pa.p = p;
	pa.damping = damping;
	pa.x = lr_graph_alloc0(&mem, sizeof(double) * Max(n, 1));
	pa.xn = lr_graph_alloc(&mem, sizeof(double) * Max(n, 1));
	pa.c = lr_graph_alloc(&mem, sizeof(double) * Max(n, 1));
	pa.cn = lr_graph_alloc(&mem, sizeof(double) * Max(n, 1));
	nblocks = lr_parallel_nblocks(n, LR_GRAPH_NODE_BLOCK(n));
	pa.dpart = lr_graph_alloc(&mem, sizeof(double) * Max(nblocks, 1));
	Iterate(&pa, p, total, iterations, threads);
	lr_graph_phase(&mem, "iterations");
	if (total <= 0 && n > 0)
		ereport(NOTICE,
				(errmsg("no seed with a positive weight is a node of the graph: every risk is 0")));

	for (i = 0; i < n; i++)
	{
		values[0] = Int64GetDatum(el.nodes.keys[i]);
		values[1] = Float8GetDatum(pa.x[i]);
		lr_graph_put(rsinfo, values, nulls, i);
	}
	lr_graph_phase(&mem, "result rows");
	lr_graph_mem_done(&mem);
	return (Datum) 0;
}
