#!/usr/bin/env bash
# Scoring benchmark: N applicants (default 10,000,000) with 20 numeric
# features, a 20-feature card with 6 bins each.  Compares, in one run on the
# same table:
#   floor       sum(f1 + ... + f20)               (read every feature once)
#   score()     sum(loan_risk.score(card, a))
#   CASE        sum(<the card as plain SQL, from scorecard_sql>), JIT off and on
# each serial and with 2 parallel workers; reports best-of-3 times and ratios.
#
#   LR_BENCH_N=1000000 bash bench/scoring/run.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
. bench/lib.sh
N=${LR_BENCH_N:-10000000}
RUNS=${LR_BENCH_RUNS:-3}

lr_bench_setup scoring || exit 1
trap lr_bench_teardown EXIT

echo "== generating $N applicants x 20 features"
lr_psql scoring -d bench <<SQL
CREATE TABLE bench_applicants AS
SELECT i AS id, $(for k in $(seq 1 20); do printf '(hashint4(i * 20 + %d) & 65535) / 655.35::float8 AS f%d%s' $k $k "$([ $k -lt 20 ] && echo ,)"; done)
FROM generate_series(1, $N) i;
ALTER TABLE bench_applicants SET (parallel_workers = 2);
VACUUM ANALYZE bench_applicants;
CREATE TABLE bench_cards AS
SELECT ('{"format": "loan_risk.scorecard/1", "name": "bench20", "base_points": 300,
          "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50}, "features": [' ||
        string_agg(format('{"name": "f%s", "type": "numeric", "bins": [
            {"upper": 10, "points": %s}, {"upper": 25, "points": %s}, {"upper": 40, "points": %s},
            {"upper": 60, "points": %s}, {"upper": 80, "points": %s}, {"upper": null, "points": %s}],
            "missing": {"points": 0}}', k, k % 3, k % 5 + 2, k % 7 + 4, k % 4 + 6, k % 6 + 8, k % 2 + 10), ', ')
        || ']}')::loan_risk.scorecard AS card
FROM generate_series(1, 20) k;
SELECT pg_size_pretty(pg_total_relation_size('bench_applicants')) AS table_size;
-- warm the cache
SELECT count(*) FROM bench_applicants;
SQL
EXPR=$(lr_psql scoring -d bench -At -c "SELECT loan_risk.scorecard_sql(card, 'a') FROM bench_cards" | tr '\n' ' ')

# The three forms must agree before we time them.
lr_psql scoring -d bench -At -c "SELECT CASE WHEN count(*) FILTER (WHERE loan_risk.score(c.card, a) <> $EXPR) = 0
  THEN 'score() and the CASE scorecard agree on all ' || count(*) || ' rows' ELSE 'MISMATCH' END
  FROM (SELECT * FROM bench_applicants LIMIT 200000) a, bench_cards c"

F="f1 + f2 + f3 + f4 + f5 + f6 + f7 + f8 + f9 + f10 + f11 + f12 + f13 + f14 + f15 + f16 + f17 + f18 + f19 + f20"
declare -A T
for par in 0 2; do
  S="SET max_parallel_workers_per_gather = $par; SET jit = off;"
  lr_bench_time "floor sum(f1+..+f20), workers=$par" "$S SELECT sum($F) FROM bench_applicants" "$RUNS"; T[floor$par]=$LR_BENCH_MS
  lr_bench_time "sum(loan_risk.score(card, a)), workers=$par" "$S SELECT sum(loan_risk.score((SELECT card FROM bench_cards), a)) FROM bench_applicants a" "$RUNS"; T[score$par]=$LR_BENCH_MS
  lr_bench_time "CASE scorecard (scorecard_sql), JIT off, workers=$par" "$S SELECT sum($EXPR) FROM bench_applicants a" "$RUNS"; T[case$par]=$LR_BENCH_MS
  lr_bench_time "CASE scorecard (scorecard_sql), JIT on, workers=$par" "SET max_parallel_workers_per_gather = $par; SET jit = on; SET jit_above_cost = 0; SELECT sum($EXPR) FROM bench_applicants a" "$RUNS"; T[casejit$par]=$LR_BENCH_MS
done

echo
echo "== scoring $N applicants x 20 features (best of $RUNS, ms)"
printf '%-10s %10s %10s %14s %14s %14s %14s %14s\n' workers floor "score()" "CASE,JIT off" "CASE,JIT on" "score/floor" "CASEoff/score" "CASEon/score"
for par in 0 2; do
  awk -v w=$par -v f=${T[floor$par]} -v s=${T[score$par]} -v c=${T[case$par]} -v j=${T[casejit$par]} 'BEGIN {
    printf "%-10s %10.0f %10.0f %14.0f %14.0f %14.2f %14.2f %14.2f\n", w, f, s, c, j, s/f, c/s, j/s }'
done
