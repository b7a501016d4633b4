/*
 * lr_numeric_pg.c
 *	  The backend's side of lr_numeric.h: numeric Datums decoded in place, and
 *	  converted to double exactly as PostgreSQL's numeric_float8_no_overflow
 *	  converts them (through the decimal text and strtod), without the text
 *	  whenever the exact fast path applies.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "common/lr_numeric.h"
#include "common/lr_numeric_pg.h"

void
lr_numeric_digits(Datum d, LrNumDigits *n)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(d);

	if (!lr_num_decode((const uint8_t *) VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), n))
		elog(ERROR, "invalid numeric value");
}

double
lr_numeric_float8(Datum d)
{
	LrNumDigits n;
	double		v;

	lr_numeric_digits(d, &n);
	if (lr_num_fast_double(&n, &v))
		return v;
	/* Values beyond double range become +/-Infinity, tiny ones 0 or subnormal. */
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, d));
}
