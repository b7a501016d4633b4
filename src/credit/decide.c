/*
 * decide.c
 *	  credit_limit, adjust_limit and price_loan on compiled policies.  Pure C.
 *
 * Probabilities and utilisation come in as float8; where they multiply money
 * or rates they are first taken as the shortest decimal that reads back as
 * the same double (what PostgreSQL prints for them), so that 0.05 is exactly
 * five hundredths and results do not depend on binary representation error.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "credit/credit.h"

/* The shortest decimal text of d, as a scale-18 decimal (d finite, |d| small). */
static lr_i128
DoubleToDec(double d)
{
	char		buf[64];
	int			n = lr_double_str(buf, sizeof(buf), d);
	lr_i128		v = 0;

	if (n <= 0 || lr_dec_parse(buf, (size_t) n, LR_RATE_SCALE, true, (lr_i128) 1 << 120, &v) != LR_DEC_OK)
		return 0;
	return v;
}

static const char *
DStr(char *buf, size_t len, double d)
{
	lr_double_str(buf, len, d);
	return buf;
}

static int64_t
FloorStep(int64_t x, int64_t step)
{
	if (x <= 0)
		return 0;
	return x / step * step;
}

static int64_t
CeilStep(int64_t x, int64_t step)
{
	if (x <= 0)
		return 0;
	return (x / step + (x % step != 0)) * step;
}

/* ---- credit_limit ----------------------------------------------------- */

const char *
lr_limit_binding_name(LrLimitBinding b)
{
	switch (b)
	{
		case LR_BIND_REVENUE:
			return "revenue_multiple";
		case LR_BIND_DEBT_SERVICE:
			return "debt_service";
		case LR_BIND_MAX_LIMIT:
			return "max_limit";
		case LR_BIND_MIN_LIMIT:
			return "min_limit";
		case LR_BIND_PD_BAND:
			return "pd_band";
	}
	return "?";
}

/*
 * floor(x) in cents for a debt-service amount x = capacity * annuity factor.
 * At a positive rate the factor is within about 1e-28 (relative) of the
 * true one; shaving 1e-27 off makes x a lower bound, so that the floor never
 * gives a cent the policy does not allow (rate 100 over 1200 months: the
 * factor is 0.12 (1 - 9.33^-1200), just below 0.12).  At rate 0 the factor
 * is the term, exactly.
 */
static bool
FloorCents(LrDD x, bool exact, int64_t *cap)
{
	if (!exact)
		x = lr_dd_add(x, (LrDD) {-x.hi * 1e-27, 0.0});
	return lr_dd_floor(x, cap);
}

void
lr_credit_limit(const LrLimitPolicy *p, double pd, int64_t revenue, int64_t existing,
				LrLimitResult *r)
{
	const LrLimitBand *band = NULL;
	char		rev_s[40],
				ex_s[40],
				cap_s[40],
				pd_s[40],
				lim_s[40];
	char		why[300];
	char		rounded[120] = "";
	int64_t		raw;
	size_t		i;

	memset(r, 0, sizeof(*r));
	r->revenue_cap = -1;
	r->debt_service_cap = -1;
	lr_cents_str(rev_s, sizeof(rev_s), revenue);

	if (p->has_debt_service)
	{
		/* share * revenue at scale 18: at most 10^15 * 10^18 */
		lr_i128		share_rev = (lr_i128) revenue * p->ds_share;
		int64_t		cap = 0;

		if (p->existing_is_balance)
		{
			/* the balance amortised on the product's terms: cap = share * revenue * af - balance */
			LrDD		x = lr_dd_mul(lr_dd_div(lr_dd_from_i128(share_rev), (LrDD) {1e18, 0.0}),
									  p->ds_factor);

			if (!FloorCents(x, p->ds_rate == 0, &cap))
				cap = 0;
			cap -= existing;
		}
		else
		{
			lr_i128		capacity = share_rev - (lr_i128) existing * LR_RATE_ONE;

			if (capacity > 0)
			{
				LrDD		x = lr_dd_mul(lr_dd_div(lr_dd_from_i128(capacity), (LrDD) {1e18, 0.0}),
										  p->ds_factor);

				if (!FloorCents(x, p->ds_rate == 0, &cap))
					cap = 0;
			}
		}
		if (cap < 0)
			cap = 0;
		r->debt_service_cap = cap;
	}

	for (i = 0; i < p->nbands; i++)
		if (pd <= p->bands[i].max_pd)
		{
			band = &p->bands[i];
			break;
		}
	lr_double_str(pd_s, sizeof(pd_s), pd);
	if (band == NULL)
	{
		char		mp[40];

		r->approved = false;
		r->binding = LR_BIND_PD_BAND;
		snprintf(r->reason, sizeof(r->reason),
				 "declined: pd %s is above the highest band's max_pd %s",
				 pd_s, DStr(mp, sizeof(mp), p->bands[p->nbands - 1].max_pd));
		return;
	}

	/* revenue * multiple: at most 10^15 * 10^21 */
	r->revenue_cap = (int64_t) lr_div_floor((lr_i128) revenue * band->multiple, LR_RATE_ONE);

	raw = r->revenue_cap;
	r->binding = LR_BIND_REVENUE;
	if (p->has_debt_service && r->debt_service_cap < raw)
	{
		raw = r->debt_service_cap;
		r->binding = LR_BIND_DEBT_SERVICE;
	}
	if (p->max_limit >= 0 && p->max_limit < raw)
	{
		raw = p->max_limit;
		r->binding = LR_BIND_MAX_LIMIT;
	}
	r->limit = FloorStep(raw, p->step);

	switch (r->binding)
	{
		case LR_BIND_REVENUE:
			snprintf(why, sizeof(why), "the revenue multiple: %s x monthly revenue %s = %s, pd %s in %s",
					 band->multiple_str, rev_s, lr_cents_str(cap_s, sizeof(cap_s), r->revenue_cap),
					 pd_s, band->band_str);
			break;
		case LR_BIND_DEBT_SERVICE:
			snprintf(why, sizeof(why), "debt service: %s %s after existing debt %s%s allow %s",
					 p->ds_str, rev_s, lr_cents_str(ex_s, sizeof(ex_s), existing),
					 p->existing_is_balance ? " (a balance)" : " a month",
					 lr_cents_str(cap_s, sizeof(cap_s), r->debt_service_cap));
			break;
		default:
			snprintf(why, sizeof(why), "the maximum limit %s", p->max_str);
			break;
	}
	lr_cents_str(lim_s, sizeof(lim_s), r->limit);

	if (r->limit == 0 || r->limit < p->min_limit)
	{
		r->approved = false;
		if (r->limit < p->min_limit)
		{
			if (r->limit != raw)
				snprintf(rounded, sizeof(rounded), " (rounded down to a multiple of %s)", p->step_str);
			r->binding = LR_BIND_MIN_LIMIT;
			snprintf(r->reason, sizeof(r->reason),
					 "declined: the limit %s%s is below the minimum %s; set by %s",
					 lim_s, rounded, p->min_str, why);
		}
		else
		{
			if (r->limit != raw)
				snprintf(rounded, sizeof(rounded), ", rounded down to a multiple of %s", p->step_str);
			snprintf(r->reason, sizeof(r->reason), "declined: no limit is left by %s%s", why, rounded);
		}
		r->limit = 0;
		return;
	}
	r->approved = true;
	if (r->limit != raw)
		snprintf(rounded, sizeof(rounded), ", rounded down to a multiple of %s", p->step_str);
	snprintf(r->reason, sizeof(r->reason), "limited by %s%s", why, rounded);
}

/* ---- adjust_limit ----------------------------------------------------- */

const char *
lr_adj_action_name(LrAdjAction a)
{
	switch (a)
	{
		case LR_ADJ_INCREASE:
			return "increase";
		case LR_ADJ_DECREASE:
			return "decrease";
		case LR_ADJ_HOLD:
			return "hold";
		case LR_ADJ_FREEZE:
			return "freeze";
	}
	return "?";
}

static void
Hold(LrAdjustResult *r, int64_t current, const char *rule)
{
	r->action = LR_ADJ_HOLD;
	r->new_limit = current;
	r->rule = rule;
}

/* Frozen at max_dpd >= freeze_dpd: the limit the policy keeps; false when not frozen. */
static bool
AdjustFreeze(const LrAdjustPolicy *p, const LrAdjustInput *in, int64_t drawn, LrAdjustResult *r)
{
	int64_t		cur = in->current_limit;
	char		a[64];

	if (!p->has_freeze || in->max_dpd < p->freeze_dpd)
		return false;
	r->action = LR_ADJ_FREEZE;
	r->rule = "freeze_days_past_due";
	switch (p->freeze_limit)
	{
		case LR_FREEZE_DRAWN:
			r->new_limit = drawn < cur ? drawn : cur;
			break;
		case LR_FREEZE_CURRENT:
			r->new_limit = cur;
			break;
		case LR_FREEZE_ZERO:
			r->new_limit = 0;
			break;
	}
	snprintf(r->reason, sizeof(r->reason),
			 "max days past due %d >= %d: frozen, limit %s (%s)",
			 in->max_dpd, p->freeze_dpd, lr_cents_str(a, sizeof(a), r->new_limit),
			 p->freeze_limit == LR_FREEZE_DRAWN ? "the drawn amount" :
			 p->freeze_limit == LR_FREEZE_CURRENT ? "kept; drawing is blocked" : "closed");
	return true;
}

/*
 * The first decrease trigger that fires (days past due, pd, pd ratio), then
 * the cut down to the floor (a hold when the floor leaves nothing to cut);
 * false when no trigger fires.
 */
static bool
AdjustDecrease(const LrAdjustPolicy *p, const LrAdjustInput *in, int64_t drawn, LrAdjustResult *r)
{
	int64_t		cur = in->current_limit;
	char		trigger[160] = "";
	char		a[64],
				b[64],
				c[64];

	if (!p->has_decrease)
		return false;
	if (p->dec_dpd >= 0 && in->max_dpd >= p->dec_dpd)
	{
		r->rule = "decrease_days_past_due";
		snprintf(trigger, sizeof(trigger), "max days past due %d >= %d", in->max_dpd, p->dec_dpd);
	}
	else if (p->dec_pd >= 0 && in->pd_now >= p->dec_pd)
	{
		r->rule = "decrease_pd";
		snprintf(trigger, sizeof(trigger), "pd %s >= %s",
				 DStr(a, sizeof(a), in->pd_now), DStr(b, sizeof(b), p->dec_pd));
	}
	else if (p->dec_pd_ratio > 0 && in->pd_now > in->pd_at_grant &&
			 in->pd_now >= p->dec_pd_ratio * in->pd_at_grant)
	{
		r->rule = "decrease_pd_ratio";
		snprintf(trigger, sizeof(trigger), "pd rose from %s at grant to %s (at least %s times)",
				 DStr(a, sizeof(a), in->pd_at_grant), DStr(b, sizeof(b), in->pd_now),
				 DStr(c, sizeof(c), p->dec_pd_ratio));
	}
	if (r->rule == NULL)
		return false;
	{
		/* cur * (1 - step), rounded down to the step */
		int64_t		cut = (int64_t) lr_div_ceil((lr_i128) cur * p->dec_step, LR_RATE_ONE);
		int64_t		target = FloorStep(cur - cut, p->step);
		int64_t		floor_ = p->dec_min_limit;
		bool		floor_drawn = false;

		if (p->dec_floor_at_drawn && CeilStep(drawn, p->step) > floor_)
		{
			floor_ = CeilStep(drawn, p->step);
			floor_drawn = true;
		}
		if (target < floor_)
			target = floor_;
		if (target >= cur)
		{
			snprintf(r->reason, sizeof(r->reason),
					 "%s, but the limit may not go below %s %s", trigger,
					 floor_drawn ? "the drawn amount" : "the minimum limit",
					 lr_cents_str(a, sizeof(a), floor_));
			Hold(r, cur, "hold_decrease_floor");
			return true;
		}
		r->action = LR_ADJ_DECREASE;
		r->new_limit = target;
		snprintf(r->reason, sizeof(r->reason), "%s: cut by %s from %s to %s%s", trigger,
				 lr_pct_str(a, sizeof(a), p->dec_step), lr_cents_str(b, sizeof(b), cur),
				 lr_cents_str(c, sizeof(c), target),
				 target == floor_ && floor_ > 0 ?
				 (floor_drawn ? " (the drawn amount)" : " (the minimum limit)") : "");
	}
	return true;
}

/* The first condition of an increase that fails, as a hold; false when every one holds. */
static bool
AdjustIneligible(const LrAdjustPolicy *p, const LrAdjustInput *in, LrAdjustResult *r)
{
	int64_t		cur = in->current_limit;
	char		a[64],
				b[64],
				c[64];

	if (!p->has_increase)
	{
		snprintf(r->reason, sizeof(r->reason), "no rule applies");
		Hold(r, cur, "hold_no_rule");
		return true;
	}
	if (in->months_since_change < p->cooldown_months)
	{
		snprintf(r->reason, sizeof(r->reason), "cool-down: %d months since the last change, %d needed",
				 in->months_since_change, p->cooldown_months);
		Hold(r, cur, "hold_cooldown");
		return true;
	}
	if (in->months_on_book < p->inc_min_months_on_book)
	{
		snprintf(r->reason, sizeof(r->reason), "%d months on book, %d needed for an increase",
				 in->months_on_book, p->inc_min_months_on_book);
		Hold(r, cur, "hold_months_on_book");
		return true;
	}
	if (in->max_dpd > p->inc_max_dpd)
	{
		snprintf(r->reason, sizeof(r->reason), "max days past due %d is above %d allowed for an increase",
				 in->max_dpd, p->inc_max_dpd);
		Hold(r, cur, "hold_days_past_due");
		return true;
	}
	if (in->utilisation < p->inc_min_utilisation)
	{
		snprintf(r->reason, sizeof(r->reason), "utilisation %s is below %s needed for an increase",
				 DStr(a, sizeof(a), in->utilisation), DStr(b, sizeof(b), p->inc_min_utilisation));
		Hold(r, cur, "hold_utilisation");
		return true;
	}
	if (in->pd_now > p->inc_max_pd)
	{
		snprintf(r->reason, sizeof(r->reason), "pd %s is above %s allowed for an increase",
				 DStr(a, sizeof(a), in->pd_now), DStr(b, sizeof(b), p->inc_max_pd));
		Hold(r, cur, "hold_pd");
		return true;
	}
	if (p->inc_max_pd_ratio > 0 && in->pd_now > p->inc_max_pd_ratio * in->pd_at_grant)
	{
		snprintf(r->reason, sizeof(r->reason),
				 "pd %s is more than %s times the pd at grant %s",
				 DStr(a, sizeof(a), in->pd_now), DStr(b, sizeof(b), p->inc_max_pd_ratio),
				 DStr(c, sizeof(c), in->pd_at_grant));
		Hold(r, cur, "hold_pd_ratio");
		return true;
	}
	return false;
}

/* The increase of an eligible limit, capped (a hold when the cap leaves nothing to add). */
static void
AdjustIncrease(const LrAdjustPolicy *p, const LrAdjustInput *in, LrAdjustResult *r)
{
	int64_t		cur = in->current_limit;

	/* cur * (1 + step): at most 10^15 * 1.1 * 10^19 */
	int64_t		up = (int64_t) lr_div_floor((lr_i128) cur * p->inc_step, LR_RATE_ONE);
	int64_t		target = FloorStep(cur + up, p->step);
	const char *capped = "";
	char		a[64],
				b[64],
				c[64];

	if (p->inc_max_increase >= 0 && target > cur + p->inc_max_increase)
	{
		target = FloorStep(cur + p->inc_max_increase, p->step);
		capped = " (capped by the maximum increase)";
	}
	if (p->inc_max_limit >= 0 && target > p->inc_max_limit)
	{
		target = FloorStep(p->inc_max_limit, p->step);
		capped = " (capped by the maximum limit)";
	}
	if (target <= cur)
	{
		snprintf(r->reason, sizeof(r->reason), "eligible, but the limit %s is already at the cap%s",
				 lr_cents_str(a, sizeof(a), cur), capped);
		Hold(r, cur, "hold_at_max");
		return;
	}
	r->action = LR_ADJ_INCREASE;
	r->rule = "increase";
	r->new_limit = target;
	snprintf(r->reason, sizeof(r->reason), "eligible for an increase of %s: from %s to %s%s",
			 lr_pct_str(a, sizeof(a), p->inc_step), lr_cents_str(b, sizeof(b), cur),
			 lr_cents_str(c, sizeof(c), target), capped);
}

/* The rules in order: freeze, decrease, the conditions of an increase, the increase. */
void
lr_adjust_limit(const LrAdjustPolicy *p, const LrAdjustInput *in, LrAdjustResult *r)
{
	int64_t		drawn;

	memset(r, 0, sizeof(*r));
	/* utilisation * limit, to the cent: at most 10^15 * 10^19 */
	drawn = (int64_t) lr_div_round((lr_i128) in->current_limit * DoubleToDec(in->utilisation),
								   LR_RATE_ONE);
	if (AdjustFreeze(p, in, drawn, r) || AdjustDecrease(p, in, drawn, r) ||
		AdjustIneligible(p, in, r))
		return;
	AdjustIncrease(p, in, r);
}

/* ---- price_loan ------------------------------------------------------- */

#define SCALE_GAP ((lr_i128) 100000000)	/* 10^(18 - 10) */

static const char *
PriceStr(char *buf, size_t len, lr_i128 v)
{
	/* a scale-10 rate as a percentage with at least 2 decimals */
	int			n = lr_dec_format(buf, len - 1, v, LR_PRICE_SCALE - 2, 2);

	buf[n] = '%';
	buf[n + 1] = '\0';
	return buf;
}

void
lr_price_loan(const LrPricePolicy *p, double pd, double lgd, int term, LrPriceResult *r)
{
	int			horizon = p->pd_horizon_months > 0 ? p->pd_horizon_months : term;
	lr_i128		costs,
				raw;
	char		a[64],
				b[64],
				c[64],
				d[64],
				e[64];

	memset(r, 0, sizeof(*r));
	r->cost_of_funds = lr_div_round(p->cost_of_funds, SCALE_GAP);
	r->operating_cost = lr_div_round(p->operating_cost, SCALE_GAP);
	r->management_cost = lr_div_round(p->management_cost, SCALE_GAP);
	r->target_margin = lr_div_round(p->target_margin, SCALE_GAP);
	/* one-off costs spread over the term: c * 12 / term */
	r->acquisition_cost = lr_div_round(p->acquisition_cost * 12, SCALE_GAP * term);
	r->credit_data_cost = lr_div_round(p->credit_data_cost * 12, SCALE_GAP * term);
	/* pd * lgd over the pd horizon, annualised: pd * lgd * 12 / horizon (scale 36 -> 10) */
	r->expected_loss = lr_div_round(DoubleToDec(pd) * DoubleToDec(lgd) * 12,
									(lr_i128) horizon * LR_RATE_ONE * SCALE_GAP);

	costs = r->cost_of_funds + r->acquisition_cost + r->credit_data_cost + r->expected_loss +
		r->operating_cost + r->management_cost;
	raw = costs + r->target_margin;
	r->required_rate = lr_div_ceil(raw, p->rate_step) * p->rate_step;
	r->rate = r->required_rate;
	r->approved = true;
	if (p->has_cap)
	{
		lr_i128		cap_offer = lr_div_floor(p->cap_nominal, p->rate_step) * p->rate_step;
		const char *basis = p->cap_effective ? " (effective)" : "";

		if (r->required_rate > cap_offer)
		{
			r->capped = true;
			r->rate = cap_offer;
			if (costs > cap_offer)
			{
				r->approved = false;
				r->margin = cap_offer - costs;
				snprintf(r->reason, sizeof(r->reason),
						 "declined: expected loss and costs of %s a year exceed the APR cap %s%s",
						 PriceStr(a, sizeof(a), costs), lr_pct_str(b, sizeof(b), p->apr_cap), basis);
				return;
			}
			r->margin = r->rate - costs;
			snprintf(r->reason, sizeof(r->reason),
					 "capped: the required rate %s is above the APR cap %s%s; offered %s with a margin of %s instead of %s",
					 PriceStr(a, sizeof(a), r->required_rate), lr_pct_str(b, sizeof(b), p->apr_cap), basis,
					 PriceStr(c, sizeof(c), r->rate), PriceStr(d, sizeof(d), r->margin),
					 PriceStr(e, sizeof(e), r->target_margin));
			return;
		}
	}
	r->margin = r->rate - costs;
	snprintf(r->reason, sizeof(r->reason), "costs %s + target margin %s = %s, rounded up to a multiple of %s",
			 PriceStr(a, sizeof(a), costs), PriceStr(b, sizeof(b), r->target_margin),
			 PriceStr(c, sizeof(c), raw), PriceStr(d, sizeof(d), p->rate_step));
}
