/*
 * options.c
 *	  Parsers of the options (jsonb) of the portfolio functions and of the
 *	  validation report, in pure C.  Unknown options are errors (a typo must
 *	  not silently fall back to a default); null members mean the default.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "portfolio/portfolio.h"

static bool
CheckObject(const LrJson *j, const char *const *known, LrError *err)
{
	if (j == NULL)
		return true;
	if (j->kind != LRJ_OBJECT)
	{
		lr_error_set(err, LR_ERR_INVALID, "options must be a JSON object, not %s",
					 lr_json_kind_name(j->kind));
		return false;
	}
	for (size_t i = 0; i < j->n; i++)
	{
		bool		found = false;

		for (const char *const *k = known; *k; k++)
			if (strcmp(j->keys[i], *k) == 0)
				found = true;
		if (!found)
		{
			char		list[400] = "";
			size_t		used = 0;

			for (const char *const *k = known; *k && used < sizeof(list) - 70; k++)
				used += snprintf(list + used, sizeof(list) - used, "%s%s", k == known ? "" : ", ", *k);
			lr_error_set(err, LR_ERR_INVALID, "unknown option \"%.60s\"", j->keys[i]);
			lr_error_detail(err, "The options are: %s.", list);
			return false;
		}
	}
	return true;
}

/* The member, or NULL when absent or JSON null. */
static const LrJson *
Get(const LrJson *obj, const char *key)
{
	const LrJson *v;

	if (obj == NULL)
		return NULL;
	v = lr_json_get(obj, key);
	return (v == NULL || v->kind == LRJ_NULL) ? NULL : v;
}

static bool
GetInt(const LrJson *obj, const char *key, int32_t lo, int32_t hi, int32_t *out, LrError *err)
{
	const LrJson *v = Get(obj, key);

	if (v == NULL)
		return true;
	if (v->kind != LRJ_NUMBER || v->num != floor(v->num))
	{
		lr_error_set(err, LR_ERR_INVALID, "options.%s must be an integer, not %s", key,
					 v->kind == LRJ_NUMBER ? "a fraction" : lr_json_kind_name(v->kind));
		return false;
	}
	if (v->num < lo || v->num > hi)
	{
		char		num[32];

		lr_format_double(num, sizeof(num), v->num);
		lr_error_set(err, LR_ERR_INVALID, "options.%s: %s is out of range", key, num);
		lr_error_detail(err, "It must be between %d and %d.", (int) lo, (int) hi);
		return false;
	}
	*out = (int32_t) v->num;
	return true;
}

static bool
GetBool(const LrJson *obj, const char *key, bool *out, LrError *err)
{
	const LrJson *v = Get(obj, key);

	if (v == NULL)
		return true;
	if (v->kind != LRJ_BOOL)
	{
		lr_error_set(err, LR_ERR_INVALID, "options.%s must be true or false, not %s", key,
					 lr_json_kind_name(v->kind));
		return false;
	}
	*out = v->b;
	return true;
}

/* A string member: *out is the index of its value in choices (left alone when absent). */
static bool
GetChoice(const LrJson *obj, const char *key, const char *const *choices, int *out, LrError *err)
{
	const LrJson *v = Get(obj, key);
	char		list[200] = "";
	size_t		used = 0;

	if (v == NULL)
		return true;
	if (v->kind == LRJ_STRING)
		for (int i = 0; choices[i]; i++)
			if (strcmp(v->str, choices[i]) == 0 && strlen(choices[i]) == v->len)
			{
				*out = i;
				return true;
			}
	for (int i = 0; choices[i]; i++)
		used += snprintf(list + used, sizeof(list) - used, "%s\"%s\"", i ? ", " : "", choices[i]);
	if (v->kind == LRJ_STRING)
		lr_error_set(err, LR_ERR_INVALID, "options.%s: unknown value \"%.60s\"", key, v->str);
	else
		lr_error_set(err, LR_ERR_INVALID, "options.%s must be a string, not %s", key,
					 lr_json_kind_name(v->kind));
	lr_error_detail(err, "It is one of %s.", list);
	return false;
}

/* A non-empty string without NUL (JSON strings cannot hold one). */
static bool
GetString(const LrJson *obj, const char *key, size_t maxlen, const char **out, LrError *err)
{
	const LrJson *v = Get(obj, key);

	if (v == NULL)
		return true;
	if (v->kind != LRJ_STRING)
	{
		lr_error_set(err, LR_ERR_INVALID, "options.%s must be a string, not %s", key,
					 lr_json_kind_name(v->kind));
		return false;
	}
	if (v->len == 0)
	{
		lr_error_set(err, LR_ERR_INVALID, "options.%s must not be empty", key);
		return false;
	}
	if (v->len > maxlen)
	{
		lr_error_set(err, LR_ERR_LIMIT, "options.%s is longer than %zu bytes", key, maxlen);
		return false;
	}
	*out = v->str;
	return true;
}

static const char *const period_names[] = {"month", "quarter", "year", NULL};
static const LrPeriod period_values[] = {LR_PERIOD_MONTH, LR_PERIOD_QUARTER, LR_PERIOD_YEAR};

static bool
GetPeriod(const LrJson *obj, const char *key, LrPeriod *out, LrError *err)
{
	int			i = -1;

	if (!GetChoice(obj, key, period_names, &i, err))
		return false;
	if (i >= 0)
		*out = period_values[i];
	return true;
}

/* ---------------------------------------------------------------- vintage */

bool
lr_vintage_options_parse(const LrJson *j, LrVintageOptions *o, LrError *err)
{
	static const char *const known[] = {"bad_dpd", "written_off_is_bad", "cohort",
	"max_months_on_book", "as_of", NULL};
	const LrJson *v;

	o->bad_dpd = 90;
	o->written_off_is_bad = true;
	o->cohort = LR_PERIOD_MONTH;
	o->max_mob = -1;
	o->has_as_of = false;
	o->as_of = 0;
	if (!CheckObject(j, known, err) ||
		!GetInt(j, "bad_dpd", 1, 36500, &o->bad_dpd, err) ||
		!GetBool(j, "written_off_is_bad", &o->written_off_is_bad, err) ||
		!GetPeriod(j, "cohort", &o->cohort, err) ||
		!GetInt(j, "max_months_on_book", 0, 1200, &o->max_mob, err))
		return false;
	if ((v = Get(j, "as_of")) != NULL)
	{
		if (v->kind != LRJ_STRING)
		{
			lr_error_set(err, LR_ERR_INVALID, "options.as_of must be a date string, not %s",
						 lr_json_kind_name(v->kind));
			return false;
		}
		if (!lr_parse_month(v->str, v->len, &o->as_of, err))
		{
			LrError		e2 = *err;

			err->kind = LR_OK;
			lr_error_set(err, LR_ERR_INVALID, "options.as_of: %s", e2.msg);
			lr_error_detail(err, "%s", e2.detail);
			return false;
		}
		o->has_as_of = true;
	}
	return true;
}

/* ---------------------------------------------------------------- roll rates */

static bool
GetBuckets(const LrJson *obj, const char *key, LrDpdBuckets *b, LrError *err)
{
	const LrJson *v = Get(obj, key);

	b->nbounds = 4;
	b->bounds[0] = 1;
	b->bounds[1] = 30;
	b->bounds[2] = 60;
	b->bounds[3] = 90;
	if (v == NULL)
		return true;
	if (v->kind != LRJ_ARRAY || v->n == 0 || v->n > LR_MAX_DPD_BOUNDS)
	{
		lr_error_set(err, LR_ERR_INVALID, "options.%s must be an array of 1 to %d day counts",
					 key, LR_MAX_DPD_BOUNDS);
		lr_error_detail(err, "Each is the first day past due of a bucket, in ascending order, as in [1, 30, 60, 90].");
		return false;
	}
	for (size_t i = 0; i < v->n; i++)
	{
		const LrJson *e = v->items[i];
		double		prev = i ? b->bounds[i - 1] : 0;

		if (e->kind != LRJ_NUMBER || e->num != floor(e->num) || e->num <= prev || e->num > 36500)
		{
			char		num[32] = "";

			if (e->kind == LRJ_NUMBER)
				lr_format_double(num, sizeof(num), e->num);
			lr_error_set(err, LR_ERR_INVALID, "options.%s[%zu]: %s is not a day count above %g",
						 key, i, e->kind == LRJ_NUMBER ? num : lr_json_kind_name(e->kind), prev);
			lr_error_detail(err, "Bounds are whole numbers of days past due, ascending, up to 36500.");
			return false;
		}
		b->bounds[i] = (int32_t) e->num;
	}
	b->nbounds = (int) v->n;
	return true;
}

bool
lr_roll_options_parse(const LrJson *j, LrRollOptions *o, LrError *err)
{
	static const char *const known[] = {"dpd_buckets", "absent", NULL};
	static const char *const absent[] = {"skip", "closed", NULL};
	int			a = 0;

	o->absent_closed = false;
	if (!CheckObject(j, known, err) ||
		!GetBuckets(j, "dpd_buckets", &o->buckets, err) ||
		!GetChoice(j, "absent", absent, &a, err))
		return false;
	o->absent_closed = (a == 1);
	return true;
}

/* ---------------------------------------------------------------- NPL */

bool
lr_npl_options_parse(const LrJson *j, LrNplOptions *o, LrError *err)
{
	static const char *const known[] = {"period", "npl_dpd", NULL};

	o->period = LR_PERIOD_MONTH;
	o->npl_dpd = 90;
	return CheckObject(j, known, err) &&
		GetPeriod(j, "period", &o->period, err) &&
		GetInt(j, "npl_dpd", 1, 36500, &o->npl_dpd, err);
}

/* ---------------------------------------------------------------- collections */

bool
lr_assign_options_parse(const LrJson *j, LrAssignOptions *o, LrError *err)
{
	static const char *const known[] = {"order", NULL};
	static const char *const orders[] = {"expected_loss", "risk", "balance", NULL};
	int			i = 0;

	if (!CheckObject(j, known, err) || !GetChoice(j, "order", orders, &i, err))
		return false;
	o->order = (LrAssignOrder) i;
	return true;
}

/* ---------------------------------------------------------------- validation report */

bool
lr_report_options_parse(const LrJson *j, LrArena *arena, LrReportOptions *o, LrError *err)
{
	static const char *const known[] = {"title", "outcome", "score", "pd", "recent",
	"csi_features", "groups", "score_bins", NULL};
	const LrJson *v;

	memset(o, 0, sizeof(*o));
	o->outcome = "bad";
	o->csi_all = true;
	o->groups = 10;
	o->score_bins = 20;
	if (!CheckObject(j, known, err) ||
		!GetString(j, "title", 1000, &o->title, err) ||
		!GetString(j, "outcome", 63, &o->outcome, err) ||
		!GetString(j, "score", 63, &o->score, err) ||
		!GetString(j, "pd", 63, &o->pd, err) ||
		!GetString(j, "recent", 63, &o->recent, err) ||
		!GetInt(j, "groups", 2, LR_REPORT_MAX_GROUPS, &o->groups, err) ||
		!GetInt(j, "score_bins", 2, 200, &o->score_bins, err))
		return false;
	if ((v = Get(j, "csi_features")) != NULL)
	{
		if (v->kind != LRJ_ARRAY)
		{
			lr_error_set(err, LR_ERR_INVALID, "options.csi_features must be an array of feature names, not %s",
						 lr_json_kind_name(v->kind));
			return false;
		}
		o->csi_all = false;
		o->ncsi = v->n;
		o->csi_features = lr_arena_alloc(arena, sizeof(char *) * (v->n + 1));
		if (o->csi_features == NULL)
		{
			lr_error_set(err, LR_ERR_NOMEM, "out of memory");
			return false;
		}
		for (size_t i = 0; i < v->n; i++)
		{
			if (v->items[i]->kind != LRJ_STRING)
			{
				lr_error_set(err, LR_ERR_INVALID, "options.csi_features[%zu] must be a string, not %s",
							 i, lr_json_kind_name(v->items[i]->kind));
				return false;
			}
			o->csi_features[i] = v->items[i]->str;
		}
	}
	return true;
}
