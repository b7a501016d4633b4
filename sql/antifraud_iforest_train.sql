-- loan_risk.iforest_train: training in the database on generated applications
-- with planted anomalies; determinism (seed, row order, parallel plans,
-- partial/merge, threads); NULL handling; options and state errors.  The
-- features' values come as a float8[] beside their names (concrete argument
-- types, which Citus can split into partial aggregates on its workers).
-- Objects of this file live in their own schema: tests share one database.
CREATE SCHEMA antifraud_iforest_train;
SET search_path = antifraud_iforest_train;

-- 20000 applications; every 100th is planted: a younger account, a little
-- more asked and more applications in the day, from the same ranges otherwise.
CREATE TABLE apps AS
WITH u AS (
  SELECT i,
         (hashint4(4 * i) & 65535) / 65536.0 AS u1, (hashint4(4 * i + 1) & 65535) / 65536.0 AS u2,
         (hashint4(4 * i + 2) & 65535) / 65536.0 AS u3, (hashint4(4 * i + 3) & 65535) / 65536.0 AS u4
  FROM generate_series(1, 20000) i)
SELECT i AS id, i % 100 = 0 AS planted,
       CASE WHEN i % 100 = 0 THEN round((2600 + 1500 * (u1 + u2 - 1))::numeric, 2)
            ELSE round((2000 + 1500 * (u1 + u2 - 1))::numeric, 2) END AS amount,
       CASE WHEN i % 100 = 0 THEN 1 + floor(300 * u3)::int
            ELSE 200 + floor(1500 * u3 * u2)::int END AS account_age_days,
       CASE WHEN i % 100 = 0 THEN floor(5 * u4)::int
            ELSE floor(3 * u4 * u4)::int END AS apps_1d,
       (500 + 300 * (u2 + u4 - 1))::float8 AS income
FROM u;

CREATE TABLE models (name text PRIMARY KEY, model loan_risk.iforest);
INSERT INTO models
SELECT 'seed42', loan_risk.iforest_train(id, ARRAY[amount, account_age_days, apps_1d, income]::float8[], ARRAY['amount', 'account_age_days', 'apps_1d', 'income'], '{"seed": 42, "name": "apps"}')
FROM apps a;
SELECT (model::jsonb) - 'trees' AS model_without_trees,
       jsonb_array_length((model::jsonb)->'trees') AS trees,
       (SELECT max(jsonb_array_length(t->'nodes')) <= 511 FROM jsonb_array_elements((model::jsonb)->'trees') t) AS nodes_bounded
FROM models;

-- AUC of the score against the planted labels (Mann-Whitney, average ranks for ties, in plain SQL).
-- scikit-learn 1.2.1 IsolationForest(n_estimators=100, max_samples=256) on the same rows gives
-- 0.901, 0.886 and 0.890 for random_state 0, 1 and 2.
CREATE FUNCTION auc_of(m loan_risk.iforest) RETURNS float8 LANGUAGE sql AS $$
  WITH s AS (SELECT planted, loan_risk.anomaly_score(m, a) AS sc FROM apps a),
       r AS (SELECT planted, rank() OVER (ORDER BY sc) + (count(*) OVER (PARTITION BY sc) - 1) / 2.0 AS rk FROM s)
  SELECT ((sum(rk) FILTER (WHERE planted) - count(*) FILTER (WHERE planted) * (count(*) FILTER (WHERE planted) + 1) / 2.0)
          / (count(*) FILTER (WHERE planted) * count(*) FILTER (WHERE NOT planted)))::float8 FROM r $$;
SELECT round(auc_of(model)::numeric, 3) AS auc, auc_of(model) BETWEEN 0.85 AND 0.95 AS like_sklearn
FROM models WHERE name = 'seed42';
SELECT min(s) > 0 AND max(s) < 1 AS in_unit_interval,
       avg(s) FILTER (WHERE planted) > avg(s) FILTER (WHERE NOT planted) AS planted_score_higher
FROM (SELECT planted, loan_risk.anomaly_score(model, a) s FROM apps a, models WHERE name = 'seed42') x;

-- Deterministic: the same seed gives the same model text, whatever the order of the rows ...
SELECT loan_risk.iforest_train(id, ARRAY[amount, account_age_days, apps_1d, income]::float8[], ARRAY['amount', 'account_age_days', 'apps_1d', 'income'], '{"seed": 42, "name": "apps"}')::text = (SELECT model::text FROM models) AS same_seed_same_model
FROM (SELECT * FROM apps ORDER BY hashint4(id + 7)) a;
-- ... and another seed gives another forest of the same quality.
INSERT INTO models
SELECT 'seed7', loan_risk.iforest_train(id, ARRAY[amount, account_age_days, apps_1d, income]::float8[], ARRAY['amount', 'account_age_days', 'apps_1d', 'income'], '{"seed": 7}')
FROM apps a;
SELECT (SELECT model::text FROM models WHERE name = 'seed7') <> (SELECT model::text FROM models WHERE name = 'seed42') AS other_seed_other_model,
       (SELECT auc_of(model) BETWEEN 0.85 AND 0.95 FROM models WHERE name = 'seed7') AS other_seed_like_sklearn;
-- The default seed is 0 and the default options are 100 trees of 256 rows.
SELECT loan_risk.iforest_train(id, ARRAY[amount, account_age_days, apps_1d, income]::float8[], ARRAY['amount', 'account_age_days', 'apps_1d', 'income'])::text
     = loan_risk.iforest_train(id, ARRAY[amount, account_age_days, apps_1d, income]::float8[], ARRAY['amount', 'account_age_days', 'apps_1d', 'income'], '{"seed": 0}')::text AS defaults,
       (loan_risk.iforest_train(id, ARRAY[amount, account_age_days, apps_1d, income]::float8[], ARRAY['amount', 'account_age_days', 'apps_1d', 'income'])::jsonb)->'training' AS training
FROM apps a;

-- _partial per group then _merge: the same model as one pass; the state's text form round-trips.
SELECT loan_risk.iforest_train_merge(s)::text = (SELECT model::text FROM models WHERE name = 'seed42') AS merged
FROM (SELECT loan_risk.iforest_train_partial(id, ARRAY[amount, account_age_days, apps_1d, income]::float8[], ARRAY['amount', 'account_age_days', 'apps_1d', 'income'], '{"seed": 42, "name": "apps"}') s
      FROM apps a GROUP BY id % 7) p;
SELECT loan_risk.iforest_train_merge(s::text::loan_risk.iforest_train_state)::text
       = (SELECT model::text FROM models WHERE name = 'seed42') AS merged_through_text
FROM (SELECT loan_risk.iforest_train_partial(id, ARRAY[amount, account_age_days, apps_1d, income]::float8[], ARRAY['amount', 'account_age_days', 'apps_1d', 'income'], '{"seed": 42, "name": "apps"}') s
      FROM apps a GROUP BY id % 3) p;

-- Threads grow the trees in fixed blocks: the same model with 2 threads.
SET loan_risk.max_threads = 2;
SELECT loan_risk.iforest_train(id, ARRAY[amount, account_age_days, apps_1d, income]::float8[], ARRAY['amount', 'account_age_days', 'apps_1d', 'income'], '{"seed": 42, "name": "apps"}')::text = (SELECT model::text FROM models WHERE name = 'seed42') AS threads_same_model
FROM apps a;
RESET loan_risk.max_threads;

-- Per segment with GROUP BY: one model per group.
SELECT id % 2 AS segment,
       jsonb_array_length((loan_risk.iforest_train(id, ARRAY[amount, income]::float8[], ARRAY['amount', 'income'], '{"trees": 3, "sample_size": 16}')::jsonb)->'trees') AS trees,
       (loan_risk.iforest_train(id, ARRAY[amount, income]::float8[], ARRAY['amount', 'income'], '{"trees": 3, "sample_size": 16}')::jsonb)->'training'->'rows' AS rows
FROM apps a GROUP BY 1 ORDER BY 1;

-- Text and uuid keys; integer keys of any width sample alike (their hashes agree).
SELECT (loan_risk.iforest_train('app-' || id, ARRAY[amount]::float8[], ARRAY['amount'], '{"trees": 2, "sample_size": 8}')::jsonb)->'training' AS text_key
FROM apps a WHERE id <= 100;
SELECT (loan_risk.iforest_train(md5(id::text)::uuid, ARRAY[amount]::float8[], ARRAY['amount'], '{"trees": 2, "sample_size": 8}')::jsonb)->'training' AS uuid_key
FROM apps a WHERE id <= 100;
SELECT loan_risk.iforest_train(id::bigint * 1, ARRAY[amount]::float8[], ARRAY['amount'], '{"trees": 2, "sample_size": 8}')::text
     = loan_risk.iforest_train(id::smallint, ARRAY[amount]::float8[], ARRAY['amount'], '{"trees": 2, "sample_size": 8}')::text AS int_widths_agree
FROM apps a WHERE id <= 1000;


-- NULL key or row: the row is skipped (not counted); NULL, NaN or infinite features: counted, not sampled.
CREATE TABLE small (id int, x float8, y numeric);
INSERT INTO small VALUES (1, 1, 1), (2, 2, 2), (3, 3, NULL), (4, 'NaN', 4), (5, 'Infinity', 5),
                         (6, 6, 6), (NULL, 7, 7), (8, '-Infinity', 8), (9, 9, 'NaN');
SELECT (loan_risk.iforest_train(id, ARRAY[x, y]::float8[], ARRAY['x', 'y'], '{"trees": 1, "sample_size": 4}')::jsonb)->'training' AS training
FROM small s;
SELECT loan_risk.iforest_train(id, NULL::float8[], ARRAY['x', 'y']) IS NULL AS null_values FROM small;
-- NULL options are the defaults.
SELECT (loan_risk.iforest_train(id, ARRAY[x, y]::float8[], ARRAY['x', 'y'], NULL)::jsonb)->'training' AS null_options FROM small s;
-- Fewer than two rows sampled: NULL (no model), so a small segment does not fail a GROUP BY.
SELECT loan_risk.iforest_train(id, ARRAY[x, y]::float8[], ARRAY['x', 'y']) IS NULL AS one_row FROM small s WHERE id = 1;
SELECT loan_risk.iforest_train(id, ARRAY[x, y]::float8[], ARRAY['x', 'y']) IS NULL AS no_rows FROM small s WHERE false;
-- Two rows: the smallest forest (sample_size 2, one split per tree).
SELECT loan_risk.iforest_train(id, ARRAY[x, y]::float8[], ARRAY['x', 'y'], '{"trees": 1, "seed": 3}') AS two_rows FROM small s WHERE id IN (1, 2);
-- Identical rows cannot be split: every tree is one leaf, and every score is 0.5.
SELECT loan_risk.iforest_train(id, ARRAY[x]::float8[], ARRAY['x'], '{"trees": 2, "sample_size": 4}') AS constant
FROM (SELECT i AS id, 5.0::float8 AS x FROM generate_series(1, 10) i) r;
SELECT loan_risk.anomaly_score(loan_risk.iforest_train(id, ARRAY[x]::float8[], ARRAY['x'], '{"trees": 2, "sample_size": 4}'), (SELECT q FROM (SELECT 1.0::float8 AS x) q)) AS constant_score
FROM (SELECT i AS id, 5.0::float8 AS x FROM generate_series(1, 10) i) r;
-- Extreme values: thresholds stay finite and between the values.
SELECT loan_risk.iforest_train(id, ARRAY[x]::float8[], ARRAY['x'], '{"trees": 1, "sample_size": 2, "seed": 5}') AS extremes
FROM (VALUES (1, -1.7976931348623157e308::float8), (2, 1.7976931348623157e308::float8)) r(id, x);

-- Errors: options, features, columns, keys.
SELECT loan_risk.iforest_train(id, ARRAY[x]::float8[], ARRAY['x'], '{"seeds": 1}') FROM small s;
SELECT loan_risk.iforest_train(id, ARRAY[x]::float8[], ARRAY['x'], '{"seed": 1.5}') FROM small s;
SELECT loan_risk.iforest_train(id, ARRAY[x]::float8[], ARRAY['x'], '{"seed": "1"}') FROM small s;
SELECT loan_risk.iforest_train(id, ARRAY[x]::float8[], ARRAY['x'], '{"trees": 0}') FROM small s;
SELECT loan_risk.iforest_train(id, ARRAY[x]::float8[], ARRAY['x'], '{"trees": 10001}') FROM small s;
SELECT loan_risk.iforest_train(id, ARRAY[x]::float8[], ARRAY['x'], '{"sample_size": 1}') FROM small s;
SELECT loan_risk.iforest_train(id, ARRAY[x]::float8[], ARRAY['x'], '{"sample_size": 64, "reservoir": 32}') FROM small s;
SELECT loan_risk.iforest_train(id, ARRAY[x]::float8[], ARRAY['x'], '{"reservoir": 5000000}') FROM small s;
SELECT loan_risk.iforest_train(id, ARRAY[x]::float8[], ARRAY['x'], '{"name": 1}') FROM small s;
SELECT loan_risk.iforest_train(id, ARRAY[x]::float8[], ARRAY['x'], '[1]') FROM small s;
SELECT loan_risk.iforest_train(id, ARRAY[x]::float8[], NULL, '{}') FROM small s;
SELECT loan_risk.iforest_train(id, ARRAY[x, x]::float8[], ARRAY['x', NULL]) FROM small s;
SELECT loan_risk.iforest_train(id, ARRAY[]::float8[], ARRAY[]::text[]) FROM small s;
SELECT loan_risk.iforest_train(id, ARRAY[x, x]::float8[], ARRAY['x', 'x']) FROM small s;
SELECT loan_risk.iforest_train(id, ARRAY[[x], [x]]::float8[], ARRAY[['x'], ['y']]) FROM small s;
SELECT loan_risk.iforest_train(id, ARRAY[x, x]::float8[], ARRAY['x']) FROM small s;
SELECT loan_risk.iforest_train(id, ARRAY[[x], [x]]::float8[], ARRAY['x', 'y']) FROM small s;
SELECT loan_risk.iforest_train(id, ARRAY[x]::float8[], ARRAY['x'], CASE WHEN id < 5 THEN '{"seed": 1}' ELSE '{"seed": 2}' END::jsonb) FROM small s;
-- A sample too large for a state (a 4194304-row reservoir of 1000 features).
SELECT loan_risk.iforest_train(1, array_fill(1::float8, ARRAY[1000]), (SELECT array_agg('c' || i) FROM generate_series(1, 1000) i), '{"reservoir": 4194304}');

-- Malformed states are errors, never crashes.
SELECT 'not base64!'::loan_risk.iforest_train_state;
SELECT 'AAAA'::loan_risk.iforest_train_state;
SELECT encode('\x4649524c0100000000'::bytea, 'base64')::loan_risk.iforest_train_state::text AS empty_state;
SELECT encode('\x4649524c010000000000'::bytea, 'base64')::loan_risk.iforest_train_state AS trailing;
SELECT encode('\x4649524c0100000002'::bytea, 'base64')::loan_risk.iforest_train_state AS bad_flag;
SELECT encode('\x4649524c020000000100'::bytea, 'base64')::loan_risk.iforest_train_state AS version2;
-- A hand-made state: seed 0, 1 tree, sample_size 2, reservoir 2, no name, feature "x", 2 rows seen, 2 sampled.
CREATE FUNCTION st(body text) RETURNS loan_risk.iforest_train_state LANGUAGE sql AS
$$ SELECT translate(encode(('\x4649524c01000000' || body)::bytea, 'base64'), E'\n', '')::loan_risk.iforest_train_state $$;
SELECT loan_risk.iforest_train_final(st('01' || '0000000000000000' || '01000000' || '02000000' || '02000000' || '00'
         || '01000000' || '010078' || '0200000000000000' || '02000000'
         || '0100000000000000' || '000000000000f03f' || '0200000000000000' || '0000000000000040')) AS hand_state;
SELECT st('01' || '0000000000000000' || '00000000' || '02000000' || '02000000' || '00') AS no_trees;
SELECT st('01' || '0000000000000000' || '01000000' || '01000000' || '02000000' || '00') AS sample_size_1;
SELECT st('01' || '0000000000000000' || '01000000' || '02000000' || '01000000' || '00') AS small_reservoir;
SELECT st('01' || '0000000000000000' || '01000000' || '02000000' || '02000000' || '00' || '00000000') AS no_features;
SELECT st('01' || '0000000000000000' || '01000000' || '02000000' || '02000000' || '00' || '02000000' || '010078' || '010078') AS same_feature_twice;
SELECT st('01' || '0000000000000000' || '01000000' || '02000000' || '02000000' || '00' || '01000000' || '010078'
         || '0200000000000000' || '03000000') AS over_reservoir;
SELECT st('01' || '0000000000000000' || '01000000' || '02000000' || '02000000' || '00' || '01000000' || '010078'
         || '0100000000000000' || '02000000') AS more_sampled_than_seen;
SELECT st('01' || '0000000000000000' || '01000000' || '02000000' || '02000000' || '00' || '01000000' || '010078'
         || '0200000000000000' || '02000000' || '0100000000000000' || '000000000000f03f') AS truncated;
SELECT st('01' || '0000000000000000' || '01000000' || '02000000' || '02000000' || '00' || '01000000' || '010078'
         || '0200000000000000' || '02000000' || '0200000000000000' || '000000000000f03f' || '0100000000000000' || '0000000000000040') AS out_of_order;
SELECT st('01' || '0000000000000000' || '01000000' || '02000000' || '02000000' || '00' || '01000000' || '010078'
         || '0200000000000000' || '02000000' || '0100000000000000' || '000000000000f07f' || '0200000000000000' || '0000000000000040') AS infinite_value;
SELECT st('01' || '0000000000000000' || '01000000' || '02000000' || '02000000' || '00' || '01000000' || '010078'
         || '0200000000000000' || '02000000' || '0100000000000000' || '0000000000000080' || '0200000000000000' || '0000000000000040') AS negative_zero;
SELECT st('01' || '0000000000000000' || '01000000' || '02000000' || '02000000' || '01' || 'ffffffff') AS name_too_long;

-- Parallel: partial samples in workers, merged in the leader: the same model as a serial plan.
ALTER TABLE apps SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT loan_risk.iforest_train(id, ARRAY[amount, account_age_days, apps_1d, income]::float8[], ARRAY['amount', 'account_age_days', 'apps_1d', 'income'], '{"seed": 42}') FROM apps a;
SELECT md5(loan_risk.iforest_train(id, ARRAY[amount, account_age_days, apps_1d, income]::float8[], ARRAY['amount', 'account_age_days', 'apps_1d', 'income'], '{"seed": 42, "name": "apps"}')::text) AS m FROM apps a \gset par_
SET max_parallel_workers_per_gather = 0;
SELECT :'par_m' = md5(model::text) AS parallel_equals_serial FROM models WHERE name = 'seed42';
-- Scoring in parallel workers gives the serial scores.
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT sum(loan_risk.anomaly_score((SELECT model FROM models WHERE name = 'seed42'), a)) FROM apps a;
SELECT sum(loan_risk.anomaly_score((SELECT model FROM models WHERE name = 'seed42'), a)) AS s FROM apps a \gset par_
SET max_parallel_workers_per_gather = 0;
SELECT abs(:par_s - sum(loan_risk.anomaly_score(m.model, a))) < 1e-9 AS parallel_scores_equal_serial
FROM apps a, models m WHERE m.name = 'seed42';
