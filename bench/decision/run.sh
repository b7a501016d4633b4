#!/usr/bin/env bash
# bench/decision: one credit decision per transaction, as a lender's online
# system would ask for it, and the nightly re-decision of a whole book.
#
# Data (data/decision/bench_data.sql): N applicants (merchants), their card
# payments (TXN rows, indexed on merchant and time), a blacklist of BLACK
# normalised resident identity numbers, PRODUCTS partner products, and the
# strategy 'live': knock-outs, identity check, blacklist and greylist, an
# isolation forest, champion/challenger cards (90/10) with a shadow card,
# limit, price with schedule and APR, offers over the products.
#
# Online (pgbench, CLIENTS clients, SECONDS s each run, -M prepared), each
# transaction one decision for a random applicant: its merchant profile from
# its own transactions (loan_risk.merchant_features over the index), handed
# to the decision in the same statement:
#   decide        loan_risk.decide_stable(strategy, applicant)
#   decide+log    the same, and an INSERT of the decision and its input (jsonb)
#   peer          the same steps written in PL/pgSQL from the existing
#                 functions (data/decision/reference.sql: explain_match,
#                 check_resident_id, a query per list, anomaly_score, score,
#                 pd, credit_limit, price_loan, repayment_schedule,
#                 schedule_apr, match_products), with its models read from a
#                 table of typed values
#   peer+log      the same, and the INSERT
# reporting decisions/s and latency p50/p95/p99 (pgbench's per-transaction log).
# Before timing, decide and the peer are checked equal on CHECK applicants.
#
# Memory: one backend makes RSS_N decisions (pgbench, 1 client); its private
# memory (RssAnon of /proc/<pid>/status) after the first 1,000 and at the end.
#
# Batch: decide over BATCH applicants in one query ('batch' strategy: the same
# stages on precomputed columns, no list tables: loan_risk.decide) against
# score() alone with the champion card, 0 and 2 workers; and decide with a
# strategy of the score stage alone (the same card), which isolates decide's
# own cost (reading the row, the decision composite) from its stages'.
#
#   LR_DEC_APPLICANTS (1000000)  LR_DEC_TXN (10000000)  LR_DEC_BLACKLIST (10000000)
#   LR_DEC_PRODUCTS (200)  LR_DEC_SECONDS (60)  LR_DEC_CLIENTS (2)  LR_DEC_RSS_N (100000)
#   LR_DEC_BATCH (all applicants)  LR_DEC_CHECK (500)  LR_DEC_RUNS (3: batch timings are the best of RUNS)
#
# A small run: LR_DEC_APPLICANTS=20000 LR_DEC_TXN=200000 LR_DEC_BLACKLIST=200000 \
#              LR_DEC_SECONDS=10 LR_DEC_RSS_N=5000 bash bench/decision/run.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
. bench/lib.sh

N=${LR_DEC_APPLICANTS:-1000000}
TXN=${LR_DEC_TXN:-10000000}
BLACK=${LR_DEC_BLACKLIST:-10000000}
PRODUCTS=${LR_DEC_PRODUCTS:-200}
SECONDS_EACH=${LR_DEC_SECONDS:-60}
CLIENTS=${LR_DEC_CLIENTS:-2}
RSS_N=${LR_DEC_RSS_N:-100000}
BATCH=${LR_DEC_BATCH:-$N}
CHECK=${LR_DEC_CHECK:-500}
RUNS=${LR_DEC_RUNS:-3}

lr_bench_setup decision || exit 1
trap lr_bench_teardown EXIT
# The online runs commit at PostgreSQL's defaults: synchronous_commit and fsync on.
lr_psql decision -d postgres -q -c "ALTER SYSTEM SET synchronous_commit = on" -c "ALTER SYSTEM SET fsync = on" \
  -c "SELECT pg_reload_conf()" >/dev/null
cp -r data/decision "$LR_WORK/data_decision"
mkdir -p "$LR_WORK/pgbench"
[ "$(id -u)" -eq 0 ] && chown -R "$LR_USER" "$LR_WORK/data_decision" "$LR_WORK/pgbench"
PORT=$(sed -n 's/^port = //p' "$LR_WORK/decision/data/postgresql.conf" | tail -1)
SOCK=$LR_WORK/decision/sock
psql_b() { lr_psql decision -d bench "$@"; }

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo "== data: $N applicants, $TXN transactions, $BLACK blacklist entries, $PRODUCTS products"
start=$(date +%s)
psql_b -q -v n_applicants="$N" -v n_transactions="$TXN" -v n_blacklist="$BLACK" -v n_products="$PRODUCTS" \
  -f "$LR_WORK/data_decision/bench_data.sql" || exit 1
psql_b -q -f "$LR_WORK/data_decision/reference.sql" || exit 1
psql_b -q <<'SQL' || exit 1
-- The peer's models, taken out of the strategy once, as typed values in a table.
CREATE TABLE peer_models AS SELECT dec_ref_models(strategy) AS m FROM strategies WHERE name = 'live';
SQL
echo "   generated in $(( $(date +%s) - start )) s"
psql_b -At <<'SQL'
SELECT 'sizes: applicants ' || pg_size_pretty(pg_total_relation_size('applicants'))
       || ', transactions ' || pg_size_pretty(pg_total_relation_size('transactions'))
       || ', blacklist ' || pg_size_pretty(pg_total_relation_size('risk.blacklist'))
       || ', strategy text ' || pg_size_pretty(octet_length(strategy::text)::bigint)
       || ' (stored ' || pg_size_pretty(pg_column_size(strategy)::bigint) || ')'
FROM strategies WHERE name = 'live';
SQL

# The applicant at decision time: its profile from its own transactions, in the same statement
# (as in the pgbench scripts).
APPLICANT="applicants a,
     LATERAL (SELECT loan_risk.merchant_features(t.ts, t.amount, t.payer, timestamptz '2024-06-30 23:59') AS profile
              FROM transactions t
              WHERE t.merchant_id = a.applicant_id AND t.ts > timestamptz '2024-06-30 23:59' - interval '365 days') f,
     LATERAL (SELECT a.*, f.profile) x"
DECIDE="loan_risk.decide_stable((SELECT strategy FROM strategies WHERE name = 'live'), x)"
PEER="dec_reference((SELECT m FROM peer_models), x)"

echo "== checks: decide = the PL/pgSQL peer on $CHECK applicants"
psql_b -At <<SQL
SELECT 'decide = peer, field by field: ' || count(*) FILTER (WHERE d::text IS DISTINCT FROM r::text) || ' of ' || count(*)
       || ' differ; outcomes ' || string_agg(DISTINCT (d).outcome, ',')
FROM (SELECT $DECIDE AS d, $PEER AS r FROM $APPLICANT
      WHERE a.applicant_id IN (SELECT 1 + (abs(hashint8(k)) % $N)::int FROM generate_series(1, $CHECK) k)) c;
SQL

# The pgbench scripts (bench/decision/*.sql), one decision per transaction.
cp bench/decision/*.sql "$LR_WORK/pgbench/"
[ "$(id -u)" -eq 0 ] && chown -R "$LR_USER" "$LR_WORK/pgbench"

# pgbench FORM CLIENTS SECONDS|-tN: decisions/s and latency percentiles in ms.
run_pgbench() {
  local form=$1 clients=$2 dur=$3 out tps
  rm -f "$LR_WORK/pgbench"/pgbench_log.*
  out=$(cd "$LR_WORK/pgbench" && lr_as_user "$LR_BIN/pgbench" -n -h "$SOCK" -p "$PORT" -U postgres -M prepared \
          -c "$clients" -j "$clients" $dur -D n="$N" -l -f "$form.sql" bench 2>&1)
  tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | tail -1)
  [ -z "$tps" ] && { echo "pgbench $form failed:"; echo "$out" | tail -5; return 1; }
  cat "$LR_WORK/pgbench"/pgbench_log.* | awk '{print $3}' | sort -n |
    awk -v form="$form" -v tps="$tps" '{ a[NR] = $1 } END {
      i50 = int(NR * 0.50); if (i50 < 1) i50 = 1
      i95 = int(NR * 0.95); if (i95 < 1) i95 = 1
      i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
      printf "%-12s %10.1f decisions/s   p50 %7.2f ms   p95 %7.2f ms   p99 %7.2f ms   (%d transactions)\n",
             form, tps, a[i50] / 1000, a[i95] / 1000, a[i99] / 1000, NR }'
}

echo "== online: $CLIENTS clients, $SECONDS_EACH s each, pgbench -M prepared (synchronous_commit = on)"
for form in decide decide_log peer peer_log; do
  run_pgbench "$form" "$CLIENTS" "-T $SECONDS_EACH"
done
echo "   load average after the online runs: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== memory: one backend, $RSS_N decisions in one transaction"
# A PL/pgSQL loop over the same statement (a cached plan, as -M prepared):
# the backend's private memory (RssAnon, /proc/self/status) after 1,000
# decisions and after all of them.
psql_b -At <<SQL
DO \$\$
DECLARE
  o text;
  r1 text;
BEGIN
  FOR i IN 1 .. $RSS_N LOOP
    SELECT (d).outcome INTO o FROM (SELECT $DECIDE AS d FROM $APPLICANT
                                    WHERE a.applicant_id = 1 + (hashint4(i) & 2147483647) % $N) s;
    IF i = 1000 THEN
      r1 := (regexp_match(pg_read_file('/proc/self/status'), 'RssAnon:\s+(\d+)'))[1];
    END IF;
  END LOOP;
  RAISE NOTICE 'RssAnon after 1,000 decisions: % kB; after $RSS_N: % kB', r1,
    (regexp_match(pg_read_file('/proc/self/status'), 'RssAnon:\s+(\d+)'))[1];
END
\$\$;
SQL

echo "== batch: $BATCH applicants in one query, against score() alone"
psql_b -q -c "VACUUM ANALYZE applicants" >/dev/null
LIMITQ="(SELECT * FROM applicants WHERE applicant_id <= $BATCH)"
for workers in 0 2; do
  W="SET max_parallel_workers_per_gather = $workers; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;"
  lr_bench_time "score(), $workers workers" \
    "$W SELECT sum(loan_risk.score((SELECT card FROM cards WHERE name = 'champion_batch'), a)) FROM $LIMITQ a;" "$RUNS"
  s=$LR_BENCH_MS
  lr_bench_time "decide(), $workers workers" \
    "$W SELECT count(*) FROM $LIMITQ a WHERE (loan_risk.decide((SELECT strategy FROM strategies WHERE name = 'batch'), a)).outcome IS NOT NULL;" "$RUNS"
  d=$LR_BENCH_MS
  lr_bench_time "decide(), the score stage alone, $workers workers" \
    "$W SELECT count(*) FROM $LIMITQ a WHERE (loan_risk.decide((SELECT strategy FROM strategies WHERE name = 'score_only'), a)).outcome IS NOT NULL;" "$RUNS"
  o=$LR_BENCH_MS
  awk -v d="$d" -v s="$s" -v o="$o" -v w="$workers" \
    'BEGIN { printf "   %s workers: decide / score() = %.2f (the whole strategy), %.2f (the score stage alone)\n", w, d / s, o / s }'
done
lr_bench_time "decide() written to a table (every field), 0 workers" \
  "DROP TABLE IF EXISTS redecided; SET max_parallel_workers_per_gather = 0; CREATE TABLE redecided AS SELECT a.applicant_id, d.* FROM $LIMITQ a, strategies s, LATERAL loan_risk.decide(s.strategy, a) d WHERE s.name = 'batch';" 1
echo "   load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
