/*
 * components.c
 *	  graph_components(edges_sql): connected components of an undirected
 *	  graph by concurrent union-find over the edge list (no adjacency lists
 *	  needed).  A component's id is the smallest node id in it.
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "common/lr_parallel.h"
#include "common/lr_pg.h"
#include "graph/graph.h"
#include "common/lr_settings.h"

PG_FUNCTION_INFO_V1(graph_components);

typedef struct UnionArg
{
	const int32 *src;
	const int32 *dst;
	int32	   *parent;
} UnionArg;

static void
UnionBlock(void *arg, int64 block, int64 begin, int64 end)
{
	UnionArg   *a = arg;
	int64		i;

	for (i = begin; i < end; i++)
		if (a->src[i] != a->dst[i])
			lr_uf_union(a->parent, a->src[i], a->dst[i]);
}

static void
IdentityBlock(void *arg, int64 block, int64 begin, int64 end)
{
	int32	   *parent = arg;
	int64		i;

	for (i = begin; i < end; i++)
		parent[i] = (int32) i;
}

/*
 * Components of pairs (src[i], dst[i]) over n canonical ids: on return
 * parent[x] is the smallest id in x's component and size[] its size (by root).
 * Shared with shared_attribute_components.
 */
void
lr_graph_components(LrGraphMem *mem, int64 n, const int32 *src, const int32 *dst,
					int64 m, int32 **parent_out, int32 **size_out)
{
	int32	   *parent = lr_graph_alloc(mem, sizeof(int32) * Max(n, 1));
	int32	   *size;
	UnionArg	ua;
	int64		x;

	lr_parallel_for(n, LR_GRAPH_EDGE_BLOCK(n), lr_threads(), IdentityBlock, parent);
	ua.src = src;
	ua.dst = dst;
	ua.parent = parent;
	lr_parallel_for(m, LR_GRAPH_EDGE_BLOCK(m), lr_threads(), UnionBlock, &ua);
	lr_uf_flatten(parent, n);
	CHECK_FOR_INTERRUPTS();
	size = lr_graph_alloc0(mem, sizeof(int32) * Max(n, 1));
	for (x = 0; x < n; x++)
		size[parent[x]]++;
	*parent_out = parent;
	*size_out = size;
}

/* graph_components: node, component (its smallest node id), component size */
Datum
graph_components(PG_FUNCTION_ARGS)
{
	char	   *sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	LrGraphMem	mem;
	LrEdgeList	el;
	int32	   *perm;
	int32	   *parent;
	int32	   *size;
	int64		n,
				x;
	Datum		values[3];
	bool		nulls[3] = {0};

	lr_pg_srf_init(fcinfo);
	lr_graph_mem_init(&mem, "graph");
	lr_edges_read(&el, &mem, sql, false);
	n = el.nodes.count;
	perm = lr_edges_canonical(&el);
	lr_graph_free(&mem, perm, sizeof(int32) * Max(n, 1));

	lr_graph_components(&mem, n, el.src, el.dst, el.nedges, &parent, &size);
	lr_graph_phase(&mem, "components");

	for (x = 0; x < n; x++)
	{
		values[0] = Int64GetDatum(el.nodes.keys[x]);
		values[1] = Int64GetDatum(el.nodes.keys[parent[x]]);
		values[2] = Int64GetDatum((int64) size[parent[x]]);
		lr_graph_put(rsinfo, values, nulls, x);
	}
	lr_graph_phase(&mem, "result rows");
	lr_graph_mem_done(&mem);
	return (Datum) 0;
}
