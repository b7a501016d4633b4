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

#include "common/lr_row.h"
#include "decision/strategy.h"
#include "scoring/score.h"

#define LR_STRATEGY_STORAGE_VERSION 1
#define LR_STRATEGY_HASH_LEN 32		/* SHA-256 */

/*
 * The stored value: a header with the SHA-256 of the canonical text (the
 * strategy's content hash, also the key of the backend's compile cache, so a
 * stored strategy is recognised from its first bytes without detoasting the
 * rest), then the canonical JSON text.
 */
typedef struct LrStrategyValue
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint16		version;		/* storage format, LR_STRATEGY_STORAGE_VERSION */
	uint16		flags;			/* reserved, 0 */
	uint8		hash[LR_STRATEGY_HASH_LEN];
	char		json[FLEXIBLE_ARRAY_MEMBER];	/* canonical JSON, no NUL */
} LrStrategyValue;

#define LR_STRATEGY_HDRSZ		offsetof(LrStrategyValue, json)
#define LrStrategyJsonLen(v)	(VARSIZE(v) - LR_STRATEGY_HDRSZ)

#define DatumGetLrStrategyP(x)		((LrStrategyValue *) PG_DETOAST_DATUM(x))
#define PG_GETARG_LR_STRATEGY_P(n)	DatumGetLrStrategyP(PG_GETARG_DATUM(n))

extern void lr_strategy_value_check(const LrStrategyValue *v);

/*
 * A strategy compiled once per backend: the parsed strategy, a scoring cache
 * per card, and the prepared lookups of its lists.  Kept in a small cache
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
	LrCardCache **arm_cc;		/* per arm, then per shadow */
	FmgrInfo   *dummy_outfn;	/* zeroed: canonical inputs need no output function */
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

/* Builds the stored value of a strategy from its text (validated, canonical). */
extern LrStrategyValue *lr_strategy_value_from_text(const char *text, size_t len);

#endif							/* LR_DECISION_H */
