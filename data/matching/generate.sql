-- The bank simulation (deterministic: every draw is a hash of its inputs).
--
--   psql -v n_banks=10 -v n_history=40000 -v n_new=5000 [-v world=nonmonotone] -f data/matching/generate.sql
--
-- Schema matching_sim:
--   products      n_banks x 2 products: public rules (jsonb, doc/matching.md),
--                 amount and term ranges, a fixed rate or a rate range; the
--                 approval_model column is filled by simulate.sql
--   behaviour     each product's HIDDEN approval behaviour (never shown to the
--                 models): weights of a score over the applicant's columns,
--                 the cut-off and the noise of the bank's decision
--   applicants_hist, history
--                 past applicants and their applications (each to 1-3 random
--                 products they were eligible for) with the bank's outcome
--                 (rejected 1/0)
--   applicants_new
--                 new applicants to match
--   bank_decides(product_id, applicant) -> approved?   the simulated bank
--
-- Eligible means: the public rules pass (matching_sim.rules_sql, the plain-SQL
-- statement of the rule semantics) and the requested amount and term fit the
-- product.  Among eligible applications the banks approve about a quarter
-- (the industry's 20-30%): the cut-off is the 70th percentile of the hidden
-- score over the product's eligible past applications.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
\if :{?n_banks}
\else
\set n_banks 10
\endif
\if :{?n_history}
\else
\set n_history 40000
\endif
\if :{?n_new}
\else
\set n_new 5000
\endif
\if :{?world}
\else
\set world monotone
\endif

DROP SCHEMA IF EXISTS matching_sim CASCADE;
CREATE SCHEMA matching_sim;
\ir rules_sql.sql
\ir fit.sql

-- A uniform draw in (0, 1) for key k and stream s.
CREATE FUNCTION matching_sim.u(k bigint, s int) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT ((hashint8(k * 7919 + s) & 2147483647)::float8 + 0.5) / 2147483648.0
$$;

-- A standard normal draw (Box-Muller).
CREATE FUNCTION matching_sim.n(k bigint, s int) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT sqrt(-2 * ln(matching_sim.u(k, s))) * cos(2 * pi() * matching_sim.u(k, s + 1))
$$;

CREATE FUNCTION matching_sim.pick(options text[], x float8) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT options[1 + least(floor(x * cardinality(options))::int, cardinality(options) - 1)]
$$;

-- Applicants with ids first .. first + n - 1.
CREATE FUNCTION matching_sim.make_applicants(first bigint, n bigint)
RETURNS TABLE (applicant_id bigint, owner_age integer, region text, industry text,
               years_in_business numeric, annual_revenue numeric, existing_loans integer,
               overdue_days_12m integer, has_property boolean, has_tax_records boolean,
               has_invoices boolean, tobacco_licence boolean, requested_amount numeric,
               requested_term integer)
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT id,
         20 + floor(matching_sim.u(id, 1) * 46)::int,
         matching_sim.pick('{north,south,east,west,central,northeast,southwest,coast}', matching_sim.u(id, 2)),
         ind,
         round(least(30, -ln(matching_sim.u(id, 3)) * 4)::numeric, 1),
         rev,
         least(6, floor(-ln(matching_sim.u(id, 5)) * 1.2))::int,
         CASE WHEN matching_sim.u(id, 6) < 0.1 THEN NULL
              WHEN matching_sim.u(id, 7) < 0.7 THEN 0
              ELSE 1 + floor(matching_sim.u(id, 8) * 120)::int END,
         matching_sim.u(id, 9) < 0.35,
         matching_sim.u(id, 10) < 0.6,
         matching_sim.u(id, 11) < 0.5,
         ind = 'tobacco' OR (ind = 'retail' AND matching_sim.u(id, 12) < 0.3),
         round(least(900000, greatest(3000, rev * (0.05 + 0.45 * matching_sim.u(id, 13))::numeric)), -3),
         (ARRAY[6, 12, 18, 24, 36])[1 + floor(matching_sim.u(id, 14) * 5)::int]
  FROM generate_series(first, first + n - 1) AS id,
       LATERAL (SELECT matching_sim.pick('{retail,food,manufacturing,services,construction,transport,wholesale,agriculture,tobacco,tech}',
                                         matching_sim.u(id, 15)) AS ind,
                       round(exp(11 + 0.8 * matching_sim.n(id, 16))::numeric, -2) AS rev) x
$$;

-- ---- Products and their public rules.
CREATE TABLE matching_sim.products AS
WITH p AS (
  SELECT b, j, b * 10 + j AS k,
         matching_sim.pick('{owner_loan,bill_loan,tax_loan,tobacco_loan,property_loan}',
                           matching_sim.u(b * 10 + j, 101)) AS ptype
  FROM generate_series(1, :n_banks) b, generate_series(1, 2) j
), t AS (
  SELECT p.*,
         CASE ptype WHEN 'owner_loan' THEN 3000 WHEN 'bill_loan' THEN 5000 WHEN 'tax_loan' THEN 10000
                    WHEN 'tobacco_loan' THEN 3000 ELSE 20000 END AS amin,
         CASE ptype WHEN 'owner_loan' THEN 300000 WHEN 'bill_loan' THEN 500000 WHEN 'tax_loan' THEN 900000
                    WHEN 'tobacco_loan' THEN 200000 ELSE 900000 END AS amax,
         CASE ptype WHEN 'bill_loan' THEN 3 WHEN 'property_loan' THEN 12 ELSE 6 END AS tmin,
         CASE ptype WHEN 'bill_loan' THEN 18 WHEN 'property_loan' THEN 60 ELSE 36 END AS tmax,
         round((0.06 + 0.12 * matching_sim.u(k, 102))::numeric, 4) AS r0,
         matching_sim.u(k, 103) < 0.5 AS ranged
  FROM p
)
SELECT format('P%s-%s', lpad(b::text, 3, '0'), j) AS product_id,
       format('Bank %s', lpad(b::text, 3, '0')) AS bank,
       ptype AS product_type,
       amin::numeric AS min_amount, amax::numeric AS max_amount, tmin AS min_term, tmax AS max_term,
       CASE WHEN ranged THEN NULL ELSE r0 END AS rate,
       CASE WHEN ranged THEN r0 END AS min_rate,
       CASE WHEN ranged THEN r0 + 0.06 END AS max_rate,
       jsonb_build_array(
         jsonb_build_object('name', 'age', 'dimension', 'applicant', 'reason', 'Owner must be of an age the bank lends to',
                            'column', 'owner_age', 'op', 'between',
                            'value', jsonb_build_array(20 + 3 * floor(matching_sim.u(k, 110) * 3), 55 + 5 * floor(matching_sim.u(k, 111) * 3))),
         jsonb_build_object('name', 'region', 'dimension', 'applicant', 'reason', 'The bank does not serve this region',
                            'column', 'region', 'op', 'in',
                            'value', (SELECT jsonb_agg(r ORDER BY r) FROM unnest('{north,south,east,west,central,northeast,southwest,coast}'::text[]) r
                                      WHERE matching_sim.u(k * 100 + ascii(r) + length(r), 112) < 0.85)),
         jsonb_build_object('name', 'tenure', 'dimension', 'applicant', 'reason', 'Business too young',
                            'column', 'years_in_business', 'op', '>=', 'value', (ARRAY[0, 0.5, 1])[1 + floor(matching_sim.u(k, 113) * 3)::int]),
         jsonb_build_object('name', 'industry', 'dimension', 'applicant', 'reason', 'Industry outside the bank''s appetite',
                            'column', 'industry', 'op', 'not in',
                            'value', jsonb_build_array(matching_sim.pick('{construction,transport,agriculture,food}', matching_sim.u(k, 114)))),
         jsonb_build_object('name', 'overdue', 'dimension', 'loan', 'reason', 'Recent overdue payments',
                            'column', 'overdue_days_12m', 'op', '<=', 'value', (ARRAY[15, 30, 60, 90])[1 + floor(matching_sim.u(k, 115) * 4)::int],
                            'if_null', CASE WHEN matching_sim.u(k, 116) < 0.5 THEN 'pass' ELSE 'fail' END),
         jsonb_build_object('name', 'debts', 'dimension', 'loan', 'reason', 'Too many existing loans',
                            'column', 'existing_loans', 'op', '<=', 'value', 3 + floor(matching_sim.u(k, 117) * 3)))
       || CASE ptype
            WHEN 'tax_loan' THEN jsonb_build_array(jsonb_build_object('name', 'tax', 'dimension', 'process',
                                 'reason', 'Tax records are required', 'column', 'has_tax_records', 'op', '=', 'value', true))
            WHEN 'bill_loan' THEN jsonb_build_array(jsonb_build_object('name', 'invoices', 'dimension', 'process',
                                 'reason', 'Invoices are required', 'column', 'has_invoices', 'op', '=', 'value', true))
            WHEN 'tobacco_loan' THEN jsonb_build_array(jsonb_build_object('name', 'licence', 'dimension', 'process',
                                 'reason', 'A tobacco licence is required', 'column', 'tobacco_licence', 'op', '=', 'value', true))
            WHEN 'property_loan' THEN jsonb_build_array(jsonb_build_object('name', 'property', 'dimension', 'process',
                                 'reason', 'Property is required as collateral', 'column', 'has_property', 'op', '=', 'value', true))
            ELSE jsonb_build_array(jsonb_build_object('name', 'documents', 'dimension', 'process',
                                 'reason', 'Tax records or invoices are required',
                                 'any', jsonb_build_array(
                                   jsonb_build_object('column', 'has_tax_records', 'op', '=', 'value', true),
                                   jsonb_build_object('column', 'has_invoices', 'op', '=', 'value', true))))
          END AS rules,
       NULL::loan_risk.scorecard AS approval_model
FROM t ORDER BY b, j;
ALTER TABLE matching_sim.products ADD PRIMARY KEY (product_id);

-- ---- Hidden behaviour: score = weights . (tenure, revenue, loans, overdue, age)
--      + the bank's view of two industries and one region; approved when
--      score + noise * logistic > cutoff, so the TRUE probability of approval
--      is 1 / (1 + exp(-(score - cutoff) / noise)) (matching_sim.true_approval).
--
-- Worlds (-v world=...):
--   monotone     approval rises with tenure and revenue, falls with existing
--                loans and overdue days; the owner's age peaks at 42
--   nonmonotone  the same banks, but tenure is U-shaped in risk (approval
--                peaks for businesses of about 5 years: start-ups and very
--                old businesses are both declined more), revenue helps only
--                up to about 150,000 (large revenues for a small-business
--                product are declined more), and one or two existing loans
--                beat none (a thin file); and the decisions are noisier
--                (noise 0.35): the issue's U-shaped world
--   noisy        the monotone banks with noisier decisions (noise 0.2): a
--                matcher that knew the true probabilities reaches about
--                0.96, as in the issue's independent simulation
CREATE TABLE matching_sim.world AS SELECT :'world'::text AS name;
DO $$ BEGIN
  IF (SELECT name FROM matching_sim.world) NOT IN ('monotone', 'nonmonotone', 'noisy') THEN
    RAISE EXCEPTION 'unknown world "%"', (SELECT name FROM matching_sim.world)
      USING HINT = 'Worlds: monotone, nonmonotone, noisy.';
  END IF;
END $$;
CREATE TABLE matching_sim.behaviour AS
SELECT product_id, k,
       0.2 + 2.3 * matching_sim.u(k, 201) AS w_years,
       0.2 + 2.3 * matching_sim.u(k, 202) AS w_revenue,
       0.1 + 0.9 * matching_sim.u(k, 203) AS w_loans,
       0.2 + 1.3 * matching_sim.u(k, 204) AS w_overdue,
       0.6 * matching_sim.u(k, 205) AS w_age,
       matching_sim.pick('{retail,food,manufacturing,services,wholesale,tech}', matching_sim.u(k, 206)) AS bad_industry,
       matching_sim.pick('{services,tech,manufacturing,tobacco,retail,wholesale}', matching_sim.u(k, 207)) AS good_industry,
       matching_sim.pick('{north,south,east,west,central,northeast,southwest,coast}', matching_sim.u(k, 208)) AS good_region,
       CASE (SELECT name FROM matching_sim.world) WHEN 'nonmonotone' THEN 0.35 WHEN 'noisy' THEN 0.2
            ELSE 0.12 END::float8 AS noise,
       (SELECT name FROM matching_sim.world) AS world,
       NULL::float8 AS cutoff
FROM (SELECT product_id, (substr(product_id, 2, 3)::int) * 10 + substr(product_id, 6)::int AS k
      FROM matching_sim.products) p;
ALTER TABLE matching_sim.behaviour ADD PRIMARY KEY (product_id);

CREATE FUNCTION matching_sim.hidden_score(b matching_sim.behaviour, years numeric, revenue numeric,
                                          loans integer, overdue integer, age integer, industry text,
                                          region text)
RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE b.world
           WHEN 'nonmonotone' THEN
             b.w_years * (1.2 - 1.6 * (ln(1 + years::float8) - 1.8) ^ 2)
             + b.w_revenue * (least(ln(revenue::float8), 12) - 11 - 1.5 * greatest(ln(revenue::float8) - 12, 0))
             - b.w_loans * abs(loans - 1.5)
           ELSE
             b.w_years * ln(1 + years::float8)
             + b.w_revenue * (ln(revenue::float8) - 11)
             - b.w_loans * loans
         END
       - b.w_overdue * coalesce(overdue, 20) / 30.0
       - b.w_age * abs(age - 42) / 10.0
       + CASE WHEN industry = b.bad_industry THEN -2 WHEN industry = b.good_industry THEN 1.5 ELSE 0 END
       + CASE WHEN region = b.good_region THEN 1 ELSE 0 END
$$;

-- ---- Past applicants, and which products each was eligible for.
CREATE TABLE matching_sim.applicants_hist AS SELECT * FROM matching_sim.make_applicants(1, :n_history);
ALTER TABLE matching_sim.applicants_hist ADD PRIMARY KEY (applicant_id);
CREATE TABLE matching_sim.applicants_new AS SELECT * FROM matching_sim.make_applicants(10000001, :n_new);
ALTER TABLE matching_sim.applicants_new ADD PRIMARY KEY (applicant_id);

-- eligible(applicants table): (applicant_id, product_id) pairs, by the plain-SQL rules
CREATE FUNCTION matching_sim.eligible(applicants regclass)
RETURNS TABLE (applicant_id bigint, product_id text) LANGUAGE plpgsql AS $$
DECLARE p record;
BEGIN
  FOR p IN SELECT * FROM matching_sim.products ORDER BY product_id LOOP
    RETURN QUERY EXECUTE format(
      'SELECT a.applicant_id, %L::text FROM %s a WHERE a.requested_amount BETWEEN %s AND %s
         AND a.requested_term BETWEEN %s AND %s AND %s',
      p.product_id, applicants, p.min_amount, p.max_amount, p.min_term, p.max_term,
      matching_sim.rules_sql(p.rules, 'a'));
  END LOOP;
END $$;

CREATE TABLE matching_sim.eligible_hist AS SELECT * FROM matching_sim.eligible('matching_sim.applicants_hist');
CREATE TABLE matching_sim.eligible_new AS SELECT * FROM matching_sim.eligible('matching_sim.applicants_new');

-- Cut-offs: the 70th percentile of the hidden score over eligible past applicants.
UPDATE matching_sim.behaviour b SET cutoff = q.c
FROM (SELECT e.product_id,
             percentile_cont(0.70) WITHIN GROUP (ORDER BY matching_sim.hidden_score(b2, a.years_in_business,
               a.annual_revenue, a.existing_loans, a.overdue_days_12m, a.owner_age, a.industry, a.region)) AS c
      FROM matching_sim.eligible_hist e
      JOIN matching_sim.applicants_hist a USING (applicant_id)
      JOIN matching_sim.behaviour b2 USING (product_id)
      GROUP BY e.product_id) q
WHERE q.product_id = b.product_id;

-- The simulated bank: its hidden score, its cut-off, and a little noise.
CREATE FUNCTION matching_sim.bank_decides(product text, applicant_id bigint, years numeric, revenue numeric,
                                          loans integer, overdue integer, age integer, industry text,
                                          region text)
RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT matching_sim.hidden_score(b, years, revenue, loans, overdue, age, industry, region)
         + b.noise * ln(x / (1 - x)) > b.cutoff
  FROM matching_sim.behaviour b,
       LATERAL (SELECT matching_sim.u(applicant_id * 1000 + b.k, 301) AS x) u
  WHERE b.product_id = product
$$;

-- The bank's true probability of approving the application.
CREATE FUNCTION matching_sim.true_approval(product text, years numeric, revenue numeric,
                                           loans integer, overdue integer, age integer, industry text,
                                           region text)
RETURNS float8 LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT 1 / (1 + exp(-least(700, greatest(-700,
           (matching_sim.hidden_score(b, years, revenue, loans, overdue, age, industry, region) - b.cutoff) / b.noise))))
  FROM matching_sim.behaviour b WHERE b.product_id = product
$$;

-- ---- History: each past applicant applied to 1-3 random products it was eligible for.
CREATE TABLE matching_sim.history AS
SELECT e.applicant_id, e.product_id,
       (NOT matching_sim.bank_decides(e.product_id, a.applicant_id, a.years_in_business, a.annual_revenue,
                                      a.existing_loans, a.overdue_days_12m, a.owner_age, a.industry,
                                      a.region))::int AS rejected
FROM (SELECT e.*, row_number() OVER (PARTITION BY applicant_id
                                     ORDER BY hashtext(e.product_id || applicant_id::text)) AS pick
      FROM matching_sim.eligible_hist e) e
JOIN matching_sim.applicants_hist a USING (applicant_id)
WHERE e.pick <= 1 + floor(matching_sim.u(e.applicant_id, 401) * 3);
CREATE INDEX ON matching_sim.history (product_id);
ANALYZE matching_sim.products, matching_sim.behaviour, matching_sim.applicants_hist,
        matching_sim.applicants_new, matching_sim.history;
