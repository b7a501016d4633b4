#!/usr/bin/env bash
# Validation metrics benchmark: N loans (default 10,000,000) with a continuous
# PD (nearly every value distinct), integer scorecard points (512 values:
# heavy ties), a bad flag, a period flag and a score band.  Compares, in one
# run on the same table, each aggregate with the plain SQL a validator would
# write instead (window functions), and with the floor sum(pd):
#
#   auc(pd, bad)            rank-sum AUC: rank() and count() OVER, mid-ranks
#   auc(points, bad)        the same on tied integer points
#   ks(pd, bad)             GROUP BY value, running sums OVER (ORDER BY value)
#   psi(band, is_actual)    GROUP BY band, shares OVER () (no sort: itself near the floor)
#   psi(pd, is_actual, 10)  baseline deciles by percentile_disc, width_bucket
#                           (percentile_disc splits ties; the aggregate keeps them together)
#   gains_table(pd, bad, 10)  ntile(10) OVER (ORDER BY pd DESC), running sums (ntile splits ties)
#
# each serial and with 2 parallel workers; best-of-RUNS times and ratios.
#
#   LR_BENCH_N=500000 bash bench/metrics/run.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
. bench/lib.sh
N=${LR_BENCH_N:-10000000}
RUNS=${LR_BENCH_RUNS:-3}

lr_bench_setup metrics || exit 1
trap lr_bench_teardown EXIT

echo "== generating $N loans"
lr_psql metrics -d bench <<SQL
CREATE TABLE bench_loans AS
SELECT i AS id,
       ((hashint4(i) & 2147483647) / 2147483648.0::float8) ^ 2 AS pd,
       (300 + (hashint4(i * 3 + 1) & 511))::float8 AS points,
       (hashint4(i * 7 + 3) & 65535) / 65536.0 <
         0.02 + 0.5 * ((hashint4(i) & 2147483647) / 2147483648.0::float8) ^ 2
         + 0.0004 * (811 - 300 - (hashint4(i * 3 + 1) & 511)) AS bad,
       i % 2 = 0 AS is_actual,
       chr(65 + ((hashint4(i * 3 + 1) & 511) + (i % 2) * 20) / 54) AS band
FROM generate_series(1, $N) i;
ALTER TABLE bench_loans SET (parallel_workers = 2);
VACUUM ANALYZE bench_loans;
SELECT pg_size_pretty(pg_total_relation_size('bench_loans')) AS table_size,
       count(DISTINCT pd) AS distinct_pd, count(DISTINCT points) AS distinct_points,
       avg(bad::int) AS bad_rate FROM bench_loans;
SQL

Q_AUC_SQL='WITH r AS (SELECT bad, rank() OVER (ORDER BY %s)::float8 + (count(*) OVER (PARTITION BY %s) - 1) / 2.0 AS mr FROM bench_loans)
SELECT (sum(mr) FILTER (WHERE bad) - count(*) FILTER (WHERE bad)::float8 * (count(*) FILTER (WHERE bad) + 1) / 2)
       / (count(*) FILTER (WHERE bad)::float8 * count(*) FILTER (WHERE NOT bad)) FROM r'
Q_KS_SQL='WITH v AS (SELECT pd, count(*) FILTER (WHERE bad) AS b, count(*) FILTER (WHERE NOT bad) AS g FROM bench_loans GROUP BY pd),
c AS (SELECT sum(b) OVER w AS cb, sum(g) OVER w AS cg, sum(b) OVER () AS tb, sum(g) OVER () AS tg FROM v WINDOW w AS (ORDER BY pd))
SELECT max(abs(cb / tb - cg / tg)) FROM c'
Q_PSI_SQL='WITH c AS (SELECT band, count(*) FILTER (WHERE NOT is_actual)::float8 AS e, count(*) FILTER (WHERE is_actual)::float8 AS a FROM bench_loans GROUP BY band),
s AS (SELECT CASE WHEN e = 0 OR a = 0 THEN e + 0.5 ELSE e END AS e, CASE WHEN e = 0 OR a = 0 THEN a + 0.5 ELSE a END AS a FROM c),
t AS (SELECT e / sum(e) OVER () AS pe, a / sum(a) OVER () AS pa FROM s)
SELECT sum((pa - pe) * ln(pa / pe)) FROM t'
Q_PSIBIN_SQL='WITH q AS (SELECT percentile_disc(ARRAY[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9]) WITHIN GROUP (ORDER BY pd) AS edges FROM bench_loans WHERE NOT is_actual),
c AS (SELECT width_bucket(pd, q.edges) AS bin, count(*) FILTER (WHERE NOT is_actual)::float8 AS e, count(*) FILTER (WHERE is_actual)::float8 AS a FROM bench_loans, q GROUP BY 1),
s AS (SELECT CASE WHEN e = 0 OR a = 0 THEN e + 0.5 ELSE e END AS e, CASE WHEN e = 0 OR a = 0 THEN a + 0.5 ELSE a END AS a FROM c),
t AS (SELECT e / sum(e) OVER () AS pe, a / sum(a) OVER () AS pa FROM s)
SELECT sum((pa - pe) * ln(pa / pe)) FROM t'
Q_GAINS_SQL='WITH d AS (SELECT ntile(10) OVER (ORDER BY pd DESC) AS bucket, pd, bad FROM bench_loans),
b AS (SELECT bucket, min(pd) AS min_risk, max(pd) AS max_risk, count(*) AS n, count(*) FILTER (WHERE bad) AS bads FROM d GROUP BY bucket)
SELECT bucket, min_risk, max_risk, n, bads, bads::float8 / n AS bad_rate,
       sum(n) OVER w / sum(n) OVER () AS cum_count_share, sum(bads) OVER w / sum(bads) OVER () AS cum_bads_share,
       sum(n - bads) OVER w / sum(n - bads) OVER () AS cum_goods_share,
       (bads::float8 / n) / (sum(bads) OVER () / sum(n) OVER ()) AS lift,
       sum(bads) OVER w / sum(bads) OVER () - sum(n - bads) OVER w / sum(n - bads) OVER () AS ks
FROM b WINDOW w AS (ORDER BY bucket)'

# Agreement before timing: the exact aggregates against the SQL definitions.
echo "== checks"
lr_psql metrics -d bench -At <<SQL
SELECT 'auc(pd): aggregate ' || loan_risk.auc(pd, bad) || ', SQL rank-sum ' || ($(printf "$Q_AUC_SQL" pd pd)) FROM bench_loans;
SELECT 'auc(points): aggregate ' || loan_risk.auc(points, bad) || ', SQL rank-sum ' || ($(printf "$Q_AUC_SQL" points points)) FROM bench_loans;
SELECT 'ks(pd): aggregate ' || loan_risk.ks(pd, bad) || ', SQL ' || ($Q_KS_SQL) FROM bench_loans;
SELECT 'psi(band): aggregate ' || loan_risk.psi(band, is_actual) || ', SQL ' || ($Q_PSI_SQL) FROM bench_loans;
SQL

declare -A T
run() {  # run KEY LABEL SQL
  local key=$1 label=$2 sql=$3 par
  for par in 0 2; do
    lr_bench_time "$label, workers=$par" \
      "SET max_parallel_workers_per_gather = $par; SET jit = off; $sql" "$RUNS" || return 1
    T[$key$par]=$LR_BENCH_MS
  done
}
echo "== timings (best of $RUNS)"
run floor    "floor sum(pd)"                    "SELECT sum(pd) FROM bench_loans"
run auc      "loan_risk.auc(pd, bad)"           "SELECT loan_risk.auc(pd, bad) FROM bench_loans"
run aucsql   "SQL rank-sum AUC(pd)"             "$(printf "$Q_AUC_SQL" pd pd)"
run aucp     "loan_risk.auc(points, bad)"       "SELECT loan_risk.auc(points, bad) FROM bench_loans"
run aucpsql  "SQL rank-sum AUC(points)"         "$(printf "$Q_AUC_SQL" points points)"
run ks       "loan_risk.ks(pd, bad)"            "SELECT loan_risk.ks(pd, bad) FROM bench_loans"
run kssql    "SQL KS(pd)"                       "$Q_KS_SQL"
run psi      "loan_risk.psi(band, is_actual)"   "SELECT loan_risk.psi(band, is_actual) FROM bench_loans"
run psisql   "SQL PSI(band)"                    "$Q_PSI_SQL"
run psib     "loan_risk.psi(pd, is_actual, 10)" "SELECT loan_risk.psi(pd, is_actual, 10) FROM bench_loans"
run psibsql  "SQL PSI(pd deciles)"              "$Q_PSIBIN_SQL"
run gains    "loan_risk.gains_table(pd, bad, 10)" "SELECT loan_risk.gains_table(pd, bad, 10) FROM bench_loans"
run gainssql "SQL gains table (ntile)"          "$Q_GAINS_SQL"

echo
echo "== validation metrics over $N loans (best of $RUNS, ms); goal: ours/floor <= 3, SQL/ours >= 5"
printf '%-26s %8s %10s %10s %10s %12s %10s\n' metric workers floor ours SQL ours/floor SQL/ours
for m in auc:"auc(pd)" aucp:"auc(points)" ks:"ks(pd)" psi:"psi(band)" psib:"psi(pd, 10 bins)" gains:"gains_table(pd, 10)"; do
  k=${m%%:*}; name=${m#*:}
  for par in 0 2; do
    awk -v n="$name" -v w=$par -v f=${T[floor$par]} -v o=${T[$k$par]} -v s=${T[${k}sql$par]} 'BEGIN {
      printf "%-26s %8s %10.0f %10.0f %10.0f %12.2f %10.1f\n", n, w, f, o, s, o/f, s/o }'
  done
done
