#!/usr/bin/env bash
# Matching benchmark: N applicants (default 1,000,000) x 2*BANKS products
# (default 100 banks, 200 products) from the bank simulation
# (data/matching/generate.sql), each product with 7-8 rules and a 7-feature
# approval scorecard.  In one run, on the same tables, it times:
#   batch        loan_risk.match_products_batch, 1 and 2 threads
#   row by row   loan_risk.match_products(a, ...) per applicant, 0 and 2 workers
#   SQL rules    the same rules as plain-SQL predicates in a join of applicants
#                and products (the rule parameters as product columns); only
#                the eligible pairs, 0 and 2 workers
#   SQL full     the SQL join plus the approval probability (loan_risk.pd),
#                the threshold and the three cheapest per applicant
#                (row_number over a closed-form cost), 0 and 2 workers
# Every form is checked against the batch result on the first applicants
# before it is timed.  Prints best-of-RUNS times and ratios to the batch.
#
#   LR_BENCH_APPLICANTS=20000 bash bench/matching/run.sh
#
# The SQL full pipeline costs about 1.5 ms per applicant (loan_risk.pd per
# eligible pair, then a window sort): at the default size it would take about
# 25 minutes a run, so it runs only up to LR_BENCH_SQL_FULL_MAX applicants
# (default 100000); beyond, its row says "skipped".
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
. bench/lib.sh
N=${LR_BENCH_APPLICANTS:-1000000}
BANKS=${LR_BENCH_BANKS:-100}
RUNS=${LR_BENCH_RUNS:-1}
SQL_FULL_MAX=${LR_BENCH_SQL_FULL_MAX:-100000}

lr_bench_setup matching || exit 1
trap lr_bench_teardown EXIT
cp -r data/matching "$LR_WORK/data_matching"
[ "$(id -u)" -eq 0 ] && chown -R "$LR_USER" "$LR_WORK/data_matching"

echo "== generating $N applicants x $((BANKS * 2)) products"
lr_psql matching -d bench -v n_banks="$BANKS" -v n_history=0 -v n_new="$N" \
  -f "$LR_WORK/data_matching/generate.sql" >/dev/null || exit 1
lr_psql matching -d bench <<'SQL' || exit 1
-- Approval models: a 7-feature card per product over the columns the banks look at
-- (points from the product's behaviour weights; the fit itself is not benchmarked).
UPDATE matching_sim.products p
SET approval_model = jsonb_build_object(
  'format', 'loan_risk.scorecard/1', 'name', p.product_id,
  'scaling', '{"pdo": 20, "base_score": 600, "base_odds": 1}'::jsonb,
  'base_points', 560,
  'features', jsonb_build_array(
    jsonb_build_object('name', 'years_in_business', 'type', 'numeric', 'missing', '{"points": 0}'::jsonb, 'bins',
      (SELECT jsonb_agg(jsonb_build_object('upper', u, 'points', round((b.w_years * 29 * ln(1 + coalesce(u, 16) / 2.0))::numeric, 2)) ORDER BY coalesce(u, 1e9))
       FROM unnest(ARRAY[0.5, 1, 2, 4, 8, NULL]) u)),
    jsonb_build_object('name', 'annual_revenue', 'type', 'numeric', 'bins',
      (SELECT jsonb_agg(jsonb_build_object('upper', u, 'points', round((b.w_revenue * 29 * (ln(coalesce(u, 400000) / 1.5) - 11))::numeric, 2)) ORDER BY coalesce(u, 1e12))
       FROM unnest(ARRAY[20000, 40000, 60000, 100000, 200000, NULL]) u)),
    jsonb_build_object('name', 'existing_loans', 'type', 'numeric', 'bins',
      (SELECT jsonb_agg(jsonb_build_object('upper', u, 'points', round((-b.w_loans * 29 * coalesce(u - 1, 4))::numeric, 2)) ORDER BY coalesce(u, 99))
       FROM unnest(ARRAY[1, 2, 3, 4, NULL]) u)),
    jsonb_build_object('name', 'overdue_days_12m', 'type', 'numeric', 'missing', jsonb_build_object('points', round((-b.w_overdue * 20)::numeric, 2)), 'bins',
      (SELECT jsonb_agg(jsonb_build_object('upper', u, 'points', round((-b.w_overdue * coalesce(u, 120) / 1.5)::numeric, 2)) ORDER BY coalesce(u, 999))
       FROM unnest(ARRAY[1, 15, 30, 60, NULL]) u)),
    jsonb_build_object('name', 'owner_age', 'type', 'numeric', 'bins',
      (SELECT jsonb_agg(jsonb_build_object('upper', u, 'points', round((-b.w_age * 3 * abs(coalesce(u, 70) - 45))::numeric, 2)) ORDER BY coalesce(u, 999))
       FROM unnest(ARRAY[30, 40, 50, 60, NULL]) u)),
    jsonb_build_object('name', 'industry', 'type', 'categorical', 'unseen', '{"points": 0}'::jsonb, 'bins',
      jsonb_build_array(jsonb_build_object('values', jsonb_build_array(b.bad_industry), 'points', -58))
      || CASE WHEN b.good_industry = b.bad_industry THEN '[]'::jsonb
              ELSE jsonb_build_array(jsonb_build_object('values', jsonb_build_array(b.good_industry), 'points', 43)) END),
    jsonb_build_object('name', 'region', 'type', 'categorical', 'unseen', '{"points": 0}'::jsonb, 'bins',
      jsonb_build_array(jsonb_build_object('values', jsonb_build_array(b.good_region), 'points', 29)))))::loan_risk.scorecard
FROM matching_sim.behaviour b WHERE b.product_id = p.product_id;

-- The rules' parameters as columns, for the plain-SQL join (every product has the
-- same seven rules with its own values: the simulation's templates).
CREATE TABLE sql_products AS
SELECT p.product_id, p.bank, p.product_type, p.min_amount, p.max_amount, p.min_term, p.max_term,
       coalesce(p.rate, p.min_rate) AS min_rate, coalesce(p.rate, p.max_rate) AS max_rate, p.approval_model,
       (r->0->'value'->>0)::int AS min_age, (r->0->'value'->>1)::int AS max_age,
       ARRAY(SELECT jsonb_array_elements_text(r->1->'value')) AS regions,
       (r->2->>'value')::numeric AS min_years,
       ARRAY(SELECT jsonb_array_elements_text(r->3->'value')) AS excluded_industries,
       (r->4->>'value')::int AS max_overdue, r->4->>'if_null' = 'pass' AS overdue_null_ok,
       (r->5->>'value')::int AS max_loans,
       p.product_type IN ('tax_loan', 'owner_loan') AS tax_ok, p.product_type IN ('bill_loan', 'owner_loan') AS invoices_ok,
       p.product_type = 'tobacco_loan' AS needs_licence, p.product_type = 'property_loan' AS needs_property,
       p.product_type NOT IN ('tobacco_loan', 'property_loan') AS needs_documents
FROM matching_sim.products p, LATERAL (SELECT p.rules AS r) x;
ALTER TABLE matching_sim.applicants_new SET (parallel_workers = 2);
VACUUM ANALYZE matching_sim.applicants_new;
ANALYZE sql_products, matching_sim.products;
SELECT pg_size_pretty(pg_total_relation_size('matching_sim.applicants_new')) AS applicants_size;

CREATE VIEW sql_eligible AS
SELECT a.*, p.product_id, p.bank, p.product_type, p.min_rate, p.max_rate, p.approval_model, p.max_amount, p.max_term
FROM sql_products p
JOIN LATERAL (
  SELECT a.* FROM matching_sim.applicants_new a
  WHERE a.requested_amount BETWEEN p.min_amount AND p.max_amount
    AND a.requested_term BETWEEN p.min_term AND p.max_term
    AND a.owner_age BETWEEN p.min_age AND p.max_age
    AND a.region = ANY (p.regions)
    AND a.years_in_business >= p.min_years
    AND a.industry <> ALL (p.excluded_industries)
    AND (a.overdue_days_12m <= p.max_overdue OR (a.overdue_days_12m IS NULL AND p.overdue_null_ok))
    AND a.existing_loans <= p.max_loans
    AND (NOT p.needs_documents OR (p.tax_ok AND a.has_tax_records) OR (p.invoices_ok AND a.has_invoices))
    AND (NOT p.needs_licence OR a.tobacco_licence)
    AND (NOT p.needs_property OR a.has_property)) a ON true;

-- The full pipeline in SQL: eligibility, approval probability, threshold, the three
-- cheapest (closed-form equal-installment cost: the SQL user's shortcut).
CREATE VIEW sql_full AS
SELECT * FROM (
  SELECT e.applicant_id, e.product_id, e.p,
         row_number() OVER (PARTITION BY e.applicant_id
                            ORDER BY e.cost / e.requested_amount, e.cost, e.p DESC, e.product_id) AS rank
  FROM (SELECT q.*, CASE WHEN q.r = 0 THEN 0
                         ELSE round(q.requested_amount * (q.r / 12) / (1 - (1 + q.r / 12) ^ (-q.requested_term)), 2)
                              * q.requested_term - q.requested_amount END AS cost
        FROM (SELECT e.applicant_id, e.product_id, e.requested_amount, e.requested_term, e.p,
                     CASE WHEN e.min_rate = e.max_rate THEN e.min_rate
                          ELSE least(e.max_rate, e.min_rate + round((e.max_rate - e.min_rate) * (1 - e.p)::numeric, 4)) END AS r
              FROM (SELECT e.*, 1 - loan_risk.pd(e.approval_model, e) AS p FROM sql_eligible e) e
              WHERE e.p >= 0.8) q) e) r
WHERE rank <= 3;
SQL

BATCH="SELECT count(*) FROM loan_risk.match_products_batch('matching_sim.applicants_new', 'matching_sim.products', 0.8, 3, amount_column => 'requested_amount', term_column => 'requested_term')"
ROWS="SELECT count(*) FROM matching_sim.applicants_new a, loan_risk.match_products(a, 'matching_sim.products', 0.8, 3, a.requested_amount, a.requested_term) m"

echo "== checks on the first 5000 applicants"
lr_psql matching -d bench -At <<'SQL'
CREATE TEMP TABLE b AS
SELECT applicant_id::bigint AS applicant_id, rank, product_id, approval_probability
FROM loan_risk.match_products_batch('SELECT * FROM matching_sim.applicants_new ORDER BY applicant_id LIMIT 5000',
                                    'matching_sim.products', 0.8, 3, amount_column => 'requested_amount', term_column => 'requested_term');
CREATE TEMP TABLE r AS
SELECT a.applicant_id, m.rank, m.product_id, m.approval_probability
FROM (SELECT * FROM matching_sim.applicants_new ORDER BY applicant_id LIMIT 5000) a,
     loan_risk.match_products(a, 'matching_sim.products', 0.8, 3, a.requested_amount, a.requested_term) m;
SELECT 'batch = row by row: ' || ((SELECT count(*) FROM (SELECT * FROM b EXCEPT ALL SELECT * FROM r) x) = 0
                                  AND (SELECT count(*) FROM (SELECT * FROM r EXCEPT ALL SELECT * FROM b) x) = 0)
       || ' (' || (SELECT count(*) FROM b) || ' offers)';
SELECT 'SQL rules join = explain_match eligibility: ' ||
       ((SELECT array_agg(applicant_id || product_id ORDER BY applicant_id, product_id) FROM sql_eligible
          WHERE applicant_id < (SELECT min(applicant_id) + 5000 FROM matching_sim.applicants_new))
        IS NOT DISTINCT FROM
        (SELECT array_agg(a.applicant_id || m.product_id ORDER BY a.applicant_id, m.product_id)
         FROM (SELECT * FROM matching_sim.applicants_new ORDER BY applicant_id LIMIT 5000) a,
              loan_risk.explain_match(a, 'matching_sim.products', 0.8, a.requested_amount, a.requested_term) m
         WHERE m.eligible));
SELECT 'SQL full = batch on applicants and products: ' ||
       ((SELECT count(*) FROM (SELECT applicant_id, product_id FROM sql_full
                               WHERE applicant_id < (SELECT min(applicant_id) + 5000 FROM matching_sim.applicants_new)
                               EXCEPT SELECT applicant_id, product_id FROM b) x)
        || ' of ' || (SELECT count(*) FROM b) || ' offers differ (closed-form costs may order near-ties differently)');
SQL

declare -A T
for th in 1 2; do
  lr_bench_time "batch, $th thread(s)" "SET loan_risk.max_threads = $th; $BATCH" "$RUNS"; T[batch$th]=$LR_BENCH_MS
done
for w in 0 2; do
  S="SET max_parallel_workers_per_gather = $w;"
  lr_bench_time "row by row, $w workers" "$S $ROWS" "$RUNS"; T[rows$w]=$LR_BENCH_MS
  lr_bench_time "SQL rules join (eligible pairs only), $w workers" "$S SELECT count(*) FROM sql_eligible" "$RUNS"; T[sqlrules$w]=$LR_BENCH_MS
  if [ "$N" -le "$SQL_FULL_MAX" ]; then
    lr_bench_time "SQL full (rules, pd, threshold, top 3), $w workers" "$S SELECT count(*) FROM sql_full" "$RUNS"; T[sqlfull$w]=$LR_BENCH_MS
  else
    T[sqlfull$w]=skipped
  fi
done
OFFERS=$(lr_psql matching -d bench -At -c "$BATCH")
PAIRS=$(lr_psql matching -d bench -At -c "SELECT count(*) FROM sql_eligible")

echo
echo "== matching $N applicants x $((BANKS * 2)) products: $PAIRS eligible pairs, $OFFERS offers (best of $RUNS)"
printf '%-44s %12s %14s %16s\n' form "ms" "x batch(1)" "pairs/s (M)"
for k in batch1 batch2 rows0 rows2 sqlrules0 sqlrules2 sqlfull0 sqlfull2; do
  case $k in
    batch1) l="batch, 1 thread";; batch2) l="batch, 2 threads";;
    rows0) l="row by row, serial";; rows2) l="row by row, 2 workers";;
    sqlrules0) l="SQL rules join, serial";; sqlrules2) l="SQL rules join, 2 workers";;
    sqlfull0) l="SQL full pipeline, serial";; sqlfull2) l="SQL full pipeline, 2 workers";;
  esac
  if [ "${T[$k]}" = skipped ]; then
    printf '%-44s %12s\n' "$l" "skipped (N > LR_BENCH_SQL_FULL_MAX)"; continue
  fi
  awk -v l="$l" -v t=${T[$k]} -v b=${T[batch1]} -v n=$N -v p=$((BANKS * 2)) 'BEGIN {
    printf "%-44s %12.0f %14.2f %16.1f\n", l, t, t / b, n * p / t / 1000 }'
done
