/*
 * report_options.c
 *	  The options of validation_report, in pure C over the field validator
 *	  of src/common/lr_jv.h (fuzzed by test/fuzz/portfolio_fuzz.c).
 */
#include <string.h>

#include "common/lr_jv.h"
#include "metrics/report.h"

bool
lr_report_options_parse(const LrJson *j, LrArena *arena, LrReportOptions *o, LrError *err)
{
	static const char *const known[] = {"title", "outcome", "score", "pd", "recent",
	"csi_features", "groups", "score_bins", NULL};
	LrJv		v;
	const LrJson *csi;
	int64_t		groups = 10;
	int64_t		bins = 20;

	memset(o, 0, sizeof(*o));
	o->outcome = "bad";
	o->csi_all = true;
	lr_jv_init_options(&v, arena, err);
	if (j != NULL && (!lr_jv_expect(&v, j, LRJ_OBJECT) || !lr_jv_check_keys(&v, j, known)))
		return false;
	if (!lr_jv_string_len(&v, j, "title", false, 1000, &o->title) ||
		!lr_jv_string_len(&v, j, "outcome", false, 63, &o->outcome) ||
		!lr_jv_string_len(&v, j, "score", false, 63, &o->score) ||
		!lr_jv_string_len(&v, j, "pd", false, 63, &o->pd) ||
		!lr_jv_string_len(&v, j, "recent", false, 63, &o->recent) ||
		!lr_jv_int(&v, j, "groups", false, 2, LR_REPORT_MAX_GROUPS, &groups, NULL) ||
		!lr_jv_int(&v, j, "score_bins", false, 2, 200, &bins, NULL) ||
		!lr_jv_array(&v, j, "csi_features", false, &csi))
		return false;
	o->groups = (int32_t) groups;
	o->score_bins = (int32_t) bins;
	if (csi != NULL)
	{
		size_t		mark = lr_jv_enter_key(&v, "csi_features");

		o->csi_all = false;
		o->ncsi = csi->n;
		o->csi_features = lr_arena_alloc(arena, sizeof(char *) * (csi->n + 1));
		if (o->csi_features == NULL)
			return lr_jv_nomem(&v);
		for (size_t i = 0; i < csi->n; i++)
		{
			size_t		m = lr_jv_enter_index(&v, i);

			if (!lr_jv_expect(&v, csi->items[i], LRJ_STRING))
				return false;
			lr_jv_leave(&v, m);
			o->csi_features[i] = csi->items[i]->str;
		}
		lr_jv_leave(&v, mark);
	}
	return true;
}
