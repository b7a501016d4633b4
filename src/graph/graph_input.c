/*
 * graph_input.c
 *	  Reading graphs from queries: node ids interned into dense int32 ids
 *	  (an open-addressing hash), made canonical (ascending node id) by a radix
 *	  sort, and the edge list streamed from the caller's query.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "common/lr_base.h"
#include "common/lr_parallel.h"
#include "common/lr_spi.h"
#include "graph/graph.h"
#include "common/lr_settings.h"

/* ---- int64 ids */

static void
IdMapRehash(LrIdMap *map, int64 newcap)
{
	int64		i;
	uint64		mask = (uint64) newcap - 1;

	lr_graph_free(map->mem, map->slot_key, sizeof(int64) * map->cap);
	lr_graph_free(map->mem, map->slot_id, sizeof(int32) * map->cap);
	map->slot_key = NULL;
	map->slot_id = NULL;
	map->slot_key = lr_graph_alloc(map->mem, sizeof(int64) * newcap);
	map->slot_id = lr_graph_alloc(map->mem, sizeof(int32) * newcap);
	memset(map->slot_id, 0xff, sizeof(int32) * newcap);
	map->cap = newcap;
	for (i = 0; i < map->count; i++)
	{
		int64		key = map->keys[i];
		uint64		h = lr_hash_mix64((uint64) key) & mask;

		while (map->slot_id[h] >= 0)
			h = (h + 1) & mask;
		map->slot_key[h] = key;
		map->slot_id[h] = (int32) i;
		if ((i & 0xfffff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

void
lr_idmap_init(LrIdMap *map, LrGraphMem *mem, const char *what)
{
	memset(map, 0, sizeof(*map));
	map->mem = mem;
	map->what = what;
	map->keys_cap = 1024;
	map->keys = lr_graph_alloc(mem, sizeof(int64) * map->keys_cap);
	IdMapRehash(map, 2048);
}

int32
lr_idmap_intern(LrIdMap *map, int64 key)
{
	uint64		mask = (uint64) map->cap - 1;
	uint64		h = lr_hash_mix64((uint64) key) & mask;
	int32		id;

	for (;;)
	{
		id = map->slot_id[h];
		if (id < 0)
			break;
		if (map->slot_key[h] == key)
			return id;
		h = (h + 1) & mask;
	}

	/* a new id */
	if (map->count >= LR_GRAPH_MAX_NODES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("more than %lld distinct %s ids", (long long) LR_GRAPH_MAX_NODES, map->what)));
	if (map->count == map->keys_cap)
	{
		map->keys = lr_graph_realloc(map->mem, map->keys, sizeof(int64) * map->keys_cap,
									 sizeof(int64) * map->keys_cap * 2);
		map->keys_cap *= 2;
	}
	id = (int32) map->count;
	map->keys[id] = key;
	map->count++;
	if (map->count * 2 > map->cap)
		IdMapRehash(map, map->cap * 2); /* reinserts every key, this one too */
	else
	{
		map->slot_key[h] = key;
		map->slot_id[h] = id;
	}
	return id;
}

int32
lr_idmap_find(const LrIdMap *map, int64 key)
{
	uint64		mask = (uint64) map->cap - 1;
	uint64		h = lr_hash_mix64((uint64) key) & mask;

	if (map->slot_id == NULL)
		elog(ERROR, "lr_idmap_find after the hash was freed");
	for (;;)
	{
		int32		id = map->slot_id[h];

		if (id < 0)
			return -1;
		if (map->slot_key[h] == key)
			return id;
		h = (h + 1) & mask;
	}
}

void
lr_idmap_free_slots(LrIdMap *map)
{
	lr_graph_free(map->mem, map->slot_key, sizeof(int64) * map->cap);
	lr_graph_free(map->mem, map->slot_id, sizeof(int32) * map->cap);
	map->slot_key = NULL;
	map->slot_id = NULL;
	map->cap = 0;
}

/*
 * LSD radix sort by 8-bit digits of the key with its sign bit flipped (so
 * that unsigned order is signed order).  Passes where every key has the same
 * digit are skipped: ids below 2^24 sort in three passes.
 */
static void
RadixSortKeys(int64 *keys, int32 *payload, int64 n, int64 *tk, int32 *tp)
{
	int			shift;
	int64	   *ka = keys,
			   *kb = tk;
	int32	   *pa = payload,
			   *pb = tp;

	for (shift = 0; shift < 64; shift += 8)
	{
		int64		count[256] = {0};
		int64		pos[256];
		int64		i,
					sum = 0;
		bool		trivial = false;
		int			d;

		CHECK_FOR_INTERRUPTS();
		for (i = 0; i < n; i++)
			count[((((uint64) ka[i]) ^ (UINT64CONST(1) << 63)) >> shift) & 0xff]++;
		for (d = 0; d < 256; d++)
		{
			if (count[d] == n)
				trivial = true;
			pos[d] = sum;
			sum += count[d];
		}
		if (trivial)
			continue;
		for (i = 0; i < n; i++)
		{
			int			dig = ((((uint64) ka[i]) ^ (UINT64CONST(1) << 63)) >> shift) & 0xff;
			int64		p = pos[dig]++;

			kb[p] = ka[i];
			pb[p] = pa[i];
		}
		{
			int64	   *k = ka;
			int32	   *p = pa;

			ka = kb;
			kb = k;
			pa = pb;
			pb = p;
		}
	}
	if (ka != keys)
	{
		memcpy(keys, ka, sizeof(int64) * n);
		memcpy(payload, pa, sizeof(int32) * n);
	}
}

typedef struct PermArg
{
	const int32 *order;
	int32	   *perm;
} PermArg;

static void
PermBlock(void *arg, int64 block, int64 begin, int64 end)
{
	PermArg    *a = arg;
	int64		r;

	for (r = begin; r < end; r++)
		a->perm[a->order[r]] = (int32) r;
}

int32 *
lr_idmap_canonical(LrIdMap *map)
{
	int64		n = map->count;
	int32	   *order;
	int64	   *tk;
	int32	   *tp;
	int32	   *perm;
	int64		i;
	PermArg		pa;

	lr_idmap_free_slots(map);
	order = lr_graph_alloc(map->mem, sizeof(int32) * Max(n, 1));
	for (i = 0; i < n; i++)
		order[i] = (int32) i;
	tk = lr_graph_alloc(map->mem, sizeof(int64) * Max(n, 1));
	tp = lr_graph_alloc(map->mem, sizeof(int32) * Max(n, 1));
	RadixSortKeys(map->keys, order, n, tk, tp);
	lr_graph_free(map->mem, tk, sizeof(int64) * Max(n, 1));
	lr_graph_free(map->mem, tp, sizeof(int32) * Max(n, 1));
	perm = lr_graph_alloc(map->mem, sizeof(int32) * Max(n, 1));
	pa.order = order;
	pa.perm = perm;
	lr_parallel_for(n, LR_GRAPH_EDGE_BLOCK(n), lr_threads(), PermBlock, &pa);
	lr_graph_free(map->mem, order, sizeof(int32) * Max(n, 1));
	return perm;
}

/* ---- text keys */

static void
StrMapRehash(LrStrMap *map, int64 newcap)
{
	int64		i;
	uint64		mask = (uint64) newcap - 1;

	lr_graph_free(map->mem, map->slot_id, sizeof(int32) * map->cap);
	map->slot_id = NULL;
	map->slot_id = lr_graph_alloc(map->mem, sizeof(int32) * newcap);
	memset(map->slot_id, 0xff, sizeof(int32) * newcap);
	map->cap = newcap;
	for (i = 0; i < map->count; i++)
	{
		uint64		h = map->hash[i] & mask;

		while (map->slot_id[h] >= 0)
			h = (h + 1) & mask;
		map->slot_id[h] = (int32) i;
		if ((i & 0xfffff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

void
lr_strmap_init(LrStrMap *map, LrGraphMem *mem)
{
	memset(map, 0, sizeof(*map));
	map->mem = mem;
	map->off_cap = 1024;
	map->off = lr_graph_alloc(mem, sizeof(int64) * map->off_cap);
	map->hash = lr_graph_alloc(mem, sizeof(uint32) * map->off_cap);
	map->off[0] = 0;
	map->bufcap = 8192;
	map->buf = lr_graph_alloc(mem, map->bufcap);
	StrMapRehash(map, 2048);
}

int32
lr_strmap_intern(LrStrMap *map, const char *s, int64 len)
{
	uint32		hv = hash_bytes((const unsigned char *) s, (int) len);
	uint64		mask = (uint64) map->cap - 1;
	uint64		h = hv & mask;
	int32		id;

	for (;;)
	{
		id = map->slot_id[h];
		if (id < 0)
			break;
		if (map->hash[id] == hv && map->off[id + 1] - map->off[id] == len &&
			memcmp(map->buf + map->off[id], s, len) == 0)
			return id;
		h = (h + 1) & mask;
	}
	if (map->count >= LR_GRAPH_MAX_NODES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("more than %lld distinct attribute values", (long long) LR_GRAPH_MAX_NODES)));
	if (map->count + 1 >= map->off_cap)
	{
		map->off = lr_graph_realloc(map->mem, map->off, sizeof(int64) * map->off_cap,
									sizeof(int64) * map->off_cap * 2);
		map->hash = lr_graph_realloc(map->mem, map->hash, sizeof(uint32) * map->off_cap,
									 sizeof(uint32) * map->off_cap * 2);
		map->off_cap *= 2;
	}
	if (map->buflen + len > map->bufcap)
	{
		int64		nc = map->bufcap;

		while (nc < map->buflen + len)
			nc *= 2;
		map->buf = lr_graph_realloc(map->mem, map->buf, map->bufcap, nc);
		map->bufcap = nc;
	}
	memcpy(map->buf + map->buflen, s, len);
	map->buflen += len;
	id = (int32) map->count;
	map->hash[id] = hv;
	map->off[id + 1] = map->buflen;
	map->count++;
	if (map->count * 2 > map->cap)
		StrMapRehash(map, map->cap * 2);
	else
		map->slot_id[h] = id;
	return id;
}

/* ---- edge lists */

void
lr_graph_check_id_column(TupleDesc desc, int col, const char *what)
{
	Oid			t = lr_query_column_base_type(desc, col);

	if (t == TEXTOID || t == VARCHAROID || t == BPCHAROID || t == NAMEOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s: column %d (%s) has type %s, expected an integer (smallint, integer or bigint)",
						what, col + 1, NameStr(TupleDescAttr(desc, col)->attname),
						format_type_be(TupleDescAttr(desc, col)->atttypid)),
				 errhint("Node ids are integers: map text ids to bigint first, as shown in doc/graph.md under \"Text identifiers\".")));
	lr_query_check_column(desc, col, LR_COL_INT, what);
}

/*
 * Rows are interned in batches: the hash slots of a whole batch are
 * prefetched first, so the cache misses of a big id table overlap instead of
 * stalling the main thread one by one.
 */
#define EDGE_BATCH 256

typedef struct EdgeReadState
{
	LrEdgeList *el;
	MemoryContext tmp;			/* numeric conversions, reset now and then */
	int64		rows;
	int			nbatch;
	int64		ba[EDGE_BATCH];
	int64		bb[EDGE_BATCH];
	double		bw[EDGE_BATCH];
} EdgeReadState;

static void
EdgesStart(TupleDesc desc, void *arg)
{
	EdgeReadState *st = arg;
	LrEdgeList *el = st->el;

	lr_query_require_columns(desc, el->what, 2, el->want_weight ? 3 : 2);
	lr_graph_check_id_column(desc, 0, el->what);
	lr_graph_check_id_column(desc, 1, el->what);
	el->type[0] = lr_query_column_base_type(desc, 0);
	el->type[1] = lr_query_column_base_type(desc, 1);
	if (desc->natts == 3)
	{
		lr_query_check_column(desc, 2, LR_COL_NUMBER, el->what);
		el->type[2] = lr_query_column_base_type(desc, 2);
		el->weighted = true;
		el->w = lr_graph_alloc(el->mem, sizeof(double) * el->cap);
	}
}

static void
EdgesGrow(LrEdgeList *el)
{
	int64		nc = el->cap * 2;

	/* arcs of one row are counted in int32 */
	if (el->nedges >= PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s returned more than %d edges", el->what, PG_INT32_MAX)));
	nc = Min(nc, (int64) PG_INT32_MAX);

	lr_graph_mem_what(el->mem, "graph of more than %lld edges", (long long) el->nedges);
	el->src = lr_graph_realloc(el->mem, el->src, sizeof(int32) * el->cap, sizeof(int32) * nc);
	el->dst = lr_graph_realloc(el->mem, el->dst, sizeof(int32) * el->cap, sizeof(int32) * nc);
	if (el->weighted)
		el->w = lr_graph_realloc(el->mem, el->w, sizeof(double) * el->cap, sizeof(double) * nc);
	el->cap = nc;
}

static inline void
Prefetch(const LrIdMap *map, int64 key)
{
	uint64		h = lr_hash_mix64((uint64) key) & ((uint64) map->cap - 1);

	__builtin_prefetch(&map->slot_id[h]);
	__builtin_prefetch(&map->slot_key[h]);
}

static void
EdgesFlush(EdgeReadState *st)
{
	LrEdgeList *el = st->el;
	int			i;

	for (i = 0; i < st->nbatch; i++)
	{
		Prefetch(&el->nodes, st->ba[i]);
		Prefetch(&el->nodes, st->bb[i]);
	}
	for (i = 0; i < st->nbatch; i++)
	{
		if (el->nedges == el->cap)
			EdgesGrow(el);
		el->src[el->nedges] = lr_idmap_intern(&el->nodes, st->ba[i]);
		el->dst[el->nedges] = lr_idmap_intern(&el->nodes, st->bb[i]);
		if (el->weighted)
			el->w[el->nedges] = st->bw[i];
		el->nedges++;
	}
	st->nbatch = 0;
}

static void
EdgesRow(TupleTableSlot *slot, void *arg)
{
	EdgeReadState *st = arg;
	LrEdgeList *el = st->el;
	bool		n0 = slot->tts_isnull[0];
	bool		n1 = slot->tts_isnull[1];
	int64		a,
				b;
	double		w = 1.0;

	st->rows++;
	if (n0 && n1)
		return;
	if (n0 || n1)
	{
		/* one endpoint: a node without an edge */
		if (n0)
			lr_idmap_intern(&el->nodes, lr_datum_int64(slot->tts_values[1], el->type[1]));
		else
			lr_idmap_intern(&el->nodes, lr_datum_int64(slot->tts_values[0], el->type[0]));
		return;
	}
	a = lr_datum_int64(slot->tts_values[0], el->type[0]);
	b = lr_datum_int64(slot->tts_values[1], el->type[1]);
	if (el->weighted)
	{
		if (slot->tts_isnull[2])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: edge (%lld, %lld) has a NULL weight", el->what,
							(long long) a, (long long) b),
					 errhint("Leave the edge out, or give it a weight with coalesce().")));
		if (el->type[2] == NUMERICOID)
		{
			MemoryContext old = MemoryContextSwitchTo(st->tmp);

			w = lr_datum_double(slot->tts_values[2], el->type[2]);
			MemoryContextSwitchTo(old);
			if ((st->rows & 1023) == 0)
				MemoryContextReset(st->tmp);
		}
		else
			w = lr_datum_double(slot->tts_values[2], el->type[2]);
		if (isnan(w) || isinf(w) || w < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: edge (%lld, %lld) has weight %s", el->what,
							(long long) a, (long long) b,
							DatumGetCString(DirectFunctionCall1(float8out, Float8GetDatum(w)))),
					 errdetail("Edge weights must be finite and not negative.")));
		w += 0.0;				/* -0 becomes 0 */
	}
	st->ba[st->nbatch] = a;
	st->bb[st->nbatch] = b;
	st->bw[st->nbatch] = w;
	if (++st->nbatch == EDGE_BATCH)
		EdgesFlush(st);
}

typedef struct RelabelArg
{
	int32	   *ids;
	const int32 *perm;
} RelabelArg;

static void
RelabelBlock(void *arg, int64 block, int64 begin, int64 end)
{
	RelabelArg *a = arg;
	int64		i;

	for (i = begin; i < end; i++)
		a->ids[i] = a->perm[a->ids[i]];
}

void
lr_graph_relabel(int32 *ids, int64 n, const int32 *perm)
{
	RelabelArg	a;

	a.ids = ids;
	a.perm = perm;
	lr_parallel_for(n, LR_GRAPH_EDGE_BLOCK(n), lr_threads(), RelabelBlock, &a);
}

void
lr_edges_read(LrEdgeList *el, LrGraphMem *mem, const char *edges_sql, bool allow_weight)
{
	EdgeReadState st;

	memset(el, 0, sizeof(*el));
	el->mem = mem;
	el->what = "edges query";
	el->want_weight = allow_weight;
	lr_idmap_init(&el->nodes, mem, "node");
	el->cap = 4096;
	el->src = lr_graph_alloc(mem, sizeof(int32) * el->cap);
	el->dst = lr_graph_alloc(mem, sizeof(int32) * el->cap);

	st.el = el;
	st.rows = 0;
	st.nbatch = 0;
	st.tmp = AllocSetContextCreate(CurrentMemoryContext, "loan_risk graph rows",
								   ALLOCSET_SMALL_SIZES);
	lr_query_run(edges_sql, el->what, EdgesStart, EdgesRow, &st);
	EdgesFlush(&st);
	MemoryContextDelete(st.tmp);
	lr_graph_mem_what(mem, "graph of %lld edges", (long long) el->nedges);
	lr_graph_phase(mem, psprintf("edges query: %lld edges, %lld nodes",
								 (long long) el->nedges, (long long) el->nodes.count));
}

int32 *
lr_edges_canonical(LrEdgeList *el)
{
	int32	   *perm = lr_idmap_canonical(&el->nodes);

	lr_graph_relabel(el->src, el->nedges, perm);
	lr_graph_relabel(el->dst, el->nedges, perm);
	lr_graph_phase(el->mem, "node ids in order");
	return perm;
}

void
lr_graph_put(ReturnSetInfo *rsinfo, Datum *values, bool *nulls, int64 i)
{
	if ((i & 0xffff) == 0)
		CHECK_FOR_INTERRUPTS();
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}
