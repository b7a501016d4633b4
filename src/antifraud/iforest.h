/*
 * iforest.h
 *	  The isolation forest as a C structure: built from JSON with every field
 *	  and the shape of every tree validated, written back as canonical JSON,
 *	  compiled into flat arrays for scoring, and grown from a sample.
 *	  Pure C (no PostgreSQL calls) so the parser is fuzzed as it runs.
 *
 * Format "loan_risk.iforest/1" (see doc/antifraud.md):
 *   {"format": "loan_risk.iforest/1", "name": ..., "description": ...,
 *    "features": ["amount", ...], "sample_size": 256,
 *    "trees": [{"nodes": [{"feature": 0, "threshold": 1.5, "left": 1,
 *                          "right": 2, "size": 256}, {"size": 3}, ...]}, ...],
 *    "training": {...}, "metadata": {...}}
 *
 * A node with "feature" is a split: a value <= threshold goes left.  A node
 * without it is a leaf.  "size" is the number of training rows that reached
 * the node.  Node 0 is the root; children come after their parents.
 */
#ifndef LR_IFOREST_H
#define LR_IFOREST_H

#include "common/lr_json.h"

#define LR_IFOREST_FORMAT		"loan_risk.iforest/1"
#define LR_IFOREST_NAME_MAX		63	/* a longer feature name never matches a column */
#define LR_IFOREST_MAX_FEATURES	1000
#define LR_IFOREST_MAX_TREES	10000
#define LR_IFOREST_MAX_SAMPLE	1048576
#define LR_IFOREST_MAX_DEPTH	64

/* Euler-Mascheroni constant, as numpy.euler_gamma. */
#define LR_EULER_GAMMA 0.5772156649015329

typedef struct LrTreeNode
{
	int32_t		feature;		/* -1 for a leaf */
	int32_t		left;			/* node indexes within the tree (splits only) */
	int32_t		right;
	int32_t		size;			/* training rows that reached the node */
	double		threshold;		/* a value <= threshold goes left */
} LrTreeNode;

typedef struct LrTree
{
	size_t		nnodes;
	LrTreeNode *nodes;
} LrTree;

typedef struct LrForest
{
	const char *name;			/* NULL if absent */
	const char *description;
	size_t		nfeatures;
	const char **features;
	int32_t		sample_size;	/* rows per tree: the psi of c(psi) */
	size_t		ntrees;
	LrTree	   *trees;
	const LrJson *training;		/* kept verbatim (keys sorted on output) */
	const LrJson *metadata;
} LrForest;

/*
 * Parses and validates; on failure err names the JSON path and the value.
 * opts->tick is ticked per JSON value, tree and node.
 */
extern bool lr_iforest_parse(const char *text, size_t len, LrArena *arena,
							 const LrJsonOptions *opts, LrForest **out, LrError *err);
/* The same from a parsed JSON object (embedded in a larger document); tick may be NULL. */
extern bool lr_iforest_from_json(const LrJson *root, LrArena *arena, LrTick *tick, LrForest **out,
								 LrError *err);

/* Canonical JSON text: fixed key order, shortest round-trip numbers. */
extern bool lr_iforest_write(const LrForest *f, LrBuf *out);

/*
 * Feature names: 1 to LR_IFOREST_MAX_FEATURES, each 1 to LR_IFOREST_NAME_MAX
 * bytes, unique.  what names the list for messages ("features"), base is the
 * index of its first element there (0 for JSON, 1 for SQL arrays).
 */
extern bool lr_iforest_check_names(const char *const *names, const size_t *lens, size_t n,
								   const char *what, int base, LrError *err);

/* Average path length of an unsuccessful search in a binary search tree of n keys. */
extern double lr_iforest_c(double n);

/*
 * Compiled for scoring: every tree's nodes renumbered in preorder into one
 * array, so a node's left child is the next node and only the right child
 * is stored.  A leaf's value is its depth plus c(size), the whole path
 * length of a row that ends there.
 */
typedef struct LrForestNode
{
	double		v;				/* split: threshold; leaf: depth + c(size) */
	int32_t		feature;		/* -1 for a leaf */
	int32_t		right;			/* split: index of the right child */
} LrForestNode;

/*
 * Shallow forests (every trained one with sample_size <= 1024) also get a
 * dense form: each tree padded to a complete tree of dense_depth levels,
 * stored level by level, a leaf above the bottom continuing left through
 * splits at +Infinity.  Leaves hold 16-bit indexes into the few distinct
 * path lengths (depth + c(size)), which keeps the form small in cache.  Rows without missing values walk it branch-free,
 * several trees in lockstep, which hides memory latency.  Both forms give
 * bit-identical sums.
 */
#define LR_IFOREST_DENSE_MAX_DEPTH 10

typedef struct LrForestModel
{
	size_t		nfeatures;
	size_t		ntrees;
	size_t		nnodes;
	int32_t    *roots;
	LrForestNode *nodes;
	double	   *left_fraction;	/* split: size(left) / size(node) */
	double		denominator;	/* ntrees * c(sample_size) */

	int			dense_depth;	/* 0: no dense form */
	double	   *dense_threshold;	/* ntrees x (2^depth - 1), level by level */
	uint16_t   *dense_feature;	/* the same layout */
	uint16_t   *dense_leaf;		/* ntrees x 2^depth: index into leaf_values */
	double	   *leaf_values;	/* the distinct path lengths of the leaves */
	size_t		nleaf_values;
} LrForestModel;

/* tick (may be NULL) lets the caller interrupt the compilation of a big forest. */
extern bool lr_iforest_compile(const LrForest *f, LrArena *arena, LrTick *tick,
							   LrForestModel **out, LrError *err);

/*
 * Sum over the trees of the path length of x (nfeatures values).  A NaN value
 * is missing: the path continues down both branches, weighted by the
 * fractions of training rows that went each way.
 */
extern double lr_iforest_path_sum(const LrForestModel *m, const double *x);

/* Anomaly score 2^(-E(h) / c(sample_size)), in (0, 1]. */
extern double lr_iforest_score(const LrForestModel *m, const double *x);

/* ---------------------------------------------------------------- training */

/* Small deterministic PRNG: xoshiro256** seeded through splitmix64. */
typedef struct LrRng
{
	uint64_t	s[4];
} LrRng;

extern uint64_t lr_splitmix64(uint64_t *state);
extern uint64_t lr_mix64(uint64_t x);	/* splitmix64's finaliser */
extern void lr_rng_seed(LrRng *r, uint64_t seed, uint64_t stream);
extern uint64_t lr_rng_next(LrRng *r);
extern uint64_t lr_rng_below(LrRng *r, uint64_t n);	/* uniform in [0, n), n > 0 */
extern double lr_rng_unit(LrRng *r);	/* uniform in [0, 1) */

/* Height limit of a tree grown on psi rows: ceil(log2(max(psi, 2))). */
extern int	lr_iforest_height_limit(int32_t psi);

/* Scratch one tree needs, in bytes (see lr_iforest_grow_tree). */
extern size_t lr_iforest_tree_scratch(int32_t psi, size_t nfeatures);

/*
 * Grows tree number t on psi of the m rows (row-major, nfeatures finite
 * values each): the rows are chosen without replacement (Floyd's algorithm)
 * and the splits drawn with a PRNG seeded by (seed, t), so the tree depends
 * only on the rows, seed and t.  nodes must hold 2 * psi - 1 nodes; scratch
 * lr_iforest_tree_scratch bytes.  Pure computation: safe in any thread.
 */
extern void lr_iforest_grow_tree(const double *rows, size_t m, size_t nfeatures,
								 int32_t psi, uint64_t seed, uint64_t t,
								 LrTree *tree, void *scratch);

/* Builds an object of number members (for the training metadata). */
extern LrJson *lr_iforest_number_object(LrArena *arena, size_t n, const char *const *keys,
									 const double *values);

#endif							/* LR_IFOREST_H */
