-- Features at decision time: one statement computes a merchant's profile from
-- its own transactions (an index on merchant and time) and hands it to the
-- decision as a composite column "profile" of the applicant row; the
-- strategy's cards, rules and limit read "profile.x", field x of it.
SET TimeZone = 'Asia/Shanghai';
CREATE TABLE merchants (merchant_id int PRIMARY KEY, region text, owner_age int, requested_amount numeric);
INSERT INTO merchants
SELECT i, (ARRAY['zhejiang', 'jiangsu', 'west'])[1 + (hashint4(i) & 1023) % 3], 22 + (hashint4(i * 3) & 1023) % 40,
       CASE WHEN i % 3 = 0 THEN 5000 + 100 * (i % 50) END
FROM generate_series(1, 300) i;
CREATE TABLE transactions (merchant_id int, ts timestamptz, amount numeric(12,2), payer text);
INSERT INTO transactions
SELECT m, timestamptz '2024-06-30 12:00' - ((hashint4(m * 1000 + k) & 1048575) % 365) * interval '1 day'
            - ((hashint4(m * 7000 + k) & 1023) % 24) * interval '1 hour',
       round((20 + (hashint4(m * 3000 + k) & 65535) / 65536.0 * 200 * (1 + m % 7))::numeric, 2)
         * CASE WHEN (hashint4(m * 5000 + k) & 63) = 0 THEN -1 ELSE 1 END,
       'p' || (hashint4(m * 9000 + k) & 1023) % (5 + m % 40)
FROM generate_series(1, 300) m, generate_series(1, 20 + m % 180) k;
CREATE INDEX ON transactions (merchant_id, ts);
ANALYZE merchants, transactions;

CREATE TABLE live (s loan_risk.strategy);
INSERT INTO live VALUES ('{"format": "loan_risk.strategy/1", "name": "live", "version": "1", "stages": {
  "knock_out": {"rules": [
    {"name": "KO_AGE", "dimension": "applicant", "reason": "Owner aged 25 or more", "column": "owner_age", "op": ">=", "value": 25},
    {"name": "KO_ACTIVE", "dimension": "applicant", "reason": "Trading in the last 30 days", "column": "profile.txn_count_30d", "op": ">", "value": 0}]},
  "score": {"arms": [{"name": "champion", "approve_at": 620, "decline_below": 590, "card": {
    "format": "loan_risk.scorecard/1", "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50}, "base_points": 560,
    "features": [
      {"name": "profile.revenue_90d", "type": "numeric", "bins": [{"upper": 20000, "points": 0}, {"upper": 60000, "points": 25}, {"upper": null, "points": 45}], "missing": {"points": 0}},
      {"name": "profile.refund_share_90d", "type": "numeric", "bins": [{"upper": 0.02, "points": 20}, {"upper": null, "points": 0}], "missing": {"points": 5}},
      {"name": "profile.active_days_90d", "type": "numeric", "bins": [{"upper": 20, "points": 0}, {"upper": null, "points": 15}], "missing": {"points": 0}},
      {"name": "region", "type": "categorical", "bins": [{"values": ["zhejiang", "jiangsu"], "points": 10}], "unseen": {"points": 0}, "missing": {"points": 0}}]}}]},
  "limit": {"monthly_revenue": "profile.revenue_30d", "requested_amount": "requested_amount",
            "policy": {"bands": [{"max_pd": 0.03, "revenue_multiple": 2}, {"max_pd": 0.08, "revenue_multiple": 1}], "min_limit": 1000, "rounding_step": 100}}}}');

-- One merchant, at decision time: its transactions through the index, its
-- profile, and the decision, in one statement.
PREPARE decide_one(int) AS
SELECT d.outcome, d.stage, d.reason_codes, d.score, d.limit_amount, d.amount
FROM merchants m,
     LATERAL (SELECT loan_risk.merchant_features(t.ts, t.amount, t.payer, timestamptz '2024-06-30 23:59') AS profile
              FROM transactions t
              WHERE t.merchant_id = m.merchant_id AND t.ts > timestamptz '2024-06-30 23:59' - interval '365 days') f,
     LATERAL (SELECT m.*, f.profile) applicant,
     LATERAL loan_risk.decide((SELECT s FROM live), applicant) d
WHERE m.merchant_id = $1;
EXPLAIN (COSTS OFF) EXECUTE decide_one(76);
EXECUTE decide_one(76);
EXECUTE decide_one(3);
EXECUTE decide_one(1);

-- The same decisions from profiles computed beforehand for every merchant (GROUP BY).
CREATE TABLE profiles AS
SELECT merchant_id, loan_risk.merchant_features(ts, amount, payer, timestamptz '2024-06-30 23:59') AS profile
FROM transactions WHERE ts > timestamptz '2024-06-30 23:59' - interval '365 days' GROUP BY merchant_id;
CREATE TABLE at_decision_time AS
SELECT m.merchant_id, d
FROM merchants m,
     LATERAL (SELECT loan_risk.merchant_features(t.ts, t.amount, t.payer, timestamptz '2024-06-30 23:59') AS profile
              FROM transactions t
              WHERE t.merchant_id = m.merchant_id AND t.ts > timestamptz '2024-06-30 23:59' - interval '365 days') f,
     LATERAL (SELECT m.*, f.profile) applicant,
     LATERAL loan_risk.decide((SELECT s FROM live), applicant) d;
SELECT count(*) AS merchants,
       count(*) FILTER (WHERE x.d IS DISTINCT FROM y.d) AS differ
FROM at_decision_time x
JOIN (SELECT m.merchant_id, loan_risk.decide(l.s, a) AS d
      FROM merchants m JOIN profiles p USING (merchant_id), live l,
           LATERAL (SELECT m.*, p.profile) a) y USING (merchant_id);
SELECT (d).outcome, (d).stage, count(*) FROM at_decision_time GROUP BY 1, 2 ORDER BY 1, 2;
-- The cards' scores are those of score() on the same nested rows.
SELECT count(*) AS scored,
       bool_and((x.d).score = loan_risk.score((l.s::jsonb #>> '{stages,score,arms,0,card}')::loan_risk.scorecard, a)) AS same_as_score
FROM at_decision_time x JOIN merchants m USING (merchant_id) JOIN profiles p USING (merchant_id), live l,
     LATERAL (SELECT m.*, p.profile) a
WHERE (x.d).score IS NOT NULL;
-- A merchant without transactions has a NULL profile: every field read from it is NULL.
INSERT INTO merchants VALUES (999, 'zhejiang', 40, NULL);
EXECUTE decide_one(999);
