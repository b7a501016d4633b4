/*
 * lr_settings.c
 *	  The runtime's settings; see lr_settings.h.
 *
 * SQL functions never set C globals; everything a user can tune is a GUC, so
 * it follows SET/RESET/SET LOCAL semantics and shows in pg_settings.
 */
#include "postgres.h"

#include "access/parallel.h"
#include "utils/guc.h"

#include "common/lr_settings.h"

int			lr_max_threads = 1;
int			lr_max_threads_limit = 2;
int			lr_max_kernel_memory = 8 * 1024 * 1024;	/* kB: 8 GB */

/*
 * No threads are started here: this may run in the postmaster
 * (shared_preload_libraries), which must stay single-threaded.
 */
void
lr_settings_init(void)
{
	DefineCustomIntVariable(LR_GUC_PREFIX ".max_threads",
							"Threads that one loan_risk in-memory kernel may use in this session.",
							"Capped by loan_risk.max_threads_limit; parallel workers always use one.",
							&lr_max_threads,
							1, 1, 1024,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable(LR_GUC_PREFIX ".max_threads_limit",
							"Upper bound on loan_risk.max_threads, set by a superuser.",
							"Protects a shared server from sessions that ask for many threads.",
							&lr_max_threads_limit,
							2, 1, 1024,
							PGC_SUSET,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable(LR_GUC_PREFIX ".max_kernel_memory",
							"Memory one loan_risk in-memory kernel (graph, model fitting, matching) may use.",
							"A job that would need more fails with an error before allocating. "
							"The default fits a graph of about 100 million edges.",
							&lr_max_kernel_memory,
							8 * 1024 * 1024, 1024, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_KB,
							NULL, NULL, NULL);
}

int
lr_threads(void)
{
	if (IsParallelWorker())
		return 1;
	return Min(lr_max_threads, lr_max_threads_limit);
}
