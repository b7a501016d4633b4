/*
 * credit_pg.h
 *	  Server side of the credit area: policies compiled once per query and
 *	  cached in fn_extra, argument checks that name the argument, and
 *	  composite results.  Money and rates convert through common/lr_money.h.
 */
#ifndef LR_CREDIT_PG_H
#define LR_CREDIT_PG_H

#include "postgres.h"

#include "access/tupdesc.h"
#include "fmgr.h"

#include "common/lr_money.h"
#include "credit/credit.h"

/* Pure C parser of one kind of policy (adapters over lr_*_policy_parse). */
typedef bool (*LrPolicyParseFn) (const char *text, size_t len, LrArena *arena,
								 const LrJsonOptions *opts, void **out, LrError *err);

typedef struct LrPolicyCache
{
	MemoryContext cxt;			/* holds the policy; reset on rebuild */
	char	   *key;			/* bytes of the jsonb datum it was built from */
	Size		keylen;
	const void *keyptr;			/* last datum pointer seen, with keystable */
	bool		keystable;		/* the policy argument is a constant */
	LrAlloc		alloc;
	LrArena		arena;
	void	   *policy;
	TupleDesc	tupdesc;		/* blessed result row type, in fn_mcxt */
} LrPolicyCache;

/*
 * The policy in argument argno (jsonb), compiled on first use and whenever
 * the argument's bytes change; errors are raised as "<what>: <message>".
 */
extern LrPolicyCache *lr_policy_cache_get(FunctionCallInfo fcinfo, int argno,
										  LrPolicyParseFn parse, const char *what);

/* The blessed composite result type of this function, cached in fn_extra's cache. */
extern TupleDesc lr_result_tupdesc(FunctionCallInfo fcinfo, LrPolicyCache *cache);

/* A finite date, else an error naming the argument. */
extern int32 lr_arg_date(Datum d, const char *argname);

/* A double rounded to 10 decimal places, as numeric. */
extern Datum lr_rate10_datum(double v);

extern void lr_credit_raise(const LrError *err) pg_attribute_noreturn();

#endif							/* LR_CREDIT_PG_H */
