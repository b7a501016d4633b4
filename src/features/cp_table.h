/*
 * cp_table.h
 *	  Internal interface of the counterparty table (cp_table.c), pure C.
 */
#ifndef LR_CP_TABLE_H
#define LR_CP_TABLE_H

#include "features/features.h"

/* Is a counterparty with hash k0 in the sample of `level` (0: all)? */
extern bool lr_cpt_sampled(uint64_t k0, int level);

/* Makes room for ncps counterparties and nents days without growing. */
extern bool lr_cpt_reserve(LrCpTable *t, const LrAlloc *a, uint32_t ncps, uint32_t nents, LrError *err);

/* Would one more counterparty or day make either table grow? */
extern bool lr_cpt_full(const LrCpTable *t);

/* Adds src's counterparties sampled at level (entries not older than min_day) into dst. */
extern bool lr_cpt_merge_into(LrCpTable *dst, const LrAlloc *a, const LrCpTable *src, int level,
							  int32_t min_day, bool positive_only, LrError *err);

extern bool lr_cpt_rebuild(LrCpTable *t, const LrAlloc *a, int level, int32_t min_day,
						   bool positive_only, int64_t subtract, LrError *err);

/* Misra-Gries reduction to at most k counters; adds the decrement to *delta. */
extern bool lr_cpt_reduce(LrCpTable *t, const LrAlloc *a, uint32_t k, int32_t min_day, int64_t *delta,
						  LrError *err);

/* Appends the table's flat form (entries not older than min_day); false if out failed. */
extern bool lr_cpt_encode(const LrCpTable *t, int32_t min_day, LrBuf *out);

typedef struct LrCpDecodeRules
{
	int			level;
	uint32_t	max_cps;
	uint32_t	max_entries;
	int32_t		min_day;
	int32_t		max_day;
	bool		positive;		/* revenues must be > 0 (Misra-Gries counters) */
} LrCpDecodeRules;

extern bool lr_cpt_decode(LrCpTable *t, const LrAlloc *a, LrReader *r, const LrCpDecodeRules *rules);

#endif							/* LR_CP_TABLE_H */
