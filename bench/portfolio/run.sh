#!/usr/bin/env bash
# Portfolio monitoring and validation report benchmark.  A generated loan book
# (data/portfolio/gen_book.sql) of LR_BENCH_LOANS loans (default 200,000, about
# 14 monthly snapshots each) and LR_BENCH_APPLICANTS scored applicants
# (default 1,000,000, the sample applicants repeated).  Compares, in one run
# on the same tables, each function with the plain SQL a BI developer would
# write instead (the same SQL the regression tests use as references):
#
#   vintage(...)        first bad month per loan, a generate_series grid, GROUP BY
#   roll_rates(...)     self-join of the snapshots on (loan, next month), GROUP BY, window sums
#   npl_summary(...)    stocks at each quarter's last month, flows from the self-join, joined
#   assign_cases(...)   (no SQL peer: capacities make routing sequential) timed alone
#   validation_report   the same figures by the aggregates in SQL: auc, gini, ks, brier,
#                       gains_table, calibration_table, hosmer_lemeshow, psi, and csi / iv
#                       over score_detail's bins
#
#   LR_BENCH_LOANS=10000 LR_BENCH_APPLICANTS=50000 bash bench/portfolio/run.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
. bench/lib.sh
LOANS=${LR_BENCH_LOANS:-200000}
APPLICANTS=${LR_BENCH_APPLICANTS:-1000000}
RUNS=${LR_BENCH_RUNS:-3}

lr_bench_setup portfolio || exit 1
trap lr_bench_teardown EXIT

echo "== generating $LOANS loans with their monthly snapshots, and $APPLICANTS applicants"
cp data/portfolio/gen_book.sql data/applicants.csv data/demo_card.json "$LR_WORK"/
[ "$(id -u)" -eq 0 ] && chown "$LR_USER" "$LR_WORK"/gen_book.sql "$LR_WORK"/applicants.csv "$LR_WORK"/demo_card.json
(cd "$LR_WORK" && lr_psql portfolio -d bench -q -v n="$LOANS" -f gen_book.sql) || exit 1
(cd "$LR_WORK" && lr_psql portfolio -d bench -q) <<SQL || exit 1
CREATE TABLE sample (id integer, region text, industry text, months_active integer, gmv_90d numeric,
  refund_share numeric, repeat_payer_share numeric, night_share numeric, bad integer);
\copy sample FROM 'applicants.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE applicants AS
SELECT s.*, (i - 1) * 20000 + s.id AS row_id, ((i - 1) * 20000 + s.id) % 5 = 0 AS recent
FROM generate_series(1, ($APPLICANTS + 19999) / 20000) i, sample s
WHERE (i - 1) * 20000 + s.id <= $APPLICANTS;
\set card_json \`cat demo_card.json\`
CREATE TABLE cards (name text, card loan_risk.scorecard);
INSERT INTO cards VALUES ('smb_demo', :'card_json');
CREATE TABLE scored AS SELECT a.*, loan_risk.score(c.card, a) AS score, loan_risk.pd(c.card, a) AS pd FROM applicants a, cards c;
ALTER TABLE applicants SET (parallel_workers = 2);
VACUUM ANALYZE;
CREATE FUNCTION v_month(d date) RETURNS int LANGUAGE sql IMMUTABLE AS
  \$\$SELECT (extract(year FROM d) * 12 + extract(month FROM d))::int\$\$;
CREATE FUNCTION r_bucket(dpd int, status text) RETURNS text LANGUAGE sql IMMUTABLE AS \$\$
  SELECT CASE WHEN status = 'written_off' THEN 'written_off' WHEN status = 'closed' THEN 'closed'
              WHEN dpd = 0 THEN 'current' WHEN dpd < 30 THEN '1-29' WHEN dpd < 60 THEN '30-59'
              WHEN dpd < 90 THEN '60-89' ELSE '90+' END \$\$;
CREATE TABLE queues (queue text, rank integer, capacity integer, min_risk float8, min_balance numeric, min_dpd integer);
INSERT INTO queues VALUES ('legal', 1, 50, NULL, 10000, 90), ('human_agent', 2, 500, 0.3, 2000, NULL),
                          ('robot_call', 3, 2000, 0.1, NULL, NULL), ('reminder', 4, NULL, NULL, NULL, NULL);
SELECT (SELECT count(*) FROM book_loans) AS loans, (SELECT count(*) FROM book_performance) AS snapshots,
       (SELECT count(*) FROM applicants) AS applicants;
SQL

Q_VINTAGE="SELECT count(*) FROM loan_risk.vintage('SELECT id, originated, amount, segment FROM book_loans',
  'SELECT loan_id, month, dpd, balance, status FROM book_performance', '{\"bad_dpd\": 30}')"
Q_VINTAGE_SQL="WITH asof AS (SELECT max(month) AS m FROM book_performance),
  fb AS (SELECT loan_id, min(month) AS fb FROM book_performance WHERE dpd >= 30 OR status = 'written_off' GROUP BY 1),
  lm AS (SELECT l.id, l.amount, l.segment, date_trunc('month', l.originated)::date AS cohort,
                v_month(a.m) - v_month(l.originated) AS maxmob, v_month(fb.fb) - v_month(l.originated) AS badmob
         FROM book_loans l CROSS JOIN asof a LEFT JOIN fb ON fb.loan_id = l.id),
  v AS (SELECT segment, cohort, m, count(*), sum(amount), count(*) FILTER (WHERE badmob <= m),
               coalesce(sum(amount) FILTER (WHERE badmob <= m), 0)
        FROM lm, generate_series(0, lm.maxmob) m GROUP BY 1, 2, 3)
  SELECT count(*) FROM v"
Q_ROLL="SELECT count(*) FROM loan_risk.roll_rates('SELECT loan_id, month, dpd, balance, status, segment FROM book_performance')"
Q_ROLL_SQL="WITH t AS (SELECT a.month, a.segment, r_bucket(a.dpd, a.status) AS f, r_bucket(b.dpd, b.status) AS t, a.balance
    FROM book_performance a JOIN book_performance b ON b.loan_id = a.loan_id AND b.month = (a.month + interval '1 month')::date),
  c AS (SELECT month, segment, f, t, count(*) AS loans, sum(balance) AS balance FROM t GROUP BY 1, 2, 3, 4)
  SELECT count(*) FROM (SELECT c.*, sum(loans) OVER w, sum(balance) OVER w FROM c WINDOW w AS (PARTITION BY month, segment, f)) x"
Q_NPL="SELECT count(*) FROM loan_risk.npl_summary('SELECT loan_id, month, dpd, balance, status, segment FROM book_performance', '{\"period\": \"quarter\"}')"
Q_NPL_SQL="WITH p AS (SELECT b.*, date_trunc('quarter', b.month)::date AS period,
                    lag(b.status) OVER (PARTITION BY b.loan_id ORDER BY b.month) AS prev_status FROM book_performance b),
  asof AS (SELECT period, max(month) AS as_of FROM p GROUP BY 1),
  stock AS (SELECT p.period, p.segment, count(*), sum(balance), sum(balance) FILTER (WHERE dpd >= 1),
                   sum(balance) FILTER (WHERE dpd >= 30), count(*) FILTER (WHERE dpd >= 90), sum(balance) FILTER (WHERE dpd >= 90)
            FROM p JOIN asof a ON a.period = p.period AND a.as_of = p.month WHERE p.status = 'open' GROUP BY 1, 2),
  flows AS (SELECT b.period, b.segment,
                   count(*) FILTER (WHERE a.dpd < 90 AND ((b.status = 'open' AND b.dpd >= 90) OR b.status = 'written_off')),
                   sum(a.balance) FILTER (WHERE a.dpd = 0), sum(a.balance) FILTER (WHERE a.dpd >= 30)
            FROM p b JOIN book_performance a ON a.loan_id = b.loan_id AND a.month = (b.month - interval '1 month')::date
            WHERE a.status = 'open' GROUP BY 1, 2),
  wo AS (SELECT period, segment, count(*), sum(balance) FROM p
         WHERE status = 'written_off' AND prev_status IS DISTINCT FROM 'written_off' GROUP BY 1, 2)
  SELECT count(*) FROM stock FULL JOIN flows USING (period, segment) FULL JOIN wo USING (period, segment)"
Q_ASSIGN="SELECT count(*) FROM loan_risk.assign_cases(
  'SELECT loan_id * 100 + extract(month FROM month)::int, balance, least(dpd / 120.0, 1), dpd FROM book_performance WHERE status = ''open'' AND dpd >= 1',
  'SELECT * FROM queues')"
Q_REPORT="SELECT length(loan_risk.validation_report(card, 'SELECT * FROM applicants', '{\"recent\": \"recent\"}')) FROM cards"
Q_REPORT_SQL="SELECT loan_risk.auc(pd, bad), loan_risk.gini(pd, bad), loan_risk.ks(pd, bad), loan_risk.brier(pd, bad),
         loan_risk.gains_table(pd, bad, 10), loan_risk.calibration_table(pd, bad, 10), loan_risk.hosmer_lemeshow(pd, bad, 10),
         loan_risk.psi(score, recent, 10), loan_risk.auc_partial(score, bad)
  FROM (SELECT loan_risk.score(c.card, a) AS score, loan_risk.pd(c.card, a) AS pd, a.bad, a.recent FROM applicants a, cards c) s"
Q_REPORT_BINS_SQL="SELECT d.feature, loan_risk.csi(d.bin, a.recent), loan_risk.iv(d.bin, a.bad), count(*)
  FROM applicants a, cards c, loan_risk.score_detail(c.card, a) d GROUP BY d.feature"

echo
printf '%-60s %15s\n' "statement" "best of $RUNS"
for par in 0 2; do
  echo "== max_parallel_workers_per_gather = $par"
  S="SET max_parallel_workers_per_gather = $par;"
  lr_bench_time "vintage (loan_risk)" "$S $Q_VINTAGE" "$RUNS"; a=$LR_BENCH_MS
  lr_bench_time "vintage (plain SQL)" "$S $Q_VINTAGE_SQL" "$RUNS"; b=$LR_BENCH_MS
  printf '%-60s %12.1f x\n' "  plain SQL / loan_risk" "$(awk "BEGIN{print $b/$a}")"
  lr_bench_time "roll_rates (loan_risk)" "$S $Q_ROLL" "$RUNS"; a=$LR_BENCH_MS
  lr_bench_time "roll_rates (plain SQL)" "$S $Q_ROLL_SQL" "$RUNS"; b=$LR_BENCH_MS
  printf '%-60s %12.1f x\n' "  plain SQL / loan_risk" "$(awk "BEGIN{print $b/$a}")"
  lr_bench_time "npl_summary by quarter (loan_risk)" "$S $Q_NPL" "$RUNS"; a=$LR_BENCH_MS
  lr_bench_time "npl_summary by quarter (plain SQL)" "$S $Q_NPL_SQL" "$RUNS"; b=$LR_BENCH_MS
  printf '%-60s %12.1f x\n' "  plain SQL / loan_risk" "$(awk "BEGIN{print $b/$a}")"
  lr_bench_time "assign_cases, every overdue snapshot a case" "$S $Q_ASSIGN" "$RUNS"
  lr_bench_time "validation_report (loan_risk)" "$S $Q_REPORT" "$RUNS"; a=$LR_BENCH_MS
  lr_bench_time "the report's figures by the aggregates (SQL)" "$S $Q_REPORT_SQL" "$RUNS"; b=$LR_BENCH_MS
  lr_bench_time "  + CSI / IV over score_detail's bins (SQL)" "$S $Q_REPORT_BINS_SQL" "$RUNS"; c=$LR_BENCH_MS
  printf '%-60s %12.1f x\n' "  SQL figures / loan_risk report" "$(awk "BEGIN{print ($b + $c)/$a}")"
done
