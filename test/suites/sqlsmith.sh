#!/usr/bin/env bash
# Suite: sqlsmith (random SQL built from the catalog, loan_risk's functions,
# aggregates and types included) against a database holding the extension and
# sample data.  A fixed seed and query count make the run repeatable; passing
# means no backend was terminated by a signal (and no PANIC/TRAP) while every
# query ran.  Errors from nonsense arguments are expected and fine.
#
#   LR_SQLSMITH_QUERIES (default 3000), LR_SQLSMITH_SEED (default 20261122)
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
N=${LR_SQLSMITH_QUERIES:-3000}
SEED=${LR_SQLSMITH_SEED:-20261122}
command -v sqlsmith >/dev/null || { echo "sqlsmith is not installed"; echo "0 passed, 1 failed"; exit 1; }
lr_make_work
trap 'lr_cluster_stop smith; rm -rf "$LR_WORK"' EXIT
lr_cluster_start smith "statement_timeout = '3s'" "max_parallel_workers_per_gather = 2" \
  "loan_risk.max_kernel_memory = '256MB'" "work_mem = '16MB'" || { echo "0 passed, 1 failed"; exit 1; }
cp data/applicants.csv data/demo_card.json "$LR_WORK"/
[ "$(id -u)" -eq 0 ] && chown "$LR_USER" "$LR_WORK"/applicants.csv "$LR_WORK"/demo_card.json
lr_psql smith -d postgres -c "CREATE DATABASE smith" >/dev/null
(cd "$LR_WORK" && lr_psql smith -d smith >/dev/null) <<'SQL'
CREATE EXTENSION loan_risk;
CREATE TABLE applicants (id integer PRIMARY KEY, region text, industry text, months_active integer,
  gmv_90d numeric, refund_share numeric, repeat_payer_share numeric, night_share numeric, bad integer);
\copy applicants FROM 'applicants.csv' WITH (FORMAT csv, HEADER)
DELETE FROM applicants WHERE id > 2000;
CREATE TABLE scorecards (name text PRIMARY KEY, card loan_risk.scorecard);
\set card `cat demo_card.json`
INSERT INTO scorecards VALUES ('demo', :'card');
CREATE TABLE edges (a bigint, b bigint);
INSERT INTO edges SELECT i, (hashint4(i) & 255) FROM generate_series(1, 500) i;
CREATE TABLE states AS SELECT loan_risk.brier_partial(0.5, bad = 1) AS s FROM applicants GROUP BY region;
ANALYZE;
SQL
echo "== sqlsmith: $N queries, seed $SEED"
lr_as_user timeout 1200 sqlsmith --target="host=$LR_SOCK port=$LR_PORT dbname=smith user=postgres" \
  --seed="$SEED" --max-queries="$N" --exclude-catalog >"$LR_WORK/sqlsmith.out" 2>&1
rc=$?
tail -3 "$LR_WORK/sqlsmith.out" | tr '\r' '\n' | tail -3
queries=$(grep -c "" "$LR_WORK/smith/server.log")
crashes=$(grep -cE "terminated by signal|PANIC|TRAP:|server process .* was terminated" "$LR_WORK/smith/server.log")
errors_in_ours=$(grep -cE "loan_risk" "$LR_WORK/smith/server.log")
echo "sqlsmith exit code $rc; server log lines mentioning loan_risk: $errors_in_ours; crashes: $crashes"
if [ "$crashes" -gt 0 ]; then
  grep -B5 -E "terminated by signal|PANIC|TRAP:" "$LR_WORK/smith/server.log" | head -40
  echo "0 passed, 1 failed"; exit 1
fi
echo "1 passed, 0 failed"
