-- match_products_batch: a whole applicant table against every product, in
-- OpenMP threads; the same offers as match_products row by row, for any
-- thread count and any chunking.

-- 3,000 applicants (some NULLs, integer and text ids) and 40 generated products.
CREATE TABLE apps AS
SELECT g AS applicant_id, 'A' || g AS code, 18 + g % 50 AS owner_age,
       (ARRAY['north', 'south', 'west', 'east', 'coast'])[1 + (g * 7) % 5] AS region,
       CASE WHEN g % 11 = 0 THEN NULL ELSE ((g * 13) % 97) / 8.0 END AS years,
       (g * 31) % 4 <> 0 AS tax,
       CASE WHEN g % 17 = 0 THEN NULL ELSE (g * 29) % 40 END AS overdue,
       CASE WHEN g % 9 = 0 THEN NULL ELSE 1000 * (1 + (g * 37) % 120) END AS amount_wanted,
       CASE WHEN g % 10 = 0 THEN NULL ELSE (ARRAY[3, 6, 12, 24, 36, 60])[1 + (g * 3) % 6] END AS months
FROM generate_series(1, 3000) g;

CREATE TABLE products AS
SELECT 'P' || lpad(k::text, 2, '0') AS product_id, 'Bank ' || (k % 13) AS bank,
       (ARRAY['owner_loan', 'tax_loan', 'bill_loan'])[1 + k % 3] AS product_type,
       1000 * (1 + k % 5) AS min_amount, 20000 * (1 + k % 6) AS max_amount,
       (ARRAY[3, 6, 12])[1 + k % 3] AS min_term, (ARRAY[12, 24, 36, 60])[1 + k % 4] AS max_term,
       CASE WHEN k % 4 = 0 THEN NULL ELSE 0.06 + (k % 7) / 100.0 END AS rate,
       CASE WHEN k % 4 = 0 THEN 0.05 + (k % 5) / 100.0 END AS min_rate,
       CASE WHEN k % 4 = 0 THEN 0.16 + (k % 5) / 100.0 END AS max_rate,
       (ARRAY['equal_installment', 'equal_principal', 'flat', 'interest_only'])[1 + k % 4] AS repayment_method,
       jsonb_build_array(
         jsonb_build_object('dimension', 'applicant', 'reason', 'age', 'column', 'owner_age', 'op', 'between',
                            'value', jsonb_build_array(18 + k % 5, 55 + k % 10)),
         jsonb_build_object('dimension', 'applicant', 'reason', 'region', 'column', 'region',
                            'op', CASE WHEN k % 2 = 0 THEN 'in' ELSE 'not in' END,
                            'value', CASE WHEN k % 2 = 0 THEN '["north", "south", "east"]'::jsonb ELSE '["coast"]' END),
         jsonb_build_object('dimension', 'loan', 'reason', 'overdue', 'column', 'overdue', 'op', '<=', 'value', 10 + k % 25,
                            'if_null', CASE WHEN k % 3 = 0 THEN 'pass' ELSE 'fail' END))
       || CASE WHEN k % 5 = 0 THEN '[{"dimension": "process", "reason": "tax", "any": [{"column": "tax", "op": "=", "value": true}, {"column": "years", "op": ">", "value": 8}]}]'::jsonb
               ELSE '[]' END AS rules,
       CASE WHEN k % 9 = 4 THEN NULL ELSE
       jsonb_build_object('format', 'loan_risk.scorecard/1', 'scaling', '{"pdo": 20, "base_score": 600, "base_odds": 1}'::jsonb,
         'base_points', 600 + k % 23,
         'features', jsonb_build_array(
           jsonb_build_object('name', 'years', 'type', 'numeric',
                              'bins', jsonb_build_array(jsonb_build_object('upper', 1 + k % 3, 'points', -30 - k % 7),
                                                        jsonb_build_object('upper', 6, 'points', 10 + k % 11),
                                                        jsonb_build_object('upper', NULL, 'points', 45 + k % 13)),
                              'missing', jsonb_build_object('points', -5)),
           jsonb_build_object('name', 'region', 'type', 'categorical',
                              'bins', jsonb_build_array(jsonb_build_object('values', '["north", "coast"]'::jsonb, 'points', k % 9),
                                                        jsonb_build_object('values', '["south"]'::jsonb, 'points', -(k % 17))),
                              'unseen', jsonb_build_object('points', 3)))) END::loan_risk.scorecard AS approval_model
FROM generate_series(1, 40) k;

-- Row by row, as the reference.
CREATE FUNCTION row_offers(th float8, k int, amount_col boolean, ord text)
RETURNS TABLE (applicant_id text, rank int, product_id text, p float8, rate numeric, amount numeric,
               term int, payment numeric, cost numeric)
LANGUAGE sql AS $$
  SELECT a.applicant_id::text, m.rank, m.product_id, m.approval_probability, m.rate, m.amount, m.term_months,
         m.monthly_payment, m.total_cost
  FROM apps a, loan_risk.match_products(a, 'products', th, k,
                                         CASE WHEN amount_col THEN a.amount_wanted END,
                                         CASE WHEN amount_col THEN a.months END, ord) m
$$;
CREATE FUNCTION batch_offers(th float8, k int, amount_col boolean, ord text)
RETURNS TABLE (applicant_id text, rank int, product_id text, p float8, rate numeric, amount numeric,
               term int, payment numeric, cost numeric)
LANGUAGE sql AS $$
  SELECT m.applicant_id, m.rank, m.product_id, m.approval_probability, m.rate, m.amount, m.term_months,
         m.monthly_payment, m.total_cost
  FROM loan_risk.match_products_batch('apps', 'products', th, k,
                                      amount_column => CASE WHEN amount_col THEN 'amount_wanted' END,
                                      term_column => CASE WHEN amount_col THEN 'months' END,
                                      order_by => ord) m
$$;

-- The worked example.
SELECT * FROM loan_risk.match_products_batch('SELECT * FROM apps WHERE applicant_id <= 6', 'products', min_probability => 0.6)
ORDER BY applicant_id, rank;

-- Batch = row by row (same rows, same order of ranks, every column), for 1 and 2 threads.
SET loan_risk.max_threads = 1;
SELECT th, k, amount_col, ord,
       (SELECT count(*) FROM row_offers(th, k, amount_col, ord)) AS offers,
       (SELECT count(*) FROM (SELECT * FROM row_offers(th, k, amount_col, ord)
                              EXCEPT ALL SELECT * FROM batch_offers(th, k, amount_col, ord)) d) AS missing_in_batch,
       (SELECT count(*) FROM (SELECT * FROM batch_offers(th, k, amount_col, ord)
                              EXCEPT ALL SELECT * FROM row_offers(th, k, amount_col, ord)) d) AS extra_in_batch
FROM (VALUES (0.8::float8, 3, false, 'total_cost'), (0.5, 3, true, 'total_cost'), (0.0, NULL, true, 'total_cost'),
             (0.3, 2, true, 'monthly_payment'), (0.3, 5, false, 'rate'), (0.6, 1, true, 'probability')) v(th, k, amount_col, ord);
CREATE TABLE one_thread AS SELECT * FROM batch_offers(0.0, NULL, true, 'total_cost');
SET loan_risk.max_threads = 2;
SELECT count(*) AS offers,
       (SELECT count(*) FROM (SELECT * FROM one_thread EXCEPT ALL SELECT * FROM batch_offers(0.0, NULL, true, 'total_cost')) d)
       + (SELECT count(*) FROM (SELECT * FROM batch_offers(0.0, NULL, true, 'total_cost') EXCEPT ALL SELECT * FROM one_thread) d)
         AS differences_between_1_and_2_threads
FROM one_thread;

-- Many products and no limit make small chunks (512 applicants): results do not depend on them.
CREATE TABLE wide AS
SELECT p.product_id || '-' || c AS product_id, p.bank, p.product_type, p.min_amount, p.max_amount, p.min_term,
       p.max_term, p.rate, p.min_rate, p.max_rate, p.repayment_method, p.rules, p.approval_model
FROM products p, generate_series(1, 25) c;
SELECT count(*) AS offers,
       count(*) FILTER (WHERE b IS NULL OR r IS NULL) AS differences
FROM (SELECT m.applicant_id, m.rank, m.product_id, m.total_cost
      FROM loan_risk.match_products_batch('SELECT * FROM apps WHERE applicant_id <= 800', 'wide', 0.5, NULL) m) b
FULL JOIN (SELECT a.applicant_id::text, m.rank, m.product_id, m.total_cost
           FROM apps a, loan_risk.match_products(a, 'wide', 0.5, NULL) m WHERE a.applicant_id <= 800) r
  USING (applicant_id, rank, product_id, total_cost);
RESET loan_risk.max_threads;

-- Ids of any type come back as text; rows in the order of the applicants query.
SELECT applicant_id, rank, product_id
FROM loan_risk.match_products_batch('SELECT code, owner_age, region, years, tax, overdue FROM apps
                                     WHERE applicant_id IN (3, 5, 6) ORDER BY applicant_id DESC',
                                    'products', id_column => 'code', min_probability => 0.6, max_results => 1);
SELECT count(*) AS no_applicants FROM loan_risk.match_products_batch('SELECT * FROM apps WHERE false', 'products');
SELECT count(*) AS no_products FROM loan_risk.match_products_batch('apps', 'SELECT * FROM products WHERE false');

-- Errors.
SELECT * FROM loan_risk.match_products_batch(NULL, 'products');
SELECT * FROM loan_risk.match_products_batch('apps', NULL);
SELECT * FROM loan_risk.match_products_batch('apps', 'products', id_column => NULL);
SELECT * FROM loan_risk.match_products_batch('apps', 'products', id_column => 'id');
SELECT * FROM loan_risk.match_products_batch('apps', 'products', amount_column => 'amount');
SELECT * FROM loan_risk.match_products_batch('apps', 'products', amount_column => 'region');
SELECT * FROM loan_risk.match_products_batch('apps', 'products', term_column => 'years');
SELECT * FROM loan_risk.match_products_batch('SELECT applicant_id, region FROM apps', 'products');
SELECT * FROM loan_risk.match_products_batch('SELECT NULL::int AS applicant_id, * FROM apps', 'products');
SELECT * FROM loan_risk.match_products_batch('SELECT *, -5 AS bad FROM apps', 'products', amount_column => 'bad');
SELECT * FROM loan_risk.match_products_batch('SELECT *, 0 AS bad FROM apps', 'products', term_column => 'bad');
SELECT * FROM loan_risk.match_products_batch('apps', 'products', min_probability => 2);
SELECT * FROM loan_risk.match_products_batch('apps', 'products', order_by => 'fastest');
SELECT * FROM loan_risk.match_products_batch('DELETE FROM apps', 'products');
SET loan_risk.max_kernel_memory = '1MB';
SELECT count(*) FROM loan_risk.match_products_batch('apps', 'wide', max_results => NULL);
RESET loan_risk.max_kernel_memory;

-- statement_timeout (and cancel) stop the batch between rounds of blocks; the session stays usable.
SET statement_timeout = '300ms';
SELECT count(*) FROM loan_risk.match_products_batch(
  'SELECT a.* FROM generate_series(1, 100000) g, apps a',
  'products', min_probability => 0);
RESET statement_timeout;
SELECT count(*) AS still_usable FROM loan_risk.match_products_batch('SELECT * FROM apps WHERE applicant_id <= 10', 'products', 0);
