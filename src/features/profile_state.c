/*
 * profile_state.c
 *	  The state of merchant_features: create, add a row, encode, decode
 *	  (validated), merge, and the final computation.  Pure C.
 *
 * What the state keeps, and why.  The windows end at the as_of day, which by
 * default is the day of the latest timestamp: known only once every row has
 * been seen (and different in each parallel worker).  So the state keeps
 * everything any as_of day could need, relative to the latest day seen so
 * far (the anchor):
 *
 *   - one record per local day with activity in the last LR_KEEP_DAYS days
 *     (counts, revenue, refunds, night count), from which every window,
 *     month, gap and share is summed at the end;
 *   - per counterparty, its revenue per day over the same days, from which
 *     the windowed counterparty features (distinct, seen on two or more
 *     days, top shares, Herfindahl) are computed at the end;
 *   - scalars: rows counted, first and last timestamp and their local days.
 *
 * Days older than anchor - LR_KEEP_DAYS can never be in a window again: the
 * anchor only moves forward (one spare day allows for the local day of a
 * later timestamp being a day earlier, which a zone that turned its clocks
 * back across midnight can produce).
 *
 * The counterparty part is exact up to LR_CP_EXACT_MAX counterparties and
 * LR_CP_EXACT_MAX_ENTRIES counterparty-days; beyond, it becomes a sketch
 * (see doc/features.md for the error bounds):
 *
 *   - a sample of counterparties by hash: those whose k0 has its top `level`
 *     bits zero (probability 2^-level), with their exact per-day revenue;
 *     distinct counts and the repeat share are estimated from it;
 *   - a Misra-Gries summary ("heavy"): at most 2K counters of revenue per day,
 *     reduced to K by subtracting the (K+1)-th largest total from every
 *     counter (oldest days first).  Each reduction takes at least (K+1) times
 *     its decrement off the total, so the sum of decrements, delta, is at
 *     most R/(K+1) for the revenue R seen, and no counterparty's revenue in
 *     any window is under-counted by more than delta.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "features/cp_table.h"
#include "features/features.h"

#define LR_PROFILE_MAGIC 0x4c524d46	/* "LRMF" */

const int	lr_profile_windows[LR_NWIN] = {30, 90, 180, 365};

static void *
ProfileCreate(const LrAlloc *a, LrError *err)
{
	LrProfileState *st = lr_alloc0(a, sizeof(LrProfileState), err, "merchant_features");

	if (st == NULL)
		return NULL;
	lr_cpt_init(&st->cp);
	lr_cpt_init(&st->heavy);
	return st;
}

/* Oldest day the state keeps. */
static int32_t
MinDay(const LrProfileState *st)
{
	if (st->asof_mode == LR_ASOF_GIVEN)
		return st->anchor - (LR_HORIZON - 1);
	return st->anchor - LR_KEEP_DAYS;
}

/* ---------------------------------------------------------------- adding rows */

bool
lr_profile_begin(LrProfileState *st, LrAsOfMode mode, int64_t asof_ts, int32_t asof_day,
				 const char *tz, LrError *err)
{
	if (st->asof_mode == LR_ASOF_NONE)
	{
		size_t		len = strlen(tz);

		if (len == 0 || len >= sizeof(st->tz))
			return lr_error_set(err, LR_ERR_INVALID, "time zone name \"%s\" is too long", tz);
		memcpy(st->tz, tz, len + 1);
		st->asof_mode = (uint8_t) mode;
		if (mode == LR_ASOF_GIVEN)
		{
			st->asof_ts = asof_ts;
			st->anchor = asof_day;
			st->pruned_at = asof_day;
		}
		return true;
	}
	if (st->asof_mode != mode)
	{
		lr_error_set(err, LR_ERR_INVALID, "as_of is NULL in some rows of a group and not in others");
		lr_error_detail(err, "merchant_features takes one as_of per group.");
		return false;
	}
	if (mode == LR_ASOF_GIVEN && asof_ts != st->asof_ts)
	{
		lr_error_set(err, LR_ERR_INVALID, "as_of differs between rows of one group");
		lr_error_detail(err, "merchant_features takes one as_of per group.");
		return false;
	}
	return true;
}

static bool
Overflow(LrError *err, const char *what)
{
	lr_error_set(err, LR_ERR_LIMIT, "%s of a merchant is out of range", what);
	lr_error_detail(err, "Totals of one merchant must stay below 922337203685477.5807 per day.");
	return false;
}

static bool
AddU32(uint32_t *dst, LrError *err)
{
	if (*dst == UINT32_MAX)
	{
		lr_error_set(err, LR_ERR_LIMIT, "more than 4294967295 transactions of one merchant on one day");
		return false;
	}
	(*dst)++;
	return true;
}

LR_COMPARATOR(CmpDay, LrDayAgg,
			  LR_CMP(a->day, b->day))

static bool
DaysReserve(LrProfileState *st, const LrAlloc *a, uint32_t need, LrError *err)
{
	size_t		cap = st->days_cap;

	if (!lr_array_grow(a, &st->days, st->ndays, need, sizeof(LrDayAgg), 8, 0, &cap, err,
					   "merchant_features"))
		return false;
	st->days_cap = (uint32_t) cap;
	return true;
}

/* Rebuilds the direct day index from the days, with its base at MinDay. */
static void
DmapBuild(LrProfileState *st)
{
	uint32_t	i;

	st->dbase = MinDay(st);
	memset(st->dmap, 0, LR_DMAP_SIZE * sizeof(uint16_t));
	for (i = 0; i < st->ndays; i++)
	{
		int64_t		off = (int64_t) st->days[i].day - st->dbase;

		if (off >= 0 && off < LR_DMAP_SIZE)
			st->dmap[off] = (uint16_t) (i + 1);
	}
}

/* Drops the days the anchor has left behind (older than MinDay), keeping the order of the rest. */
static void
DaysPrune(LrProfileState *st)
{
	int32_t		min_day = MinDay(st);
	uint32_t	i;
	uint32_t	k = 0;

	for (i = 0; i < st->ndays; i++)
		if (st->days[i].day >= min_day)
			st->days[k++] = st->days[i];
	st->ndays = k;
	st->last_day = 0;
	if (st->dmap != NULL)
		DmapBuild(st);
}

/*
 * The record of `day` (not older than MinDay), added when absent; NULL on
 * failure.  Days are kept in order of arrival: a merchant with a few days is
 * searched linearly, one with more through the direct index dmap, so a row
 * costs the same whatever order the rows come in.
 */
static LrDayAgg *
DayGet(LrProfileState *st, const LrAlloc *a, int32_t day, LrError *err)
{
	LrDayAgg   *d;
	int64_t		off = 0;

	if (st->last_day < st->ndays && st->days[st->last_day].day == day)
		return &st->days[st->last_day];
	if (st->dmap != NULL)
	{
		off = (int64_t) day - st->dbase;
		if (off < 0 || off >= LR_DMAP_SIZE)
		{
			/* The anchor moved on: drop old days and rebase the index. */
			DaysPrune(st);
			off = (int64_t) day - st->dbase;
			if (off < 0 || off >= LR_DMAP_SIZE)
			{
				lr_error_set(err, LR_ERR_INVALID, "local day %d is out of the range of the as_of day %d",
							 (int) day, (int) st->anchor);
				return NULL;
			}
		}
		if (st->dmap[off] != 0)
		{
			st->last_day = st->dmap[off] - 1;
			return &st->days[st->last_day];
		}
	}
	else
	{
		uint32_t	i;

		for (i = 0; i < st->ndays; i++)
			if (st->days[i].day == day)
			{
				st->last_day = i;
				return &st->days[i];
			}
	}
	if (st->ndays == st->days_cap && st->ndays > 0 && st->anchor != st->pruned_days_at)
	{
		/* Before growing, drop the days the anchor has left behind. */
		st->pruned_days_at = st->anchor;
		DaysPrune(st);
		if (st->dmap != NULL)
			off = (int64_t) day - st->dbase;
	}
	if (!DaysReserve(st, a, st->ndays + 1, err))
		return NULL;
	d = &st->days[st->ndays];
	memset(d, 0, sizeof(*d));
	d->day = day;
	st->last_day = st->ndays++;
	if (st->dmap != NULL)
		st->dmap[off] = (uint16_t) st->ndays;
	else if (st->ndays > LR_DMAP_FROM)
	{
		st->dmap = a->alloc(a->ctx, LR_DMAP_SIZE * sizeof(uint16_t));
		if (st->dmap == NULL)
		{
			lr_error_nomem(err, "merchant_features");
			return NULL;
		}
		DaysPrune(st);			/* also builds the index */
		st->last_day = st->ndays - 1;
		if (st->days[st->last_day].day != day)
			st->last_day = st->dmap[day - st->dbase] - 1;
	}
	return &st->days[st->last_day];
}

/* A sorted copy of the days not older than MinDay; *n their number. */
static LrDayAgg *
SortedDays(const LrProfileState *st, const LrAlloc *a, uint32_t *n, LrError *err)
{
	LrDayAgg   *out = a->alloc(a->ctx, ((size_t) st->ndays + 1) * sizeof(LrDayAgg));
	int32_t		min_day = MinDay(st);
	uint32_t	i;
	uint32_t	k = 0;

	if (out == NULL)
	{
		lr_error_nomem(err, "merchant_features");
		return NULL;
	}
	for (i = 0; i < st->ndays; i++)
		if (st->days[i].day >= min_day)
			out[k++] = st->days[i];
	qsort(out, k, sizeof(LrDayAgg), CmpDay);
	*n = k;
	return out;
}

/* Sketch: shrinks the sample until it fits (older days first, then by level). */
static bool
SampleFit(LrProfileState *st, const LrAlloc *a, LrError *err)
{
	if (st->cp.n <= LR_CP_SAMPLE_MAX && st->cp.nents <= LR_CP_SAMPLE_MAX_ENTRIES)
		return true;
	if (!lr_cpt_rebuild(&st->cp, a, st->level, MinDay(st), false, 0, err))
		return false;
	while (st->cp.n > LR_CP_SAMPLE_MAX || st->cp.nents > LR_CP_SAMPLE_MAX_ENTRIES)
	{
		if (st->level >= 63)
			return lr_error_set(err, LR_ERR_LIMIT, "counterparty sample cannot shrink further");
		st->level++;
		if (!lr_cpt_rebuild(&st->cp, a, st->level, MinDay(st), false, 0, err))
			return false;
	}
	return true;
}

/* Sketch: reduces the Misra-Gries summary when it holds too much. */
static bool
HeavyFit(LrProfileState *st, const LrAlloc *a, uint32_t limit, LrError *err)
{
	if (st->heavy.n <= limit && st->heavy.nents <= LR_CP_HEAVY_MAX_ENTRIES)
		return true;
	return lr_cpt_reduce(&st->heavy, a, LR_CP_HEAVY_K, MinDay(st), &st->delta, err);
}

/* Exact counterparties become a sketch: the heavy summary and the sample are both built from them. */
static bool
ToSketch(LrProfileState *st, const LrAlloc *a, LrError *err)
{
	lr_cpt_init(&st->heavy);
	st->delta = 0;
	if (!lr_cpt_merge_into(&st->heavy, a, &st->cp, 0, MinDay(st), true, err))
		return false;
	if (!lr_cpt_reduce(&st->heavy, a, LR_CP_HEAVY_K, MinDay(st), &st->delta, err))
		return false;
	st->sketch = true;
	st->level = 0;
	return SampleFit(st, a, err);
}

/* Exact: when over the limits, drops old days and, if still over, turns to the sketch. */
static bool
ExactFit(LrProfileState *st, const LrAlloc *a, LrError *err)
{
	if (st->cp.n <= LR_CP_EXACT_MAX && st->cp.nents <= LR_CP_EXACT_MAX_ENTRIES)
		return true;
	if (st->pruned_at != st->anchor)
	{
		if (!lr_cpt_rebuild(&st->cp, a, 0, MinDay(st), false, 0, err))
			return false;
		st->pruned_at = st->anchor;
		if (st->cp.n <= LR_CP_EXACT_MAX && st->cp.nents <= LR_CP_EXACT_MAX_ENTRIES)
			return true;
	}
	return ToSketch(st, a, err);
}

bool
lr_profile_add(LrProfileState *st, const LrAlloc *a, const LrProfileRow *row, LrError *err)
{
	LrDayAgg   *d;
	int64_t		rev = row->amount > 0 ? row->amount : 0;

	if (st->asof_mode == LR_ASOF_GIVEN && row->ts > st->asof_ts)
		return true;
	if (row->day < LR_DAY_MIN || row->day > LR_DAY_MAX)
		return lr_error_set(err, LR_ERR_INVALID, "local day %d is out of range", (int) row->day);
	if (st->nrows == 0)
	{
		st->min_ts = st->max_ts = row->ts;
		st->min_day = st->max_day = row->day;
		if (st->asof_mode == LR_ASOF_LATEST)
			st->anchor = st->pruned_at = row->day;
	}
	else
	{
		if (row->ts < st->min_ts)
		{
			st->min_ts = row->ts;
			st->min_day = row->day;
		}
		if (row->ts > st->max_ts)
		{
			st->max_ts = row->ts;
			st->max_day = row->day;
			if (st->asof_mode == LR_ASOF_LATEST)
				st->anchor = row->day;
		}
	}
	st->nrows++;

	if (row->day < MinDay(st))
		return true;
	if (row->day > st->anchor + LR_DAY_AHEAD)
		return lr_error_set(err, LR_ERR_INVALID, "local day %d is after the as_of day %d",
							(int) row->day, (int) st->anchor);

	/*
	 * With many merchants each row lands in a different state: start loading
	 * every line it will touch at once rather than one miss after another.
	 */
	if (st->dmap != NULL && row->day >= st->dbase && row->day < st->dbase + LR_DMAP_SIZE)
		__builtin_prefetch(&st->dmap[row->day - st->dbase]);
	if (st->last_day < st->ndays)
		__builtin_prefetch(&st->days[st->last_day]);
	if (row->has_cp)
	{
		if (!st->sketch || lr_cpt_sampled(row->k0, st->level))
			lr_cpt_prefetch(&st->cp, row->k0, row->day);
		if (st->sketch && rev > 0)
			lr_cpt_prefetch(&st->heavy, row->k0, row->day);
	}

	d = DayGet(st, a, row->day, err);
	if (d == NULL)
		return false;
	if (!AddU32(&d->n, err))
		return false;
	if (row->night && !AddU32(&d->n_night, err))
		return false;
	if (row->amount > 0)
	{
		if (!AddU32(&d->n_sales, err))
			return false;
		if (__builtin_add_overflow(d->revenue, row->amount, &d->revenue))
			return Overflow(err, "daily revenue");
		if (row->has_cp)
			d->revenue_cp += row->amount;
	}
	else if (row->amount < 0)
	{
		if (__builtin_sub_overflow(d->refunds, row->amount, &d->refunds))
			return Overflow(err, "daily refunds");
	}

	if (!row->has_cp)
		return true;
	/* Before a table grows, drop the days the anchor has left behind. */
	if (st->anchor != st->pruned_at && (lr_cpt_full(&st->cp) || (st->sketch && lr_cpt_full(&st->heavy))))
	{
		if (!lr_cpt_rebuild(&st->cp, a, st->level, MinDay(st), false, 0, err) ||
			(st->sketch && !lr_cpt_rebuild(&st->heavy, a, 0, MinDay(st), true, 0, err)))
			return false;
		st->pruned_at = st->anchor;
	}
	if (!st->sketch)
	{
		uint32_t	idx;

		if (!lr_cpt_lookup(&st->cp, a, row->k0, row->k1, &idx, err) ||
			!lr_cpt_add(&st->cp, a, idx, row->k0, row->day, rev, err))
			return false;
		return ExactFit(st, a, err);
	}
	if (lr_cpt_sampled(row->k0, st->level))
	{
		uint32_t	idx;

		if (!lr_cpt_lookup(&st->cp, a, row->k0, row->k1, &idx, err) ||
			!lr_cpt_add(&st->cp, a, idx, row->k0, row->day, rev, err) ||
			!SampleFit(st, a, err))
			return false;
	}
	if (rev > 0)
	{
		uint32_t	idx;

		if (!lr_cpt_lookup(&st->heavy, a, row->k0, row->k1, &idx, err) ||
			!lr_cpt_add(&st->heavy, a, idx, row->k0, row->day, rev, err) ||
			!HeavyFit(st, a, 2 * LR_CP_HEAVY_K, err))
			return false;
	}
	return true;
}

/* ---------------------------------------------------------------- merge */

static bool
ProfileMerge(void *dstp, const void *srcp, const LrAlloc *a, LrError *err)
{
	LrProfileState *dst = dstp;
	const LrProfileState *src = srcp;
	uint32_t	i;
	int32_t		min_day;

	if (src->asof_mode == LR_ASOF_NONE)
		return true;
	if (dst->asof_mode == LR_ASOF_NONE)
	{
		memcpy(dst->tz, src->tz, sizeof(dst->tz));
		dst->asof_mode = src->asof_mode;
		dst->asof_ts = src->asof_ts;
		if (dst->asof_mode == LR_ASOF_GIVEN)
			dst->anchor = dst->pruned_at = src->anchor;
	}
	else
	{
		if (strcmp(dst->tz, src->tz) != 0)
		{
			lr_error_set(err, LR_ERR_INVALID, "cannot merge merchant_features states of time zones \"%s\" and \"%s\"",
						 dst->tz, src->tz);
			lr_error_detail(err, "Days, nights and weekends were counted in different time zones.");
			return false;
		}
		if (dst->asof_mode != src->asof_mode ||
			(dst->asof_mode == LR_ASOF_GIVEN && dst->asof_ts != src->asof_ts))
		{
			lr_error_set(err, LR_ERR_INVALID, "cannot merge merchant_features states with different as_of");
			return false;
		}
	}
	if (src->nrows == 0)
		return true;
	if (dst->nrows == 0)
	{
		dst->min_ts = src->min_ts;
		dst->max_ts = src->max_ts;
		dst->min_day = src->min_day;
		dst->max_day = src->max_day;
		if (dst->asof_mode == LR_ASOF_LATEST)
			dst->anchor = dst->pruned_at = src->anchor;
	}
	else
	{
		if (src->min_ts < dst->min_ts)
		{
			dst->min_ts = src->min_ts;
			dst->min_day = src->min_day;
		}
		if (src->max_ts > dst->max_ts)
		{
			dst->max_ts = src->max_ts;
			dst->max_day = src->max_day;
		}
		if (dst->asof_mode == LR_ASOF_LATEST)
			dst->anchor = dst->max_day;
	}
	if (__builtin_add_overflow(dst->nrows, src->nrows, &dst->nrows))
		return Overflow(err, "row count");
	min_day = MinDay(dst);

	/* Days: the anchor may have moved, so drop old days first, then add src's. */
	if (dst->ndays > 0 && dst->anchor != dst->pruned_days_at)
	{
		dst->pruned_days_at = dst->anchor;
		DaysPrune(dst);
	}
	for (i = 0; i < src->ndays; i++)
	{
		const LrDayAgg *sd = &src->days[i];
		LrDayAgg   *d;

		if (sd->day < min_day)
			continue;
		d = DayGet(dst, a, sd->day, err);
		if (d == NULL)
			return false;
		if (__builtin_add_overflow(d->n, sd->n, &d->n) ||
			__builtin_add_overflow(d->n_sales, sd->n_sales, &d->n_sales) ||
			__builtin_add_overflow(d->n_night, sd->n_night, &d->n_night))
			return lr_error_set(err, LR_ERR_LIMIT,
								"more than 4294967295 transactions of one merchant on one day");
		if (__builtin_add_overflow(d->revenue, sd->revenue, &d->revenue) ||
			__builtin_add_overflow(d->refunds, sd->refunds, &d->refunds) ||
			__builtin_add_overflow(d->revenue_cp, sd->revenue_cp, &d->revenue_cp))
			return Overflow(err, "daily revenue");
	}

	/* Counterparties. */
	if (!dst->sketch && !src->sketch)
	{
		if (!lr_cpt_merge_into(&dst->cp, a, &src->cp, 0, min_day, false, err))
			return false;
		return ExactFit(dst, a, err);
	}
	if (!dst->sketch && !ToSketch(dst, a, err))
		return false;
	if (src->sketch && src->level > dst->level)
	{
		dst->level = src->level;
		if (!lr_cpt_rebuild(&dst->cp, a, dst->level, min_day, false, 0, err))
			return false;
	}
	if (!lr_cpt_merge_into(&dst->cp, a, &src->cp, dst->level, min_day, false, err) ||
		!SampleFit(dst, a, err))
		return false;
	if (!lr_cpt_merge_into(&dst->heavy, a, src->sketch ? &src->heavy : &src->cp, 0, min_day, true, err))
		return false;
	if (src->sketch && __builtin_add_overflow(dst->delta, src->delta, &dst->delta))
		return Overflow(err, "counterparty summary bound");
	return HeavyFit(dst, a, LR_CP_HEAVY_K, err);
}

/* ---------------------------------------------------------------- flat form */

static bool
ProfileEncode(const void *p, LrBuf *out)
{
	const LrProfileState *st = p;
	size_t		tzlen = strlen(st->tz);
	int32_t		min_day = MinDay(st);
	uint32_t	i;
	uint32_t	nd = 0;
	LrDayAgg   *days;
	LrError		err = {0};

	/* A state whose rows were all after as_of carries nothing. */
	if (st->nrows == 0)
	{
		lr_buf_put_u32(out, 0);
		lr_buf_put_u16(out, 0);
		return !out->failed;
	}
	lr_buf_put_u8(out, st->asof_mode);
	lr_buf_put_u8(out, st->sketch ? 1 : 0);
	lr_buf_put_u8(out, st->level);
	lr_buf_put_u8(out, 0);
	lr_buf_put_u16(out, (uint16_t) tzlen);
	lr_buf_append(out, st->tz, tzlen);
	if (st->asof_mode == LR_ASOF_NONE)
		return !out->failed;
	lr_buf_put_i64(out, st->asof_ts);
	lr_buf_put_i64(out, st->nrows);
	lr_buf_put_i64(out, st->min_ts);
	lr_buf_put_i64(out, st->max_ts);
	lr_buf_put_u32(out, (uint32_t) st->min_day);
	lr_buf_put_u32(out, (uint32_t) st->max_day);
	lr_buf_put_u32(out, (uint32_t) st->anchor);
	/* Days in ascending order: the same content always gives the same bytes. */
	days = SortedDays(st, out->a, &nd, &err);
	if (days == NULL)
	{
		out->failed = true;
		return false;
	}
	lr_buf_put_u64(out, nd);
	for (i = 0; i < nd; i++)
	{
		const LrDayAgg *d = &days[i];

		lr_buf_put_u32(out, (uint32_t) d->day);
		lr_buf_put_u32(out, d->n);
		lr_buf_put_u32(out, d->n_sales);
		lr_buf_put_u32(out, d->n_night);
		lr_buf_put_i64(out, d->revenue);
		lr_buf_put_i64(out, d->refunds);
		lr_buf_put_i64(out, d->revenue_cp);
	}
	lr_free(out->a, days);
	if (!lr_cpt_encode(&st->cp, min_day, out))
		return false;
	if (st->sketch)
	{
		lr_buf_put_i64(out, st->delta);
		if (!lr_cpt_encode(&st->heavy, min_day, out))
			return false;
	}
	return !out->failed;
}

static bool
ReadI32(LrReader *r, int32_t *v)
{
	uint32_t	u;

	if (!lr_read_u32(r, &u))
		return false;
	*v = (int32_t) u;
	return true;
}

static bool
ValidDay(int32_t d)
{
	return d >= LR_DAY_MIN && d <= LR_DAY_MAX;
}

static void *
ProfileDecode(const LrAlloc *a, LrReader *r, LrError *err)
{
	LrProfileState *st = ProfileCreate(a, err);
	uint8_t		mode;
	uint8_t		sketch;
	uint8_t		level;
	uint8_t		pad;
	uint16_t	tzlen;
	const uint8_t *tz;
	size_t		nd;
	size_t		i;
	int64_t		rows_in_days = 0;
	int32_t		min_day;
	LrCpDecodeRules rules;

	if (st == NULL)
		return NULL;
	if (!lr_read_u8(r, &mode) || !lr_read_u8(r, &sketch) || !lr_read_u8(r, &level) ||
		!lr_read_u8(r, &pad) || !lr_read_u16(r, &tzlen) || !lr_read_bytes(r, tzlen, &tz))
		return NULL;
	if (mode > LR_ASOF_GIVEN || sketch > 1 || pad != 0 || level > 63 || (!sketch && level != 0))
		return lr_read_bad(r, "bad header"), NULL;
	if (tzlen >= sizeof(st->tz) || (mode != LR_ASOF_NONE) != (tzlen > 0))
		return lr_read_bad(r, "bad time zone name"), NULL;
	for (i = 0; i < tzlen; i++)
		if (tz[i] < 0x20 || tz[i] > 0x7e)
			return lr_read_bad(r, "bad time zone name"), NULL;
	memcpy(st->tz, tz, tzlen);
	st->tz[tzlen] = '\0';
	st->asof_mode = mode;
	if (mode == LR_ASOF_NONE)
	{
		if (sketch)
			return lr_read_bad(r, "bad header"), NULL;
		return st;
	}
	st->sketch = sketch;
	st->level = level;
	if (!lr_read_i64(r, &st->asof_ts) || !lr_read_i64(r, &st->nrows) ||
		!lr_read_i64(r, &st->min_ts) || !lr_read_i64(r, &st->max_ts) ||
		!ReadI32(r, &st->min_day) || !ReadI32(r, &st->max_day) || !ReadI32(r, &st->anchor))
		return NULL;
	if (st->nrows < 1 || st->min_ts > st->max_ts ||
		!ValidDay(st->min_day) || !ValidDay(st->max_day) || !ValidDay(st->anchor) ||
		st->min_day > st->max_day + 1 ||
		(mode == LR_ASOF_LATEST && (st->anchor != st->max_day || st->asof_ts != 0)) ||
		(mode == LR_ASOF_GIVEN && (st->max_ts > st->asof_ts || st->max_day > st->anchor + LR_DAY_AHEAD)))
		return lr_read_bad(r, "inconsistent times"), NULL;
	st->pruned_at = st->anchor;
	min_day = MinDay(st);

	/* Each day takes 16 + 24 bytes. */
	if (!lr_read_count(r, 40, &nd))
		return NULL;
	if (nd > LR_KEEP_DAYS + 1 + LR_DAY_AHEAD)
		return lr_read_bad(r, "too many days"), NULL;
	if (!DaysReserve(st, a, (uint32_t) nd + 1, err))
		return NULL;
	for (i = 0; i < nd; i++)
	{
		LrDayAgg   *d = &st->days[i];

		if (!ReadI32(r, &d->day) || !lr_read_u32(r, &d->n) || !lr_read_u32(r, &d->n_sales) ||
			!lr_read_u32(r, &d->n_night) || !lr_read_i64(r, &d->revenue) ||
			!lr_read_i64(r, &d->refunds) || !lr_read_i64(r, &d->revenue_cp))
			return NULL;
		if (d->day < min_day || d->day > st->anchor + LR_DAY_AHEAD || (i > 0 && d->day <= d[-1].day))
			return lr_read_bad(r, "day out of order or range"), NULL;
		if (d->n == 0 || d->n_sales > d->n || d->n_night > d->n ||
			d->revenue < d->n_sales || d->refunds < 0 || d->revenue_cp < 0 ||
			d->revenue_cp > d->revenue || (d->n_sales == 0 && d->revenue != 0) ||
			(int64_t) d->n - d->n_sales < (d->refunds > 0 ? 1 : 0))
			return lr_read_bad(r, "inconsistent day"), NULL;
		rows_in_days += d->n;
	}
	st->ndays = (uint32_t) nd;
	st->pruned_days_at = st->anchor;
	if (st->ndays > LR_DMAP_FROM)
	{
		st->dmap = a->alloc(a->ctx, LR_DMAP_SIZE * sizeof(uint16_t));
		if (st->dmap == NULL)
			return lr_error_nomem(err, "merchant_features"), NULL;
		DmapBuild(st);
	}
	if (rows_in_days > st->nrows)
		return lr_read_bad(r, "inconsistent row count"), NULL;

	rules.level = st->level;
	rules.min_day = min_day;
	rules.max_day = st->anchor + LR_DAY_AHEAD;
	rules.positive = false;
	rules.max_cps = sketch ? LR_CP_SAMPLE_MAX : LR_CP_EXACT_MAX;
	rules.max_entries = sketch ? LR_CP_SAMPLE_MAX_ENTRIES : LR_CP_EXACT_MAX_ENTRIES;
	if (!lr_cpt_decode(&st->cp, a, r, &rules))
		return NULL;
	if (sketch)
	{
		if (!lr_read_i64(r, &st->delta))
			return NULL;
		if (st->delta < 0)
			return lr_read_bad(r, "negative summary bound"), NULL;
		rules.level = 0;
		rules.positive = true;
		rules.max_cps = 2 * LR_CP_HEAVY_K;
		rules.max_entries = LR_CP_HEAVY_MAX_ENTRIES;
		if (!lr_cpt_decode(&st->heavy, a, r, &rules))
			return NULL;
	}
	return st;
}

const LrStateOps lr_profile_ops = {
	"loan_risk.merchant_profile_state", LR_PROFILE_MAGIC, 1,
	ProfileCreate, ProfileDecode, ProfileEncode, ProfileMerge
};

/* ---------------------------------------------------------------- results */

static inline double
Cur(lr_i128 units)
{
	return (double) units / LR_MONEY_UNITS;
}

static inline int32_t
Offset(int32_t anchor, int32_t day)
{
	return day >= anchor ? 0 : anchor - day;
}

typedef struct CpAcc
{
	int64_t		distinct;
	lr_i128	repeat;
	lr_i128	total;
	lr_i128	sumsq;			/* exact while small */
	long double sumsq_big;		/* otherwise */
	bool		big;
	int64_t		top[5];			/* descending */
} CpAcc;

/* Sums a counterparty table per counterparty and window, then accumulates per window. */
static bool
CpStats(const LrCpTable *t, int32_t anchor, const LrAlloc *a, CpAcc acc[LR_NWIN], LrError *err)
{
	typedef struct CpWin
	{
		int64_t		rev[LR_NWIN];
		uint16_t	ndays[LR_NWIN];
	} CpWin;
	CpWin	   *per;
	uint32_t	i;
	int			w;

	memset(acc, 0, sizeof(CpAcc) * LR_NWIN);
	if (t->n == 0 || t->ents == NULL)
		return true;
	per = a->alloc(a->ctx, ((size_t) t->mask + 1) * sizeof(CpWin));
	if (per == NULL)
		return lr_error_nomem(err, "merchant_features");
	memset(per, 0, ((size_t) t->mask + 1) * sizeof(CpWin));
	for (i = 0; i <= t->emask; i++)
	{
		const LrCpEntry *en = &t->ents[i];
		int32_t		o;

		if (en->cp == LR_CP_EMPTY)
			continue;
		o = Offset(anchor, en->day);
		for (w = 0; w < LR_NWIN; w++)
			if (o < lr_profile_windows[w])
			{
				per[en->cp].rev[w] += en->rev;
				per[en->cp].ndays[w]++;
			}
	}
	for (i = 0; i <= t->mask; i++)
	{
		for (w = 0; w < LR_NWIN; w++)
		{
			CpAcc	   *c = &acc[w];
			int64_t		rev = per[i].rev[w];
			int			k;

			if (per[i].ndays[w] == 0)
				continue;
			c->distinct++;
			c->total += rev;
			if (per[i].ndays[w] >= 2)
				c->repeat += rev;
			/* Exact (and so independent of row order) while every revenue is below 2^53. */
			if (rev < (INT64_C(1) << 53) && !c->big)
				c->sumsq += (lr_i128) rev * rev;
			else
			{
				if (!c->big)
					c->sumsq_big = (long double) c->sumsq;
				c->big = true;
				c->sumsq_big += (long double) rev * (long double) rev;
			}
			if (rev > c->top[4])
			{
				for (k = 4; k > 0 && c->top[k - 1] < rev; k--)
					c->top[k] = c->top[k - 1];
				c->top[k] = rev;
			}
		}
	}
	if (a->free != NULL)
		a->free(a->ctx, per);
	return true;
}

static void
MonthlyStats(const LrDayAgg *days, uint32_t ndays, int32_t anchor, int w, LrWindowResult *res)
{
	int			months = w == 3 ? 12 : lr_profile_windows[w] / LR_MONTH_DAYS;
	lr_i128	y[12] = {0};
	bool		active[12] = {false};
	lr_i128	s1 = 0;
	lr_i128	sxy = 0;
	bool		small = true;
	uint32_t	i;
	int			k;

	for (i = 0; i < ndays; i++)
	{
		int32_t		o = Offset(anchor, days[i].day);

		if (o / LR_MONTH_DAYS < months)
		{
			y[o / LR_MONTH_DAYS] += days[i].revenue;
			active[o / LR_MONTH_DAYS] = true;
		}
	}
	res->active_months = 0;
	for (k = 0; k < months; k++)
	{
		res->active_months += active[k];
		s1 += y[k];
		sxy += (lr_i128) (months - 1 - k) * y[k];
		if (y[k] >= ((lr_i128) 1 << 52))
			small = false;
	}
	res->monthly_mean = Cur(s1) / months;
	if (small)
	{
		/* Exact: M * sum(y^2) - (sum y)^2 fits easily in 128 bits when every y < 2^52. */
		lr_i128	s2 = 0;
		lr_i128	v;

		for (k = 0; k < months; k++)
			s2 += y[k] * y[k];
		v = (lr_i128) months * s2 - s1 * s1;
		res->monthly_std = sqrt((double) v) / months / LR_MONEY_UNITS;
	}
	else
	{
		long double mean = (long double) s1 / months;
		long double ss = 0;

		for (k = 0; k < months; k++)
			ss += ((long double) y[k] - mean) * ((long double) y[k] - mean);
		res->monthly_std = (double) (sqrtl(ss / months) / LR_MONEY_UNITS);
	}
	res->monthly_cv = s1 > 0 ? res->monthly_std / res->monthly_mean : NAN;
	if (s1 > 0)
	{
		/* Least-squares slope over x = 0 (oldest month) .. M-1, relative to the mean. */
		lr_i128	sx = (lr_i128) months * (months - 1) / 2;
		lr_i128	sxx = (lr_i128) (months - 1) * months * (2 * months - 1) / 6;
		lr_i128	num = (lr_i128) months * sxy - sx * s1;
		lr_i128	den = (lr_i128) months * sxx - sx * sx;

		res->trend = ((double) num * months) / ((double) den * (double) s1);
	}
	else
		res->trend = NAN;
}

bool
lr_profile_compute(const LrProfileState *st, const LrAlloc *a, LrProfileResult *res, LrError *err)
{
	int32_t		anchor = st->anchor;
	CpAcc		dist[LR_NWIN];
	CpAcc		heavy[LR_NWIN];
	lr_i128	att[LR_NWIN] = {0};
	int64_t		weekend[LR_NWIN] = {0};
	lr_i128	g0 = 0;
	lr_i128	g1 = 0;
	int			w;
	uint32_t	i;
	double		scale = ldexp(1.0, st->level);
	LrDayAgg   *days;
	uint32_t	ndays;

	memset(res, 0, sizeof(*res));
	res->asof_ts = st->asof_mode == LR_ASOF_GIVEN ? st->asof_ts : st->max_ts;
	res->first_ts = st->min_ts;
	res->last_ts = st->max_ts;
	res->tenure_days = Offset(anchor, st->min_day);
	res->recency_days = Offset(anchor, st->max_day);
	res->txn_count_all = st->nrows;
	res->counterparties_exact = !st->sketch || (st->level == 0 && st->delta == 0);
	res->cp_sample_rate = ldexp(1.0, -st->level);
	res->cp_error_bound = st->sketch ? st->delta : 0;

	days = SortedDays(st, a, &ndays, err);
	if (days == NULL)
		return false;
	for (i = 0; i < ndays; i++)
	{
		const LrDayAgg *d = &days[i];
		int32_t		o = Offset(anchor, d->day);
		/* 2000-01-01 (day 0) was a Saturday. */
		int			dow = (int) (((int64_t) d->day % 7 + 7) % 7);

		if (o < 90)
			g0 += d->revenue;
		else if (o < 180)
			g1 += d->revenue;
		for (w = 0; w < LR_NWIN; w++)
		{
			LrWindowResult *r = &res->win[w];

			if (o >= lr_profile_windows[w])
				continue;
			r->txn_count += d->n;
			r->sales_count += d->n_sales;
			r->revenue += d->revenue;
			r->refunds += d->refunds;
			att[w] += d->revenue_cp;
			r->active_days++;
			r->night_share += d->n_night;	/* a count until the end */
			if (dow <= 1)
				weekend[w] += d->n;
		}
	}
	res->growth_3m = g1 > 0 ? Cur(g0) / Cur(g1) - 1 : NAN;

	if (!CpStats(&st->cp, anchor, a, dist, err) ||
		(st->sketch && !CpStats(&st->heavy, anchor, a, heavy, err)))
	{
		lr_free(a, days);
		return false;
	}

	for (w = 0; w < LR_NWIN; w++)
	{
		LrWindowResult *r = &res->win[w];
		int			len = lr_profile_windows[w];
		int32_t		start = anchor - len + 1;
		int32_t		prev;
		const CpAcc *h = st->sketch ? &heavy[w] : &dist[w];
		int			k;

		r->refund_share = r->revenue + r->refunds > 0 ?
			Cur(r->refunds) / Cur(r->revenue + r->refunds) : NAN;
		r->avg_ticket = r->sales_count > 0 ? Cur(r->revenue) / (double) r->sales_count : NAN;
		r->night_share = r->txn_count > 0 ? r->night_share / (double) r->txn_count : NAN;
		r->weekend_share = r->txn_count > 0 ? (double) weekend[w] / (double) r->txn_count : NAN;

		/* Longest run of days without a transaction, from the first day ever seen. */
		if (st->min_day > start)
			start = st->min_day;
		prev = start - 1;
		r->longest_gap = 0;
		for (i = 0; i < ndays; i++)
		{
			int32_t		d = days[i].day < anchor ? days[i].day : anchor;

			if (d < start || d <= prev)
				continue;
			if (d - prev - 1 > r->longest_gap)
				r->longest_gap = d - prev - 1;
			prev = d;
		}
		if (anchor - prev > r->longest_gap)
			r->longest_gap = anchor - prev;

		/* Counterparties: distinct and repeat from the (sample of) all, shares of the heavy ones. */
		if (st->sketch)
		{
			r->counterparties = (int64_t) llround((double) dist[w].distinct * scale);
			r->repeat_share = att[w] > 0 ? fmin(1.0, Cur(dist[w].repeat) * scale / Cur(att[w])) : NAN;
		}
		else
		{
			r->counterparties = dist[w].distinct;
			r->repeat_share = att[w] > 0 ? Cur(dist[w].repeat) / Cur(att[w]) : NAN;
		}
		if (att[w] > 0)
		{
			lr_i128	top5 = 0;
			long double tot = (long double) att[w];

			for (k = 0; k < 5; k++)
				top5 += h->top[k];
			r->top1_share = Cur(h->top[0]) / Cur(att[w]);
			r->top5_share = Cur(top5) / Cur(att[w]);
			r->hhi = (double) ((h->big ? h->sumsq_big : (long double) h->sumsq) / (tot * tot));
		}
		else
			r->top1_share = r->top5_share = r->hhi = NAN;

		if (len >= 90)
			MonthlyStats(days, ndays, anchor, w, r);
	}
	lr_free(a, days);
	return true;
}
