/*
 * ident.h
 *	  Checks of identifiers used in Chinese mainland lending: resident
 *	  identity numbers (GB 11643), unified social credit codes (GB 32100),
 *	  mobile numbers and bank card numbers (Luhn).  Pure C (fuzzed as it
 *	  runs): bad input gives a result with a reason, never an error.
 *
 * Before checking, input is cleaned: spaces, tabs and the separators - . ( )
 * are dropped, letters upper-cased, and (when utf8) full-width forms such as
 * "１２３" and the ideographic space read as their ASCII counterparts.
 */
#ifndef LR_IDENT_H
#define LR_IDENT_H

#include <stdbool.h>
#include <stddef.h>

#define LR_ID_MAX_CLEAN 40		/* longer input is reported as too long */

typedef struct LrIdCheck
{
	bool		valid;
	char		normalized[LR_ID_MAX_CLEAN + 1];	/* set when valid */
	char		reason[200];	/* set when not valid */

	/* resident identity number */
	char		region[7];		/* administrative division code */
	int			year;
	int			month;
	int			day;
	char		sex;			/* 'M' (odd 17th digit) or 'F' (even) */

	/* unified social credit code */
	char		authority;		/* registration authority code */
	char		entity_type;
	char		org_code[10];	/* organisation code (GB 11714), characters 9 to 17 */

	/* bank card */
	char		iin[7];			/* first six digits */
} LrIdCheck;

extern void lr_check_resident_id(const char *s, size_t len, bool utf8, LrIdCheck *r);
extern void lr_check_credit_code(const char *s, size_t len, bool utf8, LrIdCheck *r);
extern void lr_check_mobile(const char *s, size_t len, bool utf8, LrIdCheck *r);
extern void lr_check_bank_card(const char *s, size_t len, bool utf8, LrIdCheck *r);

/* Luhn (ISO/IEC 7812-1) over a string of digits; false for anything else. */
extern bool lr_luhn_valid(const char *s, size_t len, bool utf8);

/* Check characters, exposed for tests and fuzzing. */
extern char lr_gb11643_check(const char *digits17);
extern int	lr_gb32100_check(const char *chars17);	/* index in the code set, -1 if invalid */

#endif							/* LR_IDENT_H */
