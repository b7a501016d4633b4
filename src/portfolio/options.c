/*
 * options.c
 *	  Parsers of the options (jsonb) of the portfolio functions, in pure C,
 *	  over the field validator of src/common/lr_jv.h.  Unknown options are
 *	  errors (a typo must not silently fall back to a default); null members
 *	  mean the default.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/lr_jv.h"
#include "portfolio/portfolio.h"

/*
 * The options object (NULL: none given) against its known members; the
 * validator's path starts at "options" and null members mean the default.
 */
static bool
Begin(LrJv *v, const LrJson *j, const char *const *known, LrError *err)
{
	lr_jv_init_options(v, NULL, err);
	if (j == NULL)
		return true;
	return lr_jv_expect(v, j, LRJ_OBJECT) && lr_jv_check_keys(v, j, known);
}

static const char *const period_names[] = {"month", "quarter", "year", NULL};
static const LrPeriod period_values[] = {LR_PERIOD_MONTH, LR_PERIOD_QUARTER, LR_PERIOD_YEAR};

static bool
GetPeriod(LrJv *v, const LrJson *obj, const char *key, LrPeriod *out)
{
	int			i = -1;

	if (!lr_jv_choice(v, obj, key, false, period_names, &i, NULL))
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
	LrJv		v;
	const char *as_of = NULL;

	o->bad_dpd = 90;
	o->written_off_is_bad = true;
	o->cohort = LR_PERIOD_MONTH;
	o->max_mob = -1;
	o->has_as_of = false;
	o->as_of = 0;
	if (!Begin(&v, j, known, err) ||
		!lr_jv_int32(&v, j, "bad_dpd", false, 1, 36500, &o->bad_dpd, NULL) ||
		!lr_jv_bool(&v, j, "written_off_is_bad", false, &o->written_off_is_bad, NULL) ||
		!GetPeriod(&v, j, "cohort", &o->cohort) ||
		!lr_jv_int32(&v, j, "max_months_on_book", false, 0, 1200, &o->max_mob, NULL) ||
		!lr_jv_string(&v, j, "as_of", false, &as_of))
		return false;
	if (as_of != NULL)
	{
		LrError		e2 = {0};

		if (!lr_parse_month(as_of, strlen(as_of), &o->as_of, &e2))
		{
			lr_jv_fail_at(&v, "as_of", "%s", e2.msg);
			lr_error_detail(err, "%s", e2.detail);
			return false;
		}
		o->has_as_of = true;
	}
	return true;
}

/* ---------------------------------------------------------------- roll rates */

static bool
GetBuckets(LrJv *jv, const LrJson *obj, const char *key, LrDpdBuckets *b)
{
	bool		ok;
	const LrJson *v = lr_jv_field(jv, obj, key, LRJ_ARRAY, false, &ok);
	size_t		mark;

	b->nbounds = 4;
	b->bounds[0] = 1;
	b->bounds[1] = 30;
	b->bounds[2] = 60;
	b->bounds[3] = 90;
	if (v == NULL)
		return ok;
	if (v->n == 0 || v->n > LR_MAX_DPD_BOUNDS)
	{
		lr_jv_fail_at(jv, key, "expected 1 to %d day counts, got %zu", LR_MAX_DPD_BOUNDS, v->n);
		lr_error_detail(jv->err, "Each is the first day past due of a bucket, in ascending order, as in [1, 30, 60, 90].");
		return false;
	}
	mark = lr_jv_enter_key(jv, key);
	for (size_t i = 0; i < v->n; i++)
	{
		const LrJson *e = v->items[i];
		double		prev = i ? b->bounds[i - 1] : 0;

		if (e->kind != LRJ_NUMBER || e->num != floor(e->num) || e->num <= prev || e->num > 36500)
		{
			char		num[32] = "";

			if (e->kind == LRJ_NUMBER)
				lr_format_double(num, sizeof(num), e->num);
			lr_jv_enter_index(jv, i);
			lr_jv_fail(jv, "%s is not a day count above %g",
					   e->kind == LRJ_NUMBER ? num : lr_json_kind_name(e->kind), prev);
			lr_error_detail(jv->err, "Bounds are whole numbers of days past due, ascending, up to 36500.");
			return false;
		}
		b->bounds[i] = (int32_t) e->num;
	}
	lr_jv_leave(jv, mark);
	b->nbounds = (int) v->n;
	return true;
}

bool
lr_roll_options_parse(const LrJson *j, LrRollOptions *o, LrError *err)
{
	static const char *const known[] = {"dpd_buckets", "absent", NULL};
	static const char *const absent[] = {"skip", "closed", NULL};
	int			a = 0;
	LrJv		v;

	o->absent_closed = false;
	if (!Begin(&v, j, known, err) ||
		!GetBuckets(&v, j, "dpd_buckets", &o->buckets) ||
		!lr_jv_choice(&v, j, "absent", false, absent, &a, NULL))
		return false;
	o->absent_closed = (a == 1);
	return true;
}

/* ---------------------------------------------------------------- NPL */

bool
lr_npl_options_parse(const LrJson *j, LrNplOptions *o, LrError *err)
{
	static const char *const known[] = {"period", "npl_dpd", NULL};
	LrJv		v;

	o->period = LR_PERIOD_MONTH;
	o->npl_dpd = 90;
	return Begin(&v, j, known, err) &&
		GetPeriod(&v, j, "period", &o->period) &&
		lr_jv_int32(&v, j, "npl_dpd", false, 1, 36500, &o->npl_dpd, NULL);
}

/* ---------------------------------------------------------------- collections */

bool
lr_assign_options_parse(const LrJson *j, LrAssignOptions *o, LrError *err)
{
	static const char *const known[] = {"order", NULL};
	static const char *const orders[] = {"expected_loss", "risk", "balance", NULL};
	int			i = 0;
	LrJv		v;

	if (!Begin(&v, j, known, err) || !lr_jv_choice(&v, j, "order", false, orders, &i, NULL))
		return false;
	o->order = (LrAssignOrder) i;
	return true;
}
