/*
 * profile.c
 *	  merchant_features(ts, amount, counterparty [, as_of]): the cash-flow
 *	  profile of a merchant, a mergeable aggregate returning
 *	  loan_risk.merchant_profile.  Definitions: doc/features.md.
 *
 * The pure C state is in profile_state.c; this file turns rows into local
 * days (time zone from loan_risk.timezone), amounts into units of 0.0001 and
 * counterparties into 128-bit hashes, and results into the composite.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/numeric.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "common/lr_dist.h"
#include "common/lr_pg.h"
#include "common/lr_settings.h"
#include "common/lr_state.h"
#include "features/features.h"
#include "features/features_pg.h"

PG_FUNCTION_INFO_V1(merchant_features_combine);
PG_FUNCTION_INFO_V1(merchant_features_final);

/* merchant_profile_state_in, _out, _recv, _send: the state type's text (base64) and binary I/O, validated on input */
LR_STATE_TYPE_FUNCTIONS(merchant_profile_state, lr_profile_ops)

/* merchant_features_combine: merges two partial states */
Datum
merchant_features_combine(PG_FUNCTION_ARGS)
{
	/*
	 * The first partial state of a group arrives flat from a worker: decode
	 * it straight into the group's state rather than decoding it and then
	 * merging it into an empty one (the states are large; this halves the
	 * leader's work for the first worker's state of each merchant).
	 */
	if (PG_ARGISNULL(0) && !PG_ARGISNULL(1) &&
		!VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(PG_GETARG_DATUM(1))))
	{
		/* In the aggregate's shared states context: a context per group is quadratic. */
		LrExpandedState *es = lr_state_from_flat_agg(fcinfo, &lr_profile_ops,
													 PG_DETOAST_DATUM(PG_GETARG_DATUM(1)));

		PG_RETURN_DATUM(lr_state_datum(es));
	}
	return lr_state_combine(fcinfo, &lr_profile_ops);
}

/* ---------------------------------------------------------------- local time */

/*
 * The UTC offset is looked up once per UTC day and time zone with
 * pg_localtime (what PostgreSQL's own timestamptz conversions use), in a
 * direct-mapped cache; only days on which the offset changes (DST and other
 * transitions) are looked up row by row.
 */
#define LR_TZ_SLOTS 1024
#define LR_UNIX_OFFSET_SECS ((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY)

typedef struct TzSlot
{
	int64		utc_day;
	int32		off;			/* seconds east of UTC */
	bool		mixed;			/* the offset changes during this UTC day */
	bool		valid;
} TzSlot;

typedef struct ProfileCall
{
	pg_tz	   *tz;
	bool		given;			/* the zone came as an argument */
	char		tzname[TZ_STRLEN_MAX + 1];
	TzSlot		slots[LR_TZ_SLOTS];
} ProfileCall;

static inline int64
FloorDiv(int64 a, int64 b)
{
	int64		q = a / b;

	if ((a % b) != 0 && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static long
GmtOff(const ProfileCall *c, pg_time_t t)
{
	struct pg_tm *tm = pg_localtime(&t, c->tz);

	if (tm == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range for time zone \"%s\"", c->tzname)));
	return tm->tm_gmtoff;
}

static void
LocalDay(ProfileCall *c, TimestampTz ts, int32 *day, bool *night)
{
	int64		utc_day = FloorDiv(ts, USECS_PER_DAY);
	TzSlot	   *s = &c->slots[utc_day & (LR_TZ_SLOTS - 1)];
	int64		off;
	int64		local;
	int64		d;
	int64		us;

	if (!s->valid || s->utc_day != utc_day)
	{
		pg_time_t	t0 = utc_day * SECS_PER_DAY + LR_UNIX_OFFSET_SECS;
		long		o0 = GmtOff(c, t0);
		long		o1 = GmtOff(c, t0 + SECS_PER_DAY - 1);

		s->utc_day = utc_day;
		s->off = (int32) o0;
		s->mixed = o0 != o1;
		s->valid = true;
	}
	off = s->mixed ? GmtOff(c, FloorDiv(ts, USECS_PER_SEC) + LR_UNIX_OFFSET_SECS) : s->off;
	local = ts + off * USECS_PER_SEC;
	d = FloorDiv(local, USECS_PER_DAY);
	us = local - d * USECS_PER_DAY;
	*day = (int32) d;
	*night = us >= 22 * USECS_PER_HOUR || us < 6 * USECS_PER_HOUR;
}

/*
 * The zones last used in this backend, with their offset caches.  A call
 * site keeps its zone in fn_extra; this also serves callers that get a new
 * FmgrInfo on every row (Citus runs a split aggregate's transition function
 * so), which would otherwise rebuild the offset cache row after row.
 */
#define LR_TZ_RECENT 4
static ProfileCall *recent_zones[LR_TZ_RECENT];

static ProfileCall *
ZoneCall(pg_tz *tz, bool given)
{
	const char *name = pg_get_timezone_name(tz);
	ProfileCall *c;

	for (int i = 0; i < LR_TZ_RECENT; i++)
		if (recent_zones[i] != NULL && recent_zones[i]->tz == tz && recent_zones[i]->given == given)
			return recent_zones[i];
	c = recent_zones[LR_TZ_RECENT - 1];
	if (c == NULL)
		c = MemoryContextAlloc(TopMemoryContext, sizeof(ProfileCall));
	memset(c, 0, sizeof(ProfileCall));
	memmove(&recent_zones[1], &recent_zones[0], sizeof(ProfileCall *) * (LR_TZ_RECENT - 1));
	recent_zones[0] = c;
	c->tz = tz;
	c->given = given;
	strlcpy(c->tzname, name ? name : "", sizeof(c->tzname));
	return c;
}

static pg_tz *
ZoneByName(const char *name, const char *hint)
{
	pg_tz	   *tz = pg_tzset(name);

	if (tz == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time zone \"%s\" is not recognized", name),
				 errhint("%s", hint)));
	if (!pg_tz_acceptable(tz))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time zone \"%s\" appears to use leap seconds", name),
				 errdetail("PostgreSQL does not support leap seconds.")));
	return tz;
}

/*
 * The zone of a call: the time_zone argument (argument zone_arg, when the
 * form has one and it is not NULL), else loan_risk.timezone, else the
 * session's TimeZone.  On a Citus worker the settings are the worker's,
 * not the coordinator session's: a zone from the settings is used there
 * only if it was set in this session (propagated by the coordinator, SET
 * LOCAL with citus.propagate_set_commands = 'local'), and is an error
 * otherwise, rather than days silently counted in another zone.
 */
static ProfileCall *
GetCall(FunctionCallInfo fcinfo, int zone_arg)
{
	ProfileCall *c = fcinfo->flinfo->fn_extra;
	char		given[TZ_STRLEN_MAX + 1];
	pg_tz	   *tz;

	if (zone_arg >= 0 && PG_NARGS() > zone_arg && !PG_ARGISNULL(zone_arg))
	{
		text	   *t = PG_GETARG_TEXT_PP(zone_arg);
		int			len = VARSIZE_ANY_EXHDR(t);

		if (len == 0 || len > TZ_STRLEN_MAX || memchr(VARDATA_ANY(t), '\0', len) != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("time_zone \"%s\" is not a time zone name", text_to_cstring(t)),
					 errhint("Give a zone name such as 'Asia/Shanghai', or NULL for loan_risk.timezone.")));
		memcpy(given, VARDATA_ANY(t), len);
		given[len] = '\0';
		/* The zone of the previous row: one comparison per row. */
		if (c != NULL && c->given && pg_strcasecmp(c->tzname, given) == 0)
			return c;
		tz = ZoneByName(given, "Give a zone name such as 'Asia/Shanghai', or NULL for loan_risk.timezone.");
		c = ZoneCall(tz, true);
		fcinfo->flinfo->fn_extra = c;
		return c;
	}
	if (c != NULL && !c->given)
		return c;
	if (lr_citus_worker_backend() &&
		!lr_setting_from_session(lr_features_timezone != NULL && lr_features_timezone[0] != '\0' ?
								 LR_GUC_PREFIX ".timezone" : "TimeZone"))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("merchant_features needs its time zone in the query on a Citus worker"),
				 errdetail("Citus does not send the coordinator session's loan_risk.timezone or TimeZone to its workers, so days would be counted in the worker's zone."),
				 errhint("Pass the zone as the last argument: merchant_features(ts, amount, counterparty, as_of, 'Asia/Shanghai'), as_of NULL for the latest transaction.")));
	if (lr_features_timezone == NULL || lr_features_timezone[0] == '\0')
		tz = session_timezone;
	else
		tz = ZoneByName(lr_features_timezone,
						"Set loan_risk.timezone to a time zone name, or to '' for the session's TimeZone.");
	c = ZoneCall(tz, false);
	fcinfo->flinfo->fn_extra = c;
	return c;
}

/* ---------------------------------------------------------------- amounts */


/* ---------------------------------------------------------------- transition */

static void
CheckFinite(TimestampTz ts, const char *what)
{
	if (TIMESTAMP_NOT_FINITE(ts))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %s is not a finite time", what, TIMESTAMP_IS_NOBEGIN(ts) ? "-infinity" : "infinity")));
}

static Datum
ProfileTrans(FunctionCallInfo fcinfo, bool numeric_amount, bool text_cp)
{
	ProfileCall *c;
	LrExpandedState *es;
	LrProfileState *st;
	LrProfileRow row;
	LrAsOfMode	mode = LR_ASOF_LATEST;
	TimestampTz asof = 0;
	LrError		err;

	/* Only the kind needs clearing (the message buffers are 1 kB): this runs per row. */
	err.kind = LR_OK;

	/* A row without time or amount is skipped. */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return lr_state_unchanged(fcinfo);
	/*
	 * In a GROUP BY with many merchants, each row's state is elsewhere in
	 * memory: start loading it now, and its body as soon as its address is
	 * known, so the misses overlap the work on the row.
	 */
	if (!PG_ARGISNULL(0))
	{
		const char *p = DatumGetPointer(PG_GETARG_DATUM(0));

		__builtin_prefetch(p);
		__builtin_prefetch(p + 64);
	}
	c = GetCall(fcinfo, 5);
	row.ts = PG_GETARG_TIMESTAMPTZ(1);
	CheckFinite(row.ts, "timestamp");
	row.amount = numeric_amount ? lr_money_units(PG_GETARG_DATUM(2), "amount") : lr_money_units_float8(PG_GETARG_FLOAT8(2), "amount");
	if (PG_NARGS() > 4 && !PG_ARGISNULL(4))
	{
		mode = LR_ASOF_GIVEN;
		asof = PG_GETARG_TIMESTAMPTZ(4);
		CheckFinite(asof, "as_of");
	}

	es = lr_state_arg_rw(fcinfo, 0, &lr_profile_ops);
	st = es->st;
	__builtin_prefetch(st);
	__builtin_prefetch((const char *) st + 64);
	if (st->asof_mode != LR_ASOF_NONE && strcmp(st->tz, c->tzname) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the time zone is \"%s\" in some rows of a group and \"%s\" in others", st->tz, c->tzname),
				 errdetail("merchant_features counts the days of one group in one time zone.")));

	if (!(mode == LR_ASOF_GIVEN && row.ts > asof))
	{
		LocalDay(c, row.ts, &row.day, &row.night);
		row.has_cp = !PG_ARGISNULL(3);
		if (row.has_cp && text_cp)
		{
			struct varlena *t = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(3));

			lr_cp_hash(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), 1, &row.k0, &row.k1);
		}
		else if (row.has_cp)
		{
			uint64		v = (uint64) PG_GETARG_INT64(3);
			uint8		b[8];
			int			i;

			for (i = 0; i < 8; i++)
				b[i] = (uint8) (v >> (8 * i));
			lr_cp_hash(b, 8, 2, &row.k0, &row.k1);
		}
	}
	if (st->asof_mode == LR_ASOF_NONE || mode != st->asof_mode || asof != st->asof_ts)
	{
		int32		asof_day = 0;
		bool		night;

		if (mode == LR_ASOF_GIVEN)
			LocalDay(c, asof, &asof_day, &night);
		if (!lr_profile_begin(st, mode, asof, asof_day, c->tzname, &err))
			lr_state_raise(&err);
	}
	if (mode == LR_ASOF_GIVEN && row.ts > asof)
		PG_RETURN_DATUM(lr_state_datum(es));

	if (!lr_profile_add(st, &es->alloc, &row, &err))
		lr_state_raise(&err);
	return lr_state_updated(es);
}

/* merchant_features_trans_num_text: adds (ts, numeric amount, text counterparty [, as_of]) */
LR_PG_FUNCTION_CALLING(merchant_features_trans_num_text, ProfileTrans, true, true)

/* merchant_features_trans_num_int8: adds (ts, numeric amount, bigint counterparty [, as_of]) */
LR_PG_FUNCTION_CALLING(merchant_features_trans_num_int8, ProfileTrans, true, false)

/* merchant_features_trans_f8_text: adds (ts, float8 amount, text counterparty [, as_of]) */
LR_PG_FUNCTION_CALLING(merchant_features_trans_f8_text, ProfileTrans, false, true)

/* merchant_features_trans_f8_int8: adds (ts, float8 amount, bigint counterparty [, as_of]) */
LR_PG_FUNCTION_CALLING(merchant_features_trans_f8_int8, ProfileTrans, false, false)

/* ---------------------------------------------------------------- final */

/* Columns of loan_risk.merchant_profile, in order (checked against the catalog once per query). */
#define LR_HEAD_COLS 10
#define LR_WIN_COLS 15
#define LR_MONTH_COLS 5
#define LR_PROFILE_COLS (LR_HEAD_COLS + LR_NWIN * LR_WIN_COLS + (LR_NWIN - 1) * LR_MONTH_COLS + 1)

static const Oid head_types[LR_HEAD_COLS] = {
	TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT4OID, INT4OID, INT8OID, TEXTOID, BOOLOID,
	FLOAT8OID, NUMERICOID
};
static const Oid win_types[LR_WIN_COLS] = {
	INT8OID, INT8OID, NUMERICOID, NUMERICOID, FLOAT8OID, INT4OID, FLOAT8OID, INT4OID,
	FLOAT8OID, FLOAT8OID, INT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID
};
static const Oid month_types[LR_MONTH_COLS] = {
	INT4OID, FLOAT8OID, FLOAT8OID, FLOAT8OID, FLOAT8OID
};

static TupleDesc
ProfileTupleDesc(FunctionCallInfo fcinfo)
{
	TupleDesc	td = fcinfo->flinfo->fn_extra;
	MemoryContext old;
	int			i;
	int			k = 0;

	if (td != NULL)
		return td;
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "merchant_features must return a composite type");
	if (td->natts != LR_PROFILE_COLS)
		elog(ERROR, "loan_risk.merchant_profile has %d columns, expected %d", td->natts, LR_PROFILE_COLS);
	for (i = 0; i < LR_HEAD_COLS; i++)
		if (TupleDescAttr(td, k++)->atttypid != head_types[i])
			elog(ERROR, "loan_risk.merchant_profile column %d has an unexpected type", k);
	for (i = 0; i < LR_NWIN * LR_WIN_COLS; i++)
		if (TupleDescAttr(td, k++)->atttypid != win_types[i % LR_WIN_COLS])
			elog(ERROR, "loan_risk.merchant_profile column %d has an unexpected type", k);
	for (i = 0; i < (LR_NWIN - 1) * LR_MONTH_COLS; i++)
		if (TupleDescAttr(td, k++)->atttypid != month_types[i % LR_MONTH_COLS])
			elog(ERROR, "loan_risk.merchant_profile column %d has an unexpected type", k);
	if (TupleDescAttr(td, k)->atttypid != FLOAT8OID)
		elog(ERROR, "loan_risk.merchant_profile column %d has an unexpected type", k + 1);
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	td = BlessTupleDesc(CreateTupleDescCopy(td));
	MemoryContextSwitchTo(old);
	fcinfo->flinfo->fn_extra = td;
	return td;
}

static inline void
PutF8(Datum *v, bool *n, int *k, double x)
{
	if (isnan(x))
		n[*k] = true;
	else
		v[*k] = Float8GetDatum(x);
	(*k)++;
}

/* merchant_features_final: the profile, NULL when no row counted */
Datum
merchant_features_final(PG_FUNCTION_ARGS)
{
	const LrProfileState *st;
	LrProfileResult res;
	LrError		err = {0};
	LrAlloc		a;
	TupleDesc	td;
	Datum		values[LR_PROFILE_COLS];
	bool		nulls[LR_PROFILE_COLS];
	int			k = 0;
	int			w;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = lr_state_arg_ro(fcinfo, 0, &lr_profile_ops);
	if (st->nrows == 0)
		PG_RETURN_NULL();
	td = ProfileTupleDesc(fcinfo);
	lr_pg_alloc_init(&a, CurrentMemoryContext);
	if (!lr_profile_compute(st, &a, &res, &err))
		lr_state_raise(&err);

	memset(nulls, 0, sizeof(nulls));
	values[k++] = TimestampTzGetDatum(res.asof_ts);
	values[k++] = TimestampTzGetDatum(res.first_ts);
	values[k++] = TimestampTzGetDatum(res.last_ts);
	values[k++] = Int32GetDatum(res.tenure_days);
	values[k++] = Int32GetDatum(res.recency_days);
	values[k++] = Int64GetDatum(res.txn_count_all);
	values[k++] = CStringGetTextDatum(st->tz);
	values[k++] = BoolGetDatum(res.counterparties_exact);
	values[k++] = Float8GetDatum(res.cp_sample_rate);
	values[k++] = lr_money_datum(res.cp_error_bound, 2);
	for (w = 0; w < LR_NWIN; w++)
	{
		const LrWindowResult *r = &res.win[w];

		values[k++] = Int64GetDatum(r->txn_count);
		values[k++] = Int64GetDatum(r->sales_count);
		values[k++] = lr_money_datum(r->revenue, 2);
		values[k++] = lr_money_datum(r->refunds, 2);
		PutF8(values, nulls, &k, r->refund_share);
		values[k++] = Int32GetDatum(r->active_days);
		PutF8(values, nulls, &k, r->avg_ticket);
		values[k++] = Int32GetDatum(r->longest_gap);
		PutF8(values, nulls, &k, r->night_share);
		PutF8(values, nulls, &k, r->weekend_share);
		values[k++] = Int64GetDatum(r->counterparties);
		PutF8(values, nulls, &k, r->repeat_share);
		PutF8(values, nulls, &k, r->top1_share);
		PutF8(values, nulls, &k, r->top5_share);
		PutF8(values, nulls, &k, r->hhi);
	}
	for (w = 1; w < LR_NWIN; w++)
	{
		const LrWindowResult *r = &res.win[w];

		values[k++] = Int32GetDatum(r->active_months);
		PutF8(values, nulls, &k, r->monthly_mean);
		PutF8(values, nulls, &k, r->monthly_std);
		PutF8(values, nulls, &k, r->monthly_cv);
		PutF8(values, nulls, &k, r->trend);
	}
	PutF8(values, nulls, &k, res.growth_3m);
	Assert(k == LR_PROFILE_COLS);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(td, values, nulls)));
}
