/*
 * lr_json.c
 *	  Strict JSON parser and writer; see lr_json.h.  Pure C.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/lr_json.h"

/* An item of an open container: a member (key set) or an element. */
typedef struct JsonItem
{
	const char *key;
	size_t		keylen;
	LrJson	   *val;
} JsonItem;

typedef struct JsonParser
{
	const char *s;
	const char *p;
	const char *end;
	LrArena    *arena;
	size_t		limit;			/* the arena's limit when the parse began */
	LrError    *err;
	int			max_depth;
	bool		ascii_escapes_only;
	LrTick	   *tick;

	/*
	 * The items of every open container, innermost last.  A container's
	 * arrays go to the arena at its close, exactly sized; the stack itself
	 * comes from the arena's allocator and is freed when the parse ends.
	 */
	JsonItem   *stack;
	size_t		nstack;
	size_t		capstack;
} JsonParser;

static bool JsonParseValue(JsonParser *jp, int depth, LrJson **out);

static size_t
JsonOffset(JsonParser *jp)
{
	return (size_t) (jp->p - jp->s);
}

static bool
JsonSyntax(JsonParser *jp, const char *what)
{
	lr_error_set(jp->err, LR_ERR_SYNTAX, "invalid JSON: %s at byte %zu", what, JsonOffset(jp));
	return false;
}

static bool
JsonNoMem(JsonParser *jp)
{
	if (jp->arena->over_limit)
		lr_error_set(jp->err, LR_ERR_LIMIT, "JSON of %zu bytes needs more memory than the limit of %zu bytes",
					 (size_t) (jp->end - jp->s), jp->limit);
	else
		lr_error_set(jp->err, LR_ERR_NOMEM, "out of memory while parsing JSON of %zu bytes",
					 (size_t) (jp->end - jp->s));
	return false;
}

static bool
JsonTickStop(JsonParser *jp)
{
	return lr_tick_stop(jp->err);
}

/*
 * Grows the item stack.  With a limit, the stack's bytes count against it:
 * the arena's limit shrinks by them while the parse runs.
 */
static bool
JsonStackGrow(JsonParser *jp)
{
	size_t		newcap = jp->capstack ? jp->capstack * 2 : 64;
	size_t		bytes;
	JsonItem   *p;

	if (!lr_size_mul(newcap, sizeof(JsonItem), &bytes))
		return JsonNoMem(jp);
	if (jp->limit != 0)
	{
		if (bytes >= jp->limit || jp->arena->total > jp->limit - bytes)
		{
			jp->arena->over_limit = true;
			return JsonNoMem(jp);
		}
		jp->arena->limit = jp->limit - bytes;
	}
	p = jp->arena->a->alloc(jp->arena->a->ctx, bytes);
	if (p == NULL)
		return JsonNoMem(jp);
	if (jp->nstack > 0)
		memcpy(p, jp->stack, jp->nstack * sizeof(JsonItem));
	if (jp->stack != NULL && jp->arena->a->free != NULL)
		jp->arena->a->free(jp->arena->a->ctx, jp->stack);
	jp->stack = p;
	jp->capstack = newcap;
	return true;
}

static inline bool
JsonPush(JsonParser *jp, const char *key, size_t keylen, LrJson *val)
{
	if (jp->nstack == jp->capstack && !JsonStackGrow(jp))
		return false;
	jp->stack[jp->nstack].key = key;
	jp->stack[jp->nstack].keylen = keylen;
	jp->stack[jp->nstack].val = val;
	jp->nstack++;
	return true;
}

static void
JsonSkipSpace(JsonParser *jp)
{
	while (jp->p < jp->end &&
		   (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r'))
		jp->p++;
}

static LrJson *
JsonNew(JsonParser *jp, LrJsonKind kind)
{
	LrJson	   *v = lr_arena_alloc0(jp->arena, sizeof(LrJson));

	if (v == NULL)
		return NULL;
	v->kind = kind;
	v->offset = JsonOffset(jp);
	return v;
}

static int
JsonHex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The one-character escapes and what they stand for. */
static const char JsonEscapes[] = "\"\\/bfnrt";
static const char JsonEscaped[] = "\"\\/\b\f\n\r\t";

static bool
JsonHex4(JsonParser *jp, unsigned *out)
{
	unsigned	v = 0;
	int			i;

	if (jp->end - jp->p < 4)
		return JsonSyntax(jp, "truncated \\u escape");
	for (i = 0; i < 4; i++)
	{
		int			h = JsonHex(jp->p[i]);

		if (h < 0)
			return JsonSyntax(jp, "invalid \\u escape");
		v = v * 16 + (unsigned) h;
	}
	jp->p += 4;
	*out = v;
	return true;
}

/* Parses a string starting at the opening quote into arena memory. */
static bool
JsonParseString(JsonParser *jp, const char **out, size_t *outlen)
{
	const char *start;
	const char *q;
	size_t		cap;
	char	   *dst;
	size_t		n = 0;

	jp->p++;					/* opening quote */
	start = jp->p;
	/* First pass: find the end; the unescaped text is never longer. */
	for (q = start; q < jp->end && *q != '"'; q++)
	{
		if (*q == '\\')
		{
			q++;
			if (q >= jp->end)
				break;
		}
		if (((q - start) & 0xFFFF) == 0 && !lr_tick_n(jp->tick, 512))
			return JsonTickStop(jp);
	}
	if (q >= jp->end)
		return JsonSyntax(jp, "unterminated string");
	cap = (size_t) (q - start);
	dst = lr_arena_alloc(jp->arena, cap + 1);
	if (dst == NULL)
		return JsonNoMem(jp);

	while (jp->p < q)
	{
		unsigned char c = (unsigned char) *jp->p;
		unsigned	cp;

		if (c < 0x20)
			return JsonSyntax(jp, "control character in string");
		if (c != '\\')
		{
			dst[n++] = (char) c;
			jp->p++;
			continue;
		}
		jp->p++;
		if (*jp->p != 'u')
		{
			const char *e = memchr(JsonEscapes, *jp->p, sizeof(JsonEscapes) - 1);

			if (e == NULL)
				return JsonSyntax(jp, "invalid escape in string");
			dst[n++] = JsonEscaped[e - JsonEscapes];
			jp->p++;
			continue;
		}
		jp->p++;
		if (!JsonHex4(jp, &cp))
			return false;
		if (cp >= 0xD800 && cp <= 0xDBFF)
		{
			unsigned	lo;

			if (jp->end - jp->p < 2 || jp->p[0] != '\\' || jp->p[1] != 'u')
				return JsonSyntax(jp, "unpaired surrogate in \\u escape");
			jp->p += 2;
			if (!JsonHex4(jp, &lo))
				return false;
			if (lo < 0xDC00 || lo > 0xDFFF)
				return JsonSyntax(jp, "unpaired surrogate in \\u escape");
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		}
		else if (cp >= 0xDC00 && cp <= 0xDFFF)
			return JsonSyntax(jp, "unpaired surrogate in \\u escape");
		if (cp == 0)
			return JsonSyntax(jp, "\\u0000 is not allowed in strings");
		if (cp > 0x7F && jp->ascii_escapes_only)
			return JsonSyntax(jp, "\\u escapes above 007F need a UTF8 database");
		/* The escape is at least 6 bytes; its UTF-8 at most 4. */
		if (cp < 0x80)
			dst[n++] = (char) cp;
		else if (cp < 0x800)
		{
			dst[n++] = (char) (0xC0 | (cp >> 6));
			dst[n++] = (char) (0x80 | (cp & 0x3F));
		}
		else if (cp < 0x10000)
		{
			dst[n++] = (char) (0xE0 | (cp >> 12));
			dst[n++] = (char) (0x80 | ((cp >> 6) & 0x3F));
			dst[n++] = (char) (0x80 | (cp & 0x3F));
		}
		else
		{
			dst[n++] = (char) (0xF0 | (cp >> 18));
			dst[n++] = (char) (0x80 | ((cp >> 12) & 0x3F));
			dst[n++] = (char) (0x80 | ((cp >> 6) & 0x3F));
			dst[n++] = (char) (0x80 | (cp & 0x3F));
		}
	}
	jp->p = q + 1;				/* closing quote */
	dst[n] = '\0';
	*out = dst;
	*outlen = n;
	return true;
}

static bool
JsonParseNumber(JsonParser *jp, LrJson *v)
{
	const char *start = jp->p;
	const char *p = jp->p;
	char		small[64];
	char	   *tmp;
	size_t		len;
	double		d;

	if (p < jp->end && *p == '-')
		p++;
	if (p >= jp->end || !(*p >= '0' && *p <= '9'))
		return JsonSyntax(jp, "invalid number");
	if (*p == '0')
		p++;
	else
		while (p < jp->end && *p >= '0' && *p <= '9')
			p++;
	if (p < jp->end && *p == '.')
	{
		p++;
		if (p >= jp->end || !(*p >= '0' && *p <= '9'))
		{
			jp->p = p;
			return JsonSyntax(jp, "invalid number");
		}
		while (p < jp->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < jp->end && (*p == 'e' || *p == 'E'))
	{
		p++;
		if (p < jp->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= jp->end || !(*p >= '0' && *p <= '9'))
		{
			jp->p = p;
			return JsonSyntax(jp, "invalid number");
		}
		while (p < jp->end && *p >= '0' && *p <= '9')
			p++;
	}
	len = (size_t) (p - start);
	if (len < sizeof(small))
		tmp = small;
	else if ((tmp = lr_arena_alloc(jp->arena, len + 1)) == NULL)
		return JsonNoMem(jp);
	memcpy(tmp, start, len);
	tmp[len] = '\0';
	d = strtod(tmp, NULL);
	if (isinf(d) || isnan(d))
		return JsonSyntax(jp, "number out of range for double precision");
	v->num = d;
	jp->p = p;
	return true;
}

static bool
JsonLiteral(JsonParser *jp, const char *lit)
{
	size_t		len = strlen(lit);

	if ((size_t) (jp->end - jp->p) < len || memcmp(jp->p, lit, len) != 0)
		return JsonSyntax(jp, "invalid token");
	jp->p += len;
	/* "truex" is not "true" followed by garbage we tolerate. */
	if (jp->p < jp->end && ((*jp->p >= 'a' && *jp->p <= 'z') || (*jp->p >= '0' && *jp->p <= '9')))
		return JsonSyntax(jp, "invalid token");
	return true;
}

static int
KeyCompare(const void *a, const void *b)
{
	const char *const *ka = a;
	const char *const *kb = b;

	return strcmp(*ka, *kb);
}

/*
 * Duplicate keys are an error: a scorecard with two "points" would otherwise
 * silently mean whichever one a reader happens to keep.
 */
static bool
JsonCheckDuplicates(JsonParser *jp, LrJson *obj)
{
	size_t		i,
				j;

	if (obj->n < 2)
		return true;
	if (obj->n <= 16)
	{
		for (i = 0; i < obj->n; i++)
			for (j = i + 1; j < obj->n; j++)
				if (obj->keylens[i] == obj->keylens[j] &&
					memcmp(obj->keys[i], obj->keys[j], obj->keylens[i]) == 0)
					goto dup;
		return true;
	}
	else
	{
		const char **sorted = lr_arena_alloc(jp->arena, obj->n * sizeof(char *));

		if (sorted == NULL)
			return JsonNoMem(jp);
		memcpy(sorted, obj->keys, obj->n * sizeof(char *));
		qsort(sorted, obj->n, sizeof(char *), KeyCompare);
		for (i = 1; i < obj->n; i++)
			if (strcmp(sorted[i - 1], sorted[i]) == 0)
			{
				for (j = 0; j < obj->n; j++)
					if (obj->keys[j] == sorted[i])
						break;
				i = j;
				goto dup;
			}
		return true;
	}
dup:
	lr_error_set(jp->err, LR_ERR_SYNTAX, "invalid JSON: duplicate key \"%.100s\" in object at byte %zu",
				 obj->keys[i], obj->offset);
	return false;
}

/* Consumes c when it comes next, after white space. */
static bool
JsonEat(JsonParser *jp, char c)
{
	JsonSkipSpace(jp);
	if (jp->p < jp->end && *jp->p == c)
	{
		jp->p++;
		return true;
	}
	return false;
}

static bool
JsonParseObject(JsonParser *jp, int depth, LrJson *v)
{
	size_t		base = jp->nstack;
	size_t		n,
				i;

	jp->p++;					/* '{' */
	if (JsonEat(jp, '}'))
		return true;
	for (;;)
	{
		const char *key;
		size_t		keylen;
		LrJson	   *item;

		JsonSkipSpace(jp);
		if (jp->p >= jp->end || *jp->p != '"')
			return JsonSyntax(jp, "expected a string key");
		if (!JsonParseString(jp, &key, &keylen))
			return false;
		if (!JsonEat(jp, ':'))
			return JsonSyntax(jp, "expected ':'");
		if (!JsonParseValue(jp, depth + 1, &item) ||
			!JsonPush(jp, key, keylen, item))
			return false;
		if (JsonEat(jp, ','))
			continue;
		if (JsonEat(jp, '}'))
			break;
		return JsonSyntax(jp, "expected ',' or '}'");
	}
	n = jp->nstack - base;
	v->n = n;
	if ((v->keys = lr_arena_alloc(jp->arena, n * sizeof(char *))) == NULL ||
		(v->items = lr_arena_alloc(jp->arena, n * sizeof(LrJson *))) == NULL ||
		(v->keylens = lr_arena_alloc(jp->arena, n * sizeof(size_t))) == NULL)
		return JsonNoMem(jp);
	for (i = 0; i < n; i++)
	{
		const JsonItem *it = &jp->stack[base + i];

		v->keys[i] = it->key;
		v->keylens[i] = it->keylen;
		v->items[i] = it->val;
	}
	jp->nstack = base;
	return JsonCheckDuplicates(jp, v);
}

static bool
JsonParseArray(JsonParser *jp, int depth, LrJson *v)
{
	size_t		base = jp->nstack;
	size_t		n,
				i;

	jp->p++;					/* '[' */
	if (JsonEat(jp, ']'))
		return true;
	for (;;)
	{
		LrJson	   *item;

		if (!JsonParseValue(jp, depth + 1, &item) ||
			!JsonPush(jp, NULL, 0, item))
			return false;
		if (JsonEat(jp, ','))
			continue;
		if (JsonEat(jp, ']'))
			break;
		return JsonSyntax(jp, "expected ',' or ']'");
	}
	n = jp->nstack - base;
	v->n = n;
	if ((v->items = lr_arena_alloc(jp->arena, n * sizeof(LrJson *))) == NULL)
		return JsonNoMem(jp);
	for (i = 0; i < n; i++)
		v->items[i] = jp->stack[base + i].val;
	jp->nstack = base;
	return true;
}

static bool
JsonParseValue(JsonParser *jp, int depth, LrJson **out)
{
	LrJson	   *v;

	if (depth > jp->max_depth)
	{
		lr_error_set(jp->err, LR_ERR_LIMIT, "JSON nesting deeper than %d levels at byte %zu",
					 jp->max_depth, JsonOffset(jp));
		return false;
	}
	if (!lr_tick(jp->tick))
		return JsonTickStop(jp);
	JsonSkipSpace(jp);
	if (jp->p >= jp->end)
		return JsonSyntax(jp, "unexpected end of input");

	switch (*jp->p)
	{
		case '{':
			if ((v = JsonNew(jp, LRJ_OBJECT)) == NULL)
				return JsonNoMem(jp);
			if (!JsonParseObject(jp, depth, v))
				return false;
			break;
		case '[':
			if ((v = JsonNew(jp, LRJ_ARRAY)) == NULL)
				return JsonNoMem(jp);
			if (!JsonParseArray(jp, depth, v))
				return false;
			break;
		case '"':
			if ((v = JsonNew(jp, LRJ_STRING)) == NULL)
				return JsonNoMem(jp);
			if (!JsonParseString(jp, &v->str, &v->len))
				return false;
			break;
		case 't':
		case 'f':
			if ((v = JsonNew(jp, LRJ_BOOL)) == NULL)
				return JsonNoMem(jp);
			v->b = (*jp->p == 't');
			if (!JsonLiteral(jp, v->b ? "true" : "false"))
				return false;
			break;
		case 'n':
			if ((v = JsonNew(jp, LRJ_NULL)) == NULL)
				return JsonNoMem(jp);
			if (!JsonLiteral(jp, "null"))
				return false;
			break;
		default:
			if ((v = JsonNew(jp, LRJ_NUMBER)) == NULL)
				return JsonNoMem(jp);
			if (!JsonParseNumber(jp, v))
				return false;
			break;
	}
	*out = v;
	return true;
}

bool
lr_json_parse(const char *text, size_t len, LrArena *arena,
			  const LrJsonOptions *opts, LrJson **out, LrError *err)
{
	JsonParser	jp;
	bool		ok;

	memset(&jp, 0, sizeof(jp));
	jp.s = jp.p = text;
	jp.end = text + len;
	jp.arena = arena;
	jp.limit = arena->limit;
	jp.err = err;
	jp.max_depth = (opts && opts->max_depth > 0) ? opts->max_depth : 64;
	jp.ascii_escapes_only = opts ? opts->ascii_escapes_only : false;
	jp.tick = opts ? opts->tick : NULL;

	if (memchr(text, '\0', len) != NULL)
	{
		jp.p = memchr(text, '\0', len);
		return JsonSyntax(&jp, "NUL byte in input");
	}
	ok = JsonParseValue(&jp, 1, out);
	if (jp.stack != NULL && arena->a->free != NULL)
		arena->a->free(arena->a->ctx, jp.stack);
	arena->limit = jp.limit;
	if (!ok)
		return false;
	JsonSkipSpace(&jp);
	if (jp.p != jp.end)
		return JsonSyntax(&jp, "unexpected text after the JSON value");
	return true;
}

const LrJson *
lr_json_get(const LrJson *obj, const char *key)
{
	size_t		i;

	if (obj == NULL || obj->kind != LRJ_OBJECT)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return obj->items[i];
	return NULL;
}

/* ---------------------------------------------------------------- building */

LrJson *
lr_json_new(LrArena *arena, LrJsonKind kind)
{
	LrJson	   *v = lr_arena_alloc0(arena, sizeof(LrJson));

	if (v != NULL)
		v->kind = kind;
	return v;
}

LrJson *
lr_json_new_number(LrArena *arena, double d)
{
	LrJson	   *v;

	if (!isfinite(d))
		return lr_json_new(arena, LRJ_NULL);
	if ((v = lr_json_new(arena, LRJ_NUMBER)) != NULL)
		v->num = d == 0 ? 0 : d;
	return v;
}

LrJson *
lr_json_new_numbers(LrArena *arena, const double *v, size_t n)
{
	LrJson	   *a = lr_json_new(arena, LRJ_ARRAY);

	for (size_t i = 0; a != NULL && i < n; i++)
		if (!lr_json_push(arena, a, lr_json_new_number(arena, v[i])))
			return NULL;
	return a;
}

LrJson *
lr_json_new_bool(LrArena *arena, bool b)
{
	LrJson	   *v = lr_json_new(arena, LRJ_BOOL);

	if (v != NULL)
		v->b = b;
	return v;
}

LrJson *
lr_json_new_string(LrArena *arena, const char *s, size_t len)
{
	LrJson	   *v = lr_json_new(arena, LRJ_STRING);

	if (v == NULL || (v->str = lr_arena_strndup(arena, s, len)) == NULL)
		return NULL;
	v->len = len;
	return v;
}

/* Room for one more member or element (a parsed value's arrays are exactly full). */
static bool
JsonGrow(LrArena *arena, LrJson *v)
{
	size_t		cap;
	LrJson	  **items;

	if (v->n < v->cap)
		return true;
	cap = v->n < 4 ? 8 : 2 * v->n;
	if ((items = lr_arena_alloc(arena, cap * sizeof(LrJson *))) == NULL)
		return false;
	if (v->n > 0)
		memcpy(items, v->items, v->n * sizeof(LrJson *));
	v->items = items;
	if (v->kind == LRJ_OBJECT)
	{
		const char **keys = lr_arena_alloc(arena, cap * sizeof(char *));
		size_t	   *keylens = lr_arena_alloc(arena, cap * sizeof(size_t));

		if (keys == NULL || keylens == NULL)
			return false;
		if (v->n > 0)
		{
			memcpy(keys, v->keys, v->n * sizeof(char *));
			memcpy(keylens, v->keylens, v->n * sizeof(size_t));
		}
		v->keys = keys;
		v->keylens = keylens;
	}
	v->cap = cap;
	return true;
}

bool
lr_json_push(LrArena *arena, LrJson *arr, LrJson *v)
{
	if (v == NULL || arr == NULL || arr->kind != LRJ_ARRAY || !JsonGrow(arena, arr))
		return false;
	arr->items[arr->n++] = v;
	return true;
}

bool
lr_json_put(LrArena *arena, LrJson *obj, const char *key, LrJson *v)
{
	size_t		len = strlen(key);
	char	   *k;

	if (v == NULL || obj == NULL || obj->kind != LRJ_OBJECT)
		return false;
	for (size_t i = 0; i < obj->n; i++)
		if (obj->keylens[i] == len && memcmp(obj->keys[i], key, len) == 0)
		{
			obj->items[i] = v;
			return true;
		}
	if (!JsonGrow(arena, obj) || (k = lr_arena_strndup(arena, key, len)) == NULL)
		return false;
	obj->keys[obj->n] = k;
	obj->keylens[obj->n] = len;
	obj->items[obj->n++] = v;
	return true;
}

const char *
lr_json_kind_name(LrJsonKind kind)
{
	switch (kind)
	{
		case LRJ_NULL:
			return "null";
		case LRJ_BOOL:
			return "a boolean";
		case LRJ_NUMBER:
			return "a number";
		case LRJ_STRING:
			return "a string";
		case LRJ_ARRAY:
			return "an array";
		case LRJ_OBJECT:
			return "an object";
	}
	return "unknown";
}

bool
lr_json_write_string(LrBuf *buf, const char *s, size_t len)
{
	size_t		i;

	lr_buf_putc(buf, '"');
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];
		const char *e;

		if (c >= 0x20 && c != '"' && c != '\\')
			lr_buf_putc(buf, (char) c);
		else if ((e = memchr(JsonEscaped, c, sizeof(JsonEscaped) - 1)) != NULL)
		{
			lr_buf_putc(buf, '\\');
			lr_buf_putc(buf, JsonEscapes[e - JsonEscaped]);
		}
		else
			lr_buf_printf(buf, "\\u%04x", c);
	}
	return lr_buf_putc(buf, '"');
}

bool
lr_json_write(LrBuf *buf, const LrJson *v)
{
	size_t		i;
	bool		first = true;

	switch (v->kind)
	{
		case LRJ_NULL:
			return lr_buf_puts(buf, "null");
		case LRJ_BOOL:
			return lr_buf_puts(buf, v->b ? "true" : "false");
		case LRJ_NUMBER:
			return lr_buf_put_double(buf, v->num);
		case LRJ_STRING:
			return lr_json_write_string(buf, v->str, v->len);
		case LRJ_ARRAY:
			lr_buf_putc(buf, '[');
			for (i = 0; i < v->n; i++)
			{
				if (i > 0)
					lr_buf_puts(buf, ", ");
				lr_json_write(buf, v->items[i]);
			}
			return lr_buf_putc(buf, ']');
		case LRJ_OBJECT:
			lr_buf_putc(buf, '{');
			for (i = 0; i < v->n; i++)
			{
				lr_json_write_key(buf, &first, v->keys[i], v->keylens[i]);
				lr_json_write(buf, v->items[i]);
			}
			return lr_buf_putc(buf, '}');
	}
	return false;
}

static int
JsonbKeyOrder(const void *a, const void *b, const LrJson *obj)
{
	size_t		i = *(const size_t *) a;
	size_t		j = *(const size_t *) b;
	int			c;

	if (obj->keylens[i] != obj->keylens[j])
		return obj->keylens[i] < obj->keylens[j] ? -1 : 1;
	c = memcmp(obj->keys[i], obj->keys[j], obj->keylens[i]);
	return c;
}

bool
lr_json_number_text(const char *src, size_t srclen, const LrJson *v,
					const char **text, size_t *len)
{
	const char *p;
	const char *end = src + srclen;

	if (v->kind != LRJ_NUMBER || v->offset >= srclen)
		return false;
	p = src + v->offset;
	*text = p;
	while (p < end && ((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' ||
					   *p == '.' || *p == 'e' || *p == 'E'))
		p++;
	*len = (size_t) (p - *text);
	return *len > 0;
}

/*
 * v with object keys in jsonb's order; numbers as written in src (when given
 * and found there), else in the shortest form that reads back the same.
 */
static bool
WriteSorted(LrBuf *buf, const LrJson *v, const char *src, size_t srclen)
{
	size_t		i,
				j;
	const char *t;
	size_t		len;

	if (v->kind == LRJ_NUMBER && src != NULL && lr_json_number_text(src, srclen, v, &t, &len))
		return lr_buf_append(buf, t, len);
	if (v->kind == LRJ_ARRAY)
	{
		lr_buf_putc(buf, '[');
		for (i = 0; i < v->n; i++)
		{
			if (i > 0)
				lr_buf_puts(buf, ", ");
			WriteSorted(buf, v->items[i], src, srclen);
		}
		return lr_buf_putc(buf, ']');
	}
	if (v->kind != LRJ_OBJECT)
		return lr_json_write(buf, v);

	/* Insertion sort of member indexes: objects here are small, and keys unique. */
	{
		size_t		small[32];
		size_t	   *order = small;
		bool		first = true;

		if (v->n > 32)
		{
			order = buf->a->alloc(buf->a->ctx, v->n * sizeof(size_t));
			if (order == NULL)
				return (buf->failed = true, false);
		}
		for (i = 0; i < v->n; i++)
		{
			size_t		k = i;

			for (j = i; j > 0 && JsonbKeyOrder(&k, &order[j - 1], v) < 0; j--)
				order[j] = order[j - 1];
			order[j] = k;
		}
		lr_buf_putc(buf, '{');
		for (i = 0; i < v->n; i++)
		{
			lr_json_write_key(buf, &first, v->keys[order[i]], v->keylens[order[i]]);
			WriteSorted(buf, v->items[order[i]], src, srclen);
		}
		if (order != small && buf->a->free != NULL)
			buf->a->free(buf->a->ctx, order);
		return lr_buf_putc(buf, '}');
	}
}

bool
lr_json_write_sorted(LrBuf *buf, const LrJson *v)
{
	return WriteSorted(buf, v, NULL, 0);
}

bool
lr_json_write_sorted_exact(LrBuf *buf, const LrJson *v, const char *src, size_t srclen)
{
	return WriteSorted(buf, v, src, srclen);
}

void
lr_json_write_key(LrBuf *buf, bool *first, const char *key, size_t len)
{
	if (!*first)
		lr_buf_puts(buf, ", ");
	*first = false;
	lr_json_write_string(buf, key, len);
	lr_buf_puts(buf, ": ");
}

void
lr_json_member(LrBuf *buf, bool *first, const char *key)
{
	lr_json_write_key(buf, first, key, strlen(key));
}

void
lr_json_member_number(LrBuf *buf, bool *first, const char *key, double v)
{
	lr_json_member(buf, first, key);
	lr_buf_put_double(buf, v);
}

void
lr_json_member_int(LrBuf *buf, bool *first, const char *key, int64_t v)
{
	lr_json_member(buf, first, key);
	lr_buf_printf(buf, "%lld", (long long) v);
}

void
lr_json_member_doc(LrBuf *buf, bool *first, const char *key, const LrJson *v)
{
	if (v == NULL)
		return;
	lr_json_member(buf, first, key);
	lr_json_write_sorted(buf, v);
}

void
lr_json_member_string(LrBuf *buf, bool *first, const char *key, const char *s)
{
	lr_json_member(buf, first, key);
	if (s == NULL)
		lr_buf_puts(buf, "null");
	else
		lr_json_write_string(buf, s, strlen(s));
}

/* ---------------------------------------------------------------- paths */

void
lr_path_init(LrPath *path)
{
	path->buf[0] = '\0';
	path->len = 0;
	path->truncated = false;
}

static size_t
PathAppend(LrPath *path, const char *text)
{
	size_t		mark = path->len;
	size_t		tl = strlen(text);

	if (path->len + tl >= sizeof(path->buf) - 4)
	{
		if (!path->truncated)
		{
			path->truncated = true;
			memcpy(path->buf + path->len, "...", 4);
			path->len += 3;
		}
		return mark;
	}
	memcpy(path->buf + path->len, text, tl + 1);
	path->len += tl;
	return mark;
}

size_t
lr_path_key(LrPath *path, const char *key)
{
	char		tmp[80];

	if (path->len == 0)
		snprintf(tmp, sizeof(tmp), "%.70s", key);
	else
		snprintf(tmp, sizeof(tmp), ".%.70s", key);
	return PathAppend(path, tmp);
}

size_t
lr_path_index(LrPath *path, size_t index)
{
	char		tmp[32];

	snprintf(tmp, sizeof(tmp), "[%zu]", index);
	return PathAppend(path, tmp);
}

void
lr_path_pop(LrPath *path, size_t mark)
{
	if (mark <= path->len)
	{
		path->len = mark;
		path->buf[mark] = '\0';
		if (mark < sizeof(path->buf) - 4)
			path->truncated = false;
	}
}

const char *
lr_path_str(const LrPath *path)
{
	return path->len == 0 ? "$" : path->buf;
}
