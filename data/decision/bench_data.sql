-- Data of bench/decision (deterministic: every draw is a hash of its inputs):
--
--   applicants    :n_applicants merchants applying (key applicant_id = merchant_id)
--   transactions  :n_transactions card payments of those merchants over a year,
--                 indexed on (merchant_id, ts)
--   risk.blacklist :n_blacklist normalised resident identity numbers; risk.greylist mobiles
--   products      :n_products partner products with rules and approval models
--   strategies    'live': features from the merchant's own transactions at decision
--                 time (profile.*), knock-outs, identity, blacklist and greylist,
--                 anomaly, champion/challenger with a shadow, limit, price, offers;
--                 'batch': the same on the applicants' precomputed columns, no lists
--
--   psql -v n_applicants=1000000 -v n_transactions=10000000 -v n_blacklist=10000000 \
--        -v n_products=200 -f data/decision/bench_data.sql
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET TimeZone = 'Asia/Shanghai';

CREATE FUNCTION dec_u(i bigint, salt int) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ((hashint8(i * 7919 + salt) & 2147483647) / 2147483648.0)::float8 $$;

-- A valid resident identity number (GB 11643) in integer arithmetic (11
-- million of them are generated): dec_id_number gives the 17 digits
-- (province, area, birth date, sequence) from a hash, dec_id_check appends
-- the check character of the weights 2^(18-k) mod 11.  Both are single
-- expressions that PostgreSQL inlines, as long as their argument is a plain
-- column (each reads it many times): callers compute the number in a
-- subquery kept apart by OFFSET 0.  (One SQL function with a FROM clause is
-- not inlined and costs about a millisecond a call.)
CREATE FUNCTION dec_id_number(h bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (('{11,12,13,14,15,21,22,23,31,32,33,34,35,36,37,41,42,43,44,45,46,50,51,52,53,54,61,62,63,64,65}'::bigint[])
            [(1 + h % 31)::int] * 10000 + h / 31 % 10000) * 100000000000
         + (1950 + h / 310000 % 50) * 10000000 + (1 + h / 15500000 % 12) * 100000
         + (1 + h / 186000000 % 28) * 1000 + h / 5208000000 % 1000
$$;
CREATE FUNCTION dec_id_check(n bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT n::text || substr('10X98765432', 1 + ((
      n / 10000000000000000 % 10 * 7 + n / 1000000000000000 % 10 * 9 + n / 100000000000000 % 10 * 10
    + n / 10000000000000 % 10 * 5 + n / 1000000000000 % 10 * 8 + n / 100000000000 % 10 * 4
    + n / 10000000000 % 10 * 2 + n / 1000000000 % 10 + n / 100000000 % 10 * 6 + n / 10000000 % 10 * 3
    + n / 1000000 % 10 * 7 + n / 100000 % 10 * 9 + n / 10000 % 10 * 10 + n / 1000 % 10 * 5
    + n / 100 % 10 * 8 + n / 10 % 10 * 4 + n % 10 * 2) % 11)::int, 1)
$$;

CREATE TABLE applicants AS
SELECT i AS applicant_id,
       (ARRAY['zhejiang', 'jiangsu', 'guangdong', 'other_east', 'central', 'west', 'north'])[1 + floor(dec_u(i, 2) * 7)::int] AS region,
       (ARRAY['retail', 'ecommerce', 'services', 'workshop', 'food_stall', 'logistics'])[1 + floor(dec_u(i, 3) * 6)::int] AS industry,
       floor(dec_u(i, 5) * 96)::int AS months_active,
       22 + floor(dec_u(i, 6) * 45)::int AS owner_age,
       dec_id_check(idn) AS owner_id,
       '13' || lpad((abs(hashint8(i * 13)) % 1000000000)::text, 9, '0') AS mobile,
       CASE WHEN dec_u(i, 15) < 0.5 THEN NULL ELSE round((2000 + 98000 * dec_u(i, 16))::numeric, -2) END AS requested_amount,
       CASE WHEN dec_u(i, 17) < 0.5 THEN NULL ELSE (ARRAY[6, 12, 24])[1 + floor(dec_u(i, 18) * 3)::int] END AS requested_term,
       round((3000 * dec_u(i, 14) ^ 3)::numeric, 2) AS existing_debt,
       dec_u(i, 21) < 0.8 AS has_tax_records,
       -- precomputed features (the nightly batch reads these instead of transactions)
       round((500 + 60000 * dec_u(i, 7) ^ 2)::numeric, 2) AS revenue_90d,
       round((200 + 20000 * dec_u(i, 7) ^ 2)::numeric, 2) AS revenue_30d,
       round((0.3 * dec_u(i, 8) ^ 2)::numeric, 4)::float8 AS refund_share_90d,
       round((0.45 * dec_u(i, 11))::numeric, 4)::float8 AS night_share_90d,
       round((0.7 * dec_u(i, 10))::numeric, 4)::float8 AS repeat_share_90d,
       floor(90 * dec_u(i, 12))::int AS active_days_90d
FROM (SELECT i, dec_id_number(hashint8extended(i, 0) & 9223372036854775807) AS idn
      FROM generate_series(1, :n_applicants) i OFFSET 0) g;
ALTER TABLE applicants ADD PRIMARY KEY (applicant_id);

-- Transactions: merchant m has a share of the n_transactions proportional to a
-- hashed activity, spread over the year before 2024-06-30.
CREATE TABLE transactions AS
SELECT 1 + (abs(hashint8(k)) % :n_applicants)::int AS merchant_id,
       timestamptz '2024-06-30 23:00' - (abs(hashint8(k * 5)) % 31536000) * interval '1 second' AS ts,
       round(((200 + 15000 * dec_u(k, 31) ^ 2) * CASE WHEN dec_u(k, 32) < 0.03 THEN -1 ELSE 1 END)::numeric, 2) AS amount,
       'p' || (abs(hashint8(k * 11)) % 5000000) AS payer
FROM generate_series(1, :n_transactions) k;
CREATE INDEX ON transactions (merchant_id, ts);

-- Lists, stored normalised.
CREATE SCHEMA risk;
CREATE TABLE risk.blacklist (id_key text PRIMARY KEY);
INSERT INTO risk.blacklist
SELECT dec_id_check(idn)
FROM (SELECT dec_id_number(hashint8extended(i, 0) & 9223372036854775807) AS idn
      FROM generate_series(10000001, 10000000 + :n_blacklist) i OFFSET 0) g
ON CONFLICT DO NOTHING;
INSERT INTO risk.blacklist SELECT owner_id FROM applicants WHERE applicant_id % 97 = 0 ON CONFLICT DO NOTHING;
CREATE TABLE risk.greylist (mobile text PRIMARY KEY);
INSERT INTO risk.greylist SELECT mobile FROM applicants WHERE applicant_id % 61 = 0 ON CONFLICT DO NOTHING;

-- Partner products: rules over the applicant's columns, a three-feature approval model each.
CREATE TABLE products AS
SELECT 'p' || lpad(p::text, 3, '0') AS product_id, 'Bank ' || (1 + p % 50) AS bank,
       (ARRAY['tax_loan', 'owner_loan', 'revenue_loan', 'bill_loan'])[1 + p % 4] AS product_type,
       (1000 * (1 + p % 5))::numeric AS min_amount, (20000 * (1 + p % 6))::numeric AS max_amount,
       3 + p % 4 AS min_term, 12 * (1 + p % 3) AS max_term,
       CASE WHEN p % 3 = 0 THEN NULL ELSE round((0.06 + 0.002 * (p % 40))::numeric, 4) END AS rate,
       CASE WHEN p % 3 = 0 THEN round((0.06 + 0.001 * (p % 30))::numeric, 4) END AS min_rate,
       CASE WHEN p % 3 = 0 THEN round((0.16 + 0.002 * (p % 30))::numeric, 4) END AS max_rate,
       jsonb_build_array(
         jsonb_build_object('dimension', 'applicant', 'reason', 'Regions served', 'column', 'region', 'op', 'in',
                            'value', (SELECT jsonb_agg(r) FROM unnest(ARRAY['zhejiang', 'jiangsu', 'guangdong', 'other_east', 'central', 'west', 'north']) WITH ORDINALITY u(r, n)
                                      WHERE (n + p) % 3 <> 0)),
         jsonb_build_object('dimension', 'applicant', 'reason', 'Trading long enough', 'column', 'months_active', 'op', '>=', 'value', 3 * (p % 9)),
         jsonb_build_object('dimension', 'applicant', 'reason', 'Owner age', 'column', 'owner_age', 'op', 'between', 'value', jsonb_build_array(20 + p % 5, 60 + p % 8)))
       || CASE WHEN p % 4 = 0 THEN jsonb_build_array(jsonb_build_object('dimension', 'process', 'reason', 'Tax records',
                                                                        'column', 'has_tax_records', 'op', '=', 'value', true))
               ELSE '[]'::jsonb END AS rules,
       jsonb_build_object('format', 'loan_risk.scorecard/1', 'name', 'p' || p,
         'scaling', '{"pdo": 20, "base_score": 600, "base_odds": 1}'::jsonb, 'base_points', 570 + p % 30,
         'features', jsonb_build_array(
           jsonb_build_object('name', 'months_active', 'type', 'numeric', 'bins', jsonb_build_array(
             jsonb_build_object('upper', 12, 'points', -20 - p % 10), jsonb_build_object('upper', 36, 'points', 10),
             jsonb_build_object('upper', null, 'points', 30 + p % 15))),
           jsonb_build_object('name', 'owner_age', 'type', 'numeric', 'bins', jsonb_build_array(
             jsonb_build_object('upper', 30, 'points', -10), jsonb_build_object('upper', 55, 'points', 15),
             jsonb_build_object('upper', null, 'points', -5))),
           jsonb_build_object('name', 'region', 'type', 'categorical', 'unseen', '{"points": 0}'::jsonb, 'bins', jsonb_build_array(
             jsonb_build_object('values', jsonb_build_array((ARRAY['zhejiang', 'jiangsu', 'guangdong'])[1 + p % 3]), 'points', 25)))))::loan_risk.scorecard
         AS approval_model,
       (ARRAY['equal_installment', 'equal_principal'])[1 + p % 2] AS repayment_method
FROM generate_series(1, :n_products) p;

-- Models, in the lender's tables: the champion and challenger cards, a shadow, the isolation forest.
CREATE TABLE cards (name text PRIMARY KEY, card loan_risk.scorecard);
INSERT INTO cards
SELECT v.name, replace(v.card, '$P', v.prefix)::loan_risk.scorecard
FROM (VALUES ('champion'), ('challenger'), ('shadow')) n(name),
     (VALUES ('live', 'profile.'), ('batch', '')) w(kind, prefix),
     LATERAL (SELECT n.name || CASE w.kind WHEN 'batch' THEN '_batch' ELSE '' END AS name, w.prefix,
                     CASE n.name
                     WHEN 'champion' THEN '{"format": "loan_risk.scorecard/1", "name": "smb_v7",
   "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50}, "base_points": 450, "features": [
   {"name": "months_active", "type": "numeric", "bins": [{"upper": 12, "points": 0}, {"upper": 24, "points": 20}, {"upper": 48, "points": 40}, {"upper": null, "points": 60}]},
   {"name": "$Prevenue_90d", "type": "numeric", "bins": [{"upper": 2000, "points": 0}, {"upper": 8000, "points": 14}, {"upper": 30000, "points": 28}, {"upper": null, "points": 44}], "missing": {"points": 0}},
   {"name": "$Prefund_share_90d", "type": "numeric", "bins": [{"upper": 0.02, "points": 40}, {"upper": 0.08, "points": 30}, {"upper": 0.15, "points": 16}, {"upper": null, "points": 0}], "missing": {"points": 16}},
   {"name": "$Prepeat_share_90d", "type": "numeric", "bins": [{"upper": 0.1, "points": 0}, {"upper": 0.25, "points": 8}, {"upper": null, "points": 24}], "missing": {"points": 8}},
   {"name": "$Pnight_share_90d", "type": "numeric", "bins": [{"upper": 0.1, "points": 20}, {"upper": 0.25, "points": 12}, {"upper": null, "points": 0}], "missing": {"points": 10}},
   {"name": "region", "type": "categorical", "bins": [{"values": ["zhejiang"], "points": 24}, {"values": ["jiangsu"], "points": 20}, {"values": ["guangdong", "other_east", "central"], "points": 12}], "unseen": {"points": 0}},
   {"name": "industry", "type": "categorical", "bins": [{"values": ["ecommerce"], "points": 20}, {"values": ["retail", "workshop", "services"], "points": 14}], "unseen": {"points": 6}}]}'
                     WHEN 'challenger' THEN '{"format": "loan_risk.scorecard/1", "name": "smb_v8",
   "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50}, "base_points": 462, "features": [
   {"name": "months_active", "type": "numeric", "bins": [{"upper": 12, "points": 4}, {"upper": 36, "points": 28}, {"upper": null, "points": 56}]},
   {"name": "$Prevenue_90d", "type": "numeric", "bins": [{"upper": 5000, "points": 4}, {"upper": 20000, "points": 24}, {"upper": null, "points": 46}], "missing": {"points": 0}},
   {"name": "$Prefund_share_90d", "type": "numeric", "bins": [{"upper": 0.05, "points": 38}, {"upper": 0.12, "points": 22}, {"upper": null, "points": 2}], "missing": {"points": 14}},
   {"name": "$Pactive_days_90d", "type": "numeric", "bins": [{"upper": 20, "points": 0}, {"upper": 60, "points": 14}, {"upper": null, "points": 24}], "missing": {"points": 0}},
   {"name": "has_tax_records", "type": "categorical", "bins": [{"values": ["true"], "points": 22}, {"values": ["false"], "points": 0}]},
   {"name": "region", "type": "categorical", "bins": [{"values": ["zhejiang", "jiangsu"], "points": 20}, {"values": ["west", "north"], "points": 2}], "unseen": {"points": 12}}]}'
                     ELSE '{"format": "loan_risk.scorecard/1", "name": "smb_v9_candidate",
   "scaling": {"pdo": 25, "base_score": 600, "base_odds": 40}, "base_points": 480, "features": [
   {"name": "months_active", "type": "numeric", "bins": [{"upper": 9, "points": 0}, {"upper": 30, "points": 30}, {"upper": null, "points": 60}]},
   {"name": "$Prevenue_90d", "type": "numeric", "bins": [{"upper": 10000, "points": 10}, {"upper": null, "points": 50}], "missing": {"points": 0}},
   {"name": "$Prefund_share_90d", "type": "numeric", "bins": [{"upper": 0.1, "points": 40}, {"upper": null, "points": 0}], "missing": {"points": 10}}]}'
                     END AS card) v;

-- The isolation forest, trained on the precomputed features of 100,000 merchants
-- (feature names as the strategy reads them).
CREATE TABLE models (name text PRIMARY KEY, model loan_risk.iforest);
INSERT INTO models
SELECT 'fraud_' || w.kind,
       loan_risk.iforest_train(a.applicant_id::bigint,
                               ARRAY[a.revenue_30d, a.refund_share_90d, a.night_share_90d]::float8[],
                               ARRAY[w.prefix || 'revenue_30d', w.prefix || 'refund_share_90d', w.prefix || 'night_share_90d'],
                               '{"seed": 11, "trees": 100, "sample_size": 256}')
FROM applicants a, (VALUES ('live', 'profile.'), ('batch', '')) w(kind, prefix)
WHERE a.applicant_id <= 100000
GROUP BY w.kind;

CREATE TABLE policies (name text PRIMARY KEY, policy jsonb);
INSERT INTO policies VALUES
('limit', '{"bands": [{"max_pd": 0.02, "revenue_multiple": 3, "name": "A"},
                      {"max_pd": 0.05, "revenue_multiple": 2, "name": "B"},
                      {"max_pd": 0.10, "revenue_multiple": 1, "name": "C"}],
            "debt_service": {"max_share": 0.3, "annual_rate": 0.24, "term_months": 12},
            "min_limit": 1000, "max_limit": 200000, "rounding_step": 100}'),
('price', '{"cost_of_funds": 0.05, "acquisition_cost": 0.012, "credit_data_cost": 0.003,
            "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04,
            "apr_cap": 0.24, "pd_horizon_months": 12}');

CREATE TABLE strategies (name text PRIMARY KEY, strategy loan_risk.strategy);
INSERT INTO strategies
SELECT w.kind, jsonb_build_object(
  'format', 'loan_risk.strategy/1', 'name', 'smb_' || w.kind, 'version', '2024.06', 'key', 'applicant_id',
  'stages', jsonb_build_object(
    'knock_out', jsonb_build_object('rules', '[
       {"name": "KO_TENURE", "dimension": "applicant", "reason": "Business younger than 6 months",
        "column": "months_active", "op": ">=", "value": 6},
       {"name": "KO_AGE", "dimension": "applicant", "reason": "Owner aged 22 to 65",
        "column": "owner_age", "op": "between", "value": [22, 65]},
       {"name": "KO_AMOUNT", "dimension": "loan", "reason": "Requested amount out of range",
        "column": "requested_amount", "op": "between", "value": [1000, 200000], "if_null": "pass"}]'::jsonb),
    'identity', jsonb_build_object(
      'checks', '[{"column": "owner_id", "kind": "resident_id", "code": "ID_INVALID",
                   "reason": "Owner identity number must be valid"}]'::jsonb)
      || CASE WHEN w.kind = 'live' THEN jsonb_build_object('lists', '[
                 {"code": "BLACKLIST_OWNER", "list": "black", "schema": "risk", "table": "blacklist",
                  "key_column": "id_key", "column": "owner_id", "normalize": "resident_id",
                  "reason": "Owner is on the blacklist"},
                 {"code": "GREYLIST_MOBILE", "list": "grey", "schema": "risk", "table": "greylist",
                  "key_column": "mobile", "column": "mobile", "normalize": "mobile",
                  "reason": "Mobile number is on the watch list"}]'::jsonb) ELSE '{}'::jsonb END,
    'anomaly', jsonb_build_object('model', (SELECT model::jsonb FROM models WHERE name = 'fraud_' || w.kind),
                                  'refer_at', 0.62, 'decline_at', 0.72),
    'score', jsonb_build_object(
      'arms', jsonb_build_array(
        jsonb_build_object('name', 'champion', 'share', 0.9, 'approve_at', 600, 'decline_below', 560,
                           'card', (SELECT card::jsonb FROM cards WHERE name = 'champion' || w.suffix)),
        jsonb_build_object('name', 'challenger', 'share', 0.1, 'approve_at', 595, 'decline_below', 565,
                           'card', (SELECT card::jsonb FROM cards WHERE name = 'challenger' || w.suffix))),
      'shadows', jsonb_build_array(
        jsonb_build_object('name', 'next_gen', 'approve_at', 610, 'decline_below', 570,
                           'card', (SELECT card::jsonb FROM cards WHERE name = 'shadow' || w.suffix)))),
    'limit', jsonb_build_object('policy', (SELECT policy FROM policies WHERE name = 'limit'),
                                'monthly_revenue', w.prefix || 'revenue_30d', 'existing_debt', 'existing_debt',
                                'requested_amount', 'requested_amount'),
    'price', jsonb_build_object('policy', (SELECT policy FROM policies WHERE name = 'price'),
                                'lgd', 0.45, 'term_months', 12, 'requested_term', 'requested_term',
                                'upfront_fee_rate', 0.01),
    'offers', jsonb_build_object('min_probability', 0.8, 'max_results', 3,
      'products', (SELECT jsonb_agg(to_jsonb(p) || jsonb_build_object('approval_model', p.approval_model::jsonb)
                                    ORDER BY p.product_id) FROM products p)))
  )::loan_risk.strategy
FROM (VALUES ('live', 'profile.', ''), ('batch', '', '_batch')) w(kind, prefix, suffix);

-- The score stage alone, for the cost of decide's own machinery next to score().
INSERT INTO strategies
SELECT 'score_only', jsonb_build_object('format', 'loan_risk.strategy/1', 'name', 'smb_score_only', 'version', '2024.06',
  'stages', jsonb_build_object('score', jsonb_build_object('arms', jsonb_build_array(
    jsonb_build_object('name', 'champion', 'approve_at', 600, 'decline_below', 560,
                       'card', (SELECT card::jsonb FROM cards WHERE name = 'champion_batch'))))))::loan_risk.strategy;

-- The decision log of the pgbench runs.
CREATE TABLE decision_log (id bigserial PRIMARY KEY, applicant_id int, decided_at timestamptz,
                           input jsonb, decision loan_risk.decision);

ALTER TABLE applicants SET (parallel_workers = 2);
VACUUM ANALYZE applicants, transactions, risk.blacklist, risk.greylist, products, strategies;
