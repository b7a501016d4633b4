/*
 * lr_dist.h
 *	  Where a call runs, for the functions whose result depends on a setting:
 *	  is this backend serving a Citus coordinator's distributed query, and was
 *	  a setting given in this session (SET, or propagated by the coordinator)
 *	  rather than taken from the server's configuration?
 *
 * Citus sends a distributed query's fragments to its workers over
 * connections of its own (application_name "citus_internal gpid=..."), and
 * does not send the coordinator session's settings with them (except SET
 * LOCAL inside a transaction with citus.propagate_set_commands = 'local').
 * A result that depends on a setting must then have it in the query, or
 * refuse to guess: see doc/scale-out.md.
 */
#ifndef LR_DIST_H
#define LR_DIST_H

#include "postgres.h"

/* True in a backend that runs fragments of a Citus coordinator's query. */
extern bool lr_citus_worker_backend(void);

/* True when the named setting's current value was set in this session (SET, SET LOCAL, or the connection). */
extern bool lr_setting_from_session(const char *name);

#endif							/* LR_DIST_H */
