/*
 * features_pg.h
 *	  Server-side declarations of the features area.
 */
#ifndef LR_FEATURES_PG_H
#define LR_FEATURES_PG_H

#include "postgres.h"

/* loan_risk.timezone: '' means the session's TimeZone. */
extern char *lr_features_timezone;

/* Registers the area's settings (called from _PG_init). */
extern void lr_features_init(void);

/* A numeric amount in units of 0.0001, rounded half away from zero; errors for NaN, infinities, |x| >= 10^14. */
extern int64 lr_numeric_units(Datum d, const char *what);

#endif							/* LR_FEATURES_PG_H */
