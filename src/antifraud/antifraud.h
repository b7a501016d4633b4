/*
 * antifraud.h
 *	  The loan_risk.iforest type as stored (a small header and the model's
 *	  canonical JSON text), shared by its I/O, scoring and training.
 *	  Compiled forms (LrForestModel) are built per query.
 */
#ifndef LR_ANTIFRAUD_H
#define LR_ANTIFRAUD_H

#include "postgres.h"

#include "fmgr.h"

#include "antifraud/iforest.h"

#define LR_IFOREST_STORAGE_VERSION 1

typedef struct LrIforestValue
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint16		version;		/* storage format, LR_IFOREST_STORAGE_VERSION */
	uint16		flags;			/* reserved, 0 */
	char		json[FLEXIBLE_ARRAY_MEMBER];	/* canonical JSON, no NUL */
} LrIforestValue;

#define LR_IFOREST_HDRSZ		offsetof(LrIforestValue, json)
#define LrIforestJsonLen(v)		(VARSIZE(v) - LR_IFOREST_HDRSZ)

#define DatumGetLrIforestP(x)		((LrIforestValue *) PG_DETOAST_DATUM(x))
#define PG_GETARG_LR_IFOREST_P(n)	DatumGetLrIforestP(PG_GETARG_DATUM(n))

/* Checks the header of a stored value (version and flags). */
extern void lr_iforest_value_check(const LrIforestValue *v);

/* Parses a stored value into an LrForest in arena. */
extern LrForest *lr_iforest_value_parse(const LrIforestValue *v, LrArena *arena);

/* Builds the stored value of a validated forest (canonical form). */
extern LrIforestValue *lr_iforest_value_from_forest(const LrForest *f);

#endif							/* LR_ANTIFRAUD_H */
