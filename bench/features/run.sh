#!/usr/bin/env bash
# bench/features/run.sh: loan_risk.merchant_features against the plain-SQL
# version of the same profile (bench/features/profile_sql.sql) and the floor
# count(*), per merchant (GROUP BY merchant_id), serial and with 2 parallel
# workers, on one of two data shapes:
#
#   LR_BENCH_SHAPE=warehouse (default)  bench/features/generate_warehouse.sql:
#       one year, Zipf-skewed merchant sizes, numeric(12,2) amounts, bigint
#       counterparties (half one-off), as issue 20 measured
#   LR_BENCH_SHAPE=lifecycle            data/features/generate.sql: three years
#       of merchant lives (opening, churn, growth, seasons), numeric(14,2)
#       amounts, text payers
#
# Profiles with 2 workers are compared with the serial ones (md5 of every
# merchant's profile text) and the memory of the hash aggregate's states is
# shown (EXPLAIN ANALYZE).
#
#   LR_BENCH_TXNS       transactions (default 50000000, the issue's size)
#   LR_BENCH_MERCHANTS  merchants (default 200000)
#   LR_BENCH_RUNS       runs per measurement, best kept (default 3)
#   LR_BENCH_SQL_RUNS   runs of the plain-SQL version (default 1: it is slow)
#
# Small run: LR_BENCH_TXNS=1000000 LR_BENCH_MERCHANTS=4000 bash bench/features/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
. bench/lib.sh

TXNS=${LR_BENCH_TXNS:-50000000}
MERCHANTS=${LR_BENCH_MERCHANTS:-200000}
RUNS=${LR_BENCH_RUNS:-3}
SQL_RUNS=${LR_BENCH_SQL_RUNS:-1}       # 0: skip the plain-SQL peer
SHAPE=${LR_BENCH_SHAPE:-warehouse}

lr_bench_setup features || exit 1
trap lr_bench_teardown EXIT
cp data/features/generate.sql bench/features/generate_warehouse.sql bench/features/profile_sql.sql "$LR_WORK"/
chmod 644 "$LR_WORK"/*.sql

GEN=generate.sql; [ "$SHAPE" = warehouse ] && GEN=generate_warehouse.sql
echo "== generating $TXNS transactions over $MERCHANTS merchants ($SHAPE shape, $GEN)"
start=$(date +%s)
lr_psql "$LR_BENCH_NAME" -d bench -v merchants="$MERCHANTS" -v transactions="$TXNS" -v seed=1 \
  -f "$LR_WORK/$GEN" >/dev/null
lr_psql "$LR_BENCH_NAME" -d bench -c "ALTER TABLE lr_transactions SET (parallel_workers = 2)" \
  -c "VACUUM ANALYZE lr_transactions" >/dev/null
echo "generated in $(( $(date +%s) - start )) s"
lr_psql "$LR_BENCH_NAME" -d bench -At -F ' ' -c "
  SELECT 'merchants', count(*), 'rows', sum(n), 'largest merchant', max(n),
         'median merchant', percentile_disc(0.5) WITHIN GROUP (ORDER BY n),
         'merchants with 1,000+ rows', count(*) FILTER (WHERE n >= 1000)
  FROM (SELECT merchant_id, count(*) AS n FROM lr_transactions GROUP BY 1) s"

# Days, nights and weekends in UTC on both sides.
SETUP="SET TimeZone = 'UTC'; SET jit = off;"
SERIAL="$SETUP SET max_parallel_workers_per_gather = 0;"
PARALLEL="$SETUP SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;"

FLOOR="SELECT count(*) FROM (SELECT merchant_id, count(*) FROM lr_transactions GROUP BY merchant_id) s;"
COLUMNS="SELECT count(*) FROM (SELECT merchant_id, count(*), max(ts), sum(amount), count(payer) FROM lr_transactions GROUP BY merchant_id) s;"
# Both sides turn every column of every merchant's profile into text, so neither can skip work.
OURS="SELECT sum(length(p::text)) FROM (SELECT merchant_id, loan_risk.merchant_features(ts, amount, payer) AS p
      FROM lr_transactions GROUP BY merchant_id) s;"
PEER="SELECT sum(length(s::text)) FROM ($(cat bench/features/profile_sql.sql)) s;"

echo
echo "== plans (2 workers)"
lr_psql "$LR_BENCH_NAME" -d bench -c "$PARALLEL" -c "EXPLAIN (COSTS OFF) $OURS"

echo "== 2 workers give the serial profiles (md5 of each merchant's profile text)"
lr_psql "$LR_BENCH_NAME" -d bench -At -c "$SERIAL" -c "CREATE TABLE prof_serial AS SELECT merchant_id, md5(loan_risk.merchant_features(ts, amount, payer)::text) AS m,
  (loan_risk.merchant_features(ts, amount, payer)).counterparties_exact AS exact FROM lr_transactions GROUP BY merchant_id" \
  -c "$PARALLEL" -c "CREATE TABLE prof_parallel AS SELECT merchant_id, md5(loan_risk.merchant_features(ts, amount, payer)::text) AS m FROM lr_transactions GROUP BY merchant_id" \
  -c "SELECT 'merchants ' || count(*) || ', profiles differing ' || count(*) FILTER (WHERE s.m IS DISTINCT FROM p.m)
            || ' (of them on the counterparty sketch: ' || count(*) FILTER (WHERE s.m IS DISTINCT FROM p.m AND NOT s.exact)
            || '), merchants on the sketch ' || count(*) FILTER (WHERE NOT s.exact)
     FROM prof_serial s FULL JOIN prof_parallel p USING (merchant_id)"

[ "$SQL_RUNS" -gt 0 ] && { echo "== the plain-SQL version matches merchant_features (every column; floats within 1e-9 relative)"
lr_psql "$LR_BENCH_NAME" -d bench -At -c "$SETUP" -c "
WITH o AS (SELECT merchant_id, to_jsonb(loan_risk.merchant_features(ts, amount, payer)) AS j FROM lr_transactions GROUP BY 1),
     r AS (SELECT merchant_id, to_jsonb(s) - 'merchant_id' AS rj FROM ($(cat bench/features/profile_sql.sql)) s)
SELECT 'merchants ' || count(DISTINCT merchant_id) || ', values compared ' || count(*) || ', mismatches '
       || count(*) FILTER (WHERE NOT ok)
       || ' (of them in merchants on the exact counterparty table: '
       || count(*) FILTER (WHERE NOT ok AND (o.j ->> 'counterparties_exact')::boolean) || ')'
       || ', merchants beyond 100,000 counterparties (sketch) ' || count(DISTINCT merchant_id) FILTER (WHERE NOT (o.j ->> 'counterparties_exact')::boolean)
FROM o JOIN r USING (merchant_id) CROSS JOIN LATERAL jsonb_object_keys(r.rj) k
CROSS JOIN LATERAL (SELECT CASE
            WHEN (o.j ->> k) IS NULL OR (r.rj ->> k) IS NULL THEN (o.j ->> k) IS NULL AND (r.rj ->> k) IS NULL
            WHEN k IN ('as_of', 'first_seen', 'last_seen') THEN (o.j ->> k)::timestamptz = (r.rj ->> k)::timestamptz
            WHEN k ~ '(std|cv|trend|hhi)' THEN abs((o.j ->> k)::float8 - (r.rj ->> k)::float8) <= 1e-9 * greatest(1, abs((r.rj ->> k)::float8))
            ELSE (o.j ->> k)::numeric = (r.rj ->> k)::numeric END AS ok) c"; }

echo
echo "== timings (best of $RUNS; plain SQL best of $SQL_RUNS)"
declare -A T
for mode in serial parallel; do
  if [ $mode = serial ]; then S=$SERIAL; else S=$PARALLEL; fi
  lr_bench_time "floor count(*) GROUP BY merchant_id ($mode)" "$S $FLOOR" "$RUNS"; T[floor_$mode]=$LR_BENCH_MS
  lr_bench_time "read every input column ($mode)" "$S $COLUMNS" "$RUNS"; T[columns_$mode]=$LR_BENCH_MS
  lr_bench_time "loan_risk.merchant_features ($mode)" "$S $OURS" "$RUNS"; T[ours_$mode]=$LR_BENCH_MS
  T[sql_$mode]=0
  [ "$SQL_RUNS" -gt 0 ] && { lr_bench_time "plain SQL, same profile ($mode)" "$S $PEER" "$SQL_RUNS"; T[sql_$mode]=$LR_BENCH_MS; }
done

echo
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-12s %14s %14s %14s %14s %12s %12s %12s\n' mode floor_ms columns_ms ours_ms sql_ms sql/ours ours/floor ours/columns
for mode in serial parallel; do
  awk -v m=$mode -v f=${T[floor_$mode]} -v c=${T[columns_$mode]} -v o=${T[ours_$mode]} -v s=${T[sql_$mode]} \
    'BEGIN { printf "%-12s %14.1f %14.1f %14.1f %14.1f %11.1fx %11.1fx %11.1fx\n", m, f, c, o, s, s / o, o / f, o / c }'
done
awk -v s=${T[ours_serial]} -v p=${T[ours_parallel]} -v fs=${T[floor_serial]} -v fp=${T[floor_parallel]} \
  'BEGIN { printf "2 workers against serial: merchant_features %.2fx faster, floor %.2fx\n", s / p, fs / fp }'
echo "goals (issue 20): ours/floor <= 2 serially, 2 workers >= 1.6x faster than serial"

echo
echo "== memory of the hash aggregate's states, serial and with 2 workers"
lr_psql "$LR_BENCH_NAME" -d bench -c "$SERIAL" -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) $OURS" | grep -E 'Aggregate|Memory|Batches|Execution'
lr_psql "$LR_BENCH_NAME" -d bench -c "$PARALLEL" -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) $OURS" | grep -E 'Aggregate|Memory|Batches|Execution|Worker'
lr_psql "$LR_BENCH_NAME" -d bench -At -c "$SERIAL" -c "SELECT 'flat state bytes: total ' || pg_size_pretty(sum(b)) || ', largest merchant ' || pg_size_pretty(max(b))
  || ', median ' || pg_size_pretty(percentile_disc(0.5) WITHIN GROUP (ORDER BY b))
  FROM (SELECT pg_column_size(loan_risk.merchant_features_partial(ts, amount, payer))::bigint AS b FROM lr_transactions GROUP BY merchant_id) s"
