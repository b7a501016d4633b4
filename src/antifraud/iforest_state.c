/*
 * iforest_state.c
 *	  Options of iforest_train and its bottom-k sample state: encode, decode
 *	  (validated), merge.  Pure C: see iforest_state.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "antifraud/iforest.h"
#include "antifraud/iforest_state.h"
#include "common/lr_jv.h"

#define LR_IFSTATE_MAGIC 0x4c524946	/* "LRIF" */

/* ---------------------------------------------------------------- options */

void
lr_ifopt_default(LrIfOptions *o)
{
	o->seed = 0;
	o->trees = 100;
	o->sample_size = 256;
	o->reservoir = 100 * 256;
	o->name = NULL;
}

static const char *const option_keys[] = {"seed", "trees", "sample_size", "reservoir", "name", NULL};

bool
lr_ifopt_parse(const char *text, size_t len, LrArena *arena,
			   const LrJsonOptions *jopts, LrIfOptions *o, LrError *err)
{
	LrJson	   *root;
	LrJv		v;
	int64_t		x = 0;
	bool		present,
				has_reservoir;

	lr_ifopt_default(o);
	if (!lr_json_parse(text, len, arena, jopts, &root, err))
		return false;
	lr_jv_init_options(&v, arena, err);
	/* Seeds are integers a JSON number holds exactly. */
	if (!lr_jv_expect(&v, root, LRJ_OBJECT) || !lr_jv_check_keys(&v, root, option_keys) ||
		!lr_jv_int(&v, root, "seed", false, -(INT64_C(1) << 53), INT64_C(1) << 53, &x, &present))
		return false;
	if (present)
		o->seed = x;
	if (!lr_jv_int32(&v, root, "trees", false, 1, LR_IFOREST_MAX_TREES, &o->trees, NULL) ||
		!lr_jv_int32(&v, root, "sample_size", false, 2, LR_IFOREST_MAX_SAMPLE, &o->sample_size, NULL) ||
		!lr_jv_int(&v, root, "reservoir", false, 2, LR_IFOREST_MAX_RESERVOIR, &x, &has_reservoir))
		return false;
	if (has_reservoir)
	{
		if (x < o->sample_size)
			return lr_jv_fail_at(&v, "reservoir", "%lld is smaller than sample_size %d",
								 (long long) x, (int) o->sample_size);
		o->reservoir = (int32_t) x;
	}
	else
	{
		double		r = (double) o->trees * (double) o->sample_size;

		o->reservoir = (int32_t) (r > LR_IFOREST_MAX_RESERVOIR ? LR_IFOREST_MAX_RESERVOIR : r);
		if (o->reservoir < o->sample_size)
			o->reservoir = o->sample_size;
	}
	return lr_jv_string_len(&v, root, "name", false, LR_IFOREST_NAME_TEXT_MAX, &o->name);
}

/* ---------------------------------------------------------------- state */

static void *
IfCreate(const LrAlloc *a, LrError *err)
{
	LrIfState  *st = lr_alloc(a, sizeof(LrIfState), err, "the isolation forest sample");

	if (st == NULL)
		return NULL;
	memset(st, 0, sizeof(*st));
	st->a = *a;
	return st;
}

static char *
CopyString(const LrAlloc *a, const char *s, size_t len, LrError *err)
{
	char	   *c = lr_alloc(a, len + 1, err, "the isolation forest sample");

	if (c != NULL)
	{
		memcpy(c, s, len);
		c[len] = '\0';
	}
	return c;
}

static bool
CheckSize(const LrIfOptions *o, size_t nfeatures, LrError *err)
{
	double		bytes = (double) o->reservoir * (double) (nfeatures + 1) * 8.0;

	if (bytes > LR_IFOREST_STATE_MAX_BYTES)
	{
		lr_error_set(err, LR_ERR_LIMIT,
					 "a sample of %d rows of %zu features needs %.0f MB, more than a state can hold",
					 (int) o->reservoir, nfeatures, bytes / 1e6);
		lr_error_detail(err, "A state value is limited to 1 GB.");
		return false;
	}
	return true;
}

bool
lr_ifstate_configure(LrIfState *st, const LrIfOptions *o, const char *const *names,
					 size_t nfeatures, LrError *err)
{
	size_t		i;

	if (!CheckSize(o, nfeatures, err))
		return false;
	st->opt = *o;
	st->opt.name = NULL;
	if (o->name != NULL &&
		(st->opt.name = CopyString(&st->a, o->name, strlen(o->name), err)) == NULL)
		return false;
	st->nfeatures = nfeatures;
	if ((st->features = lr_alloc(&st->a, nfeatures * sizeof(char *), err, "the isolation forest sample")) == NULL ||
		(st->tmp = lr_alloc(&st->a, nfeatures * sizeof(double), err, "the isolation forest sample")) == NULL)
		return false;
	for (i = 0; i < nfeatures; i++)
		if ((st->features[i] = CopyString(&st->a, names[i], strlen(names[i]), err)) == NULL)
			return false;
	st->configured = true;
	return true;
}

bool
lr_ifstate_matches(const LrIfState *st, const LrIfOptions *o, const char *const *names,
				   size_t nfeatures)
{
	size_t		i;

	if (st->opt.seed != o->seed || st->opt.trees != o->trees ||
		st->opt.sample_size != o->sample_size || st->opt.reservoir != o->reservoir ||
		(st->opt.name == NULL) != (o->name == NULL) ||
		(o->name != NULL && strcmp(st->opt.name, o->name) != 0) ||
		st->nfeatures != nfeatures)
		return false;
	for (i = 0; i < nfeatures; i++)
		if (strcmp(st->features[i], names[i]) != 0)
			return false;
	return true;
}

/* Total order of sample entries: priority, then the bits of the values. */
static int
CmpEntry(uint64_t pa, const double *va, uint64_t pb, const double *vb, size_t d)
{
	size_t		f;

	if (pa != pb)
		return pa < pb ? -1 : 1;
	for (f = 0; f < d; f++)
	{
		uint64_t	a,
					b;

		memcpy(&a, &va[f], 8);
		memcpy(&b, &vb[f], 8);
		if (a != b)
			return a < b ? -1 : 1;
	}
	return 0;
}

static void
SwapEntries(LrIfState *st, size_t i, size_t j)
{
	size_t		d = st->nfeatures;
	uint64_t	p = st->prio[i];

	st->prio[i] = st->prio[j];
	st->prio[j] = p;
	memcpy(st->tmp, &st->vals[i * d], d * sizeof(double));
	memcpy(&st->vals[i * d], &st->vals[j * d], d * sizeof(double));
	memcpy(&st->vals[j * d], st->tmp, d * sizeof(double));
}

static int
CmpAt(const LrIfState *st, size_t i, size_t j)
{
	size_t		d = st->nfeatures;

	return CmpEntry(st->prio[i], &st->vals[i * d], st->prio[j], &st->vals[j * d], d);
}

static void
SiftDown(LrIfState *st, size_t i)
{
	for (;;)
	{
		size_t		l = 2 * i + 1,
					r = l + 1,
					big = i;

		if (l < st->m && CmpAt(st, l, big) > 0)
			big = l;
		if (r < st->m && CmpAt(st, r, big) > 0)
			big = r;
		if (big == i)
			return;
		SwapEntries(st, i, big);
		i = big;
	}
}

static bool
Reserve(LrIfState *st, size_t need, LrError *err)
{
	size_t		cap = st->alloc_rows,
				d = st->nfeatures;
	uint64_t   *np;
	double	   *nv;

	if (need <= cap)
		return true;
	cap = cap < 64 ? 64 : cap * 2;
	if (cap < need)
		cap = need;
	if (cap > (size_t) st->opt.reservoir)
		cap = (size_t) st->opt.reservoir;
	if ((np = lr_alloc(&st->a, cap * sizeof(uint64_t), err, "the isolation forest sample")) == NULL ||
		(nv = lr_alloc(&st->a, cap * d * sizeof(double), err, "the isolation forest sample")) == NULL)
		return false;
	if (st->m > 0)
	{
		memcpy(np, st->prio, st->m * sizeof(uint64_t));
		memcpy(nv, st->vals, st->m * d * sizeof(double));
	}
	lr_free(&st->a, st->prio);
	lr_free(&st->a, st->vals);
	st->prio = np;
	st->vals = nv;
	st->alloc_rows = cap;
	return true;
}

bool
lr_ifstate_offer(LrIfState *st, uint64_t prio, const double *x, LrError *err)
{
	size_t		d = st->nfeatures,
				f,
				i;
	double	   *row;

	if (st->m < (size_t) st->opt.reservoir)
	{
		if (!Reserve(st, st->m + 1, err))
			return false;
		i = st->m++;
		st->prio[i] = prio;
		row = &st->vals[i * d];
		for (f = 0; f < d; f++)
			row[f] = x[f] == 0 ? 0.0 : x[f];
		/* Sift up. */
		while (i > 0)
		{
			size_t		p = (i - 1) / 2;

			if (CmpAt(st, i, p) <= 0)
				break;
			SwapEntries(st, i, p);
			i = p;
		}
		return true;
	}
	for (f = 0; f < d; f++)
		st->tmp[f] = x[f] == 0 ? 0.0 : x[f];
	if (CmpEntry(prio, st->tmp, st->prio[0], st->vals, d) >= 0)
		return true;
	st->prio[0] = prio;
	memcpy(st->vals, st->tmp, d * sizeof(double));
	SiftDown(st, 0);
	return true;
}

typedef struct OrderItem
{
	uint64_t	prio;
	uint32_t	idx;
} OrderItem;

static int
CmpOrder(const void *a, const void *b)
{
	const OrderItem *x = a,
			   *y = b;

	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Indexes of the entries in canonical order (allocated with a). */
static uint32_t *
SortedOrder(const LrIfState *st, const LrAlloc *a, LrError *err)
{
	size_t		m = st->m,
				d = st->nfeatures,
				i,
				j;
	OrderItem  *items = lr_alloc(a, m * sizeof(OrderItem), err, "the isolation forest sample");
	uint32_t   *order;

	if (items == NULL || (order = lr_alloc(a, m * sizeof(uint32_t), err, "the isolation forest sample")) == NULL)
		return NULL;
	for (i = 0; i < m; i++)
	{
		items[i].prio = st->prio[i];
		items[i].idx = (uint32_t) i;
	}
	qsort(items, m, sizeof(OrderItem), CmpOrder);
	for (i = 0; i < m; i++)
		order[i] = items[i].idx;
	/* Equal priorities (a repeated key) are ordered by their values. */
	for (i = 1; i < m; i++)
	{
		uint32_t	cur = order[i];

		for (j = i; j > 0 && st->prio[order[j - 1]] == st->prio[cur] &&
			 CmpEntry(st->prio[order[j - 1]], &st->vals[(size_t) order[j - 1] * d],
					  st->prio[cur], &st->vals[(size_t) cur * d], d) > 0; j--)
			order[j] = order[j - 1];
		order[j] = cur;
	}
	lr_free(a, items);
	return order;
}

bool
lr_ifstate_sorted_rows(const LrIfState *st, const LrAlloc *a, double **rows, LrError *err)
{
	size_t		d = st->nfeatures,
				i;
	uint32_t   *order = SortedOrder(st, a, err);

	if (order == NULL || (*rows = lr_alloc(a, st->m * d * sizeof(double), err, "the isolation forest sample")) == NULL)
		return false;
	for (i = 0; i < st->m; i++)
		memcpy(&(*rows)[i * d], &st->vals[(size_t) order[i] * d], d * sizeof(double));
	lr_free(a, order);
	return true;
}

/*
 * Flat form (after the common header):
 *   u8 configured; if 1:
 *     i64 seed, u32 trees, u32 sample_size, u32 reservoir,
 *     u8 has_name [u32 len, bytes], u32 nfeatures, per feature (u16 len, bytes),
 *     i64 rows, u32 m, then m entries (u64 prio, nfeatures f64) in canonical order
 *   if 0: nothing more.
 */
static bool
IfEncode(const void *p, LrBuf *out)
{
	const LrIfState *st = p;
	size_t		i,
				f,
				d = st->nfeatures;
	uint32_t   *order;
	LrError		err = {0};

	lr_buf_put_u8(out, st->configured ? 1 : 0);
	if (!st->configured)
		return !out->failed;
	lr_buf_put_i64(out, st->opt.seed);
	lr_buf_put_u32(out, (uint32_t) st->opt.trees);
	lr_buf_put_u32(out, (uint32_t) st->opt.sample_size);
	lr_buf_put_u32(out, (uint32_t) st->opt.reservoir);
	lr_buf_put_u8(out, st->opt.name != NULL);
	if (st->opt.name != NULL)
	{
		lr_buf_put_u32(out, (uint32_t) strlen(st->opt.name));
		lr_buf_append(out, st->opt.name, strlen(st->opt.name));
	}
	lr_buf_put_u32(out, (uint32_t) d);
	for (f = 0; f < d; f++)
	{
		lr_buf_put_u16(out, (uint16_t) strlen(st->features[f]));
		lr_buf_append(out, st->features[f], strlen(st->features[f]));
	}
	lr_buf_put_i64(out, st->rows);
	lr_buf_put_u32(out, (uint32_t) st->m);
	if (st->m == 0)
		return !out->failed;
	if ((order = SortedOrder(st, out->a, &err)) == NULL)
	{
		out->failed = true;
		return false;
	}
	for (i = 0; i < st->m && !out->failed; i++)
	{
		const double *row = &st->vals[(size_t) order[i] * d];

		lr_buf_put_u64(out, st->prio[order[i]]);
		for (f = 0; f < d; f++)
			lr_buf_put_f64(out, row[f]);
	}
	lr_free(out->a, order);
	return !out->failed;
}

static void *
Bad(LrReader *r, LrError *err, const char *what)
{
	lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: %s", r->what, what);
	return NULL;
}

static void *
IfDecode(const LrAlloc *a, LrReader *r, LrError *err)
{
	LrIfState  *st = IfCreate(a, err);
	LrIfOptions o;
	uint8_t		configured,
				has_name;
	uint32_t	u,
				nfeat,
				m;
	const uint8_t *bytes;
	const char **names;
	size_t	   *lens;
	size_t		f,
				i,
				d;
	char	   *name = NULL;

	if (st == NULL || !lr_read_u8(r, &configured))
		return NULL;
	if (configured == 0)
		return st;
	if (configured != 1)
		return Bad(r, err, "bad configuration flag");
	if (!lr_read_i64(r, &o.seed))
		return NULL;
	if (o.seed < -9007199254740992LL || o.seed > 9007199254740992LL)
		return Bad(r, err, "seed out of range");
	if (!lr_read_u32(r, &u))
		return NULL;
	if (u < 1 || u > LR_IFOREST_MAX_TREES)
		return Bad(r, err, "number of trees out of range");
	o.trees = (int32_t) u;
	if (!lr_read_u32(r, &u))
		return NULL;
	if (u < 2 || u > LR_IFOREST_MAX_SAMPLE)
		return Bad(r, err, "sample size out of range");
	o.sample_size = (int32_t) u;
	if (!lr_read_u32(r, &u))
		return NULL;
	if (u < (uint32_t) o.sample_size || u > LR_IFOREST_MAX_RESERVOIR)
		return Bad(r, err, "reservoir size out of range");
	o.reservoir = (int32_t) u;
	if (!lr_read_u8(r, &has_name))
		return NULL;
	if (has_name > 1)
		return Bad(r, err, "bad name flag");
	if (has_name)
	{
		if (!lr_read_u32(r, &u))
			return NULL;
		if (u > LR_IFOREST_NAME_TEXT_MAX)
			return Bad(r, err, "name too long");
		if (!lr_read_bytes(r, u, &bytes))
			return NULL;
		if (memchr(bytes, '\0', u) != NULL)
			return Bad(r, err, "name contains NUL");
		if ((name = CopyString(a, (const char *) bytes, u, err)) == NULL)
			return NULL;
	}
	o.name = name;
	if (!lr_read_u32(r, &nfeat))
		return NULL;
	if (nfeat < 1 || nfeat > LR_IFOREST_MAX_FEATURES)
		return Bad(r, err, "number of features out of range");
	d = nfeat;
	if ((names = lr_alloc(a, d * sizeof(char *), err, "the isolation forest sample")) == NULL ||
		(lens = lr_alloc(a, d * sizeof(size_t), err, "the isolation forest sample")) == NULL)
		return NULL;
	for (f = 0; f < d; f++)
	{
		uint16_t	len;

		if (!lr_read_u16(r, &len) || !lr_read_bytes(r, len, &bytes))
			return NULL;
		if ((names[f] = CopyString(a, (const char *) bytes, len, err)) == NULL)
			return NULL;
		lens[f] = len;
	}
	{
		LrError		e2 = {0};

		if (!lr_iforest_check_names(names, lens, d, "features", 0, &e2))
		{
			lr_error_set(err, LR_ERR_SYNTAX, "invalid %s: %s", r->what, e2.msg);
			return NULL;
		}
	}
	if (!lr_ifstate_configure(st, &o, names, d, err))
		return NULL;
	if (!lr_read_i64(r, &st->rows) || !lr_read_u32(r, &m))
		return NULL;
	if (m > (uint32_t) o.reservoir)
		return Bad(r, err, "more rows than the reservoir holds");
	if (st->rows < (int64_t) m || st->rows > ((int64_t) 1 << 62))
		return Bad(r, err, "row count out of range");
	if ((size_t) m > lr_reader_left(r) / ((d + 1) * 8))
		return Bad(r, err, "truncated sample");
	if (m > 0 && !Reserve(st, m, err))
		return NULL;
	/* Stored ascending; kept descending, which is a valid max-heap. */
	for (i = 0; i < m; i++)
	{
		size_t		k = m - 1 - i;
		double	   *row = &st->vals[k * d];

		if (!lr_read_u64(r, &st->prio[k]))
			return NULL;
		for (f = 0; f < d; f++)
		{
			if (!lr_read_f64(r, &row[f]))
				return NULL;
			if (!isfinite(row[f]))
				return Bad(r, err, "non-finite value in the sample");
			if (row[f] == 0 && signbit(row[f]))
				return Bad(r, err, "negative zero in the sample");
		}
		if (i > 0 && CmpAt(st, k, k + 1) < 0)
			return Bad(r, err, "sample out of order");
	}
	st->m = m;
	return st;
}

static bool
IfMerge(void *dst, const void *src, const LrAlloc *a, LrError *err)
{
	LrIfState  *d = dst;
	const LrIfState *s = src;
	size_t		i;

	if (!s->configured)
		return true;
	if (!d->configured)
	{
		if (!lr_ifstate_configure(d, &s->opt, (const char *const *) s->features, s->nfeatures, err))
			return false;
	}
	else if (!lr_ifstate_matches(d, &s->opt, (const char *const *) s->features, s->nfeatures))
	{
		lr_error_set(err, LR_ERR_INVALID,
					 "cannot merge isolation forest samples taken with different features or options");
		lr_error_detail(err, "Every row of a group must give the same features and options.");
		return false;
	}
	/* Counts stay far below overflow: decode caps each at 2^62. */
	d->rows = d->rows > ((int64_t) 1 << 62) - s->rows ? ((int64_t) 1 << 62) : d->rows + s->rows;
	for (i = 0; i < s->m; i++)
	{
		if (!lr_ifstate_may_keep(d, s->prio[i]))
			continue;
		if (!lr_ifstate_offer(d, s->prio[i], &s->vals[i * s->nfeatures], err))
			return false;
	}
	return true;
}

const LrStateOps lr_iforest_state_ops = {
	"loan_risk.iforest_train_state", LR_IFSTATE_MAGIC, 1,
	IfCreate, IfDecode, IfEncode, IfMerge
};
