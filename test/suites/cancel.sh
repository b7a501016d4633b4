#!/usr/bin/env bash
# Suite: cancel and statement_timeout.  Each long-running function runs with
# statement_timeout = 1s on an input that takes longer; it must stop within
# LR_CANCEL_SLACK_MS (default 1000) after the timeout, leave the session
# usable, and give its memory back (the backend's memory after the cancelled
# call within 8 MB of before).  Prints the latencies measured.
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
SLACK=${LR_CANCEL_SLACK_MS:-1000}
lr_make_work
trap 'lr_cluster_stop cancel; rm -rf "$LR_WORK"' EXIT
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
ANALYZE;
SQL

passed=0; failed=0
# check NAME SQL: run SQL under a 1 s timeout, check latency, usability, memory.
check() {
  local name=$1 sql=$2 out t ms err before after
  out=$(lr_psql cancel -d c -At -v ON_ERROR_STOP=0 2>&1 <<SQL
SELECT sum(total_bytes) FROM pg_backend_memory_contexts;
SET statement_timeout = '1s';
\timing on
$sql;
\timing off
RESET statement_timeout;
SELECT 'usable ' || (1 + 1);
SELECT sum(total_bytes) FROM pg_backend_memory_contexts;
SQL
)
  before=$(echo "$out" | sed -n 1p)
  after=$(echo "$out" | grep -E '^[0-9]+$' | tail -1)
  t=$(echo "$out" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sort -n | tail -1)
  err=$(echo "$out" | grep -c "canceling statement due to statement timeout")
  ms=${t%.*}
  if [ "$err" -eq 1 ] && [ -n "$ms" ] && [ "$ms" -le $((1000 + SLACK)) ] && echo "$out" | grep -q "^usable 2$" \
     && [ $((after - before)) -le $((8 * 1024 * 1024)) ]; then
    printf 'cancel %-28s stopped %5d ms after the timeout, session usable, memory %+d kB\n' "$name" $((ms - 1000)) $(((after - before) / 1024))
    passed=$((passed + 1))
  else
    printf 'cancel %-28s FAILED (time %s ms, timeout error %s, memory before %s after %s)\n' "$name" "$t" "$err" "$before" "$after"
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
check iforest_train         "SELECT loan_risk.iforest_train(i, r, ARRAY['pd'], '{\"trees\": 10000, \"sample_size\": 4096}') FROM (SELECT row_number() OVER () AS i, s FROM scores s LIMIT 300000) x(i, r), LATERAL (SELECT (x.r).pd) r2(pd)"
# Training: its passes are queries (binning, the design) and passes in memory.
check train_scorecard       "SET max_parallel_workers_per_gather = 0; SELECT loan_risk.train_scorecard('SELECT pd, pd * pd AS pd2, bad FROM scores, generate_series(1, 2)', 'bad', '{pd,pd2}')"
echo "$passed passed, $failed failed"
