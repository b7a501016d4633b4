/*
 * graph_mem.c
 *	  Accounting of the graph kernels' memory against
 *	  loan_risk.max_kernel_memory: every array is checked before it is
 *	  allocated, so a graph too big for the limit fails with a clear error
 *	  instead of running the server out of memory.
 */
#include "postgres.h"

#include <stdarg.h>

#include "utils/memutils.h"

#include "common/lr_parallel.h"
#include "graph/graph.h"

void
lr_graph_mem_init(LrGraphMem *m, const char *what)
{
	m->cxt = AllocSetContextCreate(CurrentMemoryContext, "loan_risk graph",
								   ALLOCSET_DEFAULT_SIZES);
	m->used = 0;
	m->peak = 0;
	strlcpy(m->what, what, sizeof(m->what));
	INSTR_TIME_SET_CURRENT(m->phase_start);
}

void
lr_graph_phase(LrGraphMem *m, const char *phase)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	if (message_level_is_interesting(DEBUG1))
	{
		instr_time	d = now;

		INSTR_TIME_SUBTRACT(d, m->phase_start);
		elog(DEBUG1, "loan_risk graph: %s: %.1f ms, %.0f MB in use, %.0f MB at most",
			 phase, INSTR_TIME_GET_MILLISEC(d), m->used / (1024.0 * 1024.0),
			 m->peak / (1024.0 * 1024.0));
	}
	m->phase_start = now;
}

void
lr_graph_mem_what(LrGraphMem *m, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(m->what, sizeof(m->what), fmt, ap);
	va_end(ap);
}

void
lr_graph_mem_check(LrGraphMem *m, double more)
{
	lr_memory_check(m->used + more, m->what);
}

void *
lr_graph_alloc(LrGraphMem *m, size_t bytes)
{
	void	   *p;

	lr_graph_mem_check(m, (double) bytes);
	p = MemoryContextAllocExtended(m->cxt, Max(bytes, 1), MCXT_ALLOC_HUGE);
	m->used += bytes;
	m->peak = Max(m->peak, m->used);
	return p;
}

void *
lr_graph_alloc0(LrGraphMem *m, size_t bytes)
{
	void	   *p;

	lr_graph_mem_check(m, (double) bytes);
	p = MemoryContextAllocExtended(m->cxt, Max(bytes, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	m->used += bytes;
	m->peak = Max(m->peak, m->used);
	return p;
}

void *
lr_graph_realloc(LrGraphMem *m, void *p, size_t oldbytes, size_t newbytes)
{
	void	   *q;

	if (p == NULL)
		return lr_graph_alloc(m, newbytes);
	/* repalloc may hold both blocks for a moment: count both */
	lr_graph_mem_check(m, (double) newbytes);
	q = repalloc_huge(p, Max(newbytes, 1));
	m->used += (double) newbytes - (double) oldbytes;
	m->peak = Max(m->peak, m->used);
	return q;
}

void
lr_graph_free(LrGraphMem *m, void *p, size_t bytes)
{
	if (p == NULL)
		return;
	pfree(p);
	m->used -= bytes;
}

void
lr_graph_mem_done(LrGraphMem *m)
{
	if (m->cxt)
		MemoryContextDelete(m->cxt);
	m->cxt = NULL;
	m->used = 0;
}
