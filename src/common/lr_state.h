/*
 * lr_state.h
 *	  Aggregate states as concrete PostgreSQL types (not internal), so that
 *	  parallel query, Citus and the _partial/_merge pairs over postgres_fdw can
 *	  all carry them.  See lr_state_ops.h for the flat form.
 *
 * During aggregation a state lives as a read-write expanded object in a child
 * context of the aggregate context, so the transition function updates it in
 * place row after row (nodeAgg keeps such an object without copying it).  It
 * is flattened only when it leaves the process (a parallel worker's partial
 * result, a stored value, text output), and decoded, with full validation,
 * whenever it comes back in flat form.
 *
 * An area adds a state type by writing an LrStateOps (pure C) and, in C:
 *
 *   LR_STATE_TYPE_FUNCTIONS(x_state, x_ops)    x_state_in, _out, _recv, _send
 *   LR_STATE_COMBINE_FUNCTION(x_combine, x_ops)
 *
 *   transition:  LrExpandedState *es = lr_state_arg_rw(fcinfo, 0, &x_ops);
 *                ... update es->st ...; lr_state_touch(es);
 *                PG_RETURN_DATUM(lr_state_datum(es));
 *   final:       const void *st = lr_state_arg_ro(fcinfo, 0, &x_ops);
 *
 * and in SQL a base type with INTERNALLENGTH = VARIABLE, STORAGE = extended,
 * and aggregates with STYPE = that type, COMBINEFUNC, PARALLEL = SAFE.
 */
#ifndef LR_STATE_H
#define LR_STATE_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/expandeddatum.h"

#include "common/lr_state_ops.h"

typedef struct LrExpandedState
{
	ExpandedObjectHeader hdr;
	int			es_magic;		/* LR_EXPANDED_STATE_MAGIC */
	const LrStateOps *ops;
	void	   *st;				/* the in-memory state, allocated in hdr.eoh_context */
	LrAlloc		alloc;			/* allocates in hdr.eoh_context */
	LrBuf		flat;			/* cached encoding, valid while flat_valid */
	bool		flat_valid;
} LrExpandedState;

#define LR_EXPANDED_STATE_MAGIC 0x4c52534d

/* Transition: the state in argument argno, read-write (created when NULL). */
extern LrExpandedState *lr_state_arg_rw(FunctionCallInfo fcinfo, int argno, const LrStateOps *ops);

/* Final (and other readers): the in-memory state of argument argno (must not be NULL). */
extern const void *lr_state_arg_ro(FunctionCallInfo fcinfo, int argno, const LrStateOps *ops);

/* After changing es->st: drops the cached flat form. */
extern void lr_state_touch(LrExpandedState *es);

extern Datum lr_state_datum(LrExpandedState *es);

/* A transition's result after changing es->st: lr_state_touch, then the datum. */
extern Datum lr_state_updated(LrExpandedState *es);

/* A transition's result for a row it skips: the state in argument 0 as it was (NULL stays NULL). */
extern Datum lr_state_unchanged(FunctionCallInfo fcinfo);

/*
 * A new expanded state in a child context of parent (st = ops->create).  Not
 * for aggregate support functions: a context per group makes hash
 * aggregation quadratic (use lr_state_from_flat_agg).
 */
extern LrExpandedState *lr_state_new(const LrStateOps *ops, MemoryContext parent);

/*
 * An aggregate support function's state decoded from a flat value: in the
 * aggregate's shared states context when called as an aggregate (fcinfo),
 * else in a context of its own under the current one.  Raises on bad bytes.
 */
extern LrExpandedState *lr_state_from_flat_agg(FunctionCallInfo fcinfo, const LrStateOps *ops,
											   struct varlena *flat);

/* An in-memory state (not an expanded one) as a flat datum of its SQL type. */
extern Datum lr_state_flat_datum(const LrStateOps *ops, const void *st);

/* Generic implementations of the type's support functions and of combine. */
extern Datum lr_state_in(FunctionCallInfo fcinfo, const LrStateOps *ops);
extern Datum lr_state_out(FunctionCallInfo fcinfo, const LrStateOps *ops);
extern Datum lr_state_recv(FunctionCallInfo fcinfo, const LrStateOps *ops);
extern Datum lr_state_send(FunctionCallInfo fcinfo, const LrStateOps *ops);
extern Datum lr_state_combine(FunctionCallInfo fcinfo, const LrStateOps *ops);

/*
 * The SQL-callable support functions of a state type over ops: prefix_in
 * (base64 text to a validated state), prefix_out (state to base64 text),
 * prefix_recv (binary state, validated) and prefix_send (state to binary).
 */
#define LR_STATE_TYPE_FUNCTIONS(prefix, ops) \
	PG_FUNCTION_INFO_V1(prefix##_in); \
	Datum prefix##_in(PG_FUNCTION_ARGS) { return lr_state_in(fcinfo, &(ops)); } \
	PG_FUNCTION_INFO_V1(prefix##_out); \
	Datum prefix##_out(PG_FUNCTION_ARGS) { return lr_state_out(fcinfo, &(ops)); } \
	PG_FUNCTION_INFO_V1(prefix##_recv); \
	Datum prefix##_recv(PG_FUNCTION_ARGS) { return lr_state_recv(fcinfo, &(ops)); } \
	PG_FUNCTION_INFO_V1(prefix##_send); \
	Datum prefix##_send(PG_FUNCTION_ARGS) { return lr_state_send(fcinfo, &(ops)); }

/* An aggregate's combine function over ops: merges two partial states. */
#define LR_STATE_COMBINE_FUNCTION(name, ops) \
	PG_FUNCTION_INFO_V1(name); \
	Datum name(PG_FUNCTION_ARGS) { return lr_state_combine(fcinfo, &(ops)); }

/* Raises err (from a state's pure C code) as an ERROR. */
extern void lr_state_raise(const LrError *err) pg_attribute_noreturn();

#endif							/* LR_STATE_H */
