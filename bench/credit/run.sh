#!/usr/bin/env bash
# bench/credit/run.sh: limits, prices and APRs for LR_BENCH_CREDIT_LOANS loans
# (default 1,000,000, issue 7) in one query each, loan_risk's C functions
# against the same logic in plain SQL and PL/pgSQL, on the same data in the
# same run.  Serial (max_parallel_workers_per_gather = 0) and parallel (2).
# Prints a table of best-of-3 times and ratios, and checks that ours and the
# peers agree.
#
#   LR_BENCH_CREDIT_LOANS=50000 bash bench/credit/run.sh    # a quick run
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
. bench/lib.sh

N=${LR_BENCH_CREDIT_LOANS:-1000000}
RUNS=${LR_BENCH_RUNS:-3}
lr_bench_setup credit || exit 1
trap lr_bench_teardown EXIT

echo "== credit benchmark: $N loans ($(nproc) cores)"
lr_psql "$LR_BENCH_NAME" -d bench -v n="$N" -f bench/credit/setup.sql >/dev/null || exit 1
lr_psql "$LR_BENCH_NAME" -d bench -At -c "SELECT 'loans ' || count(*) FROM loans; SELECT 'cash flows ' || count(*) FROM flows;"

declare -A MS
time_pair() {   # KEY LABEL SQL: serial and parallel timings
  local key=$1 label=$2 sql=$3
  lr_bench_time "$label, serial" "SET max_parallel_workers_per_gather = 0; $sql" "$RUNS" || return 1
  MS[$key,s]=$LR_BENCH_MS
  lr_bench_time "$label, parallel 2" "SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; $sql" "$RUNS" || return 1
  MS[$key,p]=$LR_BENCH_MS
}

P="(SELECT limit_policy FROM policy)"
Q="(SELECT price_policy FROM policy)"
time_pair lim_c    "credit_limit (C)"              "SELECT sum((loan_risk.credit_limit(pd, revenue, debt, $P)).limit_amount) FROM loans"
time_pair lim_sql  "limit in plain SQL"            "SELECT sum(sql_limit(pd, revenue, debt)) FROM loans"
time_pair lim_pl   "limit in PL/pgSQL (jsonb)"     "SELECT sum(plpgsql_limit(pd, revenue, debt, $P)) FROM loans"
time_pair pri_c    "price_loan (C)"                "SELECT sum((loan_risk.price_loan(pd, lgd, term, $Q)).annual_rate) FROM loans"
time_pair pri_sql  "price in plain SQL"            "SELECT sum(sql_price(pd, lgd, term)) FROM loans"
time_pair apr_c    "schedule_apr flat (C)"         "SELECT sum((loan_risk.schedule_apr(principal, rate, term, 'flat')).nominal_apr) FROM loans"
time_pair apr_pl   "flat APR in PL/pgSQL (Newton)" "SELECT sum(plpgsql_flat_apr(principal, rate, term)) FROM loans"
# GROUP BY loan with sort-based grouping for both: see the note on hash aggregation below.
NOHASH="SET enable_hashagg = off;"
time_pair xirr_c   "apr aggregate, GROUP BY (C)"   "$NOHASH SELECT sum(r) FROM (SELECT loan_risk.apr(amount, paid_on) r FROM flows GROUP BY id) x"
time_pair xirr_pl  "XIRR in PL/pgSQL, GROUP BY"    "$NOHASH SELECT sum(r) FROM (SELECT plpgsql_xirr(array_agg(amount), array_agg(paid_on)) r FROM flows GROUP BY id) x"
# Hash aggregation keeps one expanded state (one memory context) per group, and
# PostgreSQL 15 measures the hash table's memory by walking every context on
# each new group: quadratic in the groups held in memory (src/common/lr_state.c
# issue, reported).  Measured only at small sizes.
if [ "$N" -le 100000 ]; then
  time_pair xirr_ch "apr aggregate, GROUP BY, hashed" "SET enable_sort = off; SELECT sum(r) FROM (SELECT loan_risk.apr(amount, paid_on) r FROM flows GROUP BY id) x"
fi

echo
echo "== agreement (must be 0 mismatches)"
lr_psql "$LR_BENCH_NAME" -d bench -At <<SQL
SET enable_hashagg = off;
SELECT 'limit mismatches (C vs SQL vs PL/pgSQL): ' || count(*) FILTER (WHERE c <> s OR c <> p)
FROM (SELECT (loan_risk.credit_limit(pd, revenue, debt, $P)).limit_amount c, sql_limit(pd, revenue, debt) s,
             plpgsql_limit(pd, revenue, debt, $P) p FROM loans) x;
SELECT 'price mismatches (C vs SQL): ' || count(*) FILTER (WHERE c IS DISTINCT FROM s)
FROM (SELECT (loan_risk.price_loan(pd, lgd, term, $Q)).annual_rate c, sql_price(pd, lgd, term) s FROM loans) x;
SELECT 'flat APR differences > 1e-8 (C vs PL/pgSQL): ' || count(*) FILTER (WHERE abs(c - p) > 1e-8)
FROM (SELECT (loan_risk.schedule_apr(principal, rate, term, 'flat')).nominal_apr c, plpgsql_flat_apr(principal, rate, term) p FROM loans) x;
SELECT 'XIRR differences > 1e-8 (C vs PL/pgSQL): ' || count(*) FILTER (WHERE abs(c - p) > 1e-8)
FROM (SELECT loan_risk.apr(amount, paid_on) c, plpgsql_xirr(array_agg(amount), array_agg(paid_on)) p FROM flows GROUP BY id) x;
SQL

echo
printf '%-30s %12s %12s %12s %12s\n' "ratio (peer time / C time)" "serial" "parallel 2" "C serial" "C parallel"
ratio() { awk "BEGIN{printf \"%.1fx\", $1 / $2}"; }
row() {  # LABEL PEER C
  printf '%-30s %12s %12s %10.0f ms %10.0f ms\n' "$1" "$(ratio "${MS[$2,s]}" "${MS[$3,s]}")" \
    "$(ratio "${MS[$2,p]}" "${MS[$3,p]}")" "${MS[$3,s]}" "${MS[$3,p]}"
}
row "limits: plain SQL"        lim_sql lim_c
row "limits: PL/pgSQL (jsonb)" lim_pl  lim_c
row "prices: plain SQL"        pri_sql pri_c
row "schedule APR: PL/pgSQL"   apr_pl  apr_c
row "XIRR per loan: PL/pgSQL"  xirr_pl xirr_c
if [ -n "${MS[xirr_ch,s]:-}" ]; then
  printf '%-30s %12s %12s %10.0f ms %10.0f ms\n' "apr GROUP BY hashed / sorted" \
    "$(ratio "${MS[xirr_ch,s]}" "${MS[xirr_c,s]}")" "$(ratio "${MS[xirr_ch,p]}" "${MS[xirr_c,p]}")" "${MS[xirr_ch,s]}" "${MS[xirr_ch,p]}"
fi
