/*
 * scorecard.c
 *	  Input, output, send and receive of loan_risk.scorecard: the scorecard's
 *	  description for the model-type helper (common/lr_model_type.h), which
 *	  does the work.  Input, receive and every other way in go through
 *	  lr_card_parse, the one validator.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "utils/syscache.h"

#include "common/lr_model_type.h"
#include "scoring/score.h"
#include "scoring/scorecard.h"

LR_JSON_PARSE_CALLBACK(CardParse, lr_card_parse, LrCard)

LR_JSON_WRITE_CALLBACK(CardWrite, lr_card_write, LrCard)

const LrModelType lr_scorecard_type = {
	.name = "scorecard",
	.too_large_hint = NULL,
	.parse = CardParse,
	.write = CardWrite,
	.compile = lr_card_cache_compile,
};

void
lr_scorecard_check(const LrScorecard *sc)
{
	lr_model_check(&lr_scorecard_type, sc);
}

LrCard *
lr_scorecard_compile(const LrScorecard *sc, LrArena *arena)
{
	return (LrCard *) lr_model_parse(&lr_scorecard_type, sc, arena);
}

LrScorecard *
lr_scorecard_from_card(const LrCard *card)
{
	return lr_model_from_model(&lr_scorecard_type, card);
}

Oid
lr_scorecard_typoid(bool missing_ok)
{
	Oid			nsp = get_namespace_oid("loan_risk", missing_ok);
	Oid			typoid = InvalidOid;

	if (OidIsValid(nsp))
		typoid = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("scorecard"),
								 ObjectIdGetDatum(nsp));
	if (!OidIsValid(typoid) && !missing_ok)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("type loan_risk.scorecard does not exist")));
	return typoid;
}

LrScorecard *
lr_scorecard_from_text(const char *text, size_t len)
{
	return lr_model_from_text(&lr_scorecard_type, text, len);
}

/* scorecard_in, _out, _recv, _send: the type's I/O (see lr_model_type.h) */
LR_MODEL_IO_FUNCTIONS(scorecard, lr_scorecard_type)

