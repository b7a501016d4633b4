/*
 * curve.c
 *	  The ROC and KS curves of a score distribution state: per distinct risk
 *	  value, from the riskiest down, the goods and bads at or above it.  The
 *	  state (loan_risk.score_dist_state of src/metrics) holds the exact counts
 *	  per value, so the curve is exact and agrees with auc(), ks() and
 *	  gini() computed from the same state.
 */
#include "postgres.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "common/lr_parallel.h"
#include "common/lr_pg.h"
#include "common/lr_state.h"
#include "metrics/curve.h"
#include "metrics/metrics.h"
#include "metrics/metrics_pg.h"

PG_FUNCTION_INFO_V1(roc_curve);

size_t
lr_roc_build(const LrDistState *st, LrRocRow **out)
{
	size_t		n = lr_dist_nruns(st);
	LrRocRow   *rows;
	LrDistIter	it;
	int64		g_lt = 0,
				b_lt = 0;
	int64		G = st->total[0],
				B = st->total[1];
	size_t		i;

	lr_memory_check((double) n * sizeof(LrRocRow), "ROC curve");
	rows = MemoryContextAllocHuge(CurrentMemoryContext, Max(n, 1) * sizeof(LrRocRow));
	lr_dist_iter_init(st, &it);
	i = n;
	while (lr_dist_next(&it))
	{
		LrRocRow   *r;

		if (i == 0)
			elog(ERROR, "score distribution has more runs than counted");
		r = &rows[--i];
		r->risk = lr_dist_value(it.key);
		r->goods = it.cnt[0];
		r->bads = it.cnt[1];
		r->cum_goods = G - g_lt;
		r->cum_bads = B - b_lt;
		g_lt += it.cnt[0];
		b_lt += it.cnt[1];
		if ((i & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (i != 0)
		elog(ERROR, "score distribution has fewer runs than counted");
	*out = rows;
	return n;
}

/* roc_curve: per distinct risk value, riskiest first: counts, cumulative counts, FPR, TPR and TPR - FPR */
Datum
roc_curve(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const LrDistState *st = lr_dist_arg(fcinfo);
	LrRocRow   *rows;
	size_t		n;
	double		G,
				B;
	LrError		err = {0};

	lr_pg_srf_init(fcinfo);
	if (st == NULL)
		return (Datum) 0;
	/* One point per distinct value: counted on the compacted state. */
	if (!lr_dist_compact(st, &err))
		lr_state_raise(&err);
	n = lr_roc_build(st, &rows);
	G = (double) st->total[0];
	B = (double) st->total[1];
	for (size_t i = 0; i < n; i++)
	{
		Datum		values[8];
		bool		nulls[8] = {0};
		const LrRocRow *r = &rows[i];

		values[0] = Float8GetDatum(r->risk);
		values[1] = Int64GetDatum(r->goods);
		values[2] = Int64GetDatum(r->bads);
		values[3] = Int64GetDatum(r->cum_goods);
		values[4] = Int64GetDatum(r->cum_bads);
		if (G > 0)
			values[5] = Float8GetDatum(r->cum_goods / G);
		else
			nulls[5] = true;
		if (B > 0)
			values[6] = Float8GetDatum(r->cum_bads / B);
		else
			nulls[6] = true;
		if (G > 0 && B > 0)
			values[7] = Float8GetDatum(r->cum_bads / B - r->cum_goods / G);
		else
			nulls[7] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
