/*
 * ident_sql.c
 *	  SQL functions over the identifier checks of ident.c: check_* return a
 *	  row (valid, normalised form, decoded parts, reason); normalize_* return
 *	  the normalised form or NULL, for keys of joins and indexes.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "datatype/timestamp.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"

#include "antifraud/ident.h"
#include "common/lr_pg.h"

PG_FUNCTION_INFO_V1(check_resident_id);
PG_FUNCTION_INFO_V1(check_credit_code);
PG_FUNCTION_INFO_V1(check_mobile);
PG_FUNCTION_INFO_V1(check_bank_card);
PG_FUNCTION_INFO_V1(luhn_valid);

typedef void (*CheckFn) (const char *s, size_t len, bool utf8, LrIdCheck *r);

static void
RunCheck(FunctionCallInfo fcinfo, CheckFn fn, LrIdCheck *r)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	fn(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), GetDatabaseEncoding() == PG_UTF8, r);
}

static Datum
TextOrNull(const char *s, bool *isnull)
{
	*isnull = (s == NULL || s[0] == '\0');
	return *isnull ? (Datum) 0 : CStringGetTextDatum(s);
}

static Datum
CharText(char c, bool *isnull)
{
	char		buf[2] = {c, '\0'};

	return TextOrNull(c ? buf : NULL, isnull);
}

/* The columns every check returns: valid first, normalized second, reason last (of natts). */
static void
CommonColumns(const LrIdCheck *r, Datum *v, bool *n, int natts)
{
	v[0] = BoolGetDatum(r->valid);
	n[0] = false;
	v[1] = TextOrNull(r->valid ? r->normalized : NULL, &n[1]);
	v[natts - 1] = TextOrNull(r->valid ? NULL : r->reason, &n[natts - 1]);
}

/* check_resident_id: (valid, normalized, region_code, birth_date, sex, reason) */
Datum
check_resident_id(PG_FUNCTION_ARGS)
{
	LrIdCheck	r;
	Datum		v[6];
	bool		n[6];

	RunCheck(fcinfo, lr_check_resident_id, &r);
	CommonColumns(&r, v, n, 6);
	v[2] = TextOrNull(r.valid ? r.region : NULL, &n[2]);
	n[3] = !r.valid;
	v[3] = r.valid ? DateADTGetDatum(date2j(r.year, r.month, r.day) - POSTGRES_EPOCH_JDATE) : 0;
	v[4] = CharText(r.valid ? r.sex : 0, &n[4]);
	return lr_pg_result_row(fcinfo, v, n);
}

/* check_credit_code: (valid, normalized, registration_authority, entity_type, region_code, organization_code, reason) */
Datum
check_credit_code(PG_FUNCTION_ARGS)
{
	LrIdCheck	r;
	Datum		v[7];
	bool		n[7];

	RunCheck(fcinfo, lr_check_credit_code, &r);
	CommonColumns(&r, v, n, 7);
	v[2] = CharText(r.valid ? r.authority : 0, &n[2]);
	v[3] = CharText(r.valid ? r.entity_type : 0, &n[3]);
	v[4] = TextOrNull(r.valid ? r.region : NULL, &n[4]);
	v[5] = TextOrNull(r.valid ? r.org_code : NULL, &n[5]);
	return lr_pg_result_row(fcinfo, v, n);
}

/* check_mobile: (valid, normalized, reason) */
Datum
check_mobile(PG_FUNCTION_ARGS)
{
	LrIdCheck	r;
	Datum		v[3];
	bool		n[3];

	RunCheck(fcinfo, lr_check_mobile, &r);
	CommonColumns(&r, v, n, 3);
	return lr_pg_result_row(fcinfo, v, n);
}

/* check_bank_card: (valid, normalized, iin, reason) */
Datum
check_bank_card(PG_FUNCTION_ARGS)
{
	LrIdCheck	r;
	Datum		v[4];
	bool		n[4];

	RunCheck(fcinfo, lr_check_bank_card, &r);
	CommonColumns(&r, v, n, 4);
	v[2] = TextOrNull(r.valid ? r.iin : NULL, &n[2]);
	return lr_pg_result_row(fcinfo, v, n);
}

static Datum
Normalized(FunctionCallInfo fcinfo, CheckFn fn)
{
	LrIdCheck	r;

	RunCheck(fcinfo, fn, &r);
	if (!r.valid)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(r.normalized));
}

/* normalize_resident_id: the 18-character number, NULL if not valid */
LR_PG_FUNCTION_CALLING(normalize_resident_id, Normalized, lr_check_resident_id)

/* normalize_credit_code: the 18-character code, NULL if not valid */
LR_PG_FUNCTION_CALLING(normalize_credit_code, Normalized, lr_check_credit_code)

/* normalize_mobile: the 11-digit number, NULL if not valid */
LR_PG_FUNCTION_CALLING(normalize_mobile, Normalized, lr_check_mobile)

/* normalize_bank_card: the digits of the card number, NULL if not valid */
LR_PG_FUNCTION_CALLING(normalize_bank_card, Normalized, lr_check_bank_card)

/* luhn_valid: whether a string of digits passes the Luhn check */
Datum
luhn_valid(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_BOOL(lr_luhn_valid(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t),
								 GetDatabaseEncoding() == PG_UTF8));
}
