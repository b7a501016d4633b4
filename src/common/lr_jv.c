/*
 * lr_jv.c
 *	  JSON field validation with path-naming errors; see lr_jv.h.  Pure C.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/lr_jv.h"

void
lr_jv_init(LrJv *v, LrArena *arena, LrError *err)
{
	v->arena = arena;
	v->err = err;
	v->tick = NULL;
	v->null_is_absent = false;
	lr_path_init(&v->path);
}

void
lr_jv_init_options(LrJv *v, LrArena *arena, LrError *err)
{
	lr_jv_init(v, arena, err);
	v->null_is_absent = true;
	lr_path_key(&v->path, "options");
}

bool
lr_jv_fail(LrJv *v, const char *fmt,...)
{
	char		what[400];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (v->path.len == 0)
		return lr_error_set(v->err, LR_ERR_INVALID, "%s", what);
	return lr_error_set(v->err, LR_ERR_INVALID, "%s: %s", lr_path_str(&v->path), what);
}

bool
lr_jv_fail_at(LrJv *v, const char *key, const char *fmt,...)
{
	char		what[400];
	va_list		ap;
	size_t		mark = lr_jv_enter_key(v, key);

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	lr_jv_fail(v, "%s", what);
	lr_jv_leave(v, mark);
	return false;
}

bool
lr_jv_nomem(LrJv *v)
{
	if (v->arena != NULL && v->arena->over_limit)
		return lr_error_set(v->err, LR_ERR_LIMIT, "%s: more memory is needed than the limit of %zu bytes",
							lr_path_str(&v->path), v->arena->limit);
	return lr_error_set(v->err, LR_ERR_NOMEM, "out of memory while reading %s", lr_path_str(&v->path));
}

bool
lr_jv_expect(LrJv *v, const LrJson *j, LrJsonKind kind)
{
	if (j->kind != kind)
		return lr_jv_fail(v, "expected %s, got %s", lr_json_kind_name(kind), lr_json_kind_name(j->kind));
	return true;
}

/* names, comma-separated, each between quote and quote, cut short to fit list */
static void
JoinNames(char *list, size_t size, const char *const *names, const char *quote)
{
	size_t		len = 0;

	list[0] = '\0';
	for (int i = 0; names[i] != NULL && len < size - 70; i++)
		len += (size_t) snprintf(list + len, size - len, "%s%s%s%s", i ? ", " : "", quote, names[i], quote);
}

bool
lr_jv_check_keys(LrJv *v, const LrJson *obj, const char *const *allowed)
{
	size_t		i;

	for (i = 0; i < obj->n; i++)
	{
		const char *const *a;
		bool		found = false;

		for (a = allowed; *a != NULL; a++)
			if (strcmp(obj->keys[i], *a) == 0)
			{
				found = true;
				break;
			}
		if (!found)
		{
			char		list[300];

			JoinNames(list, sizeof(list), allowed, "");
			lr_jv_fail(v, "unknown field \"%.100s\"", obj->keys[i]);
			lr_error_detail(v->err, "Allowed fields here: %s.", list);
			return false;
		}
	}
	return true;
}

/* The field's value, or NULL (an error when required). */
static bool
Field(LrJv *v, const LrJson *obj, const char *key, bool required, const LrJson **out)
{
	*out = lr_json_get(obj, key);
	if (*out != NULL && v->null_is_absent && (*out)->kind == LRJ_NULL)
		*out = NULL;
	if (*out == NULL && required)
		return lr_jv_fail(v, "missing required field \"%s\"", key);
	return true;
}

/* Checks the kind of a present field with the path pointing at it. */
static bool
FieldKind(LrJv *v, const char *key, const LrJson *f, LrJsonKind kind)
{
	if (f->kind != kind)
		return lr_jv_fail_at(v, key, "expected %s, got %s", lr_json_kind_name(kind),
							 lr_json_kind_name(f->kind));
	return true;
}

const LrJson *
lr_jv_field(LrJv *v, const LrJson *obj, const char *key, LrJsonKind kind, bool required, bool *ok)
{
	const LrJson *f;

	*ok = Field(v, obj, key, required, &f);
	if (f == NULL)
		return NULL;
	if (!FieldKind(v, key, f, kind))
	{
		*ok = false;
		return NULL;
	}
	return f;
}

bool
lr_jv_number(LrJv *v, const LrJson *obj, const char *key, bool required, double *out, bool *present)
{
	bool		ok;
	const LrJson *f = lr_jv_field(v, obj, key, LRJ_NUMBER, required, &ok);

	if (f != NULL)
		*out = f->num;
	if (present)
		*present = f != NULL;
	return ok;
}

bool
lr_jv_string(LrJv *v, const LrJson *obj, const char *key, bool required, const char **out)
{
	bool		ok;
	const LrJson *f = lr_jv_field(v, obj, key, LRJ_STRING, required, &ok);

	*out = f != NULL ? f->str : NULL;
	return ok;
}

bool
lr_jv_bool(LrJv *v, const LrJson *obj, const char *key, bool required, bool *out, bool *present)
{
	bool		ok;
	const LrJson *f = lr_jv_field(v, obj, key, LRJ_BOOL, required, &ok);

	if (f != NULL)
		*out = f->b;
	if (present)
		*present = f != NULL;
	return ok;
}

bool
lr_jv_object(LrJv *v, const LrJson *obj, const char *key, const LrJson **out)
{
	bool		ok;

	*out = lr_jv_field(v, obj, key, LRJ_OBJECT, false, &ok);
	return ok;
}

bool
lr_jv_array(LrJv *v, const LrJson *obj, const char *key, bool required, const LrJson **out)
{
	bool		ok;

	*out = lr_jv_field(v, obj, key, LRJ_ARRAY, required, &ok);
	return ok;
}

bool
lr_jv_int(LrJv *v, const LrJson *obj, const char *key, bool required,
		  int64_t min, int64_t max, int64_t *out, bool *present)
{
	double		d = 0;
	bool		here = false;

	if (present)
		*present = false;
	if (!lr_jv_number(v, obj, key, required, &d, &here))
		return false;
	if (!here)
		return true;
	if (d != floor(d) || d < (double) min || d > (double) max)
	{
		char		num[64];

		lr_format_double(num, sizeof(num), d);
		return lr_jv_fail_at(v, key, "%s is not an integer from %lld to %lld", num,
							 (long long) min, (long long) max);
	}
	*out = (int64_t) d;
	if (present)
		*present = true;
	return true;
}

bool
lr_jv_int32(LrJv *v, const LrJson *obj, const char *key, bool required,
			int32_t min, int32_t max, int32_t *out, bool *present)
{
	int64_t		x = 0;
	bool		here = false;

	if (present)
		*present = false;
	if (!lr_jv_int(v, obj, key, required, min, max, &x, &here))
		return false;
	if (here)
	{
		*out = (int32_t) x;
		if (present)
			*present = true;
	}
	return true;
}

bool
lr_jv_number_range(LrJv *v, const LrJson *obj, const char *key, bool required,
				   double min, double max, double *out, bool *present)
{
	double		d = 0;
	bool		here = false;

	if (present)
		*present = false;
	if (!lr_jv_number(v, obj, key, required, &d, &here))
		return false;
	if (!here)
		return true;
	if (!(d >= min && d <= max))
		return lr_jv_fail_at(v, key, "%g is outside the allowed range of %g to %g", d, min, max);
	*out = d;
	if (present)
		*present = true;
	return true;
}

bool
lr_jv_string_len(LrJv *v, const LrJson *obj, const char *key, bool required, size_t maxlen,
				 const char **out)
{
	bool		ok;
	const LrJson *f = lr_jv_field(v, obj, key, LRJ_STRING, required, &ok);

	if (f == NULL)
		return ok;
	if (f->len == 0)
		return lr_jv_fail_at(v, key, "must not be empty");
	if (f->len > maxlen)
		return lr_jv_fail_at(v, key, "longer than %zu bytes", maxlen);
	*out = f->str;
	return true;
}

bool
lr_jv_choice(LrJv *v, const LrJson *obj, const char *key, bool required,
			 const char *const *choices, int *out, bool *present)
{
	bool		ok;
	const LrJson *f = lr_jv_field(v, obj, key, LRJ_STRING, required, &ok);
	char		list[300];

	if (present)
		*present = false;
	if (f == NULL)
		return ok;
	for (int i = 0; choices[i] != NULL; i++)
		if (strlen(choices[i]) == f->len && memcmp(f->str, choices[i], f->len) == 0)
		{
			*out = i;
			if (present)
				*present = true;
			return true;
		}
	JoinNames(list, sizeof(list), choices, "\"");
	lr_jv_fail_at(v, key, "unknown value \"%.100s\"", f->str);
	lr_error_detail(v->err, "Allowed values: %s.", list);
	return false;
}

/*
 * Does msg start with a JSON path followed by ": "?  Paths are names and
 * [n] indexes joined by dots; a message without a path (an error at the
 * root of a model) starts with words separated by spaces.
 */
static size_t
PathPrefixLength(const char *msg)
{
	const char *p = msg;

	for (;;)
	{
		if (*p == '[')
		{
			p++;
			if (*p < '0' || *p > '9')
				return 0;
			while (*p >= '0' && *p <= '9')
				p++;
			if (*p != ']')
				return 0;
			p++;
		}
		else
		{
			const char *start = p;

			while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
				   (*p >= '0' && *p <= '9') || *p == '_')
				p++;
			if (p == start)
				return 0;
		}
		if (p[0] == ':' && p[1] == ' ')
			return (size_t) (p - msg);
		if (*p == '.')
			p++;
		else if (*p != '[')
			return 0;
	}
}

bool
lr_jv_prefixed(LrJv *v)
{
	LrError    *err = v->err;
	char		msg[sizeof(err->msg)];
	const char *path = lr_path_str(&v->path);
	size_t		plen = PathPrefixLength(err->msg);

	if (plen > 0)
		snprintf(msg, sizeof(msg), "%s%s%s", path, err->msg[0] == '[' ? "" : ".", err->msg);
	else
		snprintf(msg, sizeof(msg), "%s: %s", path, err->msg);
	memcpy(err->msg, msg, sizeof(msg));
	return false;
}
