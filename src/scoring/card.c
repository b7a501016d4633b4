/*
 * card.c
 *	  Scorecard from JSON (the text form's shape: fields, types, bounds
 *	  written as null; every other check is lr_card_finish's) and the
 *	  canonical JSON writer.  Pure C: see card.h.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/lr_jv.h"
#include "scoring/card.h"

/* Counts are exact integers in a double's mantissa. */
#define LR_COUNT_MAX 9007199254740992.0

typedef LrJv CardCtx;

static bool
GetCount(CardCtx *c, const LrJson *obj, const char *key, int64_t *out, bool *present)
{
	double		d = 0;

	if (!lr_jv_number(c, obj, key, false, &d, present))
		return false;
	if (*present)
	{
		size_t		mark = lr_path_key(&c->path, key);

		if (d < 0 || d > LR_COUNT_MAX || d != floor(d))
		{
			lr_jv_fail(c, "%g is not a non-negative integer count", d);
			lr_path_pop(&c->path, mark);
			return false;
		}
		lr_path_pop(&c->path, mark);
		*out = (int64_t) d;
	}
	return true;
}

/* points (required) and the optional statistics every kind of bin may carry. */
static bool
ParseBinCommon(CardCtx *c, const LrJson *obj, LrBin *b)
{
	bool		present;
	const char *label;

	if (!lr_jv_number(c, obj, "points", true, &b->points, NULL))
		return false;
	if (!lr_jv_number(c, obj, "woe", false, &b->woe, &present))
		return false;
	if (present)
		b->has |= LR_HAS_WOE;
	if (!lr_jv_number(c, obj, "iv", false, &b->iv, &present))
		return false;
	if (present)
		b->has |= LR_HAS_IV;
	if (!GetCount(c, obj, "count", &b->count, &present))
		return false;
	if (present)
		b->has |= LR_HAS_COUNT;
	if (!GetCount(c, obj, "bads", &b->bads, &present))
		return false;
	if (present)
		b->has |= LR_HAS_BADS;
	if (!lr_jv_string(c, obj, "label", false, &label))
		return false;
	if (label != NULL)
	{
		b->label = label;
		b->has |= LR_HAS_LABEL;
	}
	return true;
}

static const char *const bin_common_keys[] = {"points", "woe", "count", "bads", "iv", "label", NULL};
static const char *const numeric_bin_keys[] = {"upper", "points", "woe", "count", "bads", "iv", "label", NULL};
static const char *const values_bin_keys[] = {"values", "points", "woe", "count", "bads", "iv", "label", NULL};

/* "missing" or "unseen": an object with points and optional statistics. */
static bool
ParseSimpleBin(CardCtx *c, const LrJson *v, const char *key, LrBin *b)
{
	size_t		mark;

	if (v == NULL)
		return true;
	mark = lr_path_key(&c->path, key);
	if (!lr_jv_expect(c, v, LRJ_OBJECT) || !lr_jv_check_keys(c, v, bin_common_keys) ||
		!ParseBinCommon(c, v, b))
		return false;
	lr_path_pop(&c->path, mark);
	return true;
}

/* The "values" array of a value or special bin, present and an array. */
static const LrJson *
BinValues(CardCtx *c, const LrJson *bv, const char *const *keys)
{
	const LrJson *vals;

	if (!lr_jv_expect(c, bv, LRJ_OBJECT) || !lr_jv_check_keys(c, bv, keys))
		return NULL;
	vals = lr_json_get(bv, "values");
	if (vals == NULL)
	{
		lr_jv_fail(c, "missing required field \"values\"");
		return NULL;
	}
	lr_path_key(&c->path, "values");
	if (!lr_jv_expect(c, vals, LRJ_ARRAY))
		return NULL;
	return vals;
}

static bool
ParseSpecial(CardCtx *c, const LrJson *arr, LrFeature *f)
{
	for (size_t i = 0; i < f->nspecial; i++)
	{
		LrBin	   *b = &f->special[i];
		size_t		mark = lr_path_index(&c->path, i);
		const LrJson *vals = BinValues(c, arr->items[i], values_bin_keys);

		if (vals == NULL)
			return false;
		if (!lr_bin_alloc_values(b, c->arena, vals->n))
			return lr_jv_nomem(c);
		for (size_t j = 0; j < vals->n; j++)
		{
			if (!lr_jv_tick(c))
				return false;
			if (vals->items[j]->kind != LRJ_NUMBER)
			{
				lr_path_index(&c->path, j);
				return lr_jv_fail(c, "special values must be numbers, got %s",
								  lr_json_kind_name(vals->items[j]->kind));
			}
			b->numvalues[j] = vals->items[j]->num;
		}
		lr_path_pop(&c->path, mark);
		mark = lr_path_index(&c->path, i);
		if (!ParseBinCommon(c, arr->items[i], b))
			return false;
		lr_path_pop(&c->path, mark);
	}
	return true;
}

static bool
ParseNumericBins(CardCtx *c, const LrJson *bins, LrFeature *f)
{
	for (size_t i = 0; i < bins->n; i++)
	{
		const LrJson *bv = bins->items[i];
		const LrJson *up;
		LrBin	   *b = &f->bins[i];
		size_t		mark = lr_path_index(&c->path, i);

		if (!lr_jv_tick(c))
			return false;
		if (!lr_jv_expect(c, bv, LRJ_OBJECT) || !lr_jv_check_keys(c, bv, numeric_bin_keys))
			return false;
		up = lr_json_get(bv, "upper");
		if (up == NULL)
			return lr_jv_fail(c, "missing required field \"upper\" (null for the last bin)");
		lr_path_key(&c->path, "upper");
		if (i + 1 == bins->n)
		{
			if (up->kind != LRJ_NULL)
				return lr_jv_fail(c, "the last bin must have upper null (meaning +Infinity), not %s",
								  lr_json_kind_name(up->kind));
			b->upper = INFINITY;
		}
		else
		{
			if (up->kind == LRJ_NULL)
				return lr_jv_fail(c, "only the last bin may have upper null");
			if (!lr_jv_expect(c, up, LRJ_NUMBER))
				return false;
			b->upper = up->num;
		}
		lr_path_pop(&c->path, mark);
		mark = lr_path_index(&c->path, i);
		if (!ParseBinCommon(c, bv, b))
			return false;
		lr_path_pop(&c->path, mark);
	}
	return true;
}

/* Text form of a categorical value given as a JSON string, integer or boolean. */
static bool
CategoryText(CardCtx *c, const LrJson *v, const char **out, size_t *outlen)
{
	char		tmp[64];
	int			n;

	switch (v->kind)
	{
		case LRJ_STRING:
			*out = v->str;
			*outlen = v->len;
			return true;
		case LRJ_BOOL:
			*out = v->b ? "true" : "false";
			*outlen = strlen(*out);
			return true;
		case LRJ_NUMBER:
			if (v->num != floor(v->num) || fabs(v->num) > LR_COUNT_MAX)
				return lr_jv_fail(c, "a category given as a number must be an integer, not %g", v->num);
			n = snprintf(tmp, sizeof(tmp), "%.0f", v->num == 0 ? 0.0 : v->num);
			if ((*out = lr_arena_strndup(c->arena, tmp, (size_t) n)) == NULL)
				return lr_jv_nomem(c);
			*outlen = (size_t) n;
			return true;
		default:
			return lr_jv_fail(c, "a category must be a string, an integer or a boolean, not %s",
							  lr_json_kind_name(v->kind));
	}
}

static bool
ParseCategoricalBins(CardCtx *c, const LrJson *bins, LrFeature *f)
{
	for (size_t i = 0; i < bins->n; i++)
	{
		LrBin	   *b = &f->bins[i];
		size_t		mark = lr_path_index(&c->path, i);
		const LrJson *vals = BinValues(c, bins->items[i], values_bin_keys);

		if (vals == NULL)
			return false;
		if (!lr_bin_alloc_values(b, c->arena, vals->n))
			return lr_jv_nomem(c);
		for (size_t j = 0; j < vals->n; j++)
		{
			size_t		m2 = lr_path_index(&c->path, j);

			if (!lr_jv_tick(c))
				return false;
			if (!CategoryText(c, vals->items[j], &b->values[j], &b->valuelens[j]))
				return false;
			lr_path_pop(&c->path, m2);
		}
		lr_path_pop(&c->path, mark);
		mark = lr_path_index(&c->path, i);
		if (!ParseBinCommon(c, bins->items[i], b))
			return false;
		lr_path_pop(&c->path, mark);
	}
	return true;
}

static const char *const feature_keys[] = {
	"name", "type", "description", "reason", "coefficient", "iv",
	"bins", "missing", "special", "unseen", "binning", NULL
};

/* The members of a feature that say how many bins of each kind it has. */
typedef struct FeatureShape
{
	const char *name;
	LrFeatureKind kind;
	const LrJson *bins;
	const LrJson *missing;
	const LrJson *special;
	const LrJson *unseen;
} FeatureShape;

static bool
ParseShape(CardCtx *c, const LrJson *fv, FeatureShape *s)
{
	const char *type;
	size_t		mark;

	if (!lr_jv_expect(c, fv, LRJ_OBJECT) || !lr_jv_check_keys(c, fv, feature_keys) ||
		!lr_jv_string(c, fv, "name", true, &s->name) ||
		!lr_jv_string(c, fv, "type", true, &type))
		return false;
	if (strcmp(type, "numeric") == 0)
		s->kind = LR_FEATURE_NUMERIC;
	else if (strcmp(type, "categorical") == 0)
		s->kind = LR_FEATURE_CATEGORICAL;
	else
	{
		(void) lr_path_key(&c->path, "type");
		return lr_jv_fail(c, "\"%.100s\" is not a feature type (numeric or categorical)", type);
	}
	s->bins = lr_json_get(fv, "bins");
	s->missing = lr_json_get(fv, "missing");
	s->special = lr_json_get(fv, "special");
	s->unseen = lr_json_get(fv, "unseen");
	if (s->bins == NULL)
		return lr_jv_fail(c, "missing required field \"bins\"");
	mark = lr_path_key(&c->path, "bins");
	if (!lr_jv_expect(c, s->bins, LRJ_ARRAY))
		return false;
	lr_path_pop(&c->path, mark);
	if (s->kind == LR_FEATURE_NUMERIC && s->unseen != NULL)
	{
		(void) lr_path_key(&c->path, "unseen");
		return lr_jv_fail(c, "only categorical features have an \"unseen\" bin");
	}
	if (s->kind == LR_FEATURE_CATEGORICAL && s->special != NULL)
	{
		(void) lr_path_key(&c->path, "special");
		return lr_jv_fail(c, "only numeric features have special values; list them as categories");
	}
	if (s->special != NULL)
	{
		mark = lr_path_key(&c->path, "special");
		if (!lr_jv_expect(c, s->special, LRJ_ARRAY))
			return false;
		lr_path_pop(&c->path, mark);
	}
	return true;
}

static bool
ParseFeature(CardCtx *c, const LrJson *fv, LrFeature *f)
{
	FeatureShape s;
	size_t		mark;

	if (!ParseShape(c, fv, &s))
		return false;
	if (!lr_feature_alloc(f, c->arena, s.name, s.kind, s.bins->n,
						  s.special ? s.special->n : 0, s.missing != NULL, s.unseen != NULL))
		return lr_jv_nomem(c);
	if (!lr_jv_string(c, fv, "description", false, &f->description) ||
		!lr_jv_string(c, fv, "reason", false, &f->reason) ||
		!lr_jv_number(c, fv, "coefficient", false, &f->coefficient, &f->has_coefficient) ||
		!lr_jv_number(c, fv, "iv", false, &f->iv, &f->has_iv) ||
		!lr_jv_object(c, fv, "binning", &f->binning))
		return false;

	mark = lr_path_key(&c->path, "bins");
	if (s.kind == LR_FEATURE_NUMERIC ? !ParseNumericBins(c, s.bins, f) :
		!ParseCategoricalBins(c, s.bins, f))
		return false;
	lr_path_pop(&c->path, mark);
	if (!ParseSimpleBin(c, s.missing, "missing", f->missing))
		return false;
	if (s.special != NULL)
	{
		mark = lr_path_key(&c->path, "special");
		if (!ParseSpecial(c, s.special, f))
			return false;
		lr_path_pop(&c->path, mark);
	}
	return ParseSimpleBin(c, s.unseen, "unseen", f->unseen);
}

static const char *const card_keys[] = {
	"format", "name", "description", "scaling", "base_points", "intercept",
	"features", "statistics", "training", "metadata", NULL
};
static const char *const scaling_keys[] = {"pdo", "base_score", "base_odds", NULL};

/* Everything but the features, into h. */
static bool
ParseHeader(CardCtx *c, const LrJson *root, LrCard *h)
{
	const char *format;
	const LrJson *scaling;
	size_t		mark;

	if (!lr_jv_expect(c, root, LRJ_OBJECT) || !lr_jv_check_keys(c, root, card_keys))
		return false;
	if (!lr_jv_string(c, root, "format", true, &format))
	{
		lr_error_detail(c->err, "A scorecard starts with \"format\": \"%s\".", LR_CARD_FORMAT);
		return false;
	}
	if (strcmp(format, LR_CARD_FORMAT) != 0)
	{
		mark = lr_path_key(&c->path, "format");
		lr_jv_fail(c, "unsupported format \"%.100s\"", format);
		lr_error_detail(c->err, "This version of loan_risk reads \"%s\".", LR_CARD_FORMAT);
		return false;
	}
	if (!lr_jv_string(c, root, "name", false, &h->name) ||
		!lr_jv_string(c, root, "description", false, &h->description) ||
		!lr_jv_number(c, root, "base_points", true, &h->base_points, NULL) ||
		!lr_jv_number(c, root, "intercept", false, &h->intercept, &h->has_intercept) ||
		!lr_jv_object(c, root, "scaling", &scaling) ||
		!lr_jv_object(c, root, "statistics", &h->statistics) ||
		!lr_jv_object(c, root, "training", &h->training) ||
		!lr_jv_object(c, root, "metadata", &h->metadata))
		return false;
	if (scaling != NULL)
	{
		mark = lr_path_key(&c->path, "scaling");
		if (!lr_jv_check_keys(c, scaling, scaling_keys) ||
			!lr_jv_number(c, scaling, "pdo", true, &h->pdo, NULL) ||
			!lr_jv_number(c, scaling, "base_score", true, &h->base_score, NULL) ||
			!lr_jv_number(c, scaling, "base_odds", true, &h->base_odds, NULL))
			return false;
		h->has_scaling = true;
		lr_path_pop(&c->path, mark);
	}
	return true;
}

/* Validates root into a card; tick (may be NULL) is called per bin and value. */
static bool
CardFromJson(const LrJson *root, LrArena *arena, LrTick *tick, LrCard **out, LrError *err)
{
	CardCtx		c;
	LrCard		h = {0};
	LrCard	   *card;
	const LrJson *feats;
	size_t		mark;

	lr_jv_init(&c, arena, err);
	c.tick = tick;
	if (!ParseHeader(&c, root, &h))
		return false;
	feats = lr_json_get(root, "features");
	if (feats == NULL)
		return lr_jv_fail(&c, "missing required field \"features\"");
	mark = lr_path_key(&c.path, "features");
	if (!lr_jv_expect(&c, feats, LRJ_ARRAY))
		return false;
	if ((card = lr_card_alloc(arena, feats->n)) == NULL)
		return lr_jv_nomem(&c);
	h.nfeatures = card->nfeatures;
	h.features = card->features;
	*card = h;
	for (size_t i = 0; i < feats->n; i++)
	{
		size_t		m2 = lr_path_index(&c.path, i);

		if (!lr_jv_tick(&c) || !ParseFeature(&c, feats->items[i], &card->features[i]))
			return false;
		lr_path_pop(&c.path, m2);
	}
	lr_path_pop(&c.path, mark);
	if (!lr_card_finish_tick(card, arena, tick, err))
		return false;
	*out = card;
	return true;
}

bool
lr_card_from_json(const LrJson *root, LrArena *arena, LrTick *tick, LrCard **out, LrError *err)
{
	return CardFromJson(root, arena, tick, out, err);
}

bool
lr_card_parse(const char *text, size_t len, LrArena *arena,
			  const LrJsonOptions *opts, LrCard **out, LrError *err)
{
	LrJson	   *root;

	if (!lr_json_parse(text, len, arena, opts, &root, err))
		return false;
	return CardFromJson(root, arena, opts ? opts->tick : NULL, out, err);
}

/* ---------------------------------------------------------------- writer */

static void
WriteBinStats(LrBuf *b, bool *first, const LrBin *bin)
{
	lr_json_member_number(b, first, "points", bin->points);
	if (bin->has & LR_HAS_WOE)
		lr_json_member_number(b, first, "woe", bin->woe);
	if (bin->has & LR_HAS_COUNT)
		lr_json_member_number(b, first, "count", (double) bin->count);
	if (bin->has & LR_HAS_BADS)
		lr_json_member_number(b, first, "bads", (double) bin->bads);
	if (bin->has & LR_HAS_IV)
		lr_json_member_number(b, first, "iv", bin->iv);
	if (bin->has & LR_HAS_LABEL)
		lr_json_member_string(b, first, "label", bin->label);
}

static void
WriteBin(LrBuf *b, const LrBin *bin)
{
	bool		first = true;
	size_t		i;

	lr_buf_putc(b, '{');
	if (bin->kind == LR_BIN_RANGE)
	{
		lr_json_member(b, &first, "upper");
		if (isinf(bin->upper))
			lr_buf_puts(b, "null");
		else
			lr_buf_put_double(b, bin->upper);
	}
	else if (bin->kind == LR_BIN_VALUES || bin->kind == LR_BIN_SPECIAL)
	{
		lr_json_member(b, &first, "values");
		lr_buf_putc(b, '[');
		for (i = 0; i < bin->nvalues; i++)
		{
			if (i > 0)
				lr_buf_puts(b, ", ");
			if (bin->kind == LR_BIN_VALUES)
				lr_json_write_string(b, bin->values[i], bin->valuelens[i]);
			else
				lr_buf_put_double(b, bin->numvalues[i]);
		}
		lr_buf_putc(b, ']');
	}
	WriteBinStats(b, &first, bin);
	lr_buf_putc(b, '}');
}

bool
lr_card_write(const LrCard *card, LrBuf *b)
{
	bool		first = true;
	size_t		i,
				j;

	lr_buf_putc(b, '{');
	lr_json_member_string(b, &first, "format", LR_CARD_FORMAT);
	if (card->name)
		lr_json_member_string(b, &first, "name", card->name);
	if (card->description)
		lr_json_member_string(b, &first, "description", card->description);
	if (card->has_scaling)
	{
		bool		f2 = true;

		lr_json_member(b, &first, "scaling");
		lr_buf_putc(b, '{');
		lr_json_member_number(b, &f2, "pdo", card->pdo);
		lr_json_member_number(b, &f2, "base_score", card->base_score);
		lr_json_member_number(b, &f2, "base_odds", card->base_odds);
		lr_buf_putc(b, '}');
	}
	lr_json_member_number(b, &first, "base_points", card->base_points);
	if (card->has_intercept)
		lr_json_member_number(b, &first, "intercept", card->intercept);
	lr_json_member(b, &first, "features");
	lr_buf_putc(b, '[');
	for (i = 0; i < card->nfeatures; i++)
	{
		const LrFeature *f = &card->features[i];
		bool		f2 = true;

		if (i > 0)
			lr_buf_puts(b, ", ");
		lr_buf_putc(b, '{');
		lr_json_member_string(b, &f2, "name", f->name);
		lr_json_member_string(b, &f2, "type", f->kind == LR_FEATURE_NUMERIC ? "numeric" : "categorical");
		if (f->description)
			lr_json_member_string(b, &f2, "description", f->description);
		if (f->reason)
			lr_json_member_string(b, &f2, "reason", f->reason);
		if (f->has_coefficient)
			lr_json_member_number(b, &f2, "coefficient", f->coefficient);
		if (f->has_iv)
			lr_json_member_number(b, &f2, "iv", f->iv);
		lr_json_member(b, &f2, "bins");
		lr_buf_putc(b, '[');
		for (j = 0; j < f->nbins; j++)
		{
			if (j > 0)
				lr_buf_puts(b, ", ");
			WriteBin(b, &f->bins[j]);
		}
		lr_buf_putc(b, ']');
		if (f->missing)
		{
			lr_json_member(b, &f2, "missing");
			WriteBin(b, f->missing);
		}
		if (f->special)
		{
			lr_json_member(b, &f2, "special");
			lr_buf_putc(b, '[');
			for (j = 0; j < f->nspecial; j++)
			{
				if (j > 0)
					lr_buf_puts(b, ", ");
				WriteBin(b, &f->special[j]);
			}
			lr_buf_putc(b, ']');
		}
		if (f->unseen)
		{
			lr_json_member(b, &f2, "unseen");
			WriteBin(b, f->unseen);
		}
		lr_json_member_doc(b, &f2, "binning", f->binning);
		lr_buf_putc(b, '}');
	}
	lr_buf_putc(b, ']');
	lr_json_member_doc(b, &first, "statistics", card->statistics);
	lr_json_member_doc(b, &first, "training", card->training);
	lr_json_member_doc(b, &first, "metadata", card->metadata);
	return lr_buf_putc(b, '}');
}
