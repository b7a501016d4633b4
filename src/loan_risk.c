/*
 * loan_risk.c
 *	  Module entry point: the magic block, and _PG_init registering the
 *	  runtime's settings and each area's (see DEVELOPING.md, "Layers").
 *
 * Settings are GUCs under the reserved prefix "loan_risk.".  This is the one
 * file that knows every area with a setting: an area declares its init hook
 * in its public header and is called from here.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "common/lr_settings.h"
#include "common/lr_spi.h"
#include "features/features_pg.h"
#include "training/training_pg.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	lr_settings_init();

	/* Area hooks go here. */
	lr_features_init();
	lr_training_init();
	lr_spi_init();

#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved(LR_GUC_PREFIX);
#else
	EmitWarningsOnPlaceholders(LR_GUC_PREFIX);
#endif
}
