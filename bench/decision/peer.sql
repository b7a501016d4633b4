-- bench/decision (peer): one decision for a random applicant of :n, its
-- merchant profile computed from its own transactions in the same statement.
\set id random(1, :n)
SELECT (dec_reference((SELECT m FROM peer_models), x)).outcome
FROM applicants a,
     LATERAL (SELECT loan_risk.merchant_features(t.ts, t.amount, t.payer, timestamptz '2024-06-30 23:59') AS profile
              FROM transactions t
              WHERE t.merchant_id = a.applicant_id AND t.ts > timestamptz '2024-06-30 23:59' - interval '365 days') f,
     LATERAL (SELECT a.*, f.profile) x
WHERE a.applicant_id = :id;
