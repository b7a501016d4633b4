/*
 * npl.c
 *	  loan_risk.npl_summary(performance_sql, options): non-performing loans
 *	  and early-warning figures by period (month, quarter or year) and
 *	  segment.
 *
 * Stocks are taken at the period's last month with snapshots (as_of): open
 * loans, their balance, and the balance 1+, 30+ and npl_dpd+ days past due.
 * Flows sum the month-to-month transitions (a loan's snapshots in m - 1 and
 * m, m in the period) and the write-offs of the period:
 *
 *   entered NPL          open below npl_dpd in m - 1, at or above it (or
 *                        written off) in m; balance of month m
 *   early delinquency    balance current (0 dpd) in m - 1 that is past due
 *                        or written off in m, over the balance current in
 *                        m - 1 (that has a snapshot in m)
 *   cure rate            balance 30+ in m - 1 that is current (0 dpd, open)
 *                        in m, over the balance 30+ in m - 1
 *   written off          first written-off snapshot of a loan in the period
 *
 * The segment of a figure is that of the snapshot in month m.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "portfolio/portfolio_pg.h"

PG_FUNCTION_INFO_V1(npl_summary);

typedef struct NplGroup
{
	int32		period;
	int32		seg;
	int32		as_of;
	int64		loans;
	int128	balance;
	int128	delinquent;
	int128	par30;
	int64		npl_loans;
	int128	npl;
	int64		entered_loans;
	int128	entered;
	int64		wo_loans;
	int128	wo;
	int128	cur_base;
	int128	cur_delinq;
	int128	cure_base;
	int128	cure;
} NplGroup;

typedef struct GroupEntry
{
	uint64		key;			/* period << 32 | segment */
	int64		idx;			/* into GroupMap.g */
	char		status;
} GroupEntry;

#define SH_PREFIX grouptab
#define SH_ELEMENT_TYPE GroupEntry
#define SH_KEY_TYPE uint64
#define SH_KEY key
#define SH_HASH_KEY(tb, k) murmurhash32((uint32) (k) ^ murmurhash32((uint32) ((k) >> 32)))
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* The groups in first-seen order, found by (period, segment). */
typedef struct GroupMap
{
	NplGroup   *g;
	int64		n;
	int64		cap;
	grouptab_hash *hash;
} GroupMap;

static NplGroup *
GetGroup(GroupMap *m, int32 period, int32 seg)
{
	bool		found;
	GroupEntry *e = grouptab_insert(m->hash, ((uint64) (uint32) period << 32) | (uint32) seg, &found);

	if (found)
		return &m->g[e->idx];
	if (m->n == m->cap)
	{
		m->cap *= 2;
		m->g = repalloc_huge(m->g, m->cap * sizeof(NplGroup));
	}
	memset(&m->g[m->n], 0, sizeof(NplGroup));
	m->g[m->n].period = period;
	m->g[m->n].seg = seg;
	e->idx = m->n;
	return &m->g[m->n++];
}

static int
CompareGroups(const void *pa, const void *pb, void *arg)
{
	const NplGroup *a = pa;
	const NplGroup *b = pb;
	const int32 *sort_rank = arg;

	if (a->period != b->period)
		return a->period < b->period ? -1 : 1;
	return (sort_rank[a->seg] > sort_rank[b->seg]) - (sort_rank[a->seg] < sort_rank[b->seg]);
}

static Datum
Ratio(int128 a, int128 b, bool *isnull)
{
	*isnull = (b == 0);
	return b == 0 ? (Datum) 0 : Float8GetDatum((double) a / (double) b);
}

/* npl_summary: NPL and early-warning figures by period and segment */
Datum
npl_summary(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *perf_sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	LrArena		arena;
	LrError		err = {0};
	LrNplOptions o;
	LrPerf		p;
	int32	   *as_of;			/* per month offset: the as_of month of its period */
	int32		span;
	GroupMap	m;
	int64		i;

	lr_pg_arena_init(&arena, 0);
	if (!lr_npl_options_parse(lr_pg_jsonb_arg(fcinfo, 1, &arena, "options"), &o, &err))
		lr_pg_raise(&err, NULL);
	lr_pg_srf_init(fcinfo);

	lr_perf_read(&p, perf_sql, true);
	if (p.n == 0)
		return (Datum) 0;

	/* the last month with snapshots of each period */
	span = p.max_month - p.min_month + 1;
	as_of = palloc(sizeof(int32) * span);
	{
		bool	   *present = palloc0(sizeof(bool) * span);

		for (i = 0; i < p.n; i++)
			present[p.snaps[i].month - p.min_month] = true;
		for (int32 k = span - 1; k >= 0; k--)
		{
			int32		month = k + p.min_month;
			int32		next = month + 1;

			if (k < span - 1 && lr_period_start(next, o.period) == lr_period_start(month, o.period))
				as_of[k] = as_of[k + 1];
			else
				as_of[k] = -1;
			if (as_of[k] < 0 && present[k])
				as_of[k] = month;
		}
	}

	m.cap = 64;
	m.n = 0;
	m.g = MemoryContextAllocHuge(CurrentMemoryContext, m.cap * sizeof(NplGroup));
	m.hash = grouptab_create(CurrentMemoryContext, 128, NULL);

	for (i = 0; i < p.n; i++)
	{
		const LrSnap *s = &p.snaps[i];
		const LrSnap *prev = (i > 0 && p.snaps[i - 1].loan == s->loan) ? &p.snaps[i - 1] : NULL;
		NplGroup	   *g = GetGroup(&m, lr_period_start(s->month, o.period), s->seg);
		bool		open = s->status == LR_STATUS_OPEN;
		bool		wo = s->status == LR_STATUS_WRITTEN_OFF;

		g->as_of = as_of[s->month - p.min_month];
		if ((i & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
		if (open && s->month == as_of[s->month - p.min_month])
		{
			g->loans++;
			g->balance += s->balance;
			if (s->dpd >= 1)
				g->delinquent += s->balance;
			if (s->dpd >= 30)
				g->par30 += s->balance;
			if (s->dpd >= o.npl_dpd)
			{
				g->npl_loans++;
				g->npl += s->balance;
			}
		}
		if (wo && (prev == NULL || prev->status != LR_STATUS_WRITTEN_OFF))
		{
			g->wo_loans++;
			g->wo += s->balance;
		}
		if (prev && prev->month == s->month - 1 && prev->status == LR_STATUS_OPEN)
		{
			if (prev->dpd == 0)
			{
				g->cur_base += prev->balance;
				if ((open && s->dpd >= 1) || wo)
					g->cur_delinq += prev->balance;
			}
			if (prev->dpd >= 30)
			{
				g->cure_base += prev->balance;
				if (open && s->dpd == 0)
					g->cure += prev->balance;
			}
			if (prev->dpd < o.npl_dpd && ((open && s->dpd >= o.npl_dpd) || wo))
			{
				g->entered_loans++;
				g->entered += s->balance;
			}
		}
	}

	qsort_arg(m.g, m.n, sizeof(NplGroup), CompareGroups, lr_segment_ranks(&p.segs));
	for (i = 0; i < m.n; i++)
	{
		const NplGroup *g = &m.g[i];
		Datum		values[17];
		bool		nulls[17] = {0};
		values[0] = lr_month_datum(g->period);
		values[1] = lr_month_datum(g->as_of);
		nulls[2] = !lr_segment_datum(&p.segs, g->seg, &values[2]);
		values[3] = Int64GetDatum(g->loans);
		values[4] = lr_amount_datum(g->balance, p.cents);
		values[5] = lr_amount_datum(g->delinquent, p.cents);
		values[6] = lr_amount_datum(g->par30, p.cents);
		values[7] = Int64GetDatum(g->npl_loans);
		values[8] = lr_amount_datum(g->npl, p.cents);
		values[9] = Ratio(g->npl, g->balance, &nulls[9]);
		values[10] = Ratio(g->par30, g->balance, &nulls[10]);
		values[11] = Int64GetDatum(g->entered_loans);
		values[12] = lr_amount_datum(g->entered, p.cents);
		values[13] = Int64GetDatum(g->wo_loans);
		values[14] = lr_amount_datum(g->wo, p.cents);
		values[15] = Ratio(g->cur_delinq, g->cur_base, &nulls[15]);
		values[16] = Ratio(g->cure, g->cure_base, &nulls[16]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
