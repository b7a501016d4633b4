/*
 * iforest.c
 *	  Isolation forest from JSON, validated field by field and tree by tree;
 *	  canonical JSON writer; compiled scoring; tree growing.  Pure C: see
 *	  iforest.h.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/lr_jv.h"
#include "antifraud/iforest.h"

typedef LrJv ForestCtx;

bool
lr_iforest_check_names(const char *const *names, const size_t *lens, size_t n,
					   const char *what, int base, LrError *err)
{
	size_t		i,
				j;

	if (n == 0)
		return lr_error_set(err, LR_ERR_INVALID, "%s: at least one feature is needed", what);
	if (n > LR_IFOREST_MAX_FEATURES)
		return lr_error_set(err, LR_ERR_LIMIT, "%s: %zu features are more than the limit of %d",
							what, n, LR_IFOREST_MAX_FEATURES);
	for (i = 0; i < n; i++)
	{
		size_t		pos = i + (size_t) base;

		if (lens[i] == 0)
			return lr_error_set(err, LR_ERR_INVALID, "%s[%zu]: a feature name must not be empty",
								what, pos);
		if (lens[i] > LR_IFOREST_NAME_MAX)
			return lr_error_set(err, LR_ERR_INVALID,
								"%s[%zu]: feature name \"%.70s...\" is longer than %d bytes",
								what, pos, names[i], LR_IFOREST_NAME_MAX);
		if (memchr(names[i], '\0', lens[i]) != NULL)
			return lr_error_set(err, LR_ERR_INVALID, "%s[%zu]: a feature name must not contain NUL",
								what, pos);
		/* Up to 1000 names, checked once per model: quadratic is fine. */
		for (j = 0; j < i; j++)
			if (lens[j] == lens[i] && memcmp(names[j], names[i], lens[i]) == 0)
				return lr_error_set(err, LR_ERR_INVALID,
									"%s[%zu]: feature \"%s\" is already listed at %s[%zu]",
									what, pos, names[i], what, j + (size_t) base);
	}
	return true;
}

static const char *const root_keys[] = {"format", "name", "description", "features",
"sample_size", "trees", "training", "metadata", NULL};
static const char *const tree_keys[] = {"nodes", NULL};
static const char *const node_keys[] = {"feature", "threshold", "left", "right", "size", NULL};

/* Fields of one node; indexes are checked against the tree later. */
static bool
ParseNode(ForestCtx *c, const LrJson *v, const LrForest *f, size_t nnodes, LrTreeNode *node)
{
	int64_t		x = 0;
	bool		split;
	const LrJson *thr;

	if (!lr_jv_expect(c, v, LRJ_OBJECT) || !lr_jv_check_keys(c, v, node_keys))
		return false;
	if (!lr_jv_int(c, v, "size", true, 1, f->sample_size, &x, NULL))
		return false;
	node->size = (int32_t) x;
	if (!lr_jv_int(c, v, "feature", false, 0, (int64_t) f->nfeatures - 1, &x, &split))
		return false;
	if (!split)
	{
		static const char *const split_only[] = {"threshold", "left", "right", NULL};
		const char *const *k;

		for (k = split_only; *k != NULL; k++)
			if (lr_json_get(v, *k) != NULL)
				return lr_jv_fail(c, "\"%s\" needs \"feature\": a node without \"feature\" is a leaf", *k);
		node->feature = -1;
		node->left = node->right = -1;
		node->threshold = 0;
		return true;
	}
	node->feature = (int32_t) x;
	thr = lr_json_get(v, "threshold");
	if (thr == NULL)
		return lr_jv_fail(c, "missing required field \"threshold\"");
	if (thr->kind != LRJ_NUMBER)
	{
		lr_path_key(&c->path, "threshold");
		return lr_jv_expect(c, thr, LRJ_NUMBER);
	}
	node->threshold = thr->num;
	if (!lr_jv_int(c, v, "left", true, 0, (int64_t) nnodes - 1, &x, NULL))
		return false;
	node->left = (int32_t) x;
	if (!lr_jv_int(c, v, "right", true, 0, (int64_t) nnodes - 1, &x, NULL))
		return false;
	node->right = (int32_t) x;
	return true;
}

/*
 * Shape of a tree: every node but the root is the child of exactly one node
 * that comes before it (so there are no cycles and nothing unreachable), no
 * node is deeper than LR_IFOREST_MAX_DEPTH, the root holds the whole sample
 * and every split's size is the sum of its children's.
 */
static bool
CheckTree(ForestCtx *c, const LrForest *f, const LrTree *t)
{
	size_t		n = t->nnodes;
	int32_t    *parent;
	int32_t    *depth;
	size_t		i;

	if ((parent = lr_arena_alloc(c->arena, n * sizeof(int32_t))) == NULL ||
		(depth = lr_arena_alloc(c->arena, n * sizeof(int32_t))) == NULL)
		return lr_jv_nomem(c);
	for (i = 0; i < n; i++)
		parent[i] = -1;
	depth[0] = 0;
	for (i = 0; i < n; i++)
	{
		const LrTreeNode *node = &t->nodes[i];
		size_t		mark = lr_path_index(&c->path, i);
		int			k;

		if (i > 0 && parent[i] < 0)
			return lr_jv_fail(c, "node %zu is not the child of any node (only node 0, the root, has no parent)", i);
		if (i == 0 && node->size != f->sample_size)
		{
			lr_path_key(&c->path, "size");
			return lr_jv_fail(c, "the root's size %d differs from sample_size %d",
						(int) node->size, (int) f->sample_size);
		}
		if (node->feature < 0)
		{
			lr_path_pop(&c->path, mark);
			continue;
		}
		for (k = 0; k < 2; k++)
		{
			int32_t		child = k == 0 ? node->left : node->right;
			const char *key = k == 0 ? "left" : "right";

			if ((size_t) child <= i)
			{
				lr_path_key(&c->path, key);
				return lr_jv_fail(c, "node %d does not come after node %zu (children are listed after their parent)",
							(int) child, i);
			}
			if (parent[child] >= 0)
			{
				lr_path_key(&c->path, key);
				return lr_jv_fail(c, "node %d is already the child of node %d", (int) child, (int) parent[child]);
			}
			if (depth[i] + 1 > LR_IFOREST_MAX_DEPTH)
			{
				lr_path_key(&c->path, key);
				return lr_jv_fail(c, "node %d would be at depth %d, deeper than the limit of %d",
							(int) child, (int) depth[i] + 1, LR_IFOREST_MAX_DEPTH);
			}
			parent[child] = (int32_t) i;
			depth[child] = depth[i] + 1;
		}
		if ((int64_t) t->nodes[node->left].size + t->nodes[node->right].size != node->size)
		{
			lr_path_key(&c->path, "size");
			return lr_jv_fail(c, "%d is not the sum of the sizes of its children (%d + %d)",
						(int) node->size, (int) t->nodes[node->left].size,
						(int) t->nodes[node->right].size);
		}
		lr_path_pop(&c->path, mark);
	}
	return true;
}

static bool
ParseTree(ForestCtx *c, const LrJson *v, const LrForest *f, LrTree *t)
{
	const LrJson *nodes;
	size_t		mark,
				i;

	if (!lr_jv_expect(c, v, LRJ_OBJECT) || !lr_jv_check_keys(c, v, tree_keys))
		return false;
	nodes = lr_json_get(v, "nodes");
	if (nodes == NULL)
		return lr_jv_fail(c, "missing required field \"nodes\"");
	mark = lr_path_key(&c->path, "nodes");
	if (!lr_jv_expect(c, nodes, LRJ_ARRAY))
		return false;
	if (nodes->n == 0)
		return lr_jv_fail(c, "a tree needs at least one node");
	/* A tree over sample_size rows with non-empty nodes has at most this many. */
	if (nodes->n > 2 * (size_t) f->sample_size - 1)
		return lr_jv_fail(c, "%zu nodes are more than a tree over %d rows can have (%d)",
					nodes->n, (int) f->sample_size, 2 * (int) f->sample_size - 1);
	t->nnodes = nodes->n;
	if ((t->nodes = lr_arena_alloc0(c->arena, nodes->n * sizeof(LrTreeNode))) == NULL)
		return lr_jv_nomem(c);
	for (i = 0; i < nodes->n; i++)
	{
		size_t		m2 = lr_path_index(&c->path, i);

		if (!lr_jv_tick(c) || !ParseNode(c, nodes->items[i], f, nodes->n, &t->nodes[i]))
			return false;
		lr_path_pop(&c->path, m2);
	}
	if (!CheckTree(c, f, t))
		return false;
	lr_path_pop(&c->path, mark);
	return true;
}

/* Validates root into a forest; tick (may be NULL) is called per tree and node. */
static bool
ForestFromJson(const LrJson *root, LrArena *arena, LrTick *tick, LrForest **out, LrError *err)
{
	ForestCtx	c;
	LrForest   *f;
	const char *format;
	const LrJson *feats;
	const LrJson *trees;
	int64_t		x = 0;
	size_t		mark,
				i;

	lr_jv_init(&c, arena, err);
	c.tick = tick;
	*out = NULL;

	if (!lr_jv_expect(&c, root, LRJ_OBJECT) || !lr_jv_check_keys(&c, root, root_keys))
		return false;
	if ((f = lr_arena_alloc0(arena, sizeof(LrForest))) == NULL)
		return lr_jv_nomem(&c);
	if (!lr_jv_string(&c, root, "format", true, &format))
		return false;
	if (strcmp(format, LR_IFOREST_FORMAT) != 0)
	{
		lr_path_key(&c.path, "format");
		lr_jv_fail(&c, "unsupported format \"%.100s\"", format);
		lr_error_detail(err, "This version of loan_risk reads \"%s\".", LR_IFOREST_FORMAT);
		return false;
	}
	if (!lr_jv_string(&c, root, "name", false, &f->name) ||
		!lr_jv_string(&c, root, "description", false, &f->description) ||
		!lr_jv_object(&c, root, "training", &f->training) ||
		!lr_jv_object(&c, root, "metadata", &f->metadata))
		return false;

	feats = lr_json_get(root, "features");
	if (feats == NULL)
		return lr_jv_fail(&c, "missing required field \"features\"");
	mark = lr_path_key(&c.path, "features");
	if (!lr_jv_expect(&c, feats, LRJ_ARRAY))
		return false;
	if (feats->n > 0)
	{
		size_t	   *lens = lr_arena_alloc(arena, feats->n * sizeof(size_t));

		if (lens == NULL ||
			(f->features = lr_arena_alloc(arena, feats->n * sizeof(char *))) == NULL)
			return lr_jv_nomem(&c);
		for (i = 0; i < feats->n; i++)
		{
			if (feats->items[i]->kind != LRJ_STRING)
			{
				lr_path_index(&c.path, i);
				return lr_jv_expect(&c, feats->items[i], LRJ_STRING);
			}
			f->features[i] = feats->items[i]->str;
			lens[i] = feats->items[i]->len;
		}
		f->nfeatures = feats->n;
		if (!lr_iforest_check_names(f->features, lens, feats->n, "features", 0, err))
			return false;
	}
	else
		return lr_jv_fail(&c, "at least one feature is needed");
	lr_path_pop(&c.path, mark);

	if (!lr_jv_int(&c, root, "sample_size", true, 2, LR_IFOREST_MAX_SAMPLE, &x, NULL))
		return false;
	f->sample_size = (int32_t) x;

	trees = lr_json_get(root, "trees");
	if (trees == NULL)
		return lr_jv_fail(&c, "missing required field \"trees\"");
	mark = lr_path_key(&c.path, "trees");
	if (!lr_jv_expect(&c, trees, LRJ_ARRAY))
		return false;
	if (trees->n == 0)
		return lr_jv_fail(&c, "at least one tree is needed");
	if (trees->n > LR_IFOREST_MAX_TREES)
	{
		lr_jv_fail(&c, "%zu trees are more than the limit of %d", trees->n, LR_IFOREST_MAX_TREES);
		err->kind = LR_ERR_LIMIT;
		return false;
	}
	f->ntrees = trees->n;
	if ((f->trees = lr_arena_alloc0(arena, trees->n * sizeof(LrTree))) == NULL)
		return lr_jv_nomem(&c);
	for (i = 0; i < trees->n; i++)
	{
		size_t		m2 = lr_path_index(&c.path, i);

		if (!ParseTree(&c, trees->items[i], f, &f->trees[i]))
			return false;
		lr_path_pop(&c.path, m2);
	}
	lr_path_pop(&c.path, mark);
	*out = f;
	return true;
}

bool
lr_iforest_parse(const char *text, size_t len, LrArena *arena,
				 const LrJsonOptions *opts, LrForest **out, LrError *err)
{
	LrJson	   *root;

	if (!lr_json_parse(text, len, arena, opts, &root, err))
		return false;
	return ForestFromJson(root, arena, opts ? opts->tick : NULL, out, err);
}

bool
lr_iforest_from_json(const LrJson *root, LrArena *arena, LrTick *tick, LrForest **out,
					 LrError *err)
{
	return ForestFromJson(root, arena, tick, out, err);
}

/* ---------------------------------------------------------------- writer */

bool
lr_iforest_write(const LrForest *f, LrBuf *b)
{
	bool		first = true;
	size_t		i,
				j;

	lr_buf_putc(b, '{');
	lr_json_member(b, &first, "format");
	lr_json_write_string(b, LR_IFOREST_FORMAT, strlen(LR_IFOREST_FORMAT));
	if (f->name)
	{
		lr_json_member(b, &first, "name");
		lr_json_write_string(b, f->name, strlen(f->name));
	}
	if (f->description)
	{
		lr_json_member(b, &first, "description");
		lr_json_write_string(b, f->description, strlen(f->description));
	}
	lr_json_member(b, &first, "features");
	lr_buf_putc(b, '[');
	for (i = 0; i < f->nfeatures; i++)
	{
		if (i > 0)
			lr_buf_puts(b, ", ");
		lr_json_write_string(b, f->features[i], strlen(f->features[i]));
	}
	lr_buf_putc(b, ']');
	lr_json_member_int(b, &first, "sample_size", f->sample_size);
	lr_json_member(b, &first, "trees");
	lr_buf_putc(b, '[');
	for (i = 0; i < f->ntrees && !b->failed; i++)
	{
		const LrTree *t = &f->trees[i];

		lr_buf_puts(b, i > 0 ? ", {\"nodes\": [" : "{\"nodes\": [");
		for (j = 0; j < t->nnodes; j++)
		{
			const LrTreeNode *n = &t->nodes[j];
			bool		f2 = true;

			if (j > 0)
				lr_buf_puts(b, ", ");
			lr_buf_putc(b, '{');
			if (n->feature >= 0)
			{
				lr_json_member_int(b, &f2, "feature", n->feature);
				lr_json_member(b, &f2, "threshold");
				lr_buf_put_double(b, n->threshold);
				lr_json_member_int(b, &f2, "left", n->left);
				lr_json_member_int(b, &f2, "right", n->right);
			}
			lr_json_member_int(b, &f2, "size", n->size);
			lr_buf_putc(b, '}');
		}
		lr_buf_puts(b, "]}");
	}
	lr_buf_putc(b, ']');
	lr_json_member_doc(b, &first, "training", f->training);
	lr_json_member_doc(b, &first, "metadata", f->metadata);
	return lr_buf_putc(b, '}');
}

LrJson *
lr_iforest_number_object(LrArena *arena, size_t n, const char *const *keys, const double *values)
{
	LrJson	   *obj = lr_arena_alloc0(arena, sizeof(LrJson));
	size_t		i;

	if (obj == NULL ||
		(obj->items = lr_arena_alloc(arena, n * sizeof(LrJson *))) == NULL ||
		(obj->keys = lr_arena_alloc(arena, n * sizeof(char *))) == NULL ||
		(obj->keylens = lr_arena_alloc(arena, n * sizeof(size_t))) == NULL)
		return NULL;
	obj->kind = LRJ_OBJECT;
	obj->n = n;
	for (i = 0; i < n; i++)
	{
		LrJson	   *v = lr_arena_alloc0(arena, sizeof(LrJson));

		if (v == NULL)
			return NULL;
		v->kind = LRJ_NUMBER;
		v->num = values[i];
		obj->items[i] = v;
		obj->keys[i] = keys[i];
		obj->keylens[i] = strlen(keys[i]);
	}
	return obj;
}

/* ---------------------------------------------------------------- scoring */

double
lr_iforest_c(double n)
{
	/* As scikit-learn's _average_path_length: H(n-1) ~ ln(n-1) + gamma. */
	if (n <= 1)
		return 0.0;
	if (n == 2)
		return 1.0;
	return 2.0 * (log(n - 1.0) + LR_EULER_GAMMA) - 2.0 * (n - 1.0) / n;
}

/* Fills the dense subtree at pos (of depth level) from node i of the tree. */
static void
FillDense(const LrTree *tree, const LrForestModel *m, size_t i, int idepth,
		  double *thr, uint16_t *feat, double *leaves, size_t pos, int level)
{
	const LrTreeNode *n = &tree->nodes[i];
	size_t		ninternal = ((size_t) 1 << m->dense_depth) - 1;

	if (level == m->dense_depth)
	{
		/* Only a leaf can be this deep: dense_depth is the deepest leaf's depth. */
		leaves[pos - ninternal] = (double) idepth + lr_iforest_c((double) n->size);
		return;
	}
	if (n->feature >= 0)
	{
		thr[pos] = n->threshold;
		feat[pos] = (uint16_t) n->feature;
		FillDense(tree, m, (size_t) n->left, idepth + 1, thr, feat, leaves, 2 * pos + 1, level + 1);
		FillDense(tree, m, (size_t) n->right, idepth + 1, thr, feat, leaves, 2 * pos + 2, level + 1);
	}
	else
	{
		/* x > +Infinity is false for every value the dense walk sees: always left. */
		thr[pos] = INFINITY;
		feat[pos] = 0;
		FillDense(tree, m, i, idepth, thr, feat, leaves, 2 * pos + 1, level + 1);
		FillDense(tree, m, i, idepth, thr, feat, leaves, 2 * pos + 2, level + 1);
	}
}

static int
TreeDepth(const LrTree *tree, size_t i)
{
	const LrTreeNode *n = &tree->nodes[i];
	int			l,
				r;

	if (n->feature < 0)
		return 0;
	l = TreeDepth(tree, (size_t) n->left);
	r = TreeDepth(tree, (size_t) n->right);
	return 1 + (l > r ? l : r);
}

static int
CompareDouble(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/*
 * Appends the distinct values of v[0..n) (sorted in place) to out, which
 * has room; returns how many it appended.
 */
static size_t
SortedDistinct(double *v, size_t n, double *out)
{
	size_t		i,
				k = 0;

	qsort(v, n, sizeof(double), CompareDouble);
	for (i = 0; i < n; i++)
		if (k == 0 || v[i] != out[k - 1])
			out[k++] = v[i];
	return k;
}

/* Sorted work per tick: a sort of this many doubles takes a few milliseconds. */
#define DENSE_SORT_CHUNK 65536

static bool
BuildDense(const LrForest *f, LrForestModel *m, LrArena *arena, LrTick *tick, LrError *err)
{
	int			depth = 0;
	size_t		t,
				i,
				n,
				ninternal,
				nleaves,
				nall;
	double	   *leaves;
	double	   *sorted;
	double	   *chunk;

	for (t = 0; t < f->ntrees; t++)
	{
		int			d = TreeDepth(&f->trees[t], 0);

		if (!lr_tick_n(tick, f->trees[t].nnodes))
			return lr_tick_stop(err);
		if (d > depth)
			depth = d;
		if (depth > LR_IFOREST_DENSE_MAX_DEPTH)
			return true;		/* too deep to pad: the preorder form only */
	}
	ninternal = ((size_t) 1 << depth) - 1;
	nleaves = (size_t) 1 << depth;
	nall = nleaves * f->ntrees;
	m->dense_depth = depth;
	if ((m->dense_threshold = lr_arena_alloc(arena, (ninternal > 0 ? ninternal : 1) * f->ntrees *
											 sizeof(double))) == NULL ||
		(m->dense_feature = lr_arena_alloc(arena, (ninternal > 0 ? ninternal : 1) * f->ntrees *
										   sizeof(uint16_t))) == NULL ||
		(leaves = lr_arena_alloc(arena, nall * sizeof(double))) == NULL ||
		(sorted = lr_arena_alloc(arena, nall * sizeof(double))) == NULL ||
		(chunk = lr_arena_alloc(arena, (nall < DENSE_SORT_CHUNK ? nall : DENSE_SORT_CHUNK) *
								sizeof(double))) == NULL ||
		(m->dense_leaf = lr_arena_alloc(arena, nall * sizeof(uint16_t))) == NULL)
		goto nomem;
	for (t = 0; t < f->ntrees; t++)
	{
		if (!lr_tick_n(tick, nleaves))
			return lr_tick_stop(err);
		FillDense(&f->trees[t], m, 0, 0, m->dense_threshold + t * ninternal,
				  m->dense_feature + t * ninternal, leaves + t * nleaves, 0, 0);
	}

	/*
	 * The distinct path lengths, sorted; each leaf keeps the index of its
	 * own.  Leaves are sorted and made distinct a chunk at a time (a tick
	 * between chunks), then the few distinct values of all chunks together.
	 */
	n = 0;
	for (i = 0; i < nall; i += DENSE_SORT_CHUNK)
	{
		size_t		len = nall - i < DENSE_SORT_CHUNK ? nall - i : DENSE_SORT_CHUNK;

		if (!lr_tick_n(tick, 16 * len))
			return lr_tick_stop(err);
		memcpy(chunk, leaves + i, len * sizeof(double));
		n += SortedDistinct(chunk, len, sorted + n);
		if (n > 65536 * 16)
			break;				/* surely more than 65536 distinct: no dense form */
	}
	if (n <= 65536 * 16)
		n = SortedDistinct(sorted, n, sorted);
	if (n > 65536)
	{
		m->dense_depth = 0;		/* too many to index: the preorder form only */
		return true;
	}
	m->leaf_values = sorted;
	m->nleaf_values = n;
	for (i = 0; i < nall; i++)
	{
		size_t		lo = 0,
					hi = n - 1;

		if ((i & 0xFFFF) == 0 && !lr_tick_n(tick, 0x10000))
			return lr_tick_stop(err);
		while (lo < hi)
		{
			size_t		mid = (lo + hi) / 2;

			if (sorted[mid] < leaves[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		m->dense_leaf[i] = (uint16_t) lo;
	}
	return true;

nomem:
	return lr_error_set(err, LR_ERR_NOMEM, "out of memory while compiling the isolation forest");
}

bool
lr_iforest_compile(const LrForest *f, LrArena *arena, LrTick *tick, LrForestModel **out, LrError *err)
{
	LrForestModel *m = lr_arena_alloc0(arena, sizeof(LrForestModel));
	size_t		total = 0,
				base = 0,
				maxn = 0,
				t;
	int32_t    *newidx;
	int32_t    *stack;
	int32_t    *depth;

	if (m == NULL)
		goto nomem;
	for (t = 0; t < f->ntrees; t++)
	{
		total += f->trees[t].nnodes;
		if (f->trees[t].nnodes > maxn)
			maxn = f->trees[t].nnodes;
	}
	m->nfeatures = f->nfeatures;
	m->ntrees = f->ntrees;
	m->nnodes = total;
	m->denominator = (double) f->ntrees * lr_iforest_c((double) f->sample_size);
	if ((m->roots = lr_arena_alloc(arena, f->ntrees * sizeof(int32_t))) == NULL ||
		(m->nodes = lr_arena_alloc(arena, total * sizeof(LrForestNode))) == NULL ||
		(m->left_fraction = lr_arena_alloc(arena, total * sizeof(double))) == NULL ||
		(newidx = lr_arena_alloc(arena, maxn * sizeof(int32_t))) == NULL ||
		(depth = lr_arena_alloc(arena, maxn * sizeof(int32_t))) == NULL ||
		(stack = lr_arena_alloc(arena, maxn * sizeof(int32_t))) == NULL)
		goto nomem;

	for (t = 0; t < f->ntrees; t++)
	{
		const LrTree *tree = &f->trees[t];
		size_t		sp = 0,
					next = 0,
					i;

		if (!lr_tick_n(tick, tree->nnodes))
			return lr_tick_stop(err);
		/* Preorder numbering: a split's left child is the node after it. */
		stack[sp++] = 0;
		depth[0] = 0;
		while (sp > 0)
		{
			int32_t		i2 = stack[--sp];
			const LrTreeNode *n = &tree->nodes[i2];

			newidx[i2] = (int32_t) next++;
			if (n->feature >= 0)
			{
				depth[n->right] = depth[i2] + 1;
				depth[n->left] = depth[i2] + 1;
				stack[sp++] = n->right;
				stack[sp++] = n->left;
			}
		}
		m->roots[t] = (int32_t) base;
		for (i = 0; i < tree->nnodes; i++)
		{
			const LrTreeNode *n = &tree->nodes[i];
			size_t		k = base + (size_t) newidx[i];
			LrForestNode *o = &m->nodes[k];

			o->feature = n->feature;
			if (n->feature >= 0)
			{
				o->v = n->threshold;
				o->right = (int32_t) base + newidx[n->right];
				m->left_fraction[k] = (double) tree->nodes[n->left].size / (double) n->size;
			}
			else
			{
				o->v = (double) depth[i] + lr_iforest_c((double) n->size);
				o->right = -1;
				m->left_fraction[k] = 0;
			}
		}
		base += tree->nnodes;
	}
	if (!BuildDense(f, m, arena, tick, err))
		return false;
	*out = m;
	return true;

nomem:
	return lr_error_set(err, LR_ERR_NOMEM, "out of memory while compiling the isolation forest");
}

/*
 * Path length from node i.  x <= v goes left and x > v goes right; a value
 * that is neither (NaN: missing) follows both branches, weighted by the
 * training fractions.  The recursion is bounded by the depth limit.
 */
static double
PathFrom(const LrForestModel *m, int32_t i, const double *x)
{
	for (;;)
	{
		const LrForestNode *n = &m->nodes[i];
		double		xv;

		if (n->feature < 0)
			return n->v;
		xv = x[n->feature];
		if (xv <= n->v)
			i = i + 1;
		else if (xv > n->v)
			i = n->right;
		else
		{
			double		fl = m->left_fraction[i];

			return fl * PathFrom(m, i + 1, x) + (1.0 - fl) * PathFrom(m, n->right, x);
		}
	}
}

/*
 * Walks trees t .. t+7 of the dense form in lockstep: eight independent
 * chains of loads keep the memory system busy where one chain would wait.
 * Their path lengths are added to sum one by one, in tree order, like the
 * generic walk: the same sum to the bit.
 */
static double
DenseGroupAdd(const LrForestModel *m, size_t t, const double *x, double sum)
{
	size_t		ni = ((size_t) 1 << m->dense_depth) - 1;
	size_t		nl = ni + 1;
	const double *T = m->dense_threshold + t * ni;
	const uint16_t *F = m->dense_feature + t * ni;
	const uint16_t *L = m->dense_leaf + t * nl;
	const double *V = m->leaf_values;
	size_t		i0 = 0, i1 = 0, i2 = 0, i3 = 0, i4 = 0, i5 = 0, i6 = 0, i7 = 0;
	int			level;

	for (level = 0; level < m->dense_depth; level++)
	{
#define LR_STEP(k, i) i = 2 * i + 1 + (size_t) (x[F[(k) * ni + i]] > T[(k) * ni + i])
		LR_STEP(0, i0);
		LR_STEP(1, i1);
		LR_STEP(2, i2);
		LR_STEP(3, i3);
		LR_STEP(4, i4);
		LR_STEP(5, i5);
		LR_STEP(6, i6);
		LR_STEP(7, i7);
#undef LR_STEP
	}
	sum += V[L[i0 - ni]];
	sum += V[L[nl + i1 - ni]];
	sum += V[L[2 * nl + i2 - ni]];
	sum += V[L[3 * nl + i3 - ni]];
	sum += V[L[4 * nl + i4 - ni]];
	sum += V[L[5 * nl + i5 - ni]];
	sum += V[L[6 * nl + i6 - ni]];
	sum += V[L[7 * nl + i7 - ni]];
	return sum;
}

double
lr_iforest_path_sum(const LrForestModel *m, const double *x)
{
	double		sum = 0.0;
	size_t		t,
				f;
	bool		missing = false;

	for (f = 0; f < m->nfeatures; f++)
		if (isnan(x[f]))
			missing = true;
	if (m->dense_depth > 0 && !missing)
	{
		size_t		ni = ((size_t) 1 << m->dense_depth) - 1;

		for (t = 0; t + 8 <= m->ntrees; t += 8)
			sum = DenseGroupAdd(m, t, x, sum);
		for (; t < m->ntrees; t++)
		{
			const double *T = m->dense_threshold + t * ni;
			const uint16_t *F = m->dense_feature + t * ni;
			size_t		i = 0;
			int			level;

			for (level = 0; level < m->dense_depth; level++)
				i = 2 * i + 1 + (size_t) (x[F[i]] > T[i]);
			sum += m->leaf_values[m->dense_leaf[t * (ni + 1) + i - ni]];
		}
		return sum;
	}
	for (t = 0; t < m->ntrees; t++)
		sum += PathFrom(m, m->roots[t], x);
	return sum;
}

double
lr_iforest_score(const LrForestModel *m, const double *x)
{
	/* As scikit-learn: 2 ** (-sum of depths / (n_trees * c(psi))). */
	return pow(2.0, -(lr_iforest_path_sum(m, x) / m->denominator));
}

/* ---------------------------------------------------------------- PRNG */

uint64_t
lr_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

uint64_t
lr_splitmix64(uint64_t *state)
{
	*state += UINT64_C(0x9E3779B97F4A7C15);
	return lr_mix64(*state);
}

void
lr_rng_seed(LrRng *r, uint64_t seed, uint64_t stream)
{
	uint64_t	sm = seed ^ lr_mix64(stream + UINT64_C(0x632BE59BD9B4E019));
	int			i;

	for (i = 0; i < 4; i++)
		r->s[i] = lr_splitmix64(&sm);
}

static inline uint64_t
Rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
lr_rng_next(LrRng *r)
{
	uint64_t   *s = r->s;
	uint64_t	result = Rotl(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = Rotl(s[3], 45);
	return result;
}

uint64_t
lr_rng_below(LrRng *r, uint64_t n)
{
	/* Rejection below the largest multiple of n: no modulo bias. */
	uint64_t	threshold = (0 - n) % n;

	for (;;)
	{
		uint64_t	x = lr_rng_next(r);

		if (x >= threshold)
			return x % n;
	}
}

double
lr_rng_unit(LrRng *r)
{
	return (double) (lr_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* ---------------------------------------------------------------- growing */

int
lr_iforest_height_limit(int32_t psi)
{
	int			h = 0;

	while (((int64_t) 1 << h) < (int64_t) psi)
		h++;
	return h < 1 ? 1 : h;
}

static size_t
SetCapacity(int32_t psi)
{
	size_t		cap = 4;

	while (cap < 2 * (size_t) psi)
		cap <<= 1;
	return cap;
}

size_t
lr_iforest_tree_scratch(int32_t psi, size_t nfeatures)
{
	return 2 * nfeatures * sizeof(double) +
		(nfeatures + (size_t) psi + SetCapacity(psi)) * sizeof(int32_t);
}

typedef struct GrowCtx
{
	const double *rows;
	size_t		d;
	int32_t    *idx;
	LrTreeNode *nodes;
	int32_t		n;
	int			limit;
	LrRng		rng;
	double	   *mins;
	double	   *maxs;
	int32_t    *cand;
} GrowCtx;

static int32_t
Grow(GrowCtx *g, int32_t lo, int32_t hi, int depth)
{
	int32_t		me = g->n++;
	LrTreeNode *node = &g->nodes[me];
	const double *rows = g->rows;
	size_t		d = g->d;
	size_t		f,
				ncand = 0;
	int32_t		i,
				a,
				b;
	double		u,
				p;

	node->size = hi - lo;
	node->feature = -1;
	node->left = node->right = -1;
	node->threshold = 0;
	if (depth >= g->limit || hi - lo <= 1)
		return me;

	for (f = 0; f < d; f++)
		g->mins[f] = g->maxs[f] = rows[(size_t) g->idx[lo] * d + f];
	for (i = lo + 1; i < hi; i++)
	{
		const double *r = &rows[(size_t) g->idx[i] * d];

		for (f = 0; f < d; f++)
		{
			if (r[f] < g->mins[f])
				g->mins[f] = r[f];
			if (r[f] > g->maxs[f])
				g->maxs[f] = r[f];
		}
	}
	/* Only features that vary in the node can split it. */
	for (f = 0; f < d; f++)
		if (g->mins[f] < g->maxs[f])
			g->cand[ncand++] = (int32_t) f;
	if (ncand == 0)
		return me;

	f = (size_t) g->cand[lr_rng_below(&g->rng, ncand)];
	u = lr_rng_unit(&g->rng);
	/* A convex combination cannot overflow; rounding is clamped into [min, max). */
	p = g->mins[f] * (1.0 - u) + g->maxs[f] * u;
	if (!(p >= g->mins[f]) || !(p < g->maxs[f]))
		p = g->mins[f];

	/* Rows <= p to the front: the minimum goes left, the maximum right. */
	a = lo;
	b = hi;
	while (a < b)
	{
		if (rows[(size_t) g->idx[a] * d + f] <= p)
			a++;
		else
		{
			int32_t		tmp = g->idx[--b];

			g->idx[b] = g->idx[a];
			g->idx[a] = tmp;
		}
	}
	node->feature = (int32_t) f;
	node->threshold = p;
	node->left = Grow(g, lo, a, depth + 1);
	g->nodes[me].right = Grow(g, a, hi, depth + 1);
	return me;
}

/*
 * Floyd's algorithm: psi distinct row numbers out of m, in a small hash set.
 * Hand-written, not lib/simplehash.h: trees grow inside OpenMP regions (pure C).
 */
static void
ChooseRows(LrRng *rng, size_t m, int32_t psi, int32_t *out, int32_t *set, size_t cap)
{
	size_t		mask = cap - 1;
	size_t		j,
				k = 0,
				i;

	if ((size_t) psi >= m)
	{
		for (i = 0; i < m; i++)
			out[i] = (int32_t) i;
		return;
	}
	for (i = 0; i < cap; i++)
		set[i] = -1;
	for (j = m - (size_t) psi; j < m; j++)
	{
		uint64_t	t = lr_rng_below(rng, (uint64_t) j + 1);
		size_t		h = (size_t) lr_mix64(t) & mask;
		bool		seen = false;

		while (set[h] >= 0)
		{
			if ((uint64_t) set[h] == t)
			{
				seen = true;
				break;
			}
			h = (h + 1) & mask;
		}
		if (seen)
		{
			/* j itself has not been drawn yet: insert it. */
			t = j;
			h = (size_t) lr_mix64(t) & mask;
			while (set[h] >= 0)
				h = (h + 1) & mask;
		}
		set[h] = (int32_t) t;
		out[k++] = (int32_t) t;
	}
}

void
lr_iforest_grow_tree(const double *rows, size_t m, size_t nfeatures,
					 int32_t psi, uint64_t seed, uint64_t t,
					 LrTree *tree, void *scratch)
{
	GrowCtx		g;
	char	   *s = scratch;
	size_t		cap = SetCapacity(psi);
	int32_t    *set;

	g.rows = rows;
	g.d = nfeatures;
	g.mins = (double *) s;
	g.maxs = g.mins + nfeatures;
	s += 2 * nfeatures * sizeof(double);
	g.cand = (int32_t *) s;
	g.idx = g.cand + nfeatures;
	set = g.idx + psi;
	g.nodes = tree->nodes;
	g.n = 0;
	if ((size_t) psi > m)
		psi = (int32_t) m;
	g.limit = lr_iforest_height_limit(psi);
	lr_rng_seed(&g.rng, seed, t);
	ChooseRows(&g.rng, m, psi, g.idx, set, cap);
	Grow(&g, 0, psi, 0);
	tree->nnodes = (size_t) g.n;
}
