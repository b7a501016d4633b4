/*
 * cp_table.c
 *	  Counterparty table of merchant_features: counterparties by 128-bit hash,
 *	  each with its revenue per local day (newest first), plus the rebuilds
 *	  the state needs (dropping old days, sampling by hash, Misra-Gries
 *	  reduction) and the table's flat form.  Pure C.
 */
#include <stdlib.h>
#include <string.h>

#include "features/cp_table.h"

/* ---------------------------------------------------------------- hash */

static inline uint64_t
Rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t
Fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= UINT64_C(0xff51afd7ed558ccd);
	k ^= k >> 33;
	k *= UINT64_C(0xc4ceb9fe1a85ec53);
	k ^= k >> 33;
	return k;
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
	h1 = Fmix64(h1);
	h2 = Fmix64(h2);
	h1 += h2;
	h2 += h1;
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
	Release(a, t->slots);
	Release(a, t->ents);
	lr_cpt_init(t);
}

static bool
NoMem(LrError *err)
{
	return lr_error_set(err, LR_ERR_NOMEM, "out of memory in the counterparty table of merchant_features");
}

/* Grows an array of elem-sized items to hold at least need items. */
static bool
GrowArray(const LrAlloc *a, void **arr, uint32_t *cap, uint32_t need, size_t elem, LrError *err)
{
	size_t		ncap = *cap ? *cap : 4;
	size_t		bytes;
	void	   *n;

	if (need <= *cap)
		return true;
	while (ncap < need)
		ncap *= 2;
	if (ncap > UINT32_MAX / 2 || !lr_size_mul(ncap, elem, &bytes))
		return NoMem(err);
	n = a->alloc(a->ctx, bytes);
	if (n == NULL)
		return NoMem(err);
	if (*cap > 0)
		memcpy(n, *arr, (size_t) *cap * elem);
	Release(a, *arr);
	*arr = n;
	*cap = (uint32_t) ncap;
	return true;
}

static bool
RebuildSlots(LrCpTable *t, const LrAlloc *a, uint32_t nslots, LrError *err)
{
	uint32_t   *slots = a->alloc(a->ctx, (size_t) nslots * sizeof(uint32_t));
	uint32_t	i;

	if (slots == NULL)
		return NoMem(err);
	memset(slots, 0, (size_t) nslots * sizeof(uint32_t));
	for (i = 0; i < t->n; i++)
	{
		uint32_t	pos = (uint32_t) t->cps[i].k0 & (nslots - 1);

		while (slots[pos] != 0)
			pos = (pos + 1) & (nslots - 1);
		slots[pos] = i + 1;
	}
	Release(a, t->slots);
	t->slots = slots;
	t->mask = nslots - 1;
	return true;
}

bool
lr_cpt_lookup(LrCpTable *t, const LrAlloc *a, uint64_t k0, uint64_t k1, uint32_t *idx, LrError *err)
{
	uint32_t	pos;
	LrCp	   *c;

	/* Keep the load at most one half. */
	if (t->slots == NULL || ((size_t) t->n + 1) * 2 > (size_t) t->mask + 1)
	{
		uint32_t	nslots = t->slots ? (t->mask + 1) * 2 : 8;

		while ((size_t) nslots < ((size_t) t->n + 1) * 2)
			nslots *= 2;
		if (!RebuildSlots(t, a, nslots, err))
			return false;
	}
	pos = (uint32_t) k0 & t->mask;
	for (;;)
	{
		uint32_t	s = t->slots[pos];

		if (s == 0)
			break;
		if (t->cps[s - 1].k0 == k0 && t->cps[s - 1].k1 == k1)
		{
			*idx = s - 1;
			return true;
		}
		pos = (pos + 1) & t->mask;
	}
	if (!GrowArray(a, (void **) &t->cps, &t->cap, t->n + 1, sizeof(LrCp), err))
		return false;
	c = &t->cps[t->n];
	c->k0 = k0;
	c->k1 = k1;
	c->head = 0;
	c->ndays = 0;
	t->slots[pos] = t->n + 1;
	*idx = t->n++;
	return true;
}

/* A new entry (index + 1), or 0 on failure. */
static uint32_t
NewEntry(LrCpTable *t, const LrAlloc *a, int32_t day, int64_t rev, uint32_t next, LrError *err)
{
	LrCpEntry  *e;

	if (!GrowArray(a, (void **) &t->ents, &t->ents_cap, t->nents + 1, sizeof(LrCpEntry), err))
		return 0;
	e = &t->ents[t->nents];
	e->day = day;
	e->rev = rev;
	e->next = next;
	return ++t->nents;
}

static bool
AddRev(int64_t *dst, int64_t rev, LrError *err)
{
	if (__builtin_add_overflow(*dst, rev, dst))
		return lr_error_set(err, LR_ERR_LIMIT,
							"revenue of one counterparty on one day is out of range");
	return true;
}

bool
lr_cpt_add(LrCpTable *t, const LrAlloc *a, uint32_t idx, int32_t day, int64_t rev, LrError *err)
{
	uint32_t	e = t->cps[idx].head;
	uint32_t	prev;
	uint32_t	cur;
	uint32_t	n;

	if (e != 0 && t->ents[e - 1].day == day)
		return AddRev(&t->ents[e - 1].rev, rev, err);
	if (e == 0 || t->ents[e - 1].day < day)
	{
		n = NewEntry(t, a, day, rev, e, err);
		if (n == 0)
			return false;
		t->cps[idx].head = n;
		t->cps[idx].ndays++;
		return true;
	}
	/* An older day: walk the list (newest first) to its place. */
	prev = e;
	cur = t->ents[e - 1].next;
	while (cur != 0 && t->ents[cur - 1].day > day)
	{
		prev = cur;
		cur = t->ents[cur - 1].next;
	}
	if (cur != 0 && t->ents[cur - 1].day == day)
		return AddRev(&t->ents[cur - 1].rev, rev, err);
	n = NewEntry(t, a, day, rev, cur, err);
	if (n == 0)
		return false;
	t->ents[prev - 1].next = n;
	t->cps[idx].ndays++;
	return true;
}

bool
lr_cpt_sampled(uint64_t k0, int level)
{
	return level == 0 || (level < 64 && (k0 >> (64 - level)) == 0);
}

bool
lr_cpt_merge_into(LrCpTable *dst, const LrAlloc *a, const LrCpTable *src, int level,
				  int32_t min_day, bool positive_only, LrError *err)
{
	uint32_t	i;

	for (i = 0; i < src->n; i++)
	{
		const LrCp *c = &src->cps[i];
		uint32_t	idx = 0;
		bool		have = false;
		uint32_t	e;

		if (!lr_cpt_sampled(c->k0, level))
			continue;
		for (e = c->head; e != 0; e = src->ents[e - 1].next)
		{
			const LrCpEntry *en = &src->ents[e - 1];

			if (en->day < min_day)
				break;
			if (positive_only && en->rev <= 0)
				continue;
			if (!have)
			{
				if (!lr_cpt_lookup(dst, a, c->k0, c->k1, &idx, err))
					return false;
				have = true;
			}
			if (!lr_cpt_add(dst, a, idx, en->day, en->rev, err))
				return false;
		}
	}
	return true;
}

/* Sum of a counterparty's entries not older than min_day (positive ones only if asked). */
static bool
CpTotal(const LrCpTable *t, const LrCp *c, int32_t min_day, bool positive_only, int64_t *total,
		LrError *err)
{
	uint32_t	e;

	*total = 0;
	for (e = c->head; e != 0; e = t->ents[e - 1].next)
	{
		const LrCpEntry *en = &t->ents[e - 1];

		if (en->day < min_day)
			break;
		if (positive_only && en->rev <= 0)
			continue;
		if (__builtin_add_overflow(*total, en->rev, total))
			return lr_error_set(err, LR_ERR_LIMIT, "revenue of one counterparty is out of range");
	}
	return true;
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
	uint32_t   *run = NULL;
	uint32_t	run_cap = 0;
	uint32_t	i;

	lr_cpt_init(&nt);
	for (i = 0; i < t->n; i++)
	{
		const LrCp *c = &t->cps[i];
		uint32_t	nrun = 0;
		uint32_t	e;
		uint32_t	j;
		int64_t		rem = subtract;
		uint32_t	first = 0;
		uint32_t	last = 0;
		uint32_t	kept = 0;
		LrCp	   *nc;

		if (!lr_cpt_sampled(c->k0, level))
			continue;
		for (e = c->head; e != 0; e = t->ents[e - 1].next)
		{
			const LrCpEntry *en = &t->ents[e - 1];

			if (en->day < min_day)
				break;
			if (positive_only && en->rev <= 0)
				continue;
			if (!GrowArray(a, (void **) &run, &run_cap, nrun + 1, sizeof(uint32_t), err))
				goto fail;
			run[nrun++] = e - 1;
		}
		if (nrun == 0)
			continue;
		if (subtract > 0)
		{
			int64_t		total;

			if (!CpTotal(t, c, min_day, positive_only, &total, err))
				goto fail;
			if (total <= subtract)
				continue;
		}
		if (!GrowArray(a, (void **) &nt.cps, &nt.cap, nt.n + 1, sizeof(LrCp), err))
			goto fail;
		/* Oldest first when taking the decrement off; entries are appended newest first. */
		for (j = nrun; j-- > 0 && rem > 0;)
		{
			LrCpEntry  *en = &t->ents[run[j]];
			int64_t		take = en->rev < rem ? en->rev : rem;

			en->rev -= take;
			rem -= take;
		}
		for (j = 0; j < nrun; j++)
		{
			const LrCpEntry *en = &t->ents[run[j]];
			uint32_t	n;

			if (subtract > 0 && en->rev <= 0)
				continue;
			n = NewEntry(&nt, a, en->day, en->rev, 0, err);
			if (n == 0)
				goto fail;
			if (last != 0)
				nt.ents[last - 1].next = n;
			else
				first = n;
			last = n;
			kept++;
		}
		if (kept == 0)
			continue;
		nc = &nt.cps[nt.n++];
		nc->k0 = c->k0;
		nc->k1 = c->k1;
		nc->head = first;
		nc->ndays = kept;
	}
	Release(a, run);
	run = NULL;
	{
		uint32_t	nslots = 8;

		while ((size_t) nslots < ((size_t) nt.n + 1) * 2)
			nslots *= 2;
		if (!RebuildSlots(&nt, a, nslots, err))
			goto fail;
	}
	lr_cpt_free(t, a);
	*t = nt;
	return true;

fail:
	Release(a, run);
	lr_cpt_free(&nt, a);
	return false;
}

static int
CmpDesc(const void *x, const void *y)
{
	int64_t		a = *(const int64_t *) x;
	int64_t		b = *(const int64_t *) y;

	return a < b ? 1 : a > b ? -1 : 0;
}

bool
lr_cpt_reduce(LrCpTable *t, const LrAlloc *a, uint32_t k, int32_t min_day, int64_t *delta, LrError *err)
{
	int64_t    *tot;
	uint32_t	i;
	uint32_t	m = 0;
	int64_t		c = 0;

	if (t->n > k)
	{
		tot = a->alloc(a->ctx, (size_t) t->n * sizeof(int64_t));
		if (tot == NULL)
			return NoMem(err);
		for (i = 0; i < t->n; i++)
		{
			int64_t		v;

			if (!CpTotal(t, &t->cps[i], min_day, true, &v, err))
			{
				Release(a, tot);
				return false;
			}
			if (v > 0)
				tot[m++] = v;
		}
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

uint32_t
lr_cpt_live_entries(const LrCpTable *t, int32_t min_day, uint32_t *ncps)
{
	uint32_t	i;
	uint32_t	n = 0;
	uint32_t	nc = 0;

	for (i = 0; i < t->n; i++)
	{
		uint32_t	e;
		uint32_t	k = 0;

		for (e = t->cps[i].head; e != 0 && t->ents[e - 1].day >= min_day; e = t->ents[e - 1].next)
			k++;
		n += k;
		nc += k > 0;
	}
	if (ncps)
		*ncps = nc;
	return n;
}

/* ---------------------------------------------------------------- flat form */

void
lr_cpt_encode(const LrCpTable *t, int32_t min_day, LrBuf *out)
{
	uint32_t	ncps;
	uint32_t	i;

	(void) lr_cpt_live_entries(t, min_day, &ncps);
	lr_buf_put_u64(out, ncps);
	for (i = 0; i < t->n; i++)
	{
		const LrCp *c = &t->cps[i];
		uint32_t	e;
		uint32_t	k = 0;

		for (e = c->head; e != 0 && t->ents[e - 1].day >= min_day; e = t->ents[e - 1].next)
			k++;
		if (k == 0)
			continue;
		lr_buf_put_u64(out, c->k0);
		lr_buf_put_u64(out, c->k1);
		lr_buf_put_u32(out, k);
		for (e = c->head; e != 0 && t->ents[e - 1].day >= min_day; e = t->ents[e - 1].next)
		{
			lr_buf_put_u32(out, (uint32_t) t->ents[e - 1].day);
			lr_buf_put_i64(out, t->ents[e - 1].rev);
		}
	}
}

bool
lr_cpt_decode(LrCpTable *t, const LrAlloc *a, LrReader *r, const LrCpDecodeRules *rules)
{
	size_t		n;
	size_t		i;
	size_t		total = 0;

	/* Each counterparty takes at least 16 + 4 + 12 bytes. */
	if (!lr_read_count(r, 32, &n))
		return false;
	if (n > rules->max_cps)
		return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: %zu counterparties exceed the limit of %u",
							r->what, n, rules->max_cps);
	for (i = 0; i < n; i++)
	{
		uint64_t	k0;
		uint64_t	k1;
		uint32_t	nd;
		uint32_t	idx;
		uint32_t	j;
		int32_t		prev_day = 0;
		uint32_t	last = 0;
		uint32_t	before;

		if (!lr_read_u64(r, &k0) || !lr_read_u64(r, &k1) || !lr_read_u32(r, &nd))
			return false;
		if (nd == 0 || nd > lr_reader_left(r) / 12)
			return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: bad day count %u of a counterparty",
								r->what, nd);
		if (!lr_cpt_sampled(k0, rules->level))
			return lr_error_set(r->err, LR_ERR_SYNTAX,
								"invalid %s: a counterparty outside the sample", r->what);
		total += nd;
		if (total > rules->max_entries)
			return lr_error_set(r->err, LR_ERR_SYNTAX,
								"invalid %s: counterparty days exceed the limit of %u",
								r->what, rules->max_entries);
		before = t->n;
		if (!lr_cpt_lookup(t, a, k0, k1, &idx, r->err))
			return false;
		if (t->n == before)
			return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: duplicate counterparty", r->what);
		for (j = 0; j < nd; j++)
		{
			uint32_t	dayu;
			int32_t		day;
			int64_t		rev;
			uint32_t	e;

			if (!lr_read_u32(r, &dayu) || !lr_read_i64(r, &rev))
				return false;
			day = (int32_t) dayu;
			if (day < rules->min_day || day > rules->max_day || (j > 0 && day >= prev_day))
				return lr_error_set(r->err, LR_ERR_SYNTAX,
									"invalid %s: counterparty day %d out of order or range",
									r->what, (int) day);
			if (rev < 0 || (rules->positive && rev == 0))
				return lr_error_set(r->err, LR_ERR_SYNTAX, "invalid %s: bad counterparty revenue",
									r->what);
			e = NewEntry(t, a, day, rev, 0, r->err);
			if (e == 0)
				return false;
			if (last != 0)
				t->ents[last - 1].next = e;
			else
				t->cps[idx].head = e;
			last = e;
			prev_day = day;
		}
		t->cps[idx].ndays = nd;
	}
	return true;
}
