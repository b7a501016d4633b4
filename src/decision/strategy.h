/*
 * strategy.h
 *	  The credit decision strategy as a C structure: parsed and validated
 *	  from JSON (every error names the JSON path), written back as canonical
 *	  JSON, with every model it uses compiled through its own area's front
 *	  door: knock-out rules in matching's rule language, identifier checks of
 *	  src/antifraud/ident.h, the isolation forest of iforest.h, scorecards of
 *	  scoring/card.h, limit and pricing policies of credit/credit.h and
 *	  products in matching's catalog.  Pure C (no PostgreSQL calls), so the
 *	  parser is fuzzed as it runs (test/fuzz/strategy_fuzz.c).
 *
 * Format "loan_risk.strategy/1" (see doc/strategy.md):
 *   {"format": "loan_risk.strategy/1", "name": ..., "version": ...,
 *    "description": ..., "key": "applicant_id",
 *    "stages": {"knock_out": ..., "identity": ..., "anomaly": ...,
 *               "score": ..., "limit": ..., "price": ..., "offers": ...},
 *    "metadata": {...}}
 *
 * The stages run in that fixed order.  Everything the strategy reads from
 * the applicant is a named input (column name, or "profile.x" for field x of
 * a composite column "profile"), collected in one table: the evaluator reads
 * each input once per applicant, whatever number of stages use it.
 */
#ifndef LR_STRATEGY_H
#define LR_STRATEGY_H

#include "antifraud/iforest.h"
#include "common/lr_json.h"
#include "credit/credit.h"
#include "matching/matching.h"
#include "scoring/card.h"

#define LR_STRATEGY_FORMAT		"loan_risk.strategy/1"
#define LR_STRATEGY_NAME_MAX	200 /* name, version, codes, arm names (bytes) */
#define LR_STRATEGY_MAX_ITEMS	10000	/* checks, lists, arms, shadows, products */
#define LR_STRATEGY_INPUT_MAX	127 /* "profile.field": two names and a dot */

/* Stages, in the order they run. */
typedef enum LrSStage
{
	LR_SS_KNOCK_OUT = 0,
	LR_SS_IDENTITY,
	LR_SS_ANOMALY,
	LR_SS_SCORE,
	LR_SS_LIMIT,
	LR_SS_PRICE,
	LR_SS_OFFERS,
	LR_SS_COUNT
} LrSStage;

typedef enum LrSOutcome
{
	LR_SO_PASS = 0,				/* a stage found nothing against the applicant */
	LR_SO_APPROVE,
	LR_SO_REFER,
	LR_SO_DECLINE
} LrSOutcome;

/* Identifier kinds of src/antifraud/ident.h ("none": compared as written). */
typedef enum LrSIdKind
{
	LR_SID_NONE = 0,
	LR_SID_RESIDENT_ID,
	LR_SID_CREDIT_CODE,
	LR_SID_MOBILE,
	LR_SID_BANK_CARD
} LrSIdKind;

typedef enum LrSListKind
{
	LR_SL_BLACK = 1,			/* found: the action (decline by default) */
	LR_SL_GREY,					/* found: the action (refer by default) */
	LR_SL_WHITE					/* found: exempt from the black and grey lists;
								 * not found: the action (none by default) */
} LrSListKind;

/* An identifier check: the column's value must be a valid identifier. */
typedef struct LrSCheck
{
	const char *column;
	int32_t		input;
	LrSIdKind	kind;
	const char *code;
	const char *reason;
	LrSOutcome	action;			/* refer or decline when invalid */
	bool		pass_if_null;
} LrSCheck;

/* A list lookup by exact normalised key, in the lender's table. */
typedef struct LrSList
{
	const char *code;			/* unique among the lists: names hits in decisions */
	const char *reason;
	LrSListKind list;
	const char *schema;
	const char *table;
	const char *key_column;
	const char *column;			/* the applicant's input */
	int32_t		input;
	LrSIdKind	normalize;
	LrSOutcome	action;
} LrSList;

/* A scorecard with its cut-offs: an arm, or a shadow. */
typedef struct LrSArm
{
	const char *name;
	double		share;			/* arms: the share of applicants, in (0, 1] */
	const LrCard *card;
	int32_t    *inputs;			/* per card feature: its input */
	double		approve_at;		/* score >= approve_at: approve */
	double		decline_below;	/* score < decline_below: decline; else refer */
} LrSArm;

typedef struct LrSInput
{
	const char *name;
	LrMKind		kind;
	const char *first_use;		/* for messages: "stages.limit.monthly_revenue" */
} LrSInput;

typedef struct LrStrategy
{
	const char *name;
	const char *version;
	const char *description;	/* NULL if absent */
	const LrJson *metadata;		/* kept verbatim (keys sorted on output) */
	const char *key;			/* applicant key column for arms; NULL if absent */
	int32_t		key_input;

	/*
	 * The matching world: knock-out rules and offered products share one
	 * catalog (and so one schema of applicant fields); field f of the schema
	 * is input match_input[f].
	 */
	LrMCatalog	cat;
	int32_t    *match_input;

	bool		has_stage[LR_SS_COUNT];

	/* knock_out */
	LrMRules   *knock_out;

	/* identity */
	size_t		nchecks;
	LrSCheck   *checks;
	size_t		nlists;
	LrSList    *lists;

	/* anomaly */
	const LrForest *forest;
	LrForestModel *forest_model;
	int32_t    *forest_inputs;
	bool		has_anomaly_refer;
	double		anomaly_refer_at;
	bool		has_anomaly_decline;
	double		anomaly_decline_at;

	/* score */
	size_t		narms;
	LrSArm	   *arms;
	size_t		nshadows;
	LrSArm	   *shadows;
	const char *salt;			/* NULL: the strategy's name */

	/* limit */
	const LrLimitPolicy *limit;
	const char *limit_policy_text;	/* canonical text of the policy */
	const char *revenue;		/* input names (NULL if absent) */
	int32_t		revenue_input;
	const char *existing_debt;
	int32_t		existing_input;
	const char *requested_amount;
	int32_t		requested_amount_input;

	/* price */
	const LrPricePolicy *price;
	const char *price_policy_text;
	double		lgd;
	const char *lgd_text;		/* as written */
	int			term_months;	/* when no requested term is given */
	const char *requested_term;
	int32_t		requested_term_input;
	LrSchedMethod method;
	lr_i128		fee_rate;		/* upfront fee, a fraction of the amount, scale 18 */

	/* offers */
	double		min_probability;
	int64_t		max_results;	/* -1: all */
	LrMOrder	order;

	/* inputs */
	size_t		ninputs;
	size_t		inputs_cap;
	LrSInput   *inputs;

	bool		reads_tables;	/* has lists: decide() refuses it */
} LrStrategy;

/* Parses and validates; on failure err names the JSON path and the value. */
extern bool lr_strategy_parse(const char *text, size_t len, LrArena *arena,
							  const LrJsonOptions *opts, LrStrategy **out, LrError *err);

/* Canonical JSON text: fixed key order, models through their own writers. */
extern bool lr_strategy_write(const LrStrategy *s, LrBuf *out);

extern const char *lr_sstage_name(LrSStage stage);
extern const char *lr_soutcome_name(LrSOutcome outcome);
extern const char *lr_sidkind_name(LrSIdKind kind);
extern const char *lr_slist_name(LrSListKind list);

/*
 * Champion/challenger assignment: the arm whose cumulative share first
 * exceeds u, u in [0, 1) (see doc/strategy.md for how u comes from the key).
 */
extern size_t lr_strategy_arm(const LrStrategy *s, double u);

#endif							/* LR_STRATEGY_H */
