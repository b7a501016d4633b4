/*
 * features_pg.h
 *	  Server-side declarations of the features area.
 */
#ifndef LR_FEATURES_PG_H
#define LR_FEATURES_PG_H

#include "postgres.h"

/* loan_risk.timezone: '' means the session's TimeZone. */
extern char *lr_features_timezone;

#endif							/* LR_FEATURES_PG_H */
