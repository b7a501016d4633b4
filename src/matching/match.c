/*
 * match.c
 *	  match_products(), explain_match() and check_match_rules(): one
 *	  applicant row against the products, and the rule validator.
 */
#include "postgres.h"

#include <math.h>

#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/json.h"
#include "utils/jsonb.h"

#include "common/lr_pg.h"
#include "common/lr_money.h"
#include "matching/matching_pg.h"

PG_FUNCTION_INFO_V1(check_match_rules);

static Datum
TextOrNull(const char *s, bool *isnull)
{
	*isnull = (s == NULL);
	return s ? CStringGetTextDatum(s) : (Datum) 0;
}

/* Requested amount and term arguments (NULL: each product's largest). */
static void
RequestLoanArgs(FunctionCallInfo fcinfo, int amount_arg, int term_arg, LrMRequest *req)
{
	if (!PG_ARGISNULL(amount_arg))
		req->amount = lr_match_amount_arg(PG_GETARG_DATUM(amount_arg), "requested_amount");
	if (!PG_ARGISNULL(term_arg))
		req->term = lr_match_term_arg(PG_GETARG_INT32(term_arg), "requested_term");
}

/*
 * The result set, the products' cache (argument 1, a table or query, or
 * jsonb), and the applicant row of argument 0 bound into it; NULL (no rows)
 * for a NULL applicant.
 */
static LrMatchCache *
OpenApplicant(FunctionCallInfo fcinfo, bool json)
{
	LrMatchCache *mc;

	lr_pg_srf_init(fcinfo);
	mc = json ? lr_match_cache_get_json(fcinfo, 1) : lr_match_cache_get(fcinfo, 1);
	if (PG_ARGISNULL(0))
		return NULL;
	lr_mbind_row(&mc->bind, PG_GETARG_HEAPTUPLEHEADER(0), mc->vals);
	return mc;
}

static Datum
MatchProducts(FunctionCallInfo fcinfo, bool json)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	LrMRequest	req;
	LrMatchCache *mc;
	LrError		err = {0};
	int64_t		n;
	int64		i;

	lr_match_request(fcinfo, 2, 3, 6, &req);
	RequestLoanArgs(fcinfo, 4, 5, &req);
	if ((mc = OpenApplicant(fcinfo, json)) == NULL)
		return (Datum) 0;
	if (!lr_match_block(&mc->cat, mc->vals, 1, NULL, NULL, &req, (int64_t) Max(mc->cat.nproducts, 1),
						&mc->scratch, mc->res, &n, &err))
		lr_pg_raise(&err, "match_products");
	for (i = 0; i < n; i++)
	{
		const LrMResult *r = &mc->res[i];
		const LrMProduct *p = &mc->cat.products[r->product];
		Datum		values[10];
		bool		nulls[10] = {0};

		values[0] = Int32GetDatum((int32) (i + 1));
		values[1] = CStringGetTextDatum(p->id);
		values[2] = TextOrNull(p->bank, &nulls[2]);
		values[3] = TextOrNull(p->type, &nulls[3]);
		lr_match_offer_values(r, &values[4]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * match_products: the products (a table or query) this applicant is
 * eligible for and likely to be approved by, best first
 */
LR_PG_FUNCTION_CALLING(match_products, MatchProducts, false)

/* match_products_json: the same with the products given as a jsonb value */
LR_PG_FUNCTION_CALLING(match_products_json, MatchProducts, true)

/* ---------------------------------------------------------------- explain_match */

typedef struct Failures
{
	StringInfoData json;
	int			n;
	StringInfoData text;
} Failures;

static void
AddFailure(Failures *f, const char *rule, const char *name, LrMDim dim, const char *reason,
		   const char *column, const char *value, bool missing)
{
	StringInfo	b = &f->json;

	appendStringInfoString(b, f->n == 0 ? "[{\"rule\": " : ", {\"rule\": ");
	escape_json(b, rule);
	if (name != NULL)
	{
		appendStringInfoString(b, ", \"name\": ");
		escape_json(b, name);
	}
	appendStringInfoString(b, ", \"dimension\": ");
	escape_json(b, lr_mdim_name(dim));
	appendStringInfoString(b, ", \"reason\": ");
	escape_json(b, reason);
	appendStringInfoString(b, ", \"column\": ");
	if (column)
		escape_json(b, column);
	else
		appendStringInfoString(b, "null");
	appendStringInfoString(b, ", \"value\": ");
	if (value)
		escape_json(b, value);
	else
		appendStringInfoString(b, "null");
	appendStringInfoString(b, missing ? ", \"missing\": true}" : ", \"missing\": false}");
	appendStringInfo(&f->text, "%s%s: %s", f->n == 0 ? "" : "; ", lr_mdim_name(dim), reason);
	if (missing)
		appendStringInfo(&f->text, " (%s is missing)", column);
	f->n++;
}

static void
ProductChecks(const LrMProduct *p, const LrMRequest *req, Failures *f)
{
	char		a[48],
				b[48];
	char	   *reason;

	if (req->amount >= 0 && req->amount < p->min_amount)
	{
		reason = psprintf("requested amount %s is below the product's minimum %s",
						  lr_cents_str(a, sizeof(a), req->amount),
						  lr_cents_str(b, sizeof(b), p->min_amount));
		AddFailure(f, "amount", NULL, LR_DIM_PRODUCT, reason, NULL, a, false);
	}
	if (req->amount >= 0 && req->amount > p->max_amount)
	{
		reason = psprintf("requested amount %s is above the product's maximum %s",
						  lr_cents_str(a, sizeof(a), req->amount),
						  lr_cents_str(b, sizeof(b), p->max_amount));
		AddFailure(f, "amount", NULL, LR_DIM_PRODUCT, reason, NULL, a, false);
	}
	if (req->term >= 0 && (req->term < p->min_term || req->term > p->max_term))
	{
		snprintf(a, sizeof(a), "%d", req->term);
		reason = psprintf("requested term of %d months is %s the product's %s %d months",
						  req->term, req->term < p->min_term ? "below" : "above",
						  req->term < p->min_term ? "minimum" : "maximum",
						  req->term < p->min_term ? p->min_term : p->max_term);
		AddFailure(f, "term", NULL, LR_DIM_PRODUCT, reason, NULL, a, false);
	}
}

static char *
CannotScore(LrMatchCache *mc, const LrMProduct *p, int feature)
{
	const LrFeature *f = &p->card->features[feature];
	int32		field = p->card_field[feature];
	char	   *v = lr_mbind_value_text(&mc->bind, field);

	if (isnan(mc->vals[field]))
		return psprintf("the approval model cannot score column \"%s\": it is %s and the model has no missing bin",
						f->name, v == NULL ? "NULL" : "NaN");
	return psprintf("the approval model cannot score column \"%s\": \"%s\" is not a category of the model and it has no unseen bin",
					f->name, v);
}

static Datum
ExplainMatch(FunctionCallInfo fcinfo, bool json)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	LrMRequest	req;
	LrMatchCache *mc;
	size_t		pi;

	lr_match_request(fcinfo, 2, -1, -1, &req);
	RequestLoanArgs(fcinfo, 3, 4, &req);
	if ((mc = OpenApplicant(fcinfo, json)) == NULL)
		return (Datum) 0;

	for (pi = 0; pi < mc->cat.nproducts; pi++)
	{
		const LrMProduct *p = &mc->cat.products[pi];
		const LrMRules *rules = p->rules;
		Failures	f;
		Datum		values[8];
		bool		nulls[8] = {0};
		bool		eligible;
		bool		scored = false;
		double		prob = 0;
		int			feature = -1;
		const char *decision;
		char	   *detail;
		size_t		i;

		initStringInfo(&f.json);
		f.n = 0;
		initStringInfo(&f.text);
		ProductChecks(p, &req, &f);
		for (i = 0; i < rules->nrules; i++)
		{
			const LrMRule *rule = &rules->rules[i];
			int32		culprit = -1;
			LrMOutcome	o = lr_mrules_eval(rules, rule->node, mc->vals, &culprit);
			char		path[40];

			if (o == LR_MO_PASS)
				continue;
			snprintf(path, sizeof(path), "rules[%zu]", i);
			if (culprit >= 0)
			{
				int32		field = rules->nodes[culprit].field;

				AddFailure(&f, path, rule->name, rule->dim, rule->reason,
						   mc->cat.schema.fields[field].name,
						   lr_mbind_value_text(&mc->bind, field), o == LR_MO_MISSING);
			}
			else
				AddFailure(&f, path, rule->name, rule->dim, rule->reason, NULL, NULL, false);
		}
		eligible = (f.n == 0);
		if (p->card != NULL)
			scored = lr_mproduct_probability(p, mc->vals, &mc->scratch, &prob, &feature);

		if (!eligible)
		{
			decision = "not_eligible";
			detail = psprintf("not eligible: %s", f.text.data);
		}
		else if (p->card == NULL)
		{
			decision = "no_model";
			detail = pstrdup("the product has no approval model");
		}
		else if (!scored)
		{
			decision = "cannot_score";
			detail = CannotScore(mc, p, feature);
		}
		else if (prob >= req.min_probability)
		{
			decision = "recommended";
			detail = psprintf("approval probability %.4f reaches the threshold %g", prob, req.min_probability);
		}
		else
		{
			decision = "below_threshold";
			detail = psprintf("approval probability %.4f is below the threshold %g", prob, req.min_probability);
		}
		appendStringInfoString(&f.json, f.n == 0 ? "[]" : "]");

		values[0] = CStringGetTextDatum(p->id);
		values[1] = TextOrNull(p->bank, &nulls[1]);
		values[2] = TextOrNull(p->type, &nulls[2]);
		values[3] = BoolGetDatum(eligible);
		if (scored)
			values[4] = Float8GetDatum(prob);
		else
			nulls[4] = true;
		values[5] = CStringGetTextDatum(decision);
		values[6] = DirectFunctionCall1(jsonb_in, CStringGetDatum(f.json.data));
		values[7] = CStringGetTextDatum(detail);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * explain_match: every product (a table or query) with its eligibility,
 * each failed rule (with dimension and reason), the approval probability and
 * the decision
 */
LR_PG_FUNCTION_CALLING(explain_match, ExplainMatch, false)

/* explain_match_json: the same with the products given as a jsonb value */
LR_PG_FUNCTION_CALLING(explain_match_json, ExplainMatch, true)

/* check_match_rules: validates a rules document and returns its canonical form */
Datum
check_match_rules(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	char	   *text = JsonbToCString(NULL, &jb->root, VARSIZE(jb));
	LrAlloc		alloc;
	LrArena		arena;
	LrMSchema	schema;
	LrMRules   *rules;
	LrJsonOptions opts;
	LrError		err = {0};
	LrBuf		out;

	lr_pg_alloc_init(&alloc, CurrentMemoryContext);
	lr_arena_init(&arena, &alloc, 0);
	lr_mschema_init(&schema, &arena);
	lr_pg_json_options(&opts);
	if (!lr_mrules_parse(text, strlen(text), &arena, &opts, &schema, NULL, &rules, &err))
		lr_pg_raise(&err, NULL);
	lr_buf_init(&out, &alloc, 0);
	if (!lr_mrules_write(rules, &schema, &out))
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(out.data)));
}
