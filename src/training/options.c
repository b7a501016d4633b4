/*
 * options.c
 *	  Parsing, validation and echo of the training options; see options.h.
 *	  Pure C.  Messages name the JSON path: "binning.max_bins: expected an
 *	  integer from 1 to 20, got 0".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "training/options.h"

static const char *
KindName(const LrJson *v)
{
	return lr_json_kind_name(v->kind);
}

static void
ValueText(const LrJson *v, char *buf, size_t len)
{
	switch (v->kind)
	{
		case LRJ_NUMBER:
			lr_format_double(buf, len, v->num);
			break;
		case LRJ_STRING:
			snprintf(buf, len, "\"%.*s\"", (int) (v->len > 60 ? 60 : v->len), v->str);
			break;
		case LRJ_BOOL:
			snprintf(buf, len, "%s", v->b ? "true" : "false");
			break;
		default:
			snprintf(buf, len, "%s", KindName(v));
			break;
	}
}

/* Checks that obj is an object whose keys are all in allowed (NULL-terminated). */
static bool
CheckKeys(const LrJson *obj, const char *const *allowed, LrPath *path, LrError *err)
{
	if (obj->kind != LRJ_OBJECT && path->len == 0)
		return lr_error_set(err, LR_ERR_INVALID, "options must be a JSON object, not %s", KindName(obj));
	if (obj->kind != LRJ_OBJECT)
		return lr_error_set(err, LR_ERR_INVALID, "%s: expected an object, got %s",
							lr_path_str(path), KindName(obj));
	for (size_t i = 0; i < obj->n; i++)
	{
		bool		ok = false;

		for (const char *const *a = allowed; *a != NULL; a++)
			if (strcmp(obj->keys[i], *a) == 0)
				ok = true;
		if (!ok)
		{
			char		list[400];
			size_t		w = 0;

			for (const char *const *a = allowed; *a != NULL && w + 40 < sizeof(list); a++)
				w += (size_t) snprintf(list + w, sizeof(list) - w, "%s%s", a == allowed ? "" : ", ", *a);
			if (path->len == 0)
				lr_error_set(err, LR_ERR_INVALID, "unknown option \"%.100s\"", obj->keys[i]);
			else
				lr_error_set(err, LR_ERR_INVALID, "%s: unknown option \"%.100s\"",
							 lr_path_str(path), obj->keys[i]);
			lr_error_detail(err, "The options here are %s.", list);
			return false;
		}
	}
	return true;
}

/* Number member key of obj in [lo, hi] (open ends when lo_open / hi_open); absent leaves *out. */
static bool
GetNum(const LrJson *obj, const char *key, double lo, bool lo_open, double hi, bool hi_open,
	   bool nullable, bool *isnull, double *out, LrPath *path, LrError *err)
{
	const LrJson *v = lr_json_get(obj, key);
	size_t		mark;
	bool		ok = true;

	if (v == NULL)
		return true;
	mark = lr_path_key(path, key);
	if (v->kind == LRJ_NULL && nullable)
	{
		*isnull = true;
		lr_path_pop(path, mark);
		return true;
	}
	if (v->kind != LRJ_NUMBER)
		ok = lr_error_set(err, LR_ERR_INVALID, "%s: expected a number, got %s",
						  lr_path_str(path), KindName(v));
	else if ((lo_open ? v->num <= lo : v->num < lo) || (hi_open ? v->num >= hi : v->num > hi))
	{
		char		a[40],
					b[40],
					g[40];

		lr_format_double(a, sizeof(a), lo);
		lr_format_double(b, sizeof(b), hi);
		lr_format_double(g, sizeof(g), v->num);
		if (isinf(hi))
			ok = lr_error_set(err, LR_ERR_INVALID, "%s: expected a number %s %s, got %s",
							  lr_path_str(path), lo_open ? "above" : "of at least", a, g);
		else
			ok = lr_error_set(err, LR_ERR_INVALID, "%s: expected a number from %s%s to %s%s, got %s",
							  lr_path_str(path), a, lo_open ? " (excluded)" : "", b,
							  hi_open ? " (excluded)" : "", g);
	}
	else
	{
		*out = v->num;
		if (isnull)
			*isnull = false;
	}
	lr_path_pop(path, mark);
	return ok;
}

static bool
GetInt(const LrJson *obj, const char *key, int lo, int hi, int *out, LrPath *path, LrError *err)
{
	const LrJson *v = lr_json_get(obj, key);
	size_t		mark;
	bool		ok = true;

	if (v == NULL)
		return true;
	mark = lr_path_key(path, key);
	if (v->kind != LRJ_NUMBER || v->num != floor(v->num) || v->num < lo || v->num > hi)
	{
		char		g[60];

		ValueText(v, g, sizeof(g));
		ok = lr_error_set(err, LR_ERR_INVALID, "%s: expected an integer from %d to %d, got %s",
						  lr_path_str(path), lo, hi, g);
	}
	else
		*out = (int) v->num;
	lr_path_pop(path, mark);
	return ok;
}

static bool
GetBool(const LrJson *obj, const char *key, bool *out, LrPath *path, LrError *err)
{
	const LrJson *v = lr_json_get(obj, key);
	size_t		mark;
	bool		ok = true;

	if (v == NULL)
		return true;
	mark = lr_path_key(path, key);
	if (v->kind != LRJ_BOOL)
		ok = lr_error_set(err, LR_ERR_INVALID, "%s: expected true or false, got %s",
						  lr_path_str(path), KindName(v));
	else
		*out = v->b;
	lr_path_pop(path, mark);
	return ok;
}

/* String member that must be one of names (NULL-terminated); *out = its index. */
static bool
GetEnum(const LrJson *obj, const char *key, const char *const *names, int *out, LrPath *path,
		LrError *err)
{
	const LrJson *v = lr_json_get(obj, key);
	size_t		mark;
	bool		ok = false;

	if (v == NULL)
		return true;
	mark = lr_path_key(path, key);
	if (v->kind == LRJ_STRING)
		for (int i = 0; names[i] != NULL; i++)
			if (strcmp(v->str, names[i]) == 0 && strlen(names[i]) == v->len)
			{
				*out = i;
				ok = true;
			}
	if (!ok)
	{
		char		list[200];
		char		g[80];
		size_t		w = 0;

		for (int i = 0; names[i] != NULL && w + 30 < sizeof(list); i++)
			w += (size_t) snprintf(list + w, sizeof(list) - w, "%s\"%s\"", i == 0 ? "" : ", ", names[i]);
		ValueText(v, g, sizeof(g));
		lr_error_set(err, LR_ERR_INVALID, "%s: expected one of %s, got %s", lr_path_str(path), list, g);
	}
	lr_path_pop(path, mark);
	return ok;
}

static bool
GetString(const LrJson *obj, const char *key, bool nullable, const char **out, LrPath *path,
		  LrError *err)
{
	const LrJson *v = lr_json_get(obj, key);
	size_t		mark;
	bool		ok = true;

	if (v == NULL)
		return true;
	mark = lr_path_key(path, key);
	if (v->kind == LRJ_NULL && nullable)
		*out = NULL;
	else if (v->kind != LRJ_STRING)
		ok = lr_error_set(err, LR_ERR_INVALID, "%s: expected a string, got %s",
						  lr_path_str(path), KindName(v));
	else if (v->len == 0)
		ok = lr_error_set(err, LR_ERR_INVALID, "%s: must not be empty", lr_path_str(path));
	else
		*out = v->str;
	lr_path_pop(path, mark);
	return ok;
}

static int
CmpDouble(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return x < y ? -1 : x > y;
}

/*
 * Array of numbers.  ascending: strictly increasing (split points);
 * otherwise distinct (special values, sorted for the echo).
 */
static bool
GetNumArray(const LrJson *obj, const char *key, bool ascending, size_t max, LrArena *arena,
			const double **out, size_t *nout, bool *given, LrPath *path, LrError *err)
{
	const LrJson *v = lr_json_get(obj, key);
	size_t		mark;
	double	   *a;

	if (v == NULL)
		return true;
	mark = lr_path_key(path, key);
	if (v->kind != LRJ_ARRAY)
		return lr_error_set(err, LR_ERR_INVALID, "%s: expected an array of numbers, got %s",
							lr_path_str(path), KindName(v));
	if (v->n > max)
		return lr_error_set(err, LR_ERR_LIMIT, "%s: %zu values are more than the limit of %zu",
							lr_path_str(path), v->n, max);
	a = lr_arena_alloc(arena, (v->n + 1) * sizeof(double));
	if (a == NULL)
		return lr_error_nomem(err, NULL);
	for (size_t i = 0; i < v->n; i++)
	{
		const LrJson *x = v->items[i];
		size_t		m2 = lr_path_index(path, i);

		if (x->kind != LRJ_NUMBER)
			return lr_error_set(err, LR_ERR_INVALID, "%s: expected a number, got %s",
								lr_path_str(path), KindName(x));
		a[i] = x->num == 0 ? 0 : x->num;
		if (ascending && i > 0 && !(a[i] > a[i - 1]))
		{
			char		p[40],
						c[40];

			lr_format_double(p, sizeof(p), a[i - 1]);
			lr_format_double(c, sizeof(c), a[i]);
			return lr_error_set(err, LR_ERR_INVALID, "%s: %s is not greater than the previous split point %s",
								lr_path_str(path), c, p);
		}
		lr_path_pop(path, m2);
	}
	if (!ascending)
	{
		qsort(a, v->n, sizeof(double), CmpDouble);
		for (size_t i = 1; i < v->n; i++)
			if (a[i] == a[i - 1])
			{
				char		c[40];

				lr_format_double(c, sizeof(c), a[i]);
				return lr_error_set(err, LR_ERR_INVALID, "%s: special value %s is listed more than once",
									lr_path_str(path), c);
			}
	}
	*out = a;
	*nout = v->n;
	if (given)
		*given = true;
	lr_path_pop(path, mark);
	return true;
}

static const char *const trend_names[] = {"auto", "ascending", "descending", "peak", "valley", "none", NULL};
static const char *const unseen_names[] = {"worst", "neutral", NULL};
static const char *const type_names[] = {"auto", "numeric", "categorical", NULL};
static const char *const stepwise_names[] = {"none", "aic", "bic", NULL};

/* The binning members of obj (common or per feature) over o. */
static bool
ParseBin(const LrJson *obj, bool feature, LrArena *arena, LrBinOptions *o, LrFeatOpt *fo,
		 LrPath *path, LrError *err)
{
	static const char *const common[] = {"max_bins", "min_bin_share", "trend", "min_bad_rate_diff",
	"max_prebins", "special_values", "unseen", NULL};
	static const char *const perfeat[] = {"max_bins", "min_bin_share", "trend", "min_bad_rate_diff",
	"max_prebins", "special_values", "unseen", "splits", "type", NULL};
	int			e;

	if (!CheckKeys(obj, feature ? perfeat : common, path, err))
		return false;
	if (!GetInt(obj, "max_bins", 1, LR_BIN_MAX_BINS, &o->max_bins, path, err) ||
		!GetNum(obj, "min_bin_share", 0, false, 0.5, false, false, NULL, &o->min_bin_share, path, err) ||
		!GetNum(obj, "min_bad_rate_diff", 0, false, 1, true, false, NULL, &o->min_bad_rate_diff, path, err) ||
		!GetInt(obj, "max_prebins", 2, LR_BIN_MAX_PREBINS, &o->max_prebins, path, err))
		return false;
	e = (int) o->trend;
	if (!GetEnum(obj, "trend", trend_names, &e, path, err))
		return false;
	o->trend = (LrTrend) e;
	e = (int) o->unseen;
	if (!GetEnum(obj, "unseen", unseen_names, &e, path, err))
		return false;
	o->unseen = (LrUnseenPolicy) e;
	if (!GetNumArray(obj, "special_values", false, LR_BIN_MAX_SPECIALS, arena, &o->special, &o->nspecial,
					 fo ? &fo->given_special : NULL, path, err))
		return false;
	if (feature)
	{
		if (!GetNumArray(obj, "splits", true, LR_BIN_MAX_SPLITS, arena, &o->splits, &o->nsplits,
						 &fo->given_splits, path, err))
			return false;
		e = (int) o->type;
		if (!GetEnum(obj, "type", type_names, &e, path, err))
			return false;
		o->type = (LrFeatType) e;
		fo->given_type = lr_json_get(obj, "type") != NULL;
		/* A split point that is also a special value would cut a bin of no values. */
		for (size_t i = 0; i < o->nsplits; i++)
			for (size_t k = 0; k < o->nspecial; k++)
				if (o->splits[i] == o->special[k])
				{
					char		c[40];

					lr_format_double(c, sizeof(c), o->splits[i]);
					return lr_error_set(err, LR_ERR_INVALID, "%s: %s is both a split point and a special value",
										lr_path_str(path), c);
				}
	}
	return true;
}

void
lr_train_options_default(LrTrainOptions *o)
{
	memset(o, 0, sizeof(*o));
	lr_bin_options_default(&o->bin);
	o->min_iv = 0.02;
	o->max_correlation = 0.7;
	o->max_vif = 0;
	o->stepwise = LR_STEPWISE_NONE;
	o->check_signs = true;
	o->max_iterations = 25;
	o->tolerance = 1e-10;
	o->l2 = 0;
	o->pdo = 20;
	o->base_score = 600;
	o->base_odds = 50;
	o->round_points = false;
}

bool
lr_train_options_parse(const char *text, size_t len, LrOptMode mode, LrArena *arena,
					   const LrJsonOptions *jopts, LrTrainOptions *o, LrError *err)
{
	static const char *const top_train[] = {"name", "description", "binning", "features",
	"selection", "fit", "scaling", NULL};
	static const char *const top_bin[] = {"binning", "features", NULL};
	LrJson	   *root;
	LrPath		path;
	const LrJson *v;

	lr_train_options_default(o);
	if (!lr_json_parse(text, len, arena, jopts, &root, err))
		return false;
	lr_path_init(&path);
	if (!CheckKeys(root, mode == LR_OPT_TRAIN ? top_train : top_bin, &path, err))
		return false;
	if ((v = lr_json_get(root, "binning")) != NULL)
	{
		size_t		m = lr_path_key(&path, "binning");

		if (!ParseBin(v, false, arena, &o->bin, NULL, &path, err))
			return false;
		lr_path_pop(&path, m);
	}
	if ((v = lr_json_get(root, "features")) != NULL)
	{
		size_t		m = lr_path_key(&path, "features");

		if (v->kind != LRJ_OBJECT)
			return lr_error_set(err, LR_ERR_INVALID, "%s: expected an object keyed by feature name, got %s",
								lr_path_str(&path), KindName(v));
		o->nfeat = v->n;
		o->feat = lr_arena_alloc0(arena, (v->n + 1) * sizeof(LrFeatOpt));
		if (o->feat == NULL)
			return lr_error_nomem(err, NULL);
		for (size_t i = 0; i < v->n; i++)
		{
			size_t		m2 = lr_path_key(&path, v->keys[i]);
			LrFeatOpt  *fo = &o->feat[i];

			fo->name = v->keys[i];
			fo->bin = o->bin;
			fo->json = v->items[i];
			if (!ParseBin(v->items[i], true, arena, &fo->bin, fo, &path, err))
				return false;
			lr_path_pop(&path, m2);
		}
		lr_path_pop(&path, m);
	}
	if (mode == LR_OPT_BINNING)
		return true;
	if (!GetString(root, "name", true, &o->name, &path, err) ||
		!GetString(root, "description", true, &o->description, &path, err))
		return false;
	if ((v = lr_json_get(root, "selection")) != NULL)
	{
		static const char *const keys[] = {"min_iv", "max_correlation", "max_vif", "stepwise",
		"check_signs", NULL};
		size_t		m = lr_path_key(&path, "selection");
		bool		vifnull = false;
		int			e = (int) o->stepwise;

		if (!CheckKeys(v, keys, &path, err) ||
			!GetNum(v, "min_iv", 0, false, INFINITY, false, false, NULL, &o->min_iv, &path, err) ||
			!GetNum(v, "max_correlation", 0, true, 1, false, false, NULL, &o->max_correlation, &path, err) ||
			!GetNum(v, "max_vif", 1, false, INFINITY, false, true, &vifnull, &o->max_vif, &path, err) ||
			!GetEnum(v, "stepwise", stepwise_names, &e, &path, err) ||
			!GetBool(v, "check_signs", &o->check_signs, &path, err))
			return false;
		if (vifnull)
			o->max_vif = 0;
		o->stepwise = (LrStepwise) e;
		lr_path_pop(&path, m);
	}
	if ((v = lr_json_get(root, "fit")) != NULL)
	{
		static const char *const keys[] = {"max_iterations", "tolerance", "l2", NULL};
		size_t		m = lr_path_key(&path, "fit");

		if (!CheckKeys(v, keys, &path, err) ||
			!GetInt(v, "max_iterations", 1, 1000, &o->max_iterations, &path, err) ||
			!GetNum(v, "tolerance", 0, true, 0.01, false, false, NULL, &o->tolerance, &path, err) ||
			!GetNum(v, "l2", 0, false, 1e12, false, false, NULL, &o->l2, &path, err))
			return false;
		lr_path_pop(&path, m);
	}
	if ((v = lr_json_get(root, "scaling")) != NULL)
	{
		static const char *const keys[] = {"pdo", "base_score", "base_odds", "round_points", NULL};
		size_t		m = lr_path_key(&path, "scaling");

		if (!CheckKeys(v, keys, &path, err) ||
			!GetNum(v, "pdo", 0, true, 1e6, false, false, NULL, &o->pdo, &path, err) ||
			!GetNum(v, "base_score", -1e9, false, 1e9, false, false, NULL, &o->base_score, &path, err) ||
			!GetNum(v, "base_odds", 0, true, 1e12, false, false, NULL, &o->base_odds, &path, err) ||
			!GetBool(v, "round_points", &o->round_points, &path, err))
			return false;
		lr_path_pop(&path, m);
	}
	return true;
}

const LrBinOptions *
lr_train_options_for(LrTrainOptions *o, const char *name, LrFeatOpt **entry)
{
	for (size_t i = 0; i < o->nfeat; i++)
		if (strcmp(o->feat[i].name, name) == 0)
		{
			o->feat[i].used = true;
			if (entry)
				*entry = &o->feat[i];
			return &o->feat[i].bin;
		}
	if (entry)
		*entry = NULL;
	return &o->bin;
}

static LrJson *
Num(LrArena *arena, double v)
{
	return lr_json_new_number(arena, v);
}

static LrJson *
Str(LrArena *arena, const char *s)
{
	return s == NULL ? lr_json_new(arena, LRJ_NULL) : lr_json_new_string(arena, s, strlen(s));
}

static LrJson *
BinJson(LrArena *arena, const LrBinOptions *b, bool feature)
{
	LrJson	   *j = lr_json_new(arena, LRJ_OBJECT);
	bool		ok = j != NULL &&
		lr_json_put(arena, j, "max_bins", Num(arena, b->max_bins)) &&
		lr_json_put(arena, j, "min_bin_share", Num(arena, b->min_bin_share)) &&
		lr_json_put(arena, j, "trend", Str(arena, lr_trend_name(b->trend))) &&
		lr_json_put(arena, j, "min_bad_rate_diff", Num(arena, b->min_bad_rate_diff)) &&
		lr_json_put(arena, j, "max_prebins", Num(arena, b->max_prebins)) &&
		lr_json_put(arena, j, "special_values", lr_json_new_numbers(arena, b->special, b->nspecial)) &&
		lr_json_put(arena, j, "unseen", Str(arena, unseen_names[b->unseen]));

	if (ok && feature)
		ok = lr_json_put(arena, j, "splits", lr_json_new_numbers(arena, b->splits, b->nsplits)) &&
			lr_json_put(arena, j, "type", Str(arena, type_names[b->type]));
	return ok ? j : NULL;
}

LrJson *
lr_train_options_json(const LrTrainOptions *o, LrOptMode mode, LrArena *arena)
{
	LrJson	   *j = lr_json_new(arena, LRJ_OBJECT);
	LrJson	   *feats = lr_json_new(arena, LRJ_OBJECT);
	LrJson	   *sel,
			   *fit,
			   *scaling;
	bool		ok;

	if (j == NULL || feats == NULL)
		return NULL;
	for (size_t i = 0; i < o->nfeat; i++)
		if (!lr_json_put(arena, feats, o->feat[i].name, BinJson(arena, &o->feat[i].bin, true)))
			return NULL;
	ok = lr_json_put(arena, j, "binning", BinJson(arena, &o->bin, false)) &&
		lr_json_put(arena, j, "features", feats);
	if (!ok || mode != LR_OPT_TRAIN)
		return ok ? j : NULL;
	sel = lr_json_new(arena, LRJ_OBJECT);
	fit = lr_json_new(arena, LRJ_OBJECT);
	scaling = lr_json_new(arena, LRJ_OBJECT);
	ok = sel != NULL && fit != NULL && scaling != NULL &&
		lr_json_put(arena, sel, "min_iv", Num(arena, o->min_iv)) &&
		lr_json_put(arena, sel, "max_correlation", Num(arena, o->max_correlation)) &&
		lr_json_put(arena, sel, "max_vif",
					o->max_vif > 0 ? Num(arena, o->max_vif) : lr_json_new(arena, LRJ_NULL)) &&
		lr_json_put(arena, sel, "stepwise", Str(arena, stepwise_names[o->stepwise])) &&
		lr_json_put(arena, sel, "check_signs", lr_json_new_bool(arena, o->check_signs)) &&
		lr_json_put(arena, fit, "max_iterations", Num(arena, o->max_iterations)) &&
		lr_json_put(arena, fit, "tolerance", Num(arena, o->tolerance)) &&
		lr_json_put(arena, fit, "l2", Num(arena, o->l2)) &&
		lr_json_put(arena, scaling, "pdo", Num(arena, o->pdo)) &&
		lr_json_put(arena, scaling, "base_score", Num(arena, o->base_score)) &&
		lr_json_put(arena, scaling, "base_odds", Num(arena, o->base_odds)) &&
		lr_json_put(arena, scaling, "round_points", lr_json_new_bool(arena, o->round_points)) &&
		lr_json_put(arena, j, "selection", sel) &&
		lr_json_put(arena, j, "fit", fit) &&
		lr_json_put(arena, j, "scaling", scaling) &&
		(o->name == NULL || lr_json_put(arena, j, "name", Str(arena, o->name))) &&
		(o->description == NULL || lr_json_put(arena, j, "description", Str(arena, o->description)));
	return ok ? j : NULL;
}

/* Writes a document built in a scratch arena over the buffer's allocator. */
static bool
WriteJson(LrJson *(*build) (const void *o, LrOptMode mode, LrArena *arena), const void *o,
		  LrOptMode mode, LrBuf *out)
{
	LrArena		arena;
	LrJson	   *j;
	bool		ok;

	lr_arena_init(&arena, out->a, 0);
	j = build(o, mode, &arena);
	ok = j != NULL && lr_json_write(out, j);
	lr_arena_release(&arena);
	return ok && !out->failed;
}

static LrJson *
TrainBuild(const void *o, LrOptMode mode, LrArena *arena)
{
	return lr_train_options_json(o, mode, arena);
}

bool
lr_train_options_write(const LrTrainOptions *o, LrOptMode mode, LrBuf *out)
{
	return WriteJson(TrainBuild, o, mode, out);
}

void
lr_fit_options_default(LrFitOptions *o)
{
	memset(o, 0, sizeof(*o));
	o->max_iterations = 25;
	o->tolerance = 1e-10;
	o->l2 = 0;
	o->intercept = true;
}

bool
lr_fit_options_parse(const char *text, size_t len, LrArena *arena, const LrJsonOptions *jopts,
					 LrFitOptions *o, LrError *err)
{
	static const char *const keys[] = {"max_iterations", "tolerance", "l2", "intercept", "weight",
	"offset", NULL};
	LrJson	   *root;
	LrPath		path;

	lr_fit_options_default(o);
	if (!lr_json_parse(text, len, arena, jopts, &root, err))
		return false;
	lr_path_init(&path);
	return CheckKeys(root, keys, &path, err) &&
		GetInt(root, "max_iterations", 1, 1000, &o->max_iterations, &path, err) &&
		GetNum(root, "tolerance", 0, true, 0.01, false, false, NULL, &o->tolerance, &path, err) &&
		GetNum(root, "l2", 0, false, 1e12, false, false, NULL, &o->l2, &path, err) &&
		GetBool(root, "intercept", &o->intercept, &path, err) &&
		GetString(root, "weight", true, &o->weight, &path, err) &&
		GetString(root, "offset", true, &o->offset, &path, err);
}

LrJson *
lr_fit_options_json(const LrFitOptions *o, LrArena *arena)
{
	LrJson	   *j = lr_json_new(arena, LRJ_OBJECT);
	bool		ok = j != NULL &&
		lr_json_put(arena, j, "max_iterations", Num(arena, o->max_iterations)) &&
		lr_json_put(arena, j, "tolerance", Num(arena, o->tolerance)) &&
		lr_json_put(arena, j, "l2", Num(arena, o->l2)) &&
		lr_json_put(arena, j, "intercept", lr_json_new_bool(arena, o->intercept)) &&
		lr_json_put(arena, j, "weight", Str(arena, o->weight)) &&
		lr_json_put(arena, j, "offset", Str(arena, o->offset));

	return ok ? j : NULL;
}

static LrJson *
FitBuild(const void *o, LrOptMode mode, LrArena *arena)
{
	return lr_fit_options_json(o, arena);
}

bool
lr_fit_options_write(const LrFitOptions *o, LrBuf *out)
{
	return WriteJson(FitBuild, o, LR_OPT_TRAIN, out);
}
