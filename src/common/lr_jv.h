/*
 * lr_jv.h
 *	  Validating JSON documents against the fields a parser expects, with
 *	  errors that name the JSON path and the value: "features[0].bins[2].upper:
 *	  expected a number, got a string".  Pure C, shared by every parser of a
 *	  JSON document (scorecards, models, policies, rules, options).
 *
 * A validator carries the error record and the current path; the helpers
 * return false (error set) so parsers read as a chain of checks:
 *
 *   if (!lr_jv_check_keys(v, obj, allowed) ||
 *       !lr_jv_number(v, obj, "points", true, &b->points, NULL))
 *       return false;
 */
#ifndef LR_JV_H
#define LR_JV_H

#include "common/lr_json.h"

typedef struct LrJv
{
	LrArena    *arena;			/* for parsers that allocate; may be NULL */
	LrError    *err;
	LrPath		path;
	LrTick	   *tick;			/* NULL after lr_jv_init; set it from LrJsonOptions */
	bool		null_is_absent; /* a member that is JSON null counts as absent
								 * (options: null means the default) */
} LrJv;

extern void lr_jv_init(LrJv *v, LrArena *arena, LrError *err);

/*
 * A validator of a function's options argument: the path starts at
 * "options" (errors read "options.groups: ...") and null members mean the
 * default.
 */
extern void lr_jv_init_options(LrJv *v, LrArena *arena, LrError *err);

/*
 * Call once per element in loops over documents that may be large (bins,
 * trees, nodes): lets the caller interrupt the validation (see LrTick).
 */
static inline bool
lr_jv_tick(LrJv *v)
{
	return lr_tick(v->tick) || lr_tick_stop(v->err);
}

/* Sets err to "<path>: <message>" (just the message at the root); returns false. */
extern bool lr_jv_fail(LrJv *v, const char *fmt,...) __attribute__((format(printf, 2, 3)));
/* The same with the path extended by key ("<path>.<key>: <message>"). */
extern bool lr_jv_fail_at(LrJv *v, const char *key, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));
extern bool lr_jv_nomem(LrJv *v);

/*
 * Puts the current path in front of the error that another parser set in
 * v->err (a model's own parser, inside a larger document): "features[0].upper:
 * x" becomes "<path>.features[0].upper: x", and a message without a path
 * "<path>: x".  Returns false.
 */
extern bool lr_jv_prefixed(LrJv *v);

/* Path bookkeeping: enter returns a mark to leave to. */
static inline size_t
lr_jv_enter_key(LrJv *v, const char *key)
{
	return lr_path_key(&v->path, key);
}

static inline size_t
lr_jv_enter_index(LrJv *v, size_t index)
{
	return lr_path_index(&v->path, index);
}

static inline void
lr_jv_leave(LrJv *v, size_t mark)
{
	lr_path_pop(&v->path, mark);
}

/* j must be of this kind ("expected an object, got an array"). */
extern bool lr_jv_expect(LrJv *v, const LrJson *j, LrJsonKind kind);

/* Every key of obj must be in the NULL-terminated list (the detail lists them). */
extern bool lr_jv_check_keys(LrJv *v, const LrJson *obj, const char *const *allowed);

/*
 * The member key of obj if present and of this kind; NULL when absent (an
 * error, *ok false, when required) or of another kind (an error naming it).
 */
extern const LrJson *lr_jv_field(LrJv *v, const LrJson *obj, const char *key, LrJsonKind kind,
								 bool required, bool *ok);

/*
 * Field getters: a missing field is an error when required, else leaves *out
 * alone and sets *present (if given) to false.  The path names the field in
 * errors about its value.
 */
extern bool lr_jv_number(LrJv *v, const LrJson *obj, const char *key, bool required,
						 double *out, bool *present);
extern bool lr_jv_string(LrJv *v, const LrJson *obj, const char *key, bool required,
						 const char **out);
extern bool lr_jv_bool(LrJv *v, const LrJson *obj, const char *key, bool required,
					   bool *out, bool *present);
extern bool lr_jv_object(LrJv *v, const LrJson *obj, const char *key, const LrJson **out);
extern bool lr_jv_array(LrJv *v, const LrJson *obj, const char *key, bool required,
						const LrJson **out);

/* An integer number within [min, max] ("options.trees: 0 is not an integer from 1 to 10000"). */
extern bool lr_jv_int(LrJv *v, const LrJson *obj, const char *key, bool required,
					  int64_t min, int64_t max, int64_t *out, bool *present);

/* A non-empty string of at most maxlen bytes. */
extern bool lr_jv_string_len(LrJv *v, const LrJson *obj, const char *key, bool required,
							 size_t maxlen, const char **out);

/*
 * A string that is one of choices (NULL-terminated): *out is its index
 * ("freeze.limit: unknown value \"none\"", the allowed values in the detail).
 */
extern bool lr_jv_choice(LrJv *v, const LrJson *obj, const char *key, bool required,
						 const char *const *choices, int *out, bool *present);

/* The same into an int32_t. */
extern bool lr_jv_int32(LrJv *v, const LrJson *obj, const char *key, bool required,
						int32_t min, int32_t max, int32_t *out, bool *present);

/* A number within [min, max] (inclusive; either bound may be +/-INFINITY). */
extern bool lr_jv_number_range(LrJv *v, const LrJson *obj, const char *key, bool required,
							   double min, double max, double *out, bool *present);

#endif							/* LR_JV_H */
