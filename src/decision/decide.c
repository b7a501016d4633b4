/*
 * decide.c
 *	  decide(), decide_stable(), decide_detail() and replay(): one applicant
 *	  through a strategy's stages.
 *
 * Every stage is evaluated through its area's front door: knock-out rules
 * with matching's evaluator (lr_mrules_eval), identifiers with ident.h's
 * checks, lists by a prepared lookup in the lender's table, the anomaly
 * score with iforest.h, the score with scoring's lr_card_score_values, the
 * limit and price with credit.h's policies, the schedule and its rate of
 * return with credit's schedule and IRR, and offers with matching's kernel
 * (lr_match_block) over the strategy's products.
 *
 * Applicant values are read once per applicant into one canonical form per
 * input (a float8 for numbers, a text for strings, a boolean), from a row
 * (decide) or from a jsonb object (replay, usually the logged to_jsonb of
 * that row): everything after the reading is the same code, which is what
 * makes a replay give the identical decision.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/typcache.h"

#include "antifraud/ident.h"
#include "common/lr_pg.h"
#include "credit/credit_pg.h"
#include "decision/decision.h"
#include "decision/decide.h"
#include "matching/matching_pg.h"

PG_FUNCTION_INFO_V1(decide);
PG_FUNCTION_INFO_V1(decide_stable);
PG_FUNCTION_INFO_V1(decide_detail);
PG_FUNCTION_INFO_V1(replay);

/* ---------------------------------------------------------------- state */

/* Per-query state of a decision function (fn_extra). */
typedef struct DecideState
{
	LrPlanRef	ref;
	LrDecisionPlan *plan;		/* the plan the state below was built for */
	uint64		generation;
	MemoryContext cxt;			/* bindings and scratch; reset when the plan changes */
	MemoryContext call;			/* reset at every call */
	bool		has_desc;
	LrDecisionDesc desc;		/* in fn_mcxt */
	LrDecisionIn in;
} DecideState;

void
lr_decision_in_init(LrDecisionIn *in, LrDecisionPlan *plan, MemoryContext cxt)
{
	const LrStrategy *s = plan->s;
	size_t		n = Max(s->ninputs, 1);
	size_t		i,
				k,
				maxf = 1;
	const char **names;
	LrFieldKind *kinds;
	MemoryContext old = MemoryContextSwitchTo(cxt);

	memset(in, 0, sizeof(*in));
	in->plan = plan;
	in->values = palloc0(n * sizeof(Datum));
	in->nulls = palloc0(n * sizeof(bool));
	in->money = palloc0(n * sizeof(char *));
	in->conv = palloc0(n * sizeof(LrConv));
	names = palloc(n * sizeof(char *));
	kinds = palloc(n * sizeof(LrFieldKind));
	for (i = 0; i < s->ninputs; i++)
	{
		LrMKind		kind = s->inputs[i].kind;

		in->conv[i] = kind == LR_MK_TEXT ? LR_CONV_TEXT : kind == LR_MK_BOOL ? LR_CONV_BOOL : LR_CONV_FLOAT8;
		names[i] = s->inputs[i].name;
		kinds[i] = kind == LR_MK_NUMBER ? LR_FIELD_NUMERIC : kind == LR_MK_TEXT ? LR_FIELD_CATEGORICAL :
			kind == LR_MK_BOOL ? LR_FIELD_BOOL : LR_FIELD_ANY;
	}
	lr_row_binder_init(&in->binder, cxt, (int) s->ninputs, names, kinds,
					   psprintf("strategy \"%s\"", s->name));

	/* The matching schema reads the canonical inputs through matching's own conversion. */
	in->mvals = palloc0(Max(s->cat.schema.n, 1) * sizeof(double));
	in->mbind.cxt = cxt;
	in->mbind.schema = &s->cat.schema;
	in->mbind.where = "applicant";
	in->mbind.bound = true;
	in->mbind.att = palloc0(Max(s->cat.schema.n, 1) * sizeof(int));
	in->mbind.conv = palloc0(Max(s->cat.schema.n, 1) * sizeof(int));
	in->mbind.outfn = palloc0(Max(s->cat.schema.n, 1) * sizeof(FmgrInfo));
	for (i = 0; i < s->cat.schema.n; i++)
	{
		in->mbind.att[i] = s->match_input[i];
		in->mbind.conv[i] = (int) in->conv[s->match_input[i]];
	}
	in->fx = palloc0(Max(s->forest ? s->forest->nfeatures : 0, 1) * sizeof(double));
	in->card_conv = palloc0((s->narms + s->nshadows + 1) * sizeof(LrConv *));
	for (k = 0; k < s->narms + s->nshadows; k++)
	{
		const LrSArm *arm = k < s->narms ? &s->arms[k] : &s->shadows[k - s->narms];

		maxf = Max(maxf, arm->card->nfeatures);
		in->card_conv[k] = palloc0(Max(arm->card->nfeatures, 1) * sizeof(LrConv));
		for (i = 0; i < arm->card->nfeatures; i++)
			in->card_conv[k][i] = in->conv[arm->inputs[i]];
	}
	in->codes = palloc0(maxf * sizeof(int32));
	if (s->has_stage[LR_SS_OFFERS])
	{
		size_t		bytes = lr_mscratch_size(&s->cat);

		lr_mscratch_init(&in->scratch, &s->cat, MemoryContextAllocHuge(cxt, bytes));
		in->res = MemoryContextAllocHuge(cxt, plan->kcap * sizeof(LrMResult));
	}
	MemoryContextSwitchTo(old);
}

static DecideState *
GetState(FunctionCallInfo fcinfo, Datum strategy)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	DecideState *ds = (DecideState *) flinfo->fn_extra;
	LrDecisionPlan *plan;

	if (ds == NULL)
	{
		ds = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(DecideState));
		ds->ref.keystable = get_fn_expr_arg_stable(flinfo, 0);
		ds->cxt = AllocSetContextCreate(flinfo->fn_mcxt, "loan_risk decision state",
										ALLOCSET_SMALL_SIZES);
		ds->call = AllocSetContextCreate(flinfo->fn_mcxt, "loan_risk decision",
										 ALLOCSET_DEFAULT_SIZES);
		flinfo->fn_extra = ds;
	}
	plan = lr_decision_plan_get(&ds->ref, flinfo->fn_mcxt, strategy);
	if (plan != ds->plan || plan->generation != ds->generation)
	{
		lr_row_binder_reset(&ds->in.binder);
		MemoryContextReset(ds->cxt);
		ds->plan = plan;
		ds->generation = plan->generation;
		lr_decision_in_init(&ds->in, plan, ds->cxt);
	}
	MemoryContextReset(ds->call);
	return ds;
}

/* ---------------------------------------------------------------- reading */

/* The exact decimal text of a number column's value (money inputs). */
static char *
MoneyText(LrConv conv, Datum d)
{
	char		buf[64];

	switch (conv)
	{
		case LR_CONV_NUMERIC:
			return DatumGetCString(DirectFunctionCall1(numeric_out, d));
		case LR_CONV_INT2:
		case LR_CONV_INT4:
		case LR_CONV_INT8:
			snprintf(buf, sizeof(buf), INT64_FORMAT, (int64) lr_conv_number(conv, d));
			return pstrdup(buf);
		default:
			{
				double		v = lr_conv_number(conv, d);

				if (isnan(v))
					return pstrdup("NaN");
				if (isinf(v))
					return pstrdup(v > 0 ? "Infinity" : "-Infinity");
				lr_pg_format_double(buf, sizeof(buf), v);
				return pstrdup(buf);
			}
	}
}

void
lr_decision_read_row(LrDecisionIn *in, HeapTupleHeader row)
{
	const LrStrategy *s = in->plan->s;
	LrRowBinder *b = &in->binder;
	size_t		i;

	lr_row_deform(b, row);
	for (i = 0; i < s->ninputs; i++)
	{
		int			a = b->att[i];
		Datum		d = b->values[a];

		in->nulls[i] = b->nulls[a];
		in->money[i] = NULL;
		if (in->nulls[i])
			continue;
		switch (s->inputs[i].kind)
		{
			case LR_MK_NUMBER:
				in->values[i] = Float8GetDatum(lr_conv_number(b->conv[i], d));
				if (in->plan->money_input[i])
					in->money[i] = MoneyText(b->conv[i], d);
				break;
			case LR_MK_BOOL:
				in->values[i] = d;
				break;
			case LR_MK_ANY:
				in->values[i] = Float8GetDatum(b->conv[i] == LR_CONV_NONE ? 1.0 :
											   isnan(lr_conv_number(b->conv[i], d)) ? NAN : 1.0);
				break;
			case LR_MK_TEXT:
			default:
				if (b->conv[i] == LR_CONV_TEXT)
					in->values[i] = PointerGetDatum(DatumGetTextPP(d));
				else
				{
					char		buf[32];
					size_t		len;
					const char *t = lr_conv_text(b->conv[i], d, &b->outfn[i], buf, &len);

					in->values[i] = PointerGetDatum(cstring_to_text_with_len(t, (int) len));
				}
				break;
		}
	}
}

/* The value of input name in the object (nested names: "profile.x"). */
static bool
JsonbInput(Jsonb *jb, const char *name, JsonbValue *out)
{
	const char *dot;
	JsonbValue	outer;

	if (getKeyJsonValueFromContainer(&jb->root, name, strlen(name), out) != NULL)
		return true;
	dot = strchr(name, '.');
	if (dot == NULL || dot == name ||
		getKeyJsonValueFromContainer(&jb->root, name, (int) (dot - name), &outer) == NULL)
		return false;
	if (outer.type == jbvNull)
	{
		/* a NULL composite: every field read from it is NULL */
		out->type = jbvNull;
		return true;
	}
	if (outer.type != jbvBinary || !JsonContainerIsObject(outer.val.binary.data))
		return false;
	return getKeyJsonValueFromContainer(outer.val.binary.data, dot + 1, strlen(dot + 1), out) != NULL;
}

static const char *
InputJsonbType(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvString:
			return "a string";
		case jbvNumeric:
			return "a number";
		case jbvBool:
			return "a boolean";
		case jbvBinary:
			return JsonContainerIsObject(v->val.binary.data) ? "an object" : "an array";
		default:
			return "a value";
	}
}

static void
JsonbTypeError(const LrSInput *inp, const JsonbValue *v, const char *want)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("input \"%s\" is %s, which %s input cannot read", inp->name,
					InputJsonbType(v), want),
			 errdetail("It is read by %s.", inp->first_use ? inp->first_use : "the strategy")));
}

void
lr_decision_read_jsonb(LrDecisionIn *in, Jsonb *jb)
{
	const LrStrategy *s = in->plan->s;
	size_t		i;

	if (!JB_ROOT_IS_OBJECT(jb) || JB_ROOT_IS_SCALAR(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("input must be a JSON object"),
				 errhint("Log the applicant as to_jsonb(applicant_row).")));
	for (i = 0; i < s->ninputs; i++)
	{
		const LrSInput *inp = &s->inputs[i];
		JsonbValue	v;

		in->money[i] = NULL;
		if (!JsonbInput(jb, inp->name, &v))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" not found in the input", inp->name),
					 errdetail("It is read by %s.", inp->first_use ? inp->first_use : "the strategy"),
					 errhint("The input is the applicant row as jsonb: to_jsonb(applicant).")));
		in->nulls[i] = (v.type == jbvNull);
		if (in->nulls[i])
			continue;
		switch (inp->kind)
		{
			case LR_MK_NUMBER:
				if (v.type == jbvNumeric)
				{
					Datum		num = NumericGetDatum(v.val.numeric);

					in->values[i] = Float8GetDatum(lr_conv_number(LR_CONV_NUMERIC, num));
					if (in->plan->money_input[i])
						in->money[i] = DatumGetCString(DirectFunctionCall1(numeric_out, num));
				}
				else if (v.type == jbvString)
				{
					/* to_jsonb writes the non-finite float8 and numeric values as strings */
					char	   *t = pnstrdup(v.val.string.val, v.val.string.len);
					double		d;

					if (strcmp(t, "NaN") == 0)
						d = NAN;
					else if (strcmp(t, "Infinity") == 0)
						d = INFINITY;
					else if (strcmp(t, "-Infinity") == 0)
						d = -INFINITY;
					else
						JsonbTypeError(inp, &v, "a numeric");
					in->values[i] = Float8GetDatum(d);
					if (in->plan->money_input[i])
						in->money[i] = t;
				}
				else
					JsonbTypeError(inp, &v, "a numeric");
				break;
			case LR_MK_BOOL:
				if (v.type != jbvBool)
					JsonbTypeError(inp, &v, "a boolean");
				in->values[i] = BoolGetDatum(v.val.boolean);
				break;
			case LR_MK_ANY:
				in->values[i] = Float8GetDatum(1.0);
				break;
			case LR_MK_TEXT:
			default:
				if (v.type == jbvString)
					in->values[i] = PointerGetDatum(cstring_to_text_with_len(v.val.string.val,
																			 v.val.string.len));
				else if (v.type == jbvNumeric)
					in->values[i] = DirectFunctionCall1(textin,
														DirectFunctionCall1(numeric_out,
																			NumericGetDatum(v.val.numeric)));
				else if (v.type == jbvBool)
					in->values[i] = CStringGetTextDatum(v.val.boolean ? "true" : "false");
				else
					JsonbTypeError(inp, &v, "a categorical");
				break;
		}
	}
}

/* ---------------------------------------------------------------- results */

static Datum
TextArrayDatum(const char *const *items, int n)
{
	Datum	   *elems = palloc(Max(n, 1) * sizeof(Datum));
	int			i;

	for (i = 0; i < n; i++)
		elems[i] = CStringGetTextDatum(items[i]);
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

static Datum
JsonbFromText(const char *text)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(text));
}

void
lr_decision_desc_init(LrDecisionDesc *d, TupleDesc td, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);

	if (td->natts != LR_DECISION_NATTS)
		elog(ERROR, "loan_risk.decision has %d attributes, expected %d", td->natts, LR_DECISION_NATTS);
	d->decision = BlessTupleDesc(CreateTupleDescCopy(td));
	d->offer_type = get_element_type(TupleDescAttr(td, 15)->atttypid);
	d->shadow_type = get_element_type(TupleDescAttr(td, 16)->atttypid);
	if (!OidIsValid(d->offer_type) || !OidIsValid(d->shadow_type))
		elog(ERROR, "loan_risk.decision has no offer or shadow_decision array");
	d->offer = BlessTupleDesc(lookup_rowtype_tupdesc_copy(d->offer_type, -1));
	d->shadow = BlessTupleDesc(lookup_rowtype_tupdesc_copy(d->shadow_type, -1));
	MemoryContextSwitchTo(old);
}

static Datum
NullableText(const char *s, bool *isnull)
{
	*isnull = (s == NULL);
	return s ? CStringGetTextDatum(s) : (Datum) 0;
}

static Datum
RecordArray(Datum *elems, int n, Oid type)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;

	get_typlenbyvalalign(type, &typlen, &typbyval, &typalign);
	return PointerGetDatum(construct_array(elems, n, type, typlen, typbyval, typalign));
}

static Datum
OffersArray(const LrDecisionDesc *d, const LrStrategy *s, const LrDecisionOut *r)
{
	Datum	   *elems = palloc(Max(r->noffers, 1) * sizeof(Datum));
	int			i;

	for (i = 0; i < r->noffers; i++)
	{
		const LrMResult *o = &r->offers[i];
		const LrMProduct *p = &s->cat.products[o->product];
		Datum		v[10];
		bool		n[10] = {0};

		v[0] = Int32GetDatum(i + 1);
		v[1] = CStringGetTextDatum(p->id);
		v[2] = NullableText(p->bank, &n[2]);
		v[3] = NullableText(p->type, &n[3]);
		v[4] = Float8GetDatum(o->probability);
		v[5] = lr_match_rate_datum(o->q.rate);
		v[6] = lr_cents_datum(o->q.amount);
		v[7] = Int32GetDatum(o->q.term);
		v[8] = lr_cents_datum(o->q.payment);
		v[9] = lr_cents_datum(o->q.total_cost);
		elems[i] = HeapTupleGetDatum(heap_form_tuple(d->offer, v, n));
	}
	return RecordArray(elems, r->noffers, d->offer_type);
}

static Datum
ShadowsArray(const LrDecisionDesc *d, const LrStrategy *s, const LrDecisionOut *r)
{
	Datum	   *elems = palloc(Max(s->nshadows, 1) * sizeof(Datum));
	size_t		j;

	for (j = 0; j < s->nshadows; j++)
	{
		const LrDShadow *sh = &r->shadows[j];
		const char **codes = palloc(Max(sh->reasons.n, 1) * sizeof(char *));
		Datum		v[8];
		bool		n[8] = {0};
		int			i;

		for (i = 0; i < sh->reasons.n; i++)
			codes[i] = sh->reasons.items[i].code;
		v[0] = CStringGetTextDatum(s->shadows[j].name);
		v[1] = CStringGetTextDatum(lr_soutcome_name(sh->outcome));
		v[2] = CStringGetTextDatum(lr_sstage_name(sh->stage));
		v[3] = TextArrayDatum(codes, sh->reasons.n);
		v[4] = Float8GetDatum(sh->t.score);
		n[4] = !sh->t.has_score;
		v[5] = Float8GetDatum(sh->t.pd);
		n[5] = !sh->t.has_pd;
		n[6] = !sh->t.has_limit;
		if (sh->t.has_limit)
			v[6] = lr_cents_datum(sh->t.limit);
		n[7] = !sh->t.has_rate;
		if (sh->t.has_rate)
			v[7] = lr_scaled_datum(sh->t.rate10, LR_PRICE_SCALE, 4);
		elems[j] = HeapTupleGetDatum(heap_form_tuple(d->shadow, v, n));
	}
	return RecordArray(elems, (int) s->nshadows, d->shadow_type);
}

HeapTuple
lr_decision_tuple(const LrDecisionDesc *d, const LrDecisionPlan *plan, const LrDecisionOut *r)
{
	const LrStrategy *s = plan->s;
	Datum		values[LR_DECISION_NATTS];
	bool		nulls[LR_DECISION_NATTS];
	const char **codes = palloc(Max(r->reasons.n, 1) * sizeof(char *));
	const char **texts = palloc(Max(r->reasons.n, 1) * sizeof(char *));
	int			i;

	memset(nulls, true, sizeof(nulls));
	values[0] = CStringGetTextDatum(lr_soutcome_name(r->outcome));
	values[1] = CStringGetTextDatum(lr_sstage_name(r->stage));
	for (i = 0; i < r->reasons.n; i++)
	{
		codes[i] = r->reasons.items[i].code;
		texts[i] = r->reasons.items[i].text;
	}
	values[2] = TextArrayDatum(codes, r->reasons.n);
	values[3] = TextArrayDatum(texts, r->reasons.n);
	for (i = 0; i < 4; i++)
		nulls[i] = false;
	if (r->t.has_score)
	{
		values[4] = Float8GetDatum(r->t.score);
		nulls[4] = false;
	}
	if (r->t.has_pd)
	{
		values[5] = Float8GetDatum(r->t.pd);
		nulls[5] = false;
	}
	if (r->arm >= 0)
	{
		values[6] = CStringGetTextDatum(s->arms[r->arm].name);
		nulls[6] = false;
	}
	if (r->has_anomaly)
	{
		values[7] = Float8GetDatum(r->anomaly);
		nulls[7] = false;
	}
	if (r->t.has_limit)
	{
		values[8] = lr_cents_datum(r->t.limit);
		values[9] = lr_cents_datum(r->t.amount);
		nulls[8] = nulls[9] = false;
	}
	if (r->t.has_rate)
	{
		values[10] = Int32GetDatum(r->t.term);
		values[11] = lr_scaled_datum(r->t.rate10, LR_PRICE_SCALE, 4);
		nulls[10] = nulls[11] = false;
	}
	if (r->t.has_payment)
	{
		values[12] = lr_cents_datum(r->t.payment);
		nulls[12] = false;
	}
	if (r->t.has_apr)
	{
		values[13] = lr_rate10_datum(expm1(r->t.apr_x) * 12);
		values[14] = lr_rate10_datum(expm1(r->t.apr_x * 12));
		nulls[13] = nulls[14] = false;
	}
	if (r->has_offers)
	{
		values[15] = OffersArray(d, s, r);
		nulls[15] = false;
	}
	if (r->shadows != NULL)
	{
		values[16] = ShadowsArray(d, s, r);
		nulls[16] = false;
	}
	if (r->lists_ran)
	{
		const char **hits = palloc(Max(s->nlists, 1) * sizeof(char *));
		int			n = 0;
		size_t		k;

		for (k = 0; k < s->nlists; k++)
			if (r->list_hit[k])
				hits[n++] = s->lists[k].code;
		values[17] = TextArrayDatum(hits, n);
		nulls[17] = false;
	}
	values[18] = CStringGetTextDatum(s->name);
	values[19] = CStringGetTextDatum(s->version);
	values[20] = CStringGetTextDatum(plan->hash_hex);
	nulls[18] = nulls[19] = nulls[20] = false;
	return heap_form_tuple(d->decision, values, nulls);
}

static const LrDecisionDesc *
ResultDesc(FunctionCallInfo fcinfo, DecideState *ds)
{
	if (!ds->has_desc)
	{
		TupleDesc	td;

		if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		lr_decision_desc_init(&ds->desc, td, fcinfo->flinfo->fn_mcxt);
		ds->has_desc = true;
	}
	return &ds->desc;
}

bool *
lr_decision_hits_from_array(const LrDecisionPlan *plan, ArrayType *arr)
{
	const LrStrategy *s = plan->s;
	bool	   *hits = palloc0(Max(s->nlists, 1) * sizeof(bool));
	Datum	   *elems;
	bool	   *enulls;
	int			n,
				i;
	size_t		k;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("list_hits must be a one-dimensional array")));
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &enulls, &n);
	for (i = 0; i < n; i++)
	{
		char	   *code;
		bool		known = false;

		if (enulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("list_hits[%d] is NULL", i + 1)));
		code = TextDatumGetCString(elems[i]);
		for (k = 0; k < s->nlists; k++)
			if (strcmp(s->lists[k].code, code) == 0)
			{
				hits[k] = true;
				known = true;
			}
		if (!known)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("list_hits[%d] \"%s\" is not the code of a list of strategy \"%s\"",
							i + 1, code, s->name)));
	}
	return hits;
}

/* ---------------------------------------------------------------- functions */

static Datum
DecideRow(FunctionCallInfo fcinfo, bool allow_tables)
{
	DecideState *ds = GetState(fcinfo, PG_GETARG_DATUM(0));
	MemoryContext caller = CurrentMemoryContext;
	const LrDecisionDesc *td = ResultDesc(fcinfo, ds);
	LrDecisionOut out;
	HeapTuple	tuple;

	if (!allow_tables && ds->plan->s->reads_tables)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("strategy \"%s\" reads the lender's list tables, so loan_risk.decide cannot evaluate it",
						ds->plan->s->name),
				 errdetail("loan_risk.decide is IMMUTABLE: its result may depend only on its arguments."),
				 errhint("Use loan_risk.decide_stable, the STABLE form that looks up lists.")));
	MemoryContextSwitchTo(ds->call);
	lr_decision_read_row(&ds->in, PG_GETARG_HEAPTUPLEHEADER(1));
	lr_decision_evaluate(&ds->in, NULL, NULL, &out);
	MemoryContextSwitchTo(caller);
	tuple = lr_decision_tuple(td, ds->plan, &out);
	PG_RETURN_DATUM(HeapTupleGetDatum(tuple));
}

/* decide: the decision of an applicant row under a strategy that reads no table */
Datum
decide(PG_FUNCTION_ARGS)
{
	return DecideRow(fcinfo, false);
}

/* decide_stable: the decision of an applicant row, looking up the strategy's lists */
Datum
decide_stable(PG_FUNCTION_ARGS)
{
	return DecideRow(fcinfo, true);
}

/* replay: the decision of a logged input (jsonb), with the logged list hits if given */
Datum
replay(PG_FUNCTION_ARGS)
{
	DecideState *ds;
	MemoryContext caller = CurrentMemoryContext;
	const LrDecisionDesc *td;
	LrDecisionOut out;
	bool	   *hits = NULL;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	ds = GetState(fcinfo, PG_GETARG_DATUM(0));
	td = ResultDesc(fcinfo, ds);
	MemoryContextSwitchTo(ds->call);
	lr_decision_read_jsonb(&ds->in, PG_GETARG_JSONB_P(1));
	if (!PG_ARGISNULL(2))
		hits = lr_decision_hits_from_array(ds->plan, PG_GETARG_ARRAYTYPE_P(2));
	lr_decision_evaluate(&ds->in, hits, NULL, &out);
	MemoryContextSwitchTo(caller);
	PG_RETURN_DATUM(HeapTupleGetDatum(lr_decision_tuple(td, ds->plan, &out)));
}

/* decide_detail: one row per stage, with what it saw, what it concluded and why */
Datum
decide_detail(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	DecideState *ds;
	MemoryContext caller = CurrentMemoryContext;
	LrDecisionOut out;
	LrDecisionTrace trace;
	int			st,
				step = 0;

	lr_pg_srf_init(fcinfo);
	ds = GetState(fcinfo, PG_GETARG_DATUM(0));
	MemoryContextSwitchTo(ds->call);
	lr_decision_read_row(&ds->in, PG_GETARG_HEAPTUPLEHEADER(1));
	lr_decision_evaluate(&ds->in, NULL, &trace, &out);
	for (st = 0; st < LR_SS_COUNT; st++)
	{
		Datum		values[7];
		bool		nulls[7] = {0};
		const char **codes;
		const char **texts;
		int			n = 0,
					i;

		if (!ds->plan->s->has_stage[st])
			continue;
		codes = palloc(Max(out.reasons.n, 1) * sizeof(char *));
		texts = palloc(Max(out.reasons.n, 1) * sizeof(char *));
		for (i = 0; i < out.reasons.n; i++)
			if (out.reasons.items[i].stage == st)
			{
				codes[n] = out.reasons.items[i].code;
				texts[n++] = out.reasons.items[i].text;
			}
		values[0] = Int32GetDatum(++step);
		values[1] = CStringGetTextDatum(lr_sstage_name((LrSStage) st));
		values[2] = BoolGetDatum(trace.ran[st]);
		values[3] = CStringGetTextDatum(trace.ran[st] ? lr_soutcome_name(trace.result[st]) : "skipped");
		if (trace.saw[st].data != NULL && trace.saw[st].len > 0)
			values[4] = JsonbFromText(trace.saw[st].data);
		else
			nulls[4] = true;
		values[5] = TextArrayDatum(codes, n);
		values[6] = TextArrayDatum(texts, n);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	MemoryContextSwitchTo(caller);
	return (Datum) 0;
}
