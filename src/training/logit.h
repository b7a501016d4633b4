/*
 * logit.h
 *	  Logistic regression by iteratively reweighted least squares (Newton's
 *	  method), as a multi-pass algorithm: the step state (LrLogitState) sums,
 *	  over the rows, at given coefficients beta,
 *
 *      X'WX   (information, W = weight * mu (1 - mu)),
 *      X'(y - mu) * weight   (score, the gradient of the log-likelihood),
 *      the log-likelihood, and counts,
 *
 *	  where X has a leading column of ones (the intercept) and mu =
 *	  1 / (1 + exp(-(X beta + offset))).  The state has a fixed size for p
 *	  columns, merges by addition, and so runs under parallel query and on
 *	  shards; the driver solves (X'WX) delta = score for the next beta.
 *	  Pure C: the state, and the dense linear algebra of the solve.
 */
#ifndef LR_TRAINING_LOGIT_H
#define LR_TRAINING_LOGIT_H

#include "common/lr_state_ops.h"

#define LR_LOGIT_MAX_FEATURES	100

/*
 * Largest magnitudes a step takes, so that its sums stay finite for any
 * number of rows (2^63 rows of w mu (1 - mu) x_i x_j <= 1e50 * 1e200 / 4,
 * of w |log-likelihood| <= 1e50 * 1e200): feature values and offsets,
 * weights, and a row's linear predictor.  A feature, weight or offset
 * beyond its limit counts as invalid (the fit names the column); a linear
 * predictor beyond its limit is an error.
 */
#define LR_LOGIT_MAX_VALUE		1e100
#define LR_LOGIT_MAX_WEIGHT		1e50
#define LR_LOGIT_MAX_ETA		1e200

/* Rows fitted within this of their own outcome (0 or 1) count as "extreme". */
#define LR_LOGIT_EXTREME		1e-10

/* Rows are summed in blocks of this many, then added to the totals. */
#define LR_LOGIT_BLOCK			128

typedef struct LrLogitState
{
	LrAlloc		a;
	int32_t		nx;				/* features; -1 until the first row fixes it */
	int32_t		p;				/* nx + 1 */
	uint64_t	coef_hash;		/* the coefficients this pass was run at */
	int64_t		rows;			/* rows used */
	int64_t		skipped;		/* rows with a NULL target, feature, weight or offset */
	int64_t		bads;			/* rows used with y = 1 */
	int64_t		extreme;		/* rows fitted within 1e-10 of their outcome */
	int64_t		misfit;			/* rows on the wrong side: |y - mu| >= 1/2 */
	int64_t	   *invalid;		/* nx + 2: rows with a NaN, infinite or too large
								 * feature j, weight, offset */
	double		wsum;			/* sum of weights, and of weights of bads */
	double		wbads;
	double		ll;				/* log-likelihood */
	double	   *grad;			/* p */
	double	   *info;			/* p (p + 1) / 2: packed upper triangle, row by row */
	/*
	 * The current block of rows, not part of the value (added in before
	 * encoding): the features column by column (bx: nx x LR_LOGIT_BLOCK),
	 * and per row the weight w mu (1 - mu), the weighted residual and the
	 * log-likelihood.  A full block is summed as dot products of columns,
	 * which vectorise, instead of row by row into the totals.
	 */
	int32_t		bn;
	double	   *bx;
	double	   *bw;
	double	   *br;
	double	   *bl;
	double	   *bwx;			/* scratch: w times a column */
} LrLogitState;

extern const LrStateOps lr_logit_ops;

static inline size_t
lr_logit_tri(int p)
{
	return (size_t) p * (size_t) (p + 1) / 2;
}

/* Fixes nx (and allocates) for an empty state. */
extern bool lr_logit_setup(LrLogitState *st, int nx, uint64_t coef_hash, LrError *err);

/* Hash of a coefficient vector (its bits), to tell passes apart. */
extern uint64_t lr_logit_coef_hash(const double *beta, int p);

/*
 * Adds one row: x[0..nx-1] the features (finite), y 0/1, w > 0 weight,
 * eta = beta'(1, x) + offset computed by the caller.
 */
extern void lr_logit_add(LrLogitState *st, const double *x, int y, double w, double eta);

/* Adds the open block into the totals (the value does not change). */
extern void lr_logit_close_block(const LrLogitState *st);

/* ---------------------------------------------------------------- linear algebra */

/*
 * Cholesky factorisation of the symmetric positive definite n x n matrix A
 * (row-major, full; only the lower triangle is read) into L (row-major,
 * lower).  Returns -1 on success, else the index of the first pivot that is
 * not positive beyond tol times its diagonal (the column that is a linear
 * combination of the ones before it).
 */
extern int	lr_cholesky(const double *A, int n, double *L, double tol);

/* Solves L L' x = b in place (b becomes x). */
extern void lr_chol_solve(const double *L, int n, double *b);

/* The inverse of A from its factor L (inv: n x n, full). */
extern void lr_chol_inverse(const double *L, int n, double *inv);

/*
 * Eigenvalues of the symmetric n x n matrix A (cyclic Jacobi; A is copied),
 * into ev in ascending order.  Returns false when it did not converge.
 */
extern bool lr_sym_eigenvalues(const double *A, int n, double *ev, double *work);

/* Two-sided p-value of a standard normal z: erfc(|z| / sqrt 2). */
extern double lr_normal_p2(double z);

#endif							/* LR_TRAINING_LOGIT_H */
