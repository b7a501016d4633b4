-- explain_match: for every product, eligible or not, each failed rule with its
-- dimension, reason, column and value, the approval probability and the
-- decision, so that no applicant is left without an answer.

CREATE TABLE applicants (applicant_id int, owner_age int, region text, years numeric, tax boolean,
                         invoices int, overdue int);
INSERT INTO applicants VALUES
  (1, 35, 'north', 5, true, 12, 0),
  (2, 19, 'south', 1, false, NULL, 45),
  (3, 50, 'west', NULL, true, 3, NULL),
  (4, 41, 'east', 8, false, 0, 0),
  (5, 44, 'east', 6, true, 7, 0);

-- Card: tenure (no missing bin: a NULL cannot be scored) and region (no unseen bin).
CREATE TABLE products AS
SELECT * FROM (VALUES
  ('tax-1', 'Bank T', 'tax_loan', 5000, 50000, 12, 24, 0.10,
   '[{"name": "age", "dimension": "applicant", "reason": "Owner aged 21 to 65", "column": "owner_age", "op": "between", "value": [21, 65]},
     {"name": "tax", "dimension": "process", "reason": "Tax records required", "column": "tax", "op": "=", "value": true},
     {"dimension": "loan", "reason": "No overdue beyond 30 days", "column": "overdue", "op": "<=", "value": 30}]'::jsonb,
   '{"format": "loan_risk.scorecard/1", "scaling": {"pdo": 20, "base_score": 600, "base_odds": 1}, "base_points": 600,
     "features": [{"name": "years", "type": "numeric", "bins": [{"upper": 3, "points": -20}, {"upper": null, "points": 60}]},
                  {"name": "region", "type": "categorical", "bins": [{"values": ["north", "west"], "points": 0},
                                                                     {"values": ["south"], "points": -40}]}]}'::loan_risk.scorecard),
  ('bill-1', 'Bank B', 'bill_loan', 1000, 20000, 3, 12, 0.14,
   '[{"dimension": "process", "reason": "Invoices or tax records required",
      "any": [{"column": "invoices", "op": ">=", "value": 6}, {"column": "tax", "op": "=", "value": true}]},
     {"dimension": "loan", "reason": "No overdue beyond 60 days", "column": "overdue", "op": "<=", "value": 60, "if_null": "pass"}]',
   '{"format": "loan_risk.scorecard/1", "scaling": {"pdo": 20, "base_score": 600, "base_odds": 1}, "base_points": 620,
     "features": [{"name": "years", "type": "numeric", "bins": [{"upper": 3, "points": -40}, {"upper": null, "points": 20}],
                   "missing": {"points": -10}}]}'),
  ('owner-1', 'Bank O', 'owner_loan', 1000, 100000, 6, 36, 0.12, '[]', NULL)
) v(product_id, bank, product_type, min_amount, max_amount, min_term, max_term, rate, rules, approval_model);

-- The worked example.
SELECT a.applicant_id, m.product_id, m.eligible, round(m.approval_probability::numeric, 4) AS p, m.decision, m.detail
FROM applicants a, loan_risk.explain_match(a, 'products') m
ORDER BY a.applicant_id, m.product_id;

-- Failed rules in full (jsonb): a group blames its first failing condition, or the first missing value.
SELECT a.applicant_id, m.product_id, jsonb_pretty(m.failed_rules) AS failed_rules
FROM applicants a, loan_risk.explain_match(a, 'products') m
WHERE a.applicant_id = 2 ORDER BY m.product_id;

-- The requested loan is checked in the product dimension.
SELECT m.product_id, m.eligible, m.failed_rules->0->>'reason' AS reason, m.failed_rules->0->>'value' AS value
FROM applicants a, loan_risk.explain_match(a, 'products', requested_amount => 60000, requested_term => 48) m
WHERE a.applicant_id = 1 ORDER BY m.product_id;
SELECT m.product_id, jsonb_array_length(m.failed_rules) AS failures, m.detail
FROM applicants a, loan_risk.explain_match(a, 'products', requested_amount => 500, requested_term => 2) m
WHERE a.applicant_id = 1 ORDER BY m.product_id;

-- The threshold decides between recommended and below_threshold, and agrees with match_products.
SELECT t.th, m.product_id, m.decision
FROM applicants a, (VALUES (0.5), (0.99)) t(th), loan_risk.explain_match(a, 'products', min_probability => t.th) m
WHERE a.applicant_id = 1 AND m.eligible ORDER BY 1, 2;

-- On generated applicants: the recommended products of explain_match are exactly those of
-- match_products without a limit, for several thresholds, amounts and terms.
CREATE TABLE many AS
SELECT g AS applicant_id, 18 + g % 50 AS owner_age, (ARRAY['north', 'south', 'west', 'east'])[1 + g % 4] AS region,
       CASE WHEN g % 11 = 0 THEN NULL ELSE (g % 9)::numeric END AS years, g % 3 <> 0 AS tax,
       CASE WHEN g % 5 = 0 THEN NULL ELSE g % 13 END AS invoices, CASE WHEN g % 7 = 0 THEN NULL ELSE (g * 17) % 90 END AS overdue
FROM generate_series(1, 400) g;
SELECT count(*) AS cases,
       count(*) FILTER (WHERE e IS DISTINCT FROM m) AS disagreements,
       count(*) FILTER (WHERE e <> '{}') AS cases_with_offers
FROM (SELECT a.applicant_id, t.th, r.amt, r.term,
             (SELECT coalesce(array_agg(product_id ORDER BY product_id), '{}') FROM loan_risk.explain_match(a, 'products', t.th, r.amt, r.term)
               WHERE decision = 'recommended') AS e,
             (SELECT coalesce(array_agg(product_id ORDER BY product_id), '{}') FROM loan_risk.match_products(a, 'products', t.th, NULL, r.amt, r.term)) AS m
      FROM many a, (VALUES (0.0), (0.5), (0.8)) t(th), (VALUES (NULL::numeric, NULL::int), (10000, 12), (30000, 6)) r(amt, term)) x;

-- Every applicant gets a row for every product, whatever happens.
SELECT count(*) = 400 * 3 AS every_product_answered,
       count(*) FILTER (WHERE decision IS NULL OR detail IS NULL OR failed_rules IS NULL) AS unanswered,
       string_agg(DISTINCT decision, ', ' ORDER BY decision) AS decisions
FROM many a, loan_risk.explain_match(a, 'products') m;

-- NULL applicant: no rows; argument errors as in match_products.
SELECT count(*) FROM loan_risk.explain_match(NULL::applicants, 'products');
SELECT * FROM applicants a, loan_risk.explain_match(a, 'products', min_probability => -0.1);
SELECT * FROM applicants a, loan_risk.explain_match(a, 'products', requested_amount => -1);
SELECT * FROM applicants a, loan_risk.explain_match(a, 'products', requested_term => 0);
SELECT * FROM applicants a, loan_risk.explain_match(a, NULL);
