/*
 * lr_dist.c
 *	  Where a call runs; see lr_dist.h.
 */
#include "postgres.h"

#include "utils/guc.h"
#include "utils/guc_tables.h"

#include "common/lr_dist.h"

/* Citus names its connections to workers so (CITUS_APPLICATION_NAME_PREFIX). */
#define LR_CITUS_APPLICATION_PREFIX "citus_internal gpid="

bool
lr_citus_worker_backend(void)
{
	return application_name != NULL &&
		strncmp(application_name, LR_CITUS_APPLICATION_PREFIX, strlen(LR_CITUS_APPLICATION_PREFIX)) == 0;
}

bool
lr_setting_from_session(const char *name)
{
	struct config_generic **vars = get_guc_variables();
	int			n = GetNumConfigOptions();

	for (int i = 0; i < n; i++)
		if (pg_strcasecmp(vars[i]->name, name) == 0)
			return vars[i]->source >= PGC_S_CLIENT;
	return false;
}
