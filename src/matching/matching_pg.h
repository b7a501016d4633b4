/*
 * matching_pg.h
 *	  Server side of matching: products read from the user's table or query
 *	  and compiled once per statement (cached in fn_extra), applicant values
 *	  read by column name from a row or a query, and request arguments.
 */
#ifndef LR_MATCHING_PG_H
#define LR_MATCHING_PG_H

#include "postgres.h"

#include "access/htup_details.h"
#include "access/tupdesc.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "utils/snapshot.h"

#include "common/lr_row.h"
#include "matching/matching.h"

/*
 * Applicant fields bound to the columns of a row type or a query result.
 * conv is an LrConv, or -1 for a null check on a column of a type no
 * conversion reads (only NULL or not matters).
 */
typedef struct LrMBind
{
	MemoryContext cxt;
	const LrMSchema *schema;
	const char *where;			/* "applicant row", "applicants query" */
	bool		bound;
	Oid			typid;			/* row mode: the row type bound */
	int32		typmod;
	TupleDesc	tupdesc;
	TupleTableSlot *slot;		/* row mode: rows are deformed here */
	int			maxatt;
	int		   *att;			/* per field: 0-based column */
	int		   *conv;
	FmgrInfo   *outfn;			/* per field, for enums */
} LrMBind;

extern void lr_mbind_init(LrMBind *b, MemoryContext cxt, const LrMSchema *schema, const char *where);
/* Binds every field to desc's columns; errors name the column and who reads it. */
extern void lr_mbind_desc(LrMBind *b, TupleDesc desc);
/* Field values (see matching.h) of one row's columns. */
extern void lr_mbind_values(const LrMBind *b, const Datum *values, const bool *nulls, double *out);
/* Row mode: binds when the row type changes, deforms row, fills out. */
extern void lr_mbind_row(LrMBind *b, HeapTupleHeader row, double *out);
/* Text of field i's value in the last row read (NULL for NULL). */
extern char *lr_mbind_value_text(const LrMBind *b, int field);

/* Products compiled for one statement. */
typedef struct LrMatchCache
{
	MemoryContext cxt;			/* everything below; reset on rebuild */
	char	   *products;		/* the products argument it was built from */
	Size		products_len;	/* JSON products: the jsonb's bytes (products) and length */
	bool		json;
	Oid			userid;
	/* the snapshot it was read under (see SnapshotMatches in products.c) */
	bool		has_snap;
	TransactionId xmin;
	TransactionId xmax;
	CommandId	curcid;
	uint32		xcnt;
	int32		subxcnt;
	bool		suboverflowed;
	TransactionId *xip;
	TransactionId *subxip;

	LrAlloc		alloc;
	LrArena		arena;
	LrMCatalog	cat;
	LrMBind		bind;			/* row mode */
	double	   *vals;
	LrMScratch	scratch;
	LrMResult  *res;
} LrMatchCache;

/* The products of argument argno (text: table name or query), compiled or reused. */
extern LrMatchCache *lr_match_cache_get(FunctionCallInfo fcinfo, int argno);

/*
 * The products of argument argno given as a value (jsonb: an array of
 * product objects, see lr_mcatalog_from_json), compiled once per distinct
 * value: no table is read, so it runs anywhere (a Citus shard query).
 */
extern LrMatchCache *lr_match_cache_get_json(FunctionCallInfo fcinfo, int argno);

/* Reads and compiles the products (table name or query) into cat. */
extern void lr_match_load(LrMCatalog *cat, const char *products, LrArena *arena);

/* "SELECT * FROM <quoted name>" for a table name, the text itself for a query. */
extern char *lr_match_source_sql(const char *given, const char *what);

/* Argument helpers shared by the SQL functions. */
extern void lr_match_request(FunctionCallInfo fcinfo, int prob_arg, int max_arg, int order_arg,
							 LrMRequest *req);
extern int64 lr_match_amount_arg(Datum d, const char *argname);
extern int	lr_match_term_arg(int32 v, const char *argname);
extern Datum lr_match_rate_datum(lr_i128 rate);

/* The offer columns of a result (probability, rate, amount, term, payment, total cost) into values[0..5]. */
extern void lr_match_offer_values(const LrMResult *r, Datum *values);

#endif							/* LR_MATCHING_PG_H */
