-- bench/credit/setup.sql: data and the plain SQL / PL/pgSQL peers for bench/credit/run.sh.
-- :n loans, deterministic (hashint4); the same policies as the C functions get.
DROP TABLE IF EXISTS loans, flows;
CREATE TABLE loans AS
SELECT i AS id,
       ((hashint4(i) & 2147483647) % 15000) / 100000.0::float8 AS pd,
       ((hashint4(i * 3) & 2147483647) % 1001) / 1000.0::float8 AS lgd,
       round(((hashint4(i * 5) & 2147483647) % 10000000) / 100.0, 2) AS revenue,
       round(((hashint4(i * 7) & 2147483647) % 500000) / 100.0, 2) AS debt,
       1 + (hashint4(i * 11) & 2147483647) % 36 AS term,
       round(1000 + ((hashint4(i * 13) & 2147483647) % 5000000) / 100.0, 2) AS principal,
       (1 + (hashint4(i * 17) & 2147483647) % 40000) / 100000.0 AS rate,
       '2021-01-01'::date + (hashint4(i * 19) & 1023) AS start
FROM generate_series(1, :n) i;
-- Dated cash flows of every loan: disbursement, a 1% fee, flat-rate installments.
CREATE TABLE flows AS
SELECT id, -principal AS amount, start AS paid_on FROM loans
UNION ALL SELECT id, round(principal * 0.01, 2), start FROM loans
UNION ALL
SELECT id, CASE WHEN k < term THEN round(principal / term, 2) + round(round(principal * rate * term / 12, 2) / term, 2)
                ELSE principal - (term - 1) * round(principal / term, 2)
                     + round(principal * rate * term / 12, 2) - (term - 1) * round(round(principal * rate * term / 12, 2) / term, 2) END,
       (start + make_interval(months => k))::date
FROM loans, generate_series(1, term) k;
ALTER TABLE loans SET (parallel_workers = 2);
ALTER TABLE flows SET (parallel_workers = 2);
VACUUM ANALYZE loans;
VACUUM ANALYZE flows;

DROP TABLE IF EXISTS policy;
CREATE TABLE policy AS SELECT
 '{"bands": [{"max_pd": 0.02, "revenue_multiple": 3}, {"max_pd": 0.05, "revenue_multiple": 2},
             {"max_pd": 0.10, "revenue_multiple": 1}],
   "debt_service": {"max_share": 0.3, "annual_rate": 0.24, "term_months": 12},
   "min_limit": 1000, "max_limit": 100000, "rounding_step": 500}'::jsonb AS limit_policy,
 '{"cost_of_funds": 0.05, "acquisition_cost": 0.012, "credit_data_cost": 0.003, "operating_cost": 0.03,
   "management_cost": 0.01, "target_margin": 0.04, "apr_cap": 0.36, "pd_horizon_months": 12}'::jsonb AS price_policy;

-- Peer 1: the limit policy as plain SQL (constants written into the query, as banks do).
CREATE OR REPLACE FUNCTION sql_limit(pd float8, rev numeric, debt numeric) RETURNS numeric AS $$
  SELECT CASE WHEN l < 1000 THEN 0 ELSE l END
  FROM (SELECT floor(least(floor(rev * m * 100) / 100,
                          greatest(floor((0.3 * rev - debt) * ((1 - power(1.02::numeric, -12)) / 0.02) * 100) / 100, 0),
                          100000) / 500) * 500 AS l
        FROM (SELECT CASE WHEN pd <= 0.02 THEN 3 WHEN pd <= 0.05 THEN 2 WHEN pd <= 0.10 THEN 1 ELSE 0 END AS m) b) x
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;
-- Peer 2: the same in PL/pgSQL, reading the jsonb policy like the C function does.
CREATE OR REPLACE FUNCTION plpgsql_limit(pd float8, rev numeric, debt numeric, policy jsonb) RETURNS numeric AS $$
DECLARE
  band jsonb; mult numeric; ds jsonb; i numeric; af numeric; cap numeric; l numeric;
BEGIN
  FOR band IN SELECT * FROM jsonb_array_elements(policy->'bands') LOOP
    IF pd <= (band->>'max_pd')::float8 THEN mult := (band->>'revenue_multiple')::numeric; EXIT; END IF;
  END LOOP;
  IF mult IS NULL THEN RETURN 0; END IF;
  cap := floor(rev * mult * 100) / 100;
  ds := policy->'debt_service';
  i := (ds->>'annual_rate')::numeric / 12;
  af := (1 - power(1 + i, -(ds->>'term_months')::int)) / i;
  cap := least(cap, greatest(floor(((ds->>'max_share')::numeric * rev - debt) * af * 100) / 100, 0),
               (policy->>'max_limit')::numeric);
  l := floor(cap / (policy->>'rounding_step')::numeric) * (policy->>'rounding_step')::numeric;
  RETURN CASE WHEN l < (policy->>'min_limit')::numeric THEN 0 ELSE l END;
END $$ LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE;

-- Pricing peer: plain SQL.
CREATE OR REPLACE FUNCTION sql_price(pd float8, lgd float8, term int) RETURNS numeric AS $$
  SELECT CASE WHEN c > 0.36 THEN NULL ELSE least(ceil((c + 0.04) / 0.0001) * 0.0001, 0.36) END
  FROM (SELECT 0.05 + round(0.012 * 12 / term, 10) + round(0.003 * 12 / term, 10)
               + round(pd::numeric * lgd::numeric, 10) + 0.03 + 0.01 AS c) x
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

-- APR peer: PL/pgSQL periodic IRR of a flat-rate schedule by Newton's method
-- (float8), the way a hand-written implementation would do it.
CREATE OR REPLACE FUNCTION plpgsql_flat_apr(p numeric, r numeric, n int) RETURNS float8 AS $$
DECLARE
  total numeric := round(p * r * n / 12, 2);
  pay float8 := round(p / n, 2) + round(total / n, 2);
  last float8 := p - (n - 1) * round(p / n, 2) + total - (n - 1) * round(total / n, 2);
  j float8 := 0.01; f float8; d float8; v float8; k int; it int;
BEGIN
  FOR it IN 1..50 LOOP
    f := -p; d := 0; v := 1;
    FOR k IN 1..n LOOP
      v := v / (1 + j);
      f := f + CASE WHEN k = n THEN last ELSE pay END * v;
      d := d - k * CASE WHEN k = n THEN last ELSE pay END * v / (1 + j);
    END LOOP;
    EXIT WHEN abs(f / d) < 1e-13;
    j := j - f / d;
  END LOOP;
  RETURN j * 12;
END $$ LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE;

-- XIRR peer: PL/pgSQL Newton on (amounts, days) arrays of one loan.
CREATE OR REPLACE FUNCTION plpgsql_xirr(a numeric[], d date[]) RETURNS float8 AS $$
DECLARE
  r float8 := 0.1; f float8; g float8; t float8; d0 date; k int; it int;
BEGIN
  SELECT min(x) INTO d0 FROM unnest(d) x;
  FOR it IN 1..100 LOOP
    f := 0; g := 0;
    FOR k IN 1..array_length(a, 1) LOOP
      t := (d[k] - d0) / 365.0;
      f := f + a[k] * power(1 + r, -t);
      g := g - t * a[k] * power(1 + r, -t - 1);
    END LOOP;
    EXIT WHEN abs(f / g) < 1e-13;
    r := r - f / g;
  END LOOP;
  RETURN r;
END $$ LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE;
