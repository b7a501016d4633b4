/*
 * matching.h
 *	  Bank-product matching in pure C: the rule language (parsed, validated,
 *	  written back canonically and evaluated), the table of applicant fields
 *	  the rules and approval models read, compiled products, and the kernel
 *	  that matches one applicant against every product.
 *
 * Nothing here includes PostgreSQL headers: the same code runs in a backend
 * (row by row, or in OpenMP threads for the batch form) and in the fuzz
 * target test/fuzz/matching_fuzz.c.  See doc/matching.md for the language.
 *
 * Applicant values reach the kernel as one double per field:
 *   number fields: the value; NaN for NULL (and for NaN itself: missing);
 *   text fields:   the code of the value in the field's dictionary (every
 *                  string a rule or a model mentions for that column), -1
 *                  for any other string, NaN for NULL;
 *   bool fields:   1 or 0, NaN for NULL;
 *   any fields:    the number for numeric columns, else 1; NaN for NULL.
 */
#ifndef LR_MATCHING_H
#define LR_MATCHING_H

#include "common/lr_base.h"
#include "common/lr_json.h"
#include "common/lr_jv.h"
#include "credit/credit.h"
#include "scoring/card.h"

#define LR_MATCH_COLUMN_MAX 63	/* longer names can never match a column */
#define LR_MATCH_NAME_MAX	200		/* product_id, bank and product_type in JSON (bytes) */
#define LR_MATCH_MAX_NODES	100000	/* conditions and groups in one product's rules */
#define LR_MATCH_BLOCK		256		/* applicants evaluated together (lr_mrules_mask, lr_match_block) */

/*
 * The block loops only compare and combine masks, never compute with
 * floating point, so an AVX2 build of them (chosen when the library loads,
 * on CPUs that have it) gives the same results as the baseline one.
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define LR_MATCH_CLONES __attribute__((target_clones("default", "avx2")))
#else
#define LR_MATCH_CLONES
#endif

/* ---- Applicant fields and their dictionaries --------------------------- */

typedef enum LrMKind
{
	LR_MK_NUMBER = 1,			/* compared with numbers */
	LR_MK_TEXT,					/* compared with strings (and read by categorical model features) */
	LR_MK_BOOL,					/* compared with true / false */
	LR_MK_ANY					/* null checks: any type (numbers: NaN counts as NULL) */
} LrMKind;

/* Strings of one text field, each with a code (its position). */
typedef struct LrMDict
{
	size_t		n;
	size_t		cap;
	const char **strs;
	size_t	   *lens;
	size_t		mask;			/* hash capacity - 1 */
	int32_t    *slots;			/* code, or -1 for an empty slot */
} LrMDict;

typedef struct LrMField
{
	const char *name;
	LrMKind		kind;
	const char *first_use;		/* who reads it first, for messages: "rules[2] of product \"p1\"" */
	LrMDict		dict;			/* text fields only */
} LrMField;

typedef struct LrMSchema
{
	LrArena    *arena;
	size_t		n;
	size_t		cap;
	LrMField   *fields;
} LrMSchema;

extern void lr_mschema_init(LrMSchema *s, LrArena *arena);
/* Index of the field (name, kind), added if new; -1 (err set) when out of memory. */
extern int32_t lr_mschema_field(LrMSchema *s, const char *name, LrMKind kind,
								const char *use, LrError *err);
/* Code of a string of a text field, added if new; -1 (err set) when out of memory. */
extern int32_t lr_mschema_intern(LrMSchema *s, int32_t field, const char *str, size_t len,
								 LrError *err);
/* Code of a string, or -1 when no rule or model mentions it. */
extern int32_t lr_mschema_lookup(const LrMSchema *s, int32_t field, const char *str, size_t len);
extern const char *lr_mkind_name(LrMKind kind);

/* ---- Rules ------------------------------------------------------------ */

typedef enum LrMOp
{
	LR_MOP_EQ = 1,
	LR_MOP_NE,
	LR_MOP_LT,
	LR_MOP_LE,
	LR_MOP_GT,
	LR_MOP_GE,
	LR_MOP_IN,
	LR_MOP_NOT_IN,
	LR_MOP_BETWEEN,
	LR_MOP_IS_NULL,
	LR_MOP_NOT_NULL,
	LR_MOP_ALL,
	LR_MOP_ANY
} LrMOp;

typedef enum LrMDim
{
	LR_DIM_APPLICANT = 1,
	LR_DIM_PRODUCT,
	LR_DIM_LOAN,
	LR_DIM_PROCESS
} LrMDim;

typedef enum LrMOutcome
{
	LR_MO_PASS = 0,
	LR_MO_FAIL,					/* the condition is false */
	LR_MO_MISSING				/* it fails because a value it needs is NULL (or NaN) */
} LrMOutcome;

typedef struct LrMNode
{
	LrMOp		op;
	bool		pass_if_null;	/* "if_null": "pass" */
	int32_t		field;			/* conditions: the field read */
	double		a;				/* comparison value, or between's lower bound */
	double		b;				/* between's upper bound */
	int32_t		nvalues;		/* in / not in: sorted, distinct */
	double	   *values;
	int32_t		nchildren;		/* groups */
	int32_t    *children;		/* node indices */
	const LrJson *value;		/* the value as written, for the canonical text */
} LrMNode;

typedef struct LrMRule
{
	const char *name;			/* NULL if absent */
	LrMDim		dim;
	const char *reason;
	int32_t		node;			/* root node */
} LrMRule;

typedef struct LrMRules
{
	size_t		nrules;
	LrMRule    *rules;
	size_t		nnodes;
	LrMNode    *nodes;
} LrMRules;

/*
 * Parses and validates a rules document (a JSON array of rules), adding the
 * fields and strings it reads to schema.  owner names the product in
 * first_use ("product \"p1\""), may be NULL.  On failure err names the JSON
 * path: rules[2].any[0].op: ...
 */
extern bool lr_mrules_parse(const char *text, size_t len, LrArena *arena,
							const LrJsonOptions *opts, LrMSchema *schema, const char *owner,
							LrMRules **out, LrError *err);
extern bool lr_mrules_from_json(const LrJson *root, LrArena *arena, LrMSchema *schema,
								const char *owner, LrMRules **out, LrError *err);

/* Canonical JSON text: fixed key order, shortest round-trip numbers. */
extern bool lr_mrules_write(const LrMRules *r, const LrMSchema *schema, LrBuf *out);

/* Outcome of node for the applicant values vals; *culprit = the first leaf behind a failure. */
extern LrMOutcome lr_mrules_eval(const LrMRules *r, int32_t node, const double *vals,
								 int32_t *culprit);

/* True when every rule passes (stops at the first that fails). */
extern bool lr_mrules_pass(const LrMRules *r, const double *vals);

/*
 * The same for n <= LR_MATCH_BLOCK applicants at once, field f's values at
 * cols + f * stride: clears mask[i] for every applicant some rule fails;
 * false when none is left (it stops there).
 */
extern bool lr_mrules_mask(const LrMRules *r, const double *cols, size_t stride, int n,
						   uint8_t *mask);

extern const char *lr_mop_name(LrMOp op);
extern const char *lr_mdim_name(LrMDim dim);

/* ---- Products and the kernel ------------------------------------------ */

typedef enum LrMOrder
{
	LR_ORDER_TOTAL_COST = 1,	/* lowest total interest per unit borrowed */
	LR_ORDER_MONTHLY_PAYMENT,	/* lowest first payment per unit borrowed */
	LR_ORDER_RATE,				/* lowest offered rate */
	LR_ORDER_PROBABILITY,		/* highest approval probability */
	LR_ORDER_CONFIDENT_COST		/* offers whose approval bound clears the threshold first, then by total cost */
} LrMOrder;

extern bool lr_morder_parse(const char *s, size_t len, LrMOrder *out, LrError *err);

#define LR_MRATE_STEP	((lr_i128) 100000000000000LL)	/* 0.0001 at scale 18 */

/*
 * A card feature compiled for the kernel: the field it reads, the card's
 * points table, and for a categorical feature the code of every string of
 * the field's dictionary, looked up once with the card's own lr_code_text.
 */
typedef struct LrMFeatProg
{
	int32_t		field;
	const LrTableFeature *t;
	int32_t    *dict_code;		/* categorical: per dictionary code + 1 (0: any other string) */
} LrMFeatProg;

typedef struct LrMProduct
{
	const char *id;
	const char *bank;
	const char *type;
	int64_t		min_amount;		/* cents */
	int64_t		max_amount;
	int			min_term;		/* months */
	int			max_term;
	bool		rate_range;
	lr_i128		min_rate;		/* scale 18; equal to max_rate for a fixed rate */
	lr_i128		max_rate;
	LrSchedMethod method;
	LrMRules   *rules;
	const LrCard *card;			/* approval model; NULL when the product has none */
	int32_t    *card_field;		/* per card feature: its field */
	LrMFeatProg *prog;			/* per card feature, made by lr_mcatalog_finish */
} LrMProduct;

typedef struct LrMCatalog
{
	LrMSchema	schema;
	size_t		nproducts;
	LrMProduct *products;
	size_t		max_card_features;	/* of any product's card (lr_mcatalog_finish) */
} LrMCatalog;

/*
 * Binds product p's card to the schema: a field per feature and every
 * category of categorical features interned.  Call for every product, then
 * lr_mcatalog_finish once the schema is complete.
 */
extern bool lr_mproduct_bind_card(LrMSchema *schema, LrMProduct *p, const char *owner,
								  LrError *err);
extern bool lr_mcatalog_finish(LrMCatalog *cat, LrError *err);

/* Checks the product's ranges and that its largest loan has a schedule. */
extern bool lr_mproduct_check(const LrMProduct *p, LrError *err);

/*
 * A product from JSON (products_json.c): an object with the columns of a
 * products table, numbers read exactly from src (the document's text), its
 * rules and card bound to schema.  strict: other members are an error (else
 * ignored, as other columns of a table).  Errors name the path (v's).
 */
extern bool lr_mproduct_from_json(LrJv *v, const LrJson *o, const char *src, size_t srclen,
								  const LrJsonOptions *opts, bool strict, LrMSchema *schema,
								  LrMProduct *p);

/* Products from a JSON array of product objects (src, srclen), finished, ids unique. */
extern bool lr_mcatalog_from_json(const char *src, size_t srclen, LrArena *arena,
								  const LrJsonOptions *opts, LrMCatalog *cat, LrError *err);

/* An error naming the second place a product_id is given ("[3].product_id: ... of products[1]"). */
extern bool lr_mcatalog_unique_ids(const LrMCatalog *cat, LrJv *v);

typedef struct LrMRequest
{
	int64_t		amount;			/* cents; -1: each product's largest amount */
	int			term;			/* months; -1: each product's longest term */
	double		min_probability;
	int64_t		max_results;	/* -1: no limit */
	LrMOrder	order;
	/*
	 * > 0: z of the one-sided lower confidence bound of the approval
	 * probability, 1 - pd at log-odds l - z se (lr_card_log_odds_se).  A
	 * candidate is recommended only when that bound reaches min_probability,
	 * except under LR_ORDER_CONFIDENT_COST, which ranks by it instead.
	 * 0: no bound.
	 */
	double		bound_z;
} LrMRequest;

typedef enum LrMStatus
{
	LR_MS_RECOMMENDED = 0,
	LR_MS_BELOW_THRESHOLD,
	LR_MS_NOT_ELIGIBLE,
	LR_MS_NO_MODEL,
	LR_MS_CANNOT_SCORE
} LrMStatus;

typedef struct LrMQuote
{
	int64_t		amount;
	int			term;
	lr_i128		rate;
	int64_t		payment;		/* first period's payment */
	lr_i128		total_cost;		/* total interest: up to 1200 periods of 8.3e15
								 * cents at 10000% on 10^13, beyond int64 */
} LrMQuote;

typedef struct LrMResult
{
	int32_t		product;
	double		probability;
	LrMQuote	q;
} LrMResult;

/* Working memory of the kernel for one block of applicants (lr_mscratch_alloc). */
typedef struct LrMCand
{
	int32_t		product;
	double		probability;
	lr_i128		rate;
	int64_t		amount;
	int			term;
	double		lo;				/* bounds of the ranking key */
	double		hi;
	LrMQuote	q;
	double		key;			/* exact ranking key */
	bool		confident;		/* the approval bound reaches the threshold */
} LrMCand;

typedef struct LrMScratch
{
	double	   *cols;			/* nfields x LR_MATCH_BLOCK: the block's values by field */
	double	   *cand_prob;		/* LR_MATCH_BLOCK x nproducts: each applicant's candidates ... */
	int32_t    *cand_product;	/* ... and their products, in product order */
	int32_t    *ncand;			/* LR_MATCH_BLOCK */
	double	   *score;			/* LR_MATCH_BLOCK */
	LrMCand    *cand;			/* nproducts */
	int64_t    *amount;			/* LR_MATCH_BLOCK: each applicant's request */
	int32_t    *term;
	int32_t    *idx;			/* LR_MATCH_BLOCK: applicants left after the rules */
	int32_t    *codes;			/* max_card_features x LR_MATCH_BLOCK: a card's codes by feature */
	const int32_t **code_rows;	/* max_card_features: each feature's row of codes */
	uint8_t    *mask;			/* LR_MATCH_BLOCK */
	uint8_t    *ok;				/* LR_MATCH_BLOCK */
	uint8_t    *cand_conf;		/* LR_MATCH_BLOCK x nproducts: each candidate's confident */
} LrMScratch;

/* Bytes of one scratch, and its layout in mem (8-byte aligned). */
extern size_t lr_mscratch_size(const LrMCatalog *cat);
extern void lr_mscratch_init(LrMScratch *s, const LrMCatalog *cat, void *mem);

/* The loan quoted for a request: requested amount and term or the product's largest. */
extern void lr_mproduct_loan(const LrMProduct *p, const LrMRequest *req, int64_t *amount, int *term);

/* Does the requested loan fit the product's ranges? */
extern bool lr_mproduct_fits(const LrMProduct *p, const LrMRequest *req);

/*
 * The card's score of the values, the same double as loan_risk.score
 * (scratch holds the codes).  False when the card cannot score them (a NULL
 * without a missing bin, a category without an unseen bin); *feature is
 * then the feature at fault.
 */
extern bool lr_mproduct_score(const LrMProduct *p, const double *vals, LrMScratch *scratch,
							  double *score, int *feature);

/* Approval probability 1 - pd of the product's card (lr_mproduct_score, then pd). */
extern bool lr_mproduct_probability(const LrMProduct *p, const double *vals, LrMScratch *scratch,
									double *prob, int *feature);

/* Offered rate: fixed, or within the range by the probability of rejection (to 0.0001). */
extern lr_i128 lr_mproduct_rate(const LrMProduct *p, double probability);

/* Exact schedule figures; false only on arithmetic overflow (err set). */
extern bool lr_mquote(LrSchedMethod m, int64_t amount, lr_i128 rate, int term, LrMQuote *q,
					  LrError *err);

/*
 * Matches n <= LR_MATCH_BLOCK applicants: vals holds each applicant's
 * nfields values one after the other; amount and term (either may be NULL)
 * override the request's per applicant.  For each applicant, the products
 * whose checks and rules pass and whose approval probability reaches the
 * threshold, best first by req->order (ties: lower total cost per unit,
 * lower total cost, higher probability, earlier product): at most kcap of
 * them in out[i * kcap ...], their number in nres[i].  False on arithmetic
 * overflow (err set), which the product checks make impossible.
 */
extern bool lr_match_block(const LrMCatalog *cat, const double *vals, int n,
						   const int64_t *amount, const int32_t *term, const LrMRequest *req,
						   int64_t kcap, LrMScratch *scratch, LrMResult *out, int64_t *nres,
						   LrError *err);

#endif							/* LR_MATCHING_H */
