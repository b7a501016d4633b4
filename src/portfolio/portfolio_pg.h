/*
 * portfolio_pg.h
 *	  Server side of the portfolio area: the loan book read from the
 *	  queries the user gives (loans, monthly performance snapshots, cases,
 *	  queues) into flat arrays, and helpers to return rows.
 */
#ifndef LR_PORTFOLIO_PG_H
#define LR_PORTFOLIO_PG_H

#include "postgres.h"

#include "fmgr.h"
#include "access/tupdesc.h"

#include "common/lr_money.h"
#include "common/lr_pg.h"
#include "common/lr_spi.h"
#include "portfolio/portfolio.h"

/* Segments (text, or NULL = segment 0), interned in first-seen order. */
typedef struct LrSegments
{
	MemoryContext cxt;			/* where names and the hash live (rows arrive in a shorter one) */
	int32		n;				/* including the NULL segment 0 */
	int32		cap;
	char	  **names;			/* names[0] = NULL */
	struct segtab_hash *hash;	/* name -> index (lib/simplehash.h, in book.c) */
} LrSegments;

extern void lr_segments_init(LrSegments *s);
extern int32 lr_segments_intern(LrSegments *s, const char *name, size_t len);

/* Rank of each segment in output order: NULL first, then by name (bytewise). */
extern int32 *lr_segment_ranks(const LrSegments *s);

/* Segment name as a text datum; false (NULL) for segment 0. */
extern bool lr_segment_datum(const LrSegments *s, int32 seg, Datum *out);

/* One performance snapshot: a loan in a month. */
typedef struct LrSnap
{
	int64		loan;
	int64		balance;		/* units of 0.0001 */
	int32		month;			/* month index */
	int32		dpd;			/* -1 when NULL (only for written off / closed) */
	int32		seg;
	uint8		status;			/* LrStatus */
} LrSnap;

typedef struct LrPerf
{
	LrSnap	   *snaps;
	int64		n;
	int64		cap;
	bool		has_status;
	bool		has_segment;
	bool		cents;			/* every balance a whole number of cents */
	int32		min_month;
	int32		max_month;
	LrSegments	segs;
} LrPerf;

/*
 * Reads performance_sql: (loan_id, month, days_past_due, balance [, status
 * [, segment]]).  Checks every row (see doc/monitoring.md); when sort is
 * true, sorts by (loan, month) and rejects two snapshots of a loan in one
 * month.
 */
extern void lr_perf_read(LrPerf *p, const char *sql, bool sort);

/* Bucket of a snapshot: its status, or its days past due. */
extern int	lr_snap_bucket(const LrSnap *s, const LrDpdBuckets *b);

/* One loan of loans_sql: (loan_id, origination, amount [, segment]). */
typedef struct LrLoan
{
	int64		id;
	int64		amount;			/* units */
	int32		month;			/* origination month */
	int32		seg;
} LrLoan;

typedef struct LrLoans
{
	LrLoan	   *loans;			/* sorted by id */
	int64		n;
	int64		cap;
	bool		cents;
	bool		has_segment;
	LrSegments	segs;
} LrLoans;

extern void lr_loans_read(LrLoans *l, const char *sql);

/* Index of a loan id in the sorted loans, or -1. */
extern int64 lr_loans_find(const LrLoans *l, int64 id);

/* Column kinds of the performance (6) and loans (4) queries, for lr_query_check_columns. */
extern const LrColKind lr_perf_columns[6];
extern const LrColKind lr_loan_columns[4];

/* Conversions of column values (base types checked by the caller). */
extern int32 lr_datum_month(Datum d, Oid type, const char *what, int col);
extern bool lr_datum_amount(Datum d, Oid type, int64 *units);	/* false: not finite or too large */
extern void lr_amount_error(Datum d, Oid type, const char *what, const char *name) pg_attribute_noreturn();

/* The bytes of a text-like value (text, varchar, bpchar without its trailing blanks, name). */
extern const char *lr_text_bytes(Datum d, Oid type, size_t *len);

/* Output helpers */
extern Datum lr_month_datum(int32 month);
extern Datum lr_amount_datum(int128 units, bool cents);

#endif							/* LR_PORTFOLIO_PG_H */
