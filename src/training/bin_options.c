/*
 * bin_options.c
 *	  Defaults and names of the binning options; see bin_options.h.  Pure C.
 */
#include <string.h>

#include "training/bin_options.h"

void
lr_bin_options_default(LrBinOptions *o)
{
	memset(o, 0, sizeof(*o));
	o->max_bins = 6;
	o->min_bin_share = 0.05;
	o->trend = LR_TREND_AUTO;
	o->min_bad_rate_diff = 0;
	o->max_prebins = 100;
	o->unseen = LR_UNSEEN_WORST;
	o->type = LR_FTYPE_AUTO;
}

const char *
lr_trend_name(LrTrend t)
{
	switch (t)
	{
		case LR_TREND_AUTO:
			return "auto";
		case LR_TREND_ASCENDING:
			return "ascending";
		case LR_TREND_DESCENDING:
			return "descending";
		case LR_TREND_PEAK:
			return "peak";
		case LR_TREND_VALLEY:
			return "valley";
		case LR_TREND_NONE:
			return "none";
	}
	return "none";
}
