/*
 * lr_settings.h
 *	  The runtime's settings: GUCs under the reserved prefix "loan_risk." that
 *	  bound the threads and memory of in-memory kernels, and lr_threads().
 *
 * An area that needs a setting of its own registers it in an init hook
 * declared in that area's public header and called from _PG_init in
 * src/loan_risk.c; nothing in src/common knows about areas.
 */
#ifndef LR_SETTINGS_H
#define LR_SETTINGS_H

#include "postgres.h"

#define LR_GUC_PREFIX "loan_risk"

extern int	lr_max_threads;
extern int	lr_max_threads_limit;
extern int	lr_max_kernel_memory;	/* kB */

/*
 * Number of threads an in-memory kernel may use in this backend right now:
 * loan_risk.max_threads capped by loan_risk.max_threads_limit, and always 1
 * inside a parallel worker (the leader already divides the work).
 */
extern int	lr_threads(void);

/* Registers the settings above (from _PG_init). */
extern void lr_settings_init(void);

#endif							/* LR_SETTINGS_H */
