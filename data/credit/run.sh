#!/usr/bin/env bash
# loan_risk.train_scorecard against the reference WOE scorecard on held-out
# rows of public credit data (README.md), on a throwaway cluster:
#
#   /usr/bin/python3 data/credit/reference_woe.py   # the reference's PDs (committed)
#   bash data/credit/run.sh                          # prints the comparison
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
make -s PG_CONFIG="$PG_CONFIG" all >/dev/null || exit 1
lr_tmp_install || exit 1
lr_make_work
trap 'lr_cluster_stop credit; rm -rf "$LR_WORK"' EXIT
lr_cluster_start credit || exit 1
cp -r data/credit "$LR_WORK/credit"
[ "$(id -u)" -eq 0 ] && chown -R "$LR_USER" "$LR_WORK/credit"
lr_psql credit -d postgres -c "CREATE DATABASE credit" >/dev/null
lr_psql credit -d credit -c "CREATE EXTENSION loan_risk" >/dev/null
(cd "$LR_WORK/credit" && lr_psql credit -d credit -f compare.sql >/dev/null) || exit 1
lr_psql credit -d credit -c "SELECT dataset, model, test_rows, features, auc, hosmer_lemeshow, hl_p_value,
                                    mean_pd, bad_rate
                             FROM credit.comparison ORDER BY dataset, model DESC"
