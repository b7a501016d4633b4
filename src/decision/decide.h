/*
 * decide.h
 *	  The decision evaluator: canonical applicant inputs in, the decision
 *	  (and, on request, a per-stage trace) out.  Shared by decide(),
 *	  decide_detail(), replay() and compare_strategies().
 */
#ifndef LR_DECIDE_H
#define LR_DECIDE_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/jsonb.h"

#include "decision/decision.h"
#include "matching/matching_pg.h"

/* Attributes of loan_risk.decision (src/sql/95_decision.sql). */
#define LR_DECISION_NATTS 21

/*
 * One applicant's inputs in canonical form, one per strategy input: a
 * float8 for numbers (and 1.0 / NaN for null checks), a text for strings,
 * a boolean; money inputs also as exact decimal text.  With the scratch the
 * stages need, allocated once per plan.
 */
typedef struct LrDecisionIn
{
	LrDecisionPlan *plan;
	Datum	   *values;
	bool	   *nulls;
	char	  **money;
	LrConv	   *conv;			/* per input: how values[] reads */
	LrRowBinder binder;			/* row mode */

	double	   *mvals;			/* the matching schema's values */
	LrMBind		mbind;			/* canonical inputs -> mvals (lr_mbind_values) */
	double	   *fx;				/* the forest's features */
	LrConv	  **card_conv;		/* per arm and shadow: per feature */
	int32	   *codes;			/* a card's codes for one applicant */
	LrMScratch	scratch;		/* offers */
	LrMResult  *res;
} LrDecisionIn;

typedef struct LrDReason
{
	LrSStage	stage;
	const char *code;
	const char *text;
} LrDReason;

typedef struct LrDReasons
{
	int			n;
	int			cap;
	LrDReason  *items;
} LrDReasons;

/* The score stage and after, for the arm in force or for a shadow. */
typedef struct LrDTerms
{
	LrSOutcome	outcome;		/* decline or refer from these stages, else approve */
	LrSStage	stage;			/* where */
	bool		has_score;
	double		score;
	bool		has_pd;
	double		pd;
	bool		has_limit;
	int64		limit;			/* cents */
	int64		amount;			/* the loan offered: the limit, or the requested amount within it */
	bool		has_rate;
	int			term;
	lr_i128		rate10;			/* annual rate, scale 10 */
	bool		has_payment;
	int64		payment;		/* first payment, cents */
	bool		has_apr;
	double		apr_x;			/* ln(1 + periodic rate of return) */
} LrDTerms;

typedef struct LrDShadow
{
	LrSOutcome	outcome;
	LrSStage	stage;
	LrDReasons	reasons;
	LrDTerms	t;
} LrDShadow;

typedef struct LrDecisionOut
{
	LrSOutcome	outcome;
	LrSStage	stage;
	LrDReasons	reasons;
	int			arm;			/* -1: no score stage, or it did not run */
	bool		has_u;
	double		u;				/* the key's position in [0, 1) */
	bool		has_anomaly;
	double		anomaly;
	LrDTerms	t;
	bool		has_offers;		/* false: no offers stage, or it did not run */
	int			noffers;
	LrMResult  *offers;
	LrDShadow  *shadows;		/* per shadow; NULL when the strategy has none */
	bool		lists_ran;
	bool	   *list_hit;		/* per list */
} LrDecisionOut;

typedef struct LrDecisionTrace
{
	bool		ran[LR_SS_COUNT];
	LrSOutcome	result[LR_SS_COUNT];
	StringInfoData saw[LR_SS_COUNT];	/* JSON object per stage */
} LrDecisionTrace;

/* Sets up in for plan, allocating in cxt; owner names the strategy in binder errors. */
extern void lr_decision_in_init(LrDecisionIn *in, LrDecisionPlan *plan, MemoryContext cxt);

/* Reads an applicant row / a jsonb object into in (CurrentMemoryContext: per applicant). */
extern void lr_decision_read_row(LrDecisionIn *in, HeapTupleHeader row);
extern void lr_decision_read_jsonb(LrDecisionIn *in, Jsonb *jb);

/*
 * Evaluates the strategy for the applicant in in.  hits (per list) replaces
 * the list lookups when given; trace, when given, gets each stage's record.
 * Allocates in CurrentMemoryContext.
 */
extern void lr_decision_evaluate(LrDecisionIn *in, const bool *hits, LrDecisionTrace *trace,
								 LrDecisionOut *out);

/* Row types of a decision: loan_risk.decision and its offer and shadow_decision elements. */
typedef struct LrDecisionDesc
{
	TupleDesc	decision;
	Oid			offer_type;
	TupleDesc	offer;
	Oid			shadow_type;
	TupleDesc	shadow;
} LrDecisionDesc;

/* Fills d from the decision row type td (blessed copies in cxt). */
extern void lr_decision_desc_init(LrDecisionDesc *d, TupleDesc td, MemoryContext cxt);

/* The loan_risk.decision row of out. */
extern HeapTuple lr_decision_tuple(const LrDecisionDesc *d, const LrDecisionPlan *plan,
								   const LrDecisionOut *out);

/* Per list: is its code in the array (a decision's list_hits)? */
extern bool *lr_decision_hits_from_array(const LrDecisionPlan *plan, ArrayType *arr);

/* The key's position u in [0, 1) for arm assignment (doc/strategy.md). */
extern double lr_decision_key_position(const char *salt, const char *key, size_t keylen);

#endif							/* LR_DECIDE_H */
