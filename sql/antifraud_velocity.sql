-- Velocity features in plain SQL (window functions over a time range), checked
-- against correlated subqueries, and used in the same query as the anomaly score.
-- Objects of this file live in their own schema: tests share one database.
CREATE SCHEMA antifraud_velocity;
SET search_path = antifraud_velocity;
SET DateStyle = ISO;
SET TimeZone = 'Asia/Shanghai';

-- 3000 applications over two days from 40 devices, 300 phones and 25 IP addresses;
-- device 7 bursts: 30 applications in ten minutes.
CREATE TABLE applications AS
SELECT i AS id,
       timestamptz '2024-06-01 00:00:00+08' + ((hashint4(i) & 2147483647) % 172800) * interval '1 second' AS applied_at,
       'dev-' || (hashint4(i * 3) & 2147483647) % 40 AS device_id,
       '139' || lpad(((hashint4(i * 5) & 2147483647) % 300)::text, 8, '0') AS phone,
       '10.0.' || (hashint4(i * 7) & 2147483647) % 25 || '.1' AS ip,
       round((2000 + 1500 * ((hashint4(i * 11) & 65535) / 65536.0 - 0.5))::numeric, 2) AS amount
FROM generate_series(1, 3000) i
UNION ALL
SELECT 3000 + k, timestamptz '2024-06-01 12:00:00+08' + k * interval '20 seconds', 'dev-7',
       '139' || lpad((300 + k)::text, 8, '0'), '10.0.99.1', 2000
FROM generate_series(1, 30) k;
CREATE INDEX ON applications (device_id, applied_at);

-- Applications per device in the last hour and day, per phone and per IP in the last day,
-- counting the application itself (RANGE ... PRECEDING includes the row and its peers).
CREATE VIEW velocity AS
SELECT a.*,
       count(*) OVER (PARTITION BY device_id ORDER BY applied_at RANGE BETWEEN interval '1 hour' PRECEDING AND CURRENT ROW) AS device_1h,
       count(*) OVER (PARTITION BY device_id ORDER BY applied_at RANGE BETWEEN interval '1 day' PRECEDING AND CURRENT ROW) AS device_1d,
       count(*) OVER (PARTITION BY phone ORDER BY applied_at RANGE BETWEEN interval '1 day' PRECEDING AND CURRENT ROW) AS phone_1d,
       count(*) OVER (PARTITION BY ip ORDER BY applied_at RANGE BETWEEN interval '1 hour' PRECEDING AND CURRENT ROW) AS ip_1h,
       sum(amount) OVER (PARTITION BY device_id ORDER BY applied_at RANGE BETWEEN interval '1 day' PRECEDING AND CURRENT ROW) AS device_amount_1d
FROM applications a;

-- Against correlated subqueries over the same windows.
SELECT count(*) AS rows,
       bool_and(device_1h = (SELECT count(*) FROM applications b WHERE b.device_id = v.device_id
                             AND b.applied_at BETWEEN v.applied_at - interval '1 hour' AND v.applied_at)) AS device_1h_ok,
       bool_and(device_1d = (SELECT count(*) FROM applications b WHERE b.device_id = v.device_id
                             AND b.applied_at BETWEEN v.applied_at - interval '1 day' AND v.applied_at)) AS device_1d_ok,
       bool_and(phone_1d = (SELECT count(*) FROM applications b WHERE b.phone = v.phone
                            AND b.applied_at BETWEEN v.applied_at - interval '1 day' AND v.applied_at)) AS phone_1d_ok,
       bool_and(ip_1h = (SELECT count(*) FROM applications b WHERE b.ip = v.ip
                         AND b.applied_at BETWEEN v.applied_at - interval '1 hour' AND v.applied_at)) AS ip_1h_ok,
       bool_and(device_amount_1d = (SELECT sum(amount) FROM applications b WHERE b.device_id = v.device_id
                                    AND b.applied_at BETWEEN v.applied_at - interval '1 day' AND v.applied_at)) AS amount_1d_ok
FROM velocity v;

-- Distinct phones per device in the last day: window functions have no DISTINCT, a LATERAL
-- subquery on the (device_id, applied_at) index does.
SELECT v.id, v.device_1h, d.phones_1d
FROM velocity v,
     LATERAL (SELECT count(DISTINCT b.phone) AS phones_1d FROM applications b
              WHERE b.device_id = v.device_id AND b.applied_at BETWEEN v.applied_at - interval '1 day' AND v.applied_at) d
WHERE v.id = 3030;

-- The burst stands out; train on the velocity features and score in the same query.
CREATE TABLE models AS
SELECT loan_risk.iforest_train(id, ARRAY[device_1h, device_1d, phone_1d, ip_1h, amount]::float8[],
                               ARRAY['device_1h', 'device_1d', 'phone_1d', 'ip_1h', 'amount'], '{"seed": 11}') AS model
FROM velocity v;
WITH scored AS (
  SELECT v.id, v.device_id, v.device_1h, loan_risk.anomaly_score((SELECT model FROM models), v) AS score
  FROM velocity v)
SELECT count(*) FILTER (WHERE id > 3000) AS burst_in_top_40, min(device_1h) AS min_device_1h
FROM (SELECT * FROM scored ORDER BY score DESC, id LIMIT 40) top;
