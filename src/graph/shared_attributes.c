/*
 * shared_attributes.c
 *	  shared_attribute_components(pairs_sql, max_attribute_degree): entities
 *	  linked when they share an attribute value (phone, device, card), and
 *	  shared_attribute_hubs(...), the values ignored because more than
 *	  max_attribute_degree entities share them (a public Wi-Fi, a call centre).
 *
 * Attribute values are grouped into rows of distinct entities (compressed
 * sparse rows, sorted and deduplicated in parallel); every value kept links
 * its entities by concurrent union-find, so each component's id is its
 * smallest entity id whatever the thread count.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "common/lr_parallel.h"
#include "common/lr_pg.h"
#include "common/lr_spi.h"
#include "graph/graph.h"
#include "common/lr_settings.h"

PG_FUNCTION_INFO_V1(shared_attribute_components);
PG_FUNCTION_INFO_V1(shared_attribute_hubs);

static const char *PAIRS = "pairs query";

typedef struct Pairs
{
	LrGraphMem *mem;
	LrIdMap		ents;
	bool		text_attrs;
	LrIdMap		iattrs;			/* integer attribute values */
	LrStrMap	sattrs;			/* text attribute values */
	Oid			type[2];
	int64		n;
	int64		cap;
	int32	   *ent;
	int32	   *attr;
	int64		rows;
	MemoryContext tmp;
} Pairs;

static void
PairsStart(TupleDesc desc, void *arg)
{
	Pairs	   *p = arg;

	lr_query_require_columns(desc, PAIRS, 2, 2);
	lr_graph_check_id_column(desc, 0, PAIRS);
	lr_query_check_column(desc, 1, LR_COL_ID, PAIRS);
	p->type[0] = lr_query_column_base_type(desc, 0);
	p->type[1] = lr_query_column_base_type(desc, 1);
	p->text_attrs = !(p->type[1] == INT2OID || p->type[1] == INT4OID || p->type[1] == INT8OID);
	if (p->text_attrs)
		lr_strmap_init(&p->sattrs, p->mem);
	else
		lr_idmap_init(&p->iattrs, p->mem, "attribute value");
}

static int32
InternText(Pairs *p, Datum d)
{
	Oid			t = p->type[1];
	const char *s;
	int64		len;
	int32		id;
	MemoryContext old;

	if (t == NAMEOID)
	{
		s = NameStr(*DatumGetName(d));
		return lr_strmap_intern(&p->sattrs, s, strlen(s));
	}
	old = MemoryContextSwitchTo(p->tmp);
	{
		text	   *v = DatumGetTextPP(d);

		s = VARDATA_ANY(v);
		len = VARSIZE_ANY_EXHDR(v);
	}
	MemoryContextSwitchTo(old);
	/* char(n): trailing spaces are not significant, as in its = operator */
	if (t == BPCHAROID)
		while (len > 0 && s[len - 1] == ' ')
			len--;
	id = lr_strmap_intern(&p->sattrs, s, len);
	if ((p->rows & 1023) == 0)
		MemoryContextReset(p->tmp);
	return id;
}

static void
PairsRow(TupleTableSlot *slot, void *arg)
{
	Pairs	   *p = arg;
	int32		e,
				a;

	p->rows++;
	if (slot->tts_isnull[0])
		return;
	e = lr_idmap_intern(&p->ents, lr_datum_int64(slot->tts_values[0], p->type[0]));
	if (slot->tts_isnull[1])
		return;					/* an entity with no value: a component of its own */
	if (p->text_attrs)
		a = InternText(p, slot->tts_values[1]);
	else
		a = lr_idmap_intern(&p->iattrs, lr_datum_int64(slot->tts_values[1], p->type[1]));
	if (p->n == p->cap)
	{
		lr_graph_mem_what(p->mem, "more than %lld entity-attribute pairs", (long long) p->n);
		p->ent = lr_graph_realloc(p->mem, p->ent, sizeof(int32) * p->cap, sizeof(int32) * p->cap * 2);
		p->attr = lr_graph_realloc(p->mem, p->attr, sizeof(int32) * p->cap, sizeof(int32) * p->cap * 2);
		p->cap *= 2;
	}
	p->ent[p->n] = e;
	p->attr[p->n] = a;
	p->n++;
}

typedef struct LinkArg
{
	const LrCsr *ac;
	int32		cap;
	int32	   *parent;
} LinkArg;

static void
LinkBlock(void *arg, int64 block, int64 begin, int64 end)
{
	LinkArg    *a = arg;
	int64		r;

	for (r = begin; r < end; r++)
	{
		const int32 *l = a->ac->adj + a->ac->beg[r];
		int64		k = a->ac->len[r],
					i;

		if (k < 2 || k > a->cap)
			continue;
		for (i = 1; i < k; i++)
			lr_uf_union(a->parent, l[0], l[i]);
	}
}

/* Reads the pairs and groups the distinct entities of each attribute value. */
static void
PairsLoad(Pairs *p, LrGraphMem *mem, const char *sql, LrCsr *ac)
{
	int32	   *perm;
	int64		ne,
				na;

	memset(p, 0, sizeof(*p));
	p->mem = mem;
	lr_idmap_init(&p->ents, mem, "entity");
	p->cap = 4096;
	p->ent = lr_graph_alloc(mem, sizeof(int32) * p->cap);
	p->attr = lr_graph_alloc(mem, sizeof(int32) * p->cap);
	p->tmp = AllocSetContextCreate(CurrentMemoryContext, "loan_risk pairs",
								   ALLOCSET_SMALL_SIZES);
	lr_query_run(sql, PAIRS, PairsStart, PairsRow, p);
	MemoryContextDelete(p->tmp);
	ne = p->ents.count;
	na = p->text_attrs ? p->sattrs.count : p->iattrs.count;
	lr_graph_mem_what(mem, "%lld entity-attribute pairs", (long long) p->n);
	lr_graph_phase(mem, psprintf("pairs query: %lld pairs, %lld entities, %lld values",
								 (long long) p->n, (long long) ne, (long long) na));

	/* rows of the attribute values, union-find and sizes over the entities */
	lr_graph_mem_check(mem, 48.0 * na + 4.0 * p->n + 8.0 * ne - 12.0 * p->ents.cap);

	if (!p->text_attrs && p->iattrs.slot_id)
		lr_idmap_free_slots(&p->iattrs);
	perm = lr_idmap_canonical(&p->ents);
	lr_graph_relabel(p->ent, p->n, perm);
	lr_graph_free(mem, perm, sizeof(int32) * Max(ne, 1));
	lr_csr_build(ac, mem, na, p->attr, p->ent, NULL, p->n, LR_CSR_UNIQUE);
	lr_graph_free(mem, p->ent, sizeof(int32) * p->cap);
	lr_graph_free(mem, p->attr, sizeof(int32) * p->cap);
	p->ent = p->attr = NULL;
	lr_graph_phase(mem, "entities of each value");
}

static void
CheckCap(int32 cap)
{
	if (cap < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_attribute_degree %d is less than 1", cap),
				 errdetail("It is the most entities an attribute value may be shared by and still link them.")));
}

/*
 * The common start of the set-returning functions: arguments (pairs query,
 * max_attribute_degree) checked, the result set, and the pairs loaded into
 * ac, attribute value by entity.  Returns the cap.
 */
static int32
OpenPairs(FunctionCallInfo fcinfo, LrGraphMem *mem, Pairs *p, LrCsr *ac)
{
	char	   *sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	int32		cap = PG_GETARG_INT32(1);

	CheckCap(cap);
	lr_pg_srf_init(fcinfo);
	lr_graph_mem_init(mem, "entity-attribute pairs");
	PairsLoad(p, mem, sql, ac);
	return cap;
}

/* How many attribute values more than cap entities share. */
static int64
CountHubs(const LrCsr *ac, int32 cap)
{
	int64		n = 0;

	for (int64 r = 0; r < ac->nrows; r++)
		if (ac->len[r] > cap)
			n++;
	return n;
}

/* shared_attribute_components: entity, component (smallest entity id), size */
Datum
shared_attribute_components(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	LrGraphMem	mem;
	Pairs		p;
	LrCsr		ac;
	int32		cap = OpenPairs(fcinfo, &mem, &p, &ac);
	LinkArg		la;
	int32	   *size;
	int64		ne,
				x,
				hubs;
	Datum		values[3];
	bool		nulls[3] = {0};

	ne = p.ents.count;

	la.ac = &ac;
	la.cap = cap;
	la.parent = lr_graph_alloc(&mem, sizeof(int32) * Max(ne, 1));
	for (x = 0; x < ne; x++)
		la.parent[x] = (int32) x;
	lr_parallel_for(ac.nrows, LR_GRAPH_NODE_BLOCK(ac.nrows), lr_threads(), LinkBlock, &la);
	lr_uf_flatten(la.parent, ne);
	size = lr_graph_alloc0(&mem, sizeof(int32) * Max(ne, 1));
	for (x = 0; x < ne; x++)
		size[la.parent[x]]++;
	hubs = CountHubs(&ac, cap);
	if (hubs > 0)
		ereport(NOTICE,
				(errmsg("%lld attribute value%s shared by more than %d entities ignored",
						(long long) hubs, hubs == 1 ? "" : "s", cap),
				 errhint("loan_risk.shared_attribute_hubs() with the same arguments lists them.")));

	for (x = 0; x < ne; x++)
	{
		values[0] = Int64GetDatum(p.ents.keys[x]);
		values[1] = Int64GetDatum(p.ents.keys[la.parent[x]]);
		values[2] = Int64GetDatum((int64) size[la.parent[x]]);
		lr_graph_put(rsinfo, values, nulls, x);
	}
	lr_graph_mem_done(&mem);
	return (Datum) 0;
}

typedef struct Hub
{
	int32		attr;
	int64		entities;
} Hub;

static int
HubCmp(const void *pa, const void *pb, void *arg)
{
	const Hub  *a = pa;
	const Hub  *b = pb;
	const Pairs *hub_pairs = arg;

	if (a->entities != b->entities)
		return a->entities > b->entities ? -1 : 1;
	if (hub_pairs->text_attrs)
	{
		const LrStrMap *s = &hub_pairs->sattrs;
		int64		la = s->off[a->attr + 1] - s->off[a->attr];
		int64		lb = s->off[b->attr + 1] - s->off[b->attr];
		int			c = memcmp(s->buf + s->off[a->attr], s->buf + s->off[b->attr], Min(la, lb));

		if (c != 0)
			return c;
		return la < lb ? -1 : (la > lb ? 1 : 0);
	}
	else
	{
		int64		ka = hub_pairs->iattrs.keys[a->attr];
		int64		kb = hub_pairs->iattrs.keys[b->attr];

		return ka < kb ? -1 : (ka > kb ? 1 : 0);
	}
}

/* shared_attribute_hubs: attribute values shared by more than the cap, most shared first */
Datum
shared_attribute_hubs(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	LrGraphMem	mem;
	Pairs		p;
	LrCsr		ac;
	int32		cap = OpenPairs(fcinfo, &mem, &p, &ac);
	Hub		   *hubs;
	int64		nh,
				r;
	Datum		values[2];
	bool		nulls[2] = {0};


	nh = CountHubs(&ac, cap);
	hubs = lr_graph_alloc(&mem, sizeof(Hub) * Max(nh, 1));
	for (r = 0, nh = 0; r < ac.nrows; r++)
		if (ac.len[r] > cap)
		{
			hubs[nh].attr = (int32) r;
			hubs[nh].entities = ac.len[r];
			nh++;
		}
	qsort_arg(hubs, nh, sizeof(Hub), HubCmp, &p);

	for (r = 0; r < nh; r++)
	{
		int32		a = hubs[r].attr;

		if (p.text_attrs)
			values[0] = PointerGetDatum(cstring_to_text_with_len(p.sattrs.buf + p.sattrs.off[a],
																 p.sattrs.off[a + 1] - p.sattrs.off[a]));
		else
		{
			char		buf[32];

			snprintf(buf, sizeof(buf), INT64_FORMAT, p.iattrs.keys[a]);
			values[0] = PointerGetDatum(cstring_to_text(buf));
		}
		values[1] = Int64GetDatum(hubs[r].entities);
		lr_graph_put(rsinfo, values, nulls, r);
		pfree(DatumGetPointer(values[0]));
	}
	lr_graph_mem_done(&mem);
	return (Datum) 0;
}
