-- loan_risk.merchant_features beyond 100,000 counterparties: the counterparty
-- features become a sketch, within the bounds stated in doc/features.md.

SET TimeZone = 'UTC';
SET jit = off;

CREATE TABLE fk_big (m int, ts timestamptz, amount numeric(12,2), cp text);
-- Exactly 100,000 counterparties: still exact.  One more: the sketch.
INSERT INTO fk_big SELECT 1, '2024-06-30 12:00+00'::timestamptz - (i % 300) * interval '1 day', 1 + i % 50, 'c' || i
FROM generate_series(1, 100000) i;
INSERT INTO fk_big SELECT 2, '2024-06-30 12:00+00'::timestamptz - (i % 300) * interval '1 day', 1 + i % 50, 'c' || i
FROM generate_series(1, 100001) i;
-- 150,000 payers (10,000 of them twice) and 20 large daily payers over 400 days.
INSERT INTO fk_big SELECT 3, '2024-06-30 12:00+00'::timestamptz - ((i * 7919) % 400) * interval '1 day' - (i % 600) * interval '1 minute',
       1 + (hashint4(i) & 4095) / 100.0, 'o' || (i % 150000)
FROM generate_series(1, 160000) i;
INSERT INTO fk_big SELECT 3, '2024-06-30 12:00+00'::timestamptz - d * interval '1 day', 50 * k, 'h' || k
FROM generate_series(0, 399) d, generate_series(1, 20) k;
ANALYZE fk_big;

-- The exact counterparty features, in plain SQL.
CREATE TABLE fk_ref AS
WITH r AS (
  SELECT b.m, b.cp, b.amount, (b.ts AT TIME ZONE 'UTC')::date AS day,
         (x.as_of AT TIME ZONE 'UTC')::date - (b.ts AT TIME ZONE 'UTC')::date AS o
  FROM fk_big b JOIN (SELECT m, max(ts) AS as_of FROM fk_big GROUP BY m) x USING (m)),
cpw AS (
  SELECT m, n, cp, sum(amount) FILTER (WHERE amount > 0) AS rev, count(DISTINCT day) AS ndays
  FROM r CROSS JOIN (VALUES (30), (90), (180), (365)) w(n) WHERE o < n GROUP BY m, n, cp)
SELECT m, n, count(*) AS counterparties, sum(rev) AS att,
       coalesce(sum(rev) FILTER (WHERE ndays >= 2), 0)::float8 / sum(rev)::float8 AS repeat_share,
       max(rev)::float8 / sum(rev)::float8 AS top1_share,
       (sum(rev) FILTER (WHERE rk <= 5))::float8 / sum(rev)::float8 AS top5_share,
       (sum(rev * rev) / (sum(rev) * sum(rev)))::float8 AS hhi
FROM (SELECT *, row_number() OVER (PARTITION BY m, n ORDER BY rev DESC) AS rk FROM cpw) x
GROUP BY m, n;

CREATE TABLE fk_ours AS SELECT m, loan_risk.merchant_features(ts, amount, cp) AS p FROM fk_big GROUP BY m;
CREATE VIEW fk_got AS
SELECT o.m, w.n, (o.p).counterparties_exact AS exact, (o.p).counterparty_sample_rate AS rate,
       (o.p).counterparty_error_bound AS bound,
       (to_jsonb(o.p) ->> ('counterparties_' || w.n || 'd'))::bigint AS counterparties,
       (to_jsonb(o.p) ->> ('repeat_share_' || w.n || 'd'))::float8 AS repeat_share,
       (to_jsonb(o.p) ->> ('top1_share_' || w.n || 'd'))::float8 AS top1_share,
       (to_jsonb(o.p) ->> ('top5_share_' || w.n || 'd'))::float8 AS top5_share,
       (to_jsonb(o.p) ->> ('hhi_' || w.n || 'd'))::float8 AS hhi
FROM fk_ours o CROSS JOIN (VALUES (30), (90), (180), (365)) w(n);

SELECT m, (p).counterparties_exact, (p).counterparty_sample_rate, (p).counterparty_error_bound > 0 AS has_bound,
       (p).txn_count_365d, (p).revenue_365d
FROM fk_ours ORDER BY m;

-- Exact at 100,000 counterparties.
SELECT g.n, g.counterparties = r.counterparties AS counterparties, g.repeat_share = r.repeat_share AS repeat,
       g.top1_share = r.top1_share AS top1, g.top5_share = r.top5_share AS top5, abs(g.hhi - r.hhi) < 1e-15 AS hhi
FROM fk_got g JOIN fk_ref r USING (m, n) WHERE m = 1 ORDER BY n;

-- The sketch, against the stated bounds: with p the sample rate, W the window's attributed
-- revenue and D the error bound, counterparties within 4 standard errors sqrt(n (1/p - 1)),
-- the repeat share within 4 sqrt((1/p - 1) HHI), top-1 in [true - D/W, true],
-- top-5 in [true - 5D/W, true], Herfindahl in [true - 3D/W, true].
CREATE VIEW fk_checks AS
SELECT g.m, g.n, g.rate, g.bound, r.att,
       abs(g.counterparties - r.counterparties) <= 4 * sqrt(r.counterparties * (1 / g.rate - 1)) AS counterparties_ok,
       abs(g.repeat_share - r.repeat_share) <= 4 * sqrt((1 / g.rate - 1) * r.hhi) AS repeat_ok,
       g.top1_share <= r.top1_share + 1e-12 AND g.top1_share >= r.top1_share - g.bound / r.att - 1e-12 AS top1_ok,
       g.top5_share <= r.top5_share + 1e-12 AND g.top5_share >= r.top5_share - 5 * g.bound / r.att - 1e-12 AS top5_ok,
       g.hhi <= r.hhi + 1e-12 AND g.hhi >= r.hhi - 3 * g.bound / r.att - 1e-12 AS hhi_ok,
       abs(g.counterparties - r.counterparties)::float8 / r.counterparties AS counterparties_rel_err,
       abs(g.top1_share - r.top1_share) AS top1_err, abs(g.hhi - r.hhi) AS hhi_err
FROM fk_got g JOIN fk_ref r USING (m, n) WHERE m > 1;
SELECT m, n, counterparties_ok, repeat_ok, top1_ok, top5_ok, hhi_ok,
       counterparties_rel_err < 0.05 AS within_5pct, top1_err < 0.001 AS top1_within_1e3, hhi_err < 0.001 AS hhi_within_1e3
FROM fk_checks ORDER BY m, n;
-- The Misra-Gries bound is at most the revenue seen / 2049.
SELECT m, (p).counterparty_error_bound <= (SELECT sum(amount) FROM fk_big b WHERE b.m = o.m AND amount > 0) / 2049 AS bound_ok
FROM fk_ours o WHERE m > 1 ORDER BY m;

-- Sketch states round-trip and merge; parallel aggregation stays within the bounds.
SELECT loan_risk.merchant_features_partial(ts, amount, cp)::text::loan_risk.merchant_profile_state::text
     = loan_risk.merchant_features_partial(ts, amount, cp)::text AS sketch_round_trip FROM fk_big WHERE m = 3;
TRUNCATE fk_ours;
INSERT INTO fk_ours SELECT 3, loan_risk.merchant_features_merge(s)
FROM (SELECT loan_risk.merchant_features_partial(ts, amount, cp) s FROM fk_big WHERE m = 3 GROUP BY hashtext(cp) & 3) x;
INSERT INTO fk_ours SELECT 2, loan_risk.merchant_features_merge(s)
FROM (SELECT loan_risk.merchant_features_partial(ts, amount, cp) s FROM fk_big WHERE m = 2 GROUP BY (ts < '2024-03-01')) x;
SELECT m, n, counterparties_ok, repeat_ok, top1_ok, top5_ok, hhi_ok FROM fk_checks ORDER BY m, n;
ALTER TABLE fk_big SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT m, loan_risk.merchant_features(ts, amount, cp) FROM fk_big GROUP BY m;
TRUNCATE fk_ours;
INSERT INTO fk_ours SELECT m, loan_risk.merchant_features(ts, amount, cp) FROM fk_big GROUP BY m;
SELECT m, n, counterparties_ok, repeat_ok, top1_ok, top5_ok, hhi_ok FROM fk_checks ORDER BY m, n;
-- Exact states merge exactly in parallel: merchant 1 still equals the reference.
SELECT count(*) AS windows, count(*) FILTER (WHERE g.counterparties = r.counterparties AND g.top1_share = r.top1_share
       AND g.repeat_share = r.repeat_share AND g.exact) AS equal
FROM fk_got g JOIN fk_ref r USING (m, n) WHERE m = 1;
