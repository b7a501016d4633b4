/*
 * logit_step.c
 *	  One pass of the logistic fit as an aggregate: logit_step_partial over
 *	  numeric columns, woe_step_partial over raw columns coded to the WOE of
 *	  their bin in a card, both into loan_risk.logit_step_state; its type,
 *	  logit_step_merge and logit_step_info.
 *
 * The coefficients of the pass are an argument (a constant of the query),
 * parsed once per query; the state records their hash so that states of
 * different passes are never merged.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "common/lr_pg.h"
#include "common/lr_row.h"
#include "common/lr_state.h"
#include "scoring/score.h"
#include "stats/stats_pg.h"
#include "scoring/scorecard.h"
#include "training/logit.h"
#include "training/training_pg.h"

PG_FUNCTION_INFO_V1(logit_step_state_in);
PG_FUNCTION_INFO_V1(logit_step_state_out);
PG_FUNCTION_INFO_V1(logit_step_state_recv);
PG_FUNCTION_INFO_V1(logit_step_state_send);
PG_FUNCTION_INFO_V1(logit_step_combine);
PG_FUNCTION_INFO_V1(logit_step_trans);
PG_FUNCTION_INFO_V1(logit_step_trans_int);
PG_FUNCTION_INFO_V1(woe_step_trans);
PG_FUNCTION_INFO_V1(woe_step_trans_int);
PG_FUNCTION_INFO_V1(logit_step_trans_arrays);
PG_FUNCTION_INFO_V1(logit_step_trans_arrays_int);
PG_FUNCTION_INFO_V1(woe_step_trans_arrays);
PG_FUNCTION_INFO_V1(woe_step_trans_arrays_int);
PG_FUNCTION_INFO_V1(logit_step_info);

/* logit_step_state_in: base64 text to a validated state */
Datum
logit_step_state_in(PG_FUNCTION_ARGS)
{
	return lr_state_in(fcinfo, &lr_logit_ops);
}

/* logit_step_state_out: state to base64 text */
Datum
logit_step_state_out(PG_FUNCTION_ARGS)
{
	return lr_state_out(fcinfo, &lr_logit_ops);
}

/* logit_step_state_recv: binary state, validated */
Datum
logit_step_state_recv(PG_FUNCTION_ARGS)
{
	return lr_state_recv(fcinfo, &lr_logit_ops);
}

/* logit_step_state_send: state to binary */
Datum
logit_step_state_send(PG_FUNCTION_ARGS)
{
	return lr_state_send(fcinfo, &lr_logit_ops);
}

/* logit_step_combine: merges two partial states of the same pass */
Datum
logit_step_combine(PG_FUNCTION_ARGS)
{
	return lr_state_combine(fcinfo, &lr_logit_ops);
}

typedef struct StepCall
{
	int			nx;
	int			first;			/* argument number of the first feature */
	bool		arrays;			/* features in a float8[] (and a text[]), not separate arguments */
	int		   *pos;			/* arrays, woe_step: index of card feature j in its kind's array */
	int			nnum;			/* arrays, woe_step: numeric features of the card */
	LrConv	   *conv;
	FmgrInfo   *outfn;
	/* coefficients, re-read when the argument changes */
	Pointer		coef_ptr;
	bool		coef_const;		/* a constant of the query: read once */
	double	   *beta;
	uint64_t	hash;
	double	   *x;				/* one row's features */
	/* woe_step: the card, keyed on its bytes */
	bool		card_const;		/* a constant of the query: compiled once */
	char	   *card_key;
	Size		card_keylen;
	MemoryContext card_cxt;
	MemoryContext home;			/* where the card context lives (fn_mcxt, or the backend cache's) */
	bool		shared;			/* may serve several call sites: read the card and coefficients every row */
	LrAlloc		card_alloc;
	LrArena		card_arena;
	LrCard	   *card;
} StepCall;

static StepCall *
StepCallInfo(FunctionCallInfo fcinfo, int first, const char *fn, bool numeric)
{
	StepCall   *sc = (StepCall *) fcinfo->flinfo->fn_extra;

	if (sc != NULL)
		return sc;
	if (get_fn_expr_variadic(fcinfo->flinfo))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s takes its features as separate arguments, not as a VARIADIC array", fn)));
	sc = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(StepCall));
	sc->first = first;
	sc->nx = PG_NARGS() - first;
	if (sc->nx > LR_LOGIT_MAX_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s takes at most %d features", fn, LR_LOGIT_MAX_FEATURES)));
	sc->conv = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(LrConv) * Max(sc->nx, 1));
	sc->outfn = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(FmgrInfo) * Max(sc->nx, 1));
	sc->beta = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(double) * (sc->nx + 1));
	sc->x = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(double) * Max(sc->nx, 1));
	/* A numeric design reads every column as a number (the card sets them for WOE). */
	for (int j = 0; numeric && j < sc->nx; j++)
	{
		Oid			type = get_fn_expr_argtype(fcinfo->flinfo, first + j);
		int			conv = lr_conv_for(type, LR_FIELD_NUMERIC);

		if (conv < 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("feature %d has type %s, not a number", j + 1, format_type_be(type)),
					 errhint("Features of a logistic fit are smallint, integer, bigint, real, double precision or numeric.")));
		sc->conv[j] = (LrConv) conv;
	}
	fcinfo->flinfo->fn_extra = sc;
	return sc;
}

/*
 * The array forms: nx features in one float8[] (logit_step) or in a float8[]
 * and a text[] (woe_step).  Concrete argument types, so that Citus can split
 * the aggregates into partial aggregates on its workers.
 */
/*
 * The array forms' call data outlives a call site's FmgrInfo: Citus runs a
 * split aggregate's transition function with a new FmgrInfo on every row
 * (worker_partial_agg), which would compile the card row after row.  So
 * the last call data of each form is kept for the backend, in a context of
 * its own, and taken up by a call site that has none yet.  It may then
 * serve several call sites of one query, so nothing in it is taken for
 * constant: the card's bytes are compared and the coefficients read on
 * every row.
 */
static StepCall *recent_calls[2];	/* logit_step, woe_step */

/* Arguments of the array forms: state, coefficients, is_bad, weight, offset, features float8[] */
#define LOGIT_ARR_FEATURES 5
/* ... and state, card, coefficients, is_bad, numeric float8[], categorical text[] */
#define WOE_ARR_NUM 4
#define WOE_ARR_CAT 5

static StepCall *
StepCallArrays(FunctionCallInfo fcinfo, int first, int nx, const char *fn)
{
	StepCall   *sc = (StepCall *) fcinfo->flinfo->fn_extra;
	StepCall  **recent = &recent_calls[first == WOE_ARR_NUM ? 1 : 0];
	MemoryContext cxt;

	if (sc != NULL)
	{
		if (sc->nx != nx)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s got %d features in one row and %d in another", fn, sc->nx, nx)));
		return sc;
	}
	if (nx > LR_LOGIT_MAX_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s takes at most %d features", fn, LR_LOGIT_MAX_FEATURES)));
	if (*recent != NULL && (*recent)->nx == nx)
	{
		sc = *recent;
		fcinfo->flinfo->fn_extra = sc;
		return sc;
	}
	if (*recent != NULL)
		MemoryContextDelete((*recent)->home);
	*recent = NULL;
	cxt = AllocSetContextCreate(TopMemoryContext, "loan_risk logistic step call", ALLOCSET_SMALL_SIZES);
	sc = MemoryContextAllocZero(cxt, sizeof(StepCall));
	sc->home = cxt;
	sc->first = first;
	sc->nx = nx;
	sc->arrays = true;
	sc->shared = true;
	sc->conv = MemoryContextAllocZero(cxt, sizeof(LrConv) * Max(nx, 1));
	sc->outfn = MemoryContextAllocZero(cxt, sizeof(FmgrInfo) * Max(nx, 1));
	sc->pos = MemoryContextAllocZero(cxt, sizeof(int) * Max(nx, 1));
	sc->beta = MemoryContextAllocZero(cxt, sizeof(double) * (nx + 1));
	sc->x = MemoryContextAllocZero(cxt, sizeof(double) * Max(nx, 1));
	for (int j = 0; j < nx; j++)
		sc->conv[j] = LR_CONV_FLOAT8;
	*recent = sc;
	fcinfo->flinfo->fn_extra = sc;
	return sc;
}

/* Reads the coefficient argument when it changed (once per query for a constant). */
static void
StepCoefficients(FunctionCallInfo fcinfo, StepCall *sc, int argno)
{
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("coefficients are NULL")));
	/* A constant argument is read once; anything else on every row. */
	if (sc->coef_ptr != NULL && sc->coef_const && !sc->shared)
		return;
	if (sc->coef_ptr == NULL)
		sc->coef_const = lr_arg_is_const(fcinfo, argno);
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("coefficients must be a one-dimensional array")));
	deconstruct_array(arr, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, &n);
	if (n != sc->nx + 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("coefficients have %d elements, expected %d (the intercept and %d features)",
						n, sc->nx + 1, sc->nx)));
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("coefficient %d is NULL", i + 1)));
		sc->beta[i] = DatumGetFloat8(elems[i]);
		if (!isfinite(sc->beta[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("coefficient %d is not finite", i + 1)));
	}
	sc->hash = lr_logit_coef_hash(sc->beta, sc->nx + 1);
	sc->coef_ptr = DatumGetPointer(PG_GETARG_DATUM(argno));
}

static LrExpandedState *
StepState(FunctionCallInfo fcinfo, StepCall *sc)
{
	LrExpandedState *es = lr_state_arg_rw(fcinfo, 0, &lr_logit_ops);
	LrLogitState *st = es->st;
	LrError		err;			/* per row: only its kind is cleared, not its 1 kB */

	err.kind = LR_OK;
	if (st->nx < 0)
	{
		if (!lr_logit_setup(st, sc->nx, sc->hash, &err))
			lr_pg_raise(&err, NULL);
	}
	else if (st->coef_hash != sc->hash)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("coefficients differ between rows of one logistic step")));
	return es;
}

/* A row's linear predictor, within the limit that keeps the sums finite. */
static void
CheckEta(double eta)
{
	if (!(fabs(eta) <= LR_LOGIT_MAX_ETA))
	{
		char		buf[64];

		lr_format_double(buf, sizeof(buf), eta);
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("the linear predictor of a row is %s, beyond 1e200 in absolute value",
						isnan(eta) ? "NaN" : isinf(eta) ? (eta > 0 ? "Infinity" : "-Infinity") : buf),
				 errdetail("The intercept, the offset and the coefficients times the features add up beyond what a logistic step sums without overflow."),
				 errhint("Use coefficients of a sensible size for the features' values.")));
	}
}

/* Arguments: state, coefficients, is_bad, weight, offset, features... */
#define LOGIT_FIRST 5

static Datum
LogitAdd(FunctionCallInfo fcinfo, bool has_y, int y)
{
	StepCall   *sc = StepCallInfo(fcinfo, LOGIT_FIRST, "logit_step_partial", true);
	LrExpandedState *es;
	LrLogitState *st;
	double		w = 1,
				eta;
	bool		skip = !has_y;

	StepCoefficients(fcinfo, sc, 1);
	es = StepState(fcinfo, sc);
	st = es->st;

	if (!PG_ARGISNULL(3))
	{
		w = PG_GETARG_FLOAT8(3);
		if (isnan(w) || isinf(w) || w > LR_LOGIT_MAX_WEIGHT)
		{
			st->invalid[sc->nx]++;
			skip = true;
		}
		else if (w < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("weight %g is negative", w)));
		else if (w == 0)
			skip = true;
	}
	else
		skip = true;
	eta = sc->beta[0];
	if (!PG_ARGISNULL(4))
	{
		double		off = PG_GETARG_FLOAT8(4);

		if (!isfinite(off) || fabs(off) > LR_LOGIT_MAX_VALUE)
		{
			st->invalid[sc->nx + 1]++;
			skip = true;
		}
		eta += off;
	}
	else
		skip = true;
	for (int j = 0; j < sc->nx && !skip; j++)
	{
		NullableDatum *arg = &fcinfo->args[LOGIT_FIRST + j];
		double		v;

		if (arg->isnull)
		{
			skip = true;
			break;
		}
		v = sc->conv[j] == LR_CONV_FLOAT8 ? DatumGetFloat8(arg->value) :
			lr_conv_number(sc->conv[j], arg->value);
		if (!isfinite(v) || fabs(v) > LR_LOGIT_MAX_VALUE)
		{
			st->invalid[j]++;
			skip = true;
			break;
		}
		sc->x[j] = v;
		eta += sc->beta[j + 1] * v;
	}
	if (skip)
		st->skipped++;
	else
	{
		CheckEta(eta);
		lr_logit_add(st, sc->x, y, w, eta);
	}
	lr_state_touch(es);
	PG_RETURN_DATUM(lr_state_datum(es));
}

/* logit_step_trans: adds a row (coefficients, is_bad boolean, weight, offset, features...) */
Datum
logit_step_trans(PG_FUNCTION_ARGS)
{
	bool		has = !PG_ARGISNULL(2);

	return LogitAdd(fcinfo, has, has ? (PG_GETARG_BOOL(2) ? 1 : 0) : 0);
}

/* logit_step_trans_int: adds a row (coefficients, is_bad 0/1, weight, offset, features...) */
Datum
logit_step_trans_int(PG_FUNCTION_ARGS)
{
	bool		has = !PG_ARGISNULL(2);

	if (has)
		lr_check_outcome_int(PG_GETARG_INT32(2));
	return LogitAdd(fcinfo, has, has ? PG_GETARG_INT32(2) : 0);
}


static Datum
LogitAddArrays(FunctionCallInfo fcinfo, bool has_y, int y)
{
	LrArrayArg	xs;
	StepCall   *sc;
	LrExpandedState *es;
	LrLogitState *st;
	double		w = 1,
				eta;
	bool		skip = !has_y;

	lr_pg_arg_required(fcinfo, LOGIT_ARR_FEATURES, "features",
						   "Pass the features as a float8[]; a NULL element skips the row.");
	lr_pg_float8_array_arg(fcinfo, LOGIT_ARR_FEATURES, "features", &xs);
	sc = StepCallArrays(fcinfo, LOGIT_ARR_FEATURES, xs.n, "logit_step_partial");
	StepCoefficients(fcinfo, sc, 1);
	es = StepState(fcinfo, sc);
	st = es->st;

	if (!PG_ARGISNULL(3))
	{
		w = PG_GETARG_FLOAT8(3);
		if (isnan(w) || isinf(w) || w > LR_LOGIT_MAX_WEIGHT)
		{
			st->invalid[sc->nx]++;
			skip = true;
		}
		else if (w < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("weight %g is negative", w)));
		else if (w == 0)
			skip = true;
	}
	else
		skip = true;
	eta = sc->beta[0];
	if (!PG_ARGISNULL(4))
	{
		double		off = PG_GETARG_FLOAT8(4);

		if (!isfinite(off) || fabs(off) > LR_LOGIT_MAX_VALUE)
		{
			st->invalid[sc->nx + 1]++;
			skip = true;
		}
		eta += off;
	}
	else
		skip = true;
	for (int j = 0; j < sc->nx && !skip; j++)
	{
		double		v;

		if (xs.nulls != NULL && xs.nulls[j])
		{
			skip = true;
			break;
		}
		v = xs.v[j];
		if (!isfinite(v) || fabs(v) > LR_LOGIT_MAX_VALUE)
		{
			st->invalid[j]++;
			skip = true;
			break;
		}
		sc->x[j] = v;
		eta += sc->beta[j + 1] * v;
	}
	if (skip)
		st->skipped++;
	else
	{
		CheckEta(eta);
		lr_logit_add(st, sc->x, y, w, eta);
	}
	lr_state_touch(es);
	PG_RETURN_DATUM(lr_state_datum(es));
}

/* logit_step_trans_arrays: adds a row (coefficients, is_bad boolean, weight, offset, features float8[]) */
Datum
logit_step_trans_arrays(PG_FUNCTION_ARGS)
{
	bool		has = !PG_ARGISNULL(2);

	return LogitAddArrays(fcinfo, has, has ? (PG_GETARG_BOOL(2) ? 1 : 0) : 0);
}

/* logit_step_trans_arrays_int: adds a row (coefficients, is_bad 0/1, weight, offset, features float8[]) */
Datum
logit_step_trans_arrays_int(PG_FUNCTION_ARGS)
{
	bool		has = !PG_ARGISNULL(2);

	if (has)
		lr_check_outcome_int(PG_GETARG_INT32(2));
	return LogitAddArrays(fcinfo, has, has ? PG_GETARG_INT32(2) : 0);
}

/* ---------------------------------------------------------------- WOE design */

/* Arguments: state, card, coefficients, is_bad, features... */
#define WOE_FIRST 4

static void
BinWoeRequired(const LrCard *card, const LrFeature *f, const LrBin *b, const char *what)
{
	if (b != NULL && !(b->has & LR_HAS_WOE))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scorecard feature \"%s\" has a %s bin without a woe", f->name, what),
				 errdetail("woe_step_partial codes each value by the WOE of its bin.")));
	if (b != NULL && fabs(b->woe) > LR_LOGIT_MAX_VALUE)
	{
		char		buf[64];

		lr_format_double(buf, sizeof(buf), b->woe);
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("scorecard feature \"%s\" has a %s bin with woe %s, beyond 1e100 in absolute value",
						f->name, what, buf),
				 errdetail("woe_step_partial codes each value by the WOE of its bin, and takes values up to 1e100 in absolute value.")));
	}
}

static void
WoeCard(FunctionCallInfo fcinfo, StepCall *sc, int nnum)
{
	struct varlena *raw;
	Size		keylen;
	MemoryContext old;
	LrScorecard *card;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("scorecard is NULL")));
	raw = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(1));
	/* A constant card (the usual case) is compiled once: no comparison per row. */
	if (sc->card != NULL && sc->card_keylen != 0 && sc->card_const && !sc->shared)
		return;
	if (sc->card == NULL)
		sc->card_const = lr_arg_is_const(fcinfo, 1);
	if (VARATT_IS_EXTERNAL(raw) && !VARATT_IS_EXTERNAL_ONDISK(raw))
		raw = pg_detoast_datum(raw);
	keylen = VARSIZE_ANY(raw);
	if (sc->card != NULL && keylen == sc->card_keylen && memcmp(sc->card_key, raw, keylen) == 0)
		return;
	if (sc->card_cxt == NULL)
		sc->card_cxt = AllocSetContextCreate(sc->home != NULL ? sc->home : fcinfo->flinfo->fn_mcxt,
											 "loan_risk woe_step card",
											 ALLOCSET_SMALL_SIZES);
	MemoryContextReset(sc->card_cxt);
	sc->card = NULL;
	/*
	 * The key is set once the card has passed every check below: a card
	 * refused here is refused again on the next call, never taken for
	 * compiled (the call data outlives a failed query).
	 */
	sc->card_keylen = 0;
	old = MemoryContextSwitchTo(sc->card_cxt);
	sc->card_key = palloc(keylen);
	memcpy(sc->card_key, raw, keylen);
	lr_pg_alloc_init(&sc->card_alloc, sc->card_cxt);
	lr_arena_init(&sc->card_arena, &sc->card_alloc, 0);
	card = DatumGetLrScorecardP(PointerGetDatum(raw));
	sc->card = lr_scorecard_compile(card, &sc->card_arena);
	if ((int) sc->card->nfeatures != sc->nx)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("woe_step_partial got %d feature columns for a scorecard of %zu features",
						sc->nx, sc->card->nfeatures),
				 errdetail("Pass one column per feature of the card, in the card's order.")));
	if (sc->arrays)
	{
		int			n = 0;

		for (int j = 0; j < sc->nx; j++)
			if (sc->card->features[j].kind == LR_FEATURE_NUMERIC)
				n++;
		if (n != nnum)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("woe_step_partial got %d numeric and %d categorical features for a scorecard of %d and %d",
							nnum, sc->nx - nnum, n, sc->nx - n),
					 errdetail("Pass the card's numeric features in a float8[] and its categorical ones in a text[], each in the card's order.")));
		sc->nnum = n;
	}
	for (int j = 0, inum = 0, icat = 0; j < sc->nx; j++)
	{
		const LrFeature *f = &sc->card->features[j];
		LrFieldKind kind = f->kind == LR_FEATURE_NUMERIC ? LR_FIELD_NUMERIC : LR_FIELD_CATEGORICAL;
		int			conv;

		if (sc->arrays)
		{
			conv = kind == LR_FIELD_NUMERIC ? LR_CONV_FLOAT8 : LR_CONV_TEXT;
			sc->pos[j] = kind == LR_FIELD_NUMERIC ? inum++ : icat++;
		}
		else
		{
			Oid			type = get_fn_expr_argtype(fcinfo->flinfo, WOE_FIRST + j);

			conv = lr_conv_for(type, kind);
			if (conv < 0)
				lr_conv_error(f->name, type, kind, "woe_step_partial");
			if (conv == LR_CONV_ENUM)
				lr_conv_outfn(type, &sc->outfn[j], sc->card_cxt);
		}
		sc->conv[j] = (LrConv) conv;
		for (size_t i = 0; i < f->nbins; i++)
			BinWoeRequired(sc->card, f, &f->bins[i], "range or value");
		for (size_t i = 0; i < f->nspecial; i++)
			BinWoeRequired(sc->card, f, &f->special[i], "special");
		BinWoeRequired(sc->card, f, f->missing, "missing");
		BinWoeRequired(sc->card, f, f->unseen, "unseen");
	}
	sc->card_keylen = keylen;
	MemoryContextSwitchTo(old);
}

static Datum
WoeAdd(FunctionCallInfo fcinfo, bool has_y, int y)
{
	StepCall   *sc = StepCallInfo(fcinfo, WOE_FIRST, "woe_step_partial", false);
	LrExpandedState *es;
	LrLogitState *st;
	double		eta;

	WoeCard(fcinfo, sc, 0);
	StepCoefficients(fcinfo, sc, 2);
	es = StepState(fcinfo, sc);
	st = es->st;
	if (!has_y)
	{
		st->skipped++;
		lr_state_touch(es);
		PG_RETURN_DATUM(lr_state_datum(es));
	}
	eta = sc->beta[0];
	for (int j = 0; j < sc->nx; j++)
	{
		const LrTableFeature *t = &sc->card->table.features[j];
		NullableDatum *arg = &fcinfo->args[WOE_FIRST + j];
		int32		code = lr_card_code_datum(t, arg->value, arg->isnull, sc->conv[j], &sc->outfn[j]);

		if (code == LR_CODE_NONE)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("a value of feature \"%s\" has no bin in the scorecard", t->feature->name),
					 errhint("Give the feature a missing bin (and an unseen bin if categorical).")));
		sc->x[j] = t->woe[code];
		eta += sc->beta[j + 1] * sc->x[j];
	}
	CheckEta(eta);
	lr_logit_add(st, sc->x, y, 1.0, eta);
	lr_state_touch(es);
	PG_RETURN_DATUM(lr_state_datum(es));
}

/* woe_step_trans: adds a row (card, coefficients, is_bad boolean, raw features...) */
Datum
woe_step_trans(PG_FUNCTION_ARGS)
{
	bool		has = !PG_ARGISNULL(3);

	return WoeAdd(fcinfo, has, has ? (PG_GETARG_BOOL(3) ? 1 : 0) : 0);
}

/* woe_step_trans_int: adds a row (card, coefficients, is_bad 0/1, raw features...) */
Datum
woe_step_trans_int(PG_FUNCTION_ARGS)
{
	bool		has = !PG_ARGISNULL(3);

	if (has)
		lr_check_outcome_int(PG_GETARG_INT32(3));
	return WoeAdd(fcinfo, has, has ? PG_GETARG_INT32(3) : 0);
}


static Datum
WoeAddArrays(FunctionCallInfo fcinfo, bool has_y, int y)
{
	LrArrayArg	num;
	LrArrayArg	cat;
	StepCall   *sc;
	LrExpandedState *es;
	LrLogitState *st;
	double		eta;

	lr_pg_float8_array_arg(fcinfo, WOE_ARR_NUM, "numeric_features", &num);
	lr_pg_text_array_arg(fcinfo, WOE_ARR_CAT, "categorical_features", &cat);
	sc = StepCallArrays(fcinfo, WOE_ARR_NUM, num.n + cat.n, "woe_step_partial");
	WoeCard(fcinfo, sc, num.n);
	if (num.n != sc->nnum)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("woe_step_partial got %d numeric and %d categorical features for a scorecard of %d and %d",
						num.n, cat.n, sc->nnum, sc->nx - sc->nnum),
				 errdetail("Pass the card's numeric features in a float8[] and its categorical ones in a text[], each in the card's order.")));
	StepCoefficients(fcinfo, sc, 2);
	es = StepState(fcinfo, sc);
	st = es->st;
	if (!has_y)
	{
		st->skipped++;
		lr_state_touch(es);
		PG_RETURN_DATUM(lr_state_datum(es));
	}
	eta = sc->beta[0];
	for (int j = 0; j < sc->nx; j++)
	{
		const LrTableFeature *t = &sc->card->table.features[j];
		int			i = sc->pos[j];
		int32		code;

		if (t->kind == LR_FEATURE_NUMERIC)
			code = lr_card_code_datum(t, Float8GetDatum(num.v[i]), num.nulls != NULL && num.nulls[i],
									  LR_CONV_FLOAT8, NULL);
		else
			code = lr_card_code_datum(t, cat.d != NULL ? cat.d[i] : (Datum) 0,
									  cat.nulls != NULL && cat.nulls[i], LR_CONV_TEXT, NULL);
		if (code == LR_CODE_NONE)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("a value of feature \"%s\" has no bin in the scorecard", t->feature->name),
					 errhint("Give the feature a missing bin (and an unseen bin if categorical).")));
		sc->x[j] = t->woe[code];
		eta += sc->beta[j + 1] * sc->x[j];
	}
	CheckEta(eta);
	lr_logit_add(st, sc->x, y, 1.0, eta);
	lr_state_touch(es);
	PG_RETURN_DATUM(lr_state_datum(es));
}

/* woe_step_trans_arrays: adds a row (card, coefficients, is_bad boolean, numeric float8[], categorical text[]) */
Datum
woe_step_trans_arrays(PG_FUNCTION_ARGS)
{
	bool		has = !PG_ARGISNULL(3);

	return WoeAddArrays(fcinfo, has, has ? (PG_GETARG_BOOL(3) ? 1 : 0) : 0);
}

/* woe_step_trans_arrays_int: adds a row (card, coefficients, is_bad 0/1, numeric float8[], categorical text[]) */
Datum
woe_step_trans_arrays_int(PG_FUNCTION_ARGS)
{
	bool		has = !PG_ARGISNULL(3);

	if (has)
		lr_check_outcome_int(PG_GETARG_INT32(3));
	return WoeAddArrays(fcinfo, has, has ? PG_GETARG_INT32(3) : 0);
}

static void
AppendNum(StringInfo b, double v)
{
	char		tmp[40];

	if (!isfinite(v))
	{
		appendStringInfoString(b, "null");
		return;
	}
	lr_format_double(tmp, sizeof(tmp), v == 0 ? 0 : v);
	appendStringInfoString(b, tmp);
}

/* logit_step_info: the sums of a logistic step state, as jsonb */
Datum
logit_step_info(PG_FUNCTION_ARGS)
{
	const LrLogitState *st = lr_state_arg_ro(fcinfo, 0, &lr_logit_ops);
	StringInfoData b;
	int			p;

	lr_logit_close_block(st);
	initStringInfo(&b);
	if (st->nx < 0)
		PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum("{\"features\": null, \"rows\": 0}")));
	p = st->p;
	appendStringInfo(&b, "{\"features\": %d, \"rows\": %lld, \"skipped\": %lld, \"bads\": %lld, \"extreme\": %lld, \"misfit\": %lld",
					 st->nx, (long long) st->rows, (long long) st->skipped, (long long) st->bads,
					 (long long) st->extreme, (long long) st->misfit);
	appendStringInfoString(&b, ", \"invalid\": [");
	for (int i = 0; i < st->nx + 2; i++)
		appendStringInfo(&b, "%s%lld", i ? ", " : "", (long long) st->invalid[i]);
	appendStringInfoString(&b, "], \"weight_sum\": ");
	AppendNum(&b, st->wsum);
	appendStringInfoString(&b, ", \"log_likelihood\": ");
	AppendNum(&b, st->ll);
	appendStringInfoString(&b, ", \"score\": [");
	for (int i = 0; i < p; i++)
	{
		if (i)
			appendStringInfoString(&b, ", ");
		AppendNum(&b, st->grad[i]);
	}
	appendStringInfoString(&b, "], \"information\": [");
	for (int i = 0; i < p; i++)
	{
		appendStringInfoString(&b, i ? ", [" : "[");
		for (int j = 0; j < p; j++)
		{
			int			r = i < j ? i : j;
			int			c = i < j ? j : i;
			size_t		k = (size_t) r * p - (size_t) r * (r - 1) / 2 + (size_t) (c - r);

			if (j)
				appendStringInfoString(&b, ", ");
			AppendNum(&b, st->info[k]);
		}
		appendStringInfoChar(&b, ']');
	}
	appendStringInfoString(&b, "]}");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(b.data)));
}
