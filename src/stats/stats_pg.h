/*
 * stats_pg.h
 *	  Server-side checks shared by the aggregates and passes that take an
 *	  outcome column (metrics, training).
 */
#ifndef LR_STATS_PG_H
#define LR_STATS_PG_H

#include "postgres.h"

/* Raises an error unless v is 0 or 1 (integer outcome columns). */
extern void lr_check_outcome_int(int32 v);

#endif							/* LR_STATS_PG_H */
