/*
 * lr_spi.h
 *	  Runs a query given as text (edges_sql, source, cases_sql, ...) with the
 *	  caller's rights, streaming its rows to a callback: nothing is
 *	  materialised, and the plan may use parallel workers (SPI runs it once,
 *	  to completion, with tcount = 0).
 */
#ifndef LR_SPI_H
#define LR_SPI_H

#include "postgres.h"

#include "executor/spi.h"
#include "executor/tuptable.h"

/* Called once with the result's descriptor: check the columns here. */
typedef void (*LrQueryStartFn) (TupleDesc desc, void *arg);
/* Called for every row; slot_getallattrs() has been called on the slot. */
typedef void (*LrQueryRowFn) (TupleTableSlot *slot, void *arg);

/*
 * Runs sql (one SELECT) read-only and returns the number of rows seen: any
 * data change it makes, in a function it calls too, fails with an error
 * naming it ("edges query must not modify data: ..."), and the caller's
 * transaction is as it was afterwards.  what names the argument in messages
 * ("edges query").  Must be called outside SPI (it connects and finishes
 * itself).
 */
extern uint64 lr_query_run(const char *sql, const char *what,
						   LrQueryStartFn start, LrQueryRowFn row, void *arg);

/*
 * SPI_execute_plan of a plan the caller prepared (inside its own SPI
 * connection), under the same read-only guards as a query string: a lookup
 * in a table named by the user (a strategy's list) that reaches a view or
 * function that writes fails naming what ("list \"black\" must not modify
 * data: ...").  Returns SPI_execute_plan's result.
 */
extern int	lr_spi_execute_plan_read_only(SPIPlanPtr plan, Datum *values, const char *nulls,
										  long tcount, const char *what);

/* Installs the hooks that keep query strings read-only (from _PG_init). */
extern void lr_spi_init(void);

/*
 * The same with parameters $1..$n of the given types and values (NULL when
 * nulls[i]; nulls may be NULL).  Values travel as values, never as SQL text:
 * the planner sees them as constants (the plan is made for these values and
 * may use parallel workers), and no value is parsed from text again.
 */
extern uint64 lr_query_run_params(const char *sql, const char *what, int nparams,
								  const Oid *types, const Datum *values, const bool *nulls,
								  LrQueryStartFn start, LrQueryRowFn row, void *arg);

/*
 * Column checks for start callbacks.  They raise errors naming the query and
 * the column: "edges query: column 2 (dst) has type text, expected an integer".
 */
typedef enum LrColKind
{
	LR_COL_INT,					/* smallint, integer, bigint */
	LR_COL_NUMBER,				/* any integer, real, double precision, numeric */
	LR_COL_TEXT,				/* text, varchar, char, name */
	LR_COL_BOOL,				/* boolean */
	LR_COL_ID,					/* an integer or text-like identifier */
	LR_COL_DATE					/* date, or timestamp without time zone */
} LrColKind;

extern void lr_query_require_columns(TupleDesc desc, const char *what, int min, int max);
extern void lr_query_check_column(TupleDesc desc, int col, LrColKind kind, const char *what);

/*
 * A query's columns at once: min to max of them, column i of kinds[i], and
 * each one's base type (domains resolved) in types[i].
 */
extern void lr_query_check_columns(TupleDesc desc, const char *what, int min, int max,
								   const LrColKind *kinds, Oid *types);

/* The base type of a column (domains resolved): look it up once, in start. */
extern Oid	lr_query_column_base_type(TupleDesc desc, int col);

/* Non-NULL values of a column checked as above, given its base type. */
extern int64 lr_datum_int64(Datum d, Oid basetype);
extern double lr_datum_double(Datum d, Oid basetype);

#endif							/* LR_SPI_H */
