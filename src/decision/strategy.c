/*
 * strategy.c
 *	  The decision strategy from JSON, validated field by field, and its
 *	  canonical JSON writer.  Pure C: see strategy.h.
 *
 * Every model inside a strategy is read by its own area's parser
 * (lr_card_from_json, lr_iforest_from_json, lr_mrules_from_json, the credit
 * policy parsers) and written back by its own writer; their errors, which
 * name paths inside the model ("features[0].bins[2].upper: ..."), are
 * prefixed with the model's place in the strategy
 * ("stages.score.arms[1].card.features[0].bins[2].upper: ...").
 *
 * Credit policies read their numbers from the source text so that 0.1 is
 * exactly one tenth; inside a strategy they are handed that text and written
 * back with every number exactly as written (keys in jsonb's order), so the
 * canonical text means what the given text meant, byte for byte in every
 * number.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/lr_jv.h"
#include "decision/strategy.h"

typedef struct SCtx
{
	LrJv		jv;				/* error, path and arena */
	const char *src;			/* the strategy's text: numbers read exactly */
	size_t		srclen;
	const LrJsonOptions *opts;
	LrStrategy *s;
	LrMSchema	inputs;			/* (name, kind) of everything read from the applicant */
} SCtx;

static const char *const StageNames[LR_SS_COUNT] = {
	"knock_out", "identity", "anomaly", "score", "limit", "price", "offers"
};

const char *
lr_sstage_name(LrSStage stage)
{
	return (stage >= 0 && stage < LR_SS_COUNT) ? StageNames[stage] : "unknown";
}

const char *
lr_soutcome_name(LrSOutcome outcome)
{
	switch (outcome)
	{
		case LR_SO_PASS:
			return "pass";
		case LR_SO_APPROVE:
			return "approve";
		case LR_SO_REFER:
			return "refer";
		case LR_SO_DECLINE:
			return "decline";
	}
	return "unknown";
}

static const char *const IdKindNames[] = {"none", "resident_id", "credit_code", "mobile", "bank_card", NULL};

const char *
lr_sidkind_name(LrSIdKind kind)
{
	return (kind >= LR_SID_NONE && kind <= LR_SID_BANK_CARD) ? IdKindNames[kind] : "unknown";
}

static const char *const ListNames[] = {"", "black", "grey", "white", NULL};

const char *
lr_slist_name(LrSListKind list)
{
	return (list >= LR_SL_BLACK && list <= LR_SL_WHITE) ? ListNames[list] : "unknown";
}

size_t
lr_strategy_arm(const LrStrategy *s, double u)
{
	double		cum = 0;
	size_t		i;

	for (i = 0; i + 1 < s->narms; i++)
	{
		cum += s->arms[i].share;
		if (u < cum)
			return i;
	}
	return s->narms > 0 ? s->narms - 1 : 0;
}

/* ---------------------------------------------------------------- helpers */

/* Puts the current path in front of an error a model's own parser set (lr_jv_prefixed). */
static bool
Prefixed(SCtx *c, LrError *err)
{
	(void) err;					/* always c->jv.err */
	return lr_jv_prefixed(&c->jv);
}

/* A string field of 1 to LR_STRATEGY_NAME_MAX bytes. */
static bool
GetName(SCtx *c, const LrJson *obj, const char *key, bool required, const char **out)
{
	const LrJson *v;

	if (!lr_jv_string(&c->jv, obj, key, required, out))
		return false;
	if (*out == NULL)
		return true;
	v = lr_json_get(obj, key);
	if (v->len == 0)
		return lr_jv_fail_at(&c->jv, key, "must not be empty");
	if (v->len > LR_STRATEGY_NAME_MAX)
		return lr_jv_fail_at(&c->jv, key, "is longer than %d bytes", LR_STRATEGY_NAME_MAX);
	if (strlen(v->str) != v->len)
		return lr_jv_fail_at(&c->jv, key, "contains a NUL character");
	return true;
}

/* One of a NULL-terminated list of words; *out = its index (unchanged if absent). */
static bool
GetWord(SCtx *c, const LrJson *obj, const char *key, const char *const *words, int first,
		bool required, int *out)
{
	const char *s;
	int			i;
	char		list[200];
	size_t		len = 0;

	if (!lr_jv_string(&c->jv, obj, key, required, &s))
		return false;
	if (s == NULL)
		return true;
	for (i = first; words[i] != NULL; i++)
		if (strcmp(s, words[i]) == 0)
		{
			*out = i;
			return true;
		}
	list[0] = '\0';
	for (i = first; words[i] != NULL && len < sizeof(list) - 40; i++)
		len += (size_t) snprintf(list + len, sizeof(list) - len, "%s%s", i == first ? "" : ", ", words[i]);
	lr_jv_fail_at(&c->jv, key, "unknown value \"%.60s\"", s);
	lr_error_detail(c->jv.err, "Allowed values: %s.", list);
	return false;
}

/* An array of at most LR_STRATEGY_MAX_ITEMS elements. */
static bool
GetArray(SCtx *c, const LrJson *obj, const char *key, bool required, bool nonempty,
		 const LrJson **out)
{
	if (!lr_jv_array(&c->jv, obj, key, required, out))
		return false;
	if (*out == NULL)
		return true;
	if ((*out)->n > LR_STRATEGY_MAX_ITEMS)
		return lr_jv_fail_at(&c->jv, key, "has more than %d elements", LR_STRATEGY_MAX_ITEMS);
	if (nonempty && (*out)->n == 0)
		return lr_jv_fail_at(&c->jv, key, "must not be empty");
	return true;
}

/* A required object field, entered: the path points inside it on return. */
static bool
EnterObject(SCtx *c, const LrJson *obj, const char *key, const LrJson **out, size_t *mark)
{
	*mark = c->jv.path.len;
	if (!lr_jv_object(&c->jv, obj, key, out))
		return false;
	if (*out == NULL)
		return lr_jv_fail(&c->jv, "missing required field \"%s\"", key);
	*mark = lr_jv_enter_key(&c->jv, key);
	return true;
}

static bool
EnterIndex(SCtx *c, const LrJson *arr, size_t i, size_t *mark)
{
	*mark = c->jv.path.len;
	*mark = lr_jv_enter_index(&c->jv, i);
	return lr_jv_expect(&c->jv, arr->items[i], LRJ_OBJECT);
}

static void
Leave(SCtx *c, size_t mark)
{
	lr_jv_leave(&c->jv, mark);
}

/*
 * An applicant input: a column name, or "column.field" for a field of a
 * composite column, at most 63 bytes like the names of every model.  Returns
 * its index in the inputs table.
 */
static int32_t
InputNamed(SCtx *c, const char *name, LrMKind kind, const char *key)
{
	size_t		len = strlen(name);
	int32_t		i;

	if (len == 0 || len > LR_MATCH_COLUMN_MAX)
	{
		if (key != NULL)
			lr_jv_fail_at(&c->jv, key, "input name must have 1 to %d bytes", LR_MATCH_COLUMN_MAX);
		else
			lr_jv_fail(&c->jv, "input name \"%.70s\" must have 1 to %d bytes", name, LR_MATCH_COLUMN_MAX);
		return -1;
	}
	i = lr_mschema_field(&c->inputs, name, kind, lr_path_str(&c->jv.path), c->jv.err);
	return i;
}

/* An optional input-name field: NULL and -1 when absent. */
static bool
GetInput(SCtx *c, const LrJson *obj, const char *key, bool required, LrMKind kind,
		 const char **name, int32_t *input)
{
	*input = -1;
	if (!GetName(c, obj, key, required, name))
		return false;
	if (*name == NULL)
		return true;
	{
		size_t		mark = lr_jv_enter_key(&c->jv, key);

		*input = InputNamed(c, *name, kind, NULL);
		lr_jv_leave(&c->jv, mark);
	}
	return *input >= 0;
}

/* ---------------------------------------------------------------- exact JSON */

/* The exact text of a policy object, NUL-terminated in the arena. */
static const char *
ExactText(SCtx *c, const LrJson *v, size_t *len)
{
	LrAlloc		a;
	LrBuf		b;
	char	   *out;

	/* The arena's own allocator; the buffer is copied into the arena. */
	a = *c->jv.arena->a;
	lr_buf_init(&b, &a, c->jv.arena->limit);
	lr_json_write_sorted_exact(&b, v, c->src, c->srclen);
	if (b.failed)
	{
		lr_buf_free(&b);
		lr_jv_nomem(&c->jv);
		return NULL;
	}
	out = lr_arena_strndup(c->jv.arena, b.data, b.len);
	*len = b.len;
	lr_buf_free(&b);
	if (out == NULL)
		lr_jv_nomem(&c->jv);
	return out;
}

/* ---------------------------------------------------------------- stages */

static bool
ParseKnockOut(SCtx *c, const LrJson *st)
{
	static const char *const keys[] = {"rules", NULL};
	LrStrategy *s = c->s;
	const LrJson *rules;
	size_t		i;

	if (!lr_jv_check_keys(&c->jv, st, keys) || !GetArray(c, st, "rules", true, true, &rules))
		return false;
	if (!lr_mrules_from_json(rules, c->jv.arena, &s->cat.schema, "the knock-out stage",
							 &s->knock_out, c->jv.err))
		return Prefixed(c, c->jv.err);
	for (i = 0; i < s->knock_out->nrules; i++)
		if (s->knock_out->rules[i].name == NULL)
		{
			size_t		m1 = lr_jv_enter_key(&c->jv, "rules");
			size_t		m2 = lr_jv_enter_index(&c->jv, i);

			lr_jv_fail(&c->jv, "missing required field \"name\"");
			lr_error_detail(c->jv.err, "A knock-out rule's name is its reason code.");
			lr_jv_leave(&c->jv, m2);
			lr_jv_leave(&c->jv, m1);
			return false;
		}
	return true;
}

static const char *const ActionNames[] = {"pass", "approve", "refer", "decline", NULL};

static bool
GetAction(SCtx *c, const LrJson *obj, LrSOutcome *out)
{
	int			a = (int) *out;

	if (!GetWord(c, obj, "action", ActionNames, LR_SO_REFER, false, &a))
		return false;
	*out = (LrSOutcome) a;
	return true;
}

static bool
ParseCheck(SCtx *c, const LrJson *o, LrSCheck *ck)
{
	static const char *const keys[] = {"column", "kind", "code", "reason", "action", "if_null", NULL};
	static const char *const if_null[] = {"fail", "pass", NULL};
	int			kind = 0;
	int			pass = 0;

	if (!lr_jv_check_keys(&c->jv, o, keys) ||
		!GetInput(c, o, "column", true, LR_MK_TEXT, &ck->column, &ck->input) ||
		!GetWord(c, o, "kind", IdKindNames, LR_SID_RESIDENT_ID, true, &kind) ||
		!GetName(c, o, "code", true, &ck->code) ||
		!GetName(c, o, "reason", true, &ck->reason))
		return false;
	ck->kind = (LrSIdKind) kind;
	ck->action = LR_SO_DECLINE;
	if (!GetAction(c, o, &ck->action) ||
		!GetWord(c, o, "if_null", if_null, 0, false, &pass))
		return false;
	ck->pass_if_null = (pass == 1);
	return true;
}

/* A schema, table or column name: 1 to 63 bytes, as written (quoted when used). */
static bool
GetIdent(SCtx *c, const LrJson *obj, const char *key, const char **out)
{
	if (!GetName(c, obj, key, true, out))
		return false;
	if (strlen(*out) > LR_MATCH_COLUMN_MAX)
		return lr_jv_fail_at(&c->jv, key, "is longer than %d bytes", LR_MATCH_COLUMN_MAX);
	return true;
}

static bool
ParseList(SCtx *c, const LrJson *o, LrSList *l)
{
	static const char *const keys[] = {"code", "list", "schema", "table", "key_column",
	"column", "normalize", "reason", "action", NULL};
	int			list = 0;
	int			norm = LR_SID_NONE;
	int			a;

	if (!lr_jv_check_keys(&c->jv, o, keys) ||
		!GetName(c, o, "code", true, &l->code) ||
		!GetWord(c, o, "list", ListNames, LR_SL_BLACK, true, &list) ||
		!GetIdent(c, o, "schema", &l->schema) ||
		!GetIdent(c, o, "table", &l->table) ||
		!GetIdent(c, o, "key_column", &l->key_column) ||
		!GetInput(c, o, "column", true, LR_MK_TEXT, &l->column, &l->input) ||
		!GetWord(c, o, "normalize", IdKindNames, LR_SID_NONE, false, &norm) ||
		!GetName(c, o, "reason", true, &l->reason))
		return false;
	l->list = (LrSListKind) list;
	l->normalize = (LrSIdKind) norm;

	/*
	 * black and grey: the action when found; white: found exempts the
	 * applicant from the stage's black and grey lists, and the action (none
	 * by default) applies when not found.
	 */
	a = l->list == LR_SL_BLACK ? LR_SO_DECLINE : l->list == LR_SL_GREY ? LR_SO_REFER : LR_SO_PASS;
	if (!GetWord(c, o, "action", ActionNames, l->list == LR_SL_WHITE ? LR_SO_PASS : LR_SO_REFER,
				 false, &a))
		return false;
	if (a == LR_SO_APPROVE)
		return lr_jv_fail_at(&c->jv, "action", "unknown value \"approve\"");
	l->action = (LrSOutcome) a;
	return true;
}

static bool
ParseIdentity(SCtx *c, const LrJson *st)
{
	static const char *const keys[] = {"checks", "lists", NULL};
	LrStrategy *s = c->s;
	const LrJson *checks,
			   *lists;
	size_t		i,
				j,
				m1,
				m2;

	if (!lr_jv_check_keys(&c->jv, st, keys) ||
		!GetArray(c, st, "checks", false, false, &checks) ||
		!GetArray(c, st, "lists", false, false, &lists))
		return false;
	if ((checks == NULL || checks->n == 0) && (lists == NULL || lists->n == 0))
	{
		lr_jv_fail(&c->jv, "has neither checks nor lists");
		lr_error_detail(c->jv.err, "Give \"checks\" (identifier checks) or \"lists\" (list lookups), or leave the stage out.");
		return false;
	}
	if (checks != NULL && checks->n > 0)
	{
		s->nchecks = checks->n;
		if ((s->checks = lr_arena_alloc0(c->jv.arena, checks->n * sizeof(LrSCheck))) == NULL)
			return lr_jv_nomem(&c->jv);
		m1 = lr_jv_enter_key(&c->jv, "checks");
		for (i = 0; i < checks->n; i++)
		{
			if (!EnterIndex(c, checks, i, &m2) || !ParseCheck(c, checks->items[i], &s->checks[i]))
				return false;
			Leave(c, m2);
		}
		Leave(c, m1);
	}
	if (lists != NULL && lists->n > 0)
	{
		s->nlists = lists->n;
		if ((s->lists = lr_arena_alloc0(c->jv.arena, lists->n * sizeof(LrSList))) == NULL)
			return lr_jv_nomem(&c->jv);
		m1 = lr_jv_enter_key(&c->jv, "lists");
		for (i = 0; i < lists->n; i++)
		{
			if (!EnterIndex(c, lists, i, &m2) || !ParseList(c, lists->items[i], &s->lists[i]))
				return false;
			for (j = 0; j < i; j++)
				if (strcmp(s->lists[j].code, s->lists[i].code) == 0)
					return lr_jv_fail_at(&c->jv, "code", "\"%.60s\" is already the code of lists[%zu]",
								  s->lists[i].code, j);
			Leave(c, m2);
		}
		Leave(c, m1);
		s->reads_tables = true;
	}
	return true;
}

static bool
ParseAnomaly(SCtx *c, const LrJson *st)
{
	static const char *const keys[] = {"model", "refer_at", "decline_at", NULL};
	LrStrategy *s = c->s;
	const LrJson *model;
	LrForest   *f;
	size_t		mark,
				i;

	if (!lr_jv_check_keys(&c->jv, st, keys) ||
		!lr_jv_number_range(&c->jv, st, "refer_at", false, 0, 1, &s->anomaly_refer_at,
							&s->has_anomaly_refer) ||
		!lr_jv_number_range(&c->jv, st, "decline_at", false, 0, 1, &s->anomaly_decline_at,
							&s->has_anomaly_decline))
		return false;
	if (!s->has_anomaly_refer && !s->has_anomaly_decline)
	{
		lr_jv_fail(&c->jv, "has neither refer_at nor decline_at");
		lr_error_detail(c->jv.err, "An anomaly score at or above refer_at refers the applicant, at or above decline_at declines.");
		return false;
	}
	if (s->has_anomaly_refer && s->has_anomaly_decline &&
		s->anomaly_refer_at > s->anomaly_decline_at)
		return lr_jv_fail_at(&c->jv, "refer_at", "%g is above decline_at %g", s->anomaly_refer_at,
					  s->anomaly_decline_at);
	if (!EnterObject(c, st, "model", &model, &mark))
		return false;
	if (!lr_iforest_from_json(model, c->jv.arena, c->opts->tick, &f, c->jv.err) ||
		!lr_iforest_compile(f, c->jv.arena, c->opts->tick, &s->forest_model, c->jv.err))
		return Prefixed(c, c->jv.err);
	s->forest = f;
	if ((s->forest_inputs = lr_arena_alloc(c->jv.arena, f->nfeatures * sizeof(int32_t))) == NULL)
		return lr_jv_nomem(&c->jv);
	for (i = 0; i < f->nfeatures; i++)
		if ((s->forest_inputs[i] = InputNamed(c, f->features[i], LR_MK_NUMBER, NULL)) < 0)
			return false;
	Leave(c, mark);
	return true;
}

static bool
ParseArm(SCtx *c, const LrJson *o, LrSArm *arm, bool is_arm, bool single)
{
	static const char *const arm_keys[] = {"name", "share", "card", "approve_at", "decline_below", NULL};
	static const char *const shadow_keys[] = {"name", "card", "approve_at", "decline_below", NULL};
	const LrJson *card;
	LrCard	   *cd;
	bool		has_share = false,
				has_decline = false;
	size_t		mark,
				i;

	if (!lr_jv_check_keys(&c->jv, o, is_arm ? arm_keys : shadow_keys) ||
		!GetName(c, o, "name", true, &arm->name) ||
		!lr_jv_number(&c->jv, o, "approve_at", true, &arm->approve_at, NULL) ||
		!lr_jv_number(&c->jv, o, "decline_below", false, &arm->decline_below, &has_decline))
		return false;
	if (is_arm && !lr_jv_number(&c->jv, o, "share", !single, &arm->share, &has_share))
		return false;
	if (is_arm && !has_share)
		arm->share = 1;
	if (is_arm && !(arm->share > 0 && arm->share <= 1))
		return lr_jv_fail_at(&c->jv, "share", "%g is not above 0 and at most 1", arm->share);
	if (!has_decline)
		arm->decline_below = arm->approve_at;
	if (fabs(arm->approve_at) > 1e15)
		return lr_jv_fail_at(&c->jv, "approve_at", "%g is outside the allowed range of -1e15 to 1e15", arm->approve_at);
	if (fabs(arm->decline_below) > 1e15)
		return lr_jv_fail_at(&c->jv, "decline_below", "%g is outside the allowed range of -1e15 to 1e15", arm->decline_below);
	if (arm->decline_below > arm->approve_at)
		return lr_jv_fail_at(&c->jv, "decline_below", "%g is above approve_at %g", arm->decline_below, arm->approve_at);
	if (!EnterObject(c, o, "card", &card, &mark))
		return false;
	if (!lr_card_from_json(card, c->jv.arena, c->opts->tick, &cd, c->jv.err))
		return Prefixed(c, c->jv.err);
	arm->card = cd;
	if ((arm->inputs = lr_arena_alloc(c->jv.arena, (cd->nfeatures ? cd->nfeatures : 1) * sizeof(int32_t))) == NULL)
		return lr_jv_nomem(&c->jv);
	for (i = 0; i < cd->nfeatures; i++)
	{
		const LrFeature *f = &cd->features[i];

		arm->inputs[i] = InputNamed(c, f->name,
									f->kind == LR_FEATURE_NUMERIC ? LR_MK_NUMBER : LR_MK_TEXT, NULL);
		if (arm->inputs[i] < 0)
			return false;
	}
	Leave(c, mark);
	return true;
}

static bool
ParseScore(SCtx *c, const LrJson *st)
{
	static const char *const keys[] = {"arms", "shadows", "salt", NULL};
	LrStrategy *s = c->s;
	const LrJson *arms,
			   *shadows;
	double		total = 0;
	size_t		i,
				j,
				m1,
				m2;

	if (!lr_jv_check_keys(&c->jv, st, keys) ||
		!GetArray(c, st, "arms", true, true, &arms) ||
		!GetArray(c, st, "shadows", false, false, &shadows) ||
		!GetName(c, st, "salt", false, &s->salt))
		return false;
	s->narms = arms->n;
	if ((s->arms = lr_arena_alloc0(c->jv.arena, arms->n * sizeof(LrSArm))) == NULL)
		return lr_jv_nomem(&c->jv);
	m1 = lr_jv_enter_key(&c->jv, "arms");
	for (i = 0; i < arms->n; i++)
	{
		if (!EnterIndex(c, arms, i, &m2) ||
			!ParseArm(c, arms->items[i], &s->arms[i], true, arms->n == 1))
			return false;
		for (j = 0; j < i; j++)
			if (strcmp(s->arms[j].name, s->arms[i].name) == 0)
				return lr_jv_fail_at(&c->jv, "name", "\"%.60s\" is already the name of arms[%zu]", s->arms[i].name, j);
		total += s->arms[i].share;
		Leave(c, m2);
	}
	if (fabs(total - 1) > 1e-9)
	{
		lr_jv_fail(&c->jv, "shares add up to %.17g, not 1", total);
		lr_error_detail(c->jv.err, "The arms' shares are fractions of all applicants: 0.9 and 0.1, for example.");
		return false;
	}
	Leave(c, m1);
	if (shadows != NULL && shadows->n > 0)
	{
		s->nshadows = shadows->n;
		if ((s->shadows = lr_arena_alloc0(c->jv.arena, shadows->n * sizeof(LrSArm))) == NULL)
			return lr_jv_nomem(&c->jv);
		m1 = lr_jv_enter_key(&c->jv, "shadows");
		for (i = 0; i < shadows->n; i++)
		{
			if (!EnterIndex(c, shadows, i, &m2) ||
				!ParseArm(c, shadows->items[i], &s->shadows[i], false, false))
				return false;
			for (j = 0; j < s->narms; j++)
				if (strcmp(s->arms[j].name, s->shadows[i].name) == 0)
					return lr_jv_fail_at(&c->jv, "name", "\"%.60s\" is already the name of arms[%zu]", s->shadows[i].name, j);
			for (j = 0; j < i; j++)
				if (strcmp(s->shadows[j].name, s->shadows[i].name) == 0)
					return lr_jv_fail_at(&c->jv, "name", "\"%.60s\" is already the name of shadows[%zu]", s->shadows[i].name, j);
			Leave(c, m2);
		}
		Leave(c, m1);
	}
	return true;
}

/* A credit policy object, handed to its parser as exact text. */
static bool
ParsePolicy(SCtx *c, const LrJson *st, bool is_limit)
{
	LrStrategy *s = c->s;
	const LrJson *pol;
	const char *text;
	size_t		len,
				mark;
	bool		ok;

	if (!EnterObject(c, st, "policy", &pol, &mark))
		return false;
	if ((text = ExactText(c, pol, &len)) == NULL)
		return false;
	if (is_limit)
	{
		LrLimitPolicy *p;

		ok = lr_limit_policy_parse(text, len, c->jv.arena, c->opts, &p, c->jv.err);
		s->limit = p;
		s->limit_policy_text = text;
	}
	else
	{
		LrPricePolicy *p;

		ok = lr_price_policy_parse(text, len, c->jv.arena, c->opts, &p, c->jv.err);
		s->price = p;
		s->price_policy_text = text;
	}
	if (!ok)
		return Prefixed(c, c->jv.err);
	Leave(c, mark);
	return true;
}

static bool
ParseLimit(SCtx *c, const LrJson *st)
{
	static const char *const keys[] = {"policy", "monthly_revenue", "existing_debt",
	"requested_amount", NULL};
	LrStrategy *s = c->s;

	return lr_jv_check_keys(&c->jv, st, keys) &&
		ParsePolicy(c, st, true) &&
		GetInput(c, st, "monthly_revenue", true, LR_MK_NUMBER, &s->revenue, &s->revenue_input) &&
		GetInput(c, st, "existing_debt", false, LR_MK_NUMBER, &s->existing_debt, &s->existing_input) &&
		GetInput(c, st, "requested_amount", false, LR_MK_NUMBER, &s->requested_amount,
				 &s->requested_amount_input);
}

static bool
ParsePrice(SCtx *c, const LrJson *st)
{
	static const char *const keys[] = {"policy", "lgd", "term_months", "requested_term",
	"repayment_method", "upfront_fee_rate", NULL};
	LrStrategy *s = c->s;
	int64_t		term = 0;
	const char *method = NULL;

	if (!lr_jv_check_keys(&c->jv, st, keys) ||
		!ParsePolicy(c, st, false) ||
		!lr_jv_number_range(&c->jv, st, "lgd", true, 0, 1, &s->lgd, NULL) ||
		!lr_jv_int(&c->jv, st, "term_months", true, 1, LR_TERM_MAX, &term, NULL) ||
		!GetInput(c, st, "requested_term", false, LR_MK_NUMBER, &s->requested_term,
				  &s->requested_term_input) ||
		!lr_jv_string(&c->jv, st, "repayment_method", false, &method) ||
		!lr_dec_field(&c->jv, st, "upfront_fee_rate", false, LR_RATE_SCALE, 0, LR_RATE_ONE - 1,
					  "a fraction from 0 to below 1", c->src, c->srclen, &s->fee_rate, NULL))
		return false;
	s->term_months = (int) term;
	s->method = LR_SCHED_EQUAL_INSTALLMENT;
	if (method != NULL)
	{
		size_t		mark = lr_jv_enter_key(&c->jv, "repayment_method");

		if (!lr_sched_method_parse(method, strlen(method), &s->method, c->jv.err))
			return Prefixed(c, c->jv.err);
		lr_jv_leave(&c->jv, mark);
	}
	return true;
}

/* A product: matching's reader of products as JSON (lr_mproduct_from_json). */
static bool
ParseProduct(SCtx *c, const LrJson *o, LrMProduct *p)
{
	return lr_mproduct_from_json(&c->jv, o, c->src, c->srclen, c->opts, true, &c->s->cat.schema, p);
}

static bool
ParseOffers(SCtx *c, const LrJson *st)
{
	static const char *const keys[] = {"products", "min_probability", "max_results", "order_by", NULL};
	LrStrategy *s = c->s;
	const LrJson *products,
			   *mr;
	const char *order = NULL;
	size_t		i,
				j,
				m1,
				m2;

	s->min_probability = 0.8;
	s->max_results = 3;
	s->order = LR_ORDER_TOTAL_COST;
	if (!lr_jv_check_keys(&c->jv, st, keys) ||
		!GetArray(c, st, "products", true, true, &products) ||
		!lr_jv_number_range(&c->jv, st, "min_probability", false, 0, 1, &s->min_probability, NULL) ||
		!lr_jv_string(&c->jv, st, "order_by", false, &order))
		return false;
	mr = lr_json_get(st, "max_results");
	if (mr != NULL && mr->kind == LRJ_NULL)
		s->max_results = -1;
	else if (!lr_jv_int(&c->jv, st, "max_results", false, 0, LR_STRATEGY_MAX_ITEMS, &s->max_results, NULL))
		return false;
	if (order != NULL)
	{
		size_t		mark = lr_jv_enter_key(&c->jv, "order_by");

		if (!lr_morder_parse(order, strlen(order), &s->order, c->jv.err))
			return Prefixed(c, c->jv.err);
		lr_jv_leave(&c->jv, mark);
	}
	s->cat.nproducts = products->n;
	if ((s->cat.products = lr_arena_alloc0(c->jv.arena, products->n * sizeof(LrMProduct))) == NULL)
		return lr_jv_nomem(&c->jv);
	m1 = lr_jv_enter_key(&c->jv, "products");
	for (i = 0; i < products->n; i++)
	{
		if (!EnterIndex(c, products, i, &m2) ||
			!ParseProduct(c, products->items[i], &s->cat.products[i]))
			return false;
		for (j = 0; j < i; j++)
			if (strcmp(s->cat.products[j].id, s->cat.products[i].id) == 0)
				return lr_jv_fail_at(&c->jv, "product_id", "\"%.60s\" is already the product_id of products[%zu]",
							  s->cat.products[i].id, j);
		Leave(c, m2);
	}
	Leave(c, m1);
	return true;
}

typedef bool (*StageParser) (SCtx *c, const LrJson *st);

static bool
ParseStages(SCtx *c, const LrJson *root)
{
	static const StageParser parsers[LR_SS_COUNT] = {
		ParseKnockOut, ParseIdentity, ParseAnomaly, ParseScore, ParseLimit, ParsePrice, ParseOffers
	};
	static const char *const keys[] = {"knock_out", "identity", "anomaly", "score", "limit",
	"price", "offers", NULL};
	LrStrategy *s = c->s;
	const LrJson *stages;
	size_t		mark;
	int			i;
	bool		any = false;

	if (!EnterObject(c, root, "stages", &stages, &mark) ||
		!lr_jv_check_keys(&c->jv, stages, keys))
		return false;
	for (i = 0; i < LR_SS_COUNT; i++)
	{
		const LrJson *st;
		size_t		m2;

		if (!lr_jv_object(&c->jv, stages, StageNames[i], &st))
			return false;
		if (st == NULL)
			continue;
		m2 = lr_jv_enter_key(&c->jv, StageNames[i]);
		if (!parsers[i] (c, st))
			return false;
		Leave(c, m2);
		s->has_stage[i] = true;
		any = true;
	}
	if (!any)
	{
		lr_jv_fail(&c->jv, "has no stage");
		lr_error_detail(c->jv.err, "Stages: knock_out, identity, anomaly, score, limit, price, offers.");
		return false;
	}

	/* What later stages need from earlier ones. */
	if (s->has_stage[LR_SS_LIMIT] || s->has_stage[LR_SS_PRICE])
	{
		const char *need = s->has_stage[LR_SS_LIMIT] ? "limit" : "price";
		size_t		k;

		if (!s->has_stage[LR_SS_SCORE])
		{
			lr_jv_fail_at(&c->jv, need, "needs a score stage");
			lr_error_detail(c->jv.err, "Limits and prices are set from the probability of default of the score stage's card.");
			return false;
		}
		for (k = 0; k < s->narms + s->nshadows; k++)
		{
			const LrSArm *a = k < s->narms ? &s->arms[k] : &s->shadows[k - s->narms];

			if (!a->card->has_scaling)
			{
				size_t		m2 = lr_jv_enter_key(&c->jv, "score");
				size_t		m3 = lr_jv_enter_key(&c->jv, k < s->narms ? "arms" : "shadows");
				size_t		m4 = lr_jv_enter_index(&c->jv, k < s->narms ? k : k - s->narms);

				lr_jv_fail_at(&c->jv, "card", "has no scaling, so it gives no probability of default");
				lr_error_detail(c->jv.err, "The %s stage needs the probability of default of every card.", need);
				lr_jv_leave(&c->jv, m4);
				lr_jv_leave(&c->jv, m3);
				lr_jv_leave(&c->jv, m2);
				return false;
			}
		}
	}
	if (s->has_stage[LR_SS_PRICE] && !s->has_stage[LR_SS_LIMIT])
	{
		lr_jv_fail_at(&c->jv, "price", "needs a limit stage");
		lr_error_detail(c->jv.err, "The loan priced is the limit (or the requested amount within it).");
		return false;
	}
	Leave(c, mark);
	return true;
}

bool
lr_strategy_parse(const char *text, size_t len, LrArena *arena, const LrJsonOptions *opts,
				  LrStrategy **out, LrError *err)
{
	static const char *const keys[] = {"format", "name", "version", "description", "key",
	"stages", "metadata", NULL};
	SCtx		c;
	LrStrategy *s;
	LrJson	   *root;
	const char *format;
	const LrJson *v;
	size_t		i;

	*out = NULL;
	if (!lr_json_parse(text, len, arena, opts, &root, err))
		return false;
	memset(&c, 0, sizeof(c));
	lr_jv_init(&c.jv, arena, err);
	c.src = text;
	c.srclen = len;
	c.opts = opts;
	if (!lr_jv_expect(&c.jv, root, LRJ_OBJECT) || !lr_jv_check_keys(&c.jv, root, keys))
		return false;
	if ((s = lr_arena_alloc0(arena, sizeof(LrStrategy))) == NULL)
		return lr_jv_nomem(&c.jv);
	c.s = s;
	s->key_input = s->revenue_input = s->existing_input = -1;
	s->requested_amount_input = s->requested_term_input = -1;
	lr_mschema_init(&s->cat.schema, arena);
	lr_mschema_init(&c.inputs, arena);

	if (!lr_jv_string(&c.jv, root, "format", true, &format))
	{
		lr_error_detail(err, "A strategy starts with \"format\": \"%s\".", LR_STRATEGY_FORMAT);
		return false;
	}
	if (strcmp(format, LR_STRATEGY_FORMAT) != 0)
	{
		lr_jv_fail_at(&c.jv, "format", "unsupported format \"%.100s\"", format);
		lr_error_detail(err, "This version of loan_risk reads \"%s\".", LR_STRATEGY_FORMAT);
		return false;
	}
	if (!GetName(&c, root, "name", true, &s->name) ||
		!GetName(&c, root, "version", true, &s->version) ||
		!lr_jv_string(&c.jv, root, "description", false, &s->description) ||
		!GetInput(&c, root, "key", false, LR_MK_TEXT, &s->key, &s->key_input))
		return false;
	v = lr_json_get(root, "metadata");
	if (v != NULL)
	{
		if (!lr_jv_object(&c.jv, root, "metadata", &v))
			return false;
		s->metadata = v;
	}
	if (!ParseStages(&c, root))
		return false;
	if (s->narms > 1 && s->key == NULL)
	{
		lr_jv_fail(&c.jv, "missing required field \"key\"");
		lr_error_detail(err, "With more than one arm, the applicant key column assigns each applicant to an arm.");
		return false;
	}

	/* Every field of the matching schema is an input too. */
	if (s->cat.schema.n > 0)
	{
		if ((s->match_input = lr_arena_alloc(arena, s->cat.schema.n * sizeof(int32_t))) == NULL)
			return lr_jv_nomem(&c.jv);
		for (i = 0; i < s->cat.schema.n; i++)
		{
			const LrMField *f = &s->cat.schema.fields[i];

			s->match_input[i] = lr_mschema_field(&c.inputs, f->name, f->kind, f->first_use, err);
			if (s->match_input[i] < 0)
				return false;
		}
	}
	if (s->has_stage[LR_SS_OFFERS] && !lr_mcatalog_finish(&s->cat, err))
		return false;
	s->ninputs = c.inputs.n;
	if ((s->inputs = lr_arena_alloc0(arena, (s->ninputs ? s->ninputs : 1) * sizeof(LrSInput))) == NULL)
		return lr_jv_nomem(&c.jv);
	for (i = 0; i < s->ninputs; i++)
	{
		s->inputs[i].name = c.inputs.fields[i].name;
		s->inputs[i].kind = c.inputs.fields[i].kind;
		s->inputs[i].first_use = c.inputs.fields[i].first_use;
	}
	*out = s;
	return true;
}

/* ---------------------------------------------------------------- writer */

static void
Dec(LrBuf *b, bool *first, const char *key, lr_i128 v, int scale)
{
	char		t[64];

	lr_json_member(b, first, key);
	lr_dec_format(t, sizeof(t), v, scale, 0);
	lr_buf_puts(b, t);
}

static void
WriteArm(LrBuf *b, const LrSArm *a, bool is_arm)
{
	bool		first = true;

	lr_buf_putc(b, '{');
	lr_json_member_string(b, &first, "name", a->name);
	if (is_arm)
		lr_json_member_number(b, &first, "share", a->share);
	lr_json_member_number(b, &first, "approve_at", a->approve_at);
	lr_json_member_number(b, &first, "decline_below", a->decline_below);
	lr_json_member(b, &first, "card");
	lr_card_write(a->card, b);
	lr_buf_putc(b, '}');
}

static void
WriteProduct(LrBuf *b, const LrStrategy *s, const LrMProduct *p)
{
	bool		first = true;
	char		t[64];

	lr_buf_putc(b, '{');
	lr_json_member_string(b, &first, "product_id", p->id);
	lr_json_member_string(b, &first, "bank", p->bank);
	lr_json_member_string(b, &first, "product_type", p->type);
	lr_json_member(b, &first, "min_amount");
	lr_buf_puts(b, lr_cents_str(t, sizeof(t), p->min_amount));
	lr_json_member(b, &first, "max_amount");
	lr_buf_puts(b, lr_cents_str(t, sizeof(t), p->max_amount));
	lr_json_member(b, &first, "min_term");
	lr_buf_printf(b, "%d", p->min_term);
	lr_json_member(b, &first, "max_term");
	lr_buf_printf(b, "%d", p->max_term);
	if (p->rate_range)
	{
		Dec(b, &first, "min_rate", p->min_rate, LR_RATE_SCALE);
		Dec(b, &first, "max_rate", p->max_rate, LR_RATE_SCALE);
	}
	else
		Dec(b, &first, "rate", p->min_rate, LR_RATE_SCALE);
	lr_json_member_string(b, &first, "repayment_method", lr_sched_method_name(p->method));
	lr_json_member(b, &first, "rules");
	lr_mrules_write(p->rules, &s->cat.schema, b);
	lr_json_member(b, &first, "approval_model");
	if (p->card != NULL)
		lr_card_write(p->card, b);
	else
		lr_buf_puts(b, "null");
	lr_buf_putc(b, '}');
}

/* The identity stage: its checks and its lists. */
static void
WriteIdentity(LrBuf *b, const LrStrategy *s)
{
	size_t		i;
	bool		f2 = true;

	lr_buf_putc(b, '{');
	if (s->nchecks > 0)
	{
		lr_json_member(b, &f2, "checks");
		lr_buf_putc(b, '[');
		for (i = 0; i < s->nchecks; i++)
		{
			const LrSCheck *ck = &s->checks[i];
			bool		f3 = true;

			lr_buf_puts(b, i > 0 ? ", {" : "{");
			lr_json_member_string(b, &f3, "column", ck->column);
			lr_json_member_string(b, &f3, "kind", lr_sidkind_name(ck->kind));
			lr_json_member_string(b, &f3, "code", ck->code);
			lr_json_member_string(b, &f3, "reason", ck->reason);
			lr_json_member_string(b, &f3, "action", lr_soutcome_name(ck->action));
			lr_json_member_string(b, &f3, "if_null", ck->pass_if_null ? "pass" : "fail");
			lr_buf_putc(b, '}');
		}
		lr_buf_putc(b, ']');
	}
	if (s->nlists > 0)
	{
		lr_json_member(b, &f2, "lists");
		lr_buf_putc(b, '[');
		for (i = 0; i < s->nlists; i++)
		{
			const LrSList *l = &s->lists[i];
			bool		f3 = true;

			lr_buf_puts(b, i > 0 ? ", {" : "{");
			lr_json_member_string(b, &f3, "code", l->code);
			lr_json_member_string(b, &f3, "list", lr_slist_name(l->list));
			lr_json_member_string(b, &f3, "schema", l->schema);
			lr_json_member_string(b, &f3, "table", l->table);
			lr_json_member_string(b, &f3, "key_column", l->key_column);
			lr_json_member_string(b, &f3, "column", l->column);
			lr_json_member_string(b, &f3, "normalize", lr_sidkind_name(l->normalize));
			lr_json_member_string(b, &f3, "reason", l->reason);
			lr_json_member_string(b, &f3, "action", lr_soutcome_name(l->action));
			lr_buf_putc(b, '}');
		}
		lr_buf_putc(b, ']');
	}
	lr_buf_putc(b, '}');
}

/* The score stage: the salt, the arms and the shadows. */
static void
WriteScore(LrBuf *b, const LrStrategy *s)
{
	size_t		i;
	bool		f2 = true;

	lr_buf_putc(b, '{');
	if (s->salt != NULL)
		lr_json_member_string(b, &f2, "salt", s->salt);
	lr_json_member(b, &f2, "arms");
	lr_buf_putc(b, '[');
	for (i = 0; i < s->narms; i++)
	{
		if (i > 0)
			lr_buf_puts(b, ", ");
		WriteArm(b, &s->arms[i], true);
	}
	lr_buf_putc(b, ']');
	if (s->nshadows > 0)
	{
		lr_json_member(b, &f2, "shadows");
		lr_buf_putc(b, '[');
		for (i = 0; i < s->nshadows; i++)
		{
			if (i > 0)
				lr_buf_puts(b, ", ");
			WriteArm(b, &s->shadows[i], false);
		}
		lr_buf_putc(b, ']');
	}
	lr_buf_putc(b, '}');
}

/* The offers stage: its options and the products. */
static void
WriteOffers(LrBuf *b, const LrStrategy *s)
{
	size_t		i;
	bool		f2 = true;
	const char *order = s->order == LR_ORDER_MONTHLY_PAYMENT ? "monthly_payment" :
		s->order == LR_ORDER_RATE ? "rate" :
		s->order == LR_ORDER_PROBABILITY ? "probability" : "total_cost";

	lr_buf_putc(b, '{');
	lr_json_member_number(b, &f2, "min_probability", s->min_probability);
	lr_json_member(b, &f2, "max_results");
	if (s->max_results < 0)
		lr_buf_puts(b, "null");
	else
		lr_buf_printf(b, "%lld", (long long) s->max_results);
	lr_json_member_string(b, &f2, "order_by", order);
	lr_json_member(b, &f2, "products");
	lr_buf_putc(b, '[');
	for (i = 0; i < s->cat.nproducts; i++)
	{
		if (i > 0)
			lr_buf_puts(b, ", ");
		WriteProduct(b, s, &s->cat.products[i]);
	}
	lr_buf_putc(b, ']');
	lr_buf_putc(b, '}');
}

static void
WriteStages(LrBuf *b, const LrStrategy *s)
{
	bool		first = true;

	lr_buf_putc(b, '{');
	if (s->has_stage[LR_SS_KNOCK_OUT])
	{
		lr_json_member(b, &first, "knock_out");
		lr_buf_puts(b, "{\"rules\": ");
		lr_mrules_write(s->knock_out, &s->cat.schema, b);
		lr_buf_putc(b, '}');
	}
	if (s->has_stage[LR_SS_IDENTITY])
	{
		lr_json_member(b, &first, "identity");
		WriteIdentity(b, s);
	}
	if (s->has_stage[LR_SS_ANOMALY])
	{
		bool		f2 = true;

		lr_json_member(b, &first, "anomaly");
		lr_buf_putc(b, '{');
		if (s->has_anomaly_refer)
			lr_json_member_number(b, &f2, "refer_at", s->anomaly_refer_at);
		if (s->has_anomaly_decline)
			lr_json_member_number(b, &f2, "decline_at", s->anomaly_decline_at);
		lr_json_member(b, &f2, "model");
		lr_iforest_write(s->forest, b);
		lr_buf_putc(b, '}');
	}
	if (s->has_stage[LR_SS_SCORE])
	{
		lr_json_member(b, &first, "score");
		WriteScore(b, s);
	}
	if (s->has_stage[LR_SS_LIMIT])
	{
		bool		f2 = true;

		lr_json_member(b, &first, "limit");
		lr_buf_putc(b, '{');
		lr_json_member_string(b, &f2, "monthly_revenue", s->revenue);
		if (s->existing_debt != NULL)
			lr_json_member_string(b, &f2, "existing_debt", s->existing_debt);
		if (s->requested_amount != NULL)
			lr_json_member_string(b, &f2, "requested_amount", s->requested_amount);
		lr_json_member(b, &f2, "policy");
		lr_buf_puts(b, s->limit_policy_text);
		lr_buf_putc(b, '}');
	}
	if (s->has_stage[LR_SS_PRICE])
	{
		bool		f2 = true;

		lr_json_member(b, &first, "price");
		lr_buf_putc(b, '{');
		lr_json_member_number(b, &f2, "lgd", s->lgd);
		lr_json_member(b, &f2, "term_months");
		lr_buf_printf(b, "%d", s->term_months);
		if (s->requested_term != NULL)
			lr_json_member_string(b, &f2, "requested_term", s->requested_term);
		lr_json_member_string(b, &f2, "repayment_method", lr_sched_method_name(s->method));
		Dec(b, &f2, "upfront_fee_rate", s->fee_rate, LR_RATE_SCALE);
		lr_json_member(b, &f2, "policy");
		lr_buf_puts(b, s->price_policy_text);
		lr_buf_putc(b, '}');
	}
	if (s->has_stage[LR_SS_OFFERS])
	{
		lr_json_member(b, &first, "offers");
		WriteOffers(b, s);
	}
	lr_buf_putc(b, '}');
}

bool
lr_strategy_write(const LrStrategy *s, LrBuf *out)
{
	bool		first = true;

	lr_buf_putc(out, '{');
	lr_json_member_string(out, &first, "format", LR_STRATEGY_FORMAT);
	lr_json_member_string(out, &first, "name", s->name);
	lr_json_member_string(out, &first, "version", s->version);
	if (s->description != NULL)
		lr_json_member_string(out, &first, "description", s->description);
	if (s->key != NULL)
		lr_json_member_string(out, &first, "key", s->key);
	lr_json_member(out, &first, "stages");
	WriteStages(out, s);
	lr_json_member_doc(out, &first, "metadata", s->metadata);
	lr_buf_putc(out, '}');
	return !out->failed;
}
