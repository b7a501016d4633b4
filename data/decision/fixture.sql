-- Deterministic sample data for the decision tests, the demo and the benchmark:
-- applicants, the lender's list tables, the model values (cards, isolation
-- forest, policies, products) kept in the lender's own tables, and a strategy
-- assembled from them in one statement.
--
--   \set dec_n 2000          -- applicants (default 2000)
--   \i data/decision/fixture.sql
--
-- Everything comes from hashint4 of the applicant number: the same data on
-- every run and every machine.

\if :{?dec_n}
\else
\set dec_n 2000
\endif
\set QUIET on
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

-- A uniform number in [0, 1) from (i, salt).
CREATE FUNCTION dec_u(i bigint, salt int) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ((hashint8(i * 7919 + salt) & 2147483647) / 2147483648.0)::float8 $$;

-- A valid resident identity number (GB 11643) made from i: region, birth date,
-- sequence and the check character of weights 2^(18-k) mod 11.
CREATE FUNCTION dec_resident_id(i bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT s || substr('10X98765432', 1 + (SELECT sum(substr(s, k, 1)::int * ((2 ^ (18 - k))::int % 11))
                                          FROM generate_series(1, 17) k)::int % 11, 1)
  FROM (SELECT '330106' || to_char(date '1960-01-01' + (abs(hashint8(i)) % 16000)::int, 'YYYYMMDD')
               || lpad((abs(hashint8(i * 7)) % 1000)::text, 3, '0') AS s) x
$$;

CREATE TABLE applicants AS
SELECT i AS applicant_id,
       CASE WHEN dec_u(i, 1) < 0.02 THEN NULL
            ELSE (ARRAY['zhejiang', 'jiangsu', 'guangdong', 'other_east', 'central', 'west', 'north'])
                 [1 + floor(dec_u(i, 2) * 7)::int] END AS region,
       (ARRAY['retail', 'ecommerce', 'services', 'workshop', 'food_stall', 'logistics'])
         [1 + floor(dec_u(i, 3) * 6)::int] AS industry,
       CASE WHEN dec_u(i, 4) < 0.01 THEN NULL ELSE floor(dec_u(i, 5) * 96)::int END AS months_active,
       CASE WHEN dec_u(i, 6) < 0.03 THEN NULL
            WHEN i % 500 = 0 THEN 900000.00
            ELSE round((500 + 60000 * dec_u(i, 7) ^ 2)::numeric, 2) END AS gmv_90d,
       CASE WHEN i % 500 = 0 THEN 0.6 ELSE round((0.3 * dec_u(i, 8) ^ 2)::numeric, 4)::float8 END AS refund_share,
       CASE WHEN dec_u(i, 9) < 0.05 THEN NULL ELSE round((0.7 * dec_u(i, 10))::numeric, 4)::float8 END AS repeat_payer_share,
       CASE WHEN i % 500 = 0 THEN 0.9 ELSE round((0.45 * dec_u(i, 11))::numeric, 4)::float8 END AS night_share,
       CASE WHEN dec_u(i, 12) < 0.02 THEN NULL ELSE round((1000 + 40000 * dec_u(i, 13))::numeric, 2) END AS monthly_revenue,
       round((3000 * dec_u(i, 14) ^ 3)::numeric, 2) AS existing_debt,
       CASE WHEN dec_u(i, 15) < 0.5 THEN NULL ELSE round((2000 + 98000 * dec_u(i, 16))::numeric, -2) END AS requested_amount,
       CASE WHEN dec_u(i, 17) < 0.5 THEN NULL ELSE (ARRAY[6, 12, 24])[1 + floor(dec_u(i, 18) * 3)::int] END AS requested_term,
       CASE WHEN dec_u(i, 19) < 0.01 THEN NULL
            WHEN dec_u(i, 20) < 0.02 THEN overlay(dec_resident_id(i) placing '0' from 18)   -- a wrong check character (or the same)
            ELSE dec_resident_id(i) END AS owner_id,
       '13' || lpad((abs(hashint8(i * 13)) % 1000000000)::text, 9, '0') AS mobile,
       dec_u(i, 21) < 0.8 AS has_tax_records
FROM generate_series(1, :dec_n) i;
ALTER TABLE applicants ADD PRIMARY KEY (applicant_id);

-- The lender's lists, stored normalised (doc/antifraud.md, "List screening").
CREATE SCHEMA risk;
CREATE TABLE risk.blacklist (id_key text PRIMARY KEY);
INSERT INTO risk.blacklist
SELECT loan_risk.normalize_resident_id(owner_id) FROM applicants
WHERE applicant_id % 83 = 0 AND loan_risk.normalize_resident_id(owner_id) IS NOT NULL
ON CONFLICT DO NOTHING;
CREATE TABLE risk.greylist (mobile text PRIMARY KEY);
INSERT INTO risk.greylist SELECT loan_risk.normalize_mobile(mobile) FROM applicants WHERE applicant_id % 59 = 0
ON CONFLICT DO NOTHING;
CREATE TABLE risk.whitelist (mobile text PRIMARY KEY);
INSERT INTO risk.whitelist SELECT loan_risk.normalize_mobile(mobile) FROM applicants WHERE applicant_id % 118 = 0
ON CONFLICT DO NOTHING;

-- Model values, kept in the lender's own tables.
CREATE TABLE cards (name text PRIMARY KEY, card loan_risk.scorecard);
INSERT INTO cards VALUES
('champion', '{"format": "loan_risk.scorecard/1", "name": "smb_v7",
  "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50}, "base_points": 442,
  "features": [
    {"name": "months_active", "type": "numeric", "reason": "Short trading history",
     "bins": [{"upper": 6, "points": 0}, {"upper": 12, "points": 8}, {"upper": 24, "points": 20},
              {"upper": 48, "points": 40}, {"upper": null, "points": 62}]},
    {"name": "gmv_90d", "type": "numeric", "reason": "Low recent sales",
     "bins": [{"upper": 2000, "points": 0}, {"upper": 8000, "points": 14}, {"upper": 30000, "points": 28},
              {"upper": null, "points": 44}], "missing": {"points": 10}},
    {"name": "refund_share", "type": "numeric", "reason": "High share of refunds",
     "bins": [{"upper": 0.02, "points": 40}, {"upper": 0.08, "points": 30}, {"upper": 0.15, "points": 16},
              {"upper": null, "points": 0}], "missing": {"points": 16}},
    {"name": "repeat_payer_share", "type": "numeric", "reason": "Few repeat customers",
     "bins": [{"upper": 0.1, "points": 0}, {"upper": 0.25, "points": 8}, {"upper": 0.45, "points": 18},
              {"upper": null, "points": 30}], "missing": {"points": 8}},
    {"name": "night_share", "type": "numeric", "reason": "Much activity at night",
     "bins": [{"upper": 0.1, "points": 20}, {"upper": 0.25, "points": 12}, {"upper": null, "points": 0}],
     "missing": {"points": 10}},
    {"name": "region", "type": "categorical", "reason": "Region",
     "bins": [{"values": ["zhejiang"], "points": 24}, {"values": ["jiangsu"], "points": 20},
              {"values": ["guangdong", "other_east", "central"], "points": 12}, {"values": ["west"], "points": 0}],
     "missing": {"points": 10}, "unseen": {"points": 10}},
    {"name": "industry", "type": "categorical", "reason": "Industry",
     "bins": [{"values": ["ecommerce"], "points": 20}, {"values": ["retail", "workshop", "services"], "points": 14},
              {"values": ["food_stall"], "points": 6}], "missing": {"points": 10}, "unseen": {"points": 10}}]}'),
('challenger', '{"format": "loan_risk.scorecard/1", "name": "smb_v8",
  "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50}, "base_points": 452,
  "features": [
    {"name": "months_active", "type": "numeric", "reason": "Short trading history",
     "bins": [{"upper": 12, "points": 4}, {"upper": 36, "points": 28}, {"upper": null, "points": 56}],
     "missing": {"points": 4}},
    {"name": "gmv_90d", "type": "numeric", "reason": "Low recent sales",
     "bins": [{"upper": 5000, "points": 4}, {"upper": 20000, "points": 24}, {"upper": null, "points": 46}],
     "missing": {"points": 8}},
    {"name": "refund_share", "type": "numeric", "reason": "High share of refunds",
     "bins": [{"upper": 0.05, "points": 38}, {"upper": 0.12, "points": 22}, {"upper": null, "points": 2}],
     "missing": {"points": 14}},
    {"name": "night_share", "type": "numeric", "reason": "Much activity at night",
     "bins": [{"upper": 0.2, "points": 18}, {"upper": null, "points": 2}], "missing": {"points": 8}},
    {"name": "has_tax_records", "type": "categorical", "reason": "No tax records",
     "bins": [{"values": ["true"], "points": 22}, {"values": ["false"], "points": 0}], "missing": {"points": 0}},
    {"name": "region", "type": "categorical", "reason": "Region",
     "bins": [{"values": ["zhejiang", "jiangsu"], "points": 20}, {"values": ["west", "north"], "points": 2}],
     "missing": {"points": 8}, "unseen": {"points": 12}}]}'),
('next_gen', '{"format": "loan_risk.scorecard/1", "name": "smb_v9_candidate",
  "scaling": {"pdo": 25, "base_score": 600, "base_odds": 40}, "base_points": 470,
  "features": [
    {"name": "months_active", "type": "numeric",
     "bins": [{"upper": 9, "points": 0}, {"upper": 30, "points": 30}, {"upper": null, "points": 60}], "missing": {"points": 0}},
    {"name": "gmv_90d", "type": "numeric",
     "bins": [{"upper": 10000, "points": 10}, {"upper": null, "points": 50}], "missing": {"points": 10}},
    {"name": "refund_share", "type": "numeric",
     "bins": [{"upper": 0.1, "points": 40}, {"upper": null, "points": 0}], "missing": {"points": 10}},
    {"name": "industry", "type": "categorical",
     "bins": [{"values": ["ecommerce", "services"], "points": 20}], "missing": {"points": 5}, "unseen": {"points": 8}}]}');

CREATE TABLE models (name text PRIMARY KEY, model loan_risk.iforest);
INSERT INTO models
SELECT 'fraud', loan_risk.iforest_train(applicant_id, ARRAY[gmv_90d, refund_share, night_share]::float8[],
                                        ARRAY['gmv_90d', 'refund_share', 'night_share'],
                                        '{"seed": 7, "trees": 50, "sample_size": 128, "name": "fraud_v2"}')
FROM (SELECT applicant_id, coalesce(gmv_90d, 0) AS gmv_90d, refund_share, night_share FROM applicants
      WHERE applicant_id <= 2000) a;

CREATE TABLE policies (name text PRIMARY KEY, policy jsonb);
INSERT INTO policies VALUES
('limit', '{"bands": [{"max_pd": 0.02, "revenue_multiple": 3, "name": "A"},
                      {"max_pd": 0.05, "revenue_multiple": 2, "name": "B"},
                      {"max_pd": 0.10, "revenue_multiple": 1, "name": "C"}],
            "debt_service": {"max_share": 0.3, "annual_rate": 0.24, "term_months": 12},
            "min_limit": 1000, "max_limit": 100000, "rounding_step": 500}'),
('price', '{"cost_of_funds": 0.05, "acquisition_cost": 0.012, "credit_data_cost": 0.003,
            "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04,
            "apr_cap": 0.24, "pd_horizon_months": 12}');

CREATE TABLE products (
  product_id text PRIMARY KEY, bank text, product_type text,
  min_amount numeric, max_amount numeric, min_term int, max_term int,
  rate numeric, min_rate numeric, max_rate numeric,
  rules jsonb, approval_model loan_risk.scorecard, repayment_method text);
INSERT INTO products VALUES
('tax-A', 'Bank A', 'tax_loan', 5000, 50000, 6, 24, 0.10, NULL, NULL,
 '[{"name": "tax", "dimension": "process", "reason": "Tax records required", "column": "has_tax_records", "op": "=", "value": true},
   {"name": "tenure", "dimension": "applicant", "reason": "At least a year of trading", "column": "months_active", "op": ">=", "value": 12}]',
 '{"format": "loan_risk.scorecard/1", "scaling": {"pdo": 20, "base_score": 600, "base_odds": 1}, "base_points": 600,
   "features": [{"name": "gmv_90d", "type": "numeric", "bins": [{"upper": 5000, "points": -40}, {"upper": null, "points": 60}],
                 "missing": {"points": -20}}]}', NULL),
('owner-B', 'Bank B', 'owner_loan', 1000, 100000, 6, 36, NULL, 0.08, 0.20,
 '[{"dimension": "applicant", "reason": "Eastern regions only", "column": "region", "op": "in",
    "value": ["zhejiang", "jiangsu", "other_east"]}]',
 '{"format": "loan_risk.scorecard/1", "scaling": {"pdo": 20, "base_score": 600, "base_odds": 1}, "base_points": 590,
   "features": [{"name": "months_active", "type": "numeric", "bins": [{"upper": 24, "points": -30}, {"upper": null, "points": 50}],
                 "missing": {"points": -10}}]}', 'equal_principal'),
('flow-C', 'Bank C', 'revenue_loan', 2000, 30000, 3, 12, 0.14, NULL, NULL, '[]',
 '{"format": "loan_risk.scorecard/1", "scaling": {"pdo": 20, "base_score": 600, "base_odds": 1}, "base_points": 620,
   "features": [{"name": "refund_share", "type": "numeric", "bins": [{"upper": 0.1, "points": 20}, {"upper": null, "points": -60}],
                 "missing": {"points": 0}}]}', NULL),
('bill-D', 'Bank D', 'bill_loan', 1000, 20000, 3, 12, 0.16, NULL, NULL, '[]', NULL, NULL);

-- The strategy, assembled in one statement from the values above.
CREATE TABLE strategies (name text PRIMARY KEY, strategy loan_risk.strategy);
INSERT INTO strategies
SELECT 'online', jsonb_build_object(
  'format', 'loan_risk.strategy/1', 'name', 'smb_online', 'version', '2024.06',
  'description', 'Online credit for small merchants', 'key', 'applicant_id',
  'stages', jsonb_build_object(
    'knock_out', jsonb_build_object('rules', '[
       {"name": "KO_TENURE", "dimension": "applicant", "reason": "Business younger than 6 months",
        "column": "months_active", "op": ">=", "value": 6},
       {"name": "KO_REGION", "dimension": "applicant", "reason": "Region not served",
        "column": "region", "op": "not in", "value": ["north"], "if_null": "pass"},
       {"name": "KO_AMOUNT", "dimension": "loan", "reason": "Requested amount out of range",
        "column": "requested_amount", "op": "between", "value": [1000, 100000], "if_null": "pass"}]'::jsonb),
    'identity', jsonb_build_object(
      'checks', '[{"column": "owner_id", "kind": "resident_id", "code": "ID_INVALID",
                   "reason": "Owner identity number must be valid"}]'::jsonb,
      'lists', '[{"code": "BLACKLIST_OWNER", "list": "black", "schema": "risk", "table": "blacklist",
                  "key_column": "id_key", "column": "owner_id", "normalize": "resident_id",
                  "reason": "Owner is on the blacklist"},
                 {"code": "GREYLIST_MOBILE", "list": "grey", "schema": "risk", "table": "greylist",
                  "key_column": "mobile", "column": "mobile", "normalize": "mobile",
                  "reason": "Mobile number is on the watch list"},
                 {"code": "WHITELIST_MOBILE", "list": "white", "schema": "risk", "table": "whitelist",
                  "key_column": "mobile", "column": "mobile", "normalize": "mobile",
                  "reason": "Known good customer"}]'::jsonb),
    'anomaly', jsonb_build_object('model', (SELECT model::jsonb FROM models WHERE name = 'fraud'),
                                  'refer_at', 0.62, 'decline_at', 0.7),
    'score', jsonb_build_object(
      'arms', jsonb_build_array(
        jsonb_build_object('name', 'champion', 'share', 0.9, 'approve_at', 600, 'decline_below', 560,
                           'card', (SELECT card::jsonb FROM cards WHERE name = 'champion')),
        jsonb_build_object('name', 'challenger', 'share', 0.1, 'approve_at', 595, 'decline_below', 565,
                           'card', (SELECT card::jsonb FROM cards WHERE name = 'challenger'))),
      'shadows', jsonb_build_array(
        jsonb_build_object('name', 'next_gen', 'approve_at', 610, 'decline_below', 570,
                           'card', (SELECT card::jsonb FROM cards WHERE name = 'next_gen')))),
    'limit', jsonb_build_object('policy', (SELECT policy FROM policies WHERE name = 'limit'),
                                'monthly_revenue', 'monthly_revenue', 'existing_debt', 'existing_debt',
                                'requested_amount', 'requested_amount'),
    'price', jsonb_build_object('policy', (SELECT policy FROM policies WHERE name = 'price'),
                                'lgd', 0.45, 'term_months', 12, 'requested_term', 'requested_term',
                                'upfront_fee_rate', 0.01),
    'offers', jsonb_build_object('min_probability', 0.6, 'max_results', 2,
      'products', (SELECT jsonb_agg(to_jsonb(p) || jsonb_build_object('approval_model', p.approval_model::jsonb)
                                    ORDER BY p.product_id) FROM products p))
  ))::loan_risk.strategy;

-- The same without lists: a strategy that reads no table (decide, IMMUTABLE).
INSERT INTO strategies
SELECT 'pure', jsonb_set(jsonb_set(strategy::jsonb, '{stages,identity}',
                                   ((strategy::jsonb) #> '{stages,identity}') - 'lists'),
                         '{name}', '"smb_pure"')::loan_risk.strategy
FROM strategies WHERE name = 'online';

ANALYZE applicants;
RESET client_min_messages;
\set ON_ERROR_STOP 0
\set QUIET off
