/*
 * graph_sort.c
 *	  Sorting of adjacency lists inside parallel kernels: pure C (no
 *	  PostgreSQL calls, no allocation), introsort (quicksort with a
 *	  median-of-three pivot, insertion sort for short ranges, heapsort when
 *	  the recursion gets too deep), so the worst case stays n log n.
 */
#include "postgres.h"

#include "graph/graph.h"

#define SMALL_SORT 24

/* ---- int32 keys */

static inline void
SwapI(int32 *a, int64 i, int64 j)
{
	int32		t = a[i];

	a[i] = a[j];
	a[j] = t;
}

static void
InsertionI(int32 *a, int64 n)
{
	int64		i,
				j;

	for (i = 1; i < n; i++)
	{
		int32		v = a[i];

		for (j = i; j > 0 && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

static void
SiftI(int32 *a, int64 root, int64 n)
{
	for (;;)
	{
		int64		c = 2 * root + 1;

		if (c >= n)
			return;
		if (c + 1 < n && a[c + 1] > a[c])
			c++;
		if (a[root] >= a[c])
			return;
		SwapI(a, root, c);
		root = c;
	}
}

static void
HeapI(int32 *a, int64 n)
{
	int64		i;

	for (i = n / 2 - 1; i >= 0; i--)
		SiftI(a, i, n);
	for (i = n - 1; i > 0; i--)
	{
		SwapI(a, 0, i);
		SiftI(a, 0, i);
	}
}

static void
IntroI(int32 *a, int64 n, int depth)
{
	while (n > SMALL_SORT)
	{
		int64		m = n / 2,
					i,
					j;
		int32		pivot;

		if (depth-- == 0)
		{
			HeapI(a, n);
			return;
		}
		/* median of three to a[0] */
		if (a[m] < a[0])
			SwapI(a, m, 0);
		if (a[n - 1] < a[0])
			SwapI(a, n - 1, 0);
		if (a[n - 1] < a[m])
			SwapI(a, n - 1, m);
		SwapI(a, 0, m);
		pivot = a[0];
		/* Hoare partition */
		i = 0;
		j = n;
		for (;;)
		{
			do
				i++;
			while (i < n && a[i] < pivot);
			do
				j--;
			while (a[j] > pivot);
			if (i >= j)
				break;
			SwapI(a, i, j);
		}
		SwapI(a, 0, j);
		/* recurse into the smaller side, loop on the larger */
		if (j < n - j - 1)
		{
			IntroI(a, j, depth);
			a += j + 1;
			n -= j + 1;
		}
		else
		{
			IntroI(a + j + 1, n - j - 1, depth);
			n = j;
		}
	}
	InsertionI(a, n);
}

static int
DepthLimit(int64 n)
{
	int			d = 0;

	while (n > 1)
	{
		d++;
		n >>= 1;
	}
	return 2 * d + 2;
}

void
lr_sort_int32(int32 *a, int64 n)
{
	int64		i;

	if (n < 2)
		return;
	/* already sorted is common (lists filled in order): check first */
	for (i = 1; i < n && a[i - 1] <= a[i]; i++)
		;
	if (i == n)
		return;
	IntroI(a, n, DepthLimit(n));
}

/* ---- (int32, double) arcs, by key then weight */

static inline bool
LessA(const int32 *a, const double *w, int64 i, int64 j)
{
	return a[i] < a[j] || (a[i] == a[j] && w[i] < w[j]);
}

static inline bool
LessAV(int32 ka, double wa, int32 kb, double wb)
{
	return ka < kb || (ka == kb && wa < wb);
}

static inline void
SwapA(int32 *a, double *w, int64 i, int64 j)
{
	int32		t = a[i];
	double		u = w[i];

	a[i] = a[j];
	a[j] = t;
	w[i] = w[j];
	w[j] = u;
}

static void
InsertionA(int32 *a, double *w, int64 n)
{
	int64		i,
				j;

	for (i = 1; i < n; i++)
	{
		int32		k = a[i];
		double		v = w[i];

		for (j = i; j > 0 && LessAV(k, v, a[j - 1], w[j - 1]); j--)
		{
			a[j] = a[j - 1];
			w[j] = w[j - 1];
		}
		a[j] = k;
		w[j] = v;
	}
}

static void
SiftA(int32 *a, double *w, int64 root, int64 n)
{
	for (;;)
	{
		int64		c = 2 * root + 1;

		if (c >= n)
			return;
		if (c + 1 < n && LessA(a, w, c, c + 1))
			c++;
		if (!LessA(a, w, root, c))
			return;
		SwapA(a, w, root, c);
		root = c;
	}
}

static void
HeapA(int32 *a, double *w, int64 n)
{
	int64		i;

	for (i = n / 2 - 1; i >= 0; i--)
		SiftA(a, w, i, n);
	for (i = n - 1; i > 0; i--)
	{
		SwapA(a, w, 0, i);
		SiftA(a, w, 0, i);
	}
}

static void
IntroA(int32 *a, double *w, int64 n, int depth)
{
	while (n > SMALL_SORT)
	{
		int64		m = n / 2,
					i,
					j;
		int32		pk;
		double		pw;

		if (depth-- == 0)
		{
			HeapA(a, w, n);
			return;
		}
		if (LessA(a, w, m, 0))
			SwapA(a, w, m, 0);
		if (LessA(a, w, n - 1, 0))
			SwapA(a, w, n - 1, 0);
		if (LessA(a, w, n - 1, m))
			SwapA(a, w, n - 1, m);
		SwapA(a, w, 0, m);
		pk = a[0];
		pw = w[0];
		i = 0;
		j = n;
		for (;;)
		{
			do
				i++;
			while (i < n && LessAV(a[i], w[i], pk, pw));
			do
				j--;
			while (LessAV(pk, pw, a[j], w[j]));
			if (i >= j)
				break;
			SwapA(a, w, i, j);
		}
		SwapA(a, w, 0, j);
		if (j < n - j - 1)
		{
			IntroA(a, w, j, depth);
			a += j + 1;
			w += j + 1;
			n -= j + 1;
		}
		else
		{
			IntroA(a + j + 1, w + j + 1, n - j - 1, depth);
			n = j;
		}
	}
	InsertionA(a, w, n);
}

void
lr_sort_arcs(int32 *a, double *w, int64 n)
{
	int64		i;

	if (n < 2)
		return;
	for (i = 1; i < n && !LessA(a, w, i, i - 1); i++)
		;
	if (i == n)
		return;
	IntroA(a, w, n, DepthLimit(n));
}
