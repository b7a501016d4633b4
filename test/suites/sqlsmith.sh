#!/usr/bin/env bash
# Suite: sqlsmith (random SQL built from the catalog, loan_risk's functions,
# aggregates and types included) against a database holding the extension and
# the sample data of data/ (applicants, merchants and transactions, a payment
# graph, a loan book, the bank-matching simulation with trained approval
# models), a value of every type of the extension (scorecard, isolation
# forest, a decision strategy with every stage and a list lookup, every
# aggregate state) and query strings that the functions taking one can run.
# A fixed seed and query count make the run repeatable; passing means no
# backend was terminated by a signal (and no PANIC or failed assertion) while
# every query ran.  Errors from nonsense arguments are expected and fine.
#
#   LR_SQLSMITH_QUERIES (default 10000), LR_SQLSMITH_SEED (default 20261122),
#   LR_SQLSMITH_TIMEOUT (seconds for the whole run, default 3600)
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
N=${LR_SQLSMITH_QUERIES:-10000}
SEED=${LR_SQLSMITH_SEED:-20261122}
LIMIT=${LR_SQLSMITH_TIMEOUT:-3600}
command -v sqlsmith >/dev/null || { echo "sqlsmith is not installed"; echo "0 passed, 1 failed"; exit 1; }
lr_make_work
trap 'lr_cluster_stop smith; rm -rf "$LR_WORK"' EXIT
lr_need_install || { echo "0 passed, 1 failed"; exit 1; }
lr_cluster_start smith "statement_timeout = '3s'" "max_parallel_workers_per_gather = 2" \
  "loan_risk.max_kernel_memory = '256MB'" "work_mem = '16MB'" || { echo "0 passed, 1 failed"; exit 1; }
cp -r data "$LR_WORK"/
[ "$(id -u)" -eq 0 ] && chown -R "$LR_USER" "$LR_WORK"/data
lr_psql smith -d postgres -c "CREATE DATABASE smith" >/dev/null
(cd "$LR_WORK" && lr_psql smith -d smith >"$LR_WORK/setup.log" 2>&1) <<'SQL' || { cat "$LR_WORK/setup.log"; echo "0 passed, 1 failed"; exit 1; }
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
-- The server's 3 s timeout is for sqlsmith's queries, not the set-up (slow under load).
SET statement_timeout = 0;
CREATE EXTENSION loan_risk;
-- Applicants and the demo card.
CREATE TABLE applicants (id integer PRIMARY KEY, region text, industry text, months_active integer,
  gmv_90d numeric, refund_share numeric, repeat_payer_share numeric, night_share numeric, bad integer);
\copy applicants FROM 'data/applicants.csv' WITH (FORMAT csv, HEADER)
DELETE FROM applicants WHERE id > 2000;
CREATE TABLE scorecards (name text PRIMARY KEY, card loan_risk.scorecard);
\set card `cat data/demo_card.json`
INSERT INTO scorecards VALUES ('demo', :'card');
\set card `cat data/training/applicants_card.json`
INSERT INTO scorecards VALUES ('trained', :'card');
-- The logistic regression cases.
CREATE TABLE glm_cases (id integer, x1 float8, x2 float8, x3 integer, w float8, off float8, y integer);
\copy glm_cases FROM 'data/training/glm_cases.csv' WITH (FORMAT csv, HEADER)
-- Merchants, transactions and loans; a payment graph; a loan book.
\set merchants 100
\set transactions 5000
\i data/features/generate.sql
RESET search_path;
\set graph_nodes 300
\set graph_edges 2000
\i data/graph/payment_graph.sql
\set n 200
\i data/portfolio/gen_book.sql
-- The bank-matching simulation: products with rules and trained approval models.
\set n_banks 2
\set n_history 400
\set n_new 50
\i data/matching/generate.sql
\i data/matching/simulate.sql
SET client_min_messages = warning;
CREATE TABLE edges (a bigint, b bigint);
INSERT INTO edges SELECT i, (hashint4(i) & 255) FROM generate_series(1, 500) i;
-- A value of every type of the extension, from its aggregates.
CREATE TABLE model_values AS
SELECT (SELECT card FROM scorecards WHERE name = 'demo') AS card,
       loan_risk.brier_partial(0.1 + (id % 7) / 10.0, bad) AS brier,
       loan_risk.gains_table_partial(0.1 + (id % 7) / 10.0, bad, 5) AS score_dist,
       loan_risk.iv_partial(region, bad) AS bucket_dist,
       loan_risk.prebin_partial(bad, ARRAY[months_active]::float8[], ARRAY[region]) AS prebin,
       loan_risk.logit_step_partial('{0,0}', bad, 1, 0, ARRAY[months_active]::float8[]) AS logit_step,
       loan_risk.robust_stats_partial(gmv_90d::float8) AS robust_stats,
       loan_risk.robust_stats(gmv_90d::float8) AS robust_summary,
       loan_risk.iforest_train_partial(id, ARRAY[months_active, refund_share]::float8[], '{months_active,refund_share}') AS iforest_train,
       loan_risk.iforest_train(id, ARRAY[months_active, refund_share]::float8[], '{months_active,refund_share}') AS iforest,
       loan_risk.daily_interest_partial(gmv_90d, date '2024-01-01' + id % 300, 0.0005, date '2024-12-31') AS daily_interest
FROM applicants a GROUP BY region;
-- A decision strategy with every stage, looking applicants up in a list.
CREATE TABLE blocked_regions (region text PRIMARY KEY);
INSERT INTO blocked_regions SELECT region FROM applicants ORDER BY id LIMIT 1;
ALTER TABLE model_values ADD COLUMN strategy loan_risk.strategy;
UPDATE model_values SET strategy = jsonb_build_object('format', 'loan_risk.strategy/1', 'name', 'smith',
  'version', '1', 'key', 'id', 'stages', jsonb_build_object(
    'knock_out', '{"rules": [{"name": "KO_AGE", "dimension": "applicant", "reason": "too young",
                              "column": "months_active", "op": ">=", "value": 6}]}'::jsonb,
    'identity', '{"lists": [{"code": "BLOCKED", "list": "black", "schema": "public", "table": "blocked_regions",
                             "key_column": "region", "column": "region", "reason": "region blocked"}]}'::jsonb,
    'anomaly', jsonb_build_object('model', iforest::jsonb, 'refer_at', 0.7, 'decline_at', 0.8),
    'score', jsonb_build_object('arms', jsonb_build_array(
      jsonb_build_object('name', 'a', 'share', 0.5, 'approve_at', 500, 'card', card::jsonb),
      jsonb_build_object('name', 'b', 'share', 0.5, 'approve_at', 520, 'card', card::jsonb))),
    'limit', '{"monthly_revenue": "gmv_90d", "policy": {"bands": [{"max_pd": 1, "revenue_multiple": 2}]}}'::jsonb,
    'price', '{"lgd": 0.4, "term_months": 12, "policy": {"cost_of_funds": 0.05, "acquisition_cost": 0.012,
               "credit_data_cost": 0.003, "operating_cost": 0.03, "management_cost": 0.01,
               "target_margin": 0.04}}'::jsonb))::loan_risk.strategy
WHERE iforest IS NOT NULL;
CREATE TABLE merchant_states AS
SELECT merchant_id, loan_risk.merchant_features_partial(ts, amount, payer) AS profile
FROM lr_transactions GROUP BY merchant_id;
CREATE TABLE borrowing_states AS
SELECT merchant_id, loan_risk.borrowing_features_partial(start_date, end_date, amount, days_past_due) AS borrowing
FROM lr_loans GROUP BY merchant_id;
CREATE TABLE apr_states AS
SELECT loan_risk.apr_partial(CASE WHEN i = 0 THEN -1000 ELSE 90 END, date '2024-01-01' + i * 30) AS apr
FROM generate_series(0, 12) i;
CREATE TABLE states AS SELECT loan_risk.brier_partial(0.5, bad = 1) AS s FROM applicants GROUP BY region;
-- Query strings and table names the functions taking one can run, and policies.
CREATE TABLE query_strings (q text);
INSERT INTO query_strings VALUES ('SELECT payer, payee FROM payment_edges'), ('SELECT a, b FROM edges'),
  ('SELECT 1::bigint'), ('applicants'), ('glm_cases'), ('SELECT id, originated, amount, segment FROM book_loans'),
  ('SELECT loan_id, month, dpd, balance, status, segment FROM book_performance'), ('matching_sim.products'),
  ('SELECT * FROM applicants WHERE id <= 50'), ('bad'), ('y');
CREATE TABLE policies (p jsonb);
INSERT INTO policies VALUES ('{}'), ('{"bands": [{"max_pd": 0.1, "revenue_multiple": 2}]}'),
  ('{"cost_of_funds": 0.05, "acquisition_cost": 0.01, "credit_data_cost": 0.003, "operating_cost": 0.03,
     "management_cost": 0.01, "target_margin": 0.04}'),
  ('{"binning": {"max_bins": 4}}');
ANALYZE;
SQL
echo "== sqlsmith: $N queries, seed $SEED"
start=$(date +%s)
lr_as_user timeout "$LIMIT" sqlsmith --target="host=$LR_SOCK port=$LR_PORT dbname=smith user=postgres" \
  --seed="$SEED" --max-queries="$N" --exclude-catalog --verbose >"$LR_WORK/sqlsmith.out" 2>&1
rc=$?
secs=$(( $(date +%s) - start ))
out=$(tr '\r' '\n' <"$LR_WORK/sqlsmith.out")
queries=$(grep -o '^queries: [0-9]*' <<<"$out" | tail -1 | awk '{print $2}')
error_rate=$(grep -o '^error rate: [0-9.]*' <<<"$out" | tail -1 | awk '{print $3}')
log=$LR_WORK/smith/server.log
errors=$(grep -c " ERROR: " "$log")
errors_ours=$(grep " ERROR: " "$log" | grep -c "loan_risk")
crashes=$(grep -cE "terminated by signal|PANIC|TRAP:|server process .* was terminated" "$log")
echo "sqlsmith exit code $rc; queries ${queries:-?}, error rate ${error_rate:-?}; server errors $errors" \
     "($errors_ours mentioning loan_risk); backend crashes $crashes; $secs s"
if [ "$crashes" -gt 0 ]; then
  grep -B5 -E "terminated by signal|PANIC|TRAP:" "$log" | head -40
  echo "0 passed, 1 failed"; exit 1
fi
if [ "${queries:-0}" -lt "$N" ]; then
  tail -5 <<<"$out"
  echo "sqlsmith ran ${queries:-0} of $N queries"
  echo "0 passed, 1 failed"; exit 1
fi
echo "1 passed, 0 failed"
