/*
 * policy.c
 *	  Credit-limit, limit-adjustment and pricing policies from JSON text,
 *	  validated field by field.  Pure C: see credit.h; the fuzz target
 *	  test/fuzz/credit_policy.c runs exactly this code.
 *
 * Numbers are read from the source text, not from the parser's double, so
 * that 0.1 is exactly one tenth: money fields must be whole cents, rates
 * and fractions are kept to 18 decimals.  Every error names the JSON path
 * of the bad field and the value as written.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/lr_jv.h"
#include "credit/credit.h"

typedef struct PCtx
{
	LrJv		jv;				/* error, path and arena (src/common/lr_jv.h) */
	const char *src;			/* the policy text, for numbers read exactly */
	size_t		srclen;
} PCtx;

/*
 * The number's source text, for messages: at most 60 characters, a longer
 * one cut with "..." (jsonb writes 1e300 as its 301 digits; cut silently
 * it would read as 1e59).
 */
static const char *
NumText(PCtx *c, const LrJson *v, char *buf, size_t buflen)
{
	const char *t;
	size_t		len;

	if (!lr_json_number_text(c->src, c->srclen, v, &t, &len))
		return "?";
	if (len > 60 && buflen > 80)
	{
		snprintf(buf, buflen, "%.50s... (%zu characters)", t, len);
		return buf;
	}
	if (len >= buflen)
		len = buflen - 1;
	memcpy(buf, t, len);
	buf[len] = '\0';
	return buf;
}

/*
 * A decimal field as v * 10^scale within [lo, hi] (both at that scale).
 * Inexact values are rounded when round, else an error ("whole cents").
 */
static bool
GetDec(PCtx *c, const LrJson *obj, const char *key, bool required, int scale, bool round,
	   lr_i128 lo, lr_i128 hi, const char *range_text, const char *exact_text,
	   lr_i128 *out, bool *present)
{
	bool		ok;
	const LrJson *v = lr_jv_field(&c->jv, obj, key, LRJ_NUMBER, required, &ok);
	const char *t;
	size_t		len;
	char		nb[96];
	LrDecStatus st;

	if (present)
		*present = (v != NULL);
	if (v == NULL)
		return ok;
	if (!lr_json_number_text(c->src, c->srclen, v, &t, &len))
		return lr_jv_fail_at(&c->jv, key, "number text not found");
	st = lr_dec_parse(t, len, scale, round, hi > -lo ? hi : -lo, out);
	if (st == LR_DEC_INEXACT)
		return lr_jv_fail_at(&c->jv, key, "%s is not %s", NumText(c, v, nb, sizeof(nb)), exact_text);
	if (st != LR_DEC_OK || *out < lo || *out > hi)
		return lr_jv_fail_at(&c->jv, key, "%s is not %s", NumText(c, v, nb, sizeof(nb)), range_text);
	return true;
}

/* A rate or fraction (scale 18) in [lo, hi] given in whole units * 10^18. */
static bool
GetRate(PCtx *c, const LrJson *obj, const char *key, bool required, lr_i128 lo, lr_i128 hi,
		const char *range_text, lr_i128 *out, bool *present)
{
	return GetDec(c, obj, key, required, LR_RATE_SCALE, true, lo, hi, range_text, NULL, out, present);
}

/* An amount of money in cents, 0 to the largest supported amount. */
static bool
GetMoney(PCtx *c, const LrJson *obj, const char *key, bool required, bool positive,
		 int64_t *out, bool *present)
{
	lr_i128		v = 0;
	bool		pres;

	if (!GetDec(c, obj, key, required, 2, false, positive ? 1 : 0, LR_MONEY_MAX_CENTS,
				positive ? "a positive amount up to 10000000000000" :
				"an amount from 0 to 10000000000000", "a whole number of cents", &v, &pres))
		return false;
	if (present)
		*present = pres;
	if (pres)
		*out = (int64_t) v;
	return true;
}

/* A probability-like number in [lo, hi] as a double. */
static bool
GetDouble(PCtx *c, const LrJson *obj, const char *key, bool required, double lo, double hi,
		  bool lo_open, const char *range_text, double *out, bool *present)
{
	bool		ok;
	const LrJson *v = lr_jv_field(&c->jv, obj, key, LRJ_NUMBER, required, &ok);
	char		nb[96];

	if (present)
		*present = (v != NULL);
	if (v == NULL)
		return ok;
	if (v->num < lo || v->num > hi || (lo_open && v->num == lo))
		return lr_jv_fail_at(&c->jv, key, "%s is not %s", NumText(c, v, nb, sizeof(nb)), range_text);
	*out = v->num;
	return true;
}

static bool
ParseRoot(PCtx *c, const char *text, size_t len, LrArena *arena, const LrJsonOptions *opts,
		  LrError *err, const LrJson **root)
{
	LrJson	   *r;

	c->src = text;
	c->srclen = len;
	lr_jv_init(&c->jv, arena, err);
	if (!lr_json_parse(text, len, arena, opts, &r, err))
		return false;
	if (!lr_jv_expect(&c->jv, r, LRJ_OBJECT))
		return false;
	*root = r;
	return true;
}

/* Rates: 0 to 100 (10,000%), fractions 0 to 1. */
#define RATE_MAX	(100 * LR_RATE_ONE)

/* ---- credit_limit ----------------------------------------------------- */

static bool
ParseBands(PCtx *c, const LrJson *root, LrLimitPolicy *p)
{
	static const char *const band_keys[] = {"max_pd", "revenue_multiple", "name", NULL};
	bool		ok;
	const LrJson *arr = lr_jv_field(&c->jv, root, "bands", LRJ_ARRAY, true, &ok);
	size_t		mark,
				i;

	if (!ok)
		return false;
	mark = lr_path_key(&c->jv.path, "bands");
	if (arr->n == 0)
		return lr_jv_fail(&c->jv, "needs at least one band");
	if (arr->n > 1000)
		return lr_jv_fail(&c->jv, "has %zu bands; at most 1000 are allowed", arr->n);
	p->nbands = arr->n;
	p->bands = lr_arena_alloc0(c->jv.arena, arr->n * sizeof(LrLimitBand));
	if (p->bands == NULL)
		return lr_jv_nomem(&c->jv);
	for (i = 0; i < arr->n; i++)
	{
		const LrJson *b = arr->items[i];
		LrLimitBand *band = &p->bands[i];
		size_t		m2 = lr_path_index(&c->jv.path, i);
		const LrJson *name;

		if (!lr_jv_expect(&c->jv, b, LRJ_OBJECT))
			return false;
		if (!lr_jv_check_keys(&c->jv, b, band_keys) ||
			!GetDouble(c, b, "max_pd", true, 0, 1, true, "a probability above 0 and at most 1",
					   &band->max_pd, NULL) ||
			!GetRate(c, b, "revenue_multiple", true, 0, 1000 * LR_RATE_ONE, "a multiple from 0 to 1000",
					 &band->multiple, NULL))
			return false;
		name = lr_jv_field(&c->jv, b, "name", LRJ_STRING, false, &ok);
		if (!ok)
			return false;
		if (name != NULL)
		{
			if (name->len == 0 || name->len > 63)
				return lr_jv_fail_at(&c->jv, "name", "a band name has 1 to 63 bytes, not %zu", name->len);
			band->name = name->str;
		}
		{
			char		mp[40];

			lr_double_str(mp, sizeof(mp), band->max_pd);
			lr_rate_str(band->multiple_str, sizeof(band->multiple_str), band->multiple);
			if (band->name)
				snprintf(band->band_str, sizeof(band->band_str), "band %s (pd <= %s)", band->name, mp);
			else
				snprintf(band->band_str, sizeof(band->band_str), "the band pd <= %s", mp);
		}
		if (i > 0 && band->max_pd <= p->bands[i - 1].max_pd)
		{
			char		nb[96],
						pb[64];

			lr_format_double(pb, sizeof(pb), p->bands[i - 1].max_pd);
			return lr_jv_fail_at(&c->jv, "max_pd", "%s is not above the previous band's max_pd %s",
						  NumText(c, lr_json_get(b, "max_pd"), nb, sizeof(nb)), pb);
		}
		lr_path_pop(&c->jv.path, m2);
	}
	lr_path_pop(&c->jv.path, mark);
	return true;
}

bool
lr_limit_policy_parse(const char *text, size_t len, LrArena *arena, const LrJsonOptions *opts,
					  LrLimitPolicy **out, LrError *err)
{
	static const char *const keys[] = {"bands", "debt_service", "min_limit", "max_limit",
	"rounding_step", NULL};
	static const char *const ds_keys[] = {"max_share", "annual_rate", "term_months",
	"existing_debt", NULL};
	static const char *const existing_names[] = {"monthly_payment", "balance", NULL};
	PCtx		c;
	const LrJson *root;
	const LrJson *ds;
	LrLimitPolicy *p;
	bool		has_max,
				has_step;

	*out = NULL;
	if (!ParseRoot(&c, text, len, arena, opts, err, &root))
		return false;
	p = lr_arena_alloc0(arena, sizeof(LrLimitPolicy));
	if (p == NULL)
		return lr_jv_nomem(&c.jv);
	if (!lr_jv_check_keys(&c.jv, root, keys) || !ParseBands(&c, root, p))
		return false;

	if (!lr_jv_object(&c.jv, root, "debt_service", &ds))
		return false;
	if (ds != NULL)
	{
		size_t		mark = lr_path_key(&c.jv.path, "debt_service");
		int			existing = 0;

		p->has_debt_service = true;
		if (!lr_jv_check_keys(&c.jv, ds, ds_keys) ||
			!GetRate(&c, ds, "max_share", true, 1, LR_RATE_ONE,
					 "a share above 0 and at most 1", &p->ds_share, NULL) ||
			!GetRate(&c, ds, "annual_rate", true, 0, RATE_MAX, "a rate from 0 to 100",
					 &p->ds_rate, NULL) ||
			!lr_jv_int32(&c.jv, ds, "term_months", true, 1, LR_TERM_MAX, &p->ds_term, NULL) ||
			!lr_jv_choice(&c.jv, ds, "existing_debt", false, existing_names, &existing, NULL))
			return false;
		p->existing_is_balance = (existing == 1);
		p->ds_factor = lr_annuity_factor(p->ds_rate, p->ds_term);
		{
			char		r[48],
						sh[48];

			snprintf(p->ds_str, sizeof(p->ds_str),
					 "%d-month installments at %s within %s of monthly revenue", p->ds_term,
					 lr_pct_str(r, sizeof(r), p->ds_rate), lr_pct_str(sh, sizeof(sh), p->ds_share));
		}
		lr_path_pop(&c.jv.path, mark);
	}

	p->max_limit = -1;
	p->step = 1;
	if (!GetMoney(&c, root, "min_limit", false, false, &p->min_limit, NULL) ||
		!GetMoney(&c, root, "max_limit", false, true, &p->max_limit, &has_max) ||
		!GetMoney(&c, root, "rounding_step", false, true, &p->step, &has_step))
		return false;
	lr_cents_str(p->min_str, sizeof(p->min_str), p->min_limit);
	lr_cents_str(p->max_str, sizeof(p->max_str), p->max_limit);
	lr_cents_str(p->step_str, sizeof(p->step_str), p->step);
	if (has_max && p->max_limit < p->min_limit)
	{
		char		a[64],
					b[64];

		return lr_jv_fail_at(&c.jv, "max_limit", "%s is below min_limit %s",
					  lr_cents_str(a, sizeof(a), p->max_limit),
					  lr_cents_str(b, sizeof(b), p->min_limit));
	}
	*out = p;
	return true;
}

/* ---- adjust_limit ----------------------------------------------------- */

bool
lr_adjust_policy_parse(const char *text, size_t len, LrArena *arena, const LrJsonOptions *opts,
					   LrAdjustPolicy **out, LrError *err)
{
	static const char *const keys[] = {"rounding_step", "cooldown_months", "freeze", "decrease",
	"increase", NULL};
	static const char *const freeze_keys[] = {"days_past_due", "limit", NULL};
	static const char *const freeze_limits[] = {"drawn", "current", "zero", NULL};
	static const char *const dec_keys[] = {"step", "days_past_due", "pd", "pd_ratio", "min_limit",
	"floor_at_drawn", NULL};
	static const char *const inc_keys[] = {"step", "max_increase", "max_limit", "min_utilisation",
		"max_pd", "max_pd_ratio", "min_months_on_book", "max_days_past_due", NULL};
	PCtx		c;
	const LrJson *root;
	const LrJson *sec;
	LrAdjustPolicy *p;

	*out = NULL;
	if (!ParseRoot(&c, text, len, arena, opts, err, &root))
		return false;
	p = lr_arena_alloc0(arena, sizeof(LrAdjustPolicy));
	if (p == NULL)
		return lr_jv_nomem(&c.jv);
	if (!lr_jv_check_keys(&c.jv, root, keys))
		return false;
	p->step = 1;
	if (!GetMoney(&c, root, "rounding_step", false, true, &p->step, NULL) ||
		!lr_jv_int32(&c.jv, root, "cooldown_months", false, 0, LR_TERM_MAX, &p->cooldown_months, NULL))
		return false;

	if (!lr_jv_object(&c.jv, root, "freeze", &sec))
		return false;
	if (sec != NULL)
	{
		size_t		mark = lr_path_key(&c.jv.path, "freeze");
		int			lim = 0;

		p->has_freeze = true;
		if (!lr_jv_check_keys(&c.jv, sec, freeze_keys) ||
			!lr_jv_int32(&c.jv, sec, "days_past_due", true, 1, 100000, &p->freeze_dpd, NULL) ||
			!lr_jv_choice(&c.jv, sec, "limit", false, freeze_limits, &lim, NULL))
			return false;
		p->freeze_limit = (LrFreezeLimit) (lim + 1);
		lr_path_pop(&c.jv.path, mark);
	}

	if (!lr_jv_object(&c.jv, root, "decrease", &sec))
		return false;
	if (sec != NULL)
	{
		size_t		mark = lr_path_key(&c.jv.path, "decrease");
		bool		has_dpd,
					has_pd,
					has_ratio;

		p->has_decrease = true;
		p->dec_dpd = -1;
		p->dec_pd = -1;
		p->dec_pd_ratio = -1;
		p->dec_floor_at_drawn = true;
		if (!lr_jv_check_keys(&c.jv, sec, dec_keys) ||
			!GetRate(&c, sec, "step", true, 1, LR_RATE_ONE, "a fraction above 0 and at most 1",
					 &p->dec_step, NULL) ||
			!lr_jv_int32(&c.jv, sec, "days_past_due", false, 1, 100000, &p->dec_dpd, &has_dpd) ||
			!GetDouble(&c, sec, "pd", false, 0, 1, true, "a probability above 0 and at most 1",
					   &p->dec_pd, &has_pd) ||
			!GetDouble(&c, sec, "pd_ratio", false, 1, 1e6, true, "a ratio above 1 and at most 1000000",
					   &p->dec_pd_ratio, &has_ratio) ||
			!GetMoney(&c, sec, "min_limit", false, false, &p->dec_min_limit, NULL) ||
			!lr_jv_bool(&c.jv, sec, "floor_at_drawn", false, &p->dec_floor_at_drawn, NULL))
			return false;
		if (!has_dpd && !has_pd && !has_ratio)
		{
			lr_jv_fail(&c.jv, "has no trigger");
			lr_error_detail(c.jv.err, "Give at least one of \"days_past_due\", \"pd\" and \"pd_ratio\".");
			return false;
		}
		lr_path_pop(&c.jv.path, mark);
	}

	if (!lr_jv_object(&c.jv, root, "increase", &sec))
		return false;
	if (sec != NULL)
	{
		size_t		mark = lr_path_key(&c.jv.path, "increase");

		p->has_increase = true;
		p->inc_max_increase = -1;
		p->inc_max_limit = -1;
		p->inc_min_utilisation = 0;
		p->inc_max_pd = 2;
		p->inc_max_pd_ratio = -1;
		p->inc_min_months_on_book = 0;
		p->inc_max_dpd = 0;
		if (!lr_jv_check_keys(&c.jv, sec, inc_keys) ||
			!GetRate(&c, sec, "step", true, 1, 10 * LR_RATE_ONE, "a fraction above 0 and at most 10",
					 &p->inc_step, NULL) ||
			!GetMoney(&c, sec, "max_increase", false, true, &p->inc_max_increase, NULL) ||
			!GetMoney(&c, sec, "max_limit", false, true, &p->inc_max_limit, NULL) ||
			!GetDouble(&c, sec, "min_utilisation", false, 0, 1, false, "a fraction from 0 to 1",
					   &p->inc_min_utilisation, NULL) ||
			!GetDouble(&c, sec, "max_pd", false, 0, 1, false, "a probability from 0 to 1",
					   &p->inc_max_pd, NULL) ||
			!GetDouble(&c, sec, "max_pd_ratio", false, 0, 1e6, true, "a ratio above 0 and at most 1000000",
					   &p->inc_max_pd_ratio, NULL) ||
			!lr_jv_int32(&c.jv, sec, "min_months_on_book", false, 0, LR_TERM_MAX, &p->inc_min_months_on_book, NULL) ||
			!lr_jv_int32(&c.jv, sec, "max_days_past_due", false, 0, 100000, &p->inc_max_dpd, NULL))
			return false;
		lr_path_pop(&c.jv.path, mark);
	}
	*out = p;
	return true;
}

/* ---- price_loan ------------------------------------------------------- */

/* 12 * ((1 + cap)^(1/12) - 1): the nominal rate whose monthly compounding gives cap. */
static lr_i128
EffectiveCapToNominal(lr_i128 cap)
{
	LrDD		c = lr_dd_add((LrDD) {1.0, 0.0},
							  lr_dd_div(lr_dd_from_i128(cap), (LrDD) {1e18, 0.0}));
	LrDD		y = {pow(c.hi, 1.0 / 12.0), 0.0};
	LrDD		twelve = {12.0, 0.0};
	int			it;
	int64_t		f;

	/* Newton on y^12 = c in double-double: exact to ~1e-30 whatever pow() returned */
	for (it = 0; it < 3; it++)
	{
		LrDD		y2 = lr_dd_mul(y, y);
		LrDD		y4 = lr_dd_mul(y2, y2);
		LrDD		y8 = lr_dd_mul(y4, y4);
		LrDD		y11 = lr_dd_mul(lr_dd_mul(y8, y2), y);
		LrDD		y12 = lr_dd_mul(y11, y);
		LrDD		num = lr_dd_add(y12, (LrDD) {-c.hi, -c.lo});
		LrDD		den = lr_dd_mul(twelve, y11);

		y = lr_dd_add(y, lr_dd_div((LrDD) {-num.hi, -num.lo}, den));
	}
	y = lr_dd_add(y, (LrDD) {-1.0, 0.0});
	y = lr_dd_mul(y, (LrDD) {12e10, 0.0});
	if (!lr_dd_floor(y, &f))
		return 0;
	return f;
}

bool
lr_price_policy_parse(const char *text, size_t len, LrArena *arena, const LrJsonOptions *opts,
					  LrPricePolicy **out, LrError *err)
{
	static const char *const keys[] = {"cost_of_funds", "acquisition_cost", "credit_data_cost",
		"operating_cost", "management_cost", "target_margin", "pd_horizon_months", "apr_cap",
	"apr_cap_basis", "rate_step", NULL};
	static const char *const bases[] = {"nominal", "effective", NULL};
	const char *comp = "a rate from 0 to 10";
	lr_i128		cmax = 10 * LR_RATE_ONE;
	PCtx		c;
	const LrJson *root;
	LrPricePolicy *p;
	int			basis = 0;
	bool		has_step;

	*out = NULL;
	if (!ParseRoot(&c, text, len, arena, opts, err, &root))
		return false;
	p = lr_arena_alloc0(arena, sizeof(LrPricePolicy));
	if (p == NULL)
		return lr_jv_nomem(&c.jv);
	if (!lr_jv_check_keys(&c.jv, root, keys) ||
		!GetRate(&c, root, "cost_of_funds", true, 0, cmax, comp, &p->cost_of_funds, NULL) ||
		!GetRate(&c, root, "acquisition_cost", true, 0, cmax, comp, &p->acquisition_cost, NULL) ||
		!GetRate(&c, root, "credit_data_cost", true, 0, cmax, comp, &p->credit_data_cost, NULL) ||
		!GetRate(&c, root, "operating_cost", true, 0, cmax, comp, &p->operating_cost, NULL) ||
		!GetRate(&c, root, "management_cost", true, 0, cmax, comp, &p->management_cost, NULL) ||
		!GetRate(&c, root, "target_margin", true, 0, cmax, comp, &p->target_margin, NULL) ||
		!lr_jv_int32(&c.jv, root, "pd_horizon_months", false, 1, LR_TERM_MAX, &p->pd_horizon_months, NULL) ||
		!GetRate(&c, root, "apr_cap", false, 1, RATE_MAX, "a rate above 0 and at most 100",
				 &p->apr_cap, &p->has_cap) ||
		!lr_jv_choice(&c.jv, root, "apr_cap_basis", false, bases, &basis, NULL))
		return false;
	if (!GetDec(&c, root, "rate_step", false, LR_PRICE_SCALE, false, 1, LR_RATE_ONE / 100000000,
				"a rate step above 0 and at most 1", "a multiple of 0.0000000001",
				&p->rate_step, &has_step))
		return false;
	if (!has_step)
		p->rate_step = 1000000;	/* 0.0001 */
	if (lr_json_get(root, "apr_cap_basis") != NULL && !p->has_cap)
		return lr_jv_fail_at(&c.jv, "apr_cap_basis", "is given without \"apr_cap\"");
	p->cap_effective = (basis == 1);
	if (p->has_cap)
		p->cap_nominal = p->cap_effective ? EffectiveCapToNominal(p->apr_cap) :
			lr_div_floor(p->apr_cap, LR_RATE_ONE / 10000000000LL);
	*out = p;
	return true;
}
