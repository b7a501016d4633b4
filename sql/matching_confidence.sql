-- Matching on a lower confidence bound of the approval probability
-- (approval_confidence) and the ranking options: by approval probability,
-- by total cost, and by total cost among the offers whose bound clears the
-- threshold first (confident_total_cost).  The reference is plain SQL over
-- loan_risk.pd_interval: the one-sided bound at confidence c is the upper
-- end of the two-sided interval at 2c - 1.
SET client_min_messages = warning;
SET extra_float_digits = 0;

CREATE TABLE apps AS
SELECT g AS applicant_id, (g * 37) % 100 / 10.0 AS years,
       (ARRAY['north', 'south', 'east', 'west'])[1 + (g * 7) % 4] AS region,
       CASE WHEN g % 13 = 0 THEN NULL ELSE (g * 11) % 60 END AS overdue
FROM generate_series(1, 400) g;

-- Four products; each card's covariance makes the bound wider for some bins
-- than for others.
CREATE TABLE products AS
SELECT 'P' || k AS product_id, 'Bank ' || k AS bank, 'owner_loan' AS product_type,
       1000 AS min_amount, 50000 AS max_amount, 6 AS min_term, 36 AS max_term,
       CASE WHEN k = 4 THEN NULL ELSE 0.06 + k / 100.0 END AS rate,
       CASE WHEN k = 4 THEN 0.05 END AS min_rate, CASE WHEN k = 4 THEN 0.20 END AS max_rate,
       '[{"dimension": "loan", "reason": "overdue", "column": "overdue", "op": "<=", "value": 45, "if_null": "pass"}]'::jsonb AS rules,
       jsonb_build_object('format', 'loan_risk.scorecard/1',
         'scaling', '{"pdo": 20, "base_score": 600, "base_odds": 1}'::jsonb,
         'base_points', 610 + 5 * k, 'intercept', -1,
         'features', jsonb_build_array(
           jsonb_build_object('name', 'years', 'type', 'numeric', 'coefficient', -1,
             'bins', jsonb_build_array(jsonb_build_object('upper', 2, 'points', -30, 'woe', -0.8),
                                       jsonb_build_object('upper', 6, 'points', 20 + k, 'woe', 0.3),
                                       jsonb_build_object('upper', NULL, 'points', 45, 'woe', 1.1)),
             'missing', '{"points": 0, "woe": 0}'::jsonb),
           jsonb_build_object('name', 'region', 'type', 'categorical', 'coefficient', -1,
             'bins', jsonb_build_array(jsonb_build_object('values', '["north", "east"]'::jsonb, 'points', 10 * k % 25, 'woe', 0.4),
                                       jsonb_build_object('values', '["south"]'::jsonb, 'points', -5, 'woe', -0.3)),
             'unseen', '{"points": -10, "woe": -0.5}'::jsonb)),
         'covariance', jsonb_build_array(jsonb_build_array(0.01 * k, 0.002, 0.001),
                                         jsonb_build_array(0.002, 0.02 * k, 0.003),
                                         jsonb_build_array(0.001, 0.003, 0.015 * k)))::text::loan_risk.scorecard AS approval_model
FROM generate_series(1, 4) k;

-- The reference: every eligible pair with its probability, bound at 0.9 and cost.
CREATE TABLE ref AS
SELECT a.applicant_id, p.product_id, 1 - i.pd AS prob, 1 - i.pd_upper AS bound
FROM apps a, products p, LATERAL loan_risk.pd_interval(p.approval_model, a, 2 * 0.9 - 1) i
WHERE a.overdue IS NULL OR a.overdue <= 45;

-- Without approval_confidence nothing changes; with it, the recommended
-- pairs are exactly those whose bound reaches the threshold.
SELECT (SELECT count(*) FROM apps a, loan_risk.match_products(a, 'products', max_results => NULL) m) AS point_pairs,
       (SELECT count(*) FROM ref WHERE prob >= 0.8) AS point_ref,
       (SELECT count(*) FROM apps a, loan_risk.match_products(a, 'products', max_results => NULL, approval_confidence => 0.9) m) AS bound_pairs,
       (SELECT count(*) FROM ref WHERE bound >= 0.8) AS bound_ref;
SELECT count(*) AS mismatches FROM (
  (SELECT a.applicant_id, m.product_id FROM apps a, loan_risk.match_products(a, 'products', max_results => NULL, approval_confidence => 0.9) m
   EXCEPT SELECT applicant_id, product_id FROM ref WHERE bound >= 0.8)
  UNION ALL
  (SELECT applicant_id, product_id FROM ref WHERE bound >= 0.8
   EXCEPT SELECT a.applicant_id, m.product_id FROM apps a, loan_risk.match_products(a, 'products', max_results => NULL, approval_confidence => 0.9) m)) d;
-- A higher confidence recommends a subset.
SELECT bool_and(EXISTS (SELECT 1 FROM loan_risk.match_products(a, 'products', max_results => NULL, approval_confidence => 0.5) m2
                        WHERE m2.product_id = m.product_id)) AS subset,
       count(*) AS pairs_at_0_99
FROM apps a, loan_risk.match_products(a, 'products', max_results => NULL, approval_confidence => 0.99) m;

-- Ranking by approval probability: probabilities never rise with the rank.
CREATE TABLE by_prob AS SELECT a.applicant_id, m.* FROM apps a,
  loan_risk.match_products(a, 'products', max_results => NULL, order_by => 'probability', approval_confidence => 0.9) m;
SELECT count(*) AS offers,
       bool_and(approval_probability <= coalesce(prev, 2)) AS by_probability
FROM (SELECT *, lag(approval_probability) OVER (PARTITION BY applicant_id ORDER BY rank) AS prev FROM by_prob) s;

-- Ranking by cost (the default): total cost per unit never falls with the rank.
CREATE TABLE by_cost AS SELECT a.applicant_id, m.* FROM apps a,
  loan_risk.match_products(a, 'products', max_results => NULL, requested_amount => 10000, approval_confidence => 0.9) m;
SELECT count(*) AS offers, bool_and(total_cost >= coalesce(prev, 0)) AS by_cost
FROM (SELECT *, lag(total_cost) OVER (PARTITION BY applicant_id ORDER BY rank) AS prev FROM by_cost) s;

-- confident_total_cost: every pair whose probability reaches the threshold,
-- those whose bound does first, each group by total cost.
CREATE TABLE by_conf AS SELECT a.applicant_id, m.* FROM apps a,
  loan_risk.match_products(a, 'products', max_results => NULL, requested_amount => 10000,
                           order_by => 'confident_total_cost', approval_confidence => 0.9) m;
SELECT (SELECT count(*) FROM by_conf) AS offers, (SELECT count(*) FROM ref WHERE prob >= 0.8) AS point_ref,
       (SELECT count(*) FROM by_conf c JOIN ref r USING (applicant_id, product_id) WHERE r.bound >= 0.8) AS confident;
WITH c AS (SELECT c.*, r.bound >= 0.8 AS confident FROM by_conf c JOIN ref r USING (applicant_id, product_id))
SELECT count(*) AS ranked,
       bool_and(rank = expected_rank) AS as_reference
FROM (SELECT *, row_number() OVER (PARTITION BY applicant_id
                                   ORDER BY NOT confident, total_cost, approval_probability DESC, product_id) AS expected_rank
      FROM c) s;
-- A worked example: the first applicant with offers on both sides of the
-- bound, under each option.
CREATE TABLE ex AS SELECT min(applicant_id) AS applicant_id FROM (
  SELECT applicant_id FROM by_conf c JOIN ref r USING (applicant_id, product_id)
  GROUP BY applicant_id HAVING bool_or(r.bound >= 0.8) AND bool_or(r.bound < 0.8) AND count(*) >= 2) s;
SELECT o, m.rank, m.product_id, round(r.prob::numeric, 4) AS p, round(r.bound::numeric, 4) AS bound_90, m.rate, m.total_cost
FROM ex, apps a, unnest('{total_cost,probability,confident_total_cost}'::text[]) o,
     LATERAL loan_risk.match_products(a, 'products', requested_amount => 10000, requested_term => 12,
                                      order_by => o, approval_confidence => 0.9) m, ref r
WHERE a.applicant_id = ex.applicant_id AND r.applicant_id = a.applicant_id AND r.product_id = m.product_id
ORDER BY o, m.rank;
SELECT m.rank, m.product_id, round(m.approval_probability::numeric, 4) AS p, m.total_cost
FROM ex, apps a, LATERAL loan_risk.match_products(a, 'products', requested_amount => 10000, requested_term => 12) m
WHERE a.applicant_id = ex.applicant_id ORDER BY m.rank;

-- The batch gives the same offers as row by row, for each order.
SELECT o, (SELECT count(*) FROM (
  (SELECT a.applicant_id::text, m.rank, m.product_id, m.total_cost
   FROM apps a, loan_risk.match_products(a, 'products', requested_amount => 10000, order_by => o, approval_confidence => 0.9) m
   EXCEPT SELECT applicant_id, rank, product_id, total_cost
   FROM loan_risk.match_products_batch('SELECT *, 10000 AS amt FROM apps', 'products', amount_column => 'amt',
                                       order_by => o, approval_confidence => 0.9))
  UNION ALL
  (SELECT applicant_id, rank, product_id, total_cost
   FROM loan_risk.match_products_batch('SELECT *, 10000 AS amt FROM apps', 'products', amount_column => 'amt',
                                       order_by => o, approval_confidence => 0.9)
   EXCEPT SELECT a.applicant_id::text, m.rank, m.product_id, m.total_cost
   FROM apps a, loan_risk.match_products(a, 'products', requested_amount => 10000, order_by => o, approval_confidence => 0.9) m)) d) AS differ
FROM unnest('{total_cost,probability,confident_total_cost}'::text[]) o;
-- Products as a value agree too.
SELECT count(*) AS differ FROM apps a,
  LATERAL (SELECT array_agg(product_id ORDER BY rank) AS ids FROM loan_risk.match_products(a, 'products', approval_confidence => 0.9)) x,
  LATERAL (SELECT array_agg(product_id ORDER BY rank) AS ids FROM loan_risk.match_products(a, (SELECT jsonb_agg(p) FROM products p), approval_confidence => 0.9)) y
WHERE x.ids IS DISTINCT FROM y.ids;

-- Errors.
SELECT * FROM apps a, loan_risk.match_products(a, 'products', approval_confidence => 0) m WHERE a.applicant_id = 1;
SELECT * FROM apps a, loan_risk.match_products(a, 'products', approval_confidence => 1) m WHERE a.applicant_id = 1;
SELECT * FROM apps a, loan_risk.match_products(a, 'products', approval_confidence => 'NaN') m WHERE a.applicant_id = 1;
SELECT * FROM apps a, loan_risk.match_products(a, 'products', order_by => 'confident_total_cost') m WHERE a.applicant_id = 1;
SELECT * FROM apps a, loan_risk.match_products(a, 'SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term,
  rate, min_rate, max_rate, rules, (approval_model::jsonb - ''covariance'')::text::loan_risk.scorecard AS approval_model FROM products',
  approval_confidence => 0.9) m WHERE a.applicant_id = 1;
SELECT * FROM loan_risk.match_products_batch('apps', 'products', order_by => 'confident_total_cost');
SELECT * FROM apps a, loan_risk.match_products(a, 'products', order_by => 'cheapest') m WHERE a.applicant_id = 1;
