/*
 * linalg.c
 *	  Dense symmetric linear algebra for the logistic fit (p is at most about
 *	  a hundred): Cholesky factorisation, solve, inverse, Jacobi eigenvalues,
 *	  and the normal tail probability.  Pure C.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "training/logit.h"

int
lr_cholesky(const double *A, int n, double *L, double tol)
{
	memset(L, 0, (size_t) n * (size_t) n * sizeof(double));
	for (int j = 0; j < n; j++)
	{
		double		d = A[j * n + j];

		for (int k = 0; k < j; k++)
			d -= L[j * n + k] * L[j * n + k];
		/* Relative to the column's own scale: a pivot that vanishes means dependence. */
		if (!(d > tol * fabs(A[j * n + j])) || !(d > 0))
			return j;
		d = sqrt(d);
		L[j * n + j] = d;
		for (int i = j + 1; i < n; i++)
		{
			double		s = A[i * n + j];

			for (int k = 0; k < j; k++)
				s -= L[i * n + k] * L[j * n + k];
			L[i * n + j] = s / d;
		}
	}
	return -1;
}

void
lr_chol_solve(const double *L, int n, double *b)
{
	for (int i = 0; i < n; i++)
	{
		double		s = b[i];

		for (int k = 0; k < i; k++)
			s -= L[i * n + k] * b[k];
		b[i] = s / L[i * n + i];
	}
	for (int i = n - 1; i >= 0; i--)
	{
		double		s = b[i];

		for (int k = i + 1; k < n; k++)
			s -= L[k * n + i] * b[k];
		b[i] = s / L[i * n + i];
	}
}

void
lr_chol_inverse(const double *L, int n, double *inv)
{
	/* Column by column: solve A x = e_j. */
	for (int j = 0; j < n; j++)
	{
		double		col[LR_LOGIT_MAX_FEATURES + 1];

		for (int i = 0; i < n; i++)
			col[i] = (i == j) ? 1.0 : 0.0;
		lr_chol_solve(L, n, col);
		for (int i = 0; i < n; i++)
			inv[i * n + j] = col[i];
	}
	/* Symmetrise the rounding. */
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
		{
			double		m = 0.5 * (inv[i * n + j] + inv[j * n + i]);

			inv[i * n + j] = m;
			inv[j * n + i] = m;
		}
}

static int
CmpDouble(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return x < y ? -1 : x > y;
}

bool
lr_sym_eigenvalues(const double *A, int n, double *ev, double *a)
{
	memcpy(a, A, (size_t) n * (size_t) n * sizeof(double));
	for (int sweep = 0; sweep < 100; sweep++)
	{
		double		off = 0,
					diag = 0;

		for (int i = 0; i < n; i++)
		{
			diag += a[i * n + i] * a[i * n + i];
			for (int j = i + 1; j < n; j++)
				off += a[i * n + j] * a[i * n + j];
		}
		if (off <= 1e-30 * diag || off == 0)
		{
			for (int i = 0; i < n; i++)
				ev[i] = a[i * n + i];
			qsort(ev, (size_t) n, sizeof(double), CmpDouble);
			return true;
		}
		for (int p = 0; p < n; p++)
			for (int q = p + 1; q < n; q++)
			{
				double		apq = a[p * n + q];
				double		theta,
							t,
							c,
							s;

				if (apq == 0)
					continue;
				theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
				t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1));
				c = 1 / sqrt(t * t + 1);
				s = t * c;
				for (int k = 0; k < n; k++)
				{
					double		akp = a[k * n + p];
					double		akq = a[k * n + q];

					a[k * n + p] = c * akp - s * akq;
					a[k * n + q] = s * akp + c * akq;
				}
				for (int k = 0; k < n; k++)
				{
					double		apk = a[p * n + k];
					double		aqk = a[q * n + k];

					a[p * n + k] = c * apk - s * aqk;
					a[q * n + k] = s * apk + c * aqk;
				}
			}
	}
	return false;
}

double
lr_normal_p2(double z)
{
	return erfc(fabs(z) / sqrt(2.0));
}
