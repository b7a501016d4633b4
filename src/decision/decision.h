/*
 * decision.h
 *	  The loan_risk.strategy type as stored, the per-backend cache of
 *	  compiled strategies, and the evaluator behind decide(), decide_detail(),
 *	  replay() and compare_strategies().
 */
#ifndef LR_DECISION_H
#define LR_DECISION_H

#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "utils/jsonb.h"

#include "common/lr_model_type.h"
#include "common/lr_row.h"
#include "decision/strategy.h"
#include "scoring/score.h"

#define LR_STRATEGY_HASH_LEN 32		/* SHA-256 */

/*
 * The stored value, made by the model-type helper (common/lr_model_type.h):
 * its header, then the type's own header, the SHA-256 of the canonical text
 * (the strategy's content hash, also the key of the backend's compile cache,
 * so a stored strategy is recognised from its first bytes without detoasting
 * the rest), then the canonical JSON text.
 */
typedef LrModelValue LrStrategyValue;

extern const LrModelType lr_strategy_type;

#define LrStrategyHash(v)	((const uint8 *) (v)->json)

/*
 * A strategy compiled once per backend: the parsed strategy (its cards'
 * points tables compiled by the scorecard core) and the prepared lookups of
 * its lists.  Kept in a small cache
 * keyed on the content hash.
 */
typedef struct LrDecisionPlan
{
	uint8		hash[LR_STRATEGY_HASH_LEN];
	char		hash_hex[2 * LR_STRATEGY_HASH_LEN + 1];
	uint64		generation;		/* changes whenever the cache slot is reused */
	uint64		last_used;
	MemoryContext cxt;
	LrAlloc		alloc;
	LrArena		arena;
	LrStrategy *s;
	bool	   *money_input;	/* per input: also read as an exact decimal */
	SPIPlanPtr *list_plans;		/* per list, prepared on first use */
	size_t		kcap;			/* offers: results per applicant */
} LrDecisionPlan;

/*
 * The plan of a strategy argument: the per-query cache in fn_extra first
 * (keyed on the argument's bytes), then the backend's cache (keyed on the
 * content hash).  The returned plan stays valid until the next call of
 * lr_decision_plan_get in this backend.
 */
typedef struct LrPlanRef
{
	char	   *key;			/* the argument's bytes as passed */
	Size		keylen;
	const void *keyptr;
	bool		keystable;
	int			slot;
	uint64		generation;
} LrPlanRef;

extern LrDecisionPlan *lr_decision_plan_get(LrPlanRef *ref, MemoryContext cxt, Datum strategy);

#endif							/* LR_DECISION_H */
