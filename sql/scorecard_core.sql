-- The scorecard core: every evaluator of a card reads the same compiled
-- points table, so score() (record and column forms), the approval model of
-- match_products and match_products_batch, and train_scorecard's design in
-- memory give the same doubles for the same applicants.  The reference is
-- the card as plain SQL (scorecard_sql), which does not use the core.
SET extra_float_digits = 3;

-- 4,000 applicants: numeric features with NULLs, NaN, special values and
-- ties on bin bounds; a categorical one with NULLs and values no card lists.
CREATE TABLE apps AS
SELECT i AS applicant_id,
       CASE WHEN i % 23 = 0 THEN NULL WHEN i % 31 = 0 THEN 'NaN'::float8
            WHEN i % 37 = 0 THEN -1 ELSE ((hashint4(i) & 65535) / 655.35)::float8 END AS util,
       CASE WHEN i % 19 = 0 THEN NULL ELSE (hashint4(i + 1) & 1023) % 60 END AS months,
       CASE WHEN i % 29 = 0 THEN NULL
            ELSE (ARRAY['north', 'south', 'west', 'east', 'coast', 'isles'])[1 + (hashint4(i + 2) & 255) % 6] END AS region,
       ((hashint4(i + 3) & 1023) / 1024.0 <
        1 / (1 + exp(-(-1.5 + 0.02 * coalesce((hashint4(i) & 65535) / 655.35, 50)
                        - 0.03 * coalesce((hashint4(i + 1) & 1023) % 60, 20)))))::int AS bad
FROM generate_series(1, 4000) i;

-- A hand-made card: 20 range bins (more than the 16 bounds counted directly)
-- and special values on util, 6 on months, unseen and missing on region.
CREATE TABLE cards (name text PRIMARY KEY, card loan_risk.scorecard);
INSERT INTO cards
SELECT 'hand', ('{"format": "loan_risk.scorecard/1", "name": "hand",
  "scaling": {"pdo": 20, "base_score": 600, "base_odds": 30}, "base_points": 512.25,
  "features": [
    {"name": "util", "type": "numeric", "bins": ['
      || string_agg(format('{"upper": %s, "points": %s}', k * 5, 17.125 - k * 0.75), ', ' ORDER BY k)
      || ', {"upper": null, "points": -3.3}], "special": [{"values": [-1], "points": 4.1}], "missing": {"points": 0.7}},
    {"name": "months", "type": "numeric", "bins": [{"upper": 6, "points": -21.5}, {"upper": 12, "points": -7.25},
      {"upper": 24, "points": 3.1}, {"upper": 36, "points": 9.9}, {"upper": 48, "points": 14.2}, {"upper": null, "points": 19.01}],
      "missing": {"points": -2}},
    {"name": "region", "type": "categorical", "bins": [{"values": ["north", "east"], "points": 6.6},
      {"values": ["south"], "points": -4.4}, {"values": ["west", "coast"], "points": 1.1}],
      "unseen": {"points": -9.75}, "missing": {"points": -1.5}}]}')::loan_risk.scorecard
FROM generate_series(1, 19) k;

-- A trained card over the same columns (train_scorecard's own design in memory).
SET client_min_messages = warning;
INSERT INTO cards SELECT 'trained', loan_risk.train_scorecard('apps', 'bad', '{util,months,region}',
  '{"name": "trained", "features": {"util": {"special_values": [-1]}},
    "selection": {"min_iv": 0, "max_correlation": 1}}');
SET loan_risk.training_in_memory = off;
INSERT INTO cards SELECT 'trained_queries', loan_risk.train_scorecard('apps', 'bad', '{util,months,region}',
  '{"name": "trained", "features": {"util": {"special_values": [-1]}},
    "selection": {"min_iv": 0, "max_correlation": 1}}');
RESET loan_risk.training_in_memory;
RESET client_min_messages;
SELECT name, jsonb_array_length(card::jsonb->'features') AS features,
       card::jsonb->'training'->'design_in_memory' AS design_in_memory
FROM cards ORDER BY name;

-- score(): the column form (planner rewrite), the record form and the plain
-- SQL expression give the same double for every applicant.
CREATE TABLE scored AS
SELECT c.name, a.applicant_id, a.bad,
       loan_risk.score(c.card, a) AS by_columns,
       loan_risk.score(c.card, (SELECT r FROM (SELECT a.*) r)) AS by_record,
       loan_risk.pd(c.card, a) AS pd
FROM apps a, cards c;
CREATE FUNCTION plain_sql(card loan_risk.scorecard) RETURNS SETOF float8 LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format('SELECT %s FROM apps a ORDER BY applicant_id', loan_risk.scorecard_sql(card, 'a'));
END $$;
SELECT s.name, count(*) AS applicants,
       count(*) FILTER (WHERE by_columns = by_record) AS record_form_equal,
       count(DISTINCT by_columns) AS distinct_scores
FROM scored s GROUP BY s.name ORDER BY s.name;
SELECT c.name,
       (SELECT array_agg(by_columns ORDER BY applicant_id) FROM scored s WHERE s.name = c.name)
         = (SELECT array_agg(x) FROM plain_sql(c.card) x) AS equals_plain_sql
FROM cards c ORDER BY c.name;

-- match_products and match_products_batch: the approval probability is
-- 1 - pd of the product's card, to the last bit, for every applicant.
CREATE TABLE products AS
SELECT 'P-' || name AS product_id, 'Bank ' || name AS bank, 'owner_loan' AS product_type,
       1000 AS min_amount, 100000 AS max_amount, 6 AS min_term, 36 AS max_term, 0.12 AS rate,
       '[]'::jsonb AS rules, card AS approval_model
FROM cards;
SELECT p.product_id, count(*) AS offers,
       count(*) FILTER (WHERE m.approval_probability = 1 - s.pd) AS row_by_row_equal
FROM apps a, LATERAL loan_risk.match_products(a, 'products', min_probability => 0, max_results => NULL) m,
     products p, scored s
WHERE p.product_id = m.product_id AND s.name = substr(p.product_id, 3) AND s.applicant_id = a.applicant_id
GROUP BY p.product_id ORDER BY p.product_id;
SET loan_risk.max_threads = 2;
SELECT b.product_id, count(*) AS offers,
       count(*) FILTER (WHERE b.approval_probability = 1 - s.pd) AS batch_equal
FROM loan_risk.match_products_batch('SELECT applicant_id, util, months, region FROM apps', 'products',
                                    min_probability => 0, max_results => NULL) b
JOIN scored s ON s.name = substr(b.product_id, 3) AND s.applicant_id = b.applicant_id::int
GROUP BY b.product_id ORDER BY b.product_id;
RESET loan_risk.max_threads;

-- train_scorecard's design in memory scores the training rows with the
-- card's batch form: its AUC and KS are exactly those of score() over the
-- same rows, and those of the pass that scores by a query.
SELECT c.name,
       (c.card::jsonb->'statistics'->>'auc')::float8 = (SELECT loan_risk.auc(-by_columns, bad) FROM scored s WHERE s.name = c.name) AS auc_equal,
       (c.card::jsonb->'statistics'->>'ks')::float8 = (SELECT loan_risk.ks(-by_columns, bad) FROM scored s WHERE s.name = c.name) AS ks_equal
FROM cards c WHERE c.name LIKE 'trained%' ORDER BY c.name;
SELECT a.card::jsonb->'statistics' = b.card::jsonb->'statistics' AS same_statistics,
       a.card::jsonb->'features' = b.card::jsonb->'features' AS same_features
FROM cards a, cards b WHERE a.name = 'trained' AND b.name = 'trained_queries';

-- Boundaries: a value on a bound goes to the bin above; the special value
-- before the bins; NaN and NULL to missing; an unlisted category to unseen.
SELECT d.feature, d.value, d.bin_kind, d.bin_index, d.points
FROM cards c,
     (VALUES (5::float8, 6, 'north'), (-1, 12, 'isles'), ('NaN', NULL, NULL), (95, 48, 'coast'), (1e300, -5, 'south')) x(v, m, g),
     LATERAL loan_risk.score_detail(c.card, (SELECT r FROM (SELECT x.v AS util, x.m AS months, x.g AS region) r)) d
WHERE c.name = 'hand' ORDER BY x.v, d.feature;
