-- The decision part of `make demo` (scripts/demo.sql includes it): the whole
-- chain on the sample applicants, transactions -> merchant features ->
-- decision -> offers, with one approval, one referral and one decline, each
-- explained stage by stage.  Needs the table applicants of scripts/demo.sql.
\set QUIET on
SET TimeZone = 'Asia/Shanghai';

-- Card payments of the first 500 sample merchants over the year to 2024-06-30
-- (deterministic), indexed on merchant and time as a payments table would be.
CREATE TABLE payments AS
SELECT a.id AS merchant_id,
       timestamptz '2024-06-30 20:00' - ((hashint4(a.id * 1000 + k) & 1048575) % 365) * interval '1 day'
         - ((hashint4(a.id * 3000 + k) & 1023) % 14) * interval '1 hour' AS ts,
       round((40 + (hashint4(a.id * 5000 + k) & 65535) / 65536.0 * coalesce(a.gmv_90d, 2000) / 8)::numeric, 2)
         * CASE WHEN (hashint4(a.id * 7000 + k) & 1023) < 3072 * coalesce(a.refund_share, 0.05) THEN -1 ELSE 1 END AS amount,
       'payer' || (hashint4(a.id * 9000 + k) & 1023) % greatest(3, (200 * coalesce(a.repeat_payer_share, 0.2))::int) AS payer
FROM applicants a, generate_series(1, 40 + a.id % 120) k
WHERE a.id <= 500;
CREATE INDEX ON payments (merchant_id, ts);

-- The lender's blacklist (normalised keys), and the partner banks' products.
CREATE TABLE blacklist (merchant_key text PRIMARY KEY);
INSERT INTO blacklist VALUES ('M00000042');
CREATE TABLE partner_products (
  product_id text PRIMARY KEY, bank text, product_type text, min_amount numeric, max_amount numeric,
  min_term int, max_term int, rate numeric, min_rate numeric, max_rate numeric, rules jsonb,
  approval_model loan_risk.scorecard);
INSERT INTO partner_products VALUES
('flow-A', 'Bank A', 'revenue_loan', 2000, 50000, 3, 12, NULL, 0.09, 0.18,
 '[{"dimension": "applicant", "reason": "At least a year of trading", "column": "months_active", "op": ">=", "value": 12}]',
 '{"format": "loan_risk.scorecard/1", "scaling": {"pdo": 20, "base_score": 600, "base_odds": 1}, "base_points": 600,
   "features": [{"name": "months_active", "type": "numeric", "bins": [{"upper": 24, "points": 20}, {"upper": null, "points": 50}]}]}'),
('shop-B', 'Bank B', 'merchant_loan', 1000, 30000, 6, 24, 0.12, NULL, NULL,
 '[{"dimension": "applicant", "reason": "Eastern regions only", "column": "region", "op": "in", "value": ["zhejiang", "jiangsu", "other_east"]}]',
 '{"format": "loan_risk.scorecard/1", "scaling": {"pdo": 20, "base_score": 600, "base_odds": 1}, "base_points": 610,
   "features": [{"name": "industry", "type": "categorical", "bins": [{"values": ["ecommerce", "retail"], "points": 30}], "unseen": {"points": 5}}]}');

-- The decision card reads the merchant's profile at decision time ("profile.x"
-- is field x of the applicant row's composite column "profile").
INSERT INTO scorecards VALUES ('smb_live', '{"format": "loan_risk.scorecard/1", "name": "smb_live",
  "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50}, "base_points": 474,
  "features": [
    {"name": "months_active", "type": "numeric", "reason": "Short trading history",
     "bins": [{"upper": 6, "points": 0}, {"upper": 24, "points": 20}, {"upper": 48, "points": 40}, {"upper": null, "points": 55}]},
    {"name": "profile.revenue_90d", "type": "numeric", "reason": "Low recent sales",
     "bins": [{"upper": 3000, "points": 0}, {"upper": 12000, "points": 18}, {"upper": null, "points": 36}], "missing": {"points": 0}},
    {"name": "profile.refund_share_90d", "type": "numeric", "reason": "High share of refunds",
     "bins": [{"upper": 0.05, "points": 30}, {"upper": 0.15, "points": 12}, {"upper": null, "points": 0}], "missing": {"points": 10}},
    {"name": "profile.active_days_90d", "type": "numeric", "reason": "Few days of activity",
     "bins": [{"upper": 20, "points": 0}, {"upper": 45, "points": 10}, {"upper": null, "points": 20}], "missing": {"points": 0}},
    {"name": "region", "type": "categorical", "reason": "Region",
     "bins": [{"values": ["zhejiang", "jiangsu"], "points": 15}, {"values": ["west"], "points": 0}], "unseen": {"points": 8}, "missing": {"points": 5}}]}');

-- The strategy, assembled in one statement from the tables above.
CREATE TABLE strategies (name text PRIMARY KEY, strategy loan_risk.strategy NOT NULL);
INSERT INTO strategies
SELECT 'smb_live', jsonb_build_object(
  'format', 'loan_risk.strategy/1', 'name', 'smb_live', 'version', '2024.06', 'key', 'merchant_key',
  'stages', jsonb_build_object(
    'knock_out', '{"rules": [
       {"name": "KO_TENURE", "dimension": "applicant", "reason": "Business younger than 3 months", "column": "months_active", "op": ">=", "value": 3},
       {"name": "KO_DORMANT", "dimension": "applicant", "reason": "No sales in the last 30 days", "column": "profile.sales_count_30d", "op": ">", "value": 0}]}'::jsonb,
    'identity', jsonb_build_object('lists', jsonb_build_array(jsonb_build_object(
       'code', 'BLACKLIST', 'list', 'black', 'schema', current_schema(), 'table', 'blacklist', 'key_column', 'merchant_key',
       'column', 'merchant_key', 'reason', 'Merchant is on the blacklist'))),
    'score', jsonb_build_object('arms', jsonb_build_array(jsonb_build_object(
       'name', 'champion', 'approve_at', 600, 'decline_below', 575, 'card', (SELECT card::jsonb FROM scorecards WHERE name = 'smb_live')))),
    'limit', jsonb_build_object('monthly_revenue', 'profile.revenue_30d', 'policy',
       '{"bands": [{"max_pd": 0.02, "revenue_multiple": 2, "name": "A"}, {"max_pd": 0.06, "revenue_multiple": 1, "name": "B"}],
         "min_limit": 1000, "max_limit": 50000, "rounding_step": 100}'::jsonb),
    'price', '{"lgd": 0.45, "term_months": 12, "policy": {"cost_of_funds": 0.05, "acquisition_cost": 0.01,
               "credit_data_cost": 0.002, "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04,
               "apr_cap": 0.24}}'::jsonb,
    'offers', jsonb_build_object('min_probability', 0.8, 'max_results', 2, 'products',
       (SELECT jsonb_agg(to_jsonb(p) || jsonb_build_object('approval_model', p.approval_model::jsonb) ORDER BY product_id)
        FROM partner_products p))))::loan_risk.strategy;

-- Each merchant as the decision sees it: its columns, a key, and its profile
-- computed from its own payments in the same statement.
CREATE VIEW applicants_now AS
SELECT a.*, 'M' || lpad(a.id::text, 8, '0') AS merchant_key, f.profile
FROM applicants a,
     LATERAL (SELECT loan_risk.merchant_features(p.ts, p.amount, p.payer, timestamptz '2024-06-30 23:59') AS profile
              FROM payments p WHERE p.merchant_id = a.id
                AND p.ts > timestamptz '2024-06-30 23:59' - interval '365 days') f;

CREATE TABLE decisions AS
SELECT x.id, d.*
FROM applicants_now x, strategies s, LATERAL loan_risk.decide_stable(s.strategy, x) d
WHERE s.name = 'smb_live' AND x.id <= 500;
\set QUIET off

\echo '== 500 merchants decided at decision time (profile from their payments, in the same statement)'
SELECT outcome, stage, count(*) AS merchants, round(avg(score)::numeric, 1) AS mean_score,
       sum(limit_amount) AS total_limit
FROM decisions GROUP BY 1, 2 ORDER BY 1, 2;

\echo '== one approval, one referral and one decline'
SELECT id, outcome, stage, reason_codes, score, round(pd::numeric, 4) AS pd, limit_amount, annual_rate,
       first_payment, apr, cardinality(offers) AS offers
FROM decisions
WHERE id IN ((SELECT min(id) FROM decisions WHERE outcome = 'approve'),
             (SELECT min(id) FROM decisions WHERE outcome = 'refer'),
             (SELECT min(id) FROM decisions WHERE outcome = 'decline' AND stage = 'score'))
ORDER BY outcome;

\echo '== why: each of them, stage by stage (decide_detail: what each stage saw and concluded)'
SELECT x.id, d.step, d.stage, d.result,
       coalesce(nullif(array_to_string(d.reasons, '; '), ''),
                CASE d.stage WHEN 'limit' THEN d.saw->>'reason' WHEN 'price' THEN d.saw->>'reason' END) AS why
FROM applicants_now x, strategies s, LATERAL loan_risk.decide_detail(s.strategy, x) d
WHERE s.name = 'smb_live'
  AND x.id IN ((SELECT min(id) FROM decisions WHERE outcome = 'approve'),
               (SELECT min(id) FROM decisions WHERE outcome = 'refer'),
               (SELECT min(id) FROM decisions WHERE outcome = 'decline' AND stage = 'score'))
ORDER BY x.id, d.step;

\echo '== the score of each, feature by feature: the value seen and its points'
SELECT f.name AS feature,
       max(f.value) FILTER (WHERE x.id = (SELECT min(id) FROM decisions WHERE outcome = 'approve')) AS approved_value,
       max(f.points) FILTER (WHERE x.id = (SELECT min(id) FROM decisions WHERE outcome = 'approve')) AS points,
       max(f.value) FILTER (WHERE x.id = (SELECT min(id) FROM decisions WHERE outcome = 'refer')) AS referred_value,
       max(f.points) FILTER (WHERE x.id = (SELECT min(id) FROM decisions WHERE outcome = 'refer')) AS points,
       max(f.value) FILTER (WHERE x.id = (SELECT min(id) FROM decisions WHERE outcome = 'decline' AND stage = 'score')) AS declined_value,
       max(f.points) FILTER (WHERE x.id = (SELECT min(id) FROM decisions WHERE outcome = 'decline' AND stage = 'score')) AS points
FROM applicants_now x, strategies s, LATERAL loan_risk.decide_detail(s.strategy, x) d,
     ROWS FROM (jsonb_to_recordset(d.saw->'features') AS (name text, value text, points float8))
       WITH ORDINALITY f(name, value, points, n)
WHERE s.name = 'smb_live' AND d.stage = 'score'
  AND x.id IN ((SELECT min(id) FROM decisions WHERE outcome = 'approve'),
               (SELECT min(id) FROM decisions WHERE outcome = 'refer'),
               (SELECT min(id) FROM decisions WHERE outcome = 'decline' AND stage = 'score'))
GROUP BY f.name, f.n ORDER BY f.n;

\echo '== the approval''s offers from the partner banks'
SELECT o.rank, o.product_id, o.bank, round(o.approval_probability::numeric, 3) AS approval_probability,
       o.rate, o.amount, o.term_months, o.monthly_payment
FROM decisions, unnest(offers) o
WHERE id = (SELECT min(id) FROM decisions WHERE outcome = 'approve');

\echo '== replayed from the log (the applicant as jsonb): the identical decisions'
SELECT count(*) AS replayed, count(*) FILTER (WHERE r IS DISTINCT FROM d) AS differ
FROM (SELECT loan_risk.replay(s.strategy, to_jsonb(x), (d).list_hits) AS r, d
      FROM applicants_now x, strategies s, LATERAL loan_risk.decide_stable(s.strategy, x) d
      WHERE s.name = 'smb_live' AND x.id <= 500) z;
