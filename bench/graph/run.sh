#!/usr/bin/env bash
# bench/graph/run.sh: the graph functions on the sample payment graph
# (data/graph/payment_graph.sql) with 1 and 2 threads, connected components
# against pgRouting's pgr_connectedComponents on the same edges, and how fast
# cancel / statement_timeout act while the biggest jobs run.
#
#   LR_BENCH_GRAPH_EDGES   edges (default 10000000)
#   LR_BENCH_GRAPH_NODES   nodes (default 1000000)
#   LR_BENCH_RUNS          runs per timing, best kept (default 3)
#
# Goals (issue 6): clustering and components each under 10 s with 2 threads,
# near-linear thread speed-up, components at least 5 times faster than
# pgRouting; cancel within 1 s.
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
. bench/lib.sh

EDGES=${LR_BENCH_GRAPH_EDGES:-10000000}
NODES=${LR_BENCH_GRAPH_NODES:-1000000}
RUNS=${LR_BENCH_RUNS:-3}

lr_bench_setup graph || { echo "benchmark setup failed" >&2; exit 1; }
trap lr_bench_teardown EXIT
q() { lr_psql "$LR_BENCH_NAME" -d bench -At "$@"; }

echo "== graph: $EDGES edges over $NODES nodes (best of $RUNS runs)"
t0=$(date +%s)
q -v graph_nodes="$NODES" -v graph_edges="$EDGES" -f data/graph/payment_graph.sql >/dev/null 2>&1 ||
  { echo "data generation failed" >&2; exit 1; }
q -c "CREATE EXTENSION pgrouting CASCADE" >/dev/null 2>&1 ||
  { echo "pgrouting is not available (scripts/deps.sh --bench installs it)" >&2; exit 1; }
# pgRouting wants id, source, target, cost columns: the same edges in its form.
q -c "CREATE TABLE pgr_edges AS SELECT row_number() OVER () AS id, payer AS source, payee AS target,
        1.0::float8 AS cost FROM payment_edges" >/dev/null
q -c "CREATE TABLE seeds AS SELECT node FROM payment_nodes WHERE node % 1000 = 0" >/dev/null
q -c "VACUUM ANALYZE" >/dev/null
echo "data ready in $(( $(date +%s) - t0 )) s: $(q -c "SELECT pg_size_pretty(pg_total_relation_size('payment_edges'))") of edges"

EDGES_SQL="SELECT payer, payee FROM payment_edges"
declare -A SQL=(
  [clustering]="SELECT count(*) FROM loan_risk.graph_clustering('$EDGES_SQL')"
  [components]="SELECT count(*) FROM loan_risk.graph_components('$EDGES_SQL')"
  [shared_attribute_components]="SET client_min_messages = warning; SELECT count(*) FROM loan_risk.shared_attribute_components('$EDGES_SQL', 100)"
  [risk_propagation]="SELECT count(*) FROM loan_risk.risk_propagation('SELECT payer, payee, amount::float8 FROM payment_edges', 'SELECT node FROM seeds')"
)
ORDER=(clustering components shared_attribute_components risk_propagation)
declare -A MS
echo
for f in "${ORDER[@]}"; do
  for t in 1 2; do
    lr_bench_time "$f, $t thread(s)" "SET loan_risk.max_threads = $t; ${SQL[$f]};" "$RUNS" || exit 1
    MS[$f.$t]=$LR_BENCH_MS
  done
done
lr_bench_time "pgr_connectedComponents (pgRouting)" \
  "SELECT count(*) FROM pgr_connectedComponents('SELECT id, source, target, cost FROM pgr_edges');" "$RUNS" || exit 1
PGR=$LR_BENCH_MS

echo
printf '%-30s %12s %12s %9s\n' function "1 thread ms" "2 threads ms" speed-up
for f in "${ORDER[@]}"; do
  awk -v f="$f" -v a="${MS[$f.1]}" -v b="${MS[$f.2]}" 'BEGIN { printf "%-30s %12.1f %12.1f %8.2fx\n", f, a, b, a / b }'
done
awk -v p="$PGR" -v a="${MS[components.1]}" -v b="${MS[components.2]}" \
  'BEGIN { printf "%-30s %12.1f %12s\ncomponents vs pgRouting: %.1fx faster (1 thread), %.1fx (2 threads)\n",
           "pgr_connectedComponents", p, "-", p / a, p / b }'

# Same answer as pgRouting (its component ids are the smallest node too).
echo "rows differing from pgRouting: $(q -c "SELECT count(*) FROM (
  (SELECT node, component FROM pgr_connectedComponents('SELECT id, source, target, cost FROM pgr_edges')
   EXCEPT SELECT node, component FROM loan_risk.graph_components('$EDGES_SQL'))
  UNION ALL
  (SELECT node, component FROM loan_risk.graph_components('$EDGES_SQL')
   EXCEPT SELECT node, component FROM pgr_connectedComponents('SELECT id, source, target, cost FROM pgr_edges'))) d")"

# Merchant-likeness on the same graph: AUC in plain SQL (loan_risk.auc once it lands).
echo "merchant_score AUC: $(q -c "WITH s AS (
    SELECT n.is_merchant AS y, c.merchant_score AS score
    FROM loan_risk.graph_clustering('$EDGES_SQL') c JOIN payment_nodes n USING (node)),
  r AS (SELECT y, rank() OVER (ORDER BY score) + (count(*) OVER (PARTITION BY score) - 1) / 2.0 AS rk FROM s)
  SELECT round((sum(rk) FILTER (WHERE y) - count(*) FILTER (WHERE y) * (count(*) FILTER (WHERE y) + 1) / 2.0)
               / (count(*) FILTER (WHERE y) * count(*) FILTER (WHERE NOT y)), 4) FROM r")"

# Cancel latency: statement_timeout fired at several points of each job (as a
# share of its 2-thread time, so reading, building, kernels and output are all
# hit); the latency is the time from the timeout to the error, measured in
# the server.  pg_cancel_backend goes through the same interrupt.
echo
echo "cancel latency (statement_timeout at a share of the 2-thread time; ms from timeout to error):"
for f in clustering components risk_propagation; do
  line="  $f:"
  worst=0
  for share in 0.1 0.3 0.5 0.7 0.9; do
    to=$(awk -v m="${MS[$f.2]}" -v s="$share" 'BEGIN { v = int(m * s); print (v < 1 ? 1 : v) }')
    sql=${SQL[$f]//\'/\'\'}
    lat=$(q -c "SET loan_risk.max_threads = 2" -c "SET statement_timeout = $to" -c "DO \$\$
      DECLARE t0 timestamptz := clock_timestamp(); n bigint;
      BEGIN
        EXECUTE '${sql}' INTO n;
        RAISE NOTICE 'finished';
      EXCEPTION WHEN query_canceled THEN
        RAISE NOTICE 'latency %', round(extract(epoch FROM clock_timestamp() - t0) * 1000 - $to);
      END \$\$" 2>&1 | sed -n 's/.*latency \(-\?[0-9]*\).*/\1/p; s/.*finished.*/done/p')
    line+=" ${share}:${lat:-?}"
    [[ "$lat" =~ ^-?[0-9]+$ ]] && [ "$lat" -gt "$worst" ] && worst=$lat
  done
  echo "$line  (worst ${worst} ms)"
done

# pg_cancel_backend from another session, half way through clustering.
half=$(awk -v m="${MS[clustering.2]}" 'BEGIN { printf "%.3f", m / 2000 }')
start=$(date +%s%N)
(q -c "SET application_name = 'lr_graph_bench'" -c "SET loan_risk.max_threads = 2" -c "${SQL[clustering]}" >/dev/null 2>&1) &
bg=$!
sleep "$half"
sent=$(date +%s%N)
q -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'lr_graph_bench'" >/dev/null
wait "$bg"
done_at=$(date +%s%N)
echo "  pg_cancel_backend at $(( (sent - start) / 1000000 )) ms into clustering: backend free after $(( (done_at - sent) / 1000000 )) ms"
