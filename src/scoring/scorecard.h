/*
 * scorecard.h
 *	  The loan_risk.scorecard type as stored: a small header and the card's
 *	  canonical JSON text.  Compiled forms (LrCard) are built per query.
 */
#ifndef LR_SCORECARD_H
#define LR_SCORECARD_H

#include "postgres.h"

#include "fmgr.h"

#include "common/lr_base.h"
#include "scoring/card.h"

#define LR_SCORECARD_STORAGE_VERSION 1

typedef struct LrScorecard
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint16		version;		/* storage format, LR_SCORECARD_STORAGE_VERSION */
	uint16		flags;			/* reserved, 0 */
	char		json[FLEXIBLE_ARRAY_MEMBER];	/* canonical JSON, no NUL */
} LrScorecard;

#define LR_SCORECARD_HDRSZ		offsetof(LrScorecard, json)
#define LrScorecardJsonLen(sc)	(VARSIZE(sc) - LR_SCORECARD_HDRSZ)

#define DatumGetLrScorecardP(x)		((LrScorecard *) PG_DETOAST_DATUM(x))
#define PG_GETARG_LR_SCORECARD_P(n)	DatumGetLrScorecardP(PG_GETARG_DATUM(n))

/* Checks the header of a stored value (version and flags). */
extern void lr_scorecard_check(const LrScorecard *sc);

/* Parses a stored value into an LrCard in arena (memory from cxt). */
extern LrCard *lr_scorecard_compile(const LrScorecard *sc, LrArena *arena);

/* Validates JSON text and builds the stored value (canonical form). */
extern LrScorecard *lr_scorecard_from_text(const char *text, size_t len);

/* Builds the stored value of an already validated card. */
extern LrScorecard *lr_scorecard_from_card(const LrCard *card);

#endif							/* LR_SCORECARD_H */
