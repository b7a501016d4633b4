/*
 * design_cache.c
 *	  train_scorecard's WOE design in memory (see design_cache.h): built by
 *	  one streaming query on the main thread, then read by the fit passes
 *	  on threads (lr_parallel_for), each block of rows summed into a state of
 *	  its own and the states merged in block order.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "common/lr_settings.h"
#include "common/lr_parallel.h"
#include "common/lr_pg.h"
#include "common/lr_row.h"
#include "common/lr_spi.h"
#include "scoring/score.h"
#include "stats/stats_pg.h"
#include "training/design_cache.h"

/* Rows per block of a pass: fixed, so the sums do not depend on the threads. */
#define LR_CACHE_BLOCK	65536

/* A code is one byte: bins, special bins, missing and unseen of a feature. */
#define LR_CACHE_MAX_CODES 255

struct LrDesignCache
{
	int64		n;				/* rows with a target */
	int64		cap;
	int64		skipped;		/* rows with a NULL target */
	int			ncol;
	uint8	   *y;				/* n: 0 or 1 */
	uint8	  **code;			/* ncol arrays of n bin codes */
	int		   *ncodes;			/* per column */
	double	  **woe;			/* per column: the WOE of each code */
};

double
lr_design_cache_bytes(int64 rows, int ncol)
{
	/* The codes and targets, and a pass's states: one per block of rows. */
	double		p = ncol + 1;
	double		state = 8.0 * (p * (p + 1) / 2 + p + (ncol + 2) + (ncol + 4) * LR_LOGIT_BLOCK) + 256;

	return (double) rows * p + (double) lr_parallel_nblocks(rows, LR_CACHE_BLOCK) * state;
}

int64
lr_design_cache_rows(const LrDesignCache *c)
{
	return c->n;
}

/* ---------------------------------------------------------------- building */

typedef struct BuildArg
{
	LrDesignCache *c;
	const LrCard *design;
	const char *fn;
	bool		target_bool;
	LrConv	   *conv;
	FmgrInfo   *outfn;
	MemoryContext cxt;
} BuildArg;

static void
BuildStart(TupleDesc desc, void *arg)
{
	BuildArg   *b = arg;
	const LrCard *card = b->design;
	Oid			ttype;

	if (desc->natts != (int) card->nfeatures + 1)
		elog(ERROR, "design query returned %d columns, expected %d", desc->natts,
			 (int) card->nfeatures + 1);
	ttype = getBaseType(TupleDescAttr(desc, 0)->atttypid);
	if (ttype != BOOLOID && ttype != INT4OID)
		elog(ERROR, "design query target has type %s", format_type_be(ttype));
	b->target_bool = ttype == BOOLOID;
	for (size_t j = 0; j < card->nfeatures; j++)
	{
		const LrFeature *f = &card->features[j];
		Oid			type = TupleDescAttr(desc, (int) j + 1)->atttypid;
		LrFieldKind kind = f->kind == LR_FEATURE_NUMERIC ? LR_FIELD_NUMERIC : LR_FIELD_CATEGORICAL;
		int			conv = lr_conv_for(type, kind);

		if (conv < 0)
			lr_conv_error(f->name, type, kind, b->fn);
		if (conv == LR_CONV_ENUM)
			lr_conv_outfn(type, &b->outfn[j], b->cxt);
		b->conv[j] = (LrConv) conv;
	}
}

static void
Grow(LrDesignCache *c)
{
	int64		cap = Max(c->cap * 2, 1024);

	c->y = c->cap == 0 ? MemoryContextAllocHuge(CurrentMemoryContext, cap) :
		repalloc_huge(c->y, cap);
	for (int j = 0; j < c->ncol; j++)
		c->code[j] = c->cap == 0 ? MemoryContextAllocHuge(CurrentMemoryContext, cap) :
			repalloc_huge(c->code[j], cap);
	c->cap = cap;
}

static void
BuildRow(TupleTableSlot *slot, void *arg)
{
	BuildArg   *b = arg;
	LrDesignCache *c = b->c;
	const LrCard *card = b->design;
	int64		i = c->n;
	int			y;

	if (slot->tts_isnull[0])
	{
		c->skipped++;
		return;
	}
	if (b->target_bool)
		y = DatumGetBool(slot->tts_values[0]) ? 1 : 0;
	else
	{
		int32		v = DatumGetInt32(slot->tts_values[0]);

		lr_check_outcome_int(v);
		y = (int) v;
	}
	if (i == c->cap)
	{
		MemoryContext old = MemoryContextSwitchTo(b->cxt);

		Grow(c);
		MemoryContextSwitchTo(old);
	}
	for (int j = 0; j < c->ncol; j++)
	{
		int32		code = lr_card_code_datum(&card->table.features[j], slot->tts_values[j + 1],
											  slot->tts_isnull[j + 1], b->conv[j], &b->outfn[j]);

		if (code == LR_CODE_NONE)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("a value of feature \"%s\" has no bin in the scorecard",
							card->features[j].name),
					 errhint("Give the feature a missing bin (and an unseen bin if categorical).")));
		c->code[j][i] = (uint8) code;
	}
	c->y[i] = (uint8) y;
	c->n = i + 1;
}

LrDesignCache *
lr_design_cache_build(const char *sql, const LrCard *design, int64 expect_rows, const char *fn)
{
	LrDesignCache *c = palloc0(sizeof(LrDesignCache));
	BuildArg	b;
	int			ncol = (int) design->nfeatures;

	c->ncol = ncol;
	c->code = palloc0(sizeof(uint8 *) * Max(ncol, 1));
	c->ncodes = palloc0(sizeof(int) * Max(ncol, 1));
	c->woe = palloc0(sizeof(double *) * Max(ncol, 1));
	for (int j = 0; j < ncol; j++)
	{
		const LrTableFeature *t = &design->table.features[j];

		if (t->ncodes > LR_CACHE_MAX_CODES)
			return NULL;
		c->ncodes[j] = t->ncodes;
		c->woe[j] = palloc(sizeof(double) * t->ncodes);
		for (int k = 0; k < t->ncodes; k++)
		{
			if (isnan(t->woe[k]))
				elog(ERROR, "design feature \"%s\" has a bin without a woe", design->features[j].name);
			c->woe[j][k] = t->woe[k];
		}
	}
	if (expect_rows > 0)
	{
		c->cap = 0;
		{
			int64		cap = expect_rows;

			c->y = MemoryContextAllocHuge(CurrentMemoryContext, cap);
			for (int j = 0; j < ncol; j++)
				c->code[j] = MemoryContextAllocHuge(CurrentMemoryContext, cap);
			c->cap = cap;
		}
	}
	memset(&b, 0, sizeof(b));
	b.c = c;
	b.design = design;
	b.fn = fn;
	b.conv = palloc0(sizeof(LrConv) * Max(ncol, 1));
	b.outfn = palloc0(sizeof(FmgrInfo) * Max(ncol, 1));
	b.cxt = CurrentMemoryContext;
	lr_query_run(sql, "source", BuildStart, BuildRow, &b);
	return c;
}

/* ---------------------------------------------------------------- a Newton pass */

typedef struct PassArg
{
	const LrDesignCache *c;
	int			nd;
	const uint8 **code;			/* nd: the columns of the design */
	const double **woe;
	const double *beta;
	LrLogitState **st;			/* per block */
} PassArg;

/* On any thread: pure C, writes only its block's state. */
static void
PassBlock(void *arg, int64 block, int64 begin, int64 end)
{
	PassArg    *pa = arg;
	LrLogitState *st = pa->st[block];
	const uint8 *y = pa->c->y;
	const double *beta = pa->beta;
	int			nd = pa->nd;
	double		x[LR_LOGIT_MAX_FEATURES];

	for (int64 i = begin; i < end; i++)
	{
		double		eta = beta[0];

		for (int j = 0; j < nd; j++)
		{
			x[j] = pa->woe[j][pa->code[j][i]];
			eta += beta[j + 1] * x[j];
		}
		lr_logit_add(st, x, y[i], 1.0, eta);
	}
}

LrLogitState *
lr_design_cache_pass(const LrDesignCache *c, const int *cols, int nd, const double *beta,
					 const LrAlloc *a)
{
	int64		nblocks = lr_parallel_nblocks(c->n, LR_CACHE_BLOCK);
	uint64_t	hash = lr_logit_coef_hash(beta, nd + 1);
	MemoryContext tmp = AllocSetContextCreate(CurrentMemoryContext, "loan_risk design pass",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(tmp);
	LrAlloc		ta;
	LrError		err = {0};
	PassArg		pa;
	LrLogitState *res;

	if (nd > LR_LOGIT_MAX_FEATURES)
		elog(ERROR, "design of %d features", nd);
	lr_pg_alloc_init(&ta, tmp);
	pa.c = c;
	pa.nd = nd;
	pa.beta = beta;
	pa.code = palloc(sizeof(uint8 *) * Max(nd, 1));
	pa.woe = palloc(sizeof(double *) * Max(nd, 1));
	for (int j = 0; j < nd; j++)
	{
		pa.code[j] = c->code[cols[j]];
		pa.woe[j] = c->woe[cols[j]];
	}
	pa.st = palloc(sizeof(LrLogitState *) * Max(nblocks, 1));
	for (int64 b = 0; b < nblocks; b++)
	{
		pa.st[b] = lr_logit_ops.create(&ta, &err);
		if (pa.st[b] == NULL || !lr_logit_setup(pa.st[b], nd, hash, &err))
			lr_pg_raise(&err, NULL);
	}
	lr_parallel_for(c->n, LR_CACHE_BLOCK, lr_threads(), PassBlock, &pa);

	MemoryContextSwitchTo(old);
	res = lr_logit_ops.create(a, &err);
	if (res == NULL || !lr_logit_setup(res, nd, hash, &err))
		lr_pg_raise(&err, NULL);
	for (int64 b = 0; b < nblocks; b++)
		if (!lr_logit_ops.merge(res, pa.st[b], a, &err))
			lr_pg_raise(&err, NULL);
	res->skipped = c->skipped;
	MemoryContextDelete(tmp);
	return res;
}

/* ---------------------------------------------------------------- scoring */

/* Rows scored together: the codes of a block, widened for the card's batch score. */
#define LR_SCORE_BLOCK 1024

bool
lr_design_cache_score(const LrDesignCache *c, const LrCard *card, const int *cols,
					  LrDistState *dst)
{
	const LrCardTable *t = &card->table;
	int			nf = (int) t->nfeatures;
	const uint8 **code = palloc(sizeof(uint8 *) * Max(nf, 1));
	int32	  **wide = palloc(sizeof(int32 *) * Max(nf, 1));
	double	   *s = palloc(sizeof(double) * LR_SCORE_BLOCK);
	LrError		err = {0};

	/* The card's bins must be the design's: the same codes, the same WOE. */
	for (int k = 0; k < nf; k++)
	{
		const LrTableFeature *f = &t->features[k];
		int			col = cols[k];

		if (f->ncodes != c->ncodes[col])
			return false;
		for (int b = 0; b < f->ncodes; b++)
			if (!(f->woe[b] == c->woe[col][b]))
				return false;
		code[k] = c->code[col];
		wide[k] = palloc(sizeof(int32) * LR_SCORE_BLOCK);
	}
	for (int64 begin = 0; begin < c->n; begin += LR_SCORE_BLOCK)
	{
		int			n = (int) Min(c->n - begin, LR_SCORE_BLOCK);

		CHECK_FOR_INTERRUPTS();
		for (int k = 0; k < nf; k++)
			for (int i = 0; i < n; i++)
				wide[k][i] = code[k][begin + i];
		lr_table_score_batch(t, (const int32 *const *) wide, (size_t) n, s);
		for (int i = 0; i < n; i++)
			if (!lr_dist_add(dst, -s[i], c->y[begin + i], &err))
				lr_pg_raise(&err, NULL);
	}
	return true;
}
