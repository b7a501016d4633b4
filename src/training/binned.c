/*
 * binned.c
 *	  What a binned feature becomes: a feature of a card, made with the
 *	  scorecard core's builder (scoring/card.h), or an object of the binning
 *	  document.  Both carry the same "binning" member.  Pure C.
 */
#include <math.h>
#include <string.h>

#include "training/binning.h"

static LrJson *
Num(LrArena *arena, double v)
{
	return lr_json_new_number(arena, v);
}

static LrJson *
Str(LrArena *arena, const char *s)
{
	return lr_json_new_string(arena, s, strlen(s));
}

/* The auto trend's comparison of the best monotone and turning shapes (binning.h, "Shapes"). */
static LrJson *
ShapeTestJson(const LrBinned *b, LrArena *arena)
{
	LrJson	   *j = lr_json_new(arena, LRJ_OBJECT);

	if (j == NULL ||
		!lr_json_put(arena, j, "monotone", Str(arena, lr_trend_name(b->shape_test.monotone))) ||
		!lr_json_put(arena, j, "turning", Str(arena, lr_trend_name(b->shape_test.turning))) ||
		!lr_json_put(arena, j, "deviance_gain", Num(arena, round(b->shape_test.gain * 1e6) / 1e6)) ||
		!lr_json_put(arena, j, "penalty", Num(arena, round(b->shape_test.price * 1e6) / 1e6)))
		return NULL;
	return j;
}

/* How the feature was binned: the "binning" member of both forms. */
static LrJson *
BinningJson(const LrBinned *b, const LrBinOptions *o, LrArena *arena)
{
	LrJson	   *j = lr_json_new(arena, LRJ_OBJECT);
	bool		ok;

	if (j == NULL)
		return NULL;
	ok = lr_json_put(arena, j, "method", Str(arena, "optimal_iv")) &&
		lr_json_put(arena, j, "trend", Str(arena, lr_trend_name(b->trend))) &&
		lr_json_put(arena, j, "requested_trend",
					Str(arena, b->type == LR_FTYPE_CATEGORICAL ? "none" : lr_trend_name(b->requested))) &&
		(!b->shape_test.done || lr_json_put(arena, j, "shape_test", ShapeTestJson(b, arena))) &&
		lr_json_put(arena, j, "prebins", Num(arena, (double) b->nprebins)) &&
		lr_json_put(arena, j, "max_bins", Num(arena, o->max_bins)) &&
		lr_json_put(arena, j, "min_bin_share", Num(arena, o->min_bin_share)) &&
		lr_json_put(arena, j, "min_bad_rate_diff", Num(arena, o->min_bad_rate_diff)) &&
		lr_json_put(arena, j, "unseen", Str(arena, o->unseen == LR_UNSEEN_NEUTRAL ? "neutral" : "worst")) &&
		lr_json_put(arena, j, "rows", Num(arena, (double) b->rows)) &&
		lr_json_put(arena, j, "bads", Num(arena, (double) b->bads));
	if (!ok)
		return NULL;
	if (b->type == LR_FTYPE_NUMERIC)
	{
		ok = lr_json_put(arena, j, "counts", Str(arena, b->approximate ? "buckets" : "exact"));
		if (ok && b->approximate)
			ok = lr_json_put(arena, j, "bucket_shift", Num(arena, b->shift)) &&
				lr_json_put(arena, j, "relative_width", Num(arena, b->relative_width)) &&
				lr_json_put(arena, j, "max_bucket_share", Num(arena, b->max_bucket_share));
		ok = ok && lr_json_put(arena, j, "splits", lr_json_new_numbers(arena, o->splits, o->nsplits)) &&
			lr_json_put(arena, j, "special_values", lr_json_new_numbers(arena, o->special, o->nspecial));
	}
	else
		ok = lr_json_put(arena, j, "counts", Str(arena, "exact")) &&
			lr_json_put(arena, j, "categories", Num(arena, (double) b->ncategories)) &&
			lr_json_put(arena, j, "rare_categories", Num(arena, (double) b->nrare));
	return ok ? j : NULL;
}

/* ---------------------------------------------------------------- a card's feature */

double
lr_bin_points(double woe, double coefficient, double factor, bool round_points)
{
	double		p = -factor * coefficient * woe;

	if (round_points)
		p = round(p);
	if (p == 0)
		p = 0;					/* no -0 */
	return p;
}

static void
CardBin(LrBin *to, const LrBinOut *x, double coefficient, double factor, bool round_points)
{
	to->points = lr_bin_points(x->woe, coefficient, factor, round_points);
	to->woe = x->woe == 0 ? 0 : x->woe;
	to->iv = x->iv == 0 ? 0 : x->iv;
	to->count = x->count;
	to->bads = x->bads;
	to->has = LR_HAS_WOE | LR_HAS_IV | LR_HAS_COUNT | LR_HAS_BADS;
}

bool
lr_binned_card_feature(const LrBinned *b, const LrBinOptions *o, double coefficient,
					   double factor, bool round_points, LrArena *arena, LrFeature *f)
{
	bool		numeric = b->type == LR_FTYPE_NUMERIC;

	if (!lr_feature_alloc(f, arena, b->name, numeric ? LR_FEATURE_NUMERIC : LR_FEATURE_CATEGORICAL,
						  b->nbins, numeric ? b->nspecial : 0, true, !numeric))
		return false;
	f->has_coefficient = true;
	f->coefficient = coefficient == 0 ? 0 : coefficient;
	f->has_iv = true;
	f->iv = b->iv == 0 ? 0 : b->iv;
	for (size_t i = 0; i < b->nbins; i++)
	{
		const LrBinOut *x = &b->bins[i];
		LrBin	   *to = &f->bins[i];

		if (numeric)
			to->upper = x->upper;
		else
		{
			if (!lr_bin_alloc_values(to, arena, x->nvalues))
				return false;
			memcpy(to->values, x->values, x->nvalues * sizeof(char *));
			memcpy(to->valuelens, x->valuelens, x->nvalues * sizeof(size_t));
		}
		CardBin(to, x, coefficient, factor, round_points);
	}
	CardBin(f->missing, &b->missing, coefficient, factor, round_points);
	for (size_t i = 0; i < f->nspecial; i++)
	{
		if (!lr_bin_alloc_values(&f->special[i], arena, 1))
			return false;
		f->special[i].numvalues[0] = b->special[i].value == 0 ? 0 : b->special[i].value;
		CardBin(&f->special[i], &b->special[i], coefficient, factor, round_points);
	}
	if (f->unseen != NULL)
		CardBin(f->unseen, &b->unseen, coefficient, factor, round_points);
	return (f->binning = BinningJson(b, o, arena)) != NULL;
}

/* ---------------------------------------------------------------- the binning document */

static bool
PutBinFields(LrArena *arena, LrJson *j, const LrBinOut *x)
{
	return lr_json_put(arena, j, "woe", Num(arena, x->woe)) &&
		lr_json_put(arena, j, "iv", Num(arena, x->iv)) &&
		lr_json_put(arena, j, "count", Num(arena, (double) x->count)) &&
		lr_json_put(arena, j, "bads", Num(arena, (double) x->bads)) &&
		lr_json_put(arena, j, "goods", Num(arena, (double) (x->count - x->bads))) &&
		lr_json_put(arena, j, "bad_rate",
					x->count > 0 ? Num(arena, (double) x->bads / (double) x->count) :
					lr_json_new(arena, LRJ_NULL));
}

static LrJson *
DocBin(LrArena *arena, const LrBinOut *x)
{
	LrJson	   *j = lr_json_new(arena, LRJ_OBJECT);
	bool		ok = j != NULL;

	if (ok && x->kind == LR_BIN_RANGE)
		ok = lr_json_put(arena, j, "lower", Num(arena, x->lower)) &&
			lr_json_put(arena, j, "upper", Num(arena, x->upper));
	else if (ok && x->kind == LR_BIN_VALUES)
	{
		LrJson	   *vals = lr_json_new(arena, LRJ_ARRAY);

		for (size_t k = 0; vals != NULL && k < x->nvalues; k++)
			if (!lr_json_push(arena, vals, lr_json_new_string(arena, x->values[k], x->valuelens[k])))
				vals = NULL;
		ok = lr_json_put(arena, j, "values", vals);
	}
	else if (ok && x->kind == LR_BIN_SPECIAL)
		ok = lr_json_put(arena, j, "values", lr_json_new_numbers(arena, &x->value, 1));
	return ok && PutBinFields(arena, j, x) ? j : NULL;
}

LrJson *
lr_binned_json(const LrBinned *b, const LrBinOptions *o, LrArena *arena)
{
	LrJson	   *j = lr_json_new(arena, LRJ_OBJECT);
	LrJson	   *bins = lr_json_new(arena, LRJ_ARRAY);
	bool		ok;

	if (j == NULL || bins == NULL)
		return NULL;
	for (size_t i = 0; i < b->nbins; i++)
		if (!lr_json_push(arena, bins, DocBin(arena, &b->bins[i])))
			return NULL;
	ok = lr_json_put(arena, j, "name", Str(arena, b->name)) &&
		lr_json_put(arena, j, "type", Str(arena, b->type == LR_FTYPE_NUMERIC ? "numeric" : "categorical")) &&
		lr_json_put(arena, j, "iv", Num(arena, b->iv)) &&
		lr_json_put(arena, j, "bins", bins) &&
		lr_json_put(arena, j, "missing", DocBin(arena, &b->missing));
	if (ok && b->type == LR_FTYPE_NUMERIC && b->nspecial > 0)
	{
		LrJson	   *sp = lr_json_new(arena, LRJ_ARRAY);

		for (size_t i = 0; sp != NULL && i < b->nspecial; i++)
			if (!lr_json_push(arena, sp, DocBin(arena, &b->special[i])))
				sp = NULL;
		ok = lr_json_put(arena, j, "special", sp);
	}
	if (ok && b->type == LR_FTYPE_CATEGORICAL)
		ok = lr_json_put(arena, j, "unseen", DocBin(arena, &b->unseen));
	ok = ok && lr_json_put(arena, j, "binning", BinningJson(b, o, arena));
	return ok ? j : NULL;
}
