/*
 * loan_risk.h
 *	  Declarations shared by every area of the extension: settings (GUCs) and
 *	  the per-area initialisation hooks called from _PG_init.
 */
#ifndef LOAN_RISK_H
#define LOAN_RISK_H

#include "postgres.h"

#define LR_GUC_PREFIX "loan_risk"

/* Settings (see src/loan_risk.c for their meaning and limits). */
extern int	lr_max_threads;
extern int	lr_max_threads_limit;
extern int	lr_max_kernel_memory;	/* kB */
extern bool lr_training_in_memory;	/* src/training/prebin.c */

/*
 * Number of threads an in-memory kernel may use in this backend right now:
 * loan_risk.max_threads capped by loan_risk.max_threads_limit, and always 1
 * inside a parallel worker (the leader already divides the work).
 */
extern int	lr_threads(void);

/*
 * Area hooks: an area that registers settings provides one, declared here and
 * called from _PG_init in src/loan_risk.c.
 */
extern void lr_features_init(void);	/* src/features/features_guc.c: loan_risk.timezone */
extern void lr_training_init(void);	/* src/training/prebin.c: binning_max_distinct, training_in_memory */
extern void lr_spi_init(void);	/* src/common/lr_spi.c: query strings run read-only (executor hook) */

#endif							/* LOAN_RISK_H */
