-- loan_risk.borrowing_features: borrowing behaviour from past loans, against a
-- plain-SQL reference of the same definitions (doc/features.md).

SET jit = off;

-- A worked example: four short loans in six months, each taken within days of
-- repaying the previous one, smaller than the merchant's earlier loans.
SELECT (b).*
FROM (SELECT loan_risk.borrowing_features(start_date, end_date, amount, dpd) AS b
      FROM (VALUES ('2023-01-10'::date, '2023-04-10'::date, 5000.00, 0),
                   ('2023-06-01', '2023-09-01', 4000.00, 3),
                   ('2024-03-01', '2024-03-20', 1500.00, 0),
                   ('2024-03-22', '2024-04-10', 1200.00, 0),
                   ('2024-04-12', '2024-05-02', 1000.00, 5),
                   ('2024-05-03', NULL, 900.00, NULL)) v(start_date, end_date, amount, dpd)) s;

-- ---------------------------------------------------------------- generated data
CREATE TABLE fb_loans (merchant_id int, start_date date, end_date date, amount numeric(12,2), dpd int);
INSERT INTO fb_loans
SELECT m, s, CASE WHEN (h >> 10) & 15 = 0 THEN NULL ELSE s + dur END,
       CASE WHEN (h >> 20) & 31 = 0 THEN NULL ELSE round((100 + 5000 * power(((h >> 4) & 1023) / 1024.0, 2))::numeric, 2) END,
       CASE WHEN (h >> 25) & 31 = 0 THEN NULL WHEN (h >> 14) & 7 = 0 THEN ((h >> 17) & 127) % 90 ELSE 0 END
FROM (SELECT m, k, hashint8(m * 1000 + k) AS h,
             date '2021-06-01' + (hashint4(m * 1000 + k) & 1023) AS s,
             CASE WHEN hashint4(m * 7 + k) & 3 = 0 THEN (hashint4(m + k * 13) & 31) ELSE 20 + (hashint4(m + k * 13) & 255) END AS dur
      FROM generate_series(1, 300) m, LATERAL generate_series(1, 1 + (hashint4(m) & 15)) k) x;
-- Edge cases: one loan; only open loans; a loan repaid the day it started; the as_of at a
-- month end (six months before 2024-08-31 is 2024-02-29); a NULL start is skipped.
INSERT INTO fb_loans VALUES (1001, '2024-01-15', '2024-02-15', 1000.00, 0),
  (1002, '2024-01-15', NULL, 500.00, NULL), (1002, '2024-02-15', NULL, NULL, 2),
  (1003, '2024-03-01', '2024-03-01', 10.00, 0),
  (1004, '2024-02-29', '2024-03-10', 100.00, 0), (1004, '2024-03-01', '2024-03-11', 100.00, 1),
  (1004, '2024-08-31', '2024-08-31', 100.00, 0), (1004, NULL, '2024-09-30', 1.00, 0);
ANALYZE fb_loans;
SELECT count(*) AS loans, count(DISTINCT merchant_id) AS merchants, count(*) FILTER (WHERE end_date IS NULL) AS open,
       count(*) FILTER (WHERE end_date - start_date <= 30) AS short, count(*) FILTER (WHERE dpd > 0) AS late
FROM fb_loans;

-- ---------------------------------------------------------------- the reference
CREATE TABLE fb_asof (merchant_id int, as_of date);
CREATE VIEW fb_ref AS
WITH l AS (
  SELECT l.*, a.as_of, l.end_date IS NOT NULL AND l.end_date <= a.as_of AS closed,
         l.start_date > a.as_of - interval '12 months' AS in12,
         l.start_date > a.as_of - interval '6 months' AS in6
  FROM fb_loans l JOIN fb_asof a USING (merchant_id)
  WHERE l.start_date IS NOT NULL AND l.start_date <= a.as_of),
prior AS (
  SELECT merchant_id, sum(amount)::float8 / count(amount) AS avg_prior
  FROM l WHERE NOT in6 AND amount IS NOT NULL GROUP BY merchant_id),
per AS (
  SELECT l.*,
         EXISTS (SELECT 1 FROM l e WHERE e.merchant_id = l.merchant_id AND e.start_date < l.start_date
                   AND (e.end_date IS NULL OR e.end_date > l.as_of OR e.end_date >= l.start_date - 7)) AS quick,
         l.amount::float8 <= 0.5 * p.avg_prior AS small
  FROM l LEFT JOIN prior p USING (merchant_id)),
agg AS (
  SELECT merchant_id, as_of, count(*) AS loans_total,
         count(*) FILTER (WHERE in6) AS loans_6m, count(*) FILTER (WHERE in12) AS loans_12m,
         count(*) FILTER (WHERE NOT closed) AS open_loans,
         (sum(amount) FILTER (WHERE in12))::float8 / nullif(count(amount) FILTER (WHERE in12), 0) AS avg_amount_12m,
         sum(amount)::float8 / nullif(count(amount), 0) AS avg_amount_all,
         (sum(end_date - start_date) FILTER (WHERE in12 AND closed))::float8
           / nullif(count(*) FILTER (WHERE in12 AND closed), 0) AS avg_days_used_12m,
         max(dpd) FILTER (WHERE in12) AS max_dpd_12m, max(dpd) AS max_dpd_all,
         (count(*) FILTER (WHERE in12 AND closed AND dpd = 0))::float8
           / nullif(count(dpd) FILTER (WHERE in12 AND closed), 0) AS on_time_share_12m,
         as_of - max(start_date) AS days_since_last_loan,
         count(*) FILTER (WHERE in6 AND closed AND end_date - start_date <= 30) AS short_loans_6m,
         count(*) FILTER (WHERE in6 AND quick) AS quick_reborrows_6m,
         count(*) FILTER (WHERE in6 AND small) AS small_loans_6m
  FROM per GROUP BY merchant_id, as_of)
SELECT *, loans_6m >= 3 AS frequent_flag, short_loans_6m >= 3 AS short_flag,
       quick_reborrows_6m >= 2 AS urgent_flag, small_loans_6m >= 2 AS small_flag,
       short_loans_6m >= 3 AS pattern_flag,
       (loans_6m >= 3)::int + (short_loans_6m >= 3)::int + (quick_reborrows_6m >= 2)::int + (small_loans_6m >= 2)::int AS pattern_score
FROM agg;

CREATE TABLE fb_ours (merchant_id int, b loan_risk.borrowing_profile);
-- Every column equal (floats: the float8 quotient of the exact sums, compared exactly).
CREATE VIEW fb_cmp AS
SELECT k AS feature, count(*) AS compared,
       count(*) FILTER (WHERE (to_jsonb(o.b) -> k) IS DISTINCT FROM (to_jsonb(r) -> k)) AS mismatches
FROM fb_ref r JOIN fb_ours o USING (merchant_id)
CROSS JOIN LATERAL jsonb_object_keys(to_jsonb(o.b)) k
GROUP BY k;

INSERT INTO fb_asof SELECT merchant_id, max(greatest(start_date, coalesce(end_date, start_date)))
FROM fb_loans WHERE start_date IS NOT NULL GROUP BY 1;
INSERT INTO fb_ours SELECT merchant_id, loan_risk.borrowing_features(start_date, end_date, amount, dpd) FROM fb_loans GROUP BY 1;
SELECT count(*) AS merchants, (SELECT count(*) FROM fb_ref) AS reference,
       count(*) FILTER (WHERE (b).pattern_flag) AS pattern, count(*) FILTER (WHERE (b).urgent_flag) AS urgent,
       count(*) FILTER (WHERE (b).small_flag) AS small
FROM fb_ours;
SELECT * FROM fb_cmp ORDER BY feature;
SELECT merchant_id, (b).* FROM fb_ours WHERE merchant_id > 1000 ORDER BY 1;

-- A given as_of: later loans are ignored, loans repaid later were open.
TRUNCATE fb_asof, fb_ours;
INSERT INTO fb_asof SELECT DISTINCT merchant_id, date '2023-06-30' FROM fb_loans;
INSERT INTO fb_ours SELECT merchant_id, loan_risk.borrowing_features(start_date, end_date, amount, dpd, '2023-06-30') FROM fb_loans GROUP BY 1;
SELECT count(*) FILTER (WHERE to_jsonb(b) IS NOT NULL) AS profiles, count(*) FILTER (WHERE to_jsonb(b) IS NULL) AS nulls,
       (SELECT count(*) FROM fb_ref) AS reference
FROM fb_ours;
SELECT feature, mismatches FROM fb_cmp WHERE mismatches > 0;
SELECT sum(compared) AS compared, sum(mismatches) AS mismatches FROM fb_cmp;
TRUNCATE fb_asof, fb_ours;
INSERT INTO fb_asof VALUES (1004, '2024-08-31');
INSERT INTO fb_ours SELECT merchant_id, loan_risk.borrowing_features(start_date, end_date, amount, dpd, '2024-08-31') FROM fb_loans WHERE merchant_id = 1004 GROUP BY 1;
SELECT (b).loans_6m, (b).loans_12m, (b).short_loans_6m FROM fb_ours;
SELECT sum(mismatches) AS mismatches FROM fb_cmp;

-- ---------------------------------------------------------------- inputs refused
SELECT loan_risk.borrowing_features('2024-02-01', '2024-01-01', 1, 0);
SELECT loan_risk.borrowing_features('2024-02-01', NULL, -1, 0);
SELECT loan_risk.borrowing_features('2024-02-01', NULL, 'NaN', 0);
SELECT loan_risk.borrowing_features('2024-02-01', NULL, 1, -3);
SELECT loan_risk.borrowing_features('infinity', NULL, 1, 0);
SELECT loan_risk.borrowing_features('2024-02-01', '-infinity', 1, 0);
SELECT loan_risk.borrowing_features(s, NULL, 1, 0, a)
FROM (VALUES ('2024-01-01'::date, '2024-06-01'::date), ('2024-01-02', NULL)) v(s, a);
SELECT loan_risk.borrowing_features(s, NULL, 1, 0, a)
FROM (VALUES ('2024-01-01'::date, '2024-06-01'::date), ('2024-01-02', '2024-06-02')) v(s, a);
SELECT loan_risk.borrowing_features(NULL, NULL, 1, 0) IS NULL AS no_start_is_null;
SELECT loan_risk.borrowing_features('2024-06-01', NULL, 1, 0, '2024-01-01') IS NULL AS all_after_as_of;

-- ---------------------------------------------------------------- the state
SELECT loan_risk.borrowing_features_partial(start_date, end_date, amount, dpd)::text::loan_risk.borrowing_state::text
     = loan_risk.borrowing_features_partial(start_date, end_date, amount, dpd)::text AS state_round_trip
FROM fb_loans WHERE merchant_id = 7;
SELECT count(*) AS merchants, count(*) FILTER (WHERE m = s) AS merged_equal
FROM (SELECT merchant_id, to_jsonb(loan_risk.borrowing_features_merge(p)) AS m
      FROM (SELECT merchant_id, loan_risk.borrowing_features_partial(start_date, end_date, amount, dpd) AS p
            FROM fb_loans GROUP BY merchant_id, hashint4(dpd) & 3) x GROUP BY 1) a
JOIN (SELECT merchant_id, to_jsonb(loan_risk.borrowing_features(start_date, end_date, amount, dpd)) AS s
      FROM fb_loans GROUP BY 1) b USING (merchant_id);
CREATE FUNCTION pg_temp.b64(b bytea) RETURNS text LANGUAGE sql AS $$ SELECT translate(encode(b, 'base64'), E'\n', '') $$;
-- Header (8), mode, as_of, latest date, count (17), then 20 bytes per loan.
SELECT decode(loan_risk.borrowing_features_partial(s, e, 10, 0)::text, 'base64') AS b
FROM (VALUES ('2024-01-01'::date, '2024-01-31'::date)) v(s, e) \gset
SELECT length(:'b'::bytea) AS bytes;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 8, 5))::loan_risk.borrowing_state AS bad_mode;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 17, 2))::loan_risk.borrowing_state AS count_beyond_data;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 29, 0))::loan_risk.borrowing_state AS end_before_start;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 40, 255))::loan_risk.borrowing_state AS negative_amount;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 13, 0))::loan_risk.borrowing_state AS wrong_latest_date;
SELECT pg_temp.b64(substring(:'b'::bytea from 1 for 40))::loan_risk.borrowing_state AS truncated;
CREATE FUNCTION pg_temp.try_state(t text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM loan_risk.borrowing_features_final(t::loan_risk.borrowing_state);
  RETURN 'accepted';
EXCEPTION WHEN others THEN
  RETURN SQLSTATE;
END $$;
SELECT r AS outcome, count(*) AS mutations
FROM (SELECT pg_temp.try_state(pg_temp.b64(set_byte(:'b'::bytea, k, v))) AS r
      FROM generate_series(0, length(:'b'::bytea) - 1) k, (VALUES (0), (1), (128), (255)) x(v)) s
GROUP BY r ORDER BY r;

-- ---------------------------------------------------------------- parallel
ALTER TABLE fb_loans SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT merchant_id, loan_risk.borrowing_features(start_date, end_date, amount, dpd) FROM fb_loans GROUP BY 1;
CREATE TABLE fb_par AS SELECT merchant_id, to_jsonb(loan_risk.borrowing_features(start_date, end_date, amount, dpd)) AS j FROM fb_loans GROUP BY 1;
RESET enable_hashagg;
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS merchants, count(*) FILTER (WHERE p.j = s.j) AS parallel_equals_serial
FROM (SELECT merchant_id, to_jsonb(loan_risk.borrowing_features(start_date, end_date, amount, dpd)) AS j FROM fb_loans GROUP BY 1) s
JOIN fb_par p USING (merchant_id);
