/*
 * compare.c
 *	  compare_strategies(): the swap set of two strategies over the
 *	  applicants of a table or query; compare_arms(): per-arm figures of
 *	  logged champion/challenger decisions.
 *
 * Both read their source with lr_query_run (read-only, with the caller's
 * rights, streamed).  compare_strategies decides every applicant under both
 * strategies with the evaluator of decide_stable, so list lookups happen as
 * in live decisions.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "common/lr_pg.h"
#include "common/lr_spi.h"
#include "credit/credit_pg.h"
#include "decision/decide.h"

PG_FUNCTION_INFO_V1(compare_strategies);
PG_FUNCTION_INFO_V1(compare_arms);

/* Figures of a group of applicants. */
typedef struct Figures
{
	int64		n;
	double		pd_sum[2];		/* champion, challenger */
	int64		pd_n[2];
	lr_i128		limit_sum[2];	/* cents */
	int64		outcomes;		/* rows with an observed outcome */
	int64		bads;
} Figures;

static void
AddOutcome(Figures *f, int outcome)
{
	if (outcome < 0)
		return;
	f->outcomes++;
	f->bads += outcome;
}

/* The observed outcome column: boolean or an integer 0/1; -1 for NULL. */
typedef struct Outcome
{
	const char *name;
	int			col;			/* -1: none */
	Oid			type;
} Outcome;

static void
OutcomeStart(Outcome *o, TupleDesc desc, const char *what)
{
	int			a;

	o->col = -1;
	if (o->name == NULL)
		return;
	for (a = 0; a < desc->natts; a++)
		if (!TupleDescAttr(desc, a)->attisdropped &&
			strcmp(NameStr(TupleDescAttr(desc, a)->attname), o->name) == 0)
			o->col = a;
	if (o->col < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("%s has no outcome column \"%s\"", what, o->name)));
	o->type = lr_query_column_base_type(desc, o->col);
	if (o->type != BOOLOID)
		lr_query_check_column(desc, o->col, LR_COL_INT, what);
}

static int
OutcomeValue(const Outcome *o, TupleTableSlot *slot, const char *what)
{
	int64		v;

	if (o->col < 0 || slot->tts_isnull[o->col])
		return -1;
	if (o->type == BOOLOID)
		return DatumGetBool(slot->tts_values[o->col]) ? 1 : 0;
	v = lr_datum_int64(slot->tts_values[o->col], o->type);
	if (v != 0 && v != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: outcome column \"%s\" holds " INT64_FORMAT ", expected 0 or 1",
						what, o->name, v)));
	return (int) v;
}

static Datum
MeanOrNull(double sum, int64 n, bool *isnull)
{
	*isnull = (n == 0);
	return Float8GetDatum(n > 0 ? sum / (double) n : 0);
}

static Datum
CentsSum(lr_i128 cents)
{
	char		buf[64];

	lr_dec_format(buf, sizeof(buf), cents, 2, 2);
	return DirectFunctionCall3(numeric_in, CStringGetDatum(buf), ObjectIdGetDatum(InvalidOid),
							   Int32GetDatum(-1));
}

/* ---------------------------------------------------------------- compare_strategies */

#define SEGMENTS 4
static const char *const SegmentNames[SEGMENTS] = {
	"approved_by_both", "champion_only", "challenger_only", "approved_by_neither"
};

typedef struct CompareState
{
	LrDecisionIn in[2];
	LrPlanRef	ref[2];
	TupleDesc	desc;			/* the source's rows, blessed */
	MemoryContext row_cxt;
	Outcome		outcome;
	Figures		seg[SEGMENTS];
} CompareState;

static void
CompareStart(TupleDesc desc, void *arg)
{
	CompareState *cs = arg;

	cs->desc = BlessTupleDesc(CreateTupleDescCopy(desc));
	OutcomeStart(&cs->outcome, desc, "source query");
}

static void
CompareRow(TupleTableSlot *slot, void *arg)
{
	CompareState *cs = arg;
	MemoryContext old = MemoryContextSwitchTo(cs->row_cxt);
	HeapTuple	tuple = heap_form_tuple(cs->desc, slot->tts_values, slot->tts_isnull);
	HeapTupleHeader row = tuple->t_data;
	LrDecisionOut out[2];
	bool		approved[2];
	Figures    *f;
	int			k;

	CHECK_FOR_INTERRUPTS();
	HeapTupleHeaderSetTypeId(row, cs->desc->tdtypeid);
	HeapTupleHeaderSetTypMod(row, cs->desc->tdtypmod);
	for (k = 0; k < 2; k++)
	{
		lr_decision_read_row(&cs->in[k], row);
		lr_decision_evaluate(&cs->in[k], NULL, NULL, &out[k]);
		approved[k] = out[k].outcome == LR_SO_APPROVE;
	}
	f = &cs->seg[approved[0] ? (approved[1] ? 0 : 1) : (approved[1] ? 2 : 3)];
	f->n++;
	for (k = 0; k < 2; k++)
	{
		if (out[k].t.has_pd)
		{
			f->pd_sum[k] += out[k].t.pd;
			f->pd_n[k]++;
		}
		if (approved[k] && out[k].t.has_limit)
			f->limit_sum[k] += out[k].t.limit;
	}
	AddOutcome(f, OutcomeValue(&cs->outcome, slot, "source query"));
	MemoryContextSwitchTo(old);
	MemoryContextReset(cs->row_cxt);
}

/*
 * compare_strategies: approved by both, by only one, by neither, with counts,
 * mean pd, total limit and the observed bad rate
 */
Datum
compare_strategies(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *source = text_to_cstring(PG_GETARG_TEXT_PP(2));
	CompareState *cs;
	MemoryContext cxt;
	int64		total = 0;
	int			k,
				i;

	lr_pg_srf_init(fcinfo);
	cxt = AllocSetContextCreate(CurrentMemoryContext, "loan_risk compare_strategies",
								ALLOCSET_DEFAULT_SIZES);
	cs = MemoryContextAllocZero(cxt, sizeof(CompareState));
	cs->outcome.name = PG_NARGS() > 3 ? text_to_cstring(PG_GETARG_TEXT_PP(3)) : NULL;
	cs->row_cxt = AllocSetContextCreate(cxt, "loan_risk compare row", ALLOCSET_DEFAULT_SIZES);
	for (k = 0; k < 2; k++)
	{
		LrDecisionPlan *plan = lr_decision_plan_get(&cs->ref[k], cxt, PG_GETARG_DATUM(k));

		lr_decision_in_init(&cs->in[k], plan, cxt);
	}
	lr_query_run(lr_match_source_sql(source, "source"), "source query", CompareStart, CompareRow, cs);

	for (i = 0; i < SEGMENTS; i++)
		total += cs->seg[i].n;
	for (i = 0; i < SEGMENTS; i++)
	{
		const Figures *f = &cs->seg[i];
		Datum		values[9];
		bool		nulls[9] = {0};

		values[0] = CStringGetTextDatum(SegmentNames[i]);
		values[1] = Int64GetDatum(f->n);
		values[2] = Float8GetDatum(total > 0 ? (double) f->n / (double) total : 0);
		nulls[2] = (total == 0);
		values[3] = MeanOrNull(f->pd_sum[0], f->pd_n[0], &nulls[3]);
		values[4] = MeanOrNull(f->pd_sum[1], f->pd_n[1], &nulls[4]);
		values[5] = CentsSum(f->limit_sum[0]);
		values[6] = CentsSum(f->limit_sum[1]);
		values[7] = Int64GetDatum(f->bads);
		nulls[7] = (f->outcomes == 0);
		values[8] = MeanOrNull((double) f->bads, f->outcomes, &nulls[8]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* ---------------------------------------------------------------- compare_arms */

typedef struct ArmFigures
{
	char	   *arm;			/* NULL: decisions without an arm */
	int64		n;
	int64		by_outcome[3];	/* approve, refer, decline */
	double		pd_sum;
	int64		pd_n;
	lr_i128		limit_sum;
	int64		outcomes;
	int64		bads;
} ArmFigures;

typedef struct ArmsState
{
	int			col_arm,
				col_outcome,
				col_pd,
				col_limit;
	Oid			pd_type;
	FmgrInfo	limit_out;
	Outcome		observed;
	int			narms;
	int			cap;
	ArmFigures *arms;
	MemoryContext cxt;
} ArmsState;

static int
ColumnNamed(TupleDesc desc, const char *name)
{
	int			a;

	for (a = 0; a < desc->natts; a++)
		if (!TupleDescAttr(desc, a)->attisdropped &&
			strcmp(NameStr(TupleDescAttr(desc, a)->attname), name) == 0)
			return a;
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("logged decisions query has no column \"%s\"", name),
			 errdetail("Logged decisions need the columns arm, outcome, pd and limit_amount of loan_risk.decision."),
			 errhint("Select them from the logged decision: SELECT (decision).*, bad FROM decision_log.")));
	return -1;
}

static void
ArmsStart(TupleDesc desc, void *arg)
{
	ArmsState  *as = arg;
	Oid			fn;
	bool		isvarlena;

	as->col_arm = ColumnNamed(desc, "arm");
	as->col_outcome = ColumnNamed(desc, "outcome");
	as->col_pd = ColumnNamed(desc, "pd");
	as->col_limit = ColumnNamed(desc, "limit_amount");
	lr_query_check_column(desc, as->col_arm, LR_COL_TEXT, "logged decisions query");
	lr_query_check_column(desc, as->col_outcome, LR_COL_TEXT, "logged decisions query");
	lr_query_check_column(desc, as->col_pd, LR_COL_NUMBER, "logged decisions query");
	lr_query_check_column(desc, as->col_limit, LR_COL_NUMBER, "logged decisions query");
	as->pd_type = lr_query_column_base_type(desc, as->col_pd);
	getTypeOutputInfo(TupleDescAttr(desc, as->col_limit)->atttypid, &fn, &isvarlena);
	fmgr_info_cxt(fn, &as->limit_out, as->cxt);
	OutcomeStart(&as->observed, desc, "logged decisions query");
}

static void
ArmsRow(TupleTableSlot *slot, void *arg)
{
	ArmsState  *as = arg;
	char	   *arm = slot->tts_isnull[as->col_arm] ? NULL :
		TextDatumGetCString(slot->tts_values[as->col_arm]);
	ArmFigures *f = NULL;
	int			i;

	CHECK_FOR_INTERRUPTS();
	for (i = 0; i < as->narms; i++)
		if ((arm == NULL && as->arms[i].arm == NULL) ||
			(arm != NULL && as->arms[i].arm != NULL && strcmp(arm, as->arms[i].arm) == 0))
			f = &as->arms[i];
	if (f == NULL)
	{
		if (as->narms == as->cap)
		{
			as->cap = as->cap ? as->cap * 2 : 8;
			as->arms = as->arms ? repalloc(as->arms, as->cap * sizeof(ArmFigures)) :
				MemoryContextAlloc(as->cxt, as->cap * sizeof(ArmFigures));
		}
		f = &as->arms[as->narms++];
		memset(f, 0, sizeof(*f));
		f->arm = arm ? MemoryContextStrdup(as->cxt, arm) : NULL;
	}
	f->n++;
	if (!slot->tts_isnull[as->col_outcome])
	{
		char	   *o = TextDatumGetCString(slot->tts_values[as->col_outcome]);

		if (strcmp(o, "approve") == 0)
			f->by_outcome[0]++;
		else if (strcmp(o, "refer") == 0)
			f->by_outcome[1]++;
		else if (strcmp(o, "decline") == 0)
			f->by_outcome[2]++;
		pfree(o);
	}
	if (!slot->tts_isnull[as->col_pd])
	{
		f->pd_sum += lr_datum_double(slot->tts_values[as->col_pd], as->pd_type);
		f->pd_n++;
	}
	if (!slot->tts_isnull[as->col_limit])
	{
		char	   *t = OutputFunctionCall(&as->limit_out, slot->tts_values[as->col_limit]);
		lr_i128		v;

		if (lr_dec_parse(t, strlen(t), 2, true, LR_MONEY_MAX_CENTS, &v) == LR_DEC_OK)
			f->limit_sum += v;
		pfree(t);
	}
	{
		int			o = OutcomeValue(&as->observed, slot, "logged decisions query");

		if (o >= 0)
		{
			f->outcomes++;
			f->bads += o;
		}
	}
	if (arm)
		pfree(arm);
}

static int
CompareArmNames(const void *a, const void *b)
{
	const ArmFigures *x = a;
	const ArmFigures *y = b;

	if (x->arm == NULL || y->arm == NULL)
		return (x->arm == NULL) - (y->arm == NULL);
	return strcmp(x->arm, y->arm);
}

/* compare_arms: per arm of logged decisions, counts by outcome, mean pd, total limit, bad rate */
Datum
compare_arms(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *source = text_to_cstring(PG_GETARG_TEXT_PP(0));
	ArmsState	as;
	int			i;

	lr_pg_srf_init(fcinfo);
	memset(&as, 0, sizeof(as));
	as.cxt = CurrentMemoryContext;
	as.observed.name = PG_NARGS() > 1 ? text_to_cstring(PG_GETARG_TEXT_PP(1)) : NULL;
	lr_query_run(lr_match_source_sql(source, "source"), "logged decisions query", ArmsStart, ArmsRow, &as);
	if (as.narms > 1)
		qsort(as.arms, as.narms, sizeof(ArmFigures), CompareArmNames);
	for (i = 0; i < as.narms; i++)
	{
		const ArmFigures *f = &as.arms[i];
		Datum		values[10];
		bool		nulls[10] = {0};

		values[0] = f->arm ? CStringGetTextDatum(f->arm) : (Datum) 0;
		nulls[0] = (f->arm == NULL);
		values[1] = Int64GetDatum(f->n);
		values[2] = Int64GetDatum(f->by_outcome[0]);
		values[3] = Int64GetDatum(f->by_outcome[1]);
		values[4] = Int64GetDatum(f->by_outcome[2]);
		values[5] = Float8GetDatum((double) f->by_outcome[0] / (double) f->n);
		values[6] = MeanOrNull(f->pd_sum, f->pd_n, &nulls[6]);
		values[7] = CentsSum(f->limit_sum);
		values[8] = Int64GetDatum(f->bads);
		nulls[8] = (f->outcomes == 0);
		values[9] = MeanOrNull((double) f->bads, f->outcomes, &nulls[9]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
