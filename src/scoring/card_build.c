/*
 * card_build.c
 *	  The card builder and lr_card_finish: every check a card promises and
 *	  the compiled points table, for cards parsed from JSON and cards made
 *	  in memory alike.  Pure C: see card.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/lr_jv.h"
#include "scoring/card.h"

/* Counts are exact integers in a double's mantissa (the text form is a JSON number). */
#define LR_COUNT_MAX INT64_C(9007199254740992)

LrCard *
lr_card_alloc(LrArena *arena, size_t nfeatures)
{
	LrCard	   *card = lr_arena_alloc0(arena, sizeof(LrCard));
	size_t		bytes;

	if (card == NULL)
		return NULL;
	card->nfeatures = nfeatures;
	if (nfeatures > 0 &&
		(!lr_size_mul(nfeatures, sizeof(LrFeature), &bytes) ||
		 (card->features = lr_arena_alloc0(arena, bytes)) == NULL))
		return NULL;
	return card;
}

static LrBin *
AllocBins(LrArena *arena, size_t n, LrBinKind kind)
{
	LrBin	   *b;
	size_t		bytes;

	if (!lr_size_mul(n, sizeof(LrBin), &bytes) || (b = lr_arena_alloc0(arena, bytes)) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		b[i].kind = kind;
	return b;
}

bool
lr_feature_alloc(LrFeature *f, LrArena *arena, const char *name, LrFeatureKind kind,
				 size_t nbins, size_t nspecial, bool missing, bool unseen)
{
	memset(f, 0, sizeof(*f));
	f->name = name;
	f->kind = kind;
	f->nbins = nbins;
	f->nspecial = nspecial;
	if (nbins > 0 &&
		(f->bins = AllocBins(arena, nbins,
							 kind == LR_FEATURE_NUMERIC ? LR_BIN_RANGE : LR_BIN_VALUES)) == NULL)
		return false;
	if (nspecial > 0 && (f->special = AllocBins(arena, nspecial, LR_BIN_SPECIAL)) == NULL)
		return false;
	if (missing && (f->missing = AllocBins(arena, 1, LR_BIN_MISSING)) == NULL)
		return false;
	if (unseen && (f->unseen = AllocBins(arena, 1, LR_BIN_UNSEEN)) == NULL)
		return false;
	if (kind == LR_FEATURE_NUMERIC && nbins > 0)
		f->bins[nbins - 1].upper = INFINITY;
	return true;
}

bool
lr_bin_alloc_values(LrBin *b, LrArena *arena, size_t n)
{
	size_t		bytes;

	b->nvalues = n;
	if (n == 0)
		return true;
	if (b->kind == LR_BIN_SPECIAL)
		return lr_size_mul(n, sizeof(double), &bytes) &&
			(b->numvalues = lr_arena_alloc0(arena, bytes)) != NULL;
	return lr_size_mul(n, sizeof(char *), &bytes) &&
		(b->values = lr_arena_alloc0(arena, bytes)) != NULL &&
		(b->valuelens = lr_arena_alloc0(arena, n * sizeof(size_t))) != NULL;
}

/* ---------------------------------------------------------------- checks */

/* A number field of the text form: finite, within [-max, max] when max > 0. */
static bool
CheckNumber(LrJv *c, const char *key, double v, double max)
{
	size_t		mark;

	if (isfinite(v) && (max <= 0 || fabs(v) <= max))
		return true;
	mark = lr_jv_enter_key(c, key);
	if (!isfinite(v))
		lr_jv_fail(c, "%g is not a finite number", v);
	else
		lr_jv_fail(c, "%g is outside the allowed range of -1e15 to 1e15", v);
	lr_jv_leave(c, mark);
	return false;
}

static bool
CheckCount(LrJv *c, const char *key, int64_t v)
{
	size_t		mark;

	if (v >= 0 && v <= LR_COUNT_MAX)
		return true;
	mark = lr_jv_enter_key(c, key);
	lr_jv_fail(c, "%g is not a non-negative integer count", (double) v);
	lr_jv_leave(c, mark);
	return false;
}

/* points and the statistics every kind of bin may carry. */
static bool
CheckBinCommon(LrJv *c, const LrBin *b)
{
	if (!CheckNumber(c, "points", b->points, LR_CARD_POINTS_MAX) ||
		((b->has & LR_HAS_WOE) && !CheckNumber(c, "woe", b->woe, 0)) ||
		((b->has & LR_HAS_IV) && !CheckNumber(c, "iv", b->iv, 0)) ||
		((b->has & LR_HAS_COUNT) && !CheckCount(c, "count", b->count)) ||
		((b->has & LR_HAS_BADS) && !CheckCount(c, "bads", b->bads)))
		return false;
	if ((b->has & LR_HAS_COUNT) && (b->has & LR_HAS_BADS) && b->bads > b->count)
		return lr_jv_fail(c, "bads (%lld) exceed count (%lld)", (long long) b->bads, (long long) b->count);
	if ((b->has & LR_HAS_LABEL) && b->label == NULL)
		return lr_jv_fail(c, "a bin marked as labelled has no label");
	return true;
}

static bool
CheckSimpleBin(LrJv *c, const char *key, const LrBin *b)
{
	size_t		mark;

	if (b == NULL)
		return true;
	mark = lr_jv_enter_key(c, key);
	if (!CheckBinCommon(c, b))
		return false;
	lr_jv_leave(c, mark);
	return true;
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
	int32_t		code;
} SpecialEntry;

static int
CompareSpecial(const void *a, const void *b)
{
	return CompareDouble(&((const SpecialEntry *) a)->v, &((const SpecialEntry *) b)->v);
}

/* Range bins: ascending finite bounds, the last +Infinity; the table's bounds. */
static bool
NumericBins(LrJv *c, const LrFeature *f, LrTableFeature *t)
{
	double	   *up;

	if ((up = lr_arena_alloc(c->arena, f->nbins * sizeof(double))) == NULL)
		return lr_jv_nomem(c);
	for (size_t i = 0; i < f->nbins; i++)
	{
		const LrBin *b = &f->bins[i];
		size_t		mark = lr_jv_enter_index(c, i);
		size_t		m2 = lr_jv_enter_key(c, "upper");

		if (!lr_jv_tick(c))
			return false;
		if (i + 1 == f->nbins)
		{
			if (!(isinf(b->upper) && b->upper > 0))
				return lr_jv_fail(c, "the last bin must have upper null (meaning +Infinity), not a number");
		}
		else
		{
			if (!isfinite(b->upper))
				return lr_jv_fail(c, "only the last bin may have upper null");
			if (i > 0 && !(b->upper > f->bins[i - 1].upper))
				return lr_jv_fail(c, "%g is not greater than the previous upper bound %g",
								  b->upper, f->bins[i - 1].upper);
			up[i] = b->upper;
		}
		lr_jv_leave(c, m2);
		if (!CheckBinCommon(c, b))
			return false;
		lr_jv_leave(c, mark);
	}
	t->uppers = up;
	t->nup = (int32_t) f->nbins - 1;
	return true;
}

/* Value bins: at least one value each, no value twice; the table's hash. */
static bool
CategoricalBins(LrJv *c, const LrFeature *f, LrTableFeature *t)
{
	LrCatHash  *h = &t->cat;
	size_t		total = 0,
				cap = 8;

	for (size_t i = 0; i < f->nbins; i++)
		total += f->bins[i].nvalues;
	while (cap < total * 2)
		cap *= 2;
	h->mask = cap - 1;
	if ((h->keys = lr_arena_alloc0(c->arena, cap * sizeof(char *))) == NULL ||
		(h->keylens = lr_arena_alloc(c->arena, cap * sizeof(size_t))) == NULL ||
		(h->code = lr_arena_alloc(c->arena, cap * sizeof(int32_t))) == NULL)
		return lr_jv_nomem(c);
	for (size_t i = 0; i < f->nbins; i++)
	{
		const LrBin *b = &f->bins[i];
		size_t		mark = lr_jv_enter_index(c, i);
		size_t		m2 = lr_jv_enter_key(c, "values");

		if (b->nvalues == 0)
			return lr_jv_fail(c, "must list at least one category");
		for (size_t j = 0; j < b->nvalues; j++)
		{
			const char *key = b->values[j];
			size_t		len = b->valuelens[j];
			size_t		k = lr_hash_bytes(key, len) & h->mask;
			size_t		m3 = lr_jv_enter_index(c, j);

			if (!lr_jv_tick(c))
				return false;
			while (h->keys[k] != NULL)
			{
				if (h->keylens[k] == len && memcmp(h->keys[k], key, len) == 0)
					return lr_jv_fail(c, "category \"%.100s\" is already listed in bins[%d]",
									  key, h->code[k]);
				k = (k + 1) & h->mask;
			}
			h->keys[k] = key;
			h->keylens[k] = len;
			h->code[k] = (int32_t) i;
			lr_jv_leave(c, m3);
		}
		lr_jv_leave(c, m2);
		if (!CheckBinCommon(c, b))
			return false;
		lr_jv_leave(c, mark);
	}
	return true;
}

/* Special bins: finite values, none listed twice; the table's sorted values. */
static bool
SpecialBins(LrJv *c, const LrFeature *f, LrTableFeature *t)
{
	size_t		total = 0,
				k = 0;
	SpecialEntry *all;
	double	   *sv;
	int32_t    *sc;

	for (size_t i = 0; i < f->nspecial; i++)
	{
		const LrBin *b = &f->special[i];
		size_t		mark = lr_jv_enter_index(c, i);
		size_t		m2 = lr_jv_enter_key(c, "values");

		if (b->nvalues == 0)
			return lr_jv_fail(c, "must list at least one special value");
		if (!lr_jv_tick(c))
			return false;
		for (size_t j = 0; j < b->nvalues; j++)
			if (!isfinite(b->numvalues[j]))
			{
				lr_jv_enter_index(c, j);
				return lr_jv_fail(c, "special value %g is not a finite number", b->numvalues[j]);
			}
		lr_jv_leave(c, m2);
		if (!CheckBinCommon(c, b))
			return false;
		lr_jv_leave(c, mark);
		total += b->nvalues;
	}
	if (total == 0)
		return true;
	if ((all = lr_arena_alloc(c->arena, total * sizeof(SpecialEntry))) == NULL ||
		(sv = lr_arena_alloc(c->arena, total * sizeof(double))) == NULL ||
		(sc = lr_arena_alloc(c->arena, total * sizeof(int32_t))) == NULL)
		return lr_jv_nomem(c);
	for (size_t i = 0; i < f->nspecial; i++)
		for (size_t j = 0; j < f->special[i].nvalues; j++)
		{
			all[k].v = f->special[i].numvalues[j];
			all[k].code = (int32_t) (f->nbins + i);
			k++;
		}
	/* One sorted table for lookup; a value listed twice is ambiguous. */
	if (!lr_tick_n(c->tick, 16 * total))
		return lr_tick_stop(c->err);
	qsort(all, total, sizeof(SpecialEntry), CompareSpecial);
	for (size_t i = 0; i < total; i++)
	{
		if (i > 0 && all[i].v == all[i - 1].v)
			return lr_jv_fail(c, "special value %g is listed more than once", all[i].v);
		sv[i] = all[i].v;
		sc[i] = all[i].code;
	}
	t->nspecial = total;
	t->special = sv;
	t->special_code = sc;
	return true;
}

/* The per-code arrays: points, WOE and bin of every code, in code order. */
static bool
Codes(LrJv *c, const LrFeature *f, LrTableFeature *t)
{
	size_t		n = f->nbins + f->nspecial + (f->missing != NULL) + (f->unseen != NULL);
	double	   *points,
			   *woe;
	const LrBin **bin;
	size_t		k = 0;

	if ((points = lr_arena_alloc(c->arena, n * sizeof(double))) == NULL ||
		(woe = lr_arena_alloc(c->arena, n * sizeof(double))) == NULL ||
		(bin = lr_arena_alloc(c->arena, n * sizeof(LrBin *))) == NULL)
		return lr_jv_nomem(c);
	for (size_t i = 0; i < f->nbins; i++)
		bin[k++] = &f->bins[i];
	for (size_t i = 0; i < f->nspecial; i++)
		bin[k++] = &f->special[i];
	t->missing = LR_CODE_NONE;
	t->unseen = LR_CODE_NONE;
	if (f->missing)
	{
		t->missing = (int32_t) k;
		bin[k++] = f->missing;
	}
	if (f->unseen)
	{
		t->unseen = (int32_t) k;
		bin[k++] = f->unseen;
	}
	t->max_points = -INFINITY;
	for (k = 0; k < n; k++)
	{
		points[k] = bin[k]->points;
		woe[k] = (bin[k]->has & LR_HAS_WOE) ? bin[k]->woe : NAN;
		if (points[k] > t->max_points)
			t->max_points = points[k];
	}
	t->ncodes = (int32_t) n;
	t->points = points;
	t->woe = woe;
	t->bin = bin;
	return true;
}

typedef struct NameEntry
{
	const char *name;
	size_t		i;
} NameEntry;

static int
CompareName(const void *a, const void *b)
{
	const NameEntry *x = a;
	const NameEntry *y = b;
	int			r = strcmp(x->name, y->name);

	return r != 0 ? r : (x->i > y->i) - (x->i < y->i);
}

/*
 * For each feature, the first earlier feature of the same name (or
 * SIZE_MAX): sorted by name, so a card of many features is checked in
 * n log n, not n^2.  NULL names are left to FinishFeature.
 */
static size_t *
EarlierNames(LrJv *c, const LrCard *card)
{
	size_t		n = card->nfeatures,
				k = 0;
	NameEntry  *e = lr_arena_alloc(c->arena, n * sizeof(NameEntry));
	size_t	   *dup = lr_arena_alloc(c->arena, n * sizeof(size_t));

	if (e == NULL || dup == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
	{
		dup[i] = SIZE_MAX;
		if (card->features[i].name != NULL)
		{
			e[k].name = card->features[i].name;
			e[k].i = i;
			k++;
		}
	}
	if (!lr_tick_n(c->tick, 16 * k))
	{
		lr_tick_stop(c->err);
		return NULL;
	}
	qsort(e, k, sizeof(NameEntry), CompareName);
	for (size_t j = 1, first = 0; j < k; j++)
	{
		if (strcmp(e[j].name, e[first].name) != 0)
			first = j;
		else
			dup[e[j].i] = e[first].i;
	}
	return dup;
}

static bool
FinishFeature(LrJv *c, const LrCard *card, size_t i, size_t dup, LrTableFeature *t)
{
	const LrFeature *f = &card->features[i];
	size_t		mark;

	memset(t, 0, sizeof(*t));
	t->feature = f;
	t->kind = f->kind;
	mark = lr_jv_enter_key(c, "name");
	if (f->name == NULL || f->name[0] == '\0')
		return lr_jv_fail(c, "a feature name must not be empty");
	if (strlen(f->name) > LR_CARD_NAME_MAX)
		return lr_jv_fail(c, "\"%.100s\" is longer than %d bytes, so it cannot name a column",
						  f->name, LR_CARD_NAME_MAX);
	lr_jv_leave(c, mark);
	if (f->kind != LR_FEATURE_NUMERIC && f->kind != LR_FEATURE_CATEGORICAL)
	{
		lr_jv_enter_key(c, "type");
		return lr_jv_fail(c, "not a feature type (numeric or categorical)");
	}
	if ((f->has_coefficient && !CheckNumber(c, "coefficient", f->coefficient, 0)) ||
		(f->has_iv && !CheckNumber(c, "iv", f->iv, 0)))
		return false;

	mark = lr_jv_enter_key(c, "bins");
	if (f->nbins == 0)
		return lr_jv_fail(c, "a %s feature needs at least one bin",
						  f->kind == LR_FEATURE_NUMERIC ? "numeric" : "categorical");
	if (f->kind == LR_FEATURE_NUMERIC ? !NumericBins(c, f, t) : !CategoricalBins(c, f, t))
		return false;
	lr_jv_leave(c, mark);

	if (!CheckSimpleBin(c, "missing", f->missing))
		return false;
	if (f->kind == LR_FEATURE_NUMERIC)
	{
		if (f->unseen != NULL)
		{
			lr_jv_enter_key(c, "unseen");
			return lr_jv_fail(c, "only categorical features have an \"unseen\" bin");
		}
		mark = lr_jv_enter_key(c, "special");
		if (!SpecialBins(c, f, t))
			return false;
		lr_jv_leave(c, mark);
	}
	else
	{
		if (f->nspecial > 0)
		{
			lr_jv_enter_key(c, "special");
			return lr_jv_fail(c, "only numeric features have special values; list them as categories");
		}
		if (!CheckSimpleBin(c, "unseen", f->unseen))
			return false;
	}
	if (!Codes(c, f, t))
		return false;
	t->direct = f->kind == LR_FEATURE_NUMERIC && t->nspecial == 0 && t->nup <= LR_CODE_DIRECT_MAX;

	if (dup != SIZE_MAX)
	{
		lr_jv_enter_key(c, "name");
		return lr_jv_fail(c, "feature \"%.100s\" is already defined at features[%zu]", f->name, dup);
	}
	return true;
}

/* The calibration: finite numbers, a positive slope, and a scaling to calibrate. */
static bool
CheckCalibration(LrJv *c, const LrCard *card)
{
	const LrCalibration *cal = &card->calibration;
	size_t		mark;

	if (cal->method == LR_CALIBRATION_NONE)
		return true;
	mark = lr_jv_enter_key(c, "calibration");
	if (cal->method != LR_CALIBRATION_PLATT)
		return lr_jv_fail_at(c, "method", "not a calibration method (none or platt)");
	if (!card->has_scaling)
		return lr_jv_fail(c, "a card without scaling has no probabilities to calibrate");
	if (!CheckNumber(c, "intercept", cal->intercept, 0))
		return false;
	if (!(cal->slope > 0) || !isfinite(cal->slope))
		return lr_jv_fail_at(c, "slope", "%g is not a positive finite number (a calibration keeps the order of scores)",
							 cal->slope);
	lr_jv_leave(c, mark);
	return true;
}

/* The covariance: finite, symmetric, variances not negative. */
static bool
CheckCovariance(LrJv *c, const LrCard *card)
{
	size_t		n = card->nfeatures + 1;
	const double *m = card->covariance;
	size_t		mark;

	if (m == NULL)
		return true;
	mark = lr_jv_enter_key(c, "covariance");
	for (size_t i = 0; i < n; i++)
	{
		size_t		m2 = lr_jv_enter_index(c, i);

		if (!lr_jv_tick(c))
			return false;
		for (size_t j = 0; j < n; j++)
		{
			double		v = m[i * n + j];
			size_t		m3 = lr_jv_enter_index(c, j);

			if (!isfinite(v))
				return lr_jv_fail(c, "%g is not a finite number", v);
			if (i == j && v < 0)
				return lr_jv_fail(c, "a variance must not be negative, got %g", v);
			if (v != m[j * n + i])
				return lr_jv_fail(c, "%g differs from [%zu][%zu], %g: a covariance is symmetric",
								  v, j, i, m[j * n + i]);
			lr_jv_leave(c, m3);
		}
		lr_jv_leave(c, m2);
	}
	lr_jv_leave(c, mark);
	return true;
}

bool
lr_card_finish(LrCard *card, LrArena *arena, LrError *err)
{
	return lr_card_finish_tick(card, arena, NULL, err);
}

bool
lr_card_finish_tick(LrCard *card, LrArena *arena, LrTick *tick, LrError *err)
{
	LrJv		c;
	LrTableFeature *tf = NULL;
	size_t	   *dup = NULL;
	size_t		mark;

	lr_jv_init(&c, arena, err);
	c.tick = tick;
	if (!CheckNumber(&c, "base_points", card->base_points, LR_CARD_POINTS_MAX) ||
		(card->has_intercept && !CheckNumber(&c, "intercept", card->intercept, 0)))
		return false;
	if (card->has_scaling)
	{
		mark = lr_jv_enter_key(&c, "scaling");
		if (!(card->pdo > 0) || !isfinite(card->pdo))
		{
			lr_jv_enter_key(&c, "pdo");
			return lr_jv_fail(&c, "points to double the odds must be positive, not %g", card->pdo);
		}
		if (!CheckNumber(&c, "base_score", card->base_score, 0))
			return false;
		if (!(card->base_odds > 0) || !isfinite(card->base_odds))
		{
			lr_jv_enter_key(&c, "base_odds");
			return lr_jv_fail(&c, "base odds must be positive, not %g", card->base_odds);
		}
		lr_jv_leave(&c, mark);
		card->log_base_odds = log(card->base_odds);
	}
	if (!CheckCalibration(&c, card) || !CheckCovariance(&c, card))
		return false;

	if (card->nfeatures > 0 &&
		((tf = lr_arena_alloc0(arena, card->nfeatures * sizeof(LrTableFeature))) == NULL ||
		 (dup = EarlierNames(&c, card)) == NULL))
		return err->kind != LR_OK ? false : lr_jv_nomem(&c);
	mark = lr_jv_enter_key(&c, "features");
	for (size_t i = 0; i < card->nfeatures; i++)
	{
		size_t		m2 = lr_jv_enter_index(&c, i);

		if (!lr_jv_tick(&c) || !FinishFeature(&c, card, i, dup[i], &tf[i]))
			return false;
		lr_jv_leave(&c, m2);
	}
	lr_jv_leave(&c, mark);
	card->table.base_points = card->base_points;
	card->table.nfeatures = card->nfeatures;
	card->table.features = tf;
	return true;
}
