-- Numeric columns are scored exactly as the float8 value numeric::float8
-- (the double nearest the decimal, ties to even): the fast conversion of
-- numeric's stored digits (src/common/lr_numeric.c) and the conversion
-- through the decimal text must agree on every value, including those
-- exactly at, just below and just above a bin edge, the midpoints between
-- an edge and its neighbouring doubles (ties), many digits, NaN, +/-Infinity
-- and values beyond double's range.

-- Edges: 0.1 (not a double: its nearest one is 0.1000000000000000055511...),
-- 12.5, 10^15, 2^53 and 10^22 (the largest power of ten that is exact).
CREATE TABLE cards (card loan_risk.scorecard);
INSERT INTO cards VALUES ('{
  "format": "loan_risk.scorecard/1", "name": "edges",
  "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50},
  "base_points": 0,
  "features": [
    {"name": "x", "type": "numeric", "reason": "x",
     "bins": [{"upper": 0.1, "points": 1}, {"upper": 12.5, "points": 2},
              {"upper": 1e15, "points": 3}, {"upper": 9007199254740992, "points": 4},
              {"upper": 1e22, "points": 5}, {"upper": null, "points": 6}],
     "missing": {"points": 100}}]}');

CREATE TABLE v (id serial, x numeric);
INSERT INTO v (x) VALUES
  (NULL), ('NaN'), ('Infinity'), ('-Infinity'), (1e400), (-1e400), (1e-400), (0), (-0.0),
  -- 0.1: the decimal, the double's exact value, the midpoints to its neighbours (ties), and around them
  (0.1), (0.1000000000000000055511151231257827021181583404541015625),
  (0.099999999999999998612221219218554324470460414886474609375),
  (0.099999999999999998612221219218554324470460414886474609374),
  (0.099999999999999998612221219218554324470460414886474609376),
  (0.100000000000000012490009027033011079765856266021728515625),
  (0.100000000000000012490009027033011079765856266021728515624),
  (0.100000000000000012490009027033011079765856266021728515626),
  (0.09999999999999999), (0.1000000000000001),
  -- 12.5: exact in binary; midpoints below and above
  (12.5), (12.50), (12.5000000000000000000000000000001), (12.4999999999999999999999999999999),
  (12.49999999999999911182158029987476766109466552734375),
  (12.49999999999999911182158029987476766109466552734374),
  (12.49999999999999911182158029987476766109466552734376),
  (12.50000000000000088817841970012523233890533447265625),
  (12.4999999999999991), (12.4999999999999992), (12.49), (12.51), (-12.5),
  -- 10^15 and 2^53: integers where doubles are 0.125 and then 2 apart
  (1e15), (999999999999999.9375), (999999999999999.9374), (999999999999999.9376),
  (1000000000000000.0625), (999999999999999.99), (1000000000000000.01),
  (9007199254740991), (9007199254740992), (9007199254740993), (9007199254740994),
  (9007199254740995), (9007199254740991.5), (9007199254740992.5), (9007199254740992.0001),
  -- 10^22 and beyond the fast path's powers of ten
  (1e22), (9999999999999998951424), (9999999999999998951425), (10000000000000001048576),
  (10000000000000001048577), (1e23), (123456789012345678), (1.7976931348623157e308),
  (1.7976931348623158e308), (1.7976931348623159e308), (4.9e-324), (2.4703282292062328e-324),
  -- many digits and money-like values
  (0.0001), (-0.0001), (12345678.90), (99999999.99), (3.14159265358979323846264338327950288);

-- Each value scores like its float8 (the float8 cast errors beyond range, where
-- the scoring conversion gives +/-Infinity or 0 as numeric_float8_no_overflow does).
CREATE FUNCTION as_f8(n numeric) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN n = 'NaN' THEN 'NaN'::float8
              WHEN n >= 1.7976931348623158080e308 THEN 'Infinity'::float8
              WHEN n <= -1.7976931348623158080e308 THEN '-Infinity'::float8
              WHEN abs(n) < 2.4703282292062328e-324 THEN 0::float8
              ELSE n::float8 END $$;
SELECT v.id, CASE WHEN length(v.x::text) <= 60 THEN v.x::text
                  ELSE left(v.x::text, 20) || '... (' || length(v.x::text) || ' characters)' END AS x,
       loan_risk.score(c.card, r_num) AS numeric_score,
       loan_risk.score(c.card, r_num) IS NOT DISTINCT FROM loan_risk.score(c.card, r_f8) AS same_score,
       loan_risk.pd(c.card, r_num) IS NOT DISTINCT FROM loan_risk.pd(c.card, r_f8) AS same_pd,
       loan_risk.reasons(c.card, r_num, 1) IS NOT DISTINCT FROM loan_risk.reasons(c.card, r_f8, 1) AS same_reasons
FROM v, cards c,
     LATERAL (SELECT v.x) r_num,
     LATERAL (SELECT as_f8(v.x) AS x) r_f8
ORDER BY v.id;

-- 200,000 generated values with 1 to 30 significant digits and scales from
-- -25 to 25, around every edge: each scores like its float8.
CREATE TABLE g AS
SELECT i, round(e * (1 + d), s)::numeric AS x
FROM generate_series(1, 200000) i,
     LATERAL (SELECT (ARRAY[0.1, 12.5, 1e15, 9007199254740992, 1e22, 1])[1 + abs(hashint4(i)) % 6]::numeric AS e,
                     ((abs(hashint4(i * 7 + 1)) % 2000001) - 1000000)::numeric
                       * power(10::numeric, -(abs(hashint4(i * 7 + 2)) % 20) - 6) AS d,
                     (abs(hashint4(i * 7 + 3)) % 51) - 25 AS s) p;
SELECT count(*) AS values_compared,
       count(*) FILTER (WHERE loan_risk.score(c.card, r_num) IS DISTINCT FROM loan_risk.score(c.card, r_f8)) AS score_differs,
       count(DISTINCT loan_risk.score(c.card, r_num)) AS bins_reached
FROM g, cards c, LATERAL (SELECT g.x) r_num, LATERAL (SELECT g.x::float8 AS x) r_f8;
-- The same through a table's own column types (the row binder's path).
CREATE TABLE t_num AS SELECT i, x FROM g;
CREATE TABLE t_f8 AS SELECT i, x::float8 AS x FROM g;
SELECT count(*) FILTER (WHERE loan_risk.score(c.card, a) IS DISTINCT FROM loan_risk.score(c.card, b)) AS score_differs
FROM t_num a JOIN t_f8 b USING (i), cards c;
