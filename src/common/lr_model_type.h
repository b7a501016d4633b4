/*
 * lr_model_type.h
 *	  One implementation of every SQL type whose values are fitted models kept
 *	  as canonical JSON text (loan_risk.scorecard, loan_risk.iforest, and any
 *	  model type added later): text input and output, binary receive and send,
 *	  the 1 GB size limit, parsing a stored value, and the per-query compile
 *	  cache keyed on the value's bytes.
 *
 * A model type is described by an LrModelType: its name for messages and
 * three callbacks.  The helper owns everything else, so every model type
 * behaves the same way:
 *
 *   - Stored form (LrModelValue): varlena header, uint16 version (1), uint16
 *     flags (0), the type's own header of type->extra bytes (none for the
 *     scorecard and the isolation forest; the strategy's SHA-256), then the
 *     canonical JSON text without a NUL.  Any other version or flags is
 *     "<name> value has unsupported storage version".
 *   - Text input and binary receive (version byte 1, then the JSON text) run
 *     the same validator, type->parse, then store type->write's canonical
 *     text: "invalid <name>: <message>" on bad input, "<name> is too large"
 *     (54000) beyond the 1 GB limit of a value.
 *   - Text output is the stored text; binary send is version byte 1 and the
 *     stored text.
 *   - lr_model_cache_get compiles the value once per call site and rebuilds
 *     only when the argument's bytes change (pg_trgm's pattern), so a card
 *     joined from a table of cards is never confused with the previous one.
 *
 * The callbacks:
 *   parse    pure C (no PostgreSQL calls, fuzzed outside the server): parse
 *            and validate JSON text into the model object in arena; false
 *            with err set on bad input.  It must accept its own canonical
 *            text, and its errors name the JSON path (see lr_jv.h).
 *   write    pure C: the canonical JSON text of a parsed model, stable (the
 *            text written from a parse of canonical text is the same bytes).
 *   compile  backend, may be NULL: builds what the area's functions use per
 *            query from a parsed model (flat arrays, the binding of features
 *            to columns, scratch).  It runs with CurrentMemoryContext = cxt,
 *            which lives as long as the compiled form; arena allocates there
 *            too, within the memory limit (a compile that finds
 *            arena->over_limit raises lr_model_memory_error).  It may raise
 *            errors, and passes lr_pg_tick() to long pure C work.  NULL: the
 *            parsed model itself is the compiled form.
 *
 * A new model type (the decision strategy, say): a pure C parser and writer
 * in the area, one LrModelType, its four SQL-callable I/O functions in one
 * line (LR_MODEL_IO_FUNCTIONS), the SQL type with INTERNALLENGTH =
 * VARIABLE, ALIGNMENT = int4, STORAGE = extended, and lr_model_cache_get in
 * the functions that take it.  src/scoring/scorecard.c is the worked example.
 */
#ifndef LR_MODEL_TYPE_H
#define LR_MODEL_TYPE_H

#include "postgres.h"

#include "fmgr.h"

#include "common/lr_base.h"
#include "common/lr_json.h"

#define LR_MODEL_STORAGE_VERSION 1

typedef struct LrModelValue
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint16		version;		/* storage format, LR_MODEL_STORAGE_VERSION */
	uint16		flags;			/* reserved, 0 */
	char		json[FLEXIBLE_ARRAY_MEMBER];	/* canonical JSON, no NUL */
} LrModelValue;

#define LR_MODEL_HDRSZ			offsetof(LrModelValue, json)
#define LrModelJsonLen(v)		(VARSIZE(v) - LR_MODEL_HDRSZ)
#define DatumGetLrModelP(x)		((LrModelValue *) PG_DETOAST_DATUM(x))

typedef struct LrModelType
{
	const char *name;			/* "scorecard": "invalid scorecard: ..." */
	const char *too_large_hint; /* errhint beyond the 1 GB limit; may be NULL */
	bool		(*parse) (const char *text, size_t len, LrArena *arena,
						  const LrJsonOptions *opts, void **model, LrError *err);
	bool		(*write) (const void *model, LrBuf *out);
	void	   *(*compile) (void *model, LrArena *arena, MemoryContext cxt);

	/*
	 * Optional: extra bytes of the type's own header, between flags and the
	 * text, filled by stamp from the canonical text when a value is built
	 * (a digest, say, that identifies the value from its first bytes).
	 */
	size_t		extra;
	void		(*stamp) (const char *json, size_t len, uint8 *extra);
} LrModelType;

/* The canonical text of a stored value of type, and its length. */
static inline const char *
lr_model_text(const LrModelType *type, const LrModelValue *v)
{
	return v->json + type->extra;
}

static inline size_t
lr_model_text_len(const LrModelType *type, const LrModelValue *v)
{
	return VARSIZE(v) - LR_MODEL_HDRSZ - type->extra;
}

/*
 * The type's four SQL-callable I/O functions, <prefix>_in, _out, _recv and
 * _send, over lr_model_in/out/recv/send: one line in the type's file.
 */
#define LR_MODEL_IO_FUNCTIONS(prefix, type) \
	PG_FUNCTION_INFO_V1(prefix##_in); \
	PG_FUNCTION_INFO_V1(prefix##_out); \
	PG_FUNCTION_INFO_V1(prefix##_recv); \
	PG_FUNCTION_INFO_V1(prefix##_send); \
	Datum prefix##_in(PG_FUNCTION_ARGS) { return lr_model_in(fcinfo, &(type)); } \
	Datum prefix##_out(PG_FUNCTION_ARGS) { return lr_model_out(fcinfo, &(type)); } \
	Datum prefix##_recv(PG_FUNCTION_ARGS) { return lr_model_recv(fcinfo, &(type)); } \
	Datum prefix##_send(PG_FUNCTION_ARGS) { return lr_model_send(fcinfo, &(type)); }

/*
 * Memory: reading a value (text input, receive, lr_model_parse, the cache)
 * may use at most lr_model_memory_limit() bytes for its parsed form (the
 * compiled form built in the cache's arena counts too), and the canonical
 * text written from it at most what is left of that; beyond, the error is
 * lr_model_memory_error's, raised before the allocation that would exceed
 * it (54000).  The limit is loan_risk.max_kernel_memory.  Long work is
 * interruptible: parse gets lr_pg_tick() in its options, write a buffer
 * with it, and compile should pass it on (see lr_base.h, LrTick).
 */
extern size_t lr_model_memory_limit(void);
extern void lr_model_memory_error(const LrModelType *type, size_t textlen) pg_attribute_noreturn();

/* Checks the header of a stored value (version and flags). */
extern void lr_model_check(const LrModelType *type, const LrModelValue *v);

/* Parses a stored value into the type's model object, allocated in arena. */
extern void *lr_model_parse(const LrModelType *type, const LrModelValue *v, LrArena *arena);

/* Validates JSON text and builds the stored value (canonical text). */
extern LrModelValue *lr_model_from_text(const LrModelType *type, const char *text, size_t len);

/* Builds the stored value of an already validated model object. */
extern LrModelValue *lr_model_from_model(const LrModelType *type, const void *model);

/* The bodies of the type's SQL-callable I/O functions. */
extern Datum lr_model_in(FunctionCallInfo fcinfo, const LrModelType *type);
extern Datum lr_model_out(FunctionCallInfo fcinfo, const LrModelType *type);
extern Datum lr_model_recv(FunctionCallInfo fcinfo, const LrModelType *type);
extern Datum lr_model_send(FunctionCallInfo fcinfo, const LrModelType *type);

/*
 * A per-call-site cache of one model argument.  Zeroed memory is an empty
 * cache; embed it in a function's own fn_extra struct when the function keeps
 * more there, else use lr_model_cache_get.
 */
typedef struct LrModelCache
{
	MemoryContext cxt;			/* the compiled form; reset when the value changes */
	char	   *key;			/* bytes the compiled form was built from */
	Size		keylen;
	const void *keyptr;			/* last datum pointer seen, with keystable */
	bool		keystable;		/* the argument is a constant of the call */
	bool		initialised;
	void	   *compiled;
} LrModelCache;

/*
 * The compiled form of d, argument argno of the call flinfo describes: built
 * by type->parse and type->compile the first time and whenever the value's
 * bytes change, reused otherwise.  d must not be NULL.
 */
extern void *lr_model_cache_lookup(LrModelCache *mc, const LrModelType *type,
								   FmgrInfo *flinfo, int argno, Datum d);

/*
 * The usual case: the cache of argument argno lives in fn_extra (several
 * model arguments of one call each get their own).  A function that uses
 * this owns fn_extra through it and keeps nothing else there.
 */
extern void *lr_model_cache_get(FunctionCallInfo fcinfo, int argno, const LrModelType *type);

#endif							/* LR_MODEL_TYPE_H */
