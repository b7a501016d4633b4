/*
 * cp_table.c
 *	  Counterparty table of merchant_features: counterparties by 128-bit hash,
 *	  each with its revenue per local day (newest first), plus the rebuilds
 *	  the state needs (dropping old days, sampling by hash, Misra-Gries
 *	  reduction) and the table's flat form.  Pure C.
 *
 * The hash tables are hand-written, not lib/simplehash.h: the state is pure
 * C (fuzzed), and the hash is part of the result (sampling by hash).
 */
#include <stdlib.h>
#include <string.h>

#include "features/cp_table.h"

#define Min(x, y) ((x) < (y) ? (x) : (y))

/* ---------------------------------------------------------------- hash */

static inline uint64_t
Rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t
Load64(const uint8_t *p)
{
	return (uint64_t) p[0] | ((uint64_t) p[1] << 8) | ((uint64_t) p[2] << 16) |
		((uint64_t) p[3] << 24) | ((uint64_t) p[4] << 32) | ((uint64_t) p[5] << 40) |
		((uint64_t) p[6] << 48) | ((uint64_t) p[7] << 56);
}

/*
 * MurmurHash3 x64-128 (Austin Appleby's public-domain algorithm), reading
 * bytes little-endian explicitly so states hash the same on every platform:
 * counterparty keys travel between servers inside states.
 */
void
lr_cp_hash(const void *key, size_t len, uint32_t seed, uint64_t *out0, uint64_t *out1)
{
	const uint8_t *data = key;
	size_t		nblocks = len / 16;
	uint64_t	h1 = seed;
	uint64_t	h2 = seed;
	const uint64_t c1 = UINT64_C(0x87c37b91114253d5);
	const uint64_t c2 = UINT64_C(0x4cf5ad432745937f);
	const uint8_t *tail;
	uint64_t	k1 = 0;
	uint64_t	k2 = 0;
	size_t		i;

	for (i = 0; i < nblocks; i++)
	{
		uint64_t	b1 = Load64(data + i * 16);
		uint64_t	b2 = Load64(data + i * 16 + 8);

		b1 *= c1;
		b1 = Rotl64(b1, 31);
		b1 *= c2;
		h1 ^= b1;
		h1 = Rotl64(h1, 27);
		h1 += h2;
		h1 = h1 * 5 + 0x52dce729;
		b2 *= c2;
		b2 = Rotl64(b2, 33);
		b2 *= c1;
		h2 ^= b2;
		h2 = Rotl64(h2, 31);
		h2 += h1;
		h2 = h2 * 5 + 0x38495ab5;
	}

	tail = data + nblocks * 16;
	switch (len & 15)
	{
		case 15:
			k2 ^= (uint64_t) tail[14] << 48;
			/* FALLTHROUGH */
		case 14:
			k2 ^= (uint64_t) tail[13] << 40;
			/* FALLTHROUGH */
		case 13:
			k2 ^= (uint64_t) tail[12] << 32;
			/* FALLTHROUGH */
		case 12:
			k2 ^= (uint64_t) tail[11] << 24;
			/* FALLTHROUGH */
		case 11:
			k2 ^= (uint64_t) tail[10] << 16;
			/* FALLTHROUGH */
		case 10:
			k2 ^= (uint64_t) tail[9] << 8;
			/* FALLTHROUGH */
		case 9:
			k2 ^= (uint64_t) tail[8];
			k2 *= c2;
			k2 = Rotl64(k2, 33);
			k2 *= c1;
			h2 ^= k2;
			/* FALLTHROUGH */
		case 8:
			k1 ^= (uint64_t) tail[7] << 56;
			/* FALLTHROUGH */
		case 7:
			k1 ^= (uint64_t) tail[6] << 48;
			/* FALLTHROUGH */
		case 6:
			k1 ^= (uint64_t) tail[5] << 40;
			/* FALLTHROUGH */
		case 5:
			k1 ^= (uint64_t) tail[4] << 32;
			/* FALLTHROUGH */
		case 4:
			k1 ^= (uint64_t) tail[3] << 24;
			/* FALLTHROUGH */
		case 3:
			k1 ^= (uint64_t) tail[2] << 16;
			/* FALLTHROUGH */
		case 2:
			k1 ^= (uint64_t) tail[1] << 8;
			/* FALLTHROUGH */
		case 1:
			k1 ^= (uint64_t) tail[0];
			k1 *= c1;
			k1 = Rotl64(k1, 31);
			k1 *= c2;
			h1 ^= k1;
	}

	h1 ^= (uint64_t) len;
	h2 ^= (uint64_t) len;
	h1 += h2;
	h2 += h1;
	h1 = lr_hash_mix64(h1);
	h2 = lr_hash_mix64(h2);
	h1 += h2;
	h2 += h1;
	/* (0, 0) marks a free slot. */
	if (h1 == 0 && h2 == 0)
		h2 = 1;
	*out0 = h1;
	*out1 = h2;
}

/* ---------------------------------------------------------------- table */

void
lr_cpt_init(LrCpTable *t)
{
	memset(t, 0, sizeof(*t));
}

static void
Release(const LrAlloc *a, void *p)
{
	if (p != NULL && a->free != NULL)
		a->free(a->ctx, p);
}

void
lr_cpt_free(LrCpTable *t, const LrAlloc *a)
{
	Release(a, t->cps);
	Release(a, t->ents);
	lr_cpt_init(t);
}

static void *
AllocArray(const LrAlloc *a, size_t n, size_t elem, LrError *err)
{
	size_t		bytes;
	void	   *p;

	if (!lr_size_mul(n == 0 ? 1 : n, elem, &bytes))
	{
		lr_error_nomem(err, "the counterparty table of merchant_features");
		return NULL;
	}
	p = a->alloc(a->ctx, bytes);
	if (p == NULL)
		lr_error_nomem(err, "the counterparty table of merchant_features");
	return p;
}

static inline bool
CpFree(const LrCp *c)
{
	return c->k0 == 0 && c->k1 == 0;
}

/*
 * Entries hash on the counterparty's k0 (not its slot) and the day, so the
 * caller can compute, and prefetch, an entry's slot before it has found the
 * counterparty, and entries stay put when the counterparty table grows.
 */
static inline uint32_t
EntryHash(uint64_t k0, int32_t day)
{
	return (uint32_t) lr_hash_mix64(k0 ^ ((uint64_t) (uint32_t) day * UINT64_C(0x9e3779b97f4a7c15)));
}

void
lr_cpt_prefetch(const LrCpTable *t, uint64_t k0, int32_t day)
{
	if (t->cps != NULL)
		__builtin_prefetch(&t->cps[(uint32_t) k0 & t->mask]);
	if (t->ents != NULL)
		__builtin_prefetch(&t->ents[EntryHash(k0, day) & t->emask]);
}

/* Smallest power of two, at least 8, holding n items at load at most 0.7. */
static uint32_t
SlotsFor(size_t n)
{
	size_t		s = 8;

	while (n * 10 > s * 7)
		s *= 2;
	return s > (size_t) 1 << 31 ? (uint32_t) 1 << 31 : (uint32_t) s;
}

static inline bool
Full(uint32_t n, uint32_t mask, const void *arr)
{
	return arr == NULL || ((size_t) n + 1) * 10 > ((size_t) mask + 1) * 7;
}

/* Resizes the counterparty table to nslots, renumbering the entries' slots. */
static bool
ResizeCps(LrCpTable *t, const LrAlloc *a, uint32_t nslots, LrError *err)
{
	LrCp	   *cps;
	uint32_t   *map = NULL;
	uint32_t	i;

	if ((size_t) t->n * 10 > (size_t) nslots * 7)
		return lr_error_nomem(err, "the counterparty table of merchant_features");
	cps = AllocArray(a, nslots, sizeof(LrCp), err);
	if (cps == NULL)
		return false;
	memset(cps, 0, (size_t) nslots * sizeof(LrCp));
	if (t->cps != NULL)
	{
		if (t->nents > 0)
		{
			map = AllocArray(a, (size_t) t->mask + 1, sizeof(uint32_t), err);
			if (map == NULL)
			{
				Release(a, cps);
				return false;
			}
		}
		for (i = 0; i <= t->mask; i++)
		{
			uint32_t	pos;

			if (CpFree(&t->cps[i]))
				continue;
			pos = (uint32_t) t->cps[i].k0 & (nslots - 1);
			while (!CpFree(&cps[pos]))
				pos = (pos + 1) & (nslots - 1);
			cps[pos] = t->cps[i];
			if (map != NULL)
				map[i] = pos;
		}
		for (i = 0; map != NULL && i <= t->emask; i++)
			if (t->ents[i].cp != LR_CP_EMPTY)
				t->ents[i].cp = map[t->ents[i].cp];
	}
	Release(a, map);
	Release(a, t->cps);
	t->cps = cps;
	t->mask = nslots - 1;
	return true;
}

static bool
ResizeEntries(LrCpTable *t, const LrAlloc *a, uint32_t nslots, LrError *err)
{
	LrCpEntry  *ents;
	uint32_t	i;

	if ((size_t) t->nents * 10 > (size_t) nslots * 7)
		return lr_error_nomem(err, "the counterparty table of merchant_features");
	ents = AllocArray(a, nslots, sizeof(LrCpEntry), err);
	if (ents == NULL)
		return false;
	for (i = 0; i < nslots; i++)
		ents[i].cp = LR_CP_EMPTY;
	for (i = 0; t->ents != NULL && i <= t->emask; i++)
	{
		const LrCpEntry *e = &t->ents[i];
		uint32_t	pos;

		if (e->cp == LR_CP_EMPTY)
			continue;
		pos = EntryHash(t->cps[e->cp].k0, e->day) & (nslots - 1);
		while (ents[pos].cp != LR_CP_EMPTY)
			pos = (pos + 1) & (nslots - 1);
		ents[pos] = *e;
	}
	Release(a, t->ents);
	t->ents = ents;
	t->emask = nslots - 1;
	return true;
}

bool
lr_cpt_reserve(LrCpTable *t, const LrAlloc *a, uint32_t ncps, uint32_t nents, LrError *err)
{
	if ((t->cps == NULL || SlotsFor(ncps) > (size_t) t->mask + 1) &&
		!ResizeCps(t, a, SlotsFor(ncps), err))
		return false;
	if ((t->ents == NULL || SlotsFor(nents) > (size_t) t->emask + 1) &&
		!ResizeEntries(t, a, SlotsFor(nents), err))
		return false;
	return true;
}

bool
lr_cpt_full(const LrCpTable *t)
{
	return Full(t->n, t->mask, t->cps) || Full(t->nents, t->emask, t->ents);
}

bool
lr_cpt_lookup(LrCpTable *t, const LrAlloc *a, uint64_t k0, uint64_t k1, uint32_t *idx, LrError *err)
{
	uint32_t	pos;

	if (Full(t->n, t->mask, t->cps) && !ResizeCps(t, a, SlotsFor((size_t) t->n + 1), err))
		return false;
	pos = (uint32_t) k0 & t->mask;
	for (;;)
	{
		LrCp	   *c = &t->cps[pos];

		if (c->k0 == k0 && c->k1 == k1)
		{
			*idx = pos;
			return true;
		}
		if (CpFree(c))
			break;
		pos = (pos + 1) & t->mask;
	}
	t->cps[pos].k0 = k0;
	t->cps[pos].k1 = k1;
	t->n++;
	*idx = pos;
	return true;
}

/*
 * The entry of the counterparty in slot cp (with hash k0) on day, added with
 * revenue 0 when absent; *added tells which.  NULL on failure.
 */
static LrCpEntry *
EntryGet(LrCpTable *t, const LrAlloc *a, uint32_t cp, uint64_t k0, int32_t day, bool *added, LrError *err)
{
	uint32_t	pos;

	if (Full(t->nents, t->emask, t->ents) && !ResizeEntries(t, a, SlotsFor((size_t) t->nents + 1), err))
		return NULL;
	pos = EntryHash(k0, day) & t->emask;
	for (;;)
	{
		LrCpEntry  *e = &t->ents[pos];

		if (e->cp == LR_CP_EMPTY)
			break;
		if (e->cp == cp && e->day == day)
		{
			*added = false;
			return e;
		}
		pos = (pos + 1) & t->emask;
	}
	t->ents[pos].cp = cp;
	t->ents[pos].day = day;
	t->ents[pos].rev = 0;
	t->nents++;
	*added = true;
	return &t->ents[pos];
}

bool
lr_cpt_add(LrCpTable *t, const LrAlloc *a, uint32_t idx, uint64_t k0, int32_t day, int64_t rev, LrError *err)
{
	bool		added;
	LrCpEntry  *e = EntryGet(t, a, idx, k0, day, &added, err);

	if (e == NULL)
		return false;
	if (__builtin_add_overflow(e->rev, rev, &e->rev))
		return lr_error_set(err, LR_ERR_LIMIT, "revenue of one counterparty on one day is out of range");
	return true;
}

bool
lr_cpt_sampled(uint64_t k0, int level)
{
	return level == 0 || (level < 64 && (k0 >> (64 - level)) == 0);
}

static inline bool
EntryKept(const LrCpEntry *e, int32_t min_day, bool positive_only)
{
	return e->cp != LR_CP_EMPTY && e->day >= min_day && (!positive_only || e->rev > 0);
}

bool
lr_cpt_merge_into(LrCpTable *dst, const LrAlloc *a, const LrCpTable *src, int level,
				  int32_t min_day, bool positive_only, LrError *err)
{
	uint32_t   *map;			/* src slot -> dst slot + 1 (0: not yet) */
	uint32_t	i;
	bool		ok = true;

	if (src->nents == 0)
		return true;
	/* Room for everything first, so dst slots found below stay valid. */
	if (!lr_cpt_reserve(dst, a, dst->n + src->n, dst->nents + src->nents, err))
		return false;
	map = AllocArray(a, (size_t) src->mask + 1, sizeof(uint32_t), err);
	if (map == NULL)
		return false;
	memset(map, 0, ((size_t) src->mask + 1) * sizeof(uint32_t));
	for (i = 0; i <= src->emask && ok; i++)
	{
		const LrCpEntry *e = &src->ents[i];
		const LrCp *c;

		if (!EntryKept(e, min_day, positive_only))
			continue;
		c = &src->cps[e->cp];
		if (!lr_cpt_sampled(c->k0, level))
			continue;
		if (map[e->cp] == 0)
		{
			uint32_t	idx;

			ok = lr_cpt_lookup(dst, a, c->k0, c->k1, &idx, err);
			if (!ok)
				break;
			map[e->cp] = idx + 1;
		}
		ok = lr_cpt_add(dst, a, map[e->cp] - 1, c->k0, e->day, e->rev, err);
	}
	Release(a, map);
	return ok;
}

/* For canonical order: counterparties by key, their days ascending. */
typedef struct SortEnt
{
	uint64_t	k0;
	uint64_t	k1;
	int32_t		day;
	uint32_t	slot;			/* the entry's slot */
} SortEnt;

LR_COMPARATOR(CmpSortEnt, SortEnt,
			  a->k0 != b->k0 ? LR_CMP(a->k0, b->k0) :
			  a->k1 != b->k1 ? LR_CMP(a->k1, b->k1) : LR_CMP(a->day, b->day))

/* The entries passing the filters, sorted by (counterparty key, day); *n their number. */
static SortEnt *
SortedEntries(const LrCpTable *t, const LrAlloc *a, int32_t min_day, bool positive_only, uint32_t *n,
			  LrError *err)
{
	SortEnt    *out = AllocArray(a, t->nents, sizeof(SortEnt), err);
	uint32_t	i;
	uint32_t	k = 0;

	if (out == NULL)
		return NULL;
	for (i = 0; t->ents != NULL && i <= t->emask; i++)
	{
		const LrCpEntry *e = &t->ents[i];

		if (!EntryKept(e, min_day, positive_only))
			continue;
		out[k].k0 = t->cps[e->cp].k0;
		out[k].k1 = t->cps[e->cp].k1;
		out[k].day = e->day;
		out[k].slot = i;
		k++;
	}
	qsort(out, k, sizeof(SortEnt), CmpSortEnt);
	*n = k;
	return out;
}

/*
 * Rebuilds t keeping counterparties sampled at `level`, entries not older
 * than min_day (and only positive ones if positive_only), and, when subtract
 * > 0, taking `subtract` off each counterparty's total from its oldest days
 * first (a Misra-Gries decrement: counterparties whose total is at most
 * subtract go).  Counterparties left without entries go too.
 */
bool
lr_cpt_rebuild(LrCpTable *t, const LrAlloc *a, int level, int32_t min_day, bool positive_only,
			   int64_t subtract, LrError *err)
{
	LrCpTable	nt;
	SortEnt    *se = NULL;
	uint32_t	ns = 0;
	uint32_t	i;
	uint32_t	j;
	uint32_t	k = 0;
	uint32_t	ncp = 0;

	lr_cpt_init(&nt);
	if (subtract == 0)
	{
		/*
		 * Dropping old days or unsampled counterparties: one pass, in slot
		 * order.  Room for twice what survives, so that the table does not
		 * fill up (and come back here) at once.
		 */
		for (i = 0; t->ents != NULL && i <= t->emask; i++)
			if (EntryKept(&t->ents[i], min_day, positive_only) &&
				lr_cpt_sampled(t->cps[t->ents[i].cp].k0, level))
				k++;
		if (!lr_cpt_reserve(&nt, a, Min(t->n, k) * 2 + 1, k * 2 + 1, err))
			goto fail;
		for (i = 0; t->ents != NULL && i <= t->emask; i++)
		{
			const LrCpEntry *e = &t->ents[i];
			const LrCp *c;
			uint32_t	idx;

			if (!EntryKept(e, min_day, positive_only))
				continue;
			c = &t->cps[e->cp];
			if (!lr_cpt_sampled(c->k0, level))
				continue;
			if (!lr_cpt_lookup(&nt, a, c->k0, c->k1, &idx, err) ||
				!lr_cpt_add(&nt, a, idx, c->k0, e->day, e->rev, err))
				goto fail;
		}
		lr_cpt_free(t, a);
		*t = nt;
		return true;
	}

	/* A Misra-Gries decrement: per counterparty (a run of se), total, then oldest days first. */
	se = SortedEntries(t, a, min_day, positive_only, &ns, err);
	if (se == NULL)
		return false;
	for (i = 0; i < ns; i = j)
	{
		int64_t		total = 0;
		bool		keep = lr_cpt_sampled(se[i].k0, level);
		bool		any = false;

		for (j = i; j < ns && se[j].k0 == se[i].k0 && se[j].k1 == se[i].k1; j++)
			if (__builtin_add_overflow(total, t->ents[se[j].slot].rev, &total))
			{
				Release(a, se);
				return lr_error_set(err, LR_ERR_LIMIT, "revenue of one counterparty is out of range");
			}
		if (total <= subtract)
			keep = false;
		if (keep)
		{
			int64_t		rem = subtract;
			uint32_t	m;

			for (m = i; m < j && rem > 0; m++)
			{
				LrCpEntry  *e = &t->ents[se[m].slot];
				int64_t		take = e->rev < rem ? e->rev : rem;

				e->rev -= take;
				rem -= take;
			}
		}
		for (; i < j; i++)
			if (keep && t->ents[se[i].slot].rev > 0)
			{
				se[k++] = se[i];
				any = true;
			}
		ncp += any;
	}
	/* The new table, with room to grow to twice what survives. */
	if (!lr_cpt_reserve(&nt, a, ncp * 2 + 1, k * 2 + 1, err))
		goto fail;
	for (i = 0; i < k; i++)
	{
		uint32_t	idx;

		if (!lr_cpt_lookup(&nt, a, se[i].k0, se[i].k1, &idx, err) ||
			!lr_cpt_add(&nt, a, idx, se[i].k0, se[i].day, t->ents[se[i].slot].rev, err))
			goto fail;
	}
	Release(a, se);
	lr_cpt_free(t, a);
	*t = nt;
	return true;

fail:
	Release(a, se);
	lr_cpt_free(&nt, a);
	return false;
}

LR_COMPARATOR(CmpDesc, int64_t,
			  LR_CMP(*b, *a))

bool
lr_cpt_reduce(LrCpTable *t, const LrAlloc *a, uint32_t k, int32_t min_day, int64_t *delta, LrError *err)
{
	int64_t		c = 0;

	if (t->n > k)
	{
		size_t		nslots = (size_t) t->mask + 1;
		int64_t    *tot = AllocArray(a, nslots, sizeof(int64_t), err);
		uint32_t	i;
		uint32_t	m = 0;

		if (tot == NULL)
			return false;
		memset(tot, 0, nslots * sizeof(int64_t));
		for (i = 0; i <= t->emask; i++)
		{
			const LrCpEntry *e = &t->ents[i];

			if (EntryKept(e, min_day, true) &&
				__builtin_add_overflow(tot[e->cp], e->rev, &tot[e->cp]))
			{
				Release(a, tot);
				return lr_error_set(err, LR_ERR_LIMIT, "revenue of one counterparty is out of range");
			}
		}
		for (i = 0; i < nslots; i++)
			if (tot[i] > 0)
				tot[m++] = tot[i];
		if (m > k)
		{
			qsort(tot, m, sizeof(int64_t), CmpDesc);
			c = tot[k];			/* the (k+1)-th largest */
		}
		Release(a, tot);
	}
	if (c > 0 && __builtin_add_overflow(*delta, c, delta))
		return lr_error_set(err, LR_ERR_LIMIT, "counterparty summary bound is out of range");
	return lr_cpt_rebuild(t, a, 0, min_day, true, c, err);
}

/* ---------------------------------------------------------------- flat form */

LR_COMPARATOR(CmpCp, LrCp,
			  a->k0 != b->k0 ? LR_CMP(a->k0, b->k0) : LR_CMP(a->k1, b->k1))

/*
 * Counterparties sorted by key, then the entries not older than min_day
 * (counterparty number in that order, day, revenue) sorted by counterparty
 * and day: one content, one encoding, whatever the order rows came in.
 */
bool
lr_cpt_encode(const LrCpTable *t, int32_t min_day, LrBuf *out)
{
	LrCp	   *cs;
	SortEnt    *se;
	uint32_t	ns = 0;
	uint32_t	i;
	uint32_t	k = 0;
	uint32_t	c = 0;
	LrError		err = {0};

	cs = AllocArray(out->a, t->n, sizeof(LrCp), &err);
	if (cs == NULL)
	{
		out->failed = true;
		return false;
	}
	for (i = 0; t->cps != NULL && i <= t->mask; i++)
		if (!CpFree(&t->cps[i]))
			cs[k++] = t->cps[i];
	qsort(cs, k, sizeof(LrCp), CmpCp);
	lr_buf_put_u64(out, k);
	for (i = 0; i < k; i++)
	{
		lr_buf_put_u64(out, cs[i].k0);
		lr_buf_put_u64(out, cs[i].k1);
	}
	se = SortedEntries(t, out->a, min_day, false, &ns, &err);
	if (se == NULL)
	{
		Release(out->a, cs);
		out->failed = true;
		return false;
	}
	lr_buf_put_u64(out, ns);
	for (i = 0; i < ns; i++)
	{
		/* Both lists are in key order: walk the counterparties along. */
		while (cs[c].k0 != se[i].k0 || cs[c].k1 != se[i].k1)
			c++;
		lr_buf_put_u32(out, c);
		lr_buf_put_u32(out, (uint32_t) se[i].day);
		lr_buf_put_i64(out, t->ents[se[i].slot].rev);
	}
	Release(out->a, se);
	Release(out->a, cs);
	return !out->failed;
}

bool
lr_cpt_decode(LrCpTable *t, const LrAlloc *a, LrReader *r, const LrCpDecodeRules *rules)
{
	size_t		n;
	size_t		ne;
	size_t		i;
	uint32_t   *slot;
	uint64_t	pk0 = 0;
	uint64_t	pk1 = 0;
	uint32_t	pcp = 0;
	int32_t		pday = 0;

	if (!lr_read_count(r, 16, &n))
		return false;
	if (n > rules->max_cps)
		return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: %zu counterparties exceed the limit of %u",
							r->what, n, rules->max_cps);
	if (!lr_cpt_reserve(t, a, (uint32_t) n, 1, r->err))
		return false;
	slot = AllocArray(a, n, sizeof(uint32_t), r->err);
	if (slot == NULL)
		return false;
	for (i = 0; i < n; i++)
	{
		uint64_t	k0;
		uint64_t	k1;

		if (!lr_read_u64(r, &k0) || !lr_read_u64(r, &k1))
			return false;
		if (k0 == 0 && k1 == 0)
			return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: a counterparty key of zero", r->what);
		if (i > 0 && (k0 < pk0 || (k0 == pk0 && k1 <= pk1)))
			return lr_error_set(r->err, LR_ERR_SYNTAX,
								"invalid %s: counterparties out of order or repeated", r->what);
		if (!lr_cpt_sampled(k0, rules->level))
			return lr_error_set(r->err, LR_ERR_SYNTAX,
								"invalid %s: a counterparty outside the sample", r->what);
		if (!lr_cpt_lookup(t, a, k0, k1, &slot[i], r->err))
			return false;
		pk0 = k0;
		pk1 = k1;
	}
	if (!lr_read_count(r, 16, &ne))
		return false;
	if (ne > rules->max_entries)
		return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: %zu counterparty days exceed the limit of %u",
							r->what, ne, rules->max_entries);
	if (!lr_cpt_reserve(t, a, (uint32_t) n, (uint32_t) ne, r->err))
		return false;
	for (i = 0; i < ne; i++)
	{
		uint32_t	cp;
		uint32_t	dayu;
		int32_t		day;
		int64_t		rev;
		bool		added;
		LrCpEntry  *e;

		if (!lr_read_u32(r, &cp) || !lr_read_u32(r, &dayu) || !lr_read_i64(r, &rev))
			return false;
		day = (int32_t) dayu;
		if (cp >= n)
			return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: counterparty %u of a day does not exist",
								r->what, cp);
		if (day < rules->min_day || day > rules->max_day)
			return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: counterparty day %d out of range",
								r->what, (int) day);
		if (i > 0 && (cp < pcp || (cp == pcp && day <= pday)))
			return lr_error_set(r->err, LR_ERR_SYNTAX,
								"invalid %s: counterparty days out of order or repeated", r->what);
		if (rev < 0 || (rules->positive && rev == 0))
			return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: bad counterparty revenue", r->what);
		e = EntryGet(t, a, slot[cp], t->cps[slot[cp]].k0, day, &added, r->err);
		if (e == NULL)
			return false;
		e->rev = rev;
		pcp = cp;
		pday = day;
	}
	Release(a, slot);
	return true;
}
