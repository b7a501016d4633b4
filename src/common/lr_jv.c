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
	lr_path_init(&v->path);
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
			size_t		len = 0;

			list[0] = '\0';
			for (a = allowed; *a != NULL && len < sizeof(list) - 70; a++)
				len += (size_t) snprintf(list + len, sizeof(list) - len, "%s%s",
										 a == allowed ? "" : ", ", *a);
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
	if (*out == NULL && required)
		return lr_jv_fail(v, "missing required field \"%s\"", key);
	return true;
}

/* Checks the kind of a present field with the path pointing at it. */
static bool
FieldKind(LrJv *v, const char *key, const LrJson *f, LrJsonKind kind)
{
	size_t		mark = lr_jv_enter_key(v, key);
	bool		ok = lr_jv_expect(v, f, kind);

	lr_jv_leave(v, mark);
	return ok;
}

bool
lr_jv_number(LrJv *v, const LrJson *obj, const char *key, bool required, double *out, bool *present)
{
	const LrJson *f;

	if (present)
		*present = false;
	if (!Field(v, obj, key, required, &f))
		return false;
	if (f == NULL)
		return true;
	if (!FieldKind(v, key, f, LRJ_NUMBER))
		return false;
	*out = f->num;
	if (present)
		*present = true;
	return true;
}

bool
lr_jv_string(LrJv *v, const LrJson *obj, const char *key, bool required, const char **out)
{
	const LrJson *f;

	*out = NULL;
	if (!Field(v, obj, key, required, &f))
		return false;
	if (f == NULL)
		return true;
	if (!FieldKind(v, key, f, LRJ_STRING))
		return false;
	*out = f->str;
	return true;
}

bool
lr_jv_bool(LrJv *v, const LrJson *obj, const char *key, bool required, bool *out, bool *present)
{
	const LrJson *f;

	if (present)
		*present = false;
	if (!Field(v, obj, key, required, &f))
		return false;
	if (f == NULL)
		return true;
	if (!FieldKind(v, key, f, LRJ_BOOL))
		return false;
	*out = f->b;
	if (present)
		*present = true;
	return true;
}

bool
lr_jv_object(LrJv *v, const LrJson *obj, const char *key, const LrJson **out)
{
	const LrJson *f;

	*out = NULL;
	if (!Field(v, obj, key, false, &f))
		return false;
	if (f == NULL)
		return true;
	if (!FieldKind(v, key, f, LRJ_OBJECT))
		return false;
	*out = f;
	return true;
}

bool
lr_jv_array(LrJv *v, const LrJson *obj, const char *key, bool required, const LrJson **out)
{
	const LrJson *f;

	*out = NULL;
	if (!Field(v, obj, key, required, &f))
		return false;
	if (f == NULL)
		return true;
	if (!FieldKind(v, key, f, LRJ_ARRAY))
		return false;
	*out = f;
	return true;
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
		size_t		mark = lr_jv_enter_key(v, key);

		lr_jv_fail(v, "%g is not an integer from %lld to %lld", d, (long long) min, (long long) max);
		lr_jv_leave(v, mark);
		return false;
	}
	*out = (int64_t) d;
	if (present)
		*present = true;
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
	{
		size_t		mark = lr_jv_enter_key(v, key);

		lr_jv_fail(v, "%g is outside the allowed range of %g to %g", d, min, max);
		lr_jv_leave(v, mark);
		return false;
	}
	*out = d;
	if (present)
		*present = true;
	return true;
}
