-- loan_risk.merchant_features: the cash-flow profile, against a plain-SQL
-- reference of the same definitions (doc/features.md) on generated data.

SET TimeZone = 'Europe/Berlin';		-- days, nights and weekends count here (loan_risk.timezone is '')
SET jit = off;						-- the reference query is cheap but looks expensive to the planner

-- A worked example, checked by hand in doc/features.md.
SELECT (p).as_of, (p).txn_count_30d, (p).revenue_30d, (p).refunds_30d, (p).active_days_30d,
       (p).longest_gap_30d, (p).counterparties_30d, round((p).repeat_share_30d::numeric, 6) AS repeat_share_30d,
       round((p).top1_share_30d::numeric, 6) AS top1_share_30d, round((p).hhi_30d::numeric, 6) AS hhi_30d,
       (p).night_share_30d, (p).weekend_share_30d, (p).active_months_90d, (p).growth_3m
FROM (SELECT loan_risk.merchant_features(ts, amount, payer) AS p
      FROM (VALUES ('2024-03-01 10:00+01'::timestamptz, 12.34, 'anna'),
                   ('2024-03-02 23:30+01', 100.00, 'ben'),
                   ('2024-03-02 12:00+01', -5.50, 'anna'),
                   ('2024-01-02 12:00+01', 7.00, 'anna'),
                   ('2024-03-03 12:00+01', 0.01, NULL)) v(ts, amount, payer)) s;

-- ---------------------------------------------------------------- generated data
-- 40 merchants of skewed sizes with growth, churn, refunds, zero amounts,
-- heavy-tailed tickets, one-off and repeat payers, NULLs; plus edge cases.
CREATE TABLE fp_tx (merchant_id int, ts timestamptz, amount numeric(14,2), cp text);
INSERT INTO fp_tx
SELECT m,
       CASE WHEN (h2 & 1023) = 7 THEN NULL
            ELSE ends - make_interval(secs => span_s * power(u, 0.7)) END,
       CASE WHEN (h2 & 1023) = 9 THEN NULL
            WHEN (h2 & 255) = 1 THEN 0
            WHEN (h2 & 31) = 2 THEN -round((5 + 400 * power(v, 4))::numeric, 2)
            ELSE round((1 + 2000 * power(v, 6))::numeric, 2) END,
       CASE WHEN (h3 & 63) = 63 THEN NULL
            WHEN (h3 & 7) < 5 THEN 'p' || m || '-' || i
            ELSE 'r' || m || '-' || ((h3 >> 8) & 65535) % (3 + m % 17) END
FROM (SELECT m, i, hashint8(m * 100003 + i) AS h2, hashint8(m * 7919 + i * 31) AS h3,
             (hashint8(m * 100003 + i) & 16777215) / 16777216.0 AS u,
             ((hashint8(m * 7919 + i * 31) >> 24) & 16777215) / 16777216.0 AS v,
             ('2024-06-30 18:00+02'::timestamptz - CASE WHEN hashint4(m * 11) & 3 = 0 THEN interval '200 days' ELSE interval '0' END) AS ends,
             (30 + (hashint4(m * 7) & 1023)) * 86400.0 AS span_s
      FROM generate_series(1, 40) m,
           LATERAL generate_series(1, 20 + (1500 * power((hashint4(m) & 65535) / 65536.0, 3))::int) i) g;
-- One transaction; only refunds; zero amounts only; one payer on one day many times.
INSERT INTO fp_tx VALUES (101, '2024-02-29 12:00+01', 10.00, 'x');
INSERT INTO fp_tx VALUES (102, '2024-04-01 09:00+02', -3.00, 'a'), (102, '2024-04-02 09:00+02', -4.00, 'b'), (102, '2024-05-01 09:00+02', -5.00, NULL);
INSERT INTO fp_tx VALUES (103, '2024-01-10 09:00+01', 0, 'a'), (103, '2024-01-11 09:00+01', 0, 'a');
INSERT INTO fp_tx SELECT 104, '2024-06-01 10:00+02'::timestamptz + i * interval '1 minute', 1.00, 'same' FROM generate_series(1, 50) i;
-- DST in Europe/Berlin: days, nights and weekends around 2024-03-31 and 2024-10-27.
INSERT INTO fp_tx VALUES
  (105, '2024-03-30 22:59:59+00', 1.00, 'a'),   -- Saturday 23:59:59 CET
  (105, '2024-03-30 23:00:00+00', 2.00, 'b'),   -- Sunday 00:00 CET
  (105, '2024-03-31 00:59:59+00', 3.00, 'c'),   -- 01:59:59 CET, just before the gap
  (105, '2024-03-31 01:00:00+00', 4.00, 'd'),   -- 03:00 CEST
  (105, '2024-03-31 03:59:59+00', 5.00, 'e'),   -- 05:59:59 CEST: night
  (105, '2024-03-31 04:00:00+00', 6.00, 'f'),   -- 06:00 CEST: day
  (105, '2024-03-31 21:59:59+00', 7.00, 'a'),   -- 23:59:59 CEST Sunday
  (105, '2024-03-31 22:00:00+00', 8.00, 'a'),   -- Monday 00:00 CEST
  (105, '2024-10-27 00:30:00+00', 9.00, 'g'),   -- 02:30 CEST
  (105, '2024-10-27 01:30:00+00', 10.00, 'g'),  -- 02:30 CET, the same wall time again
  (105, '2024-10-27 22:59:59+00', 11.00, 'h'),  -- Sunday 23:59:59 CET
  (105, '2024-10-27 23:00:00+00', 12.00, 'h');  -- Monday 00:00 CET
-- Timestamps far apart (Berlin local mean time before 1893, extrapolated rules in 2035).
INSERT INTO fp_tx VALUES (106, '1890-06-01 12:00+00', 5.00, 'a'), (106, '1975-05-05 23:30+01', 6.00, 'a'),
                      (106, '2035-07-01 01:00+02', 7.00, 'b'), (106, '2035-06-30 12:00+02', 8.00, 'a');
-- NULL time, amount or counterparty.
INSERT INTO fp_tx VALUES (107, NULL, 5.00, 'a'), (107, '2024-05-05 10:00+02', NULL, 'a'),
                      (107, '2024-05-05 11:00+02', 6.00, NULL), (107, '2024-05-06 11:00+02', 7.00, 'b'),
                      (107, '2099-01-01 00:00+01', NULL, NULL);
-- Active only long before its last transaction: every window but the last day is empty.
INSERT INTO fp_tx VALUES (108, '2022-01-15 10:00+01', 50.00, 'a'), (108, '2022-02-15 10:00+01', 60.00, 'b'),
                      (108, '2024-06-20 10:00+02', 1.00, 'c');
SELECT count(*) AS rows, count(DISTINCT merchant_id) AS merchants, count(*) FILTER (WHERE amount < 0) AS refunds,
       count(*) FILTER (WHERE cp IS NULL) AS no_counterparty, count(DISTINCT cp) AS counterparties
FROM fp_tx;
ANALYZE fp_tx;

-- ---------------------------------------------------------------- the reference
-- Inputs: asof(merchant_id, as_of) and zone(tz).  Plain SQL, one definition per feature.
CREATE TABLE fp_asof (merchant_id int, as_of timestamptz);
CREATE TABLE fp_zone (tz text);
CREATE VIEW fp_ref_rows AS
SELECT t.merchant_id, t.ts, t.amount, t.cp, a.as_of,
       t.ts AT TIME ZONE z.tz AS lt,
       (t.ts AT TIME ZONE z.tz)::date AS day,
       (a.as_of AT TIME ZONE z.tz)::date AS aday,
       greatest((a.as_of AT TIME ZONE z.tz)::date - (t.ts AT TIME ZONE z.tz)::date, 0) AS o
FROM fp_tx t JOIN fp_asof a USING (merchant_id) CROSS JOIN fp_zone z
WHERE t.ts IS NOT NULL AND t.amount IS NOT NULL AND t.ts <= a.as_of;

CREATE VIEW fp_ref_head AS
SELECT r.merchant_id, r.as_of, min(r.ts) AS first_seen, max(r.ts) AS last_seen,
       r.aday - (min(r.ts) AT TIME ZONE z.tz)::date AS tenure_days,
       greatest(r.aday - (max(r.ts) AT TIME ZONE z.tz)::date, 0) AS recency_days,
       count(*) AS txn_count_all,
       (min(r.ts) AT TIME ZONE z.tz)::date AS first_day,
       CASE WHEN sum(r.amount) FILTER (WHERE r.amount > 0 AND r.o >= 90 AND r.o < 180) > 0
            THEN coalesce(sum(r.amount) FILTER (WHERE r.amount > 0 AND r.o < 90), 0)::float8
                 / (sum(r.amount) FILTER (WHERE r.amount > 0 AND r.o >= 90 AND r.o < 180))::float8 - 1 END AS growth_3m
FROM fp_ref_rows r CROSS JOIN fp_zone z GROUP BY r.merchant_id, r.as_of, r.aday, z.tz;

CREATE VIEW fp_ref_windows AS
WITH w(n) AS (VALUES (30), (90), (180), (365)),
base AS (
  SELECT merchant_id, n,
         count(*) FILTER (WHERE o < n) AS txn_count,
         count(*) FILTER (WHERE o < n AND amount > 0) AS sales_count,
         coalesce(sum(amount) FILTER (WHERE o < n AND amount > 0), 0) AS revenue,
         coalesce(-sum(amount) FILTER (WHERE o < n AND amount < 0), 0) AS refunds,
         count(DISTINCT day) FILTER (WHERE o < n) AS active_days,
         count(*) FILTER (WHERE o < n AND (extract(hour FROM lt) >= 22 OR extract(hour FROM lt) < 6)) AS night,
         count(*) FILTER (WHERE o < n AND extract(isodow FROM lt) IN (6, 7)) AS weekend,
         coalesce(sum(amount) FILTER (WHERE o < n AND amount > 0 AND cp IS NOT NULL), 0) AS att
  FROM fp_ref_rows CROSS JOIN w GROUP BY merchant_id, n),
cpw AS (
  SELECT merchant_id, n, cp, coalesce(sum(amount) FILTER (WHERE amount > 0), 0) AS rev,
         count(DISTINCT day) AS ndays
  FROM fp_ref_rows CROSS JOIN w WHERE o < n AND cp IS NOT NULL GROUP BY merchant_id, n, cp),
cps AS (
  SELECT merchant_id, n, count(*) AS counterparties,
         coalesce(sum(rev) FILTER (WHERE ndays >= 2), 0) AS repeat_rev,
         max(rev) AS top1, sum(rev) FILTER (WHERE rk <= 5) AS top5, sum(rev * rev) AS sumsq
  FROM (SELECT *, row_number() OVER (PARTITION BY merchant_id, n ORDER BY rev DESC) AS rk FROM cpw) x
  GROUP BY merchant_id, n),
gw AS (
  SELECT h.merchant_id, w.n, greatest(h.first_day, (h.as_of AT TIME ZONE z.tz)::date - w.n + 1) AS s,
         (h.as_of AT TIME ZONE z.tz)::date AS aday
  FROM fp_ref_head h CROSS JOIN w CROSS JOIN fp_zone z),
dd AS (SELECT DISTINCT merchant_id, least(day, aday) AS d FROM fp_ref_rows),
g AS (
  SELECT gw.merchant_id, gw.n, dd.d,
         dd.d - coalesce(lag(dd.d) OVER (PARTITION BY gw.merchant_id, gw.n ORDER BY dd.d), gw.s - 1) - 1 AS gap
  FROM gw JOIN dd ON dd.merchant_id = gw.merchant_id AND dd.d >= gw.s),
gaps AS (
  SELECT gw.merchant_id, gw.n,
         greatest(coalesce(max(g.gap), 0), gw.aday - coalesce(max(g.d), gw.s - 1)) AS longest_gap
  FROM gw LEFT JOIN g USING (merchant_id, n) GROUP BY gw.merchant_id, gw.n, gw.s, gw.aday),
mk AS (
  SELECT h.merchant_id, mw.n, mw.m, k
  FROM fp_ref_head h CROSS JOIN (VALUES (90, 3), (180, 6), (365, 12)) mw(n, m) CROSS JOIN LATERAL generate_series(0, mw.m - 1) k),
my AS (
  SELECT mk.merchant_id, mk.n, mk.m, mk.k,
         coalesce(sum(r.amount) FILTER (WHERE r.amount > 0), 0) AS y, count(r.merchant_id) AS cnt
  FROM mk LEFT JOIN fp_ref_rows r ON r.merchant_id = mk.merchant_id AND r.o / 30 = mk.k
  GROUP BY mk.merchant_id, mk.n, mk.m, mk.k),
ms AS (
  SELECT merchant_id, n, count(*) FILTER (WHERE cnt > 0) AS active_months,
         sum(y)::float8 / max(m) AS monthly_revenue_mean,
         stddev_pop(y)::float8 AS monthly_revenue_std,
         (stddev_pop(y) / nullif(avg(y), 0))::float8 AS monthly_revenue_cv,
         regr_slope(y::float8, (m - 1 - k)::float8) / nullif(avg(y::float8), 0) AS revenue_trend
  FROM my GROUP BY merchant_id, n)
SELECT b.merchant_id, b.n, b.txn_count, b.sales_count, b.revenue, b.refunds,
       CASE WHEN b.revenue + b.refunds > 0 THEN b.refunds::float8 / (b.revenue + b.refunds)::float8 END AS refund_share,
       b.active_days,
       CASE WHEN b.sales_count > 0 THEN b.revenue::float8 / b.sales_count END AS avg_ticket,
       gp.longest_gap,
       b.night::float8 / nullif(b.txn_count, 0) AS night_share,
       b.weekend::float8 / nullif(b.txn_count, 0) AS weekend_share,
       coalesce(c.counterparties, 0) AS counterparties,
       CASE WHEN b.att > 0 THEN c.repeat_rev::float8 / b.att::float8 END AS repeat_share,
       CASE WHEN b.att > 0 THEN c.top1::float8 / b.att::float8 END AS top1_share,
       CASE WHEN b.att > 0 THEN c.top5::float8 / b.att::float8 END AS top5_share,
       CASE WHEN b.att > 0 THEN (c.sumsq / (b.att * b.att))::float8 END AS hhi,
       ms.active_months, ms.monthly_revenue_mean, ms.monthly_revenue_std, ms.monthly_revenue_cv, ms.revenue_trend
FROM base b
JOIN gaps gp USING (merchant_id, n)
LEFT JOIN cps c USING (merchant_id, n)
LEFT JOIN ms USING (merchant_id, n);

-- Profile columns against the reference: exact where tol = 0 (integer-cent data; ratios are
-- the float8 quotient of the exact sums), else within tol relative to max(1, |reference|).
CREATE TABLE fp_ours (merchant_id int, p loan_risk.merchant_profile);
CREATE TABLE fp_rw AS SELECT * FROM fp_ref_windows WITH NO DATA;
CREATE TABLE fp_rh AS SELECT * FROM fp_ref_head WITH NO DATA;
CREATE VIEW fp_cmp AS
WITH o AS (SELECT merchant_id, to_jsonb(p) AS j FROM fp_ours WHERE to_jsonb(p) IS NOT NULL),
f(name, tol, minw) AS (VALUES
  ('txn_count', 0, 30), ('sales_count', 0, 30), ('revenue', 0, 30), ('refunds', 0, 30),
  ('refund_share', 0, 30), ('active_days', 0, 30), ('avg_ticket', 0, 30), ('longest_gap', 0, 30),
  ('night_share', 0, 30), ('weekend_share', 0, 30), ('counterparties', 0, 30), ('repeat_share', 0, 30),
  ('top1_share', 0, 30), ('top5_share', 0, 30), ('hhi', 1e-12, 30), ('active_months', 0, 90),
  ('monthly_revenue_mean', 0, 90), ('monthly_revenue_std', 1e-12, 90), ('monthly_revenue_cv', 1e-12, 90),
  ('revenue_trend', 1e-12, 90)),
pairs AS (
  SELECT f.name, f.tol, r.merchant_id, o.j ->> (f.name || '_' || r.n || 'd') AS got, to_jsonb(r) ->> f.name AS want
  FROM fp_rw r JOIN o USING (merchant_id) CROSS JOIN f WHERE r.n >= f.minw
  UNION ALL
  SELECT h.name, h.tol, r.merchant_id, o.j ->> h.name, to_jsonb(r) ->> h.name
  FROM fp_rh r JOIN o USING (merchant_id)
  CROSS JOIN (VALUES ('as_of', 0), ('first_seen', 0), ('last_seen', 0), ('tenure_days', 0),
                     ('recency_days', 0), ('txn_count_all', 0), ('growth_3m', 0)) h(name, tol))
SELECT name, tol, merchant_id, got, want,
       CASE WHEN got IS NULL OR want IS NULL THEN got IS NULL AND want IS NULL
            WHEN name IN ('as_of', 'first_seen', 'last_seen') THEN got::timestamptz = want::timestamptz
            WHEN tol = 0 THEN got::numeric = want::numeric
            ELSE abs(got::float8 - want::float8) <= tol * greatest(1, abs(want::float8)) END AS ok
FROM pairs;

-- ---------------------------------------------------------------- as_of = the latest timestamp
INSERT INTO fp_zone VALUES ('Europe/Berlin');
INSERT INTO fp_asof SELECT merchant_id, max(ts) FROM fp_tx WHERE ts IS NOT NULL AND amount IS NOT NULL GROUP BY 1;
ANALYZE fp_asof, fp_zone;
INSERT INTO fp_ours SELECT merchant_id, loan_risk.merchant_features(ts, amount, cp) FROM fp_tx GROUP BY 1;
INSERT INTO fp_rw SELECT * FROM fp_ref_windows;
INSERT INTO fp_rh SELECT * FROM fp_ref_head;
SELECT count(*) AS merchants, count(*) FILTER (WHERE (p).counterparties_exact) AS exact,
       (SELECT count(*) FROM fp_rh) AS reference_merchants,
       count(*) FILTER (WHERE (p).time_zone = 'Europe/Berlin') AS in_berlin
FROM fp_ours WHERE to_jsonb(p) IS NOT NULL;
SELECT name, count(*) AS compared, count(*) FILTER (WHERE NOT ok) AS mismatches
FROM fp_cmp GROUP BY name ORDER BY name;
SELECT name, merchant_id, got, want FROM fp_cmp WHERE NOT ok ORDER BY 1, 2 LIMIT 10;

-- Edge cases, spelled out.
SELECT merchant_id, (p).txn_count_all, (p).txn_count_365d, (p).revenue_365d, (p).refunds_365d,
       (p).refund_share_365d, (p).avg_ticket_365d, (p).counterparties_365d, (p).top1_share_365d,
       (p).longest_gap_30d, (p).longest_gap_365d, (p).recency_days, (p).tenure_days
FROM fp_ours WHERE merchant_id > 100 ORDER BY 1;
SELECT merchant_id, (p).active_days_30d, (p).night_share_365d, (p).weekend_share_365d, (p).repeat_share_365d
FROM fp_ours WHERE merchant_id = 105;

-- ---------------------------------------------------------------- a given as_of
TRUNCATE fp_asof, fp_ours, fp_rw, fp_rh;
INSERT INTO fp_asof SELECT DISTINCT merchant_id, '2024-05-15 12:00+02'::timestamptz FROM fp_tx;
INSERT INTO fp_ours SELECT merchant_id, loan_risk.merchant_features(ts, amount, cp, '2024-05-15 12:00+02') FROM fp_tx GROUP BY 1;
INSERT INTO fp_rw SELECT * FROM fp_ref_windows;
INSERT INTO fp_rh SELECT * FROM fp_ref_head;
-- Merchants whose rows all come later give NULL.
SELECT count(*) FILTER (WHERE to_jsonb(p) IS NOT NULL) AS profiles, count(*) FILTER (WHERE to_jsonb(p) IS NULL) AS nulls,
       (SELECT count(*) FROM fp_rh) AS reference_merchants
FROM fp_ours;
SELECT name, count(*) AS compared, count(*) FILTER (WHERE NOT ok) AS mismatches
FROM fp_cmp GROUP BY name HAVING count(*) FILTER (WHERE NOT ok) > 0 ORDER BY name;
SELECT count(*) AS compared, count(*) FILTER (WHERE NOT ok) AS mismatches FROM fp_cmp;
SELECT (p).as_of, (p).last_seen, (p).recency_days, (p).txn_count_30d, (p).revenue_30d, (p).refund_share_30d,
       (p).counterparties_30d, (p).hhi_30d, (p).longest_gap_30d, (p).night_share_30d
FROM fp_ours WHERE merchant_id = 108;

-- ---------------------------------------------------------------- loan_risk.timezone
SET loan_risk.timezone = 'Asia/Kolkata';
TRUNCATE fp_asof, fp_ours, fp_zone, fp_rw, fp_rh;
INSERT INTO fp_zone VALUES ('Asia/Kolkata');
INSERT INTO fp_asof SELECT merchant_id, max(ts) FROM fp_tx WHERE ts IS NOT NULL AND amount IS NOT NULL GROUP BY 1;
INSERT INTO fp_ours SELECT merchant_id, loan_risk.merchant_features(ts, amount, cp) FROM fp_tx GROUP BY 1;
INSERT INTO fp_rw SELECT * FROM fp_ref_windows;
INSERT INTO fp_rh SELECT * FROM fp_ref_head;
SELECT DISTINCT (p).time_zone FROM fp_ours;
SELECT count(*) AS compared, count(*) FILTER (WHERE NOT ok) AS mismatches FROM fp_cmp;
SELECT name, merchant_id, got, want FROM fp_cmp WHERE NOT ok ORDER BY 1, 2 LIMIT 10;
SET loan_risk.timezone = 'Mars/Olympus_Mons';
RESET loan_risk.timezone;

-- ---------------------------------------------------------------- the time zone as an argument
-- merchant_features(ts, amount, counterparty, as_of, time_zone) counts days in
-- time_zone whatever the settings (what a Citus worker or a shard needs: the
-- zone travels in the query); as_of NULL is the latest ts, time_zone NULL the
-- settings.  The same profiles as with loan_risk.timezone set above.
SELECT count(*) AS merchants,
       count(*) FILTER (WHERE to_jsonb(o.p) IS NOT DISTINCT FROM to_jsonb(z.p)) AS same_as_setting
FROM fp_ours o JOIN (SELECT merchant_id, loan_risk.merchant_features(ts, amount, cp, NULL, 'Asia/Kolkata') AS p
                     FROM fp_tx GROUP BY 1) z USING (merchant_id);
SET loan_risk.timezone = 'Asia/Tokyo';
SELECT count(*) AS merchants,
       count(*) FILTER (WHERE to_jsonb(o.p) IS NOT DISTINCT FROM to_jsonb(z.p)) AS argument_wins
FROM fp_ours o JOIN (SELECT merchant_id, loan_risk.merchant_features(ts, amount, cp, NULL, 'asia/kolkata') AS p
                     FROM fp_tx GROUP BY 1) z USING (merchant_id);
SELECT DISTINCT (loan_risk.merchant_features(ts, amount, cp, NULL, NULL)).time_zone AS null_zone_is_the_setting FROM fp_tx GROUP BY merchant_id;
RESET loan_risk.timezone;
SELECT (loan_risk.merchant_features(ts, amount::float8, hashtext(cp)::bigint, timestamptz '2024-03-01', 'Asia/Kolkata')).time_zone,
       to_jsonb(loan_risk.merchant_features(ts, amount, cp, timestamptz '2024-03-01', 'Asia/Kolkata'))
       = to_jsonb(loan_risk.merchant_features(ts, amount::float8, cp, timestamptz '2024-03-01', 'Asia/Kolkata')) AS float8_same
FROM fp_tx WHERE merchant_id = 108;
-- Partial states carry their zone: merged, the same profile; states of two zones do not merge.
SELECT to_jsonb(loan_risk.merchant_features_merge(s)) = (SELECT to_jsonb(p) FROM fp_ours WHERE merchant_id = 108) AS merged_same
FROM (SELECT loan_risk.merchant_features_partial(ts, amount, cp, NULL, 'Asia/Kolkata') s FROM fp_tx
      WHERE merchant_id = 108 GROUP BY extract(day FROM ts)::int % 3) x;
SELECT loan_risk.merchant_features_merge(s) FROM (
  SELECT loan_risk.merchant_features_partial(ts, amount, cp, NULL, 'Asia/Kolkata') s FROM fp_tx WHERE merchant_id = 108
  UNION ALL
  SELECT loan_risk.merchant_features_partial(ts, amount, cp, NULL, 'Asia/Tokyo') FROM fp_tx WHERE merchant_id = 108) x;
-- Errors: an unknown zone, an empty name, two zones in one group.
SELECT loan_risk.merchant_features(ts, amount, cp, NULL, 'Mars/Olympus_Mons') FROM fp_tx WHERE merchant_id = 108;
SELECT loan_risk.merchant_features(ts, amount, cp, NULL, '') FROM fp_tx WHERE merchant_id = 108;
SELECT loan_risk.merchant_features(ts, amount, cp, NULL, CASE WHEN extract(day FROM ts)::int % 2 = 0 THEN 'Asia/Kolkata' ELSE 'Asia/Tokyo' END)
FROM fp_tx WHERE merchant_id = 108;

-- ---------------------------------------------------------------- overloads
-- float8 amounts and bigint counterparties give the same profile on the same data.
CREATE TABLE fp_tx_ids AS SELECT merchant_id, ts, amount, cp, hashtext(cp)::bigint AS cp_id FROM fp_tx;
SELECT count(*) AS merchants,
       count(*) FILTER (WHERE a = b) AS float8_same,
       count(*) FILTER (WHERE a = c) AS bigint_same,
       count(*) FILTER (WHERE a = d) AS both_same
FROM (SELECT merchant_id,
             to_jsonb(loan_risk.merchant_features(ts, amount, cp)) AS a,
             to_jsonb(loan_risk.merchant_features(ts, amount::float8, cp)) AS b,
             to_jsonb(loan_risk.merchant_features(ts, amount, cp_id)) AS c,
             to_jsonb(loan_risk.merchant_features(ts, amount::float8, cp_id, NULL)) AS d
      FROM fp_tx_ids GROUP BY 1) s;

-- ---------------------------------------------------------------- parallel
-- Partial aggregation in workers, combined in the leader, equals serial.
ALTER TABLE fp_tx SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT merchant_id, loan_risk.merchant_features(ts, amount, cp) FROM fp_tx GROUP BY 1;
CREATE TABLE fp_par AS SELECT merchant_id, to_jsonb(loan_risk.merchant_features(ts, amount, cp)) AS j FROM fp_tx GROUP BY 1;
RESET enable_hashagg;
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT merchant_id, loan_risk.merchant_features(ts, amount, cp) FROM fp_tx GROUP BY 1;
CREATE TABLE fp_par_hash AS SELECT merchant_id, to_jsonb(loan_risk.merchant_features(ts, amount, cp)) AS j FROM fp_tx GROUP BY 1;
RESET enable_sort;
EXPLAIN (COSTS OFF) SELECT loan_risk.merchant_features(ts, amount, cp) FROM fp_tx WHERE merchant_id = 40;
SELECT to_jsonb(loan_risk.merchant_features(ts, amount, cp)) AS j FROM fp_tx WHERE merchant_id = 40 \gset par_
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS merchants, count(*) FILTER (WHERE p.j = s.j) AS sort_equal,
       count(*) FILTER (WHERE h.j = s.j) AS hash_equal
FROM (SELECT merchant_id, to_jsonb(loan_risk.merchant_features(ts, amount, cp)) AS j FROM fp_tx GROUP BY 1) s
JOIN fp_par p USING (merchant_id) JOIN fp_par_hash h USING (merchant_id);
SELECT :'par_j'::jsonb = to_jsonb(loan_risk.merchant_features(ts, amount, cp)) AS global_parallel_equals_serial
FROM fp_tx WHERE merchant_id = 40;

-- The forms with as_of and time_zone (what Citus workers and shards run) are
-- split the same way: Partial Aggregate in the workers, the same profile.
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT loan_risk.merchant_features(ts, amount, cp, NULL, 'Asia/Kolkata') FROM fp_tx;
EXPLAIN (COSTS OFF) SELECT loan_risk.merchant_features(ts, amount::float8, hashtext(cp)::bigint, NULL, 'Asia/Kolkata') FROM fp_tx;
SELECT to_jsonb(loan_risk.merchant_features(ts, amount, cp, NULL, 'Asia/Kolkata')) AS j,
       to_jsonb(loan_risk.merchant_features(ts, amount::float8, hashtext(cp)::bigint, NULL, 'Asia/Kolkata')) AS jb
FROM fp_tx \gset zone_
SET max_parallel_workers_per_gather = 0;
SELECT :'zone_j'::jsonb = to_jsonb(loan_risk.merchant_features(ts, amount, cp, NULL, 'Asia/Kolkata')) AS zone_parallel_equals_serial,
       :'zone_jb'::jsonb = to_jsonb(loan_risk.merchant_features(ts, amount::float8, hashtext(cp)::bigint, NULL, 'Asia/Kolkata')) AS zone_bigint_parallel_equals_serial,
       (:'zone_j'::jsonb ->> 'time_zone') = 'Asia/Kolkata' AS zone_kept
FROM fp_tx;
