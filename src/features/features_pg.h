/*
 * features_pg.h
 *	  Server-side declarations of the features area.
 */
#ifndef LR_FEATURES_PG_H
#define LR_FEATURES_PG_H

#include "postgres.h"

#include "common/lr_money.h"

/* loan_risk.timezone: '' means the session's TimeZone. */
extern char *lr_features_timezone;

/* Registers the area's settings (called from _PG_init). */
extern void lr_features_init(void);

#endif							/* LR_FEATURES_PG_H */
