-- loan_risk.credit_limit(pd, monthly_revenue, existing_debt, policy): the
-- limit, the constraint that bound it and a reason, from a jsonb policy.
CREATE TABLE policies (name text PRIMARY KEY, policy jsonb);
INSERT INTO policies VALUES
('standard', '{"bands": [{"max_pd": 0.02, "revenue_multiple": 3, "name": "A"},
                         {"max_pd": 0.05, "revenue_multiple": 2, "name": "B"},
                         {"max_pd": 0.10, "revenue_multiple": 1, "name": "C"}],
               "debt_service": {"max_share": 0.3, "annual_rate": 0.24, "term_months": 12},
               "min_limit": 1000, "max_limit": 100000, "rounding_step": 500}'),
('balance', '{"bands": [{"max_pd": 1, "revenue_multiple": 3}],
              "debt_service": {"max_share": 0.3, "annual_rate": 0.24, "term_months": 12, "existing_debt": "balance"},
              "rounding_step": 500}'),
('plain', '{"bands": [{"max_pd": 0.5, "revenue_multiple": 1.1}]}');

-- Every branch with the standard policy.  By hand: the debt-service cap is
-- (0.3 x revenue - existing) x (1 - 1.02^-12) / 0.02 = x 10.57534122...
SELECT c, (loan_risk.credit_limit(pd, rev, debt, (SELECT policy FROM policies WHERE name = 'standard'))).*
FROM (VALUES
  ('revenue multiple binds: 3 x 5000', 0.01::float8, 5000::numeric, 0::numeric),
  ('debt service binds: 2500 x 10.5753', 0.01, 10000, 500),
  ('max_limit binds', 0.01, 100000, 0),
  ('below the minimum: declined', 0.08, 800, 0),
  ('pd above the bands: declined', 0.2, 10000, 0),
  ('debt service exhausted: declined', 0.01, 10000, 3000),
  ('pd on a band edge is in that band', 0.02, 5000, 0),
  ('band B', 0.03, 5000, 0),
  ('pd 0', 0, 5000, 0),
  ('amounts to the cent', 0.01, 4999.995, 0.004)
) v(c, pd, rev, debt);

-- The debt-service cap against the closed form in numeric.
SELECT (loan_risk.credit_limit(0.01, 10000, 500, policy)).debt_service_limit
     = floor((0.3 * 10000 - 500) * (1 - power(1.02::numeric, -12)) / 0.02 * 100) / 100 AS closed_form
FROM policies WHERE name = 'standard';

-- Existing debt as a balance amortised on the product's terms:
-- 3000 x 10.5753 - 20000 = 11726.02 -> 11500.
SELECT (loan_risk.credit_limit(0.3, 10000, 20000, policy)).* FROM policies WHERE name = 'balance';
-- With no minimum, a limit of 0 is a decline by the constraint that left nothing.
SELECT (loan_risk.credit_limit(0.3, 10000, 40000, policy)).* FROM policies WHERE name = 'balance';
-- No debt-service section: debt_service_limit is NULL; step 0.01.
-- 1.1 x 3333.33 = 3666.663 -> 3666.66 (exact decimal: never 3666.6599999).
SELECT (loan_risk.credit_limit(0.3, 3333.33, 0, policy)).* FROM policies WHERE name = 'plain';

-- A table of policies: each row's policy is used (the per-query cache is keyed on the policy's bytes).
SELECT p.name, (loan_risk.credit_limit(0.01, 10000, 500, p.policy)).limit_amount
FROM policies p ORDER BY p.name;

-- NULL in, NULL out (STRICT).
SELECT loan_risk.credit_limit(NULL, 1000, 0, '{"bands": [{"max_pd": 1, "revenue_multiple": 1}]}') IS NULL AS null_pd;
SELECT loan_risk.credit_limit(0.1, 1000, 0, NULL) IS NULL AS null_policy;

-- Bad inputs.
SELECT loan_risk.credit_limit('NaN', 1000, 0, policy) FROM policies WHERE name = 'standard';
SELECT loan_risk.credit_limit('Infinity', 1000, 0, policy) FROM policies WHERE name = 'standard';
SELECT loan_risk.credit_limit(-0.1, 1000, 0, policy) FROM policies WHERE name = 'standard';
SELECT loan_risk.credit_limit(1.5, 1000, 0, policy) FROM policies WHERE name = 'standard';
SELECT loan_risk.credit_limit(0.1, 'NaN', 0, policy) FROM policies WHERE name = 'standard';
SELECT loan_risk.credit_limit(0.1, -1000, 0, policy) FROM policies WHERE name = 'standard';
SELECT loan_risk.credit_limit(0.1, 1e20, 0, policy) FROM policies WHERE name = 'standard';
SELECT loan_risk.credit_limit(0.1, 1000, -5, policy) FROM policies WHERE name = 'standard';
SELECT loan_risk.credit_limit(0.1, 1000, 'Infinity', policy) FROM policies WHERE name = 'standard';
-- The largest amounts work.
SELECT (loan_risk.credit_limit(0, 10000000000000, 0, '{"bands": [{"max_pd": 1, "revenue_multiple": 1000}],
        "debt_service": {"max_share": 1, "annual_rate": 100, "term_months": 1200}}')).*;

-- Malformed policies: the error names the field (JSON path) and the value.
SELECT loan_risk.credit_limit(0.1, 1000, 0, '[]');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '3');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": []}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": {"max_pd": 1}}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": ["A"]}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0, "revenue_multiple": 1}]}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 1.5, "revenue_multiple": 1}]}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": "0.1", "revenue_multiple": 1}]}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.1}]}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.05, "revenue_multiple": 2}, {"max_pd": 0.05, "revenue_multiple": 1}]}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.1, "revenue_multiple": 2}, {"max_pd": 0.05, "revenue_multiple": 1}]}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.1, "revenue_multiple": -2}]}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.1, "revenue_multiple": 1e6}]}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.1, "revenue_multiple": 1, "nmae": "A"}]}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.1, "revenue_multiple": 1, "name": ""}]}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.1, "revenue_multiple": 1}], "max_limt": 5}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.1, "revenue_multiple": 1}], "debt_service": 0.3}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.1, "revenue_multiple": 1}], "debt_service": {"annual_rate": 0.2, "term_months": 12}}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.1, "revenue_multiple": 1}], "debt_service": {"max_share": 0, "annual_rate": 0.2, "term_months": 12}}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.1, "revenue_multiple": 1}], "debt_service": {"max_share": 0.3, "annual_rate": 20, "term_months": 12.5}}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.1, "revenue_multiple": 1}], "debt_service": {"max_share": 0.3, "annual_rate": -0.2, "term_months": 12}}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.1, "revenue_multiple": 1}], "debt_service": {"max_share": 0.3, "annual_rate": 0.2, "term_months": 12, "existing_debt": "loan"}}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.1, "revenue_multiple": 1}], "min_limit": 100.001}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.1, "revenue_multiple": 1}], "min_limit": -1}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.1, "revenue_multiple": 1}], "max_limit": 0}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.1, "revenue_multiple": 1}], "min_limit": 5000, "max_limit": 1000}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.1, "revenue_multiple": 1}], "rounding_step": 0}');
SELECT loan_risk.credit_limit(0.1, 1000, 0, '{"bands": [{"max_pd": 0.1, "revenue_multiple": 1}], "max_limit": 1e30}');

-- Against a plain-SQL implementation of the same policy over generated applicants.
CREATE FUNCTION sql_credit_limit(pd float8, rev numeric, debt numeric,
                                 OUT approved boolean, OUT limit_amount numeric, OUT binding text) AS $$
DECLARE
  mult numeric;
  rev_cap numeric;
  ds_cap numeric;
  raw numeric;
BEGIN
  rev := round(rev, 2); debt := round(debt, 2);
  mult := CASE WHEN pd <= 0.02 THEN 3 WHEN pd <= 0.05 THEN 2 WHEN pd <= 0.10 THEN 1 END;
  IF mult IS NULL THEN
    approved := false; limit_amount := 0; binding := 'pd_band'; RETURN;
  END IF;
  rev_cap := floor(rev * mult * 100) / 100;
  ds_cap := greatest(floor((0.3 * rev - debt) * (1 - power(1.02::numeric, -12)) / 0.02 * 100) / 100, 0);
  raw := rev_cap; binding := 'revenue_multiple';
  IF ds_cap < raw THEN raw := ds_cap; binding := 'debt_service'; END IF;
  IF 100000 < raw THEN raw := 100000; binding := 'max_limit'; END IF;
  limit_amount := floor(raw / 500) * 500;
  approved := limit_amount >= 1000;
  IF NOT approved THEN limit_amount := 0; binding := 'min_limit'; END IF;
END $$ LANGUAGE plpgsql IMMUTABLE;
CREATE TABLE applicants AS
SELECT i, ((hashint4(i) & 2147483647) % 15000) / 100000.0::float8 AS pd,
       round(((hashint4(i * 3) & 2147483647) % 10000000) / 100.0 + (i % 7) / 1000.0, 3) AS revenue,
       round(((hashint4(i * 5) & 2147483647) % 500000) / 100.0, 2) AS debt
FROM generate_series(1, 5000) i;
SELECT count(*) AS applicants,
       count(*) FILTER (WHERE (c).approved IS DISTINCT FROM (s).approved OR (c).limit_amount <> (s).limit_amount
                        OR (c).binding_constraint <> (s).binding) AS mismatches,
       count(DISTINCT (c).binding_constraint) AS bindings_seen
FROM (SELECT loan_risk.credit_limit(pd, revenue, debt, p.policy) c, sql_credit_limit(pd, revenue, debt) s
      FROM applicants, policies p WHERE p.name = 'standard') x;
