/*
 * products_json.c
 *	  Products as a JSON value: the rows of a products table as an array of
 *	  objects (what jsonb_agg(p) of the table gives), parsed into the same
 *	  LrMProduct as a row of the table.  Pure C (see matching.h): the
 *	  functions that take products as a constant (match_products(record,
 *	  jsonb), explain_match) and the strategies of src/decision read them
 *	  here, so that products need no table where they are used (on a Citus
 *	  worker, a query on a shard cannot read another distributed table).
 *
 * Numbers are read exactly as written in the source text (0.1 is one
 * tenth, not the nearest double): amounts to the cent, rates to 18
 * decimals, terms as integers.  A product_id may be a string or an integer
 * (as in a table); an approval model an object, or a string holding the
 * card's JSON (to_jsonb writes a loan_risk.scorecard column so).  null is
 * absent, as a NULL column; other members are ignored, as other columns of a
 * table are (a strategy, strict, refuses them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/lr_jv.h"
#include "credit/credit.h"
#include "matching/matching.h"

/* A name: a non-empty string of at most LR_MATCH_NAME_MAX bytes, or an integer for the id. */
static bool
GetName(LrJv *v, const LrJson *o, const char *key, bool required, bool integer_ok,
		const char *src, size_t srclen, const char **out)
{
	const LrJson *j = lr_json_get(o, key);
	size_t		mark;

	*out = NULL;
	if (j == NULL || j->kind == LRJ_NULL)
	{
		if (required)
			return lr_jv_fail(v, "missing required field \"%s\"", key);
		return true;
	}
	mark = lr_jv_enter_key(v, key);
	if (j->kind == LRJ_NUMBER && integer_ok)
	{
		const char *t;
		size_t		len;
		char	   *s;

		if (!lr_json_number_text(src, srclen, j, &t, &len))
			return lr_jv_fail(v, "number text not found");
		for (size_t i = 0; i < len; i++)
			if ((t[i] < '0' || t[i] > '9') && !(i == 0 && t[i] == '-'))
				return lr_jv_fail(v, "%.*s is not an integer or a string", (int) (len > 60 ? 60 : len), t);
		if ((s = lr_arena_strndup(v->arena, t, len)) == NULL)
			return lr_jv_nomem(v);
		*out = s;
		lr_jv_leave(v, mark);
		return true;
	}
	if (j->kind != LRJ_STRING)
		return lr_jv_fail(v, "expected a string, got %s", lr_json_kind_name(j->kind));
	if (j->len == 0)
		return lr_jv_fail(v, "must not be empty");
	if (j->len > LR_MATCH_NAME_MAX)
		return lr_jv_fail(v, "is longer than %d bytes", LR_MATCH_NAME_MAX);
	if (strlen(j->str) != j->len)
		return lr_jv_fail(v, "contains a NUL character");
	*out = j->str;
	lr_jv_leave(v, mark);
	return true;
}

bool
lr_mproduct_from_json(LrJv *v, const LrJson *o, const char *src, size_t srclen,
					  const LrJsonOptions *opts, bool strict, LrMSchema *schema, LrMProduct *p)
{
	static const char *const keys[] = {"product_id", "bank", "product_type", "min_amount",
		"max_amount", "min_term", "max_term", "rate", "min_rate", "max_rate",
	"repayment_method", "rules", "approval_model", NULL};
	const LrJson *rules,
			   *model;
	const char *method = NULL;
	lr_i128		d;
	int64_t		t;
	bool		has_rate,
				has_min,
				has_max;
	char		owner[LR_MATCH_NAME_MAX + 20];
	size_t		mark;

	memset(p, 0, sizeof(*p));
	if (!lr_jv_expect(v, o, LRJ_OBJECT) || (strict && !lr_jv_check_keys(v, o, keys)) ||
		!GetName(v, o, "product_id", true, true, src, srclen, &p->id) ||
		!GetName(v, o, "bank", false, false, src, srclen, &p->bank) ||
		!GetName(v, o, "product_type", false, false, src, srclen, &p->type))
		return false;
	snprintf(owner, sizeof(owner), "product \"%s\"", p->id);
	if (!lr_dec_field(v, o, "min_amount", true, 2, -LR_MONEY_MAX_CENTS, LR_MONEY_MAX_CENTS,
				"an amount of at most 10000000000000", src, srclen, &d, NULL))
		return false;
	p->min_amount = (int64_t) d;
	if (!lr_dec_field(v, o, "max_amount", true, 2, -LR_MONEY_MAX_CENTS, LR_MONEY_MAX_CENTS,
				"an amount of at most 10000000000000", src, srclen, &d, NULL))
		return false;
	p->max_amount = (int64_t) d;
	if (!lr_jv_int(v, o, "min_term", true, 1, LR_TERM_MAX, &t, NULL))
		return false;
	p->min_term = (int) t;
	if (!lr_jv_int(v, o, "max_term", true, 1, LR_TERM_MAX, &t, NULL))
		return false;
	p->max_term = (int) t;
	if (!lr_dec_field(v, o, "rate", false, LR_RATE_SCALE, 0, LR_SCHED_RATE_MAX, "a rate from 0 to 100",
				src, srclen, &p->min_rate, &has_rate) ||
		!lr_dec_field(v, o, "min_rate", false, LR_RATE_SCALE, 0, LR_SCHED_RATE_MAX, "a rate from 0 to 100",
				src, srclen, &p->min_rate, &has_min) ||
		!lr_dec_field(v, o, "max_rate", false, LR_RATE_SCALE, 0, LR_SCHED_RATE_MAX, "a rate from 0 to 100",
				src, srclen, &p->max_rate, &has_max))
		return false;
	if (has_rate && (has_min || has_max))
		return lr_jv_fail(v, "has both a rate and a rate range");
	if (has_rate)
		p->max_rate = p->min_rate;
	else if (has_min && has_max)
		p->rate_range = true;
	else
	{
		lr_jv_fail(v, "has no rate");
		lr_error_detail(v->err, "Give \"rate\", or \"min_rate\" and \"max_rate\".");
		return false;
	}
	p->method = LR_SCHED_EQUAL_INSTALLMENT;
	if (lr_json_get(o, "repayment_method") != NULL &&
		lr_json_get(o, "repayment_method")->kind != LRJ_NULL &&
		!lr_jv_string(v, o, "repayment_method", false, &method))
		return false;
	if (method != NULL)
	{
		mark = lr_jv_enter_key(v, "repayment_method");
		if (!lr_sched_method_parse(method, strlen(method), &p->method, v->err))
			return lr_jv_prefixed(v);
		lr_jv_leave(v, mark);
	}
	if (!lr_mproduct_check(p, v->err))
		return lr_jv_prefixed(v);
	if (!lr_jv_array(v, o, "rules", true, &rules))
		return false;
	/* the rules' errors start with their own path: rules[0].value: ... */
	if (!lr_mrules_from_json(rules, v->arena, schema, owner, &p->rules, v->err))
		return lr_jv_prefixed(v);
	model = lr_json_get(o, "approval_model");
	if (model != NULL && model->kind != LRJ_NULL)
	{
		LrCard	   *card;

		mark = lr_jv_enter_key(v, "approval_model");
		/* A card written by to_jsonb of a loan_risk.scorecard column: its JSON as a string. */
		if (model->kind == LRJ_STRING)
		{
			LrJson	   *inner;

			if (!lr_json_parse(model->str, model->len, v->arena, opts, &inner, v->err))
				return lr_jv_prefixed(v);
			model = inner;
		}
		if (!lr_jv_expect(v, model, LRJ_OBJECT))
			return false;
		if (!lr_card_from_json(model, v->arena, v->tick, &card, v->err))
			return lr_jv_prefixed(v);
		if (!card->has_scaling)
		{
			lr_jv_fail(v, "has no scaling, so it gives no probability");
			lr_error_detail(v->err, "An approval model needs \"scaling\": its pd is the probability of rejection.");
			return false;
		}
		p->card = card;
		lr_jv_leave(v, mark);
		if (!lr_mproduct_bind_card(schema, p, owner, v->err))
			return lr_jv_prefixed(v);
	}
	return true;
}

typedef struct IdAt
{
	const char *id;
	size_t		index;
} IdAt;

static int
CompareIds(const void *a, const void *b)
{
	const IdAt *x = a;
	const IdAt *y = b;
	int			c = strcmp(x->id, y->id);

	return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

bool
lr_mcatalog_unique_ids(const LrMCatalog *cat, LrJv *v)
{
	IdAt	   *ids;

	if (cat->nproducts < 2)
		return true;
	if ((ids = lr_arena_alloc(v->arena, cat->nproducts * sizeof(IdAt))) == NULL)
		return lr_jv_nomem(v);
	for (size_t i = 0; i < cat->nproducts; i++)
	{
		ids[i].id = cat->products[i].id;
		ids[i].index = i;
	}
	qsort(ids, cat->nproducts, sizeof(IdAt), CompareIds);
	for (size_t i = 1; i < cat->nproducts; i++)
		if (strcmp(ids[i - 1].id, ids[i].id) == 0)
		{
			size_t		mark = lr_jv_enter_index(v, ids[i].index);

			lr_jv_fail_at(v, "product_id", "\"%.60s\" is already the product_id of products[%zu]",
						  ids[i].id, ids[i - 1].index);
			lr_jv_leave(v, mark);
			return false;
		}
	return true;
}

bool
lr_mcatalog_from_json(const char *src, size_t srclen, LrArena *arena, const LrJsonOptions *opts,
					  LrMCatalog *cat, LrError *err)
{
	LrJv		v;
	LrJson	   *root;

	memset(cat, 0, sizeof(*cat));
	lr_mschema_init(&cat->schema, arena);
	if (!lr_json_parse(src, srclen, arena, opts, &root, err))
		return false;
	lr_jv_init(&v, arena, err);
	v.tick = opts->tick;
	if (root->kind != LRJ_ARRAY)
		return lr_jv_fail(&v, "products must be a JSON array of product objects, not %s",
						  lr_json_kind_name(root->kind));
	if (root->n > 0 &&
		(cat->products = lr_arena_alloc(arena, root->n * sizeof(LrMProduct))) == NULL)
		return lr_jv_nomem(&v);
	for (size_t i = 0; i < root->n; i++)
	{
		size_t		mark = lr_jv_enter_index(&v, i);

		if (!lr_jv_tick(&v) ||
			!lr_mproduct_from_json(&v, root->items[i], src, srclen, opts, false, &cat->schema,
								   &cat->products[i]))
			return false;
		lr_jv_leave(&v, mark);
		cat->nproducts++;
	}
	if (!lr_mcatalog_unique_ids(cat, &v))
		return false;
	return lr_mcatalog_finish(cat, err);
}
