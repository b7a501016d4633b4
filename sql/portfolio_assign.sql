-- loan_risk.assign_cases: collections routing by roll-forward risk and balance within queue capacities.

-- Queues, tried in ascending rank: legal (90+ days past due and a balance of 5000 or more, 1 case),
-- human agents (risk 0.3 or more, 2 cases), robot calls (risk 0.1 or more, 3 cases), and a
-- self-cure reminder for everything else (no limit).
CREATE TABLE queues (queue text, rank integer, capacity integer, min_risk float8, min_balance numeric, min_dpd integer);
INSERT INTO queues VALUES ('legal', 1, 1, NULL, 5000, 90), ('human_agent', 2, 2, 0.3, NULL, NULL),
                          ('robot_call', 3, 3, 0.1, NULL, NULL), ('reminder', 4, NULL, NULL, NULL, NULL);
CREATE TABLE cases (case_id bigint, balance numeric, roll_forward_risk float8, dpd integer);
INSERT INTO cases VALUES
  (101, 12000, 0.60, 120),   -- expected loss 7200: legal
  (102, 8000, 0.70, 95),     -- 5600: legal is full -> human agent
  (103, 3000, 0.90, 40),     -- 2700: human agent
  (104, 9000, 0.25, 15),     -- 2250: not risky enough for an agent -> robot call
  (105, 2000, 0.50, 20),     -- 1000: agents full -> robot call
  (106, 1000, 0.15, 5),      -- 150: robot call
  (107, 100, 0.80, 10),      -- 80: robot calls full -> reminder
  (108, 5000, 0.02, 3),      -- 100: reminder
  (109, 0, 0.99, 60);        -- 0: reminder
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk, dpd FROM cases',
                                     'SELECT * FROM queues');
-- by risk first, then by balance first
SELECT case_id, queue, priority FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk, dpd FROM cases',
                                                            'SELECT * FROM queues', '{"order": "risk"}');
SELECT case_id, queue, priority FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk, dpd FROM cases',
                                                            'SELECT * FROM queues', '{"order": "balance"}');
-- without a catch-all queue some cases stay unassigned; a queue with capacity 0 takes nobody
SELECT case_id, queue, queue_rank, preferred_queue
FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk FROM cases',
                            $$SELECT queue, rank, CASE WHEN queue = 'robot_call' THEN 0 ELSE capacity END, min_risk, min_balance
                              FROM queues WHERE queue <> 'reminder' AND queue <> 'legal'$$);
-- ties: the same expected loss, risk and balance go by case id
SELECT case_id, queue, priority FROM loan_risk.assign_cases(
  'SELECT * FROM (VALUES (3, 100, 0.5), (1, 100, 0.5), (2, 100, 0.5), (4, 50, 1.0)) v',
  $$VALUES ('a', 1, 2, NULL::float8, NULL::numeric), ('b', 2, NULL, NULL, NULL)$$);

-- Empty cases, NULL arguments
SELECT count(*) FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk, dpd FROM cases WHERE false', 'SELECT * FROM queues');
SELECT count(*) FROM loan_risk.assign_cases(NULL, 'SELECT * FROM queues');

-- A larger book: 5000 cases, capacities and priorities checked in SQL.
CREATE TABLE big_cases AS
SELECT i::bigint AS case_id,
       round((100 + 50000 * ((hashint4(i) & 2147483647) / 2147483647.0) ^ 3)::numeric, 2) AS balance,
       ((hashint4(i + 1000000) & 2147483647) / 2147483647.0)::float8 AS risk,
       ((hashint4(i + 2000000) & 2147483647) % 150) AS dpd
FROM generate_series(1, 5000) i;
CREATE TABLE big_queues (queue text, rank integer, capacity integer, min_risk float8, min_balance numeric, min_dpd integer);
INSERT INTO big_queues VALUES ('legal', 10, 40, 0.5, 20000, 90), ('human_agent', 20, 400, 0.4, 1000, NULL),
                              ('robot_call', 30, 1500, 0.2, NULL, NULL), ('reminder', 40, 2000, NULL, NULL, NULL);
CREATE TABLE big_assigned AS
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, risk, dpd FROM big_cases', 'SELECT * FROM big_queues');
-- every case once, in priority order 1..n
SELECT count(*) AS cases, count(DISTINCT case_id) AS distinct_cases, min(priority), max(priority),
       count(*) FILTER (WHERE queue IS NULL) AS unassigned FROM big_assigned;
-- no queue over its capacity
SELECT q.queue, q.capacity, count(a.case_id) AS assigned, count(a.case_id) <= q.capacity AS within_capacity
FROM big_queues q LEFT JOIN big_assigned a ON a.queue = q.queue GROUP BY q.queue, q.capacity, q.rank ORDER BY q.rank;
-- priority is expected loss descending (risk x balance)
SELECT bool_and(abs(a.expected_loss - c.risk * c.balance::float8) <= 1e-9 * c.balance::float8) AS expected_loss_ok,
       bool_and(a.expected_loss >= coalesce(n.expected_loss, 0)) AS priority_order_ok
FROM big_assigned a JOIN big_cases c USING (case_id)
LEFT JOIN big_assigned n ON n.priority = a.priority + 1;
-- every assignment is eligible; a case goes to a later queue only when every earlier queue it is
-- eligible for was already full when its turn came; the preferred queue is the first eligible one
WITH elig AS (
  SELECT a.case_id, a.priority, a.queue, q.queue AS q, q.rank
  FROM big_assigned a JOIN big_cases c USING (case_id)
  JOIN big_queues q ON (q.min_risk IS NULL OR c.risk >= q.min_risk) AND (q.min_balance IS NULL OR c.balance >= q.min_balance)
                   AND (q.min_dpd IS NULL OR c.dpd >= q.min_dpd))
SELECT (SELECT count(*) FROM big_assigned a WHERE a.queue IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM elig e WHERE e.case_id = a.case_id AND e.q = a.queue)) AS ineligible_assignments,
       (SELECT count(*) FROM elig e JOIN big_queues aq ON aq.queue = e.queue
        WHERE e.rank < aq.rank
          AND (SELECT count(*) FROM big_assigned b WHERE b.queue = e.q AND b.priority < e.priority)
              < (SELECT capacity FROM big_queues WHERE queue = e.q)) AS skipped_a_free_queue,
       (SELECT count(*) FROM elig e WHERE e.queue IS NULL
          AND (SELECT count(*) FROM big_assigned b WHERE b.queue = e.q AND b.priority < e.priority)
              < (SELECT capacity FROM big_queues WHERE queue = e.q)) AS unassigned_with_room,
       (SELECT count(*) FROM big_assigned a
        WHERE a.preferred_queue IS DISTINCT FROM (SELECT e.q FROM elig e WHERE e.case_id = a.case_id ORDER BY e.rank LIMIT 1))
         AS wrong_preferred;
-- deterministic: the same routing whatever order the queries return their rows in
SELECT count(*) AS differences FROM (
  SELECT * FROM big_assigned
  EXCEPT ALL
  SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, risk, dpd FROM big_cases ORDER BY hashint8(case_id)',
                                       'SELECT * FROM big_queues ORDER BY rank DESC')) d;
SELECT queue, count(*), round(avg(expected_loss)::numeric, 1) AS mean_expected_loss
FROM big_assigned GROUP BY queue ORDER BY min(priority);

-- Errors
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk FROM cases', 'SELECT * FROM queues WHERE false');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk FROM cases', 'SELECT * FROM queues');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk, dpd FROM cases UNION ALL SELECT 101, 1, 0.5, 1',
                                     'SELECT * FROM queues');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, 1.5 FROM cases', 'SELECT * FROM queues');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, ''NaN''::float8 FROM cases', 'SELECT * FROM queues');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, NULL::float8 FROM cases', 'SELECT * FROM queues');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, -balance, roll_forward_risk FROM cases', 'SELECT * FROM queues');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, NULL::numeric, roll_forward_risk FROM cases', 'SELECT * FROM queues');
SELECT * FROM loan_risk.assign_cases('SELECT NULL::bigint, balance, roll_forward_risk FROM cases', 'SELECT * FROM queues');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk, NULL::int FROM cases', 'SELECT * FROM queues');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk, -dpd FROM cases', 'SELECT * FROM queues');
SELECT * FROM loan_risk.assign_cases('SELECT case_id::text, balance, roll_forward_risk FROM cases', 'SELECT * FROM queues');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance FROM cases', 'SELECT * FROM queues');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk, dpd FROM cases',
                                     'SELECT * FROM queues UNION ALL SELECT ''legal'', 9, 1, NULL, NULL, NULL');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk, dpd FROM cases',
                                     'SELECT * FROM queues UNION ALL SELECT ''court'', 1, 1, NULL, NULL, NULL');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk, dpd FROM cases',
                                     'SELECT queue, rank, -1, min_risk, min_balance FROM queues');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk, dpd FROM cases',
                                     'SELECT queue, rank, capacity, 2.0, min_balance FROM queues');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk, dpd FROM cases',
                                     'SELECT NULL::text, rank, capacity, min_risk, min_balance FROM queues');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk, dpd FROM cases',
                                     'SELECT queue, NULL::int, capacity, min_risk, min_balance FROM queues');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk, dpd FROM cases',
                                     'SELECT queue, rank, capacity, min_risk, min_balance, -5 FROM queues');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk, dpd FROM cases',
                                     'SELECT rank, queue, capacity, min_risk, min_balance FROM queues');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk, dpd FROM cases', 'SELECT * FROM queues',
                                     '{"order": "dpd"}');
SELECT * FROM loan_risk.assign_cases('SELECT case_id, balance, roll_forward_risk, dpd FROM cases', 'SELECT * FROM queues',
                                     '{"capacity": 3}');
