-- Deterministic generator of data/training/glm_cases.csv, the shared input of
-- the logistic_fit tests (sql/training_logistic.sql) and of the reference
-- values computed by data/training/statsmodels_reference.py.
--
--   psql -X -q -f data/training/gen_glm_cases.sql > data/training/glm_cases.csv
--
-- A hidden logistic truth: logit P(y = 1) = -1 + 0.8 x1 - 0.5 x2 + 0.3 x3
-- (+ the offset column where a test uses it); w is a frequency weight 1..3.
COPY (
WITH u AS (
  SELECT i,
         (hashint4(i * 13 + 1) & 2147483647) / 2147483647.0 AS u1,
         (hashint4(i * 13 + 2) & 2147483647) / 2147483647.0 AS u2,
         (hashint4(i * 13 + 3) & 2147483647) / 2147483647.0 AS u3,
         (hashint4(i * 13 + 4) & 2147483647) / 2147483647.0 AS u4,
         (hashint4(i * 13 + 5) & 2147483647) / 2147483647.0 AS u5
  FROM generate_series(1, 3000) i),
x AS (
  SELECT i,
         round((sqrt(-2 * ln(greatest(u1, 1e-12))) * cos(2 * pi() * u2))::numeric, 4)::float8 AS x1,
         round((u3 * 4)::numeric, 3)::float8 AS x2,
         (floor(u4 * 5))::int AS x3,
         1 + i % 3 AS w,
         round(((i % 7) - 3) / 10.0, 1)::float8 AS off,
         u5
  FROM u)
SELECT i AS id, x1, x2, x3, w, off,
       (u5 < 1 / (1 + exp(-(-1 + 0.8 * x1 - 0.5 * x2 + 0.3 * x3 + off))))::int AS y
FROM x ORDER BY i
) TO STDOUT WITH (FORMAT csv, HEADER);
