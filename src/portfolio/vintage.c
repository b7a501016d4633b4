/*
 * vintage.c
 *	  loan_risk.vintage(loans_sql, performance_sql, options): the cumulative
 *	  bad rate by origination cohort and months on book.
 *
 * A loan is bad from its first snapshot with days past due at or above
 * bad_dpd (or, by default, a written-off status).  Months on book count from
 * the origination month (0).  A loan is observed at m months on book when
 * its origination month + m is at or before the observation month (as_of,
 * by default the last month of the snapshots).  For each segment, cohort and
 * m: the loans observed at m, and those of them bad at or before m.
 *
 * One pass over the snapshots, nothing stored per snapshot: memory is the
 * loans (24 bytes each) plus the output.
 */
#include "postgres.h"

#include "executor/tuptable.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "common/lr_spi.h"
#include "portfolio/portfolio_pg.h"

PG_FUNCTION_INFO_V1(vintage);

typedef struct VintageRead
{
	LrLoans    *l;
	const LrVintageOptions *o;
	int32	   *first_bad;		/* per loan: month of the first bad snapshot, INT32_MAX if none */
	int32		max_month;
	bool		any;
	Oid			type[6];
	int			natts;
	const char *what;
} VintageRead;

static void
VStart(TupleDesc desc, void *arg)
{
	VintageRead *r = arg;

	lr_query_check_columns(desc, r->what, 4, 6, lr_perf_columns, r->type);
	r->natts = desc->natts;
}

static void
VRow(TupleTableSlot *slot, void *arg)
{
	VintageRead *r = arg;
	Datum	   *v = slot->tts_values;
	bool	   *nulls = slot->tts_isnull;
	int64		id;
	int32		month;
	int64		idx;
	bool		bad = false;
	LrStatus	st = LR_STATUS_OPEN;
	char		m[16];

	if (nulls[0])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: a snapshot has a NULL loan id", r->what)));
	id = lr_datum_int64(v[0], r->type[0]);
	if (nulls[1])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: loan %lld has a snapshot with a NULL month", r->what, (long long) id)));
	month = lr_datum_month(v[1], r->type[1], r->what, 1);
	if (r->natts >= 5 && !nulls[4])
	{
		size_t		len;
		const char *s = lr_text_bytes(v[4], r->type[4], &len);
		LrError		err = {0};

		if (!lr_status_parse(s, len, &st, &err))
		{
			lr_format_month(month, m);
			m[7] = '\0';
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: loan %lld in %s: %s", r->what, (long long) id, m, err.msg),
					 errdetail("%s", err.detail)));
		}
	}
	if (nulls[2])
	{
		if (st == LR_STATUS_OPEN)
		{
			lr_format_month(month, m);
			m[7] = '\0';
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: loan %lld in %s has NULL days past due", r->what, (long long) id, m),
					 errdetail("Only a written off or closed loan may have NULL days past due.")));
		}
	}
	else
	{
		int64		dpd = lr_datum_int64(v[2], r->type[2]);

		if (dpd < 0)
		{
			lr_format_month(month, m);
			m[7] = '\0';
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: loan %lld in %s has days past due %lld", r->what, (long long) id, m,
							(long long) dpd),
					 errdetail("Days past due are 0 (current) or more.")));
		}
		bad = dpd >= r->o->bad_dpd;
	}
	if (st == LR_STATUS_WRITTEN_OFF && r->o->written_off_is_bad)
		bad = true;
	if (r->o->has_as_of && month > r->o->as_of)
		return;
	if (!r->any || month > r->max_month)
		r->max_month = month;
	r->any = true;
	idx = lr_loans_find(r->l, id);
	if (idx < 0)
		return;					/* a loan the loans query left out */
	if (month < r->l->loans[idx].month)
	{
		char		o[16];

		lr_format_month(month, m);
		m[7] = '\0';
		lr_format_month(r->l->loans[idx].month, o);
		o[7] = '\0';
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: loan %lld has a snapshot in %s, before its origination in %s",
						r->what, (long long) id, m, o)));
	}
	if (bad && month < r->first_bad[idx])
		r->first_bad[idx] = month;
}

static int
CompareSegNames(const void *pa, const void *pb, void *arg)
{
	const LrSegments *s = arg;
	int32		a = *(const int32 *) pa;
	int32		b = *(const int32 *) pb;

	if (a == 0 || b == 0)
		return (a != 0) - (b != 0);
	return strcmp(s->names[a], s->names[b]);
}

/* Segment ranks: NULL first, then by name (bytewise). */
int32 *
lr_segment_ranks(const LrSegments *s)
{
	int32	   *order = palloc(sizeof(int32) * s->n);
	int32	   *rank = palloc(sizeof(int32) * s->n);

	for (int32 i = 0; i < s->n; i++)
		order[i] = i;
	qsort_arg(order, s->n, sizeof(int32), CompareSegNames, (void *) s);
	for (int32 i = 0; i < s->n; i++)
		rank[order[i]] = i;
	return rank;
}

typedef struct LoanKey
{
	int32		seg_rank;
	int32		cohort;
	int64		idx;
} LoanKey;

LR_COMPARATOR(CompareLoanKeys, LoanKey,
			  a->seg_rank != b->seg_rank ? LR_CMP(a->seg_rank, b->seg_rank) :
			  a->cohort != b->cohort ? LR_CMP(a->cohort, b->cohort) : LR_CMP(a->idx, b->idx))

/* vintage: cumulative bad rate by segment, origination cohort and months on book */
Datum
vintage(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *loans_sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *perf_sql = text_to_cstring(PG_GETARG_TEXT_PP(1));
	LrArena		arena;
	LrError		err = {0};
	LrVintageOptions o;
	LrLoans		l;
	VintageRead r;
	int32		as_of;
	int32	   *rank;
	LoanKey    *keys;
	int64		nkeys = 0;
	int64		i,
				j;

	lr_pg_arena_init(&arena, 0);
	if (!lr_vintage_options_parse(lr_pg_jsonb_arg(fcinfo, 2, &arena, "options"), &o, &err))
		lr_pg_raise(&err, NULL);
	lr_pg_srf_init(fcinfo);

	lr_loans_read(&l, loans_sql);
	memset(&r, 0, sizeof(r));
	r.l = &l;
	r.o = &o;
	r.what = "performance query";
	r.first_bad = MemoryContextAllocHuge(CurrentMemoryContext, Max(l.n, 1) * sizeof(int32));
	for (i = 0; i < l.n; i++)
		r.first_bad[i] = PG_INT32_MAX;
	lr_query_run(perf_sql, r.what, VStart, VRow, &r);

	if (o.has_as_of)
		as_of = o.as_of;
	else if (r.any)
		as_of = r.max_month;
	else
	{
		/* no snapshot at all: observe each cohort at its origination */
		as_of = PG_INT32_MIN;
		for (i = 0; i < l.n; i++)
			as_of = Max(as_of, l.loans[i].month);
	}

	rank = lr_segment_ranks(&l.segs);
	keys = MemoryContextAllocHuge(CurrentMemoryContext, Max(l.n, 1) * sizeof(LoanKey));
	for (i = 0; i < l.n; i++)
	{
		if (l.loans[i].month > as_of)
			continue;			/* not yet observed */
		keys[nkeys].seg_rank = rank[l.loans[i].seg];
		keys[nkeys].cohort = lr_period_start(l.loans[i].month, o.cohort);
		keys[nkeys].idx = i;
		nkeys++;
	}
	qsort(keys, nkeys, sizeof(LoanKey), CompareLoanKeys);

	for (i = 0; i < nkeys; i = j)
	{
		int32		maxl = 0;
		int32		mcap;
		int64	   *cnt_l;		/* loans whose last observed month on book is m */
		int128   *amt_l;
		int64	   *bad_d;		/* +1 where a loan turns bad, -1 after its last observed month */
		int128   *bamt_d;
		int64		loans = 0,
					bads = 0;
		int128	amount = 0,
					bamount = 0;
		const LrLoan *first = &l.loans[keys[i].idx];

		CHECK_FOR_INTERRUPTS();
		for (j = i; j < nkeys && keys[j].seg_rank == keys[i].seg_rank && keys[j].cohort == keys[i].cohort; j++)
			maxl = Max(maxl, as_of - l.loans[keys[j].idx].month);
		if (o.max_mob >= 0)
			maxl = Min(maxl, o.max_mob);
		mcap = maxl + 2;
		cnt_l = palloc0(sizeof(int64) * mcap);
		amt_l = palloc0(sizeof(int128) * mcap);
		bad_d = palloc0(sizeof(int64) * mcap);
		bamt_d = palloc0(sizeof(int128) * mcap);
		for (int64 k = i; k < j; k++)
		{
			const LrLoan *x = &l.loans[keys[k].idx];
			int32		last = Min(as_of - x->month, maxl);
			int32		fb = r.first_bad[keys[k].idx];

			cnt_l[last]++;
			amt_l[last] += x->amount;
			if (fb != PG_INT32_MAX && fb - x->month <= last)
			{
				bad_d[fb - x->month]++;
				bamt_d[fb - x->month] += x->amount;
				bad_d[last + 1]--;
				bamt_d[last + 1] -= x->amount;
			}
		}
		/* loans observed at m: those whose last observed month is m or later */
		for (int32 m = maxl; m >= 0; m--)
		{
			loans += cnt_l[m];
			amount += amt_l[m];
			cnt_l[m] = loans;
			amt_l[m] = amount;
		}
		for (int32 m = 0; m <= maxl; m++)
		{
			Datum		values[9];
			bool		nulls[9] = {0};

			bads += bad_d[m];
			bamount += bamt_d[m];
			if (cnt_l[m] == 0)
				continue;
			if (first->seg == 0)
				nulls[0] = true;
			else
				values[0] = CStringGetTextDatum(l.segs.names[first->seg]);
			values[1] = lr_month_datum(keys[i].cohort);
			values[2] = Int32GetDatum(m);
			values[3] = Int64GetDatum(cnt_l[m]);
			values[4] = lr_amount_datum(amt_l[m], l.cents);
			values[5] = Int64GetDatum(bads);
			values[6] = lr_amount_datum(bamount, l.cents);
			values[7] = Float8GetDatum((double) bads / (double) cnt_l[m]);
			if (amt_l[m] != 0)
				values[8] = Float8GetDatum((double) bamount / (double) amt_l[m]);
			else
				nulls[8] = true;
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		pfree(cnt_l);
		pfree(amt_l);
		pfree(bad_d);
		pfree(bamt_d);
	}
	return (Datum) 0;
}
