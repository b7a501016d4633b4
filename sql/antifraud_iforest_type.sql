-- The loan_risk.iforest type and anomaly_score: a hand-computed forest,
-- scikit-learn's scores of the same trees, NULL/NaN/Infinity handling, text
-- and binary round trips, and every validation error of the input function.
-- Objects of this file live in their own schema: tests share one database.
CREATE SCHEMA antifraud_iforest_type;
SET search_path = antifraud_iforest_type;
\getenv abs_builddir PG_ABS_BUILDDIR

-- A forest of two trees over one feature x, trained on 4 rows:
--   tree 0: x <= 5 -> leaf of 3 rows, else leaf of 1 row
--   tree 1: x <= 2 -> leaf of 1 row, else (x <= 8 -> leaf of 2 rows, else leaf of 1 row)
CREATE TABLE forests (id int PRIMARY KEY, model loan_risk.iforest);
INSERT INTO forests VALUES (1, '{
  "format": "loan_risk.iforest/1", "name": "tiny", "features": ["x"], "sample_size": 4,
  "trees": [
    {"nodes": [{"feature": 0, "threshold": 5, "left": 1, "right": 2, "size": 4},
               {"size": 3}, {"size": 1}]},
    {"nodes": [{"feature": 0, "threshold": 2, "left": 1, "right": 2, "size": 4},
               {"size": 1},
               {"feature": 0, "threshold": 8, "left": 3, "right": 4, "size": 3},
               {"size": 2}, {"size": 1}]}]}');
SELECT model FROM forests;

-- By hand: c(n) = 2 (ln(n - 1) + 0.5772156649015329) - 2 (n - 1) / n, c(2) = 1, c(1) = 0;
-- h(x) = depth of the leaf + c(leaf size); score = 2^(-mean h / c(4)).
CREATE FUNCTION c(n float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN n <= 1 THEN 0 WHEN n = 2 THEN 1
               ELSE 2 * (ln(n - 1) + 0.5772156649015329) - 2 * (n - 1) / n END $$;
CREATE TABLE points (x float8, h0 float8, h1 float8);
INSERT INTO points VALUES
  (1,    1 + c(3), 1 + c(1)),          -- left in both trees
  (3,    1 + c(3), 2 + c(2)),
  (5,    1 + c(3), 2 + c(2)),          -- a value equal to the threshold goes left
  (6,    1 + c(1), 2 + c(2)),
  (9,    1 + c(1), 2 + c(1)),
  ('Infinity', 1 + c(1), 2 + c(1)),
  ('-Infinity', 1 + c(3), 1 + c(1)),
  -- NULL and NaN follow both branches, weighted by the training fractions
  (NULL, 0.75 * (1 + c(3)) + 0.25 * (1 + c(1)),
         0.25 * (1 + c(1)) + 0.75 * ((2.0 / 3) * (2 + c(2)) + (1.0 / 3) * (2 + c(1)))),
  ('NaN', 0.75 * (1 + c(3)) + 0.25 * (1 + c(1)),
          0.25 * (1 + c(1)) + 0.75 * ((2.0 / 3) * (2 + c(2)) + (1.0 / 3) * (2 + c(1))));
SELECT p.x,
       round(loan_risk.anomaly_score(f.model, p)::numeric, 6) AS score,
       abs(loan_risk.anomaly_score(f.model, p) - 2 ^ (-((h0 + h1) / 2) / c(4))) < 1e-15 AS matches_hand,
       abs(loan_risk.anomaly_path_length(f.model, p) - (h0 + h1) / 2) < 1e-15 AS path_matches
FROM points p, forests f WHERE f.id = 1 ORDER BY p.x NULLS LAST;

-- A forest deeper than the dense form (ten levels) is walked node by node: a chain of 12
-- splits x <= k (k = 0..11), each with a leaf of one row on the left, over 13 rows.
-- By hand: x = 100 ends at depth 12, x = 5.5 at depth 7, x = 0 at depth 1; a NULL reaches
-- each of the 13 leaves with probability 1/13: E(h) = (1 + 2 + ... + 12 + 12) / 13 = 90 / 13.
INSERT INTO forests
SELECT 4, ('{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 13, "trees": [{"nodes": ['
           || string_agg(format('{"feature": 0, "threshold": %s, "left": %s, "right": %s, "size": %s}, {"size": 1}',
                                k, 2 * k + 1, 2 * k + 2, 13 - k), ', ' ORDER BY k)
           || ', {"size": 1}]}]}')::loan_risk.iforest
FROM generate_series(0, 11) k;
SELECT p.x, loan_risk.anomaly_path_length(f.model, p) AS path_length,
       abs(loan_risk.anomaly_score(f.model, p) - 2 ^ (-h / c(13))) < 1e-15 AS matches_hand
FROM (VALUES (100::float8, 12::float8), (5.5, 7), (0, 1), (NULL, 90.0 / 13)) p(x, h), forests f
WHERE f.id = 4 ORDER BY p.x NULLS LAST;

-- Columns are found by name, in any order and among others; numeric, integer and real columns read as numbers.
SELECT round(loan_risk.anomaly_score(model, r)::numeric, 6) AS score
FROM forests, (SELECT 'a'::text AS label, 6::numeric AS x, 7 AS other) r WHERE id = 1;
SELECT round(loan_risk.anomaly_score(model, r)::numeric, 6) AS score
FROM forests, (SELECT 6::int AS x) r WHERE id = 1;
SELECT round(loan_risk.anomaly_score(model, r)::numeric, 6) AS score
FROM forests, (SELECT 6::real AS x) r WHERE id = 1;
-- numeric beyond the range of double precision reads as +-Infinity
SELECT loan_risk.anomaly_score(model, r) = loan_risk.anomaly_score(model, (SELECT r2 FROM (SELECT 'Infinity'::float8 AS x) r2)) AS huge_is_infinity
FROM forests, (SELECT 1e400::numeric AS x) r WHERE id = 1;

-- A missing or mistyped column is an error naming it; a NULL model or row gives NULL.
SELECT loan_risk.anomaly_score(model, r) FROM forests, (SELECT 1 AS y) r WHERE id = 1;
SELECT loan_risk.anomaly_score(model, r) FROM forests, (SELECT 'a'::text AS x) r WHERE id = 1;
SELECT loan_risk.anomaly_score(NULL::loan_risk.iforest, r) IS NULL AS null_model FROM (SELECT 1 AS x) r;
SELECT loan_risk.anomaly_score(model, NULL::record) IS NULL AS null_row FROM forests WHERE id = 1;

-- A table of models: each row is scored with its own model (the cache follows the value).
INSERT INTO forests VALUES (2, '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2,
  "trees": [{"nodes": [{"feature": 0, "threshold": 0, "left": 1, "right": 2, "size": 2}, {"size": 1}, {"size": 1}]}]}');
SELECT f.id, round(loan_risk.anomaly_score(f.model, p)::numeric, 6) AS score
FROM forests f, (SELECT 1::float8 AS x) p ORDER BY f.id;

-- scikit-learn reference: a forest fitted by scikit-learn 1.2.1 (IsolationForest(n_estimators=10,
-- max_samples=64, random_state=7)), exported tree by tree by data/antifraud/sklearn_reference.py,
-- with -score_samples() of 600 points.  The same trees give the same scores.
CREATE TABLE sk_text (j text);
\copy sk_text FROM 'data/antifraud/sklearn_iforest.json'
INSERT INTO forests SELECT 3, j::loan_risk.iforest FROM sk_text;
CREATE TABLE sk_points (id int, f1 float8, f2 float8, f3 float8, sk_score float8);
\copy sk_points FROM 'data/antifraud/sklearn_points.csv' WITH (FORMAT csv)
SELECT count(*) AS points,
       max(abs(loan_risk.anomaly_score(f.model, p) - p.sk_score)) < 1e-12 AS matches_sklearn,
       round(min(p.sk_score)::numeric, 4) AS min_score, round(max(p.sk_score)::numeric, 4) AS max_score
FROM sk_points p, forests f WHERE f.id = 3;
SELECT (model::jsonb)->>'description' AS description, jsonb_array_length((model::jsonb)->'trees') AS trees
FROM forests WHERE id = 3;

-- Text round trip; canonical text (key order, shortest numbers) whatever the input's spacing and order.
SELECT id, model::text::loan_risk.iforest::text = model::text AS text_round_trip FROM forests ORDER BY id;
SELECT '{"trees": [{"nodes": [{"size": 2, "right": 2, "left": 1, "threshold": 0.10000000000000001, "feature": 0},
                              {"size": 1}, {"size": 1}]}],
         "sample_size": 2, "features": ["x"], "format": "loan_risk.iforest/1",
         "metadata": {"b": 1, "a": [true, null]}, "training": {"seed": 1}, "description": "d"}'::loan_risk.iforest;

-- jsonb casts both ways.
SELECT (model::jsonb)->'features' AS features FROM forests WHERE id = 1;
SELECT ((model::jsonb) || '{"name": "renamed"}')::loan_risk.iforest::jsonb->>'name' AS renamed FROM forests WHERE id = 1;

-- Binary round trip through send and receive (COPY BINARY uses both).
\set binfile :abs_builddir '/results/antifraud_iforest_type.bin'
COPY forests TO :'binfile' WITH (FORMAT binary);
CREATE TABLE forests2 (LIKE forests);
COPY forests2 FROM :'binfile' WITH (FORMAT binary);
SELECT f.id, f.model::text = f2.model::text AS binary_round_trip
FROM forests f JOIN forests2 f2 USING (id) ORDER BY f.id;

-- Malformed models: every check of the input function, each naming its JSON path.
SELECT ''::loan_risk.iforest;
SELECT '[1]'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": [], "x": 1}'::loan_risk.iforest;
SELECT '{"features": ["x"], "sample_size": 2, "trees": []}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/2", "features": ["x"], "sample_size": 2, "trees": []}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "sample_size": 2, "trees": []}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": [], "sample_size": 2, "trees": []}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x", 1], "sample_size": 2, "trees": []}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x", ""], "sample_size": 2, "trees": []}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x", "x"], "sample_size": 2, "trees": []}'::loan_risk.iforest;
SELECT ('{"format": "loan_risk.iforest/1", "features": ["' || repeat('x', 64) || '"], "sample_size": 2, "trees": []}')::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "trees": []}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 1, "trees": []}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2.5, "trees": []}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": []}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": {}}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": [{"nodes": [{"size": 2}], "w": 1}]}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": [{}]}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": [{"nodes": []}]}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": [{"nodes": [{"size": 2}, {"size": 1}, {"size": 1}, {"size": 1}]}]}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": [{"nodes": [{"size": 1}]}]}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": [{"nodes": [{"size": 3}]}]}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": [{"nodes": [{"size": 0}]}]}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": [{"nodes": [{}]}]}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": [{"nodes": [{"size": 2, "left": 1}]}]}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": [{"nodes": [{"size": 2, "colour": 1}]}]}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": [{"nodes": [{"size": 2, "feature": 1, "threshold": 0, "left": 1, "right": 2}, {"size": 1}, {"size": 1}]}]}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": [{"nodes": [{"size": 2, "feature": 0, "left": 1, "right": 2}, {"size": 1}, {"size": 1}]}]}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": [{"nodes": [{"size": 2, "feature": 0, "threshold": "0", "left": 1, "right": 2}, {"size": 1}, {"size": 1}]}]}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": [{"nodes": [{"size": 2, "feature": 0, "threshold": 0, "left": 1, "right": 3}, {"size": 1}, {"size": 1}]}]}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": [{"nodes": [{"size": 2, "feature": 0, "threshold": 0, "left": 0, "right": 2}, {"size": 1}, {"size": 1}]}]}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": [{"nodes": [{"size": 2, "feature": 0, "threshold": 0, "left": 1, "right": 1}, {"size": 1}, {"size": 1}]}]}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 3, "trees": [{"nodes": [{"size": 3, "feature": 0, "threshold": 0, "left": 1, "right": 2}, {"size": 1}, {"size": 2, "feature": 0, "threshold": 1, "left": 1, "right": 3}, {"size": 1}, {"size": 1}]}]}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 3, "trees": [{"nodes": [{"size": 3, "feature": 0, "threshold": 0, "left": 1, "right": 3}, {"size": 1}, {"size": 1}, {"size": 2}]}]}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 3, "trees": [{"nodes": [{"size": 3, "feature": 0, "threshold": 0, "left": 1, "right": 2}, {"size": 1}, {"size": 1}]}]}'::loan_risk.iforest;
-- Cycles cannot be written: a child must come after its parent.
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 3, "trees": [{"nodes": [{"size": 3, "feature": 0, "threshold": 0, "left": 1, "right": 2}, {"size": 1}, {"size": 2, "feature": 0, "threshold": 1, "left": 3, "right": 2}, {"size": 1}]}]}'::loan_risk.iforest;
-- Depth limit: a chain of 65 splits.
SELECT ('{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 66, "trees": [{"nodes": ['
        || string_agg(format('{"size": %s, "feature": 0, "threshold": %s, "left": %s, "right": %s}, {"size": 1}',
                             66 - i, i, 2 * i + 2, 2 * i + 1), ', ' ORDER BY i)
        || ', {"size": 1}]}]}')::loan_risk.iforest
FROM generate_series(0, 64) i;
-- Strict JSON: duplicate keys, non-finite numbers.
SELECT '{"format": "loan_risk.iforest/1", "format": "loan_risk.iforest/1"}'::loan_risk.iforest;
SELECT '{"format": "loan_risk.iforest/1", "features": ["x"], "sample_size": 2, "trees": [{"nodes": [{"size": 2, "feature": 0, "threshold": 1e999, "left": 1, "right": 2}, {"size": 1}, {"size": 1}]}]}'::loan_risk.iforest;
