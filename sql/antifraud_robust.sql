-- loan_risk.robust_stats and loan_risk.robust_z: peer-group median, MAD and
-- modified z-scores, exact against plain SQL (percentile_cont), the sketch
-- beyond the exact limit within its stated error, and the state's checks.
-- Objects of this file live in their own schema: tests share one database.
CREATE SCHEMA antifraud_robust;
SET search_path = antifraud_robust;

-- By hand: 1..10 has median 5.5; deviations 4.5 3.5 2.5 1.5 0.5 0.5 1.5 2.5 3.5 4.5: MAD 2.5, mean 2.5.
SELECT (loan_risk.robust_stats(x)).* FROM generate_series(1, 10) x;
-- {1, 2, 3, 4, 100}: median 3, deviations {2, 1, 0, 1, 97}: MAD 1, mean 20.2;
-- the modified z-score of 100 is 0.6745 * 97 / 1 = 65.4265.
SELECT (s).*, loan_risk.robust_z(100, s) AS z_100, loan_risk.robust_z(3, s) AS z_median,
       loan_risk.robust_z(100, (s).median, (s).mad) AS z_100_plain
FROM (SELECT loan_risk.robust_stats(x) s FROM unnest(ARRAY[1, 2, 3, 4, 100]::float8[]) x) q;

-- NULL and NaN are skipped; infinities are values; no values give NULL.
SELECT (loan_risk.robust_stats(x)).* FROM unnest(ARRAY[1, NULL, 'NaN', 3, 2]::float8[]) x;
SELECT (loan_risk.robust_stats(x)).* FROM unnest(ARRAY['-Infinity', 1, 2, 3, 'Infinity']::float8[]) x;
SELECT (loan_risk.robust_stats(x)).* FROM unnest(ARRAY['Infinity', 'Infinity', 1]::float8[]) x;
SELECT loan_risk.robust_stats(x) IS NULL AS only_nulls FROM unnest(ARRAY[NULL, 'NaN']::float8[]) x;
SELECT loan_risk.robust_stats(x) IS NULL AS no_rows FROM generate_series(1, 3) x WHERE false;
SELECT (loan_risk.robust_stats(x)).* FROM (VALUES (42::float8)) v(x);
SELECT (loan_risk.robust_stats(x)).* FROM (VALUES (-0::float8), (0), (-0)) v(x);

-- Peer groups: the merchant whose revenue jumped ten times its peers'.
CREATE TABLE merchants AS
SELECT i AS id, (ARRAY['catering', 'retail', 'logistics'])[1 + i % 3] AS industry,
       (ARRAY['zhejiang', 'jiangsu'])[1 + (i / 3) % 2] AS region,
       round((50000 + 20000 * ((hashint4(i) & 65535) / 65536.0 - 0.5)) * CASE WHEN i = 1234 THEN 10 ELSE 1 END, 2)::float8 AS revenue
FROM generate_series(1, 6000) i;
WITH peers AS (SELECT industry, region, loan_risk.robust_stats(revenue) AS s FROM merchants GROUP BY industry, region)
SELECT m.id, m.industry, m.region, round(loan_risk.robust_z(m.revenue, p.s)::numeric, 1) AS z
FROM merchants m JOIN peers p USING (industry, region)
WHERE abs(loan_risk.robust_z(m.revenue, p.s)) > 3.5;

-- Against plain SQL: median and MAD with percentile_cont, per group, on skewed data with ties.
CREATE TABLE obs AS
SELECT i % 50 AS g, CASE WHEN i % 7 = 0 THEN NULL
                         ELSE round(exp(3 * (hashint4(i) & 65535) / 65536.0)::numeric, 1)::float8 * sign((hashint4(i * 3) % 5) + 1.5) END AS x
FROM generate_series(1, 50000) i;
WITH ref AS (
  SELECT g, count(x) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS median FROM obs GROUP BY g),
ref2 AS (
  SELECT r.g, r.n, r.median, percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(o.x - r.median)) AS mad,
         avg(abs(o.x - r.median)) AS meanad
  FROM ref r JOIN obs o USING (g) GROUP BY r.g, r.n, r.median),
ours AS (SELECT g, loan_risk.robust_stats(x) AS s FROM obs GROUP BY g)
SELECT count(*) AS groups,
       bool_and((s).n = n) AS n_equal, bool_and((s).median = median) AS median_equal,
       bool_and((s).mad = mad) AS mad_equal, bool_and(abs((s).mean_abs_dev - meanad) <= 1e-12 * meanad) AS meanad_close,
       bool_and((s).exact) AS all_exact
FROM ref2 JOIN ours USING (g);

-- Beyond the exact limit: the sketch, within ALPHA = 1e-4 of the median and ALPHA * (MAD + 2 |median|) of the MAD.
CREATE TABLE big AS
SELECT d, CASE d
            WHEN 'uniform'   THEN 1000 * (hashint4(i) & 65535) / 65536.0
            WHEN 'lognormal' THEN exp(4 * ((hashint4(i) & 65535) / 65536.0 + (hashint4(i + 99999) & 65535) / 65536.0 - 1))
            WHEN 'signed'    THEN (hashint4(i) % 100000)::float8 / 7
            WHEN 'zeros'     THEN CASE WHEN i % 3 = 0 THEN 0 ELSE (hashint4(i) & 1023) - 300 END
            WHEN 'tiny'      THEN 1e-300 * (1 + (hashint4(i) & 255))
          END::float8 AS x
FROM generate_series(1, 20000) i, unnest(ARRAY['uniform', 'lognormal', 'signed', 'zeros', 'tiny']) d;
WITH e AS (SELECT d, loan_risk.robust_stats(x) AS s FROM big GROUP BY d),
     a AS (SELECT d, loan_risk.robust_stats(x, 1000) AS s FROM big GROUP BY d)
SELECT d, (a.s).exact AS exact, (a.s).n,
       abs((a.s).median - (e.s).median) <= 1e-4 * abs((e.s).median) AS median_within,
       abs((a.s).mad - (e.s).mad) <= 1e-4 * ((e.s).mad + 2 * abs((e.s).median)) AS mad_within,
       abs((a.s).mean_abs_dev - (e.s).mean_abs_dev) <= 1e-4 * ((e.s).mean_abs_dev + 2 * abs((e.s).median)) AS meanad_within
FROM e JOIN a USING (d) ORDER BY d;

-- The limit is inclusive: exact with exactly exact_limit values, a sketch with one more; 0 is always a sketch.
SELECT (loan_risk.robust_stats(x, 10)).exact AS ten_of_10, (loan_risk.robust_stats(x, 9)).exact AS ten_of_9,
       (loan_risk.robust_stats(x, 0)).exact AS ten_of_0
FROM generate_series(1, 10) x;
SELECT (loan_risk.robust_stats(x, 0)).* FROM unnest(ARRAY['-Infinity', -5, 0, 0, 7, 'Infinity', 'Infinity']::float8[]) x;
SELECT loan_risk.robust_stats(x, -1) FROM generate_series(1, 3) x;
SELECT loan_risk.robust_stats(x, 10000001) FROM generate_series(1, 3) x;
SELECT loan_risk.robust_stats(x, NULL) FROM generate_series(1, 3) x;
SELECT loan_risk.robust_stats(x, x::int) FROM generate_series(1, 3) x;

-- robust_z: MAD 0 falls back to the mean absolute deviation (1.253314 * mean, IBM's convention);
-- with both 0, the median scores 0 and any other value +-Infinity.
SELECT (s).mad, (s).mean_abs_dev, loan_risk.robust_z(10, s) AS z_10, loan_risk.robust_z(10, s) = 8 / (1.253314 * (s).mean_abs_dev) AS by_mean
FROM (SELECT loan_risk.robust_stats(x) s FROM unnest(ARRAY[2, 2, 2, 2, 2, 3, 10]::float8[]) x) q;
SELECT loan_risk.robust_z(5, s) AS above, loan_risk.robust_z(-5, s) AS below, loan_risk.robust_z(2, s) AS at
FROM (SELECT loan_risk.robust_stats(x) s FROM unnest(ARRAY[2, 2, 2]::float8[]) x) q;
SELECT loan_risk.robust_z(5, 2, 0) AS plain_above, loan_risk.robust_z(2, 2, 0) AS plain_at,
       loan_risk.robust_z(12, 2, 1) AS plain, loan_risk.robust_z('NaN', 2, 1) AS nan_value,
       loan_risk.robust_z('Infinity', 2, 1) AS inf_value, loan_risk.robust_z(5, 'NaN', 1) AS nan_median,
       loan_risk.robust_z(5, 2, 'Infinity') AS inf_mad, loan_risk.robust_z(NULL, 2, 1) AS null_value;
SELECT loan_risk.robust_z(5, 2, -1);
SELECT loan_risk.robust_z(5, ROW(3, 2, -1, 1, true)::loan_risk.robust_summary);
SELECT loan_risk.robust_z(5, ROW(3, NULL, 1, 1, true)::loan_risk.robust_summary) AS null_median,
       loan_risk.robust_z(5, ROW(3, 2, 0, NULL, true)::loan_risk.robust_summary) AS no_mean;

-- State: text round trip, _partial per group and _merge equal one pass (exact and sketch).
SELECT loan_risk.robust_stats_partial(x)::text::loan_risk.robust_stats_state::text
     = loan_risk.robust_stats_partial(x)::text AS state_round_trip FROM obs;
SELECT loan_risk.robust_stats_merge(s) = (SELECT loan_risk.robust_stats(x) FROM obs) AS merged
FROM (SELECT loan_risk.robust_stats_partial(x) s FROM obs GROUP BY g % 4) p;
SELECT loan_risk.robust_stats_merge(s::text::loan_risk.robust_stats_state) = (SELECT loan_risk.robust_stats(x, 3000) FROM obs) AS merged_sketch,
       (loan_risk.robust_stats_merge(s)).exact AS exact
FROM (SELECT loan_risk.robust_stats_partial(x, 3000) s FROM obs GROUP BY g % 4) p;
-- Parts under the limit whose total is over it become a sketch when merged.
SELECT (loan_risk.robust_stats_merge(s)).exact AS exact, loan_risk.robust_stats_merge(s) = (SELECT loan_risk.robust_stats(x, 30000) FROM obs) AS same
FROM (SELECT loan_risk.robust_stats_partial(x, 30000) s FROM obs GROUP BY g % 4) p;
SELECT loan_risk.robust_stats_merge(s)
FROM (SELECT loan_risk.robust_stats_partial(1, 5) s UNION ALL SELECT loan_risk.robust_stats_partial(1, 6)) v;

-- Malformed states are errors, never crashes.  Hand-made: exact limit 10, values 1 and 2.
CREATE FUNCTION rs(body text) RETURNS loan_risk.robust_stats_state LANGUAGE sql AS
$$ SELECT translate(encode(('\x5352524c01000000' || body)::bytea, 'base64'), E'\n', '')::loan_risk.robust_stats_state $$;
SELECT (loan_risk.robust_stats_final(rs('0a000000' || '0200000000000000' || '00' || '02000000' || '000000000000f03f' || '0000000000000040'))).*;
-- A hand-made sketch: limit 0, 3 values: one zero, one in positive bucket 0 (value 0.9999), one +Infinity.
SELECT (loan_risk.robust_stats_final(rs('00000000' || '0300000000000000' || '01' || '0100000000000000' || '0100000000000000'
         || '0000000000000000' || '01000000' || '00000000' || '0100000000000000' || '00000000'))).*;
SELECT 'AAAA'::loan_risk.robust_stats_state;
SELECT rs('feffffff' || '0000000000000000' || '00' || '00000000') AS bad_limit;
SELECT rs('ffffffff' || '0100000000000000' || '00' || '01000000' || '000000000000f03f') AS values_without_limit;
SELECT rs('0a000000' || '0200000000000000' || '02') AS bad_mode;
SELECT rs('0a000000' || '0300000000000000' || '00' || '02000000' || '000000000000f03f' || '0000000000000040') AS count_mismatch;
SELECT rs('01000000' || '0200000000000000' || '00' || '02000000' || '000000000000f03f' || '0000000000000040') AS over_limit;
SELECT rs('0a000000' || '0200000000000000' || '00' || '02000000' || '0000000000000040' || '000000000000f03f') AS out_of_order;
SELECT rs('0a000000' || '0200000000000000' || '00' || '02000000' || '000000000000f03f' || '000000000000f87f') AS nan_value;
SELECT rs('0a000000' || '0200000000000000' || '00' || '02000000' || '000000000000f03f') AS truncated;
SELECT rs('0a000000' || '0200000000000000' || '01') AS sketch_under_limit;
SELECT rs('00000000' || '0200000000000000' || '01' || '0100000000000000' || '0000000000000000' || '0000000000000000'
         || '00000000' || '00000000') AS counts_do_not_add_up;
SELECT rs('00000000' || '0200000000000000' || '01' || '0000000000000000' || '0000000000000000' || '0000000000000000'
         || '02000000' || '05000000' || '0100000000000000' || '04000000' || '0100000000000000' || '00000000') AS buckets_out_of_order;
SELECT rs('00000000' || '0100000000000000' || '01' || '0000000000000000' || '0000000000000000' || '0000000000000000'
         || '01000000' || '05000000' || '0000000000000000' || '00000000') AS zero_count;
SELECT rs('00000000' || '0100000000000000' || '01' || '0000000000000000' || '0000000000000000' || '0000000000000000'
         || '01000000' || '00008000' || '0100000000000000' || '00000000') AS bucket_out_of_range;

-- Parallel: partial states in workers, combined in the leader, equal serial (exact and sketch).
ALTER TABLE obs SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT loan_risk.robust_stats(x) FROM obs;
SELECT loan_risk.robust_stats(x)::text AS e, loan_risk.robust_stats(x, 1000)::text AS a FROM obs \gset par_
SELECT g, loan_risk.robust_stats(x)::text AS s FROM obs GROUP BY g HAVING g = 7 \gset pg_
SET max_parallel_workers_per_gather = 0;
SELECT :'par_e' = loan_risk.robust_stats(x)::text AS exact_parallel_equals_serial,
       :'par_a' = loan_risk.robust_stats(x, 1000)::text AS sketch_parallel_equals_serial FROM obs;
SELECT :'pg_s' = loan_risk.robust_stats(x)::text AS grouped_parallel_equals_serial FROM obs WHERE g = 7;
