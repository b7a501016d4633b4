-- Batch decisions: decide over a whole table in one query, in a parallel
-- plan (workers compile the strategy once each and look lists up with the
-- caller's rights), with the same decisions as a serial plan.
\set dec_n 6000
\set ECHO none
\i data/decision/fixture.sql
\set ECHO all

ALTER TABLE applicants SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers_per_gather = 2;

-- The strategy as an InitPlan: one value, passed to the workers.
EXPLAIN (COSTS OFF)
SELECT count(*) FROM applicants a
WHERE (loan_risk.decide((SELECT strategy FROM strategies WHERE name = 'pure'), a)).outcome = 'approve';
SELECT count(*) AS approved FROM applicants a
WHERE (loan_risk.decide((SELECT strategy FROM strategies WHERE name = 'pure'), a)).outcome = 'approve' \gset par_
SELECT md5(string_agg(d::text, ',' ORDER BY applicant_id)) AS digest
FROM (SELECT a.applicant_id, loan_risk.decide((SELECT strategy FROM strategies WHERE name = 'pure'), a) AS d
      FROM applicants a) x \gset par_
-- decide_stable looks the lists up from the workers.
EXPLAIN (COSTS OFF)
SELECT count(*) FROM applicants a
WHERE (loan_risk.decide_stable((SELECT strategy FROM strategies WHERE name = 'online'), a)).outcome = 'decline';
SELECT count(*) AS declined FROM applicants a
WHERE (loan_risk.decide_stable((SELECT strategy FROM strategies WHERE name = 'online'), a)).outcome = 'decline' \gset par_

SET max_parallel_workers_per_gather = 0;
SELECT count(*) = :par_approved AS parallel_equals_serial_approved FROM applicants a
WHERE (loan_risk.decide((SELECT strategy FROM strategies WHERE name = 'pure'), a)).outcome = 'approve';
SELECT md5(string_agg(d::text, ',' ORDER BY applicant_id)) = :'par_digest' AS parallel_equals_serial_decisions
FROM (SELECT a.applicant_id, loan_risk.decide((SELECT strategy FROM strategies WHERE name = 'pure'), a) AS d
      FROM applicants a) x;
SELECT count(*) = :par_declined AS parallel_equals_serial_with_lists FROM applicants a
WHERE (loan_risk.decide_stable((SELECT strategy FROM strategies WHERE name = 'online'), a)).outcome = 'decline';

-- A nightly re-decision written back: every applicant's outcome, arm, limit and rate.
CREATE TABLE redecided AS
SELECT a.applicant_id, d.outcome, d.arm, d.limit_amount, d.annual_rate, d.strategy_hash
FROM applicants a, strategies s, LATERAL loan_risk.decide(s.strategy, a) d WHERE s.name = 'pure';
SELECT outcome, count(*), sum(limit_amount) AS total_limit FROM redecided GROUP BY 1 ORDER BY 1;
-- Strategies joined row by row (a table of strategies per segment): each row uses its own.
SELECT s.name, count(*) AS decided, count(DISTINCT d.strategy_name) AS names
FROM applicants a JOIN strategies s ON s.name = CASE WHEN a.applicant_id % 2 = 0 THEN 'pure' ELSE 'online' END,
     LATERAL loan_risk.decide_stable(s.strategy, a) d
GROUP BY 1 ORDER BY 1;
