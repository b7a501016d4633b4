/*
 * lr_parallel.c
 *	  The OpenMP block runner and the memory check; see lr_parallel.h.
 */
#include "postgres.h"

#include <pthread.h>
#include <signal.h>

#include "miscadmin.h"

#include "common/lr_settings.h"
#include "common/lr_parallel.h"

/* Blocks handed to each thread per round, between interrupt checks. */
#define LR_BLOCKS_PER_THREAD_ROUND 4

void
lr_parallel_for(int64 n, int64 block_size, int nthreads, LrBlockFn fn, void *arg)
{
	int64		nblocks;
	int64		per_round;
	int64		r;

	if (n <= 0)
		return;
	if (block_size <= 0)
		elog(ERROR, "block size must be positive");
	nblocks = lr_parallel_nblocks(n, block_size);
	nthreads = Max(nthreads, 1);
	per_round = (int64) nthreads * LR_BLOCKS_PER_THREAD_ROUND;

	for (r = 0; r < nblocks; r += per_round)
	{
		int64		rend = Min(nblocks, r + per_round);

		CHECK_FOR_INTERRUPTS();
		if (nthreads == 1)
		{
			int64		b;

			for (b = r; b < rend; b++)
				fn(arg, b, b * block_size, Min(n, (b + 1) * block_size));
		}
		else
		{
			sigset_t	all,
						old;

			/*
			 * Threads must never run PostgreSQL's signal handlers: block
			 * everything while they exist, so signals stay pending for the
			 * main thread.  Threads created now inherit the blocked mask and
			 * keep it for the life of OpenMP's pool.
			 */
			sigfillset(&all);
			pthread_sigmask(SIG_BLOCK, &all, &old);
#pragma omp parallel for num_threads(nthreads) schedule(dynamic, 1)
			for (int64 b = r; b < rend; b++)
				fn(arg, b, b * block_size, Min(n, (b + 1) * block_size));
			pthread_sigmask(SIG_SETMASK, &old, NULL);
		}
	}
	CHECK_FOR_INTERRUPTS();
}

void
lr_memory_check(double bytes, const char *what)
{
	double		limit = (double) lr_max_kernel_memory * 1024.0;

	if (bytes > limit)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s needs %.1f MB of memory, more than loan_risk.max_kernel_memory (%.1f MB)",
						what, bytes / (1024.0 * 1024.0), limit / (1024.0 * 1024.0)),
				 errhint("Raise loan_risk.max_kernel_memory if the server has the memory, or process the input in parts.")));
}
