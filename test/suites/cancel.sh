#!/usr/bin/env bash
# Suite: cancel and statement_timeout.  Each long-running function runs with
# statement_timeout = 1s (100 ms for the huge model values) on an input that
# takes longer; it must stop within LR_CANCEL_SLACK_MS (default 1000) after
# the timeout, leave the session usable, and give its memory back (the
# backend's memory after the cancelled call within 8 MB of before).  Reading
# a huge model under a low loan_risk.max_kernel_memory must fail at once with
# the limit's error, its peak memory bounded.  Prints the latencies and the
# backend's peak resident memory (VmHWM, shared buffers it touched included).
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
SLACK=${LR_CANCEL_SLACK_MS:-1000}
lr_make_work
trap 'lr_cluster_stop cancel; rm -rf "$LR_WORK"' EXIT
lr_need_install || { echo "0 passed, 1 failed"; exit 1; }
lr_cluster_start cancel "max_parallel_workers_per_gather = 2" "shared_buffers = '512MB'" \
  || { echo "0 passed, 1 failed"; exit 1; }
lr_psql cancel -d postgres -c "CREATE DATABASE c" >/dev/null
lr_psql cancel -d c >/dev/null <<'SQL'
CREATE EXTENSION loan_risk;
-- A random graph of 3,000,000 edges over 300,000 nodes.
CREATE TABLE edges AS SELECT (hashint4(i) & 262143)::bigint + 1 AS a, (hashint4(i * 7 + 3) & 262143)::bigint + 1 AS b
FROM generate_series(1, 3000000) i;
-- 6,000,000 scores with outcomes.
CREATE TABLE scores AS SELECT (hashint4(i) & 1048575) / 1048575.0::float8 AS pd, hashint4(i * 3) % 7 = 0 AS bad
FROM generate_series(1, 6000000) i;
-- 3,000,000 transactions.
CREATE TABLE txn AS SELECT (hashint4(i) & 4095) AS merchant_id,
  timestamptz '2025-01-01' + (hashint4(i * 5) & 31535999) * interval '1 second' AS ts,
  ((hashint4(i * 11) & 65535) / 100.0)::numeric(12,2) AS amount, 'p' || (hashint4(i * 13) & 65535) AS payer
FROM generate_series(1, 3000000) i;
-- Huge model values: a scorecard of one feature with 1,000,000 bins (32 MB of
-- text) and an isolation forest of 300 trees of 4096 rows (35 MB).
CREATE TABLE card_text AS
SELECT '{"format": "loan_risk.scorecard/1", "base_points": 0, "features": [{"name": "x", "type": "numeric", "bins": ['
  || string_agg('{"upper": ' || i || ', "points": ' || (i % 7) || '}', ', ' ORDER BY i)
  || ', {"upper": null, "points": 0}]}]}' AS t
FROM generate_series(1, 999999) i;
CREATE TABLE card_val AS SELECT t::loan_risk.scorecard AS c FROM card_text;
-- A decision strategy embedding that card (with a scaling) in its score stage.
CREATE TABLE strategy_text AS
SELECT '{"format": "loan_risk.strategy/1", "name": "huge", "version": "1", "stages": {"score": {"arms": [{"name": "only", '
  || '"approve_at": 600, "card": ' || left(t, -1) || ', "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50}}}]}}}' AS t
FROM card_text;
CREATE TABLE strategy_val AS SELECT t::loan_risk.strategy AS s FROM strategy_text;
CREATE TABLE forest_text AS
SELECT loan_risk.iforest_train(i, ARRAY[pd]::float8[], ARRAY['pd'], '{"trees": 300, "sample_size": 4096}')::text AS t
FROM (SELECT row_number() OVER () AS i, pd FROM scores s LIMIT 100000) s;
CREATE TABLE forest_val AS SELECT t::loan_risk.iforest AS f FROM forest_text;
ANALYZE;
SQL

passed=0; failed=0
# check NAME SQL [TIMEOUT_MS]: run SQL under the timeout (default 1000 ms),
# check latency, usability, memory after; report the peak.
check() {
  local name=$1 sql=$2 to=${3:-1000} out t ms err before after peak
  out=$(lr_psql cancel -d c -At -v ON_ERROR_STOP=0 2>&1 <<SQL
SELECT pg_backend_pid() AS pid \gset
\setenv LR_PID :pid
SELECT sum(total_bytes) FROM pg_backend_memory_contexts;
SET statement_timeout = '${to}ms';
\timing on
$sql;
\timing off
RESET statement_timeout;
SELECT 'usable ' || (1 + 1);
\! echo "peak \$(awk '/^VmHWM/ {print \$2}' /proc/\$LR_PID/status)"
SELECT sum(total_bytes) FROM pg_backend_memory_contexts;
SQL
)
  before=$(echo "$out" | grep -E '^[0-9]+$' | head -1)
  after=$(echo "$out" | grep -E '^[0-9]+$' | tail -1)
  peak=$(echo "$out" | sed -n 's/^peak \([0-9]*\)$/\1/p')
  t=$(echo "$out" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sort -n | tail -1)
  err=$(echo "$out" | grep -c "canceling statement due to statement timeout")
  ms=${t%.*}
  if [ "$err" -eq 1 ] && [ -n "$ms" ] && [ "$ms" -le $((to + SLACK)) ] && echo "$out" | grep -q "^usable 2$" \
     && [ $((after - before)) -le $((8 * 1024 * 1024)) ]; then
    printf 'cancel %-28s stopped %5d ms after the timeout, session usable, memory %+d kB, peak %d MB\n' \
      "$name" $((ms - to)) $(((after - before) / 1024)) $((${peak:-0} / 1024))
    passed=$((passed + 1))
  else
    printf 'cancel %-28s FAILED (time %s ms, timeout error %s, memory before %s after %s)\n' "$name" "$t" "$err" "$before" "$after"
    echo "$out" | tail -8 | sed 's/^/    /'
    failed=$((failed + 1))
  fi
}

# check_limit NAME SQL LIMIT_MB [ERROR [PEAK_MB]]: under
# loan_risk.max_kernel_memory = LIMIT_MB, SQL fails with the limit's error (or
# ERROR, a grep pattern) within 1 s + the slack (reading the value itself,
# which PostgreSQL does before the extension sees it, takes a few hundred ms;
# the whole read takes 10 s or more), its backend's peak resident memory
# under PEAK_MB, by default LIMIT_MB + LR_CANCEL_PEAK_SLACK_MB (default 160:
# the text itself, shared buffers read and the backend's own).
check_limit() {
  local name=$1 sql=$2 limit=$3 out t ms peak
  local bound=${5:-$(($3 + ${LR_CANCEL_PEAK_SLACK_MB:-160}))}
  local pattern=${4:-needs more memory than loan_risk.max_kernel_memory}
  out=$(lr_psql cancel -d c -At -v ON_ERROR_STOP=0 2>&1 <<SQL
SELECT pg_backend_pid() AS pid \gset
\setenv LR_PID :pid
SET loan_risk.max_kernel_memory = '${limit}MB';
\timing on
$sql;
\timing off
\! echo "peak \$(awk '/^VmHWM/ {print \$2}' /proc/\$LR_PID/status)"
SQL
)
  peak=$(echo "$out" | sed -n 's/^peak \([0-9]*\)$/\1/p')
  t=$(echo "$out" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sort -n | tail -1)
  ms=${t%.*}
  if echo "$out" | grep -q -- "$pattern" && [ -n "$ms" ] \
     && [ "$ms" -le $((1000 + SLACK)) ] && [ -n "$peak" ] && [ $((peak / 1024)) -le "$bound" ]; then
    printf 'limit  %-28s refused in %5d ms under %d MB, peak %d MB\n' "$name" "$ms" "$limit" $((peak / 1024))
    passed=$((passed + 1))
  else
    printf 'limit  %-28s FAILED (time %s ms, peak %s kB, bound %d MB)\n' "$name" "$t" "$peak" "$bound"
    echo "$out" | tail -8 | sed 's/^/    /'
    failed=$((failed + 1))
  fi
}

check graph_clustering      "SELECT count(*) FROM loan_risk.graph_clustering('SELECT a, b FROM edges, generate_series(1, 3)')"
check graph_components      "SELECT count(*) FROM loan_risk.graph_components('SELECT a, b FROM edges, generate_series(1, 3)')"
check risk_propagation      "SELECT count(*) FROM loan_risk.risk_propagation('SELECT a, b FROM edges', 'SELECT a FROM edges LIMIT 100', 0.85, 100000)"
check shared_attributes     "SELECT count(*) FROM loan_risk.shared_attribute_components('SELECT a, b FROM edges, generate_series(1, 3)', 1000)"
check auc_6m                "SET max_parallel_workers_per_gather = 0; SELECT loan_risk.auc(pd, bad) FROM scores, generate_series(1, 3)"
check gains_table           "SET max_parallel_workers_per_gather = 0; SELECT loan_risk.gains_table(pd, bad, 20) FROM scores, generate_series(1, 3)"
check merchant_features     "SELECT count(*) FROM (SELECT merchant_id, loan_risk.merchant_features(ts, amount, payer) p FROM txn, generate_series(1, 3) GROUP BY 1) s WHERE (p).revenue_30d >= 0"
check iforest_train         "SELECT loan_risk.iforest_train(i, ARRAY[pd]::float8[], ARRAY['pd'], '{\"trees\": 4000, \"sample_size\": 4096}') FROM (SELECT row_number() OVER () AS i, pd FROM scores s LIMIT 300000) x"
# Training: its passes are queries (binning, the design) and passes in memory.
check train_scorecard       "SET max_parallel_workers_per_gather = 0; SELECT loan_risk.train_scorecard('SELECT pd, pd * pd AS pd2, bad FROM scores, generate_series(1, 2)', 'bad', '{pd,pd2}')"
# Huge model values: text input, the first score() or anomaly_score() of a
# query (the compile), and the exports, under a 100 ms timeout.
check scorecard_in_1m_bins      "SELECT length(t::loan_risk.scorecard::text) FROM card_text" 100
check score_compile_1m_bins     "SELECT loan_risk.score(c, r) FROM card_val, (SELECT 5.0::float8 AS x) r" 100
check scorecard_sql_1m_bins     "SELECT length(loan_risk.scorecard_sql(c)) FROM card_val" 100
check scorecard_table_1m_bins   "SELECT count(*) FROM card_val, loan_risk.scorecard_table(c)" 100
check iforest_in_300_trees      "SELECT length(t::loan_risk.iforest::text) FROM forest_text" 100
check anomaly_compile_300_trees "SELECT loan_risk.anomaly_score(f, r) FROM forest_val, (SELECT 0.5::float8 AS pd) r" 100
check strategy_in_1m_bins       "SELECT length(t::loan_risk.strategy::text) FROM strategy_text" 100
check decide_compile_1m_bins    "SELECT (loan_risk.decide(s, r)).outcome FROM strategy_val, (SELECT 5.0::float8 AS x) r" 100
check_limit scorecard_in_1m_bins      "SELECT t::loan_risk.scorecard IS NOT NULL FROM card_text" 64
check_limit score_compile_1m_bins     "SELECT loan_risk.score(c, r) FROM card_val, (SELECT 5.0::float8 AS x) r" 64
check_limit anomaly_compile_300_trees "SELECT loan_risk.anomaly_score(f, r) FROM forest_val, (SELECT 0.5::float8 AS pd) r" 64
check_limit scorecard_sql_1m_bins     "SELECT length(loan_risk.scorecard_sql(c)) FROM card_val" 64
check_limit scorecard_table_1m_bins   "SELECT count(*) FROM card_val, loan_risk.scorecard_table(c)" 64
check_limit iforest_in_300_trees      "SELECT t::loan_risk.iforest IS NOT NULL FROM forest_text" 64
check_limit strategy_in_1m_bins       "SELECT t::loan_risk.strategy IS NOT NULL FROM strategy_text" 64
check_limit decide_compile_1m_bins    "SELECT (loan_risk.decide(s, r)).outcome FROM strategy_val, (SELECT 5.0::float8 AS x) r" 64
# iforest_train of 10,000 trees of 4,096 rows (2.3 GB of trees) under the
# default limit: its text would exceed the 1 GB of a value, so it is refused
# after growing a few trees, not a minute and gigabytes later.
check_limit iforest_train_10000_trees "SELECT loan_risk.iforest_train(i, ARRAY[pd]::float8[], ARRAY['pd'], '{\"trees\": 10000, \"sample_size\": 4096}') IS NULL FROM (SELECT row_number() OVER () AS i, pd FROM scores s LIMIT 20000) x" 8192 "more than the 1 GB limit of a value" 256
echo "$passed passed, $failed failed"
