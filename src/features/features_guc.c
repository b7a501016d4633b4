/*
 * features_guc.c
 *	  Settings of the features area: loan_risk.timezone.
 */
#include "postgres.h"

#include "pgtime.h"
#include "utils/guc.h"

#include "features/features_pg.h"
#include "common/lr_settings.h"

char	   *lr_features_timezone = NULL;

/* Accepts what pg_tzset accepts (zone names, POSIX strings) and the empty string. */
static bool
CheckTimezone(char **newval, void **extra, GucSource source)
{
	pg_tz	   *tz;

	if (*newval == NULL || (*newval)[0] == '\0')
		return true;
	if (strlen(*newval) > TZ_STRLEN_MAX)
	{
		GUC_check_errdetail("A time zone name has at most %d characters.", TZ_STRLEN_MAX);
		return false;
	}
	tz = pg_tzset(*newval);
	if (tz == NULL)
	{
		GUC_check_errdetail("Time zone \"%s\" is not recognized.", *newval);
		return false;
	}
	if (!pg_tz_acceptable(tz))
	{
		GUC_check_errdetail("Time zone \"%s\" appears to use leap seconds.", *newval);
		return false;
	}
	return true;
}

void
lr_features_init(void)
{
	DefineCustomStringVariable(LR_GUC_PREFIX ".timezone",
							   "Time zone in which merchant_features counts days, months, nights and weekends.",
							   "Empty (the default) means the session's TimeZone setting.",
							   &lr_features_timezone,
							   "",
							   PGC_USERSET,
							   0,
							   CheckTimezone, NULL, NULL);
}
