/*
 * book.c
 *	  The loan book read from the user's queries into flat arrays: loans
 *	  (id, origination, amount [, segment]) and monthly performance snapshots
 *	  (loan id, month, days past due, balance [, status [, segment]]).
 *
 * Rows stream in through lr_query_run (nothing is materialised by SPI) and
 * every value is checked as it arrives, so an error names the loan and the
 * month it is about.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/int.h"
#include "datatype/timestamp.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#include "common/lr_parallel.h"
#include "common/lr_spi.h"
#include "common/lr_row.h"
#include "portfolio/portfolio_pg.h"

/* ---------------------------------------------------------------- segments */

typedef struct SegKey
{
	const char *p;				/* not NUL-terminated */
	size_t		len;
} SegKey;

typedef struct SegEntry
{
	SegKey		key;			/* points at names[idx] once stored */
	int32		idx;
	uint32		hash;
	char		status;
} SegEntry;

#define SH_PREFIX segtab
#define SH_ELEMENT_TYPE SegEntry
#define SH_KEY_TYPE SegKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) hash_bytes((const unsigned char *) (k).p, (int) (k).len)
#define SH_EQUAL(tb, a, b) ((a).len == (b).len && memcmp((a).p, (b).p, (a).len) == 0)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, e) (e)->hash
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

void
lr_segments_init(LrSegments *s)
{
	s->cxt = CurrentMemoryContext;
	s->n = 1;
	s->cap = 16;
	s->names = palloc0(sizeof(char *) * s->cap);
	s->hash = segtab_create(s->cxt, 32, NULL);
}

int32
lr_segments_intern(LrSegments *s, const char *name, size_t len)
{
	SegKey		key = {name, len};
	SegEntry   *e;
	bool		found;

	if (name == NULL)
		return 0;
	e = segtab_lookup(s->hash, key);
	if (e != NULL)
		return e->idx;
	if (s->n >= 10000000)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("more than 10000000 segments")));
	if (s->n == s->cap)
	{
		s->cap *= 2;
		s->names = repalloc(s->names, sizeof(char *) * s->cap);
	}
	s->names[s->n] = MemoryContextAlloc(s->cxt, len + 1);
	memcpy(s->names[s->n], name, len);
	s->names[s->n][len] = '\0';
	key.p = s->names[s->n];
	e = segtab_insert(s->hash, key, &found);
	e->idx = s->n;
	return s->n++;
}

/* ---------------------------------------------------------------- values */

/* (loan_id, month, days_past_due, balance [, status [, segment]]) */
const LrColKind lr_perf_columns[6] = {LR_COL_INT, LR_COL_DATE, LR_COL_INT, LR_COL_NUMBER, LR_COL_TEXT, LR_COL_TEXT};

/* (loan_id, origination, amount [, segment]) */
const LrColKind lr_loan_columns[4] = {LR_COL_INT, LR_COL_DATE, LR_COL_NUMBER, LR_COL_TEXT};

int32
lr_datum_month(Datum d, Oid type, const char *what, int col)
{
	int			y,
				m,
				dd;
	int			jd;

	if (type == DATEOID)
	{
		DateADT		v = DatumGetDateADT(d);

		if (DATE_NOT_FINITE(v))
			goto infinite;
		jd = v + POSTGRES_EPOCH_JDATE;
	}
	else
	{
		Timestamp	ts = DatumGetTimestamp(d);
		int64		days;

		if (TIMESTAMP_NOT_FINITE(ts))
			goto infinite;
		days = ts / USECS_PER_DAY;
		if (ts < 0 && ts % USECS_PER_DAY != 0)
			days--;
		jd = (int) (days + POSTGRES_EPOCH_JDATE);
	}
	j2date(jd, &y, &m, &dd);
	/* j2date's years are astronomical (0 is 1 BC): name the value as PostgreSQL writes it */
	if (y < 1 || y > 9999)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s: column %d: %s is out of range", what, col + 1,
						type == DATEOID ? DatumGetCString(DirectFunctionCall1(date_out, d)) :
						DatumGetCString(DirectFunctionCall1(timestamp_out, d))),
				 errdetail("Months must fall in the years 1 to 9999.")));
	return lr_month_index(y, m);
infinite:
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("%s: column %d is infinite", what, col + 1),
			 errdetail("Months must be finite dates.")));
	return 0;
}

bool
lr_datum_amount(Datum d, Oid type, int64 *units)
{
	switch (type)
	{
		case INT2OID:
			*units = (int64) DatumGetInt16(d) * LR_MONEY_UNITS;
			return true;
		case INT4OID:
			*units = (int64) DatumGetInt32(d) * LR_MONEY_UNITS;
			return true;
		case INT8OID:
			{
				int64		v = DatumGetInt64(d);

				if (v >= INT64CONST(100000000000000) || v <= -INT64CONST(100000000000000))
					return false;
				*units = v * LR_MONEY_UNITS;
				return true;
			}
		case FLOAT4OID:
			return lr_money_units_try(DatumGetFloat4(d), units);
		case FLOAT8OID:
			return lr_money_units_try(DatumGetFloat8(d), units);
		case NUMERICOID:
			{
				lr_i128		v;

				if (lr_numeric_scaled(d, LR_MONEY_SCALE, LR_MONEY_UNITS_LIMIT - 1, &v) != LR_NUMERIC_OK)
					return false;
				*units = (int64) v;
				return true;
			}
	}
	elog(ERROR, "lr_datum_amount: unexpected type %u", type);
	return false;
}

void
lr_amount_error(Datum d, Oid type, const char *what, const char *name)
{
	Oid			outfn;
	bool		varlena;

	getTypeOutputInfo(type, &outfn, &varlena);
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s: %s %s is not a finite amount below 10^14", what, name,
					OidOutputFunctionCall(outfn, d)),
			 errdetail("Amounts and balances are finite numbers below 10^14 in absolute value.")));
}

static void
MonthText(int32 month, char *out)
{
	lr_format_month(month, out);
	out[7] = '\0';
}

const char *
lr_text_bytes(Datum d, Oid type, size_t *len)
{
	LrConv		conv = type == NAMEOID ? LR_CONV_NAME : type == BPCHAROID ? LR_CONV_BPCHAR : LR_CONV_TEXT;

	return lr_conv_text(conv, d, NULL, NULL, len);
}

Datum
lr_month_datum(int32 month)
{
	return DateADTGetDatum(date2j(lr_month_year(month), lr_month_month(month), 1) - POSTGRES_EPOCH_JDATE);
}

Datum
lr_amount_datum(int128 units, bool cents)
{
	return lr_money_datum(units, cents ? 2 : LR_MONEY_SCALE);
}

/* ---------------------------------------------------------------- performance */

typedef struct PerfRead
{
	LrPerf	   *p;
	const char *what;
	Oid			type[6];
	MemoryContext tmp;
	int64		rows;
} PerfRead;

static void
PerfStart(TupleDesc desc, void *arg)
{
	PerfRead   *r = arg;

	lr_query_check_columns(desc, r->what, 4, 6, lr_perf_columns, r->type);
	r->p->has_status = desc->natts >= 5;
	r->p->has_segment = desc->natts >= 6;
}

static void
PerfGrow(LrPerf *p)
{
	int64		nc = p->cap * 2;
	char		what[96];

	snprintf(what, sizeof(what), "loan book of more than %lld snapshots", (long long) p->n);
	lr_memory_check((double) nc * sizeof(LrSnap), what);
	p->snaps = repalloc_huge(p->snaps, nc * sizeof(LrSnap));
	p->cap = nc;
}

static void
PerfRow(TupleTableSlot *slot, void *arg)
{
	PerfRead   *r = arg;
	LrPerf	   *p = r->p;
	LrSnap	   *s;
	Datum	   *v = slot->tts_values;
	bool	   *nulls = slot->tts_isnull;
	MemoryContext old;
	char		mtext[16];

	r->rows++;
	if (nulls[0])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: row %lld has a NULL loan id", r->what, (long long) r->rows)));
	if (p->n == p->cap)
		PerfGrow(p);
	s = &p->snaps[p->n];
	s->loan = lr_datum_int64(v[0], r->type[0]);
	if (nulls[1])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: loan %lld has a snapshot with a NULL month", r->what, (long long) s->loan)));
	s->month = lr_datum_month(v[1], r->type[1], r->what, 1);

	s->status = LR_STATUS_OPEN;
	if (p->has_status && !nulls[4])
	{
		size_t		len;
		const char *txt = lr_text_bytes(v[4], r->type[4], &len);
		LrStatus	st;
		LrError		err = {0};

		if (!lr_status_parse(txt, len, &st, &err))
		{
			MonthText(s->month, mtext);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: loan %lld in %s: %s", r->what, (long long) s->loan, mtext, err.msg),
					 errdetail("%s", err.detail)));
		}
		s->status = (uint8) st;
	}
	if (nulls[2])
	{
		if (s->status == LR_STATUS_OPEN)
		{
			MonthText(s->month, mtext);
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: loan %lld in %s has NULL days past due", r->what, (long long) s->loan, mtext),
					 errdetail("Only a written off or closed loan may have NULL days past due.")));
		}
		s->dpd = -1;
	}
	else
	{
		int64		d = lr_datum_int64(v[2], r->type[2]);

		if (d < 0 || d > PG_INT32_MAX)
		{
			MonthText(s->month, mtext);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: loan %lld in %s has days past due %lld", r->what, (long long) s->loan,
							mtext, (long long) d),
					 errdetail("Days past due are 0 (current) or more.")));
		}
		s->dpd = (int32) d;
	}
	if (nulls[3])
	{
		if (s->status == LR_STATUS_OPEN)
		{
			MonthText(s->month, mtext);
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s: loan %lld in %s has a NULL balance", r->what, (long long) s->loan, mtext),
					 errdetail("Only a written off or closed loan may have a NULL balance (counted as 0).")));
		}
		s->balance = 0;
	}
	else
	{
		bool		ok;

		old = MemoryContextSwitchTo(r->tmp);
		ok = lr_datum_amount(v[3], r->type[3], &s->balance);
		MemoryContextSwitchTo(old);
		if (!ok)
		{
			char		name[64];

			MonthText(s->month, mtext);
			snprintf(name, sizeof(name), "loan %lld in %s: balance", (long long) s->loan, mtext);
			lr_amount_error(v[3], r->type[3], r->what, name);
		}
		if ((r->rows & 1023) == 0)
			MemoryContextReset(r->tmp);
	}
	if (s->balance % 100 != 0)
		p->cents = false;
	s->seg = 0;
	if (p->has_segment && !nulls[5])
	{
		size_t		len;
		const char *txt = lr_text_bytes(v[5], r->type[5], &len);

		s->seg = lr_segments_intern(&p->segs, txt, len);
	}
	if (p->n == 0 || s->month < p->min_month)
		p->min_month = s->month;
	if (p->n == 0 || s->month > p->max_month)
		p->max_month = s->month;
	p->n++;
}

LR_COMPARATOR(CompareSnaps, LrSnap,
			  a->loan != b->loan ? LR_CMP(a->loan, b->loan) : LR_CMP(a->month, b->month))

void
lr_perf_read(LrPerf *p, const char *sql, bool sort)
{
	PerfRead	r;

	memset(p, 0, sizeof(*p));
	p->cap = 1024;
	p->snaps = MemoryContextAllocHuge(CurrentMemoryContext, p->cap * sizeof(LrSnap));
	p->cents = true;
	lr_segments_init(&p->segs);
	memset(&r, 0, sizeof(r));
	r.p = p;
	r.what = "performance query";
	r.tmp = AllocSetContextCreate(CurrentMemoryContext, "loan_risk performance rows", ALLOCSET_SMALL_SIZES);
	lr_query_run(sql, r.what, PerfStart, PerfRow, &r);
	MemoryContextDelete(r.tmp);
	if (!sort)
		return;
	qsort(p->snaps, p->n, sizeof(LrSnap), CompareSnaps);
	for (int64 i = 1; i < p->n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (p->snaps[i].loan == p->snaps[i - 1].loan && p->snaps[i].month == p->snaps[i - 1].month)
		{
			char		m[16];

			MonthText(p->snaps[i].month, m);
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("performance query: loan %lld has two snapshots in %s",
							(long long) p->snaps[i].loan, m),
					 errdetail("A loan has at most one snapshot per month.")));
		}
	}
}

/* ---------------------------------------------------------------- loans */

typedef struct LoansRead
{
	LrLoans    *l;
	const char *what;
	Oid			type[4];
	MemoryContext tmp;
	int64		rows;
} LoansRead;

static void
LoansStart(TupleDesc desc, void *arg)
{
	LoansRead  *r = arg;

	lr_query_check_columns(desc, r->what, 3, 4, lr_loan_columns, r->type);
	r->l->has_segment = desc->natts == 4;
}

static void
LoansRow(TupleTableSlot *slot, void *arg)
{
	LoansRead  *r = arg;
	LrLoans    *l = r->l;
	LrLoan	   *x;
	Datum	   *v = slot->tts_values;
	bool	   *nulls = slot->tts_isnull;
	MemoryContext old;
	char		name[64];
	bool		ok;

	r->rows++;
	if (nulls[0])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: row %lld has a NULL loan id", r->what, (long long) r->rows)));
	if (l->n == l->cap)
	{
		char		what[96];

		snprintf(what, sizeof(what), "loan book of more than %lld loans", (long long) l->n);
		lr_memory_check((double) l->cap * 2 * sizeof(LrLoan), what);
		l->loans = repalloc_huge(l->loans, l->cap * 2 * sizeof(LrLoan));
		l->cap *= 2;
	}
	x = &l->loans[l->n];
	x->id = lr_datum_int64(v[0], r->type[0]);
	if (nulls[1])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: loan %lld has a NULL origination date", r->what, (long long) x->id)));
	x->month = lr_datum_month(v[1], r->type[1], r->what, 1);
	if (nulls[2])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s: loan %lld has a NULL amount", r->what, (long long) x->id)));
	old = MemoryContextSwitchTo(r->tmp);
	ok = lr_datum_amount(v[2], r->type[2], &x->amount);
	MemoryContextSwitchTo(old);
	if (!ok)
	{
		snprintf(name, sizeof(name), "loan %lld: amount", (long long) x->id);
		lr_amount_error(v[2], r->type[2], r->what, name);
	}
	if ((r->rows & 1023) == 0)
		MemoryContextReset(r->tmp);
	if (x->amount % 100 != 0)
		l->cents = false;
	x->seg = 0;
	if (l->has_segment && !nulls[3])
	{
		size_t		len;
		const char *txt = lr_text_bytes(v[3], r->type[3], &len);

		x->seg = lr_segments_intern(&l->segs, txt, len);
	}
	l->n++;
}

LR_COMPARATOR(CompareLoans, LrLoan,
			  LR_CMP(a->id, b->id))

void
lr_loans_read(LrLoans *l, const char *sql)
{
	LoansRead	r;

	memset(l, 0, sizeof(*l));
	l->cap = 1024;
	l->loans = MemoryContextAllocHuge(CurrentMemoryContext, l->cap * sizeof(LrLoan));
	l->cents = true;
	lr_segments_init(&l->segs);
	memset(&r, 0, sizeof(r));
	r.l = l;
	r.what = "loans query";
	r.tmp = AllocSetContextCreate(CurrentMemoryContext, "loan_risk loan rows", ALLOCSET_SMALL_SIZES);
	lr_query_run(sql, r.what, LoansStart, LoansRow, &r);
	MemoryContextDelete(r.tmp);
	qsort(l->loans, l->n, sizeof(LrLoan), CompareLoans);
	for (int64 i = 1; i < l->n; i++)
		if (l->loans[i].id == l->loans[i - 1].id)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("loans query: loan %lld appears twice", (long long) l->loans[i].id)));
}

int64
lr_loans_find(const LrLoans *l, int64 id)
{
	int64		lo = 0,
				hi = l->n;

	while (lo < hi)
	{
		int64		mid = lo + (hi - lo) / 2;

		if (l->loans[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < l->n && l->loans[lo].id == id) ? lo : -1;
}

bool
lr_segment_datum(const LrSegments *s, int32 seg, Datum *out)
{
	if (seg == 0)
		return false;
	*out = CStringGetTextDatum(s->names[seg]);
	return true;
}
