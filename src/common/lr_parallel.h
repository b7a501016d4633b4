/*
 * lr_parallel.h
 *	  Threads for in-memory kernels, by the rules of doc/threads.md:
 *	  inputs copied into flat C arrays on the main thread, a pure C kernel run
 *	  in fixed blocks with signals blocked, CHECK_FOR_INTERRUPTS() between
 *	  rounds of blocks, and results that do not depend on the thread count.
 */
#ifndef LR_PARALLEL_H
#define LR_PARALLEL_H

#include "postgres.h"

/*
 * Called for one block [begin, end) of a range; block is its index.  Runs on
 * any thread: it must not call PostgreSQL (no palloc, ereport, elog,
 * CHECK_FOR_INTERRUPTS, detoasting or SPI) and must write its results where
 * only this block writes (per-block slots, disjoint array ranges), so the
 * result is the same for any number of threads.
 */
typedef void (*LrBlockFn) (void *arg, int64 block, int64 begin, int64 end);

/*
 * Runs fn over [0, n) in blocks of block_size, on up to nthreads threads
 * (lr_threads() is the usual choice).  Blocks are fixed by n and block_size
 * alone.  Between rounds of a few blocks per thread the main thread checks
 * for interrupts, so pick block_size for blocks of well under 100 ms.
 */
extern void lr_parallel_for(int64 n, int64 block_size, int nthreads, LrBlockFn fn, void *arg);

/* Number of blocks lr_parallel_for cuts [0, n) into. */
static inline int64
lr_parallel_nblocks(int64 n, int64 block_size)
{
	return n <= 0 ? 0 : (n + block_size - 1) / block_size;
}

/*
 * Raises a clear error, before anything is allocated, when an in-memory
 * kernel would need more than loan_risk.max_kernel_memory.  what names the
 * job ("graph of 12000000 edges").
 */
extern void lr_memory_check(double bytes, const char *what);

#endif							/* LR_PARALLEL_H */
