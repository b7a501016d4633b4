/*
 * lr_pg.h
 *	  Glue between the pure C layer (lr_base.h) and the server: allocators
 *	  over memory contexts, errors raised with the right SQLSTATE, JSON
 *	  options for the database encoding, and set-returning-function setup.
 */
#ifndef LR_PG_H
#define LR_PG_H

#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"

#include "common/lr_base.h"
#include "common/lr_json.h"

/* An allocator that pallocs in cxt (huge allocations allowed, NULL on OOM). */
extern void lr_pg_alloc_init(LrAlloc *a, MemoryContext cxt);

/*
 * An argument that may not be NULL (of a function that is not STRICT):
 * "<what> must not be NULL" (22004), with hint when given.
 */
extern void lr_pg_arg_required(FunctionCallInfo fcinfo, int argno, const char *what, const char *hint);

/*
 * A SQL-callable function that is one call of a shared body with fixed
 * arguments: the variants of one function (a boolean or 0/1 outcome, the key
 * type, a table or jsonb argument) declared in a line each, as
 * LR_STATE_COMBINE_FUNCTION declares combine functions.
 */
#define LR_PG_FUNCTION_CALLING(name, body, ...) \
	PG_FUNCTION_INFO_V1(name); \
	Datum name(PG_FUNCTION_ARGS) { return body(fcinfo, __VA_ARGS__); }

/* An arena over CurrentMemoryContext (its allocator allocated there too). */
extern void lr_pg_arena_init(LrArena *arena, size_t limit);

/*
 * A tick (lr_base.h) that checks for interrupts, so cancel and
 * statement_timeout stop long pure C work.  The backend's thread only: never
 * hand it to code that runs in OpenMP threads.
 */
extern LrTick *lr_pg_tick(void);

/*
 * JSON options for the current database (\u escapes above 007F need UTF8),
 * with lr_pg_tick() so that parsing can be cancelled.
 */
extern void lr_pg_json_options(LrJsonOptions *opts);

/*
 * Raises err as an ERROR: "<what>: <message>" (just the message when what is
 * NULL) with its detail, and a SQLSTATE
 * from its kind (syntax -> 22P02, invalid -> 22023, limit -> 54000, nomem -> 53200).
 */
extern void lr_pg_raise(const LrError *err, const char *what) pg_attribute_noreturn();

/*
 * The blessed row type of this function's composite result.  With cache,
 * made once and kept there (in fn_mcxt); with types, its n columns must
 * have those types (an internal error otherwise).
 */
extern TupleDesc lr_pg_result_desc(FunctionCallInfo fcinfo, TupleDesc *cache, const Oid *types, int n);

/* The function's composite result from values and nulls. */
extern Datum lr_pg_result_row(FunctionCallInfo fcinfo, Datum *values, bool *nulls);

/* Materialise-mode SRF setup that builds on PostgreSQL 14 to 17. */
extern void lr_pg_srf_init(FunctionCallInfo fcinfo);

/* A float8 argument that is a probability in [0, 1], else an error naming the argument. */
extern double lr_arg_probability(double v, const char *argname);

/* A JSON value built in memory (lr_json_new_*), as a jsonb Datum. */
extern Datum lr_pg_jsonb(const LrJson *v);

/*
 * The shortest text that reads back as exactly d, by PostgreSQL's shortest
 * round-trip formatter (common/shortest_dec.h), in lr_format_double's
 * notation: plain when the decimal exponent is from -5 to 15 ("0.00001",
 * "1234.5"), else exponent notation ("1e+20"); "NaN", "Infinity", "-0".
 * Returns the length; out needs 32 bytes.  Backend code formats doubles
 * with this; lr_format_double is the pure C one for fuzzed code.
 */
extern int	lr_pg_format_double(char *out, size_t outlen, double d);

/* Parses a JSON document from a text/jsonb argument's text, raising on error. */
extern LrJson *lr_pg_parse_json(const char *text, size_t len, LrArena *arena, const char *what);

/* The text of a jsonb datum (palloc'd, NUL-terminated); *len its length. */
extern char *lr_pg_jsonb_text(Datum jsonb, size_t *len);

/*
 * A jsonb argument (an options object, say) parsed into arena; NULL when the
 * call has no argument argno or it is NULL.  Errors are "<what>: <message>".
 */
extern const LrJson *lr_pg_jsonb_arg(FunctionCallInfo fcinfo, int argno, LrArena *arena,
									 const char *what);

/*
 * The elements of a one-dimensional float8[] or text[] argument, read without
 * copying when the array has no NULL (the usual feature vector of a row): v
 * (float8) or d (text datums), and nulls (NULL when no element is NULL).  A
 * NULL array reads as empty; a multi-dimensional one is an error naming what.
 */
typedef struct LrArrayArg
{
	int			n;
	const double *v;			/* float8[]: n values */
	Datum	   *d;				/* text[]: n datums (pointing into the array) */
	bool	   *nulls;			/* NULL: none */
} LrArrayArg;

extern void lr_pg_float8_array_arg(FunctionCallInfo fcinfo, int argno, const char *what,
								   LrArrayArg *out);
extern void lr_pg_text_array_arg(FunctionCallInfo fcinfo, int argno, const char *what,
								 LrArrayArg *out);

#endif							/* LR_PG_H */
