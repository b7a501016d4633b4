/*
 * credit_pg.c
 *	  Server glue of the credit area; see credit_pg.h.
 */
#include "postgres.h"

#include <math.h>

#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "common/lr_pg.h"
#include "credit/credit_pg.h"

void
lr_credit_raise(const LrError *err)
{
	lr_pg_raise(err, NULL);
}

LrPolicyCache *
lr_policy_cache_get(FunctionCallInfo fcinfo, int argno, LrPolicyParseFn parse, const char *what)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	LrPolicyCache *pc = (LrPolicyCache *) flinfo->fn_extra;
	struct varlena *raw = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(argno));
	Size		keylen;
	MemoryContext old;
	Jsonb	   *jb;
	char	   *text;
	LrJsonOptions opts;
	LrError		err = {0};

	if (pc == NULL)
	{
		pc = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(LrPolicyCache));
		pc->cxt = AllocSetContextCreate(flinfo->fn_mcxt, "loan_risk policy cache",
										ALLOCSET_SMALL_SIZES);
		pc->keystable = get_fn_expr_arg_stable(flinfo, argno);
		flinfo->fn_extra = pc;
	}

	/*
	 * Key on the bytes as passed (pg_trgm's pattern): a policy that changes
	 * from row to row (a join with a table of policies) is recompiled when
	 * it changes, never confused with the previous one.
	 */
	if (VARATT_IS_EXTERNAL(raw) && !VARATT_IS_EXTERNAL_ONDISK(raw))
		raw = pg_detoast_datum(raw);
	keylen = VARSIZE_ANY(raw);
	if (pc->policy != NULL && keylen == pc->keylen &&
		((pc->keystable && pc->keyptr == raw) || memcmp(pc->key, raw, keylen) == 0))
	{
		pc->keyptr = raw;
		return pc;
	}

	MemoryContextReset(pc->cxt);
	pc->policy = NULL;
	old = MemoryContextSwitchTo(pc->cxt);
	pc->key = palloc(keylen);
	memcpy(pc->key, raw, keylen);
	pc->keylen = keylen;
	pc->keyptr = raw;
	jb = DatumGetJsonbP(PointerGetDatum(raw));
	text = JsonbToCString(NULL, &jb->root, VARSIZE(jb));
	lr_pg_alloc_init(&pc->alloc, pc->cxt);
	lr_arena_init(&pc->arena, &pc->alloc, 64 * 1024 * 1024);
	lr_pg_json_options(&opts);
	if (!parse(text, strlen(text), &pc->arena, &opts, &pc->policy, &err))
	{
		MemoryContextSwitchTo(old);
		pc->policy = NULL;
		lr_pg_raise(&err, what);
	}
	MemoryContextSwitchTo(old);
	return pc;
}

TupleDesc
lr_result_tupdesc(FunctionCallInfo fcinfo, LrPolicyCache *cache)
{
	return lr_pg_result_desc(fcinfo, cache != NULL ? &cache->tupdesc : NULL, NULL, 0);
}

int32
lr_arg_date(Datum d, const char *argname)
{
	DateADT		v = DatumGetDateADT(d);

	if (DATE_NOT_FINITE(v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %s is not a finite date", argname,
						DATE_IS_NOBEGIN(v) ? "-infinity" : "infinity")));
	return (int32) v;
}

Datum
lr_rate10_datum(double v)
{
	if (fabs(v) < 9.0e8)
		return NumericGetDatum(int64_div_fast_to_numeric((int64) llround(v * 1e10), 10));
	{
		/* shortest round-trip digits (17 at most), not float8_numeric's 15 */
		char		buf[64];

		lr_pg_format_double(buf, sizeof(buf), v);
		return DirectFunctionCall2(numeric_round,
								   DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
													   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)),
								   Int32GetDatum(10));
	}
}
