-- The matching rule language: every operator, NULL semantics, groups, type
-- mismatches naming the column, malformed rules with their exact errors.

-- ---- Canonical form: fixed key order, numbers in shortest form, if_null only when "pass".
SELECT loan_risk.check_match_rules('[
  {"name": "age", "dimension": "applicant", "reason": "Owner aged 25 to 60",
   "op": "between", "column": "owner_age", "value": [25, 60.0]},
  {"dimension": "process", "reason": "Documents",
   "any": [{"column": "has_tax_records", "op": "=", "value": true},
           {"column": "invoices", "op": ">=", "value": 3, "if_null": "fail"}]},
  {"dimension": "loan", "reason": "No overdue", "column": "overdue", "op": "<=", "value": 30, "if_null": "pass"}
]') AS canonical;
SELECT loan_risk.check_match_rules('[]') AS no_rules;
-- The canonical form is a fixed point.
SELECT loan_risk.check_match_rules(loan_risk.check_match_rules(r)) = loan_risk.check_match_rules(r) AS stable
FROM (VALUES ('[{"dimension": "loan", "reason": "x", "all": [{"column": "a", "op": "in", "value": [3, 1, 2]},
               {"column": "b", "op": "not in", "value": ["x", "y"]}, {"column": "c", "op": "is null"}]}]'::jsonb)) v(r);

-- ---- Evaluation: one product per operator, on hand-made applicants.
CREATE TABLE apps (applicant_id int, age int, region text, code char(3), years numeric, rev float8,
                   tax boolean, flag text);
INSERT INTO apps VALUES
  (1, 30, 'north', 'A1 ', 3, 1000, true, NULL),
  (2, 60, 'south', 'B2', 0.5, 'NaN', false, 'x'),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, 25, 'east', 'A1', 10, '-Infinity', true, '');
CREATE TABLE ops (product_id text, rules jsonb);
INSERT INTO ops VALUES
  ('eq_num',      '[{"dimension": "applicant", "reason": "r", "column": "age", "op": "=", "value": 30}]'),
  ('ne_num',      '[{"dimension": "applicant", "reason": "r", "column": "age", "op": "!=", "value": 30}]'),
  ('lt',          '[{"dimension": "applicant", "reason": "r", "column": "age", "op": "<", "value": 30}]'),
  ('le',          '[{"dimension": "applicant", "reason": "r", "column": "age", "op": "<=", "value": 30}]'),
  ('gt',          '[{"dimension": "applicant", "reason": "r", "column": "years", "op": ">", "value": 0.5}]'),
  ('ge',          '[{"dimension": "applicant", "reason": "r", "column": "years", "op": ">=", "value": 0.5}]'),
  ('between',     '[{"dimension": "applicant", "reason": "r", "column": "age", "op": "between", "value": [25, 30]}]'),
  ('in_text',     '[{"dimension": "applicant", "reason": "r", "column": "region", "op": "in", "value": ["north", "east"]}]'),
  ('not_in_text', '[{"dimension": "applicant", "reason": "r", "column": "region", "op": "not in", "value": ["north", "east"]}]'),
  ('eq_text',     '[{"dimension": "applicant", "reason": "r", "column": "region", "op": "=", "value": "south"}]'),
  ('ne_text',     '[{"dimension": "applicant", "reason": "r", "column": "region", "op": "!=", "value": "south"}]'),
  ('eq_char',     '[{"dimension": "applicant", "reason": "r", "column": "code", "op": "=", "value": "A1"}]'),
  ('int_as_text', '[{"dimension": "applicant", "reason": "r", "column": "age", "op": "in", "value": ["25", "60"]}]'),
  ('in_num',      '[{"dimension": "applicant", "reason": "r", "column": "age", "op": "in", "value": [60, 25, 25, 1, 2, 3, 4, 5, 6, 7, 8]}]'),
  ('eq_bool',     '[{"dimension": "process", "reason": "r", "column": "tax", "op": "=", "value": true}]'),
  ('ne_bool',     '[{"dimension": "process", "reason": "r", "column": "tax", "op": "!=", "value": true}]'),
  ('is_null',     '[{"dimension": "applicant", "reason": "r", "column": "flag", "op": "is null"}]'),
  ('not_null',    '[{"dimension": "applicant", "reason": "r", "column": "flag", "op": "is not null"}]'),
  ('rev_null',    '[{"dimension": "applicant", "reason": "r", "column": "rev", "op": "is null"}]'),
  ('rev_gt',      '[{"dimension": "applicant", "reason": "r", "column": "rev", "op": ">", "value": -1e300}]'),
  ('pass_null',   '[{"dimension": "applicant", "reason": "r", "column": "age", "op": ">", "value": 26, "if_null": "pass"}]'),
  ('all',         '[{"dimension": "applicant", "reason": "r", "all": [{"column": "age", "op": ">=", "value": 25}, {"column": "tax", "op": "=", "value": true}]}]'),
  ('any',         '[{"dimension": "applicant", "reason": "r", "any": [{"column": "age", "op": ">=", "value": 50}, {"column": "tax", "op": "=", "value": true}]}]'),
  ('any_pass',    '[{"dimension": "applicant", "reason": "r", "any": [{"column": "age", "op": ">=", "value": 50}, {"column": "age", "op": "is null"}]}]'),
  ('two_rules',   '[{"dimension": "applicant", "reason": "r1", "column": "age", "op": ">=", "value": 26}, {"dimension": "process", "reason": "r2", "column": "tax", "op": "=", "value": true}]'),
  ('none',        '[]');
CREATE VIEW products AS
SELECT product_id, 'bank' AS bank, 'type' AS product_type, 1000 AS min_amount, 5000 AS max_amount,
       12 AS min_term, 12 AS max_term, 0.1 AS rate, rules, NULL::loan_risk.scorecard AS approval_model
FROM ops;

-- Eligibility of every applicant for every product (T = eligible), in one line per product.
-- NULL fails every comparison (the value is missing), NaN counts as missing, -Infinity is a number,
-- char(n) ignores trailing spaces, integers compare with strings as their text.
SELECT m.product_id,
       string_agg(a.applicant_id || ':' || CASE WHEN m.eligible THEN 'T' ELSE 'f' END, ' ' ORDER BY a.applicant_id) AS eligible
FROM apps a, loan_risk.explain_match(a, 'products') m
GROUP BY m.product_id ORDER BY m.product_id;

-- The same against the plain-SQL statement of the semantics (data/matching/rules_sql.sql),
-- for every row without NaN (the SQL reference does not model NaN).
\set ECHO none
\i data/matching/rules_sql.sql
\set ECHO all
CREATE FUNCTION sql_eligible(rules jsonb, id int) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE r boolean;
BEGIN
  EXECUTE format('SELECT %s FROM apps a WHERE applicant_id = $1', matching_sim.rules_sql(rules)) INTO r USING id;
  RETURN r;
END $$;
SELECT count(*) AS pairs, count(*) FILTER (WHERE m.eligible IS DISTINCT FROM sql_eligible(o.rules, a.applicant_id)) AS disagreements
FROM apps a, loan_risk.explain_match(a, 'products') m JOIN ops o USING (product_id)
WHERE a.applicant_id <> 2 OR o.product_id NOT LIKE 'rev%';

-- Failed rules name the dimension, the reason, the column and its value; a NULL is "missing".
SELECT a.applicant_id, m.failed_rules
FROM apps a, loan_risk.explain_match(a, 'SELECT * FROM products WHERE product_id IN (''two_rules'', ''any'', ''pass_null'')') m
WHERE m.product_id = 'two_rules' OR (m.product_id = 'any' AND a.applicant_id = 3)
ORDER BY m.product_id, a.applicant_id;

-- ---- Type mismatches name the column, and who reads it.
CREATE VIEW bad_num AS SELECT * FROM products WHERE false
  UNION ALL SELECT 'p1', 'b', 't', 1000, 5000, 12, 12, 0.1,
    '[{"dimension": "applicant", "reason": "r", "column": "region", "op": ">=", "value": 5}]', NULL;
SELECT * FROM apps a, loan_risk.match_products(a, 'bad_num') m;
CREATE VIEW bad_text AS SELECT * FROM products WHERE false
  UNION ALL SELECT 'p1', 'b', 't', 1000, 5000, 12, 12, 0.1,
    '[{"dimension": "applicant", "reason": "r", "any": [{"column": "rev", "op": "=", "value": "high"}]}]', NULL;
SELECT * FROM apps a, loan_risk.match_products(a, 'bad_text') m;
CREATE VIEW bad_bool AS SELECT * FROM products WHERE false
  UNION ALL SELECT 'p1', 'b', 't', 1000, 5000, 12, 12, 0.1,
    '[{"dimension": "process", "reason": "r", "column": "age", "op": "=", "value": true}]', NULL;
SELECT * FROM apps a, loan_risk.match_products(a, 'bad_bool') m;
CREATE VIEW no_col AS SELECT * FROM products WHERE false
  UNION ALL SELECT 'p1', 'b', 't', 1000, 5000, 12, 12, 0.1,
    '[{"dimension": "process", "reason": "r", "column": "Age", "op": "=", "value": 3}]', NULL;
SELECT * FROM apps a, loan_risk.match_products(a, 'no_col') m;
-- A null check reads a column of any type.
CREATE TABLE dated (applicant_id int, licence_expiry date);
INSERT INTO dated VALUES (1, '2030-01-01'), (2, NULL);
SELECT d.applicant_id, m.eligible, m.failed_rules->0->>'value' AS value
FROM dated d, loan_risk.explain_match(d, $$SELECT * FROM products WHERE false UNION ALL SELECT 'p1', 'b', 't', 1000, 5000, 12, 12, 0.1,
    '[{"dimension": "process", "reason": "Licence on file", "column": "licence_expiry", "op": "is not null"}]', NULL$$) m
ORDER BY 1;

-- ---- Malformed rules: exact errors with the JSON path.
SELECT loan_risk.check_match_rules('{}');
SELECT loan_risk.check_match_rules('[1]');
SELECT loan_risk.check_match_rules('[{"reason": "r", "column": "a", "op": "=", "value": 1}]');
SELECT loan_risk.check_match_rules('[{"dimension": "applicant", "column": "a", "op": "=", "value": 1}]');
SELECT loan_risk.check_match_rules('[{"dimension": "borrower", "reason": "r", "column": "a", "op": "=", "value": 1}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "", "column": "a", "op": "=", "value": 1}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "column": "a", "op": "==", "value": 1}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "column": "a", "op": "=", "value": 1, "comment": "x"}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "column": "", "op": "=", "value": 1}]');
SELECT loan_risk.check_match_rules(('[{"dimension": "loan", "reason": "r", "column": "' || repeat('x', 64) || '", "op": "=", "value": 1}]')::jsonb);
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "column": "a", "op": "="}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "column": "a", "op": "=", "value": null}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "column": "a", "op": "=", "value": [1]}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "column": "a", "op": "<", "value": "b"}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "column": "a", "op": "between", "value": [1]}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "column": "a", "op": "between", "value": [1, "2"]}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "column": "a", "op": "between", "value": [5, 1]}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "column": "a", "op": "in", "value": []}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "column": "a", "op": "in", "value": 3}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "column": "a", "op": "not in", "value": [1, "2"]}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "column": "a", "op": "in", "value": [1, null]}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "column": "a", "op": "is null", "value": 1}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "column": "a", "op": "is null", "if_null": "pass"}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "column": "a", "op": "=", "value": 1, "if_null": "skip"}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "all": []}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "all": [{"column": "a", "op": "=", "value": 1}], "any": []}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "all": [{"column": "a", "op": "=", "value": 1}], "column": "b"}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "any": [{"column": "a", "op": "=", "value": 1, "reason": "x"}]}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "any": [{"column": "a", "op": "=", "value": 1}, {"all": [{"column": "b", "op": "<", "value": true}]}]}]');
SELECT loan_risk.check_match_rules('[{"dimension": "loan", "reason": "r", "any": {"column": "a"}}]');
SELECT loan_risk.check_match_rules('[{"name": 3, "dimension": "loan", "reason": "r", "column": "a", "op": "=", "value": 1}]');
SELECT loan_risk.check_match_rules(NULL) IS NULL AS null_is_null;
-- Deep nesting is a JSON error, not a stack overflow.
SELECT loan_risk.check_match_rules(('[{"dimension": "loan", "reason": "r", ' || repeat('"all": [{', 40) || '"column": "a", "op": "=", "value": 1' || repeat('}]', 40) || '}]')::jsonb);
-- Large lists are fine (binary search beyond 8 values).
SELECT m.eligible
FROM (SELECT 5000 AS x) a,
     loan_risk.explain_match(a, format($$SELECT 'p' AS product_id, 'b' AS bank, 't' AS product_type, 1 AS min_amount,
        2 AS max_amount, 1 AS min_term, 1 AS max_term, 0 AS rate, %L::jsonb AS rules, NULL::jsonb AS approval_model$$,
        jsonb_build_array(jsonb_build_object('dimension', 'loan', 'reason', 'r', 'column', 'x', 'op', 'in',
                                             'value', (SELECT jsonb_agg(g * 5) FROM generate_series(0, 9999) g))))) m;
