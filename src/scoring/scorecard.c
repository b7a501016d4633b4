/*
 * scorecard.c
 *	  Input, output, send and receive of loan_risk.scorecard.
 *
 * The stored form is the canonical JSON text behind a version header, so the
 * text output is a copy and the binary form is the same text.  Input, receive
 * and every other way in go through lr_card_parse, the one validator.
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/memutils.h"

#include "common/lr_pg.h"
#include "scoring/scorecard.h"

PG_FUNCTION_INFO_V1(scorecard_in);
PG_FUNCTION_INFO_V1(scorecard_out);
PG_FUNCTION_INFO_V1(scorecard_recv);
PG_FUNCTION_INFO_V1(scorecard_send);

void
lr_scorecard_check(const LrScorecard *sc)
{
	if (VARSIZE(sc) < LR_SCORECARD_HDRSZ ||
		sc->version != LR_SCORECARD_STORAGE_VERSION || sc->flags != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("scorecard value has unsupported storage version %u (flags %u)",
						(unsigned) sc->version, (unsigned) sc->flags),
				 errhint("The value was written by a newer or damaged installation of loan_risk.")));
}

LrCard *
lr_scorecard_compile(const LrScorecard *sc, LrArena *arena)
{
	LrJsonOptions opts;
	LrError		err = {0};
	LrCard	   *card;

	lr_scorecard_check(sc);
	lr_pg_json_options(&opts);
	if (!lr_card_parse(sc->json, LrScorecardJsonLen(sc), arena, &opts, &card, &err))
		lr_pg_raise(&err, "invalid stored scorecard");
	return card;
}

LrScorecard *
lr_scorecard_from_card(const LrCard *card)
{
	LrAlloc		a;
	LrBuf		buf;
	LrScorecard *sc;

	lr_pg_alloc_init(&a, CurrentMemoryContext);
	lr_buf_init(&buf, &a, MaxAllocSize - LR_SCORECARD_HDRSZ - 1);
	lr_card_write(card, &buf);
	if (buf.failed)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("scorecard is too large"),
				 errdetail("Its text form exceeds the 1 GB limit of a value.")));
	sc = palloc(LR_SCORECARD_HDRSZ + buf.len);
	SET_VARSIZE(sc, LR_SCORECARD_HDRSZ + buf.len);
	sc->version = LR_SCORECARD_STORAGE_VERSION;
	sc->flags = 0;
	memcpy(sc->json, buf.data, buf.len);
	lr_buf_free(&buf);
	return sc;
}

LrScorecard *
lr_scorecard_from_text(const char *text, size_t len)
{
	LrAlloc		a;
	LrArena		arena;
	LrJsonOptions opts;
	LrError		err = {0};
	LrCard	   *card;
	LrScorecard *sc;

	lr_pg_alloc_init(&a, CurrentMemoryContext);
	lr_arena_init(&arena, &a, 0);
	lr_pg_json_options(&opts);
	if (!lr_card_parse(text, len, &arena, &opts, &card, &err))
		lr_pg_raise(&err, "invalid scorecard");
	sc = lr_scorecard_from_card(card);
	lr_arena_release(&arena);
	return sc;
}

/* scorecard_in: text form (JSON) to a validated scorecard */
Datum
scorecard_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);

	PG_RETURN_POINTER(lr_scorecard_from_text(str, strlen(str)));
}

/* scorecard_out: the canonical JSON text */
Datum
scorecard_out(PG_FUNCTION_ARGS)
{
	LrScorecard *sc = PG_GETARG_LR_SCORECARD_P(0);

	lr_scorecard_check(sc);
	PG_RETURN_CSTRING(pnstrdup(sc->json, LrScorecardJsonLen(sc)));
}

/* scorecard_recv: binary form (version byte, JSON text), validated like text input */
Datum
scorecard_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(buf);
	char	   *text;
	int			nbytes;

	if (version != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary scorecard version %d", version),
				 errdetail("This version of loan_risk reads binary version 1.")));
	text = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);
	PG_RETURN_POINTER(lr_scorecard_from_text(text, (size_t) nbytes));
}

/* scorecard_send: version byte 1, then the canonical JSON text */
Datum
scorecard_send(PG_FUNCTION_ARGS)
{
	LrScorecard *sc = PG_GETARG_LR_SCORECARD_P(0);
	StringInfoData buf;

	lr_scorecard_check(sc);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, 1);
	pq_sendtext(&buf, sc->json, (int) LrScorecardJsonLen(sc));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
