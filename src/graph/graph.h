/*
 * graph.h
 *	  In-memory graphs for the graph functions (doc/graph.md): node ids read
 *	  from a query, interned into dense int32 ids, relabelled so that internal
 *	  ids ascend with the node ids, and compressed sparse rows built by pure C
 *	  kernels on OpenMP threads (src/common/lr_parallel.h).
 *
 * Everything a kernel touches is a flat C array allocated on the main thread
 * through LrGraphMem, which checks loan_risk.max_kernel_memory before every
 * allocation.  Results never depend on the order the query returns its rows
 * in, nor on the number of threads: ids are canonical (ascending node id),
 * adjacency lists are sorted, and floating-point sums run in a fixed order.
 */
#ifndef LR_GRAPH_H
#define LR_GRAPH_H

#include "postgres.h"

#include "access/tupdesc.h"
#include "executor/tuptable.h"
#include "funcapi.h"
#include "portability/instr_time.h"

/*
 * Block sizes for lr_parallel_for.  They depend on the size of the input
 * alone (never on the thread count), so results are the same for any number
 * of threads.  About 16 blocks per pass: enough to balance a few threads,
 * few enough that each pass starts only a couple of parallel rounds (every
 * round ends at a barrier, which costs a scheduler time slice when the
 * machine is busy and a thread has been descheduled); bounded so that a
 * block stays well under 100 ms on the biggest graphs, for interrupts.
 */
static inline int64
lr_graph_block(int64 n, int64 lo, int64 hi)
{
	int64		b = n / 16;

	return b < lo ? lo : (b > hi ? hi : b);
}
#define LR_GRAPH_NODE_BLOCK(n) lr_graph_block((n), 1024, 65536)
#define LR_GRAPH_EDGE_BLOCK(m) lr_graph_block((m), 8192, 1048576)

/* The most nodes a graph may have: internal ids are int32. */
#define LR_GRAPH_MAX_NODES ((int64) PG_INT32_MAX - 1)

/* ---- memory: every big array goes through here (graph_mem.c) */
typedef struct LrGraphMem
{
	MemoryContext cxt;			/* owns every array; deleted by lr_graph_mem_done */
	double		used;			/* bytes currently allocated */
	double		peak;
	char		what[96];		/* names the job in the memory error */
	instr_time	phase_start;	/* for lr_graph_phase */
} LrGraphMem;

extern void lr_graph_mem_init(LrGraphMem *m, const char *what);
extern void lr_graph_mem_what(LrGraphMem *m, const char *fmt,...) pg_attribute_printf(2, 3);
/* Raises the memory error unless `more` bytes fit beside what is in use. */
extern void lr_graph_mem_check(LrGraphMem *m, double more);
extern void *lr_graph_alloc(LrGraphMem *m, size_t bytes);
extern void *lr_graph_alloc0(LrGraphMem *m, size_t bytes);
extern void *lr_graph_realloc(LrGraphMem *m, void *p, size_t oldbytes, size_t newbytes);
extern void lr_graph_free(LrGraphMem *m, void *p, size_t bytes);
extern void lr_graph_mem_done(LrGraphMem *m);

/*
 * Reports at DEBUG1 the time since the previous phase ended and the memory
 * in use: SET client_min_messages = debug1 shows where the time goes.
 */
extern void lr_graph_phase(LrGraphMem *m, const char *phase);

/* ---- node ids: int64 -> dense int32, in first-seen order (graph_input.c) */
typedef struct LrIdMap
{
	LrGraphMem *mem;
	int64		count;			/* ids handed out */
	int64		cap;			/* slots, a power of two */
	int64	   *slot_key;
	int32	   *slot_id;		/* -1: empty */
	int64	   *keys;			/* key of each id */
	int64		keys_cap;
	const char *what;			/* "node", "entity", "attribute value" (limit message) */
} LrIdMap;

extern void lr_idmap_init(LrIdMap *map, LrGraphMem *mem, const char *what);
extern int32 lr_idmap_intern(LrIdMap *map, int64 key);
extern int32 lr_idmap_find(const LrIdMap *map, int64 key);	/* -1 when absent */
extern void lr_idmap_free_slots(LrIdMap *map);

/*
 * Canonical ids: perm[old] = rank of keys[old] among all keys, and keys
 * sorted ascending in place.  Frees the map's hash slots first.
 */
extern int32 *lr_idmap_canonical(LrIdMap *map);

/* ---- text keys -> dense int32 (graph_input.c), for attribute values */
typedef struct LrStrMap
{
	LrGraphMem *mem;
	int64		count;
	int64		cap;
	int32	   *slot_id;		/* -1: empty */
	uint32	   *hash;			/* by id */
	int64	   *off;			/* by id: start in buf; off[count] = buflen */
	int64		off_cap;
	char	   *buf;
	int64		buflen;
	int64		bufcap;
} LrStrMap;

extern void lr_strmap_init(LrStrMap *map, LrGraphMem *mem);
extern int32 lr_strmap_intern(LrStrMap *map, const char *s, int64 len);

/* ---- an edge list read from a query (graph_input.c) */
typedef struct LrEdgeList
{
	LrGraphMem *mem;
	LrIdMap		nodes;
	int64		nedges;
	int64		cap;
	int32	   *src;
	int32	   *dst;
	double	   *w;				/* NULL unless the query has a weight column */
	bool		want_weight;	/* accept a third column */
	Oid			type[3];
	bool		weighted;
	const char *what;			/* "edges query" */
} LrEdgeList;

/*
 * Runs edges_sql: two integer columns (endpoints), and a third, the weight,
 * when allow_weight.  NULL endpoints: a row with one NULL adds the other
 * endpoint as a node without an edge; a row with both NULL is skipped.
 * Self-loops and duplicates are kept (each function decides).  Ids are in
 * first-seen order until lr_edges_canonical.
 */
extern void lr_edges_read(LrEdgeList *el, LrGraphMem *mem, const char *edges_sql,
						  bool allow_weight);

/*
 * Makes ids canonical (ascending node id; nodes.keys[i] is then the node id
 * of i) and relabels the edges.  Returns perm[old id] = new id, to relabel
 * other ids; the caller frees it (int32 per node).
 */
extern int32 *lr_edges_canonical(LrEdgeList *el);

/* Applies perm to a range of int32 ids in parallel (perm[old] = new). */
extern void lr_graph_relabel(int32 *ids, int64 n, const int32 *perm);

/* Rejects text id columns with a hint at the mapping approach, else checks an integer. */
extern void lr_graph_check_id_column(TupleDesc desc, int col, const char *what);

/* ---- compressed sparse rows (graph_csr.c) */
typedef struct LrCsr
{
	int64		nrows;
	int64		narcs;			/* capacity of adj (before duplicates went) */
	int64	   *beg;			/* nrows + 1: row r's arcs start at beg[r] */
	int64	   *len;			/* nrows: row r has len[r] arcs from beg[r] */
	int32	   *adj;
	double	   *w;				/* NULL when unweighted */
} LrCsr;

#define LR_CSR_BOTH_WAYS	0x01	/* arc a->b and b->a for each edge (a != b) */
#define LR_CSR_NO_LOOPS		0x02	/* drop edges a->a */
#define LR_CSR_UNIQUE		0x04	/* drop repeated arcs (unweighted) */
#define LR_CSR_MERGE		0x08	/* repeated arcs become one, weights summed
									 * (without weights: w = multiplicity) */

/*
 * Rows from[i] -> column to[i] for i < m (weights w, or NULL); pairs with a
 * negative id are skipped.  Each row's
 * arcs end up sorted by column (then weight), so the CSR is the same for any
 * input order and any thread count.
 */
extern void lr_csr_build(LrCsr *csr, LrGraphMem *mem, int64 nrows,
						 const int32 *from, const int32 *to, const double *w,
						 int64 m, int flags);
extern void lr_csr_free(LrCsr *csr, LrGraphMem *mem);

/* ---- pure C helpers (graph_sort.c): no PostgreSQL calls, thread safe */
extern void lr_sort_int32(int32 *a, int64 n);
extern void lr_sort_arcs(int32 *a, double *w, int64 n);	/* by (a, w) */

/* ---- concurrent union-find with link-to-smaller (graph_uf.c) */
/*
 * parent[] starts as the identity.  Union always hangs the larger root under
 * the smaller, so whatever the interleaving of threads, each set's root ends
 * up as its smallest member: component ids are deterministic.
 */
extern void lr_uf_union(int32 *parent, int32 a, int32 b);
/* After all unions, on the main thread: parent[x] becomes x's root. */
extern void lr_uf_flatten(int32 *parent, int64 n);

/* ---- connected components (components.c) */
extern void lr_graph_components(LrGraphMem *mem, int64 n, const int32 *src, const int32 *dst,
								int64 m, int32 **parent_out, int32 **size_out);

/* ---- output (graph_input.c) */
/* Puts one row into the materialised result, checking for interrupts now and then. */
extern void lr_graph_put(ReturnSetInfo *rsinfo, Datum *values, bool *nulls, int64 i);

#endif							/* LR_GRAPH_H */
