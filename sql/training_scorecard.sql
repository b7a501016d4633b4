-- loan_risk.train_scorecard: from a table to a loan_risk.scorecard.  The fit
-- on the WOE design agrees with statsmodels 0.13.5 on the same design
-- (data/training/statsmodels_reference.py codes data/applicants.csv with the
-- bins of data/training/applicants_card.json); scoring the training rows
-- with loan_risk.score reproduces the fitted model exactly; serial and
-- parallel training give the same card.
SET client_min_messages = warning;
SET extra_float_digits = 0;

CREATE TABLE apps (id int, region text, industry text, months_active int, gmv_90d numeric,
                   refund_share numeric, repeat_payer_share numeric, night_share numeric, bad int);
\copy apps FROM 'data/applicants.csv' WITH (FORMAT csv, HEADER)
ALTER TABLE apps SET (parallel_workers = 2);
ANALYZE apps;

CREATE TABLE cards (name text PRIMARY KEY, card loan_risk.scorecard);
INSERT INTO cards SELECT 'smb', loan_risk.train_scorecard('apps', 'bad',
  '{region,industry,months_active,gmv_90d,refund_share,repeat_payer_share,night_share}',
  '{"name": "applicants_reference", "features": {"gmv_90d": {"special_values": [-1]}}}');

-- A worked example: the card as rows (points rounded here for reading).
SELECT feature, bin_kind, bin_index, bin, round(points::numeric, 2) AS points, round(woe::numeric, 4) AS woe, count, bads
FROM cards, loan_risk.scorecard_table(card) WHERE name = 'smb' AND feature IN ('region', 'gmv_90d');

-- What the card carries for audit (CARD_STATS_SCHEMA): statistics, training,
-- and per feature its coefficient, IV and binning.
SELECT jsonb_pretty(jsonb_build_object(
  'statistics', (SELECT jsonb_agg(k ORDER BY k) FROM jsonb_object_keys(c->'statistics') k),
  'training', (SELECT jsonb_agg(k ORDER BY k) FROM jsonb_object_keys(c->'training') k),
  'feature', (SELECT jsonb_agg(k ORDER BY k) FROM jsonb_object_keys(c->'features'->0) k),
  'binning', (SELECT jsonb_agg(k ORDER BY k) FROM jsonb_object_keys(c->'features'->1->'binning') k),
  'bin', (SELECT jsonb_agg(k ORDER BY k) FROM jsonb_object_keys(c->'features'->1->'bins'->0) k)))
FROM (SELECT card::jsonb AS c FROM cards WHERE name = 'smb') s;
SELECT c->'statistics'->'rows' AS rows, c->'statistics'->'bads' AS bads,
       c->'statistics'->'converged' AS converged, c->'statistics'->'iterations' AS iterations,
       round((c->'statistics'->>'auc')::numeric, 6) AS auc, round((c->'statistics'->>'ks')::numeric, 6) AS ks,
       round((c->'statistics'->>'gini')::numeric, 6) AS gini,
       round((c->'statistics'->>'condition_number')::numeric, 4) AS condition_number,
       c->'training'->'features_dropped' AS dropped,
       c->'training'->>'loan_risk_version' = (SELECT extversion FROM pg_extension WHERE extname = 'loan_risk') AS version_ok
FROM (SELECT card::jsonb AS c FROM cards WHERE name = 'smb') s;
SELECT jsonb_pretty(card::jsonb->'training'->'options') AS options_with_defaults FROM cards WHERE name = 'smb';

-- The fit on the WOE design agrees with statsmodels (GLM Binomial, tol 1e-14)
-- to 1e-6 in coefficients and standard errors; the bins are those of the
-- recorded card.
SELECT bool_and(abs((c->'statistics'->'coefficients'->k->>'estimate')::float8 - (r->>0)::float8) <= 1e-6
                AND abs((c->'statistics'->'coefficients'->k->>'std_error')::float8 - (r->>1)::float8) <= 1e-6) AS agrees_1e6,
       count(*) AS coefficients,
       abs((c->'statistics'->>'log_likelihood')::float8 - -6025.834275183673) < 1e-6 AS ll_agrees
FROM (SELECT card::jsonb AS c FROM cards WHERE name = 'smb') s,
     jsonb_each('{"(intercept)": [-1.9264031827879236, 0.025373544148878328],
                  "region": [-1.3021115935460172, 0.10585397492000717],
                  "months_active": [-1.2921873961714632, 0.051122898784936706],
                  "gmv_90d": [-1.190489021431065, 0.02973284365894566],
                  "refund_share": [-1.2781394318429853, 0.05365002759318989],
                  "repeat_payer_share": [-1.2364761738885133, 0.07347368378199354],
                  "night_share": [-1.338745272143725, 0.14416384352323056]}'::jsonb) AS e(k, r)
GROUP BY c;
CREATE TABLE recorded (j jsonb);
\set card `cat data/training/applicants_card.json`
INSERT INTO recorded VALUES (:'card');
CREATE FUNCTION design(c jsonb) RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_agg(jsonb_build_object('name', f->'name',
           'bins', (SELECT jsonb_agg(b - 'points'::text - 'iv'::text) FROM jsonb_array_elements(f->'bins') b),
           'missing', (f->'missing') - 'points'::text - 'iv'::text,
           'special', (SELECT jsonb_agg(b - 'points'::text - 'iv'::text) FROM jsonb_array_elements(f->'special') b)))
  FROM jsonb_array_elements(c->'features') f $$;
SELECT design(c) = (SELECT design(j) FROM recorded) AS same_design_as_recorded
FROM (SELECT card::jsonb AS c FROM cards WHERE name = 'smb') s;

-- Scoring the training rows reproduces the fitted model: for every row the
-- score is base_score + pdo/ln 2 * (-eta - ln base_odds), eta the fitted
-- log-odds of default from the card's coefficients and the WOE of each bin,
-- and pd() is 1 / (1 + exp(-eta)).  So the ranking is the fitted one.
CREATE TABLE coef AS
SELECT f->>'name' AS feature, (f->>'coefficient')::float8 AS coefficient
FROM cards, jsonb_array_elements(card::jsonb->'features') f WHERE name = 'smb';
CREATE TABLE scored AS
SELECT a.id, a.bad, loan_risk.score(c.card, a) AS score, loan_risk.pd(c.card, a) AS pd,
       (SELECT (card::jsonb->>'intercept')::float8 FROM cards WHERE name = 'smb')
       + (SELECT sum(k.coefficient * d.woe) FROM loan_risk.score_detail(c.card, a) d JOIN coef k USING (feature)) AS eta
FROM apps a, cards c WHERE c.name = 'smb';
SELECT count(*) AS rows,
       bool_and(abs(score - (600 + 20 / ln(2) * (-eta - ln(50)))) < 1e-9) AS score_is_linear_in_eta,
       bool_and(abs(pd - 1 / (1 + exp(-eta))) < 1e-12) AS pd_is_fitted_probability,
       bool_and(prev IS NULL OR score <= prev + 1e-9) AS score_falls_as_eta_rises
FROM (SELECT *, lag(score) OVER (ORDER BY eta, id) AS prev FROM scored) s;
-- The training AUC, KS and Gini in the card are those of the scores.
SELECT abs(loan_risk.auc(-score, bad) - (SELECT (card::jsonb->'statistics'->>'auc')::float8 FROM cards WHERE name = 'smb')) < 1e-15 AS auc_matches,
       abs(loan_risk.ks(-score, bad) - (SELECT (card::jsonb->'statistics'->>'ks')::float8 FROM cards WHERE name = 'smb')) < 1e-15 AS ks_matches,
       abs(loan_risk.auc(pd, bad) - loan_risk.auc(eta, bad)) < 1e-12 AS pd_ranks_as_eta
FROM scored;

-- Special values, missing and unseen categories score through their own bins.
SELECT d.feature, d.bin_kind, round(d.points::numeric, 4) AS points
FROM cards c, loan_risk.score_detail(c.card, (SELECT r FROM (SELECT 'mars'::text AS region, NULL::int AS months_active,
        -1::numeric AS gmv_90d, 0.01 AS refund_share, 0.2 AS repeat_payer_share, 0.1 AS night_share) r)) d
WHERE c.name = 'smb' AND d.feature IN ('region', 'months_active', 'gmv_90d');

-- Serial and parallel training give the same card: coefficients within 1e-9.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT loan_risk.prebin_partial(bad, ARRAY[months_active]::float8[], ARRAY[region]) FROM apps;
INSERT INTO cards SELECT 'smb_parallel', loan_risk.train_scorecard('apps', 'bad',
  '{region,industry,months_active,gmv_90d,refund_share,repeat_payer_share,night_share}',
  '{"name": "applicants_reference", "features": {"gmv_90d": {"special_values": [-1]}}}');
RESET max_parallel_workers_per_gather;
SELECT bool_and(abs((p.c->'statistics'->'coefficients'->k->>'estimate')::float8 - (v->>'estimate')::float8) < 1e-9) AS coefficients_equal,
       bool_and(abs((p.c->'statistics'->'coefficients'->k->>'std_error')::float8 - (v->>'std_error')::float8) < 1e-9) AS std_errors_equal,
       min(p.c->'training'->>'fingerprint') = min(s.c->'training'->>'fingerprint') AS same_fingerprint
FROM (SELECT card::jsonb AS c FROM cards WHERE name = 'smb') s,
     (SELECT card::jsonb AS c FROM cards WHERE name = 'smb_parallel') p,
     jsonb_each(s.c->'statistics'->'coefficients') e(k, v);
SELECT bool_and(abs(a.points - b.points) < 1e-8 AND a.count = b.count AND a.bads = b.bads) AS same_bins_points
FROM (SELECT * FROM cards, loan_risk.scorecard_table(card) WHERE name = 'smb') a
JOIN (SELECT * FROM cards, loan_risk.scorecard_table(card) WHERE name = 'smb_parallel') b
  USING (feature, bin_kind, bin_index);

-- The fit's pass as an aggregate: woe_step_partial codes each row's
-- features by the WOE of their bins in a card (its numeric features in a
-- float8[], its categorical ones in a text[], each in card order) and sums
-- one Newton step.  Serial and parallel give the same state.
CREATE TABLE woe_card AS SELECT loan_risk.train_scorecard('apps', 'bad', '{region,months_active,gmv_90d}',
  '{"selection": {"min_iv": 0}}') AS card;
SELECT array_agg(f->>'name' ORDER BY o) AS card_features
FROM woe_card, jsonb_array_elements(card::jsonb->'features') WITH ORDINALITY e(f, o);
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT loan_risk.woe_step_partial(w.card, '{0,0,0,0}', bad, ARRAY[months_active, gmv_90d]::float8[], ARRAY[region])
FROM apps, woe_card w;
CREATE TABLE woe_par AS SELECT loan_risk.woe_step_partial(w.card, '{-1,0.5,0.5,0.5}', bad, ARRAY[months_active, gmv_90d]::float8[], ARRAY[region]) AS s
FROM apps, woe_card w;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE woe_ser AS SELECT loan_risk.woe_step_partial(w.card, '{-1,0.5,0.5,0.5}', bad, ARRAY[months_active, gmv_90d]::float8[], ARRAY[region]) AS s
FROM apps, woe_card w;
SELECT (loan_risk.logit_step_info(s)->>'rows')::int AS rows,
       abs((loan_risk.logit_step_info(s)->>'log_likelihood')::float8
           - (loan_risk.logit_step_info((SELECT s FROM woe_par))->>'log_likelihood')::float8) < 1e-9 AS parallel_equals_serial
FROM woe_ser;
RESET max_parallel_workers_per_gather;
-- Errors: features that do not fit the card.
SELECT loan_risk.woe_step_partial(w.card, '{0,0,0,0}', bad, ARRAY[months_active]::float8[], ARRAY[region, industry]) FROM apps, woe_card w;
SELECT loan_risk.woe_step_partial(w.card, '{0,0,0,0}', bad, ARRAY[months_active, gmv_90d]::float8[], NULL::text[]) FROM apps, woe_card w;
SELECT loan_risk.woe_step_partial(w.card, '{0,0,0}', bad, ARRAY[months_active, gmv_90d]::float8[], ARRAY[region]) FROM apps, woe_card w;
SELECT loan_risk.woe_step_partial(w.card, '{0,0,0,0}', bad, ARRAY[[months_active, gmv_90d]]::float8[], ARRAY[region]) FROM apps, woe_card w;

-- The design in memory (the default) and passes as queries give the same
-- card (the in-memory fit has one pass more: the one that codes the rows);
-- over the design in memory, 1 and 2 threads give the same bits.
SET max_parallel_workers_per_gather = 0;
SET loan_risk.training_in_memory = off;
INSERT INTO cards SELECT 'smb_queries', loan_risk.train_scorecard('apps', 'bad',
  '{region,industry,months_active,gmv_90d,refund_share,repeat_payer_share,night_share}',
  '{"name": "applicants_reference", "features": {"gmv_90d": {"special_values": [-1]}}}');
RESET loan_risk.training_in_memory;
INSERT INTO cards SELECT 'smb_thread1', loan_risk.train_scorecard('apps', 'bad',
  '{region,industry,months_active,gmv_90d,refund_share,repeat_payer_share,night_share}',
  '{"name": "applicants_reference", "features": {"gmv_90d": {"special_values": [-1]}}}');
SET loan_risk.max_threads = 2;
INSERT INTO cards SELECT 'smb_thread2', loan_risk.train_scorecard('apps', 'bad',
  '{region,industry,months_active,gmv_90d,refund_share,repeat_payer_share,night_share}',
  '{"name": "applicants_reference", "features": {"gmv_90d": {"special_values": [-1]}}}');
RESET loan_risk.max_threads;
RESET max_parallel_workers_per_gather;
SELECT o.name, o.c->'training'->'design_in_memory' AS in_memory,
       (o.c->'training'->>'passes')::int - (s.c->'training'->>'passes')::int AS more_passes,
       bool_and(abs((o.c->'statistics'->'coefficients'->k->>'estimate')::float8 - (v->>'estimate')::float8) < 1e-9) AS coefficients_equal,
       bool_and(abs((o.c->'statistics'->'coefficients'->k->>'std_error')::float8 - (v->>'std_error')::float8) < 1e-9) AS std_errors_equal,
       abs((o.c->'statistics'->>'auc')::float8 - (s.c->'statistics'->>'auc')::float8) < 1e-12 AS same_auc,
       abs((o.c->'statistics'->>'log_likelihood')::float8 - (s.c->'statistics'->>'log_likelihood')::float8) < 1e-7 AS same_ll
FROM (SELECT card::jsonb AS c FROM cards WHERE name = 'smb') s,
     (SELECT name, card::jsonb AS c FROM cards WHERE name IN ('smb', 'smb_queries', 'smb_thread2')) o,
     jsonb_each(s.c->'statistics'->'coefficients') e(k, v)
GROUP BY o.name, o.c, s.c ORDER BY o.name;
SELECT a.card::jsonb->'statistics' = b.card::jsonb->'statistics' AS threads_same_statistics,
       a.card::jsonb->'features' = b.card::jsonb->'features' AS threads_same_features
FROM cards a, cards b WHERE a.name = 'smb_thread1' AND b.name = 'smb_thread2';
-- The same over 200000 rows: four blocks of rows, summed by two threads.
CREATE TABLE blocks AS
SELECT i, (hashint4(3 * i) & 1023) / 1024.0 AS a, ((hashint4(3 * i + 1) & 1023) / 100)::int AS b,
       (ARRAY['x', 'y', 'z'])[1 + (hashint4(3 * i + 2) & 3) % 3] AS c
FROM generate_series(1, 200000) i;
ALTER TABLE blocks ADD COLUMN bad int;
UPDATE blocks SET bad = ((hashint4(i + 7) & 1023) / 1024.0 < 1 / (1 + exp(-(-2 + 1.5 * a - 0.1 * b + (c = 'x')::int))))::int;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE block_cards (name text, c jsonb);
INSERT INTO block_cards SELECT 't1', loan_risk.train_scorecard('blocks', 'bad', '{a,b,c}')::jsonb;
SET loan_risk.max_threads = 2;
INSERT INTO block_cards SELECT 't2', loan_risk.train_scorecard('blocks', 'bad', '{a,b,c}')::jsonb;
SET loan_risk.training_in_memory = off;
INSERT INTO block_cards SELECT 'queries', loan_risk.train_scorecard('blocks', 'bad', '{a,b,c}')::jsonb;
SELECT t1.c -> 'statistics' = t2.c -> 'statistics' AS threads_same_statistics,
       t1.c -> 'features' = t2.c -> 'features' AS threads_same_features,
       (t1.c -> 'training' -> 'design_in_memory')::bool AS in_memory,
       jsonb_array_length(t1.c -> 'features') AS features,
       abs((t1.c -> 'statistics' ->> 'log_likelihood')::float8 - (q.c -> 'statistics' ->> 'log_likelihood')::float8) < 1e-6 AS same_ll_as_queries,
       abs((t1.c -> 'statistics' ->> 'auc')::float8 - (q.c -> 'statistics' ->> 'auc')::float8) < 1e-12 AS same_auc_as_queries
FROM block_cards t1, block_cards t2, block_cards q
WHERE t1.name = 't1' AND t2.name = 't2' AND q.name = 'queries';
RESET loan_risk.max_threads;
RESET loan_risk.training_in_memory;
RESET max_parallel_workers_per_gather;

-- The fingerprint follows the rows, not their order.
SELECT (loan_risk.train_scorecard('SELECT * FROM apps ORDER BY gmv_90d DESC NULLS FIRST', 'bad', '{months_active,refund_share}')::jsonb->'training'->>'fingerprint')
     = (loan_risk.train_scorecard('apps', 'bad', '{months_active,refund_share}')::jsonb->'training'->>'fingerprint') AS order_free,
       (loan_risk.train_scorecard('SELECT id, months_active + (id = 7)::int AS months_active, refund_share, bad FROM apps', 'bad', '{months_active,refund_share}')::jsonb->'training'->>'fingerprint')
     <> (loan_risk.train_scorecard('apps', 'bad', '{months_active,refund_share}')::jsonb->'training'->>'fingerprint') AS one_row_changes_it;

-- Scaling: integer points on request; pdo, base score and odds as given.
INSERT INTO cards SELECT 'rounded', loan_risk.train_scorecard('apps', 'bad', '{months_active,refund_share,night_share}',
  '{"scaling": {"pdo": 40, "base_score": 500, "base_odds": 20, "round_points": true}}');
INSERT INTO cards SELECT 'unrounded', loan_risk.train_scorecard('apps', 'bad', '{months_active,refund_share,night_share}',
  '{"scaling": {"pdo": 40, "base_score": 500, "base_odds": 20}}');
SELECT bool_and(points = round(points)) AS integer_points,
       min((card::jsonb->'scaling')::text) AS scaling,
       bool_and((card::jsonb->>'base_points')::float8 = round((card::jsonb->>'base_points')::float8)) AS integer_base
FROM cards, loan_risk.scorecard_table(card) WHERE name = 'rounded';
-- Rounding moves a score by at most half a point per feature and base points.
SELECT max(abs(loan_risk.score(r.card, a) - loan_risk.score(u.card, a))) <= 2 AS within_two_points
FROM apps a, cards r, cards u WHERE r.name = 'rounded' AND u.name = 'unrounded';

-- Feature selection.  Generated data with a known truth: a drives the risk,
-- a2 is a near copy of a, b matters only given a (its univariate link has the
-- opposite sign), n is noise.
CREATE TABLE sel AS
WITH u AS (SELECT i, (hashint4(i * 5 + 1) & 2147483647) / 2147483647.0 AS u1,
                     (hashint4(i * 5 + 2) & 2147483647) / 2147483647.0 AS u2,
                     (hashint4(i * 5 + 3) & 2147483647) / 2147483647.0 AS u3,
                     (hashint4(i * 5 + 4) & 2147483647) / 2147483647.0 AS u4,
                     (hashint4(i * 5 + 5) & 2147483647) / 2147483647.0 AS u5
           FROM generate_series(1, 20000) i)
SELECT i, round(u1 * 100) AS a, round(u1 * 100 + u2 * 4) AS a2,
       round(u1 * 100 * 0.8 + u3 * 100 * 0.2) AS b, round(u4 * 100) AS n,
       (u5 < 1 / (1 + exp(-(-2 + 0.06 * u1 * 100 - 0.06 * (u1 * 100 * 0.8 + u3 * 100 * 0.2)
                            + 0.02 * u1 * 100))))::int AS bad
FROM u;
SELECT jsonb_pretty(card::jsonb->'training'->'features_dropped') AS dropped,
       (SELECT jsonb_agg(f->'name') FROM jsonb_array_elements(card::jsonb->'features') f) AS kept
FROM (SELECT loan_risk.train_scorecard('sel', 'bad', '{a,a2,b,n}') AS card) s;
SELECT jsonb_pretty(card::jsonb->'training'->'features_dropped') AS dropped
FROM (SELECT loan_risk.train_scorecard('sel', 'bad', '{a,a2,b,n}',
        '{"selection": {"max_correlation": 1, "max_vif": 5, "min_iv": 0}}') AS card) s;
SELECT jsonb_pretty(card::jsonb->'training'->'features_dropped') AS dropped,
       (SELECT jsonb_agg(f->'name') FROM jsonb_array_elements(card::jsonb->'features') f) AS kept
FROM (SELECT loan_risk.train_scorecard('sel', 'bad', '{a,a2,n}',
        '{"selection": {"min_iv": 0, "max_correlation": 1, "stepwise": "bic"}}') AS card) s;
-- With b next to a (correlation allowed), b's coefficient has the sign
-- opposite to its WOE: the sign check drops it; without the check it stays.
SELECT jsonb_pretty(card::jsonb->'training'->'features_dropped') AS dropped
FROM (SELECT loan_risk.train_scorecard('sel', 'bad', '{a,b}', '{"selection": {"max_correlation": 1}}') AS card) s;
SELECT f->>'name' AS feature, (f->>'coefficient')::float8 > 0 AS contradicts_woe
FROM (SELECT loan_risk.train_scorecard('sel', 'bad', '{a,b}',
        '{"selection": {"max_correlation": 1, "check_signs": false}}') AS card) s,
     jsonb_array_elements(card::jsonb->'features') f;
-- One WOE feature alone has coefficient -1 exactly: WOE coding is the saturated model of its bins.
SELECT round((loan_risk.train_scorecard('sel', 'bad', '{b}')::jsonb->'features'->0->>'coefficient')::numeric, 12) AS coefficient;

-- Every column but the target when features is NULL.
SELECT (SELECT jsonb_agg(f->'name') FROM jsonb_array_elements(c->'features') f) AS kept,
       c->'training'->'features_considered' AS considered,
       (SELECT jsonb_agg(d->'name') FROM jsonb_array_elements(c->'training'->'features_dropped') d) AS dropped
FROM (SELECT loan_risk.train_scorecard('SELECT * FROM sel', 'bad')::jsonb AS c) s;

-- NULL source or target: NULL.
SELECT loan_risk.train_scorecard(NULL, 'bad') IS NULL AS null_source;

-- Errors.
\set VERBOSITY default
SELECT loan_risk.train_scorecard('sel', 'bad', '{n}');
SELECT loan_risk.train_scorecard('SELECT a, NULL::int AS bad FROM sel', 'bad', '{a}');
SELECT loan_risk.train_scorecard('SELECT a, bad, now() AS t FROM sel', 'bad', '{a,t}');
SELECT loan_risk.train_scorecard('SELECT a, 0 AS bad FROM sel', 'bad', '{a}');
SELECT loan_risk.train_scorecard('sel', 'bad', '{a}', '{"selection": {"stepwise": "forward"}}');
SELECT loan_risk.train_scorecard('sel', 'bad', '{a}', '{"scaling": {"pdo": 0}}');
SELECT loan_risk.train_scorecard('sel', 'bad', '{a}', '{"selection": {"max_vif": 0.5}}');
SELECT loan_risk.train_scorecard('sel', 'bad', '{a}', '{"fit": {"tolerance": "tight"}}');
SELECT loan_risk.train_scorecard('sel', 'bad', '{a}', '{"nmae": "x"}');
SELECT loan_risk.train_scorecard('sel', 'bad', '{a}', '{"name": 7}');
SELECT loan_risk.train_scorecard('sel', 'bad', '{a}', '{"binning": {"max_bins": 0}}');
SELECT loan_risk.train_scorecard('sel', 'bad', '{a}', '{"binning": {"min_bin_share": 0.6}}');
SELECT loan_risk.train_scorecard('sel', 'bad', '{a}', '{"features": {"a": {"splits": [50, 40]}}}');
SELECT loan_risk.train_scorecard('sel', 'bad', '{a}', '{"features": {"a": {"special_values": [1, 1]}}}');
SELECT loan_risk.train_scorecard('sel', 'bad', '{a}', '{"features": {"a": {"splits": [50], "special_values": [50]}}}');
SELECT loan_risk.train_scorecard('sel', 'bad', '{a}', 'null');
