#!/usr/bin/env bash
# Scoring benchmark: N applicants (default 2,000,000, issue 20's size) with 20
# features, a 20-feature card with 6 bins each, on two tables holding the same
# values: one with numeric(12,2) columns (how a bank's warehouse stores
# amounts) and one with float8 columns (the numeric values cast).  Values:
# (hashint4(i * 20 + k) & 65535) / 655.35 rounded to cents, uniform on
# [0, 100] (the card's edges are 10, 25, 40, 60, 80).  Compares, in one run:
#   floor       sum(f1 + ... + f20)               (read every feature once)
#   score()     sum(loan_risk.score(card, a))
#   pd()        sum(loan_risk.pd(card, a))
#   reasons()   sum(cardinality(loan_risk.reasons(card, a)))
#   CASE        sum(<the card as plain SQL, from scorecard_sql>), JIT off and on
# each serial and with 2 parallel workers; best-of-RUNS times and ratios.
# Before timing: score() equals the CASE card on 200,000 rows, and the numeric
# table's scores equal the float8 table's on every row.
#
#   LR_BENCH_N=1000000 bash bench/scoring/run.sh
#   LR_BENCH_TYPES="float8" (default "numeric float8")
#   LR_BENCH_WORKERS="0" (default "0 2"), LR_BENCH_JIT="off" (default "off on": the CASE card's)
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
. bench/lib.sh
N=${LR_BENCH_N:-2000000}
RUNS=${LR_BENCH_RUNS:-3}
TYPES=${LR_BENCH_TYPES:-numeric float8}
WORKERS=${LR_BENCH_WORKERS:-0 2}
JIT=${LR_BENCH_JIT:-off on}

lr_bench_setup scoring || exit 1
trap lr_bench_teardown EXIT

cols() { for k in $(seq 1 20); do printf "$1" $k $k "$([ $k -lt 20 ] && echo ,)"; done; }
echo "== generating $N applicants x 20 features, numeric(12,2) and float8 tables"
lr_psql scoring -d bench <<SQL
CREATE TABLE apps_numeric AS
SELECT i AS id, $(cols 'round((hashint4(i * 20 + %d) & 65535) / 655.35, 2)::numeric(12,2) AS f%d%s')
FROM generate_series(1, $N) i;
CREATE TABLE apps_float8 AS SELECT id, $(cols 'f%d::float8 AS f%d%s') FROM apps_numeric;
ALTER TABLE apps_numeric SET (parallel_workers = 2);
ALTER TABLE apps_float8 SET (parallel_workers = 2);
VACUUM ANALYZE apps_numeric;
VACUUM ANALYZE apps_float8;
CREATE TABLE bench_cards AS
SELECT ('{"format": "loan_risk.scorecard/1", "name": "bench20", "base_points": 300,
          "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50}, "features": [' ||
        string_agg(format('{"name": "f%s", "type": "numeric", "reason": "f%s", "bins": [
            {"upper": 10, "points": %s}, {"upper": 25, "points": %s}, {"upper": 40, "points": %s},
            {"upper": 60, "points": %s}, {"upper": 80, "points": %s}, {"upper": null, "points": %s}],
            "missing": {"points": 0}}', k, k, k % 3, k % 5 + 2, k % 7 + 4, k % 4 + 6, k % 6 + 8, k % 2 + 10), ', ')
        || ']}')::loan_risk.scorecard AS card
FROM generate_series(1, 20) k;
SELECT 'numeric table ' || pg_size_pretty(pg_total_relation_size('apps_numeric'))
       || ', float8 table ' || pg_size_pretty(pg_total_relation_size('apps_float8')) AS sizes;
SQL
EXPR=$(lr_psql scoring -d bench -At -c "SELECT loan_risk.scorecard_sql(card, 'a') FROM bench_cards" | tr '\n' ' ')

# The forms must agree before we time them.
for t in $TYPES; do
  lr_psql scoring -d bench -At -c "SELECT CASE WHEN count(*) FILTER (WHERE loan_risk.score(c.card, a) <> $EXPR) = 0
    THEN '$t: score() and the CASE scorecard agree on all ' || count(*) || ' rows' ELSE '$t: MISMATCH' END
    FROM (SELECT * FROM apps_$t LIMIT 200000) a, bench_cards c"
done
lr_psql scoring -d bench -At -c "SELECT 'numeric and float8 columns: ' || count(*) FILTER (WHERE loan_risk.score(c.card, n) IS DISTINCT FROM loan_risk.score(c.card, f))
  || ' of ' || count(*) || ' scores differ' FROM apps_numeric n JOIN apps_float8 f USING (id), bench_cards c"

F="f1 + f2 + f3 + f4 + f5 + f6 + f7 + f8 + f9 + f10 + f11 + f12 + f13 + f14 + f15 + f16 + f17 + f18 + f19 + f20"
CARD="(SELECT card FROM bench_cards)"
declare -A T
for t in $TYPES; do
  for par in $WORKERS; do
    S="SET max_parallel_workers_per_gather = $par; SET jit = off;"
    lr_bench_time "$t: floor sum(f1+..+f20), workers=$par" "$S SELECT sum($F) FROM apps_$t" "$RUNS"; T[floor$t$par]=$LR_BENCH_MS
    lr_bench_time "$t: sum(score(card, a)), workers=$par" "$S SELECT sum(loan_risk.score($CARD, a)) FROM apps_$t a" "$RUNS"; T[score$t$par]=$LR_BENCH_MS
    lr_bench_time "$t: sum(pd(card, a)), workers=$par" "$S SELECT sum(loan_risk.pd($CARD, a)) FROM apps_$t a" "$RUNS"; T[pd$t$par]=$LR_BENCH_MS
    lr_bench_time "$t: sum(cardinality(reasons(card, a))), workers=$par" "$S SELECT sum(cardinality(loan_risk.reasons($CARD, a))) FROM apps_$t a" "$RUNS"; T[reasons$t$par]=$LR_BENCH_MS
    lr_bench_time "$t: CASE scorecard, JIT off, workers=$par" "$S SELECT sum($EXPR) FROM apps_$t a" "$RUNS"; T[case$t$par]=$LR_BENCH_MS
    T[casejit$t$par]=0
    [[ " $JIT " == *" on "* ]] && { lr_bench_time "$t: CASE scorecard, JIT on, workers=$par" "SET max_parallel_workers_per_gather = $par; SET jit = on; SET jit_above_cost = 0; SELECT sum($EXPR) FROM apps_$t a" "$RUNS"; T[casejit$t$par]=$LR_BENCH_MS; }
  done
done

echo
echo "== scoring $N applicants x 20 features, 6 bins each (best of $RUNS, ms); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %-8s %8s %8s %8s %8s %9s %9s %11s %9s %11s %11s\n' type workers floor "score()" "pd()" reasons "CASE off" "CASE on" score/floor pd/floor "CASEoff/sc" "CASEon/sc"
for t in $TYPES; do
  for par in $WORKERS; do
    awk -v t=$t -v w=$par -v f=${T[floor$t$par]} -v s=${T[score$t$par]} -v p=${T[pd$t$par]} -v r=${T[reasons$t$par]} \
        -v c=${T[case$t$par]} -v j=${T[casejit$t$par]} 'BEGIN {
      printf "%-8s %-8s %8.0f %8.0f %8.0f %8.0f %9.0f %9s %11.2f %9.2f %11.2f %11s\n", t, w, f, s, p, r, c,
             (j > 0 ? sprintf("%.0f", j) : "-"), s/f, p/f, c/s, (j > 0 ? sprintf("%.2f", j/s) : "-") }'
  done
done
echo "goals (issue 20): numeric score within 1.5x of the floor and >= 2x faster than CASE (JIT off); float8 within 1.25x"
