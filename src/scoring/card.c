/*
 * card.c
 *	  Scorecard from JSON, validated field by field; canonical JSON writer;
 *	  bin lookup.  Pure C: see card.h.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/lr_jv.h"
#include "scoring/card.h"

/* Points and base points are bounded so that no sum of them can overflow. */
#define LR_POINTS_MAX 1e15
/* Counts are exact integers in a double's mantissa. */
#define LR_COUNT_MAX 9007199254740992.0

typedef LrJv CardCtx;

static bool
CheckPoints(CardCtx *c, const char *key, double v)
{
	if (fabs(v) > LR_POINTS_MAX)
	{
		size_t		mark = lr_path_key(&c->path, key);

		lr_jv_fail(c, "%g is outside the allowed range of -1e15 to 1e15", v);
		lr_path_pop(&c->path, mark);
		return false;
	}
	return true;
}

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

	if (!lr_jv_number(c, obj, "points", true, &b->points, NULL) ||
		!CheckPoints(c, "points", b->points))
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
	if ((b->has & LR_HAS_COUNT) && (b->has & LR_HAS_BADS) && b->bads > b->count)
		return lr_jv_fail(c, "bads (%lld) exceed count (%lld)", (long long) b->bads, (long long) b->count);
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
ParseSimpleBin(CardCtx *c, const LrJson *feat, const char *key, LrBinKind kind, LrBin **out)
{
	const LrJson *v = lr_json_get(feat, key);
	size_t		mark;
	LrBin	   *b;
	bool		ok;

	*out = NULL;
	if (v == NULL)
		return true;
	mark = lr_path_key(&c->path, key);
	if (!lr_jv_expect(c, v, LRJ_OBJECT) || !lr_jv_check_keys(c, v, bin_common_keys))
		return false;
	if ((b = lr_arena_alloc0(c->arena, sizeof(LrBin))) == NULL)
		return lr_jv_nomem(c);
	b->kind = kind;
	ok = ParseBinCommon(c, v, b);
	lr_path_pop(&c->path, mark);
	*out = b;
	return ok;
}

static int
CompareDouble(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

typedef struct SpecialEntry
{
	double		v;
	int32_t		bin;
} SpecialEntry;

static int
CompareSpecial(const void *a, const void *b)
{
	return CompareDouble(&((const SpecialEntry *) a)->v, &((const SpecialEntry *) b)->v);
}

static bool
ParseSpecial(CardCtx *c, const LrJson *feat, LrFeature *f)
{
	const LrJson *arr = lr_json_get(feat, "special");
	size_t		mark,
				i,
				j,
				total = 0,
				k = 0;
	SpecialEntry *all;

	if (arr == NULL)
		return true;
	mark = lr_path_key(&c->path, "special");
	if (!lr_jv_expect(c, arr, LRJ_ARRAY))
		return false;
	f->nspecial = arr->n;
	if (arr->n > 0 && (f->special = lr_arena_alloc0(c->arena, arr->n * sizeof(LrBin))) == NULL)
		return lr_jv_nomem(c);
	for (i = 0; i < arr->n; i++)
	{
		const LrJson *sv = arr->items[i];
		const LrJson *vals;
		LrBin	   *b = &f->special[i];
		size_t		m2 = lr_path_index(&c->path, i);
		size_t		m3;

		if (!lr_jv_expect(c, sv, LRJ_OBJECT) || !lr_jv_check_keys(c, sv, values_bin_keys))
			return false;
		b->kind = LR_BIN_SPECIAL;
		vals = lr_json_get(sv, "values");
		if (vals == NULL)
			return lr_jv_fail(c, "missing required field \"values\"");
		m3 = lr_path_key(&c->path, "values");
		if (!lr_jv_expect(c, vals, LRJ_ARRAY))
			return false;
		if (vals->n == 0)
			return lr_jv_fail(c, "must list at least one special value");
		b->nvalues = vals->n;
		if ((b->numvalues = lr_arena_alloc(c->arena, vals->n * sizeof(double))) == NULL)
			return lr_jv_nomem(c);
		for (j = 0; j < vals->n; j++)
		{
			size_t		m4 = lr_path_index(&c->path, j);

			if (!lr_jv_tick(c))
				return false;
			if (vals->items[j]->kind != LRJ_NUMBER)
				return lr_jv_fail(c, "special values must be numbers, got %s",
							lr_json_kind_name(vals->items[j]->kind));
			b->numvalues[j] = vals->items[j]->num;
			lr_path_pop(&c->path, m4);
		}
		lr_path_pop(&c->path, m3);
		if (!ParseBinCommon(c, sv, b))
			return false;
		total += vals->n;
		lr_path_pop(&c->path, m2);
	}

	/* One sorted table for lookup; a value listed twice is ambiguous. */
	f->nspecial_values = total;
	if (total == 0)
	{
		lr_path_pop(&c->path, mark);
		return true;
	}
	if ((all = lr_arena_alloc(c->arena, total * sizeof(SpecialEntry))) == NULL ||
		(f->special_sorted = lr_arena_alloc(c->arena, total * sizeof(double))) == NULL ||
		(f->special_index = lr_arena_alloc(c->arena, total * sizeof(int32_t))) == NULL)
		return lr_jv_nomem(c);
	for (i = 0; i < f->nspecial; i++)
		for (j = 0; j < f->special[i].nvalues; j++)
		{
			all[k].v = f->special[i].numvalues[j];
			all[k].bin = (int32_t) i;
			k++;
		}
	qsort(all, total, sizeof(SpecialEntry), CompareSpecial);
	for (i = 0; i < total; i++)
	{
		if (i > 0 && all[i].v == all[i - 1].v)
			return lr_jv_fail(c, "special value %g is listed more than once", all[i].v);
		f->special_sorted[i] = all[i].v;
		f->special_index[i] = all[i].bin;
	}
	lr_path_pop(&c->path, mark);
	return true;
}

static bool
ParseNumericBins(CardCtx *c, const LrJson *bins, LrFeature *f)
{
	size_t		i;

	if (bins->n == 0)
		return lr_jv_fail(c, "a numeric feature needs at least one bin");
	if ((f->uppers = lr_arena_alloc(c->arena, bins->n * sizeof(double))) == NULL)
		return lr_jv_nomem(c);
	for (i = 0; i < bins->n; i++)
	{
		const LrJson *bv = bins->items[i];
		const LrJson *up;
		LrBin	   *b = &f->bins[i];
		size_t		mark = lr_path_index(&c->path, i);
		bool		last = (i + 1 == bins->n);

		if (!lr_jv_tick(c))
			return false;
		if (!lr_jv_expect(c, bv, LRJ_OBJECT) || !lr_jv_check_keys(c, bv, numeric_bin_keys))
			return false;
		b->kind = LR_BIN_RANGE;
		up = lr_json_get(bv, "upper");
		if (up == NULL)
			return lr_jv_fail(c, "missing required field \"upper\" (null for the last bin)");
		if (last)
		{
			if (up->kind != LRJ_NULL)
			{
				lr_path_key(&c->path, "upper");
				return lr_jv_fail(c, "the last bin must have upper null (meaning +Infinity), not %s",
							lr_json_kind_name(up->kind));
			}
			b->upper = INFINITY;
		}
		else
		{
			size_t		m2 = lr_path_key(&c->path, "upper");

			if (up->kind == LRJ_NULL)
				return lr_jv_fail(c, "only the last bin may have upper null");
			if (!lr_jv_expect(c, up, LRJ_NUMBER))
				return false;
			b->upper = up->num;
			if (i > 0 && !(b->upper > f->bins[i - 1].upper))
				return lr_jv_fail(c, "%g is not greater than the previous upper bound %g",
							b->upper, f->bins[i - 1].upper);
			f->uppers[i] = b->upper;
			lr_path_pop(&c->path, m2);
		}
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

uint32_t
lr_hash_bytes(const char *s, size_t len)
{
	/* FNV-1a with a final avalanche: cheap for the short strings categories are. */
	uint32_t	h = 2166136261u;
	size_t		i;

	for (i = 0; i < len; i++)
	{
		h ^= (unsigned char) s[i];
		h *= 16777619u;
	}
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h;
}

static bool
CatHashInsert(CardCtx *c, LrFeature *f, const char *key, size_t len, int32_t bin)
{
	LrCatHash  *h = &f->cat;
	size_t		i = lr_hash_bytes(key, len) & h->mask;

	while (h->keys[i] != NULL)
	{
		if (h->keylens[i] == len && memcmp(h->keys[i], key, len) == 0)
			return lr_jv_fail(c, "category \"%.100s\" is already listed in bins[%d]", key, h->bin[i]);
		i = (i + 1) & h->mask;
	}
	h->keys[i] = key;
	h->keylens[i] = len;
	h->bin[i] = bin;
	return true;
}

static bool
ParseCategoricalBins(CardCtx *c, const LrJson *bins, LrFeature *f)
{
	size_t		i,
				j,
				total = 0,
				cap = 8;

	if (bins->n == 0)
		return lr_jv_fail(c, "a categorical feature needs at least one bin");
	for (i = 0; i < bins->n; i++)
	{
		const LrJson *vals;

		if (bins->items[i]->kind == LRJ_OBJECT &&
			(vals = lr_json_get(bins->items[i], "values")) != NULL && vals->kind == LRJ_ARRAY)
			total += vals->n;
	}
	while (cap < total * 2)
		cap *= 2;
	f->cat.mask = cap - 1;
	if ((f->cat.keys = lr_arena_alloc0(c->arena, cap * sizeof(char *))) == NULL ||
		(f->cat.keylens = lr_arena_alloc(c->arena, cap * sizeof(size_t))) == NULL ||
		(f->cat.bin = lr_arena_alloc(c->arena, cap * sizeof(int32_t))) == NULL)
		return lr_jv_nomem(c);

	for (i = 0; i < bins->n; i++)
	{
		const LrJson *bv = bins->items[i];
		const LrJson *vals;
		LrBin	   *b = &f->bins[i];
		size_t		mark = lr_path_index(&c->path, i);
		size_t		m2;

		if (!lr_jv_tick(c))
			return false;
		if (!lr_jv_expect(c, bv, LRJ_OBJECT) || !lr_jv_check_keys(c, bv, values_bin_keys))
			return false;
		b->kind = LR_BIN_VALUES;
		vals = lr_json_get(bv, "values");
		if (vals == NULL)
			return lr_jv_fail(c, "missing required field \"values\"");
		m2 = lr_path_key(&c->path, "values");
		if (!lr_jv_expect(c, vals, LRJ_ARRAY))
			return false;
		if (vals->n == 0)
			return lr_jv_fail(c, "must list at least one category");
		b->nvalues = vals->n;
		if ((b->values = lr_arena_alloc(c->arena, vals->n * sizeof(char *))) == NULL ||
			(b->valuelens = lr_arena_alloc(c->arena, vals->n * sizeof(size_t))) == NULL)
			return lr_jv_nomem(c);
		for (j = 0; j < vals->n; j++)
		{
			size_t		m3 = lr_path_index(&c->path, j);

			if (!lr_jv_tick(c))
				return false;
			if (!CategoryText(c, vals->items[j], &b->values[j], &b->valuelens[j]) ||
				!CatHashInsert(c, f, b->values[j], b->valuelens[j], (int32_t) i))
				return false;
			lr_path_pop(&c->path, m3);
		}
		lr_path_pop(&c->path, m2);
		if (!ParseBinCommon(c, bv, b))
			return false;
		lr_path_pop(&c->path, mark);
	}
	return true;
}

static const char *const feature_keys[] = {
	"name", "type", "description", "reason", "coefficient", "iv",
	"bins", "missing", "special", "unseen", "binning", NULL
};

static void
UpdateMax(double *m, const LrBin *b)
{
	if (b != NULL && b->points > *m)
		*m = b->points;
}

static bool
ParseFeature(CardCtx *c, const LrJson *fv, LrFeature *f)
{
	const char *type;
	const LrJson *bins;
	size_t		mark,
				i;

	if (!lr_jv_expect(c, fv, LRJ_OBJECT) || !lr_jv_check_keys(c, fv, feature_keys))
		return false;
	if (!lr_jv_string(c, fv, "name", true, &f->name))
		return false;
	mark = lr_path_key(&c->path, "name");
	if (f->name[0] == '\0')
		return lr_jv_fail(c, "a feature name must not be empty");
	if (strlen(f->name) > LR_CARD_NAME_MAX)
		return lr_jv_fail(c, "\"%.100s\" is longer than %d bytes, so it cannot name a column",
					f->name, LR_CARD_NAME_MAX);
	lr_path_pop(&c->path, mark);

	if (!lr_jv_string(c, fv, "type", true, &type))
		return false;
	if (strcmp(type, "numeric") == 0)
		f->kind = LR_FEATURE_NUMERIC;
	else if (strcmp(type, "categorical") == 0)
		f->kind = LR_FEATURE_CATEGORICAL;
	else
	{
		(void) lr_path_key(&c->path, "type");
		return lr_jv_fail(c, "\"%.100s\" is not a feature type (numeric or categorical)", type);
	}
	if (!lr_jv_string(c, fv, "description", false, &f->description) ||
		!lr_jv_string(c, fv, "reason", false, &f->reason) ||
		!lr_jv_number(c, fv, "coefficient", false, &f->coefficient, &f->has_coefficient) ||
		!lr_jv_number(c, fv, "iv", false, &f->iv, &f->has_iv) ||
		!lr_jv_object(c, fv, "binning", &f->binning))
		return false;

	bins = lr_json_get(fv, "bins");
	if (bins == NULL)
		return lr_jv_fail(c, "missing required field \"bins\"");
	mark = lr_path_key(&c->path, "bins");
	if (!lr_jv_expect(c, bins, LRJ_ARRAY))
		return false;
	f->nbins = bins->n;
	if (bins->n > 0 && (f->bins = lr_arena_alloc0(c->arena, bins->n * sizeof(LrBin))) == NULL)
		return lr_jv_nomem(c);
	if (f->kind == LR_FEATURE_NUMERIC ? !ParseNumericBins(c, bins, f) : !ParseCategoricalBins(c, bins, f))
		return false;
	lr_path_pop(&c->path, mark);

	if (!ParseSimpleBin(c, fv, "missing", LR_BIN_MISSING, &f->missing))
		return false;
	if (f->kind == LR_FEATURE_NUMERIC)
	{
		if (lr_json_get(fv, "unseen") != NULL)
		{
			(void) lr_path_key(&c->path, "unseen");
			return lr_jv_fail(c, "only categorical features have an \"unseen\" bin");
		}
		if (!ParseSpecial(c, fv, f))
			return false;
	}
	else
	{
		if (lr_json_get(fv, "special") != NULL)
		{
			(void) lr_path_key(&c->path, "special");
			return lr_jv_fail(c, "only numeric features have special values; list them as categories");
		}
		if (!ParseSimpleBin(c, fv, "unseen", LR_BIN_UNSEEN, &f->unseen))
			return false;
	}

	f->max_points = -INFINITY;
	for (i = 0; i < f->nbins; i++)
		UpdateMax(&f->max_points, &f->bins[i]);
	for (i = 0; i < f->nspecial; i++)
		UpdateMax(&f->max_points, &f->special[i]);
	UpdateMax(&f->max_points, f->missing);
	UpdateMax(&f->max_points, f->unseen);
	return true;
}

static const char *const card_keys[] = {
	"format", "name", "description", "scaling", "base_points", "intercept",
	"features", "statistics", "training", "metadata", NULL
};
static const char *const scaling_keys[] = {"pdo", "base_score", "base_odds", NULL};

/* Validates root into a card; tick (may be NULL) is called per bin and value. */
static bool
CardFromJson(const LrJson *root, LrArena *arena, LrTick *tick, LrCard **out, LrError *err)
{
	CardCtx		c;
	LrCard	   *card;
	const char *format;
	const LrJson *scaling;
	const LrJson *feats;
	size_t		i,
				j,
				mark;

	lr_jv_init(&c, arena, err);
	c.tick = tick;

	if (!lr_jv_expect(&c, root, LRJ_OBJECT) || !lr_jv_check_keys(&c, root, card_keys))
		return false;
	if ((card = lr_arena_alloc0(arena, sizeof(LrCard))) == NULL)
		return lr_jv_nomem(&c);

	if (!lr_jv_string(&c, root, "format", true, &format))
	{
		lr_error_detail(err, "A scorecard starts with \"format\": \"%s\".", LR_CARD_FORMAT);
		return false;
	}
	if (strcmp(format, LR_CARD_FORMAT) != 0)
	{
		mark = lr_path_key(&c.path, "format");
		lr_jv_fail(&c, "unsupported format \"%.100s\"", format);
		lr_error_detail(err, "This version of loan_risk reads \"%s\".", LR_CARD_FORMAT);
		return false;
	}
	if (!lr_jv_string(&c, root, "name", false, &card->name) ||
		!lr_jv_string(&c, root, "description", false, &card->description) ||
		!lr_jv_number(&c, root, "base_points", true, &card->base_points, NULL) ||
		!CheckPoints(&c, "base_points", card->base_points) ||
		!lr_jv_number(&c, root, "intercept", false, &card->intercept, &card->has_intercept) ||
		!lr_jv_object(&c, root, "scaling", &scaling) ||
		!lr_jv_object(&c, root, "statistics", &card->statistics) ||
		!lr_jv_object(&c, root, "training", &card->training) ||
		!lr_jv_object(&c, root, "metadata", &card->metadata))
		return false;

	if (scaling != NULL)
	{
		mark = lr_path_key(&c.path, "scaling");
		if (!lr_jv_check_keys(&c, scaling, scaling_keys) ||
			!lr_jv_number(&c, scaling, "pdo", true, &card->pdo, NULL) ||
			!lr_jv_number(&c, scaling, "base_score", true, &card->base_score, NULL) ||
			!lr_jv_number(&c, scaling, "base_odds", true, &card->base_odds, NULL))
			return false;
		if (!(card->pdo > 0))
		{
			lr_path_key(&c.path, "pdo");
			return lr_jv_fail(&c, "points to double the odds must be positive, not %g", card->pdo);
		}
		if (!(card->base_odds > 0))
		{
			lr_path_key(&c.path, "base_odds");
			return lr_jv_fail(&c, "base odds must be positive, not %g", card->base_odds);
		}
		card->has_scaling = true;
		lr_path_pop(&c.path, mark);
	}

	feats = lr_json_get(root, "features");
	if (feats == NULL)
		return lr_jv_fail(&c, "missing required field \"features\"");
	mark = lr_path_key(&c.path, "features");
	if (!lr_jv_expect(&c, feats, LRJ_ARRAY))
		return false;
	card->nfeatures = feats->n;
	if (feats->n > 0 &&
		(card->features = lr_arena_alloc0(arena, feats->n * sizeof(LrFeature))) == NULL)
		return lr_jv_nomem(&c);
	for (i = 0; i < feats->n; i++)
	{
		size_t		m2 = lr_path_index(&c.path, i);

		if (!lr_jv_tick(&c) || !ParseFeature(&c, feats->items[i], &card->features[i]))
			return false;
		/* Names are few; a quadratic check keeps this simple and exact. */
		for (j = 0; j < i; j++)
			if (strcmp(card->features[j].name, card->features[i].name) == 0)
			{
				lr_path_key(&c.path, "name");
				return lr_jv_fail(&c, "feature \"%.100s\" is already defined at features[%zu]",
							card->features[i].name, j);
			}
		lr_path_pop(&c.path, m2);
	}
	lr_path_pop(&c.path, mark);
	*out = card;
	return true;
}

bool
lr_card_from_json(const LrJson *root, LrArena *arena, LrCard **out, LrError *err)
{
	return CardFromJson(root, arena, NULL, out, err);
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
PutKey(LrBuf *b, bool *first, const char *key)
{
	if (!*first)
		lr_buf_puts(b, ", ");
	*first = false;
	lr_json_write_string(b, key, strlen(key));
	lr_buf_puts(b, ": ");
}

static void
PutNumberField(LrBuf *b, bool *first, const char *key, double v)
{
	PutKey(b, first, key);
	lr_buf_put_double(b, v);
}

static void
PutStringField(LrBuf *b, bool *first, const char *key, const char *s)
{
	PutKey(b, first, key);
	lr_json_write_string(b, s, strlen(s));
}

static void
WriteBinStats(LrBuf *b, bool *first, const LrBin *bin)
{
	PutNumberField(b, first, "points", bin->points);
	if (bin->has & LR_HAS_WOE)
		PutNumberField(b, first, "woe", bin->woe);
	if (bin->has & LR_HAS_COUNT)
		PutNumberField(b, first, "count", (double) bin->count);
	if (bin->has & LR_HAS_BADS)
		PutNumberField(b, first, "bads", (double) bin->bads);
	if (bin->has & LR_HAS_IV)
		PutNumberField(b, first, "iv", bin->iv);
	if (bin->has & LR_HAS_LABEL)
		PutStringField(b, first, "label", bin->label);
}

static void
WriteBin(LrBuf *b, const LrBin *bin)
{
	bool		first = true;
	size_t		i;

	lr_buf_putc(b, '{');
	if (bin->kind == LR_BIN_RANGE)
	{
		PutKey(b, &first, "upper");
		if (isinf(bin->upper))
			lr_buf_puts(b, "null");
		else
			lr_buf_put_double(b, bin->upper);
	}
	else if (bin->kind == LR_BIN_VALUES || bin->kind == LR_BIN_SPECIAL)
	{
		PutKey(b, &first, "values");
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
	PutStringField(b, &first, "format", LR_CARD_FORMAT);
	if (card->name)
		PutStringField(b, &first, "name", card->name);
	if (card->description)
		PutStringField(b, &first, "description", card->description);
	if (card->has_scaling)
	{
		bool		f2 = true;

		PutKey(b, &first, "scaling");
		lr_buf_putc(b, '{');
		PutNumberField(b, &f2, "pdo", card->pdo);
		PutNumberField(b, &f2, "base_score", card->base_score);
		PutNumberField(b, &f2, "base_odds", card->base_odds);
		lr_buf_putc(b, '}');
	}
	PutNumberField(b, &first, "base_points", card->base_points);
	if (card->has_intercept)
		PutNumberField(b, &first, "intercept", card->intercept);
	PutKey(b, &first, "features");
	lr_buf_putc(b, '[');
	for (i = 0; i < card->nfeatures; i++)
	{
		const LrFeature *f = &card->features[i];
		bool		f2 = true;

		if (i > 0)
			lr_buf_puts(b, ", ");
		lr_buf_putc(b, '{');
		PutStringField(b, &f2, "name", f->name);
		PutStringField(b, &f2, "type", f->kind == LR_FEATURE_NUMERIC ? "numeric" : "categorical");
		if (f->description)
			PutStringField(b, &f2, "description", f->description);
		if (f->reason)
			PutStringField(b, &f2, "reason", f->reason);
		if (f->has_coefficient)
			PutNumberField(b, &f2, "coefficient", f->coefficient);
		if (f->has_iv)
			PutNumberField(b, &f2, "iv", f->iv);
		PutKey(b, &f2, "bins");
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
			PutKey(b, &f2, "missing");
			WriteBin(b, f->missing);
		}
		if (f->special)
		{
			PutKey(b, &f2, "special");
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
			PutKey(b, &f2, "unseen");
			WriteBin(b, f->unseen);
		}
		if (f->binning)
		{
			PutKey(b, &f2, "binning");
			lr_json_write_sorted(b, f->binning);
		}
		lr_buf_putc(b, '}');
	}
	lr_buf_putc(b, ']');
	if (card->statistics)
	{
		PutKey(b, &first, "statistics");
		lr_json_write_sorted(b, card->statistics);
	}
	if (card->training)
	{
		PutKey(b, &first, "training");
		lr_json_write_sorted(b, card->training);
	}
	if (card->metadata)
	{
		PutKey(b, &first, "metadata");
		lr_json_write_sorted(b, card->metadata);
	}
	return lr_buf_putc(b, '}');
}

/* ---------------------------------------------------------------- lookup */

const LrBin *
lr_feature_bin_missing(const LrFeature *f)
{
	return f->missing;
}

const LrBin *
lr_feature_bin_numeric_slow(const LrFeature *f, double v)
{
	size_t		n,
				idx;

	if (isnan(v))
		return f->missing;
	if (f->nspecial_values > 0)
	{
		size_t		lo = 0,
					hi = f->nspecial_values;

		while (lo < hi)
		{
			size_t		mid = (lo + hi) / 2;

			if (f->special_sorted[mid] < v)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < f->nspecial_values && f->special_sorted[lo] == v)
			return &f->special[f->special_index[lo]];
	}
	/* Bin index = number of finite upper bounds <= v (intervals are [lower, upper)). */
	n = f->nbins - 1;
	if (n <= 16)
	{
		idx = 0;
		for (size_t i = 0; i < n; i++)
			idx += (v >= f->uppers[i]);
	}
	else
	{
		size_t		lo = 0,
					hi = n;

		while (lo < hi)
		{
			size_t		mid = (lo + hi) / 2;

			if (f->uppers[mid] <= v)
				lo = mid + 1;
			else
				hi = mid;
		}
		idx = lo;
	}
	return &f->bins[idx];
}

const LrBin *
lr_feature_bin_categorical(const LrFeature *f, const char *s, size_t len)
{
	const LrCatHash *h = &f->cat;
	size_t		i = lr_hash_bytes(s, len) & h->mask;

	while (h->keys[i] != NULL)
	{
		if (h->keylens[i] == len && memcmp(h->keys[i], s, len) == 0)
			return &f->bins[h->bin[i]];
		i = (i + 1) & h->mask;
	}
	return f->unseen;
}

double
lr_bin_lower(const LrFeature *f, const LrBin *b)
{
	size_t		i = (size_t) (b - f->bins);

	if (b->kind != LR_BIN_RANGE || i == 0 || i >= f->nbins)
		return -INFINITY;
	return f->bins[i - 1].upper;
}

bool
lr_bin_label(const LrFeature *f, const LrBin *b, LrBuf *out)
{
	size_t		i;

	if (b->has & LR_HAS_LABEL)
		return lr_buf_puts(out, b->label);
	switch (b->kind)
	{
		case LR_BIN_RANGE:
			{
				double		lo = lr_bin_lower(f, b);

				lr_buf_putc(out, '[');
				if (isinf(lo))
					lr_buf_puts(out, "-inf");
				else
					lr_buf_put_double(out, lo);
				lr_buf_puts(out, ", ");
				if (isinf(b->upper))
					lr_buf_puts(out, "+inf");
				else
					lr_buf_put_double(out, b->upper);
				return lr_buf_putc(out, ')');
			}
		case LR_BIN_VALUES:
			for (i = 0; i < b->nvalues; i++)
			{
				if (i > 0)
					lr_buf_puts(out, ", ");
				lr_buf_append(out, b->values[i], b->valuelens[i]);
			}
			return !out->failed;
		case LR_BIN_SPECIAL:
			lr_buf_puts(out, "special: ");
			for (i = 0; i < b->nvalues; i++)
			{
				if (i > 0)
					lr_buf_puts(out, ", ");
				lr_buf_put_double(out, b->numvalues[i]);
			}
			return !out->failed;
		case LR_BIN_MISSING:
			return lr_buf_puts(out, "missing");
		case LR_BIN_UNSEEN:
			return lr_buf_puts(out, "unseen");
	}
	return false;
}

double
lr_card_pd(const LrCard *card, double score)
{
	double		log_odds = log(card->base_odds) + (score - card->base_score) / card->pdo * M_LN2;

	/* exp() overflows to +inf for very high scores, giving pd 0: the right limit. */
	return 1.0 / (1.0 + exp(log_odds));
}
