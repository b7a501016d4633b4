/*
 * roll.c
 *	  loan_risk.roll_rates(performance_sql, options): the transition matrix
 *	  between delinquency buckets from each month to the next, in loans and
 *	  in balance.
 *
 * A transition is a loan's snapshot in month m and its snapshot in m + 1.
 * An open loan with no snapshot in m + 1 (while the book has snapshots that
 * month) makes no transition, or counts as closed with {"absent": "closed"}.
 * Balances are those of month m (the balance that rolled).  The segment is
 * that of month m.
 *
 * The snapshots are sorted by (loan, month); each transition becomes a key
 * (month, segment rank, from, to) with its balance, the keys are sorted and
 * summed in runs, so memory and time follow the snapshots, not the number
 * of segments or months.
 */
#include "postgres.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "common/lr_parallel.h"
#include "portfolio/portfolio_pg.h"

PG_FUNCTION_INFO_V1(roll_rates);

int
lr_snap_bucket(const LrSnap *s, const LrDpdBuckets *b)
{
	if (s->status == LR_STATUS_WRITTEN_OFF)
		return lr_bucket_written_off(b);
	if (s->status == LR_STATUS_CLOSED)
		return lr_bucket_closed(b);
	return lr_bucket_of_dpd(b, s->dpd);
}

typedef struct Trans
{
	uint64		key;
	int64		balance;
} Trans;

LR_COMPARATOR(CompareTrans, Trans,
			  LR_CMP(a->key, b->key))

#define KEY(month, seg, from, to) \
	(((uint64) (month) << 40) | ((uint64) (seg) << 10) | ((uint64) (from) << 5) | (uint64) (to))

/* roll_rates: month-to-month transitions between delinquency buckets, by segment */
Datum
roll_rates(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *perf_sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	LrArena		arena;
	LrError		err = {0};
	LrRollOptions o;
	LrPerf		p;
	int32	   *rank;
	int32	   *seg_of_rank;
	bool	   *present;
	Trans	   *t;
	int64		nt = 0;
	int64		i,
				j;
	char		labels[LR_MAX_DPD_BOUNDS + 3][32];

	lr_pg_arena_init(&arena, 0);
	if (!lr_roll_options_parse(lr_pg_jsonb_arg(fcinfo, 1, &arena, "options"), &o, &err))
		lr_pg_raise(&err, NULL);
	lr_pg_srf_init(fcinfo);
	for (int b = 0; b < lr_bucket_count(&o.buckets); b++)
		lr_bucket_label(&o.buckets, b, labels[b]);

	lr_perf_read(&p, perf_sql, true);
	if (p.n == 0)
		return (Datum) 0;
	rank = lr_segment_ranks(&p.segs);
	seg_of_rank = palloc(sizeof(int32) * p.segs.n);
	for (int32 s = 0; s < p.segs.n; s++)
		seg_of_rank[rank[s]] = s;
	present = palloc0(sizeof(bool) * (p.max_month - p.min_month + 2));
	for (i = 0; i < p.n; i++)
		present[p.snaps[i].month - p.min_month] = true;

	lr_memory_check((double) p.n * sizeof(Trans), "roll rates");
	t = MemoryContextAllocHuge(CurrentMemoryContext, Max(p.n, 1) * sizeof(Trans));
	for (i = 0; i < p.n; i++)
	{
		const LrSnap *s = &p.snaps[i];
		const LrSnap *n = (i + 1 < p.n && p.snaps[i + 1].loan == s->loan) ? &p.snaps[i + 1] : NULL;
		int			from = lr_snap_bucket(s, &o.buckets);
		int			to;

		if ((i & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
		if (n && n->month == s->month + 1)
			to = lr_snap_bucket(n, &o.buckets);
		else if (o.absent_closed && s->status == LR_STATUS_OPEN && s->month < p.max_month &&
				 present[s->month + 1 - p.min_month])
			to = lr_bucket_closed(&o.buckets);
		else
			continue;
		t[nt].key = KEY(s->month - p.min_month, rank[s->seg], from, to);
		t[nt].balance = s->balance;
		nt++;
	}
	qsort(t, nt, sizeof(Trans), CompareTrans);

	/* runs of equal (month, segment, from), and in them runs of equal to */
	for (i = 0; i < nt; i = j)
	{
		uint64		group = t[i].key >> 5;
		int64		from_loans = 0;
		int128	from_balance = 0;
		int64		k;

		CHECK_FOR_INTERRUPTS();
		for (j = i; j < nt && (t[j].key >> 5) == group; j++)
		{
			from_loans++;
			from_balance += t[j].balance;
		}
		for (k = i; k < j;)
		{
			uint64		key = t[k].key;
			int64		loans = 0;
			int128	balance = 0;
			Datum		values[12];
			bool		nulls[12] = {0};
			int32		month = (int32) (key >> 40) + p.min_month;
			int32		seg = seg_of_rank[(key >> 10) & ((1 << 30) - 1)];
			int			from = (int) ((key >> 5) & 31);
			int			to = (int) (key & 31);

			for (; k < j && t[k].key == key; k++)
			{
				loans++;
				balance += t[k].balance;
			}
			values[0] = lr_month_datum(month);
			nulls[1] = !lr_segment_datum(&p.segs, seg, &values[1]);
			values[2] = CStringGetTextDatum(labels[from]);
			values[3] = CStringGetTextDatum(labels[to]);
			values[4] = Int32GetDatum(from);
			values[5] = Int32GetDatum(to);
			values[6] = Int64GetDatum(loans);
			values[7] = lr_amount_datum(balance, p.cents);
			values[8] = Int64GetDatum(from_loans);
			values[9] = lr_amount_datum(from_balance, p.cents);
			values[10] = Float8GetDatum((double) loans / (double) from_loans);
			if (from_balance != 0)
				values[11] = Float8GetDatum((double) balance / (double) from_balance);
			else
				nulls[11] = true;
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}
