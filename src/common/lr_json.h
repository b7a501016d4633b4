/*
 * lr_json.h
 *	  A strict RFC 8259 JSON parser and writer in pure C, for every JSON
 *	  document a user hands the extension (scorecards, policies, rules,
 *	  options).  Pure C so the fuzz targets exercise exactly this code.
 *
 * Stricter than the RFC where that protects users: duplicate object keys are
 * an error, "\u0000" is an error (strings are NUL-terminated), numbers must be
 * finite as doubles, and nesting is limited.
 */
#ifndef LR_JSON_H
#define LR_JSON_H

#include "common/lr_base.h"

typedef enum LrJsonKind
{
	LRJ_NULL,
	LRJ_BOOL,
	LRJ_NUMBER,
	LRJ_STRING,
	LRJ_ARRAY,
	LRJ_OBJECT
} LrJsonKind;

typedef struct LrJson
{
	LrJsonKind	kind;
	bool		b;				/* LRJ_BOOL */
	double		num;			/* LRJ_NUMBER */
	const char *str;			/* LRJ_STRING, NUL-terminated */
	size_t		len;			/* LRJ_STRING byte length */
	size_t		n;				/* LRJ_ARRAY elements / LRJ_OBJECT members */
	struct LrJson **items;		/* elements, or member values */
	const char **keys;			/* LRJ_OBJECT member names, NUL-terminated */
	size_t	   *keylens;
	size_t		offset;			/* byte offset of the value in the source */
	size_t		cap;			/* built values: room in items (and keys); 0 when parsed */
} LrJson;

typedef struct LrJsonOptions
{
	int			max_depth;		/* default 64 */
	bool		ascii_escapes_only; /* \u escapes above 007F are an error (non-UTF8 databases) */
	LrTick	   *tick;			/* ticked per value and per 64 kB of a string; NULL: none */
} LrJsonOptions;

/*
 * The callback form of a typed parser, bool fn(text, len, arena, opts, T
 * **out, err), and of a typed writer, bool fn(const T *, LrBuf *): what the
 * generic readers take (model types, credit policies), defined once here.
 */
#define LR_JSON_PARSE_CALLBACK(name, fn, T) \
	static bool \
	name(const char *text, size_t len, LrArena *arena, const LrJsonOptions *opts, \
		 void **out, LrError *err) \
	{ \
		return fn(text, len, arena, opts, (T **) out, err); \
	}
#define LR_JSON_WRITE_CALLBACK(name, fn, T) \
	static bool \
	name(const void *model, LrBuf *out) \
	{ \
		return fn((const T *) model, out); \
	}

/*
 * Memory: the parse tree lives in the arena (about 80 bytes per value plus
 * 24 per member or element, and the strings), so the arena's limit bounds
 * it; the parser's own scratch (one stack of the open containers' items,
 * allocated and freed through the arena's allocator) counts against that
 * limit too.  Beyond it the parse fails with LR_ERR_LIMIT and
 * arena->over_limit set.  opts->tick lets the caller interrupt a long parse.
 */
extern bool lr_json_parse(const char *text, size_t len, LrArena *arena,
						  const LrJsonOptions *opts, LrJson **out, LrError *err);

/* Member lookup by name (NULL if absent or obj is not an object). */
extern const LrJson *lr_json_get(const LrJson *obj, const char *key);

extern const char *lr_json_kind_name(LrJsonKind kind);

/*
 * Building a value in memory, for documents the extension writes (a card's
 * statistics and training record): everything comes from arena; strings
 * and keys are copied.  JSON has no NaN or infinities: lr_json_new_number
 * gives null for them, and 0 for -0 (the numbers the extension writes).
 * lr_json_put replaces a member of the same name;
 * objects and arrays grow as members are added (parsed ones too).  NULL /
 * false means out of memory.
 */
extern LrJson *lr_json_new(LrArena *arena, LrJsonKind kind);
extern LrJson *lr_json_new_number(LrArena *arena, double v);
extern LrJson *lr_json_new_numbers(LrArena *arena, const double *v, size_t n);	/* an array */
extern LrJson *lr_json_new_bool(LrArena *arena, bool b);
extern LrJson *lr_json_new_string(LrArena *arena, const char *s, size_t len);
extern bool lr_json_push(LrArena *arena, LrJson *arr, LrJson *v);
extern bool lr_json_put(LrArena *arena, LrJson *obj, const char *key, LrJson *v);

/* Writers: jsonb-like spacing ("a": 1, "b": [1, 2]). */
extern bool lr_json_write(LrBuf *buf, const LrJson *v);
extern bool lr_json_write_string(LrBuf *buf, const char *s, size_t len);
/* The decimal text of a JSON number, exactly as written in the source. */
extern bool lr_json_number_text(const char *src, size_t srclen, const LrJson *v,
								const char **text, size_t *len);

/* Like lr_json_write, but object keys in jsonb's order (shorter first, then bytewise). */
extern bool lr_json_write_sorted(LrBuf *buf, const LrJson *v);
/* The same with every number as written in src, the text v was parsed from. */
extern bool lr_json_write_sorted_exact(LrBuf *buf, const LrJson *v, const char *src, size_t srclen);

/*
 * Writing an object member by member ('{', the members, '}'): *first starts
 * true; each member gets ", " before it unless it is the first, its key as a
 * JSON string and ": ", then (lr_json_member_*) its value.  A string member
 * of NULL is null.
 */
extern void lr_json_write_key(LrBuf *buf, bool *first, const char *key, size_t len);
extern void lr_json_member(LrBuf *buf, bool *first, const char *key);
extern void lr_json_member_number(LrBuf *buf, bool *first, const char *key, double v);
extern void lr_json_member_int(LrBuf *buf, bool *first, const char *key, int64_t v);
extern void lr_json_member_string(LrBuf *buf, bool *first, const char *key, const char *s);
/* A document kept as given (statistics, training, metadata), keys in jsonb's order; none when v is NULL. */
extern void lr_json_member_doc(LrBuf *buf, bool *first, const char *key, const LrJson *v);

/*
 * JSON path of the value being validated, kept as text for error messages:
 * features[2].bins[0].upper.  Push/pop in step with the recursion.
 */
typedef struct LrPath
{
	char		buf[512];
	size_t		len;
	bool		truncated;
} LrPath;

extern void lr_path_init(LrPath *path);
extern size_t lr_path_key(LrPath *path, const char *key);	/* returns the mark to pop to */
extern size_t lr_path_index(LrPath *path, size_t index);
extern void lr_path_pop(LrPath *path, size_t mark);
extern const char *lr_path_str(const LrPath *path);	/* "$" when empty */

#endif							/* LR_JSON_H */
