-- match_products: eligibility, approval probability, offered rate, schedule
-- figures, ranking (ties, orders), thresholds, products from a table or a
-- query, argument and product errors, and when the products are read again.

-- Approval models: pd is the probability of rejection, so the approval
-- probability is 1 - pd.  Card "steady": 600 base points, tenure < 2 years
-- -40, otherwise +60, unknown 0; pdo 20, 600 points at even odds, so
--   5 years: 660 points, odds 2^3 = 8, approval 8/9
--   1 year:  560 points, odds 2^-2,    approval 1/5
--   NULL:    600 points, odds 1,       approval 1/2.
CREATE TABLE cards (name text PRIMARY KEY, card loan_risk.scorecard);
INSERT INTO cards VALUES
('steady', '{"format": "loan_risk.scorecard/1", "name": "steady",
   "scaling": {"pdo": 20, "base_score": 600, "base_odds": 1}, "base_points": 600,
   "features": [{"name": "years", "type": "numeric", "bins": [{"upper": 2, "points": -40}, {"upper": null, "points": 60}],
                 "missing": {"points": 0}}]}'),
('keen', '{"format": "loan_risk.scorecard/1", "name": "keen",
   "scaling": {"pdo": 20, "base_score": 600, "base_odds": 1}, "base_points": 620,
   "features": [{"name": "years", "type": "numeric", "bins": [{"upper": 2, "points": -40}, {"upper": null, "points": 60}],
                 "missing": {"points": 0}},
                {"name": "region", "type": "categorical", "bins": [{"values": ["north"], "points": 0}],
                 "unseen": {"points": -20}}]}');

CREATE TABLE applicants (applicant_id int, years numeric, region text, tax boolean);
INSERT INTO applicants VALUES (1, 5, 'north', true), (2, 1, 'south', true), (3, NULL, 'north', false);

CREATE TABLE products (product_id text, bank text, product_type text, min_amount numeric, max_amount numeric,
                       min_term int, max_term int, rate numeric, min_rate numeric, max_rate numeric,
                       repayment_method text, rules jsonb, approval_model loan_risk.scorecard, pos int);
INSERT INTO products
SELECT id, bank, ptype, amin, amax, tmin, tmax, rate, rmin, rmax, method, rules::jsonb, c.card, pos FROM (VALUES
  ('A-owner', 'Bank A', 'owner_loan', 1000, 100000, 6, 36, 0.12, NULL, NULL, NULL, '[]', 'steady', 1),
  ('B-tax', 'Bank B', 'tax_loan', 5000, 50000, 12, 24, 0.10, NULL, NULL, NULL,
   '[{"dimension": "applicant", "reason": "Northern region only", "column": "region", "op": "in", "value": ["north"]},
     {"dimension": "process", "reason": "Tax records required", "column": "tax", "op": "=", "value": true}]', 'steady', 2),
  ('C-range', 'Bank C', 'bill_loan', 1000, 200000, 12, 48, NULL, 0.08, 0.20, NULL, '[]', 'steady', 3),
  ('D-nomodel', 'Bank D', 'tax_loan', 5000, 50000, 12, 24, 0.10, NULL, NULL, NULL, '[]', NULL, 4),
  ('E-twin', 'Bank E', 'tax_loan', 5000, 50000, 12, 24, 0.10, NULL, NULL, NULL, '[]', 'keen', 5),
  ('F-twin', 'Bank F', 'tax_loan', 5000, 50000, 12, 24, 0.10, NULL, NULL, NULL, '[]', 'steady', 6),
  ('G-flat', 'Bank G', 'tobacco_loan', 1000, 100000, 6, 36, 0.06, NULL, NULL, 'flat', '[]', 'steady', 7),
  ('H-bullet', 'Bank H', 'bill_loan', 1000, 100000, 3, 12, 0.11, NULL, NULL, 'interest_only', '[]', 'steady', 8),
  ('I-principal', NULL, NULL, 1000, 100000, 6, 36, 0.115, NULL, NULL, 'equal_principal', '[]', 'steady', 9)
) v(id, bank, ptype, amin, amax, tmin, tmax, rate, rmin, rmax, method, rules, cardname, pos)
LEFT JOIN cards c ON c.name = v.cardname
ORDER BY pos;

-- ---- The worked example: 10,000 over 12 months, threshold 0.8, the three cheapest.
SELECT a.applicant_id, m.*
FROM applicants a, loan_risk.match_products(a, 'products', requested_amount => 10000, requested_term => 12) m
ORDER BY a.applicant_id, m.rank;

-- Every product above the threshold, cheapest first (ties: higher probability, then product order):
-- E-twin, B-tax and F-twin have the same terms; E's model is keener on applicant 1; B comes before F.
SELECT m.rank, m.product_id, m.approval_probability, m.rate, m.monthly_payment, m.total_cost
FROM applicants a, loan_risk.match_products(a, 'SELECT * FROM products ORDER BY pos', max_results => NULL,
                                            requested_amount => 10000, requested_term => 12) m
WHERE a.applicant_id = 1 ORDER BY m.rank;

-- References: the schedule figures are loan_risk.repayment_schedule's (decisions area),
-- the probability is exactly 1 - loan_risk.pd of the product's card, the range rate is
-- min + (max - min) * (1 - p) to 0.0001, and the ranks follow total cost per unit borrowed
-- (then probability, then product order) computed here in SQL.
WITH m AS (
  SELECT a.applicant_id, m.*, p.repayment_method, p.pos, p.min_rate, p.max_rate, p.approval_model,
         1 - loan_risk.pd(p.approval_model, a) AS ref_p
  FROM applicants a CROSS JOIN (VALUES (6), (12), (24)) terms(t),
       LATERAL loan_risk.match_products(a, 'SELECT * FROM products ORDER BY pos', min_probability => 0,
                                        max_results => NULL, requested_amount => 7777.77, requested_term => t) m
       JOIN products p USING (product_id)
)
SELECT count(*) AS offers,
       bool_and(approval_probability = ref_p) AS probability_is_1_minus_pd,
       bool_and(rate = coalesce((SELECT p.rate FROM products p WHERE p.product_id = m.product_id),
                                round(min_rate + (max_rate - min_rate) * (1 - ref_p)::numeric, 4))) AS rate_ok,
       bool_and(monthly_payment = (SELECT payment FROM loan_risk.repayment_schedule(amount, m.rate, term_months,
                                     coalesce(repayment_method, 'equal_installment'), '2024-01-31') WHERE period = 1)) AS payment_is_first_payment,
       bool_and(total_cost = (SELECT sum(interest_part) FROM loan_risk.repayment_schedule(amount, m.rate, term_months,
                                coalesce(repayment_method, 'equal_installment'), '2024-01-31'))) AS total_cost_is_interest,
       bool_and(rank = (SELECT count(*) FROM m m2 WHERE m2.applicant_id = m.applicant_id AND m2.term_months = m.term_months
                          AND (m2.total_cost / m2.amount, m2.total_cost, -m2.approval_probability, m2.pos)
                              <= (m.total_cost / m.amount, m.total_cost, -m.approval_probability, m.pos))) AS ranks_ok
FROM m;

-- Without a requested amount and term, each product is quoted at its largest amount and longest term.
SELECT m.product_id, m.amount, m.term_months, m.rate
FROM applicants a, loan_risk.match_products(a, 'products', max_results => NULL) m
WHERE a.applicant_id = 1 ORDER BY m.rank;

-- ---- Other orders.
SELECT m.rank, m.product_id, m.rate
FROM applicants a, loan_risk.match_products(a, 'products', max_results => 4, requested_amount => 10000,
                                            requested_term => 12, order_by => 'rate') m
WHERE a.applicant_id = 1 ORDER BY m.rank;
SELECT m.rank, m.product_id, m.monthly_payment
FROM applicants a, loan_risk.match_products(a, 'products', max_results => 4, requested_amount => 10000,
                                            requested_term => 12, order_by => 'monthly_payment') m
WHERE a.applicant_id = 1 ORDER BY m.rank;
SELECT m.rank, m.product_id, round(m.approval_probability::numeric, 6) AS p
FROM applicants a, loan_risk.match_products(a, 'products', max_results => 2, requested_amount => 10000,
                                            requested_term => 12, order_by => 'probability') m
WHERE a.applicant_id = 1 ORDER BY m.rank;

-- ---- Thresholds: a probability equal to the threshold is recommended; a threshold just above it excludes it.
SELECT a.applicant_id, t.label, count(m.*) AS offers
FROM applicants a
CROSS JOIN (VALUES ('at 8/9', 8::float8 / 9), ('above 8/9', 8::float8 / 9 + 1e-16), ('zero', 0), ('one', 1)) t(label, th)
LEFT JOIN LATERAL loan_risk.match_products(a, 'SELECT * FROM products WHERE approval_model::text LIKE ''%steady%''',
                                           min_probability => t.th, max_results => NULL) m ON true
GROUP BY 1, 2 ORDER BY 1, 2;
SELECT 8::float8 / 9 + 1e-16 > 8::float8 / 9 AS next_is_above;

-- ---- Requested loans outside a product's ranges exclude it.
SELECT r.label, string_agg(m.product_id, ' ' ORDER BY m.product_id) AS products
FROM applicants a
CROSS JOIN (VALUES ('4000 x 12', 4000, 12), ('60000 x 12', 60000, 12), ('10000 x 30', 10000, 30),
                   ('10000 x 3', 10000, 3), ('150000 x 48', 150000, 48)) r(label, amt, term)
LEFT JOIN LATERAL loan_risk.match_products(a, 'products', max_results => NULL, requested_amount => r.amt,
                                           requested_term => r.term) m ON true
WHERE a.applicant_id = 1 GROUP BY r.label ORDER BY r.label;

-- ---- Products as a table name (schema-qualified, quoted) or a query; the same results.
CREATE SCHEMA bank;
CREATE TABLE bank."Offers" AS SELECT * FROM products;
SELECT (SELECT array_agg(product_id ORDER BY rank) FROM loan_risk.match_products(a, 'bank."Offers"')) AS by_name,
       (SELECT array_agg(product_id ORDER BY rank) FROM loan_risk.match_products(a, 'WITH p AS (SELECT * FROM products) SELECT * FROM p')) AS by_query,
       (SELECT array_agg(product_id ORDER BY rank) FROM loan_risk.match_products(a, ' ( select * from products )')) AS parenthesised
FROM applicants a WHERE applicant_id = 1;

-- ---- Products as a value: a JSON array of product objects, the columns of a
-- products table (jsonb_agg writes one; other members such as pos are
-- ignored, as other columns of a table).  The same offers and explanations
-- for every applicant and threshold; no table is read, so the call runs
-- where the row is (a Citus shard), and it is IMMUTABLE.
CREATE TABLE products_value AS SELECT jsonb_agg(p ORDER BY pos) AS products FROM products p;
SELECT jsonb_typeof(products->0->'approval_model') AS card_as_to_jsonb_writes_it,
       products->0->'rate' AS rate, products->2->'min_rate' AS min_rate
FROM products_value;
SELECT count(*) AS offers,
       count(*) FILTER (WHERE t IS NOT DISTINCT FROM j) AS same
FROM (SELECT a.applicant_id, p.th, t.* FROM applicants a, (VALUES (0.0), (0.5), (0.8)) p(th),
             loan_risk.match_products(a, 'products', min_probability => p.th, max_results => NULL, requested_amount => 10000) t) t
FULL JOIN (SELECT a.applicant_id, p.th, j.* FROM applicants a, (VALUES (0.0), (0.5), (0.8)) p(th), products_value v,
                  loan_risk.match_products(a, v.products, min_probability => p.th, max_results => NULL, requested_amount => 10000) j) j
  ON (t.applicant_id, t.th, t.rank) = (j.applicant_id, j.th, j.rank);
SELECT count(*) AS explanations,
       count(*) FILTER (WHERE t IS NOT DISTINCT FROM j) AS same
FROM (SELECT a.applicant_id, t.* FROM applicants a, loan_risk.explain_match(a, 'products', requested_amount => 10000) t) t
FULL JOIN (SELECT a.applicant_id, j.* FROM applicants a, products_value v,
                  loan_risk.explain_match(a, v.products, requested_amount => 10000) j) j
  ON (t.applicant_id, t.product_id) = (j.applicant_id, j.product_id);
-- Cards as JSON objects (::jsonb) read the same; numbers are read exactly as written.
SELECT array_agg(m.product_id || ' ' || m.rate ORDER BY rank) AS offers
FROM applicants a, loan_risk.match_products(a,
  '[{"product_id": 7, "min_amount": 100, "max_amount": 1000.00, "min_term": 6, "max_term": 12, "rate": 0.1,
     "rules": [], "approval_model": {"format": "loan_risk.scorecard/1", "name": "flat", "base_points": 600,
       "scaling": {"pdo": 20, "base_score": 600, "base_odds": 9}, "features": []}},
    {"product_id": "x", "min_amount": 100, "max_amount": 1000, "min_term": 6, "max_term": 12,
     "rate": 0.123456789012345678, "rules": [], "approval_model": {"format": "loan_risk.scorecard/1", "name": "flat",
       "base_points": 600, "scaling": {"pdo": 20, "base_score": 600, "base_odds": 9}, "features": []}}]'::jsonb,
  min_probability => 0) m
WHERE a.applicant_id = 1;
SELECT provolatile AS volatility FROM pg_proc WHERE oid = 'loan_risk.match_products(record, jsonb, float8, integer, numeric, integer, text, float8)'::regprocedure;
-- Errors name the product's place and field.
CREATE FUNCTION try_value(p jsonb) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM * FROM applicants a, loan_risk.match_products(a, p);
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT try_value(p::jsonb) FROM (VALUES
  ('{"product_id": "a"}'),
  ('[1]'),
  ('[{"bank": "B"}]'),
  ('[{"product_id": "a", "min_amount": 1, "max_amount": 2, "min_term": 1, "max_term": 2, "rate": 0.1}]'),
  ('[{"product_id": "a", "min_amount": 1, "max_amount": 2, "min_term": 1, "max_term": 2, "rules": []}]'),
  ('[{"product_id": "a", "min_amount": 1, "max_amount": 2, "min_term": 1, "max_term": 2, "rate": 0.1, "min_rate": 0.1, "max_rate": 0.2, "rules": []}]'),
  ('[{"product_id": "a", "min_amount": "1", "max_amount": 2, "min_term": 1, "max_term": 2, "rate": 0.1, "rules": []}]'),
  ('[{"product_id": "a", "min_amount": 1, "max_amount": 2e14, "min_term": 1, "max_term": 2, "rate": 0.1, "rules": []}]'),
  ('[{"product_id": "a", "min_amount": 1, "max_amount": 2, "min_term": 1.5, "max_term": 2, "rate": 0.1, "rules": []}]'),
  ('[{"product_id": "a", "min_amount": 1, "max_amount": 2, "min_term": 1, "max_term": 2, "rate": 101, "rules": []}]'),
  ('[{"product_id": "a", "min_amount": 1, "max_amount": 2, "min_term": 1, "max_term": 2, "rate": 0.1, "rules": [], "repayment_method": "balloon"}]'),
  ('[{"product_id": "a", "min_amount": 1, "max_amount": 2, "min_term": 1, "max_term": 2, "rate": 0.1, "rules": [{"column": "x"}]}]'),
  ('[{"product_id": "a", "min_amount": 1, "max_amount": 2, "min_term": 1, "max_term": 2, "rate": 0.1, "rules": [], "approval_model": "{"}]'),
  ('[{"product_id": "a", "min_amount": 1, "max_amount": 2, "min_term": 1, "max_term": 2, "rate": 0.1, "rules": [], "approval_model": 3}]'),
  ('[{"product_id": "a", "min_amount": 1, "max_amount": 2, "min_term": 1, "max_term": 2, "rate": 0.1, "rules": [],
      "approval_model": {"format": "loan_risk.scorecard/1", "base_points": 1, "features": []}}]'),
  ('[{"product_id": 1.5, "min_amount": 1, "max_amount": 2, "min_term": 1, "max_term": 2, "rate": 0.1, "rules": []}]'),
  ('[{"product_id": "", "min_amount": 1, "max_amount": 2, "min_term": 1, "max_term": 2, "rate": 0.1, "rules": []}]'),
  ('[{"product_id": "a", "min_amount": 3, "max_amount": 2, "min_term": 1, "max_term": 2, "rate": 0.1, "rules": []},
     {"product_id": "b", "min_amount": 1, "max_amount": 2, "min_term": 1, "max_term": 2, "rate": 0.1, "rules": []}]'),
  ('[{"product_id": "a", "min_amount": 1, "max_amount": 2, "min_term": 1, "max_term": 2, "rate": 0.1, "rules": []},
     {"product_id": "b", "min_amount": 1, "max_amount": 2, "min_term": 1, "max_term": 2, "rate": 0.1, "rules": []},
     {"product_id": "a", "min_amount": 1, "max_amount": 2, "min_term": 1, "max_term": 2, "rate": 0.1, "rules": []}]'),
  ('[]')) v(p);
SELECT * FROM applicants a, loan_risk.match_products(a, NULL::jsonb);

-- ---- NULLs: a NULL applicant has no offers; NULL max_results means all.
SELECT count(*) AS null_applicant FROM loan_risk.match_products(NULL::applicants, 'products');
SELECT count(*) AS no_results FROM applicants a, loan_risk.match_products(a, 'products', max_results => 0);

-- ---- Argument errors.
SELECT * FROM applicants a, loan_risk.match_products(a, NULL);
SELECT * FROM applicants a, loan_risk.match_products(a, '');
SELECT * FROM applicants a, loan_risk.match_products(a, 'a.b.c.d');
SELECT * FROM applicants a, loan_risk.match_products(a, 'no_such_table');
SELECT * FROM applicants a, loan_risk.match_products(a, 'SELECT 1; DELETE FROM products');
SELECT * FROM applicants a, loan_risk.match_products(a, 'products', min_probability => NULL);
SELECT * FROM applicants a, loan_risk.match_products(a, 'products', min_probability => 'NaN');
SELECT * FROM applicants a, loan_risk.match_products(a, 'products', min_probability => 1.5);
SELECT * FROM applicants a, loan_risk.match_products(a, 'products', min_probability => '-Infinity');
SELECT * FROM applicants a, loan_risk.match_products(a, 'products', max_results => -1);
SELECT * FROM applicants a, loan_risk.match_products(a, 'products', requested_amount => -5);
SELECT * FROM applicants a, loan_risk.match_products(a, 'products', requested_amount => 0);
SELECT * FROM applicants a, loan_risk.match_products(a, 'products', requested_amount => 'NaN');
SELECT * FROM applicants a, loan_risk.match_products(a, 'products', requested_amount => 'Infinity');
SELECT * FROM applicants a, loan_risk.match_products(a, 'products', requested_amount => 1e14);
SELECT * FROM applicants a, loan_risk.match_products(a, 'products', requested_term => 0);
SELECT * FROM applicants a, loan_risk.match_products(a, 'products', requested_term => 1201);
SELECT * FROM applicants a, loan_risk.match_products(a, 'products', order_by => 'cheapest');

-- ---- Product errors name the product and the column.
CREATE FUNCTION try_products(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM * FROM applicants a, loan_risk.match_products(a, q);
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT try_products(q) FROM (VALUES
  ('SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term, rate, rules FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term, rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term, min_rate, rules, approval_model FROM products'),
  ('SELECT 1.5 AS product_id, bank, product_type, min_amount, max_amount, min_term, max_term, rate, rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term::numeric, rate, rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term, rate, 1 AS rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term, rate, rules, 2 AS approval_model FROM products'),
  ('SELECT NULL::text AS product_id, bank, product_type, min_amount, max_amount, min_term, max_term, rate, rules, approval_model FROM products'),
  ('SELECT ''x'' AS product_id, bank, product_type, min_amount, max_amount, min_term, max_term, rate, min_rate, max_rate, rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, NULL::numeric AS min_amount, max_amount, min_term, max_term, rate, rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, 0 AS min_amount, max_amount, min_term, max_term, rate, rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, 200000 AS min_amount, max_amount, min_term, max_term, rate, rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, ''NaN''::numeric AS max_amount, min_term, max_term, rate, rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, 1e14 AS max_amount, min_term, max_term, rate, rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, 0 AS min_term, max_term, rate, rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, 40 AS min_term, max_term, rate, rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, min_term, NULL::int AS max_term, rate, rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term, -0.01 AS rate, rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term, 101 AS rate, rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term, ''Infinity''::float8 AS rate, rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term, 0.1 AS rate, 0.1 AS min_rate, 0.2 AS max_rate, rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term, NULL::numeric AS rate, 0.3 AS min_rate, 0.2 AS max_rate, rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term, NULL::numeric AS rate, NULL::numeric AS min_rate, 0.2 AS max_rate, rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term, rate, ''weekly'' AS repayment_method, rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term, rate, NULL::jsonb AS rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term, rate, ''[{"dimension": "loan"}]''::jsonb AS rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term, rate, ''not json''::text AS rules, approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term, rate, rules, ''{"format": "loan_risk.scorecard/1", "base_points": 1, "features": []}''::jsonb AS approval_model FROM products'),
  ('SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term, rate, rules, ''{"format": "loan_risk.scorecard/2"}''::text AS approval_model FROM products'),
  ('SELECT product_id, bank, product_type, 1e13 AS min_amount, 1e13 AS max_amount, 1200 AS min_term, 1200 AS max_term, NULL::numeric AS rate, 0 AS min_rate, 100 AS max_rate, ''flat'' AS repayment_method, rules, approval_model FROM products'),
  ('SELECT * FROM products WHERE false')
) v(q);

-- A model whose column the applicant row lacks is an error naming the column.
SELECT * FROM applicants a,
  loan_risk.match_products(a, $$SELECT product_id, bank, product_type, min_amount, max_amount, min_term, max_term, rate, rules,
    '{"format": "loan_risk.scorecard/1", "scaling": {"pdo": 20, "base_score": 600, "base_odds": 1}, "base_points": 600,
      "features": [{"name": "revenue", "type": "numeric", "bins": [{"upper": null, "points": 0}]}]}'::jsonb AS approval_model
    FROM products WHERE rate IS NOT NULL$$) m;

-- ---- When the products are read: once per statement, again when the snapshot or command changes.
BEGIN;
SELECT m.product_id, m.rate FROM applicants a, loan_risk.match_products(a, 'products', max_results => 1) m WHERE applicant_id = 1;
UPDATE products SET rate = 0.01 WHERE product_id = 'A-owner';
SELECT m.product_id, m.rate FROM applicants a, loan_risk.match_products(a, 'products', max_results => 1) m WHERE applicant_id = 1;
ROLLBACK;
-- Inside one PL/pgSQL call (the expression and its cache are kept between statements).
CREATE FUNCTION best_after_update() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  a applicants;
  r text := '';
  i int;
BEGIN
  SELECT * INTO a FROM applicants WHERE applicant_id = 1;
  FOR i IN 1..2 LOOP
    r := r || (SELECT string_agg(product_id || ' ' || rate, ', ') FROM loan_risk.match_products(a, 'products', max_results => 1)) || '; ';
    UPDATE products SET rate = 0.02 WHERE product_id = 'G-flat';
  END LOOP;
  RETURN r;
END $$;
BEGIN;
SELECT best_after_update();
ROLLBACK;

-- ---- Row by row under a parallel plan: the same offers as serially.
CREATE TABLE many AS
SELECT g AS applicant_id, (g % 7)::numeric AS years, (ARRAY['north', 'south', 'east'])[1 + g % 3] AS region,
       g % 2 = 0 AS tax
FROM generate_series(1, 3000) g;
ALTER TABLE many SET (parallel_workers = 2);
ANALYZE many;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off; SET max_parallel_workers_per_gather = 2;
CREATE VIEW offers AS
SELECT a.applicant_id, m.* FROM many a, loan_risk.match_products(a, 'products', requested_amount => 10000) m;
EXPLAIN (COSTS OFF)
SELECT count(*) AS n, md5(string_agg(o::text, ',' ORDER BY applicant_id, rank)) AS digest FROM offers o;
SELECT count(*) AS n, md5(string_agg(o::text, ',' ORDER BY applicant_id, rank)) AS digest FROM offers o \gset par_
SET max_parallel_workers_per_gather = 0;
SELECT count(*) = :par_n AND md5(string_agg(o::text, ',' ORDER BY applicant_id, rank)) = :'par_digest'
       AS parallel_equals_serial, count(*) > 3000 AS many_offers
FROM offers o;
RESET ALL;
