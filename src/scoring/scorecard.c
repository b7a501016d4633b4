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

PG_FUNCTION_INFO_V1(scorecard_in);
PG_FUNCTION_INFO_V1(scorecard_out);
PG_FUNCTION_INFO_V1(scorecard_recv);
PG_FUNCTION_INFO_V1(scorecard_send);

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

/* scorecard_in: text form (JSON) to a validated scorecard */
Datum
scorecard_in(PG_FUNCTION_ARGS)
{
	return lr_model_in(fcinfo, &lr_scorecard_type);
}

/* scorecard_out: the canonical JSON text */
Datum
scorecard_out(PG_FUNCTION_ARGS)
{
	return lr_model_out(fcinfo, &lr_scorecard_type);
}

/* scorecard_recv: binary form (version byte, JSON text), validated like text input */
Datum
scorecard_recv(PG_FUNCTION_ARGS)
{
	return lr_model_recv(fcinfo, &lr_scorecard_type);
}

/* scorecard_send: version byte 1, then the canonical JSON text */
Datum
scorecard_send(PG_FUNCTION_ARGS)
{
	return lr_model_send(fcinfo, &lr_scorecard_type);
}
