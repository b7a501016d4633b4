/*
 * evaluate.c
 *	  The stages of a strategy for one applicant (see decide.h).
 *
 * Stages run in their fixed order.  Within a stage every check runs and
 * every failure is reported; a stage that declines stops the decision (the
 * stages after it do not run), a stage that refers lets the decision go on
 * (a later decline still declines), and a stage that cannot run for a
 * missing or invalid input refers and stops.  The offers stage never changes
 * the outcome and runs unless the applicant is declined.  Shadows run the
 * score stage and after with their own card and cut-offs on every applicant
 * and are reported, never enforced.
 */
#include "postgres.h"

#include <math.h>

#include "common/cryptohash.h"
#include "common/sha2.h"
#include "common/shortest_dec.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "antifraud/ident.h"
#include "common/lr_pg.h"
#include "common/lr_spi.h"
#include "credit/credit_pg.h"
#include "decision/decide.h"

/* Everything one evaluation works with. */
typedef struct Eval
{
	LrDecisionIn *in;
	const LrDecisionPlan *plan;
	const LrStrategy *s;
	LrDecisionTrace *trace;
	const bool *hits;			/* given list hits, or NULL */
	bool		spi;			/* connected for list lookups */
} Eval;

/* ---------------------------------------------------------------- helpers */

static void
AddReason(LrDReasons *r, LrSStage stage, const char *code, const char *text)
{
	if (r->n == r->cap)
	{
		int			cap = r->cap ? r->cap * 2 : 8;

		r->items = r->items ? repalloc(r->items, cap * sizeof(LrDReason)) :
			palloc(cap * sizeof(LrDReason));
		r->cap = cap;
	}
	r->items[r->n].stage = stage;
	r->items[r->n].code = code;
	r->items[r->n].text = text;
	r->n++;
}

/* The shortest text that reads back as v (PostgreSQL's own float8 formatter). */
static char *
Num(double v)
{
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

	if (isnan(v))
		return pstrdup("NaN");
	if (isinf(v))
		return pstrdup(v > 0 ? "Infinity" : "-Infinity");
	double_to_shortest_decimal_buf(v, buf);
	return pstrdup(buf);
}

/* A number for a JSON document: non-finite values as strings. */
static void
JNum(StringInfo b, double v)
{
	if (isfinite(v))
	{
		char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

		double_to_shortest_decimal_buf(v, buf);
		appendStringInfoString(b, buf);
	}
	else
		escape_json(b, Num(v));
}

static void
JStr(StringInfo b, const char *s)
{
	if (s == NULL)
		appendStringInfoString(b, "null");
	else
		escape_json(b, s);
}

static void
JKey(StringInfo b, bool *first, const char *key)
{
	if (!*first)
		appendStringInfoString(b, ", ");
	*first = false;
	escape_json(b, key);
	appendStringInfoString(b, ": ");
}

static void
JCents(StringInfo b, int64 cents)
{
	char		buf[48];

	appendStringInfoString(b, lr_cents_str(buf, sizeof(buf), cents));
}

/* The text of a canonical input (NULL for NULL), for reasons and traces. */
static char *
InputText(const LrDecisionIn *in, int32 i)
{
	if (in->nulls[i])
		return NULL;
	switch (in->plan->s->inputs[i].kind)
	{
		case LR_MK_TEXT:
			return text_to_cstring(DatumGetTextPP(in->values[i]));
		case LR_MK_BOOL:
			return pstrdup(DatumGetBool(in->values[i]) ? "true" : "false");
		case LR_MK_ANY:
			return isnan(DatumGetFloat8(in->values[i])) ? NULL : pstrdup("(not null)");
		default:
			return in->money[i] ? pstrdup(in->money[i]) : Num(DatumGetFloat8(in->values[i]));
	}
}

static const char *
InputStr(const LrDecisionIn *in, int32 i, size_t *len)
{
	text	   *t = DatumGetTextPP(in->values[i]);

	*len = VARSIZE_ANY_EXHDR(t);
	return VARDATA_ANY(t);
}

static void
Trace(Eval *E, LrSStage st, LrSOutcome result)
{
	if (E->trace)
	{
		E->trace->ran[st] = true;
		E->trace->result[st] = result;
	}
}

static StringInfo
Saw(Eval *E, LrSStage st)
{
	return E->trace ? &E->trace->saw[st] : NULL;
}

/* ---------------------------------------------------------------- knock-out */

static LrSOutcome
KnockOut(Eval *E, LrDReasons *rs)
{
	const LrStrategy *s = E->s;
	const LrMRules *r = s->knock_out;
	StringInfo	saw = Saw(E, LR_SS_KNOCK_OUT);
	LrSOutcome	result = LR_SO_PASS;
	size_t		i;

	if (saw)
		appendStringInfoString(saw, "{\"rules\": [");
	for (i = 0; i < r->nrules; i++)
	{
		const LrMRule *rule = &r->rules[i];
		int32		culprit = -1;
		LrMOutcome	o = lr_mrules_eval(r, rule->node, E->in->mvals, &culprit);
		const char *column = NULL;
		int32		input = -1;

		if (culprit >= 0)
		{
			int32		field = r->nodes[culprit].field;

			column = s->cat.schema.fields[field].name;
			input = s->match_input[field];
		}
		if (o != LR_MO_PASS)
		{
			AddReason(rs, LR_SS_KNOCK_OUT, rule->name,
					  o == LR_MO_MISSING ? psprintf("%s (%s is missing)", rule->reason, column) :
					  rule->reason);
			result = LR_SO_DECLINE;
		}
		if (saw)
		{
			bool		first = true;

			appendStringInfoString(saw, i > 0 ? ", {" : "{");
			JKey(saw, &first, "code");
			JStr(saw, rule->name);
			JKey(saw, &first, "passed");
			appendStringInfoString(saw, o == LR_MO_PASS ? "true" : "false");
			if (o != LR_MO_PASS)
			{
				JKey(saw, &first, "missing");
				appendStringInfoString(saw, o == LR_MO_MISSING ? "true" : "false");
				JKey(saw, &first, "column");
				JStr(saw, column);
				JKey(saw, &first, "value");
				JStr(saw, input >= 0 ? InputText(E->in, input) : NULL);
			}
			appendStringInfoChar(saw, '}');
		}
	}
	if (saw)
		appendStringInfoString(saw, "]}");
	Trace(E, LR_SS_KNOCK_OUT, result);
	return result;
}

/* ---------------------------------------------------------------- identity and lists */

typedef void (*CheckFn) (const char *s, size_t len, bool utf8, LrIdCheck *r);

static CheckFn
IdCheckFn(LrSIdKind kind)
{
	switch (kind)
	{
		case LR_SID_RESIDENT_ID:
			return lr_check_resident_id;
		case LR_SID_CREDIT_CODE:
			return lr_check_credit_code;
		case LR_SID_MOBILE:
			return lr_check_mobile;
		case LR_SID_BANK_CARD:
			return lr_check_bank_card;
		default:
			return NULL;
	}
}

typedef struct ListContext
{
	const LrStrategy *s;
	const LrSList *l;
} ListContext;

static void
ListErrorContext(void *arg)
{
	ListContext *c = arg;

	errcontext("list \"%s\" (%s.%s) of strategy \"%s\"", c->l->code,
			   c->l->schema, c->l->table, c->s->name);
}

/* Is key in the list's table?  A prepared lookup, run with the caller's rights. */
static bool
ListLookup(Eval *E, size_t k, const char *key, size_t keylen)
{
	LrDecisionPlan *plan = (LrDecisionPlan *) E->plan;
	const LrSList *l = &E->s->lists[k];
	ErrorContextCallback cb;
	ListContext lc;
	Datum		arg;
	int			rc;
	bool		found;
	MemoryContext mine = CurrentMemoryContext;
	char		what[NAMEDATALEN + 16];

	lc.s = E->s;
	lc.l = l;
	cb.callback = ListErrorContext;
	cb.arg = &lc;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	if (!E->spi)
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		/* SPI works in contexts of its own; the decision's memory stays ours */
		MemoryContextSwitchTo(mine);
		E->spi = true;
	}
	if (plan->list_plans[k] == NULL)
	{
		/* Every name quoted and qualified: nothing resolves through search_path. */
		char	   *sql = psprintf("SELECT true FROM %s.%s WHERE %s OPERATOR(pg_catalog.=) $1 LIMIT 1",
								   quote_identifier(l->schema), quote_identifier(l->table),
								   quote_identifier(l->key_column));
		Oid			argtype = TEXTOID;
		SPIPlanPtr	p = SPI_prepare(sql, 1, &argtype);

		if (p == NULL)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		if (SPI_keepplan(p) != 0)
			elog(ERROR, "SPI_keepplan failed");
		plan->list_plans[k] = p;
		MemoryContextSwitchTo(mine);
	}
	arg = PointerGetDatum(cstring_to_text_with_len(key, (int) keylen));
	/* Read-only as a query string: the table may be a view over a function that writes. */
	snprintf(what, sizeof(what), "list \"%s\"", l->code);
	rc = lr_spi_execute_plan_read_only(plan->list_plans[k], &arg, NULL, 1, what);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "list lookup failed: %s", SPI_result_code_string(rc));
	found = SPI_processed > 0;
	MemoryContextSwitchTo(mine);
	error_context_stack = cb.previous;
	return found;
}

static LrSOutcome
Worse(LrSOutcome a, LrSOutcome b)
{
	return a > b ? a : b;
}

static LrSOutcome
Identity(Eval *E, LrDReasons *rs, LrDecisionOut *out)
{
	const LrStrategy *s = E->s;
	const LrDecisionIn *in = E->in;
	StringInfo	saw = Saw(E, LR_SS_IDENTITY);
	bool		utf8 = GetDatabaseEncoding() == PG_UTF8;
	LrSOutcome	result = LR_SO_PASS;
	bool		exempt = false; /* found on a white list */
	char	  **keys = palloc0(Max(s->nlists, 1) * sizeof(char *));
	size_t		k;

	if (saw)
		appendStringInfoString(saw, "{\"checks\": [");
	for (k = 0; k < s->nchecks; k++)
	{
		const LrSCheck *ck = &s->checks[k];
		LrIdCheck	r;
		bool		ok;
		const char *why = NULL;

		memset(&r, 0, sizeof(r));
		if (in->nulls[ck->input])
		{
			ok = ck->pass_if_null;
			if (!ok)
				why = psprintf("%s (%s is missing)", ck->reason, ck->column);
		}
		else
		{
			size_t		len;
			const char *v = InputStr(in, ck->input, &len);

			IdCheckFn(ck->kind) (v, len, utf8, &r);
			ok = r.valid;
			if (!ok)
				why = psprintf("%s: %s", ck->reason, r.reason);
		}
		if (!ok)
		{
			AddReason(rs, LR_SS_IDENTITY, ck->code, why);
			result = Worse(result, ck->action);
		}
		if (saw)
		{
			bool		first = true;

			appendStringInfoString(saw, k > 0 ? ", {" : "{");
			JKey(saw, &first, "code");
			JStr(saw, ck->code);
			JKey(saw, &first, "column");
			JStr(saw, ck->column);
			JKey(saw, &first, "kind");
			JStr(saw, lr_sidkind_name(ck->kind));
			JKey(saw, &first, "value");
			JStr(saw, InputText(in, ck->input));
			JKey(saw, &first, "valid");
			appendStringInfoString(saw, ok && !in->nulls[ck->input] ? "true" :
								   in->nulls[ck->input] ? "null" : "false");
			if (!ok && !in->nulls[ck->input])
			{
				JKey(saw, &first, "reason");
				JStr(saw, r.reason);
			}
			appendStringInfoChar(saw, '}');
		}
	}
	if (saw)
		appendStringInfoString(saw, "], \"lists\": [");
	out->lists_ran = s->nlists > 0;
	for (k = 0; k < s->nlists; k++)
	{
		const LrSList *l = &s->lists[k];
		bool		hit = false;

		if (!in->nulls[l->input])
		{
			LrIdCheck	r;
			const char *key;
			size_t		keylen;

			key = InputStr(in, l->input, &keylen);
			if (l->normalize != LR_SID_NONE)
			{
				IdCheckFn(l->normalize) (key, keylen, utf8, &r);
				if (r.valid)
				{
					key = pstrdup(r.normalized);
					keylen = strlen(key);
				}
			}
			hit = E->hits ? E->hits[k] : ListLookup(E, k, key, keylen);
			keys[k] = pnstrdup(key, keylen);
		}
		out->list_hit[k] = hit;
		if (hit && l->list == LR_SL_WHITE)
			exempt = true;
	}
	for (k = 0; k < s->nlists; k++)
	{
		const LrSList *l = &s->lists[k];
		bool		hit = out->list_hit[k];
		bool		triggered = (l->list == LR_SL_WHITE) ? (!hit && l->action != LR_SO_PASS) :
			(hit && !exempt);

		if (triggered)
		{
			AddReason(rs, LR_SS_IDENTITY, l->code, l->reason);
			result = Worse(result, l->action);
		}
		if (saw)
		{
			bool		first = true;

			appendStringInfoString(saw, k > 0 ? ", {" : "{");
			JKey(saw, &first, "code");
			JStr(saw, l->code);
			JKey(saw, &first, "list");
			JStr(saw, lr_slist_name(l->list));
			JKey(saw, &first, "column");
			JStr(saw, l->column);
			JKey(saw, &first, "key");
			JStr(saw, keys[k]);
			JKey(saw, &first, "found");
			appendStringInfoString(saw, hit ? "true" : "false");
			if (hit && exempt && l->list != LR_SL_WHITE)
			{
				JKey(saw, &first, "exempt");
				appendStringInfoString(saw, "true");
			}
			appendStringInfoChar(saw, '}');
		}
	}
	if (saw)
		appendStringInfoString(saw, "]}");
	if (E->spi)
	{
		MemoryContext mine = CurrentMemoryContext;

		SPI_finish();
		MemoryContextSwitchTo(mine);
		E->spi = false;
	}
	Trace(E, LR_SS_IDENTITY, result);
	return result;
}

/* ---------------------------------------------------------------- anomaly */

static LrSOutcome
Anomaly(Eval *E, LrDReasons *rs, LrDecisionOut *out)
{
	const LrStrategy *s = E->s;
	const LrDecisionIn *in = E->in;
	StringInfo	saw = Saw(E, LR_SS_ANOMALY);
	LrSOutcome	result = LR_SO_PASS;
	size_t		i;
	double		a;

	for (i = 0; i < s->forest->nfeatures; i++)
	{
		int32		k = s->forest_inputs[i];

		in->fx[i] = in->nulls[k] ? NAN : DatumGetFloat8(in->values[k]);
	}
	a = lr_iforest_score(s->forest_model, in->fx);
	out->has_anomaly = true;
	out->anomaly = a;
	if (s->has_anomaly_decline && a >= s->anomaly_decline_at)
	{
		AddReason(rs, LR_SS_ANOMALY, "ANOMALY_DECLINE",
				  psprintf("anomaly score %s is at or above the decline threshold %s",
						   Num(a), Num(s->anomaly_decline_at)));
		result = LR_SO_DECLINE;
	}
	else if (s->has_anomaly_refer && a >= s->anomaly_refer_at)
	{
		AddReason(rs, LR_SS_ANOMALY, "ANOMALY_REFER",
				  psprintf("anomaly score %s is at or above the referral threshold %s",
						   Num(a), Num(s->anomaly_refer_at)));
		result = LR_SO_REFER;
	}
	if (saw)
	{
		bool		first = true;

		appendStringInfoChar(saw, '{');
		JKey(saw, &first, "score");
		JNum(saw, a);
		if (s->has_anomaly_refer)
		{
			JKey(saw, &first, "refer_at");
			JNum(saw, s->anomaly_refer_at);
		}
		if (s->has_anomaly_decline)
		{
			JKey(saw, &first, "decline_at");
			JNum(saw, s->anomaly_decline_at);
		}
		JKey(saw, &first, "features");
		appendStringInfoChar(saw, '{');
		for (i = 0; i < s->forest->nfeatures; i++)
		{
			bool		f2 = (i == 0);

			JKey(saw, &f2, s->forest->features[i]);
			if (isnan(in->fx[i]))
				appendStringInfoString(saw, "null");
			else
				JNum(saw, in->fx[i]);
		}
		appendStringInfoString(saw, "}}");
	}
	Trace(E, LR_SS_ANOMALY, result);
	return result;
}

/* ---------------------------------------------------------------- score, limit, price */

/*
 * The code of every feature of the arm's card for these inputs, through the
 * scorecard core's table; why the card cannot score them (NULL or NaN
 * without a missing bin, an unlisted category without an unseen bin), or
 * NULL when it can.
 */
static char *
CardCodes(const LrDecisionIn *in, const LrSArm *arm, const LrConv *conv, int32 *codes)
{
	const LrCardTable *t = &arm->card->table;
	size_t		i;

	for (i = 0; i < t->nfeatures; i++)
	{
		const LrTableFeature *f = &t->features[i];
		int32		k = arm->inputs[i];

		codes[i] = lr_card_code_datum(f, in->values[k], in->nulls[k], conv[i], NULL);
		if (codes[i] != LR_CODE_NONE)
			continue;
		if (in->nulls[k])
			return psprintf("column \"%s\" is NULL and the card has no missing bin", f->feature->name);
		if (f->kind == LR_FEATURE_NUMERIC)
			return psprintf("column \"%s\" is NaN and the card has no missing bin", f->feature->name);
		{
			size_t		len;
			const char *v = InputStr(in, k, &len);

			return psprintf("\"%s\" of column \"%s\" is not a category of the card, which has no unseen bin",
							pnstrdup(v, Min(len, 200)), f->feature->name);
		}
	}
	return NULL;
}

/* A money input in cents: false when its value is not an amount from 0 to 10^13. */
static bool
MoneyInput(const LrDecisionIn *in, int32 k, int64 *cents)
{
	const char *t = in->money[k];
	lr_i128		v;

	if (t == NULL)
		return false;
	if (lr_dec_parse(t, strlen(t), 2, true, LR_MONEY_MAX_CENTS, &v) != LR_DEC_OK || v < 0)
		return false;
	*cents = (int64) v;
	return true;
}

static void
StopRefer(LrDTerms *t, LrDReasons *rs, LrSStage st, const char *code, const char *text)
{
	AddReason(rs, st, code, text);
	t->outcome = LR_SO_REFER;
	t->stage = st;
}

/*
 * The score stage with arm number k (arms, then shadows) into t; false when
 * the card cannot score the applicant (a referral) or the score declines.
 */
static bool
TermsScore(Eval *E, size_t k, const LrSArm *arm, LrDReasons *rs, LrDTerms *t, bool trace)
{
	const LrStrategy *s = E->s;
	const LrDecisionIn *in = E->in;
	const LrCardTable *tab = &arm->card->table;
	int32	   *codes = E->in->codes;
	StringInfo	saw = trace ? Saw(E, LR_SS_SCORE) : NULL;
	char	   *why;

	if ((why = CardCodes(in, arm, in->card_conv[k], codes)) != NULL)
	{
		if (saw)
		{
			appendStringInfoString(saw, "{\"arm\": ");
			JStr(saw, arm->name);
			appendStringInfoString(saw, ", \"cannot_score\": ");
			JStr(saw, why);
		}
		StopRefer(t, rs, LR_SS_SCORE, "SCORE_INCOMPLETE",
				  psprintf("the card of %s \"%s\" cannot score the applicant: %s",
						   k < s->narms ? "arm" : "shadow", arm->name, why));
		if (trace)
			Trace(E, LR_SS_SCORE, LR_SO_REFER);
		return false;
	}
	t->score = lr_table_score(tab, codes);
	t->has_score = true;
	if (arm->card->has_scaling)
	{
		t->pd = lr_card_pd(arm->card, t->score);
		t->has_pd = true;
	}
	if (t->score < arm->decline_below)
	{
		AddReason(rs, LR_SS_SCORE, "SCORE_DECLINE",
				  psprintf("score %s is below the decline cut-off %s of %s \"%s\"",
						   Num(t->score), Num(arm->decline_below),
						   k < s->narms ? "arm" : "shadow", arm->name));
		t->outcome = LR_SO_DECLINE;
	}
	else if (t->score < arm->approve_at)
	{
		AddReason(rs, LR_SS_SCORE, "SCORE_REFER",
				  psprintf("score %s is below the approval cut-off %s of %s \"%s\"",
						   Num(t->score), Num(arm->approve_at),
						   k < s->narms ? "arm" : "shadow", arm->name));
		t->outcome = LR_SO_REFER;
	}
	if (saw)
	{
		bool		first = true;
		size_t		i;

		appendStringInfoChar(saw, '{');
		JKey(saw, &first, "arm");
		JStr(saw, arm->name);
		JKey(saw, &first, "score");
		JNum(saw, t->score);
		JKey(saw, &first, "pd");
		if (t->has_pd)
			JNum(saw, t->pd);
		else
			appendStringInfoString(saw, "null");
		JKey(saw, &first, "approve_at");
		JNum(saw, arm->approve_at);
		JKey(saw, &first, "decline_below");
		JNum(saw, arm->decline_below);
		JKey(saw, &first, "features");
		appendStringInfoChar(saw, '[');
		for (i = 0; i < arm->card->nfeatures; i++)
		{
			bool		f2 = true;

			appendStringInfoString(saw, i > 0 ? ", {" : "{");
			JKey(saw, &f2, "name");
			JStr(saw, arm->card->features[i].name);
			JKey(saw, &f2, "value");
			JStr(saw, InputText(in, arm->inputs[i]));
			JKey(saw, &f2, "points");
			JNum(saw, tab->features[i].points[codes[i]]);
			appendStringInfoChar(saw, '}');
		}
		appendStringInfoChar(saw, ']');
		/* the position and the shadows are added by the caller */
	}
	if (trace)
		Trace(E, LR_SS_SCORE, t->outcome == LR_SO_APPROVE ? LR_SO_APPROVE : t->outcome);
	return t->outcome != LR_SO_DECLINE;
}

/*
 * The limit stage after the score: the limit and the amount lent into t;
 * false when it stops the decision (t says how).
 */
static bool
TermsLimit(Eval *E, LrDReasons *rs, LrDTerms *t, bool trace)
{
	const LrStrategy *s = E->s;
	const LrDecisionIn *in = E->in;
	StringInfo	saw = trace ? Saw(E, LR_SS_LIMIT) : NULL;
	LrLimitResult lr;
	int64		revenue,
				existing = 0;

	if (in->nulls[s->revenue_input])
	{
		StopRefer(t, rs, LR_SS_LIMIT, "LIMIT_INPUT_MISSING",
				  psprintf("monthly revenue (%s) is missing", s->revenue));
		goto limit_stopped;
	}
	if (!MoneyInput(in, s->revenue_input, &revenue))
	{
		StopRefer(t, rs, LR_SS_LIMIT, "LIMIT_INPUT_INVALID",
				  psprintf("monthly revenue (%s) %s is not an amount from 0 to 10000000000000",
						   s->revenue, InputText(in, s->revenue_input)));
		goto limit_stopped;
	}
	if (s->existing_input >= 0)
	{
		if (in->nulls[s->existing_input])
		{
			StopRefer(t, rs, LR_SS_LIMIT, "LIMIT_INPUT_MISSING",
					  psprintf("existing debt (%s) is missing", s->existing_debt));
			goto limit_stopped;
		}
		if (!MoneyInput(in, s->existing_input, &existing))
		{
			StopRefer(t, rs, LR_SS_LIMIT, "LIMIT_INPUT_INVALID",
					  psprintf("existing debt (%s) %s is not an amount from 0 to 10000000000000",
							   s->existing_debt, InputText(in, s->existing_input)));
			goto limit_stopped;
		}
	}
	lr_credit_limit(s->limit, t->pd, revenue, existing, &lr);
	if (!lr.approved)
	{
		AddReason(rs, LR_SS_LIMIT, "LIMIT_DECLINE", pstrdup(lr.reason));
		t->outcome = LR_SO_DECLINE;
		t->stage = LR_SS_LIMIT;
	}
	else
	{
		t->has_limit = true;
		t->limit = lr.limit;
		t->amount = lr.limit;
		if (s->requested_amount_input >= 0 && !in->nulls[s->requested_amount_input])
		{
			int64		req;

			if (!MoneyInput(in, s->requested_amount_input, &req) || req == 0)
			{
				t->has_limit = false;
				StopRefer(t, rs, LR_SS_LIMIT, "LIMIT_INPUT_INVALID",
						  psprintf("requested amount (%s) %s is not an amount above 0 and at most 10000000000000",
								   s->requested_amount, InputText(in, s->requested_amount_input)));
				goto limit_stopped;
			}
			t->amount = Min(req, lr.limit);
		}
	}
	if (saw)
	{
		bool		first = true;

		appendStringInfoChar(saw, '{');
		JKey(saw, &first, "pd");
		JNum(saw, t->pd);
		JKey(saw, &first, "monthly_revenue");
		JCents(saw, revenue);
		JKey(saw, &first, "existing_debt");
		JCents(saw, existing);
		JKey(saw, &first, "approved");
		appendStringInfoString(saw, lr.approved ? "true" : "false");
		JKey(saw, &first, "limit");
		JCents(saw, lr.limit);
		JKey(saw, &first, "binding_constraint");
		JStr(saw, lr_limit_binding_name(lr.binding));
		JKey(saw, &first, "reason");
		JStr(saw, lr.reason);
		if (t->has_limit)
		{
			JKey(saw, &first, "amount");
			JCents(saw, t->amount);
		}
		appendStringInfoChar(saw, '}');
	}
	if (trace)
		Trace(E, LR_SS_LIMIT, lr.approved ? LR_SO_PASS : LR_SO_DECLINE);
	return lr.approved;

limit_stopped:
	if (trace)
		Trace(E, LR_SS_LIMIT, LR_SO_REFER);
	return false;
}


/*
 * The price stage after the limit: term, rate, schedule and APR into t;
 * false when it stops the decision (t says how).
 */
static bool
TermsPrice(Eval *E, size_t k, LrDReasons *rs, LrDTerms *t, bool trace)
{
	const LrStrategy *s = E->s;
	const LrDecisionIn *in = E->in;
	StringInfo	saw = trace ? Saw(E, LR_SS_PRICE) : NULL;
	LrPriceResult pr;

	t->term = s->term_months;
	if (s->requested_term_input >= 0 && !in->nulls[s->requested_term_input])
	{
		double		v = DatumGetFloat8(in->values[s->requested_term_input]);

		if (!(v >= 1 && v <= LR_TERM_MAX && v == floor(v)))
		{
			StopRefer(t, rs, LR_SS_PRICE, "PRICE_INPUT_INVALID",
					  psprintf("requested term (%s) %s is not a whole number of months from 1 to %d",
							   s->requested_term, Num(v), LR_TERM_MAX));
			if (trace)
				Trace(E, LR_SS_PRICE, LR_SO_REFER);
			return false;
		}
		t->term = (int) v;
	}
	lr_price_loan(s->price, t->pd, s->lgd, t->term, &pr);
	if (!pr.approved)
	{
		AddReason(rs, LR_SS_PRICE, "PRICE_DECLINE", pstrdup(pr.reason));
		t->outcome = LR_SO_DECLINE;
		t->stage = LR_SS_PRICE;
	}
	else
	{
		lr_i128		rate18 = pr.rate * (lr_i128) 100000000;	/* scale 10 -> 18 */
		LrError		err = {0};

		t->has_rate = true;
		t->rate10 = pr.rate;
		/* a shadow reports its limit and rate, not a schedule */
		if (t->amount > 0 && k < s->narms)
		{
			LrSchedRow *rows;

			if (!lr_sched_check_args(t->amount, rate18, t->term, &err))
			{
				StopRefer(t, rs, LR_SS_PRICE, "SCHEDULE_INVALID", pstrdup(err.msg));
				if (trace)
					Trace(E, LR_SS_PRICE, LR_SO_REFER);
				return false;
			}
			rows = palloc(t->term * sizeof(LrSchedRow));
			if (!lr_schedule(t->amount, rate18, t->term, s->method, rows, &err))
			{
				StopRefer(t, rs, LR_SS_PRICE, "SCHEDULE_INVALID", pstrdup(err.msg));
				if (trace)
					Trace(E, LR_SS_PRICE, LR_SO_REFER);
				return false;
			}
			t->has_payment = true;
			t->payment = rows[0].payment;
			{
				lr_i128		feenum;
				int64		fee = 0;
				LrFlow	   *flows = palloc((t->term + 1) * sizeof(LrFlow));

				if (lr_mul_i128(t->amount, s->fee_rate, &feenum))
					fee = (int64) lr_div_round(feenum, LR_RATE_ONE);
				if (fee < t->amount &&
					lr_schedule_irr(rows, t->term, t->amount, fee, flows, &t->apr_x, &err) &&
					isfinite(expm1(t->apr_x * 12)))
					t->has_apr = true;
			}
		}
	}
	if (saw)
	{
		bool		first = true;
		char		b1[64];

		appendStringInfoChar(saw, '{');
		JKey(saw, &first, "pd");
		JNum(saw, t->pd);
		JKey(saw, &first, "lgd");
		JNum(saw, s->lgd);
		JKey(saw, &first, "term_months");
		appendStringInfo(saw, "%d", t->term);
		JKey(saw, &first, "approved");
		appendStringInfoString(saw, pr.approved ? "true" : "false");
		JKey(saw, &first, "required_rate");
		lr_dec_format(b1, sizeof(b1), pr.required_rate, LR_PRICE_SCALE, 4);
		appendStringInfoString(saw, b1);
		if (pr.approved)
		{
			JKey(saw, &first, "annual_rate");
			lr_dec_format(b1, sizeof(b1), pr.rate, LR_PRICE_SCALE, 4);
			appendStringInfoString(saw, b1);
			JKey(saw, &first, "capped");
			appendStringInfoString(saw, pr.capped ? "true" : "false");
		}
		JKey(saw, &first, "reason");
		JStr(saw, pr.reason);
		if (t->has_payment)
		{
			JKey(saw, &first, "repayment_method");
			JStr(saw, lr_sched_method_name(s->method));
			JKey(saw, &first, "amount");
			JCents(saw, t->amount);
			JKey(saw, &first, "first_payment");
			JCents(saw, t->payment);
		}
		appendStringInfoChar(saw, '}');
	}
	if (trace)
		Trace(E, LR_SS_PRICE, pr.approved ? LR_SO_PASS : LR_SO_DECLINE);
	return pr.approved;
}

/*
 * The score stage and the ones after it with arm number k (arms, then
 * shadows); returns false when a stage stops the decision (t says how).
 */
static bool
Terms(Eval *E, size_t k, LrDReasons *rs, LrDTerms *t, bool trace)
{
	const LrStrategy *s = E->s;
	const LrSArm *arm = k < s->narms ? &s->arms[k] : &s->shadows[k - s->narms];

	memset(t, 0, sizeof(*t));
	t->outcome = LR_SO_APPROVE;
	t->stage = LR_SS_SCORE;
	if (!TermsScore(E, k, arm, rs, t, trace))
		return false;
	if (!s->has_stage[LR_SS_LIMIT])
		return true;
	if (!TermsLimit(E, rs, t, trace))
		return false;
	if (!s->has_stage[LR_SS_PRICE])
		return true;
	return TermsPrice(E, k, rs, t, trace);
}

/* ---------------------------------------------------------------- offers */

static void
Offers(Eval *E, LrDecisionOut *out)
{
	const LrStrategy *s = E->s;
	LrDecisionIn *in = E->in;
	LrMRequest	req;
	LrError		err = {0};
	int64_t		n = 0;
	StringInfo	saw = Saw(E, LR_SS_OFFERS);

	memset(&req, 0, sizeof(req));
	req.amount = -1;
	req.term = -1;
	req.min_probability = s->min_probability;
	req.max_results = s->max_results;
	req.order = s->order;
	if (s->requested_amount_input >= 0 && !in->nulls[s->requested_amount_input])
	{
		int64		cents;

		if (MoneyInput(in, s->requested_amount_input, &cents) && cents > 0)
			req.amount = cents;
	}
	if (s->requested_term_input >= 0 && !in->nulls[s->requested_term_input])
	{
		double		v = DatumGetFloat8(in->values[s->requested_term_input]);

		if (v >= 1 && v <= LR_TERM_MAX && v == floor(v))
			req.term = (int) v;
	}
	if (!lr_match_block(&s->cat, in->mvals, 1, NULL, NULL, &req, (int64_t) E->plan->kcap,
						&in->scratch, in->res, &n, &err))
		lr_pg_raise(&err, "offers");
	out->has_offers = true;
	out->noffers = (int) n;
	out->offers = palloc(Max(n, 1) * sizeof(LrMResult));
	memcpy(out->offers, in->res, n * sizeof(LrMResult));
	if (saw)
	{
		int64		i;

		appendStringInfo(saw, "{\"products\": %zu, \"offered\": [", s->cat.nproducts);
		for (i = 0; i < n; i++)
		{
			if (i > 0)
				appendStringInfoString(saw, ", ");
			JStr(saw, s->cat.products[in->res[i].product].id);
		}
		appendStringInfoString(saw, "]}");
	}
	Trace(E, LR_SS_OFFERS, LR_SO_PASS);
}

/* ---------------------------------------------------------------- arms */

double
lr_decision_key_position(const char *salt, const char *key, size_t keylen)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
	uint8		h[PG_SHA256_DIGEST_LENGTH];
	uint64		x = 0;
	int			i;

	if (ctx == NULL || pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, (const uint8 *) salt, strlen(salt)) < 0 ||
		pg_cryptohash_update(ctx, (const uint8 *) ":", 1) < 0 ||
		pg_cryptohash_update(ctx, (const uint8 *) key, keylen) < 0 ||
		pg_cryptohash_final(ctx, h, sizeof(h)) < 0)
		elog(ERROR, "could not compute SHA-256: %s", pg_cryptohash_error(ctx));
	pg_cryptohash_free(ctx);
	/* the first 48 bits, big-endian, over 2^48: exact in a double */
	for (i = 0; i < 6; i++)
		x = (x << 8) | h[i];
	return (double) x / 281474976710656.0;
}

static int
ChooseArm(Eval *E, LrDecisionOut *out)
{
	const LrStrategy *s = E->s;
	const LrDecisionIn *in = E->in;
	size_t		len;
	const char *key;

	if (s->narms == 1)
		return 0;
	if (in->nulls[s->key_input])
		return 0;				/* no key: the first arm, the champion */
	key = InputStr(in, s->key_input, &len);
	out->u = lr_decision_key_position(s->salt ? s->salt : s->name, key, len);
	out->has_u = true;
	return (int) lr_strategy_arm(s, out->u);
}

/* ---------------------------------------------------------------- shadows */

static void
Shadows(Eval *E, LrDecisionOut *out, LrSOutcome pre_outcome, LrSStage pre_stage)
{
	const LrStrategy *s = E->s;
	StringInfo	saw = Saw(E, LR_SS_SCORE);
	size_t		j;

	out->shadows = palloc0(s->nshadows * sizeof(LrDShadow));
	for (j = 0; j < s->nshadows; j++)
	{
		LrDShadow  *sh = &out->shadows[j];
		size_t		k = s->narms + j;
		LrDTerms   *t = &sh->t;
		int			i;

		/* the stages before the score stage as they went */
		for (i = 0; i < out->reasons.n; i++)
			if (out->reasons.items[i].stage < LR_SS_SCORE)
				AddReason(&sh->reasons, out->reasons.items[i].stage, out->reasons.items[i].code,
						  out->reasons.items[i].text);
		if (pre_outcome == LR_SO_DECLINE)
		{
			/* the score is reported, the decline stands */
			LrDReasons	ignore = {0};

			Terms(E, k, &ignore, t, false);
			sh->outcome = LR_SO_DECLINE;
			sh->stage = pre_stage;
		}
		else
		{
			Terms(E, k, &sh->reasons, t, false);
			if (t->outcome == LR_SO_DECLINE)
			{
				sh->outcome = LR_SO_DECLINE;
				sh->stage = t->stage;
			}
			else if (pre_outcome == LR_SO_REFER)
			{
				sh->outcome = LR_SO_REFER;
				sh->stage = pre_stage;
			}
			else if (t->outcome == LR_SO_REFER)
			{
				sh->outcome = LR_SO_REFER;
				sh->stage = t->stage;
			}
			else
			{
				sh->outcome = LR_SO_APPROVE;
				sh->stage = LR_SS_SCORE;
			}
		}
		if (sh->outcome == LR_SO_DECLINE)
			t->has_limit = t->has_rate = t->has_payment = t->has_apr = false;
		if (saw && saw->len > 0)
		{
			appendStringInfoString(saw, j == 0 ? ", \"shadows\": [{\"name\": " : ", {\"name\": ");
			JStr(saw, s->shadows[j].name);
			appendStringInfoString(saw, ", \"outcome\": ");
			JStr(saw, lr_soutcome_name(sh->outcome));
			appendStringInfoString(saw, ", \"score\": ");
			if (t->has_score)
				JNum(saw, t->score);
			else
				appendStringInfoString(saw, "null");
			appendStringInfoChar(saw, '}');
			if (j + 1 == s->nshadows)
				appendStringInfoChar(saw, ']');
		}
	}
}

/* ---------------------------------------------------------------- evaluate */

void
lr_decision_evaluate(LrDecisionIn *in, const bool *hits, LrDecisionTrace *trace,
					 LrDecisionOut *out)
{
	const LrStrategy *s = in->plan->s;
	Eval		E;
	LrSOutcome	pre = LR_SO_PASS;	/* the worst outcome of the stages before the score */
	LrSStage	pre_stage = LR_SS_KNOCK_OUT;
	LrSStage	last = LR_SS_OFFERS;	/* the last stage run, for an approval without a score */
	int			st;

	memset(&E, 0, sizeof(E));
	E.in = in;
	E.plan = in->plan;
	E.s = s;
	E.trace = trace;
	E.hits = hits;
	memset(out, 0, sizeof(*out));
	out->arm = -1;
	out->list_hit = palloc0(Max(s->nlists, 1) * sizeof(bool));
	if (trace)
	{
		memset(trace, 0, sizeof(*trace));
		for (st = 0; st < LR_SS_COUNT; st++)
			initStringInfo(&trace->saw[st]);
	}
	if (s->cat.schema.n > 0)
		lr_mbind_values(&in->mbind, in->values, in->nulls, in->mvals);

	/* knock-out, identity and lists, anomaly */
	for (st = LR_SS_KNOCK_OUT; st <= LR_SS_ANOMALY && pre != LR_SO_DECLINE; st++)
	{
		LrSOutcome	o;

		if (!s->has_stage[st])
			continue;
		last = (LrSStage) st;
		o = st == LR_SS_KNOCK_OUT ? KnockOut(&E, &out->reasons) :
			st == LR_SS_IDENTITY ? Identity(&E, &out->reasons, out) :
			Anomaly(&E, &out->reasons, out);
		if (o == LR_SO_DECLINE || (o == LR_SO_REFER && pre == LR_SO_PASS))
			pre_stage = (LrSStage) st;
		pre = Worse(pre, o);
	}

	out->outcome = pre == LR_SO_PASS ? LR_SO_APPROVE : pre;
	out->stage = pre == LR_SO_PASS ? last : pre_stage;
	if (pre != LR_SO_DECLINE && s->has_stage[LR_SS_SCORE])
	{
		LrDTerms   *t = &out->t;

		out->arm = ChooseArm(&E, out);
		Terms(&E, (size_t) out->arm, &out->reasons, t, trace != NULL);
		if (t->outcome == LR_SO_DECLINE)
		{
			out->outcome = LR_SO_DECLINE;
			out->stage = t->stage;
			/* a declined applicant gets no limit or price */
			t->has_limit = t->has_rate = t->has_payment = t->has_apr = false;
		}
		else if (pre == LR_SO_REFER)
		{
			out->outcome = LR_SO_REFER;
			out->stage = pre_stage;
		}
		else if (t->outcome == LR_SO_REFER)
		{
			out->outcome = LR_SO_REFER;
			out->stage = t->stage;
		}
		else
		{
			out->outcome = LR_SO_APPROVE;
			out->stage = LR_SS_SCORE;
		}
		if (trace && out->has_u)
			appendStringInfo(&trace->saw[LR_SS_SCORE], ", \"key_position\": %s", Num(out->u));
	}
	if (s->has_stage[LR_SS_OFFERS] && out->outcome != LR_SO_DECLINE)
		Offers(&E, out);
	if (s->nshadows > 0)
		Shadows(&E, out, pre, pre_stage);
	if (trace && trace->saw[LR_SS_SCORE].len > 0)
		appendStringInfoChar(&trace->saw[LR_SS_SCORE], '}');
}
