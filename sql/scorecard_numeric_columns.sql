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
-- the scoring conversion gives +/-Infinity or 0 as numeric_float8_no_overflow does:
-- from the midpoint between the largest double and 2^1024 on, and up to half
-- the smallest subnormal, 2^-1075).
CREATE FUNCTION as_f8(n numeric) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN n = 'NaN' THEN 'NaN'::float8
              WHEN n >= 2::numeric ^ 1024 - 2::numeric ^ 970 THEN 'Infinity'::float8
              WHEN n <= -(2::numeric ^ 1024 - 2::numeric ^ 970) THEN '-Infinity'::float8
              WHEN abs(n) <= 5::numeric ^ 1075 * 1e-1075 THEN 0::float8
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

-- Values the fast path does not take (more than 16 significant digits, or a
-- power of ten beyond 10^22) are converted exactly from the stored digits,
-- without text, and must equal numeric_out's text read by float8in (x::float8
-- in PostgreSQL 15): 1000 digits, huge and tiny weights, the midpoints of
-- 12.5 and of the largest double followed by hundreds of digits, subnormals,
-- zero, and a column of negative scale.  score_detail shows the double each
-- value was scored as.
CREATE TABLE w (id serial, x numeric);
INSERT INTO w (x) VALUES
  (0), (-0.000), (0.0000000000000000000000000000001), (-1e-30),
  (('12.' || repeat('4', 998))::numeric), (('12.' || repeat('9', 998))::numeric),
  (('12.4' || repeat('9', 997))::numeric), (('-12.4' || repeat('9', 997))::numeric),
  (('12.49999999999999911182158029987476766109466552734375' || repeat('0', 940) || '1')::numeric),
  (('12.49999999999999911182158029987476766109466552734374' || repeat('9', 940))::numeric),
  (('0.09999999999999999861222121921855432447046041488647460937' || repeat('4', 900))::numeric),
  (('0.09999999999999999861222121921855432447046041488647460937' || repeat('5', 900))::numeric),
  (('1' || repeat('0', 300))::numeric), (('9' || repeat('8', 307))::numeric),
  (('0.' || repeat('0', 300) || '123456789012345678901234567890')::numeric),
  (1e-310), (4.9406564584124654e-324), (2.4703282292062328e-324), (2.4703282292062327e-324),
  (5::numeric ^ 1075 * 1e-1075), (5::numeric ^ 1075 * 1e-1075 + 1e-1200), (-(5::numeric ^ 1075 * 1e-1075 + 1e-1200)),
  (1.7976931348623157e308),
  (179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791),
  (179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792),
  ((repeat('9', 500) || '.' || repeat('9', 500))::numeric), (-1e1000), (1e-1000),
  ('NaN'), ('Infinity'), ('-Infinity');
SELECT w.id, left(w.x::text, 24) || CASE WHEN length(w.x::text) > 24 THEN '... (' || length(w.x::text) || ' characters)' ELSE '' END AS x,
       d.value AS scored_as,
       d.value::float8 IS NOT DISTINCT FROM as_f8(w.x) AS same_as_float8_cast,
       loan_risk.score(c.card, r_num) IS NOT DISTINCT FROM loan_risk.score(c.card, r_f8) AS same_score
FROM w, cards c,
     LATERAL (SELECT w.x) r_num,
     LATERAL (SELECT as_f8(w.x) AS x) r_f8,
     LATERAL loan_risk.score_detail(c.card, r_num) d
ORDER BY w.id;
-- The sign of a zero: tiny negatives become -0 as with float8in.
SELECT d.value FROM loan_risk.score_detail((SELECT card FROM cards), (SELECT r FROM (SELECT -1e-400::numeric AS x) r)) d;

-- A column of negative scale (values rounded to thousands) and one of 30 digits, through a table.
CREATE TABLE ns (i int, x numeric(20, -3), y numeric(40, 30));
INSERT INTO ns SELECT i, (hashint4(i) % 100000000)::numeric * 1000.5, hashint4(i)::numeric / 7 / 1e20 + 12.5
FROM generate_series(1, 20000) i;
SELECT count(*) FILTER (WHERE loan_risk.score(c.card, r_x) IS DISTINCT FROM loan_risk.score(c.card, f_x)) AS x_differs,
       count(*) FILTER (WHERE loan_risk.score(c.card, r_y) IS DISTINCT FROM loan_risk.score(c.card, f_y)) AS y_differs,
       count(*) FILTER (WHERE (SELECT d.value::float8 FROM loan_risk.score_detail(c.card, r_y) d) <> ns.y::float8) AS y_value_differs,
       count(DISTINCT loan_risk.score(c.card, r_y)) AS y_bins
FROM ns, cards c,
     LATERAL (SELECT ns.x) r_x, LATERAL (SELECT ns.x::float8 AS x) f_x,
     LATERAL (SELECT ns.y AS x) r_y, LATERAL (SELECT ns.y::float8 AS x) f_y;
