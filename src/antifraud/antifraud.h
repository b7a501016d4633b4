/*
 * antifraud.h
 *	  The loan_risk.iforest type as stored (a small header and the model's
 *	  canonical JSON text; common/lr_model_type.h does its I/O), shared by
 *	  scoring and training.
 *	  Compiled forms (LrForestModel) are built per query.
 */
#ifndef LR_ANTIFRAUD_H
#define LR_ANTIFRAUD_H

#include "postgres.h"

#include "fmgr.h"

#include "common/lr_model_type.h"
#include "antifraud/iforest.h"

/* Stored as every model type is (common/lr_model_type.h): header and canonical JSON. */
typedef LrModelValue LrIforestValue;

#define LR_IFOREST_HDRSZ		LR_MODEL_HDRSZ
#define LrIforestJsonLen(v)		LrModelJsonLen(v)

#define DatumGetLrIforestP(x)		((LrIforestValue *) PG_DETOAST_DATUM(x))
#define PG_GETARG_LR_IFOREST_P(n)	DatumGetLrIforestP(PG_GETARG_DATUM(n))

/* The type's description for the model-type helper (parse, write, compile). */
extern const LrModelType lr_iforest_type;

/* Builds the stored value of a validated forest (canonical form). */
extern LrIforestValue *lr_iforest_value_from_forest(const LrForest *f);

#endif							/* LR_ANTIFRAUD_H */
