/*
 * scorecard.h
 *	  The loan_risk.scorecard type as stored: a small header and the card's
 *	  canonical JSON text (common/lr_model_type.h does its I/O).  Compiled
 *	  forms (LrCard) are built per query.
 */
#ifndef LR_SCORECARD_H
#define LR_SCORECARD_H

#include "postgres.h"

#include "fmgr.h"

#include "common/lr_base.h"
#include "common/lr_model_type.h"
#include "scoring/card.h"

/* Stored as every model type is (common/lr_model_type.h): header and canonical JSON. */
typedef LrModelValue LrScorecard;

#define LR_SCORECARD_HDRSZ		LR_MODEL_HDRSZ
#define LrScorecardJsonLen(sc)	LrModelJsonLen(sc)

#define DatumGetLrScorecardP(x)		((LrScorecard *) PG_DETOAST_DATUM(x))
#define PG_GETARG_LR_SCORECARD_P(n)	DatumGetLrScorecardP(PG_GETARG_DATUM(n))

/* The type's description for the model-type helper (parse, write, compile). */
extern const LrModelType lr_scorecard_type;

/* Checks the header of a stored value (version and flags). */
extern void lr_scorecard_check(const LrScorecard *sc);

/* Parses a stored value into an LrCard in arena (memory from cxt). */
extern LrCard *lr_scorecard_compile(const LrScorecard *sc, LrArena *arena);

/* Validates JSON text and builds the stored value (canonical form). */
extern LrScorecard *lr_scorecard_from_text(const char *text, size_t len);

/* Builds the stored value of a finished card (lr_card_finish: validated, no parsing again). */
extern LrScorecard *lr_scorecard_from_card(const LrCard *card);

/* The OID of loan_risk.scorecard (InvalidOid when missing_ok and the extension has none). */
extern Oid	lr_scorecard_typoid(bool missing_ok);

#endif							/* LR_SCORECARD_H */
