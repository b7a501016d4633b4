#!/usr/bin/env bash
# The bank simulation at its full size, on a throwaway cluster: generates the
# banks, their hidden behaviour, past applications and new applicants
# (generate.sql), fits every product's approval model and matches the new
# applicants (simulate.sql), and prints the report.
#
#   bash data/matching/run.sh                     # 10 banks, 40,000 past applicants, 5,000 new
#   N_BANKS=20 N_HISTORY=80000 N_NEW=10000 bash data/matching/run.sh
#   WORLD=nonmonotone bash data/matching/run.sh   # see generate.sql for the worlds
#   CALIBRATION=platt bash data/matching/run.sh   # models with cross-fitted Platt calibration
#   OPTIONS=1 bash data/matching/run.sh           # also every matching option (options.sql)
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
make -s PG_CONFIG="$PG_CONFIG" all >/dev/null || exit 1
lr_tmp_install || exit 1
lr_make_work
trap 'lr_cluster_stop sim; rm -rf "$LR_WORK"' EXIT
lr_cluster_start sim "max_parallel_workers_per_gather = 2" || exit 1
cp -r data/matching "$LR_WORK/data_matching"
[ "$(id -u)" -eq 0 ] && chown -R "$LR_USER" "$LR_WORK/data_matching"
lr_psql sim -d postgres -c "CREATE DATABASE sim" >/dev/null
lr_psql sim -d sim -c "CREATE EXTENSION loan_risk" >/dev/null
lr_psql sim -d sim -v n_banks="${N_BANKS:-10}" -v n_history="${N_HISTORY:-40000}" -v n_new="${N_NEW:-5000}" \
  -v world="${WORLD:-monotone}" -v calibration="${CALIBRATION:-none}" \
  -f "$LR_WORK/data_matching/generate.sql" -f "$LR_WORK/data_matching/simulate.sql" >/dev/null || exit 1
if [ -n "${OPTIONS:-}" ]; then
  lr_psql sim -d sim -f "$LR_WORK/data_matching/options.sql" >/dev/null || exit 1
fi
lr_psql sim -d sim -c "SELECT coalesce((approval_model::jsonb)->'training'->>'method', 'loan_risk.train_scorecard')
                               AS models_fitted_by, count(*) AS products
                        FROM matching_sim.products GROUP BY 1" \
               -x -c "SELECT * FROM matching_sim.report"
if [ -n "${OPTIONS:-}" ]; then
  lr_psql sim -d sim -c "SELECT option, approval_confidence, order_by, recommended, expected_approval,
                                first_expected_approval, claimed_approval, share_matched
                         FROM matching_sim.options_report ORDER BY k"
fi
