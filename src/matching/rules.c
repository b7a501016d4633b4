/*
 * rules.c
 *	  The matching rule language: parser and validator, canonical writer and
 *	  evaluator, and the table of applicant fields with their dictionaries.
 *	  Pure C (see matching.h); the language is described in doc/matching.md.
 *
 * A rules document is a JSON array.  Each element is a rule:
 *   {"name": "...",                      optional
 *    "dimension": "applicant" | "product" | "loan" | "process",
 *    "reason": "text shown when the rule fails",
 *    <condition or group>}
 * A condition is {"column", "op", "value", "if_null"}; a group is
 * {"all": [...]} or {"any": [...]} of conditions and groups (which carry no
 * dimension, reason or name of their own).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/lr_jv.h"
#include "matching/matching.h"

/* ---------------------------------------------------------------- schema */

void
lr_mschema_init(LrMSchema *s, LrArena *arena)
{
	memset(s, 0, sizeof(*s));
	s->arena = arena;
}

const char *
lr_mkind_name(LrMKind kind)
{
	switch (kind)
	{
		case LR_MK_NUMBER:
			return "number";
		case LR_MK_TEXT:
			return "text";
		case LR_MK_BOOL:
			return "boolean";
		case LR_MK_ANY:
			return "any";
	}
	return "unknown";
}

int32_t
lr_mschema_field(LrMSchema *s, const char *name, LrMKind kind, const char *use, LrError *err)
{
	size_t		i;
	LrMField   *f;

	for (i = 0; i < s->n; i++)
		if (s->fields[i].kind == kind && strcmp(s->fields[i].name, name) == 0)
			return (int32_t) i;
	if (s->n >= INT32_MAX / 2)
	{
		lr_error_set(err, LR_ERR_LIMIT, "too many applicant columns");
		return -1;
	}
	if (s->n == s->cap)
	{
		size_t		cap = s->cap ? s->cap * 2 : 16;
		LrMField   *nf = lr_arena_alloc(s->arena, cap * sizeof(LrMField));

		if (nf == NULL)
		{
			lr_error_nomem(err, "the matching rules");
			return -1;
		}
		if (s->n > 0)
			memcpy(nf, s->fields, s->n * sizeof(LrMField));
		s->fields = nf;
		s->cap = cap;
	}
	f = &s->fields[s->n];
	memset(f, 0, sizeof(*f));
	f->name = lr_arena_strndup(s->arena, name, strlen(name));
	f->kind = kind;
	f->first_use = use ? lr_arena_strndup(s->arena, use, strlen(use)) : NULL;
	if (f->name == NULL || (use != NULL && f->first_use == NULL))
	{
		lr_error_nomem(err, "the matching rules");
		return -1;
	}
	return (int32_t) s->n++;
}

/* Hand-written, not lib/simplehash.h: the rules compiler is pure C (fuzzed). */
static bool
DictGrow(LrArena *arena, LrMDict *d)
{
	size_t		cap = d->cap ? d->cap * 2 : 8;
	size_t		hcap = cap * 2;
	const char **strs = lr_arena_alloc(arena, cap * sizeof(char *));
	size_t	   *lens = lr_arena_alloc(arena, cap * sizeof(size_t));
	int32_t    *slots = lr_arena_alloc(arena, hcap * sizeof(int32_t));
	size_t		i;

	if (strs == NULL || lens == NULL || slots == NULL)
		return false;
	if (d->n > 0)
	{
		memcpy(strs, d->strs, d->n * sizeof(char *));
		memcpy(lens, d->lens, d->n * sizeof(size_t));
	}
	for (i = 0; i < hcap; i++)
		slots[i] = -1;
	for (i = 0; i < d->n; i++)
	{
		size_t		h = lr_hash_bytes(strs[i], lens[i]) & (hcap - 1);

		while (slots[h] >= 0)
			h = (h + 1) & (hcap - 1);
		slots[h] = (int32_t) i;
	}
	d->strs = strs;
	d->lens = lens;
	d->slots = slots;
	d->cap = cap;
	d->mask = hcap - 1;
	return true;
}

static int32_t
DictFind(const LrMDict *d, const char *str, size_t len, size_t *slot)
{
	size_t		h;

	if (d->cap == 0)
		return -1;
	h = lr_hash_bytes(str, len) & d->mask;
	while (d->slots[h] >= 0)
	{
		int32_t		c = d->slots[h];

		if (d->lens[c] == len && memcmp(d->strs[c], str, len) == 0)
			return c;
		h = (h + 1) & d->mask;
	}
	if (slot)
		*slot = h;
	return -1;
}

int32_t
lr_mschema_intern(LrMSchema *s, int32_t field, const char *str, size_t len, LrError *err)
{
	LrMDict    *d = &s->fields[field].dict;
	size_t		slot;
	int32_t		c = DictFind(d, str, len, &slot);
	char	   *copy;

	if (c >= 0)
		return c;
	if (d->n >= INT32_MAX / 4)
	{
		lr_error_set(err, LR_ERR_LIMIT, "too many distinct strings for column \"%s\"",
					 s->fields[field].name);
		return -1;
	}
	if (d->n == d->cap)
	{
		if (!DictGrow(s->arena, d))
		{
			lr_error_nomem(err, "the matching rules");
			return -1;
		}
		DictFind(d, str, len, &slot);
	}
	copy = lr_arena_strndup(s->arena, str, len);
	if (copy == NULL)
	{
		lr_error_nomem(err, "the matching rules");
		return -1;
	}
	d->strs[d->n] = copy;
	d->lens[d->n] = len;
	d->slots[slot] = (int32_t) d->n;
	return (int32_t) d->n++;
}

int32_t
lr_mschema_lookup(const LrMSchema *s, int32_t field, const char *str, size_t len)
{
	return DictFind(&s->fields[field].dict, str, len, NULL);
}

/* ---------------------------------------------------------------- names */

static const struct
{
	const char *name;
	LrMOp		op;
}			OpNames[] =
{
	{"=", LR_MOP_EQ},
	{"!=", LR_MOP_NE},
	{"<", LR_MOP_LT},
	{"<=", LR_MOP_LE},
	{">", LR_MOP_GT},
	{">=", LR_MOP_GE},
	{"in", LR_MOP_IN},
	{"not in", LR_MOP_NOT_IN},
	{"between", LR_MOP_BETWEEN},
	{"is null", LR_MOP_IS_NULL},
	{"is not null", LR_MOP_NOT_NULL},
	{"all", LR_MOP_ALL},
	{"any", LR_MOP_ANY}
};

const char *
lr_mop_name(LrMOp op)
{
	size_t		i;

	for (i = 0; i < sizeof(OpNames) / sizeof(OpNames[0]); i++)
		if (OpNames[i].op == op)
			return OpNames[i].name;
	return "?";
}

static const char *const DimNames[] = {NULL, "applicant", "product", "loan", "process"};

const char *
lr_mdim_name(LrMDim dim)
{
	if (dim >= LR_DIM_APPLICANT && dim <= LR_DIM_PROCESS)
		return DimNames[dim];
	return "?";
}

/* ---------------------------------------------------------------- parser */

typedef struct RulesCtx
{
	LrJv		jv;				/* arena, error and path (src/common/lr_jv.h) */
	LrMSchema  *schema;
	const char *owner;
	size_t		nnodes;
	size_t		cap;
	LrMNode    *nodes;
} RulesCtx;

/* A required or optional string member; the path points at it on failure. */
static bool
GetString(RulesCtx *c, const LrJson *obj, const char *key, bool required, const LrJson **out)
{
	bool		ok;

	*out = lr_jv_field(&c->jv, obj, key, LRJ_STRING, required, &ok);
	return ok;
}

static int32_t
NewNode(RulesCtx *c)
{
	if (c->nnodes >= LR_MATCH_MAX_NODES)
	{
		lr_error_set(c->jv.err, LR_ERR_LIMIT, "%s: more than %d conditions and groups",
					 lr_path_str(&c->jv.path), LR_MATCH_MAX_NODES);
		return -1;
	}
	if (c->nnodes == c->cap)
	{
		size_t		cap = c->cap ? c->cap * 2 : 16;
		LrMNode    *nn = lr_arena_alloc(c->jv.arena, cap * sizeof(LrMNode));

		if (nn == NULL)
		{
			lr_jv_nomem(&c->jv);
			return -1;
		}
		if (c->nnodes > 0)
			memcpy(nn, c->nodes, c->nnodes * sizeof(LrMNode));
		c->nodes = nn;
		c->cap = cap;
	}
	memset(&c->nodes[c->nnodes], 0, sizeof(LrMNode));
	return (int32_t) c->nnodes++;
}

static int
CompareDouble(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/* The kind of field a JSON scalar is compared with; false for null, arrays and objects. */
static bool
ScalarKind(const LrJson *v, LrMKind *kind)
{
	switch (v->kind)
	{
		case LRJ_NUMBER:
			*kind = LR_MK_NUMBER;
			return true;
		case LRJ_STRING:
			*kind = LR_MK_TEXT;
			return true;
		case LRJ_BOOL:
			*kind = LR_MK_BOOL;
			return true;
		default:
			return false;
	}
}

/* A scalar as the double the kernel compares: number, 0/1, or a dictionary code. */
static bool
ScalarValue(RulesCtx *c, int32_t field, const LrJson *v, double *out)
{
	switch (v->kind)
	{
		case LRJ_NUMBER:
			*out = v->num;
			return true;
		case LRJ_BOOL:
			*out = v->b ? 1.0 : 0.0;
			return true;
		case LRJ_STRING:
			{
				int32_t		code = lr_mschema_intern(c->schema, field, v->str, v->len, c->jv.err);

				if (code < 0)
					return false;
				*out = (double) code;
				return true;
			}
		default:
			return false;
	}
}

static bool ParseNode(RulesCtx *c, const LrJson *obj, bool top, int32_t *out);

static const char *const TopKeys[] = {"name", "dimension", "reason", "column", "op", "value",
"if_null", "all", "any", NULL};
static const char *const NodeKeys[] = {"column", "op", "value", "if_null", "all", "any", NULL};

static bool
ParseGroup(RulesCtx *c, const LrJson *obj, const char *key, LrMOp op, int32_t *out)
{
	const LrJson *list = lr_json_get(obj, key);
	size_t		mark;
	int32_t		self;
	int32_t    *children;
	size_t		i;
	static const char *const leaf[] = {"column", "op", "value", "if_null", NULL};

	for (i = 0; leaf[i] != NULL; i++)
		if (lr_json_get(obj, leaf[i]) != NULL)
			return lr_jv_fail(&c->jv, "a group (\"%s\") cannot also have \"%s\"", key, leaf[i]);
	mark = lr_path_key(&c->jv.path, key);
	if (!lr_jv_expect(&c->jv, list, LRJ_ARRAY))
		return false;
	if (list->n == 0)
		return lr_jv_fail(&c->jv, "a group needs at least one rule");
	if (list->n > LR_MATCH_MAX_NODES)
		return lr_error_set(c->jv.err, LR_ERR_LIMIT, "%s: more than %d conditions and groups",
							lr_path_str(&c->jv.path), LR_MATCH_MAX_NODES);
	if ((self = NewNode(c)) < 0)
		return false;
	children = lr_arena_alloc(c->jv.arena, list->n * sizeof(int32_t));
	if (children == NULL)
		return lr_jv_nomem(&c->jv);
	for (i = 0; i < list->n; i++)
	{
		size_t		m2 = lr_path_index(&c->jv.path, i);

		if (!ParseNode(c, list->items[i], false, &children[i]))
			return false;
		lr_path_pop(&c->jv.path, m2);
	}
	c->nodes[self].op = op;
	c->nodes[self].field = -1;
	c->nodes[self].nchildren = (int32_t) list->n;
	c->nodes[self].children = children;
	lr_path_pop(&c->jv.path, mark);
	*out = self;
	return true;
}

/* "column": a name that can be a column's. */
static bool
ConditionColumn(RulesCtx *c, const LrJson *obj, const LrJson **col)
{
	size_t		mark;

	if (!GetString(c, obj, "column", true, col))
		return false;
	mark = lr_path_key(&c->jv.path, "column");
	if ((*col)->len == 0)
		return lr_jv_fail(&c->jv, "column name is empty");
	if ((*col)->len > LR_MATCH_COLUMN_MAX)
		return lr_jv_fail(&c->jv, "column name \"%.40s...\" is longer than %d bytes", (*col)->str,
						  LR_MATCH_COLUMN_MAX);
	lr_path_pop(&c->jv.path, mark);
	return true;
}

/* "op": a comparison (the group operators all and any are not conditions). */
static bool
ConditionOp(RulesCtx *c, const LrJson *obj, LrMOp *op)
{
	const LrJson *opv;

	*op = 0;
	if (!GetString(c, obj, "op", true, &opv))
		return false;
	for (size_t i = 0; i < sizeof(OpNames) / sizeof(OpNames[0]); i++)
		if (OpNames[i].op != LR_MOP_ALL && OpNames[i].op != LR_MOP_ANY &&
			strcmp(OpNames[i].name, opv->str) == 0)
			*op = OpNames[i].op;
	if (*op == 0)
	{
		lr_path_key(&c->jv.path, "op");
		lr_jv_fail(&c->jv, "unknown operator \"%.60s\"", opv->str);
		lr_error_detail(c->jv.err, "Operators: =, !=, <, <=, >, >=, in, not in, between, is null, is not null.");
		return false;
	}
	return true;
}

/* "if_null": "fail" (the default) or "pass"; not for the null tests. */
static bool
ConditionIfNull(RulesCtx *c, const LrJson *obj, LrMOp op, LrMNode *node)
{
	const LrJson *ifnull;
	size_t		mark;

	if (!GetString(c, obj, "if_null", false, &ifnull))
		return false;
	if (ifnull == NULL)
		return true;
	mark = lr_path_key(&c->jv.path, "if_null");
	if (op == LR_MOP_IS_NULL || op == LR_MOP_NOT_NULL)
		return lr_jv_fail(&c->jv, "\"if_null\" does not apply to \"%s\"", lr_mop_name(op));
	if (strcmp(ifnull->str, "pass") == 0)
		node->pass_if_null = true;
	else if (strcmp(ifnull->str, "fail") != 0)
		return lr_jv_fail(&c->jv, "expected \"fail\" or \"pass\", got \"%.60s\"", ifnull->str);
	lr_path_pop(&c->jv.path, mark);
	return true;
}

/* between's value: [low, high], two numbers in order. */
static bool
BetweenValue(RulesCtx *c, const LrJson *value)
{
	if (value->kind != LRJ_ARRAY || value->n != 2)
		return lr_jv_fail(&c->jv, "\"between\" takes an array of two numbers [low, high], got %s",
						  value->kind == LRJ_ARRAY ? "an array of another length" :
						  lr_json_kind_name(value->kind));
	for (size_t i = 0; i < 2; i++)
		if (value->items[i]->kind != LRJ_NUMBER)
		{
			lr_path_index(&c->jv.path, i);
			return lr_jv_expect(&c->jv, value->items[i], LRJ_NUMBER);
		}
	if (value->items[0]->num > value->items[1]->num)
	{
		char		lo[40],
					hi[40];

		lr_format_double(lo, sizeof(lo), value->items[0]->num);
		lr_format_double(hi, sizeof(hi), value->items[1]->num);
		return lr_jv_fail(&c->jv, "lower bound %s is above upper bound %s", lo, hi);
	}
	return true;
}

/* in / not in's value: a non-empty array of scalars of one kind, which is the field's. */
static bool
InValue(RulesCtx *c, LrMOp op, const LrJson *value, LrMKind *kind)
{
	if (value->kind != LRJ_ARRAY)
		return lr_jv_fail(&c->jv, "\"%s\" takes an array of values, got %s", lr_mop_name(op),
						  lr_json_kind_name(value->kind));
	if (value->n == 0)
		return lr_jv_fail(&c->jv, "\"%s\" needs at least one value", lr_mop_name(op));
	for (size_t i = 0; i < value->n; i++)
	{
		LrMKind		k;

		if (!ScalarKind(value->items[i], &k))
		{
			lr_path_index(&c->jv.path, i);
			return lr_jv_fail(&c->jv, "expected a number, a string or a boolean, got %s",
							  lr_json_kind_name(value->items[i]->kind));
		}
		if (i == 0)
			*kind = k;
		else if (k != *kind)
		{
			lr_path_index(&c->jv.path, i);
			return lr_jv_fail(&c->jv, "expected %s like the first value, got %s",
							  lr_json_kind_name(value->items[0]->kind),
							  lr_json_kind_name(value->items[i]->kind));
		}
	}
	return true;
}

/* "value" of a comparison, checked against the operator; it decides the kind of field read. */
static bool
ConditionValueKind(RulesCtx *c, LrMOp op, const LrJson *value, LrMKind *kind)
{
	switch (op)
	{
		case LR_MOP_EQ:
		case LR_MOP_NE:
			if (value->kind == LRJ_NULL)
			{
				lr_jv_fail(&c->jv, "null is not a value to compare with");
				lr_error_detail(c->jv.err, "Use \"op\": \"is null\" or \"is not null\".");
				return false;
			}
			if (!ScalarKind(value, kind))
				return lr_jv_fail(&c->jv, "expected a number, a string or a boolean, got %s",
								  lr_json_kind_name(value->kind));
			return true;
		case LR_MOP_LT:
		case LR_MOP_LE:
		case LR_MOP_GT:
		case LR_MOP_GE:
			if (value->kind != LRJ_NUMBER)
			{
				lr_jv_fail(&c->jv, "\"%s\" compares numbers, got %s", lr_mop_name(op),
						   lr_json_kind_name(value->kind));
				lr_error_detail(c->jv.err, "Strings and booleans are compared with =, !=, in and not in.");
				return false;
			}
			*kind = LR_MK_NUMBER;
			return true;
		case LR_MOP_BETWEEN:
			*kind = LR_MK_NUMBER;
			return BetweenValue(c, value);
		case LR_MOP_IN:
		case LR_MOP_NOT_IN:
			return InValue(c, op, value, kind);
		default:
			return true;
	}
}

/* The node's compiled operands (values as the field reads them: numbers or dictionary codes). */
static bool
ConditionOperands(RulesCtx *c, LrMNode *node, const LrJson *value)
{
	size_t		n = 0;

	switch (node->op)
	{
		case LR_MOP_EQ:
		case LR_MOP_NE:
		case LR_MOP_LT:
		case LR_MOP_LE:
		case LR_MOP_GT:
		case LR_MOP_GE:
			return ScalarValue(c, node->field, value, &node->a);
		case LR_MOP_BETWEEN:
			node->a = value->items[0]->num;
			node->b = value->items[1]->num;
			return true;
		case LR_MOP_IN:
		case LR_MOP_NOT_IN:
			node->values = lr_arena_alloc(c->jv.arena, value->n * sizeof(double));
			if (node->values == NULL)
				return lr_jv_nomem(&c->jv);
			for (size_t i = 0; i < value->n; i++)
				if (!ScalarValue(c, node->field, value->items[i], &node->values[i]))
					return false;
			qsort(node->values, value->n, sizeof(double), CompareDouble);
			for (size_t i = 0; i < value->n; i++)
				if (n == 0 || node->values[i] != node->values[n - 1])
					node->values[n++] = node->values[i];
			node->nvalues = (int32_t) n;
			return true;
		default:
			return true;
	}
}

static bool
ParseCondition(RulesCtx *c, const LrJson *obj, int32_t *out)
{
	const LrJson *col;
	const LrJson *value = lr_json_get(obj, "value");
	LrMOp		op;
	LrMKind		kind = LR_MK_ANY;
	LrMNode		node;
	bool		null_test;
	size_t		mark = 0;
	char		use[160];
	int32_t		self;

	memset(&node, 0, sizeof(node));
	/* Who reads the column, for messages about its type: this condition. */
	snprintf(use, sizeof(use), "%s%s%s", lr_path_str(&c->jv.path),
			 c->owner ? " of " : "", c->owner ? c->owner : "");
	if (!ConditionColumn(c, obj, &col) || !ConditionOp(c, obj, &op) ||
		!ConditionIfNull(c, obj, op, &node))
		return false;
	null_test = op == LR_MOP_IS_NULL || op == LR_MOP_NOT_NULL;
	if (null_test && value != NULL)
	{
		lr_path_key(&c->jv.path, "value");
		return lr_jv_fail(&c->jv, "\"%s\" takes no value", lr_mop_name(op));
	}
	if (!null_test)
	{
		if (value == NULL)
			return lr_jv_fail(&c->jv, "missing required field \"value\"");
		mark = lr_path_key(&c->jv.path, "value");
		if (!ConditionValueKind(c, op, value, &kind))
			return false;
	}
	node.op = op;
	node.field = lr_mschema_field(c->schema, col->str, kind, use, c->jv.err);
	if (node.field < 0)
		return false;
	node.value = value;
	if (!ConditionOperands(c, &node, value))
		return false;
	if (!null_test)
		lr_path_pop(&c->jv.path, mark);
	if ((self = NewNode(c)) < 0)
		return false;
	c->nodes[self] = node;
	*out = self;
	return true;
}

static bool
ParseNode(RulesCtx *c, const LrJson *obj, bool top, int32_t *out)
{
	const LrJson *all;
	const LrJson *any;

	if (!lr_jv_expect(&c->jv, obj, LRJ_OBJECT))
		return false;
	if (!top)
	{
		static const char *const ruleonly[] = {"name", "dimension", "reason", NULL};
		int			i;

		for (i = 0; ruleonly[i] != NULL; i++)
			if (lr_json_get(obj, ruleonly[i]) != NULL)
			{
				lr_jv_fail(&c->jv, "\"%s\" is only allowed on top-level rules", ruleonly[i]);
				lr_error_detail(c->jv.err, "A group's conditions share the dimension and reason of their rule.");
				return false;
			}
	}
	if (!lr_jv_check_keys(&c->jv, obj, top ? TopKeys : NodeKeys))
		return false;
	all = lr_json_get(obj, "all");
	any = lr_json_get(obj, "any");
	if (all != NULL && any != NULL)
		return lr_jv_fail(&c->jv, "a rule has either \"all\" or \"any\", not both");
	if (all != NULL)
		return ParseGroup(c, obj, "all", LR_MOP_ALL, out);
	if (any != NULL)
		return ParseGroup(c, obj, "any", LR_MOP_ANY, out);
	return ParseCondition(c, obj, out);
}

bool
lr_mrules_from_json(const LrJson *root, LrArena *arena, LrMSchema *schema,
					const char *owner, LrMRules **out, LrError *err)
{
	RulesCtx	c;
	LrMRules   *r;
	size_t		i;

	memset(&c, 0, sizeof(c));
		c.schema = schema;
	c.owner = owner;
	lr_jv_init(&c.jv, arena, err);
	lr_path_key(&c.jv.path, "rules");

	if (root->kind != LRJ_ARRAY)
	{
		lr_jv_fail(&c.jv, "expected an array of rules, got %s", lr_json_kind_name(root->kind));
		lr_error_detail(err, "Rules are written as [{\"dimension\": ..., \"reason\": ..., \"column\": ..., \"op\": ..., \"value\": ...}, ...].");
		return false;
	}
	if (root->n > LR_MATCH_MAX_NODES)
		return lr_error_set(err, LR_ERR_LIMIT, "rules: more than %d rules", LR_MATCH_MAX_NODES);
	r = lr_arena_alloc0(arena, sizeof(LrMRules));
	if (r == NULL)
		return lr_jv_nomem(&c.jv);
	r->rules = lr_arena_alloc0(arena, (root->n ? root->n : 1) * sizeof(LrMRule));
	if (r->rules == NULL)
		return lr_jv_nomem(&c.jv);
	for (i = 0; i < root->n; i++)
	{
		const LrJson *rv = root->items[i];
		LrMRule    *rule = &r->rules[i];
		const LrJson *s;
		size_t		mark = lr_path_index(&c.jv.path, i);
		int			d;

		if (!lr_jv_expect(&c.jv, rv, LRJ_OBJECT) || !lr_jv_check_keys(&c.jv, rv, TopKeys))
			return false;
		if (!GetString(&c, rv, "name", false, &s))
			return false;
		if (s != NULL)
		{
			size_t		m2 = lr_path_key(&c.jv.path, "name");

			if (s->len == 0)
				return lr_jv_fail(&c.jv, "name is empty");
			if (s->len > 200)
				return lr_jv_fail(&c.jv, "name is longer than 200 bytes");
			rule->name = s->str;
			lr_path_pop(&c.jv.path, m2);
		}
		if (!GetString(&c, rv, "dimension", true, &s))
			return false;
		for (d = LR_DIM_APPLICANT; d <= LR_DIM_PROCESS; d++)
			if (strcmp(s->str, DimNames[d]) == 0)
				rule->dim = (LrMDim) d;
		if (rule->dim == 0)
		{
			lr_path_key(&c.jv.path, "dimension");
			lr_jv_fail(&c.jv, "unknown dimension \"%.60s\"", s->str);
			lr_error_detail(err, "Dimensions: applicant, product, loan, process.");
			return false;
		}
		if (!GetString(&c, rv, "reason", true, &s))
			return false;
		if (s->len == 0)
		{
			lr_path_key(&c.jv.path, "reason");
			return lr_jv_fail(&c.jv, "reason is empty");
		}
		rule->reason = s->str;
		if (!ParseNode(&c, rv, true, &rule->node))
			return false;
		lr_path_pop(&c.jv.path, mark);
	}
	r->nrules = root->n;
	r->nnodes = c.nnodes;
	r->nodes = c.nodes;
	*out = r;
	return true;
}

bool
lr_mrules_parse(const char *text, size_t len, LrArena *arena, const LrJsonOptions *opts,
				LrMSchema *schema, const char *owner, LrMRules **out, LrError *err)
{
	LrJson	   *root;

	if (!lr_json_parse(text, len, arena, opts, &root, err))
		return false;
	return lr_mrules_from_json(root, arena, schema, owner, out, err);
}

/* ---------------------------------------------------------------- writer */

static bool
WriteNode(const LrMRules *r, const LrMSchema *schema, int32_t idx, LrBuf *out, bool open)
{
	const LrMNode *n = &r->nodes[idx];
	int32_t		i;

	if (!open)
		lr_buf_putc(out, '{');
	if (n->op == LR_MOP_ALL || n->op == LR_MOP_ANY)
	{
		lr_buf_puts(out, n->op == LR_MOP_ALL ? "\"all\": [" : "\"any\": [");
		for (i = 0; i < n->nchildren; i++)
		{
			if (i > 0)
				lr_buf_puts(out, ", ");
			WriteNode(r, schema, n->children[i], out, false);
		}
		lr_buf_putc(out, ']');
	}
	else
	{
		const char *col = schema->fields[n->field].name;

		lr_buf_puts(out, "\"column\": ");
		lr_json_write_string(out, col, strlen(col));
		lr_buf_puts(out, ", \"op\": ");
		lr_json_write_string(out, lr_mop_name(n->op), strlen(lr_mop_name(n->op)));
		if (n->value != NULL)
		{
			lr_buf_puts(out, ", \"value\": ");
			lr_json_write(out, n->value);
		}
		if (n->pass_if_null)
			lr_buf_puts(out, ", \"if_null\": \"pass\"");
	}
	lr_buf_putc(out, '}');
	return !out->failed;
}

bool
lr_mrules_write(const LrMRules *r, const LrMSchema *schema, LrBuf *out)
{
	size_t		i;

	lr_buf_putc(out, '[');
	for (i = 0; i < r->nrules; i++)
	{
		const LrMRule *rule = &r->rules[i];

		if (i > 0)
			lr_buf_puts(out, ", ");
		lr_buf_putc(out, '{');
		if (rule->name != NULL)
		{
			lr_buf_puts(out, "\"name\": ");
			lr_json_write_string(out, rule->name, strlen(rule->name));
			lr_buf_puts(out, ", ");
		}
		lr_buf_puts(out, "\"dimension\": ");
		lr_json_write_string(out, lr_mdim_name(rule->dim), strlen(lr_mdim_name(rule->dim)));
		lr_buf_puts(out, ", \"reason\": ");
		lr_json_write_string(out, rule->reason, strlen(rule->reason));
		lr_buf_puts(out, ", ");
		WriteNode(r, schema, rule->node, out, true);
	}
	lr_buf_putc(out, ']');
	return !out->failed;
}

/* ---------------------------------------------------------------- evaluation */

static bool
InList(const LrMNode *n, double v)
{
	int32_t		lo = 0;
	int32_t		hi = n->nvalues;

	if (hi <= 8)
	{
		for (lo = 0; lo < hi; lo++)
			if (n->values[lo] == v)
				return true;
		return false;
	}
	while (lo < hi)
	{
		int32_t		mid = lo + (hi - lo) / 2;

		if (n->values[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n->nvalues && n->values[lo] == v;
}

static inline LrMOutcome
EvalLeaf(const LrMNode *n, double v)
{
	bool		ok;

	if (n->op == LR_MOP_IS_NULL)
		return isnan(v) ? LR_MO_PASS : LR_MO_FAIL;
	if (n->op == LR_MOP_NOT_NULL)
		return isnan(v) ? LR_MO_FAIL : LR_MO_PASS;
	if (isnan(v))
		return n->pass_if_null ? LR_MO_PASS : LR_MO_MISSING;
	switch (n->op)
	{
		case LR_MOP_EQ:
			ok = (v == n->a);
			break;
		case LR_MOP_NE:
			ok = (v != n->a);
			break;
		case LR_MOP_LT:
			ok = (v < n->a);
			break;
		case LR_MOP_LE:
			ok = (v <= n->a);
			break;
		case LR_MOP_GT:
			ok = (v > n->a);
			break;
		case LR_MOP_GE:
			ok = (v >= n->a);
			break;
		case LR_MOP_BETWEEN:
			ok = (v >= n->a && v <= n->b);
			break;
		case LR_MOP_IN:
			ok = InList(n, v);
			break;
		case LR_MOP_NOT_IN:
			ok = !InList(n, v);
			break;
		default:
			ok = false;
			break;
	}
	return ok ? LR_MO_PASS : LR_MO_FAIL;
}

LrMOutcome
lr_mrules_eval(const LrMRules *r, int32_t idx, const double *vals, int32_t *culprit)
{
	const LrMNode *n = &r->nodes[idx];
	int32_t		i;

	if (n->op == LR_MOP_ALL)
	{
		for (i = 0; i < n->nchildren; i++)
		{
			LrMOutcome	o = lr_mrules_eval(r, n->children[i], vals, culprit);

			if (o != LR_MO_PASS)
				return o;
		}
		return LR_MO_PASS;
	}
	if (n->op == LR_MOP_ANY)
	{
		LrMOutcome	result = LR_MO_FAIL;
		int32_t		blame = -1;

		for (i = 0; i < n->nchildren; i++)
		{
			int32_t		c = -1;
			LrMOutcome	o = lr_mrules_eval(r, n->children[i], vals, &c);

			if (o == LR_MO_PASS)
				return LR_MO_PASS;
			/* Blame the first missing value, else the first failed condition. */
			if (blame < 0 || (o == LR_MO_MISSING && result != LR_MO_MISSING))
			{
				blame = c;
				result = o;
			}
		}
		if (culprit)
			*culprit = blame;
		return result;
	}
	if (culprit)
		*culprit = idx;
	return EvalLeaf(n, vals[n->field]);
}

/* The same without culprits, stopping at the first failed rule. */
static bool
PassNode(const LrMRules *r, const LrMNode *n, const double *vals)
{
	int32_t		i;

	if (n->op == LR_MOP_ALL)
	{
		for (i = 0; i < n->nchildren; i++)
			if (!PassNode(r, &r->nodes[n->children[i]], vals))
				return false;
		return true;
	}
	if (n->op == LR_MOP_ANY)
	{
		for (i = 0; i < n->nchildren; i++)
			if (PassNode(r, &r->nodes[n->children[i]], vals))
				return true;
		return false;
	}
	return EvalLeaf(n, vals[n->field]) == LR_MO_PASS;
}

bool
lr_mrules_pass(const LrMRules *r, const double *vals)
{
	size_t		i;

	for (i = 0; i < r->nrules; i++)
		if (!PassNode(r, &r->nodes[r->rules[i].node], vals))
			return false;
	return true;
}

/* ---------------------------------------------------------------- block evaluation */

/*
 * The same semantics over a block of applicants at once: one field's values
 * are contiguous (cols + field * stride), and every condition is a loop of
 * comparisons without branches that the compiler vectorises.  NaN is the
 * missing value: (v != v) detects it, and ordered comparisons with NaN are
 * false, as in EvalLeaf.
 */
/*
 * Comparisons only, no arithmetic: vectorised code gives the same results
 * as scalar code, so GCC may build an AVX2 clone chosen at load time.
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#pragma GCC push_options
#pragma GCC optimize ("tree-vectorize")
#endif
LR_MATCH_CLONES
static void
LeafMask(const LrMNode *nd, const double *restrict col, int n, uint8_t *restrict out)
{
	const uint8_t pin = nd->pass_if_null ? 1 : 0;
	const double a = nd->a;
	const double b = nd->b;
	const double *restrict values = nd->values;
	const int32_t nvalues = nd->nvalues;
	int			i,
				k;

	switch (nd->op)
	{
		case LR_MOP_EQ:
			for (i = 0; i < n; i++)
				out[i] = (col[i] == a) | (pin & (col[i] != col[i]));
			break;
		case LR_MOP_NE:
			for (i = 0; i < n; i++)
				out[i] = ((col[i] != a) & (col[i] == col[i])) | (pin & (col[i] != col[i]));
			break;
		case LR_MOP_LT:
			for (i = 0; i < n; i++)
				out[i] = (col[i] < a) | (pin & (col[i] != col[i]));
			break;
		case LR_MOP_LE:
			for (i = 0; i < n; i++)
				out[i] = (col[i] <= a) | (pin & (col[i] != col[i]));
			break;
		case LR_MOP_GT:
			for (i = 0; i < n; i++)
				out[i] = (col[i] > a) | (pin & (col[i] != col[i]));
			break;
		case LR_MOP_GE:
			for (i = 0; i < n; i++)
				out[i] = (col[i] >= a) | (pin & (col[i] != col[i]));
			break;
		case LR_MOP_BETWEEN:
			for (i = 0; i < n; i++)
				out[i] = ((col[i] >= a) & (col[i] <= b)) | (pin & (col[i] != col[i]));
			break;
		case LR_MOP_IS_NULL:
			for (i = 0; i < n; i++)
				out[i] = (col[i] != col[i]);
			break;
		case LR_MOP_NOT_NULL:
			for (i = 0; i < n; i++)
				out[i] = (col[i] == col[i]);
			break;
		case LR_MOP_IN:
		case LR_MOP_NOT_IN:
			{
				const uint8_t neg = (nd->op == LR_MOP_NOT_IN);

				if (nvalues <= 8)
				{
					for (i = 0; i < n; i++)
						out[i] = 0;
					for (k = 0; k < nvalues; k++)
					{
						const double c = values[k];

						for (i = 0; i < n; i++)
							out[i] |= (col[i] == c);
					}
				}
				else
					for (i = 0; i < n; i++)
						out[i] = InList(nd, col[i]);
				for (i = 0; i < n; i++)
					out[i] = ((out[i] ^ neg) & (col[i] == col[i])) | (pin & (col[i] != col[i]));
			}
			break;
		default:
			for (i = 0; i < n; i++)
				out[i] = 0;
			break;
	}
}

LR_MATCH_CLONES
static void
NodeMask(const LrMRules *r, const LrMNode *nd, const double *cols, size_t stride, int n, uint8_t *out)
{
	uint8_t		tmp[LR_MATCH_BLOCK];
	int32_t		c;
	int			i;

	if (nd->op != LR_MOP_ALL && nd->op != LR_MOP_ANY)
	{
		LeafMask(nd, cols + (size_t) nd->field * stride, n, out);
		return;
	}
	NodeMask(r, &r->nodes[nd->children[0]], cols, stride, n, out);
	for (c = 1; c < nd->nchildren; c++)
	{
		NodeMask(r, &r->nodes[nd->children[c]], cols, stride, n, tmp);
		if (nd->op == LR_MOP_ALL)
			for (i = 0; i < n; i++)
				out[i] &= tmp[i];
		else
			for (i = 0; i < n; i++)
				out[i] |= tmp[i];
	}
}

LR_MATCH_CLONES
bool
lr_mrules_mask(const LrMRules *r, const double *cols, size_t stride, int n, uint8_t *mask)
{
	uint8_t		tmp[LR_MATCH_BLOCK];
	size_t		k;
	int			i;

	for (k = 0; k < r->nrules; k++)
	{
		uint8_t		any = 0;

		NodeMask(r, &r->nodes[r->rules[k].node], cols, stride, n, tmp);
		for (i = 0; i < n; i++)
		{
			mask[i] &= tmp[i];
			any |= mask[i];
		}
		if (!any)
			return false;
	}
	return true;
}
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#pragma GCC pop_options
#endif
