-- Optimal binning is exact: on small problems (8 pre-bins) the dynamic
-- programme of loan_risk.prebin_bins finds the same information value as
-- plain-SQL enumeration of every partition of the pre-bins (2^7 cut sets),
-- under each trend, bin-count, bin-share and bad-rate-difference constraint.
SET client_min_messages = warning;

-- 40 problems: 8 values per problem, counts and bad rates from hashint4.
CREATE TABLE cases AS
SELECT c, i,
       30 + abs(hashint4(c * 100 + i)) % 150 AS n,
       abs(hashint4(c * 1000 + i)) % 1000 AS r
FROM generate_series(1, 40) c, generate_series(1, 8) i;
ALTER TABLE cases ADD COLUMN b int;
UPDATE cases SET b = (n * r / 1000.0 * 0.6)::int + (c % 3);   -- some pre-bins with few or no bads
UPDATE cases SET b = least(b, n - 1);
CREATE TABLE data AS
SELECT c, i::float8 AS x, (k <= b)::int AS bad
FROM cases, generate_series(1, n) k;

-- Every partition of each problem's 8 pre-bins with its groups.
CREATE TABLE parts AS
WITH m AS (SELECT c, mask FROM (SELECT DISTINCT c FROM cases) s, generate_series(0, 127) mask),
g AS (
  SELECT m.c, m.mask, k.i, k.n - k.b AS g, k.b,
         length(replace(((m.mask & ((1 << (k.i - 1)) - 1)))::bit(8)::text, '0', '')) AS grp
  FROM m JOIN cases k ON k.c = m.c)
SELECT c, mask, grp, sum(g)::float8 AS g, sum(b)::float8 AS b
FROM g GROUP BY c, mask, grp;
CREATE TABLE totals AS SELECT c, sum(n - b)::float8 AS gt, sum(b)::float8 AS bt FROM cases GROUP BY c;

-- The brute force: best IV over the partitions that meet the constraints,
-- fewest bins on a tie within 1e-12.
CREATE FUNCTION brute(trend text, max_bins int, min_share float8, min_diff float8)
RETURNS TABLE (c int, iv float8, bins bigint) LANGUAGE sql AS $$
WITH s AS (
  SELECT p.c, p.mask, p.grp, p.g, p.b, t.gt, t.bt,
         p.b / (p.g + p.b) AS rate,
         p.b / (p.g + p.b) - lag(p.b / (p.g + p.b)) OVER w AS d,
         count(*) OVER (PARTITION BY p.c, p.mask) AS k
  FROM parts p JOIN totals t USING (c)
  WINDOW w AS (PARTITION BY p.c, p.mask ORDER BY p.grp)),
s2 AS (
  SELECT *,
         CASE WHEN d IS NULL THEN 0
              WHEN min_diff > 0 AND d >= min_diff THEN 1
              WHEN min_diff > 0 AND -d >= min_diff THEN -1
              WHEN min_diff > 0 THEN 9
              ELSE sign(d)::int END AS dir
  FROM s),
s3 AS (
  SELECT *,
         bool_or(dir = -1) OVER (PARTITION BY c, mask ORDER BY grp ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS seen_down,
         bool_or(dir = 1) OVER (PARTITION BY c, mask ORDER BY grp ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS seen_up
  FROM s2),
ok AS (
  SELECT c, mask, max(k) AS k,
         sum(CASE WHEN g > 0 AND b > 0 THEN (g / gt - b / bt) * ln((g * bt) / (b * gt)) ELSE 0 END) AS iv,
         bool_and(g > 0 AND b > 0
                  AND (k = 1 OR (g + b) >= min_share * (gt + bt))
                  AND CASE trend
                        WHEN 'ascending' THEN dir IN (0, 1)
                        WHEN 'descending' THEN dir IN (0, -1)
                        WHEN 'none' THEN dir <> 9 AND (min_diff = 0 OR grp = 0 OR dir <> 0)
                        WHEN 'peak' THEN dir <> 9 AND (grp = 0 OR dir <> 0) AND NOT (dir = 1 AND coalesce(seen_down, false))
                        WHEN 'valley' THEN dir <> 9 AND (grp = 0 OR dir <> 0) AND NOT (dir = -1 AND coalesce(seen_up, false))
                      END) AS feasible
  FROM s3 GROUP BY c, mask
  HAVING max(k) <= max_bins),
best AS (SELECT c, max(iv) AS iv FROM ok WHERE feasible GROUP BY c)
SELECT b.c, b.iv, min(o.k)
FROM best b JOIN ok o ON o.c = b.c AND o.feasible AND o.iv >= b.iv - 1e-12 * greatest(1, b.iv)
GROUP BY b.c, b.iv
$$;

CREATE TABLE states AS
SELECT c, loan_risk.prebin_partial(bad, ARRAY[x]::float8[], NULL::text[]) AS st FROM data GROUP BY c;

CREATE FUNCTION dp(trend text, max_bins int, min_share float8, min_diff float8)
RETURNS TABLE (c int, iv float8, bins int, prebins int) LANGUAGE sql AS $$
SELECT c, (f->>'iv')::float8, jsonb_array_length(f->'bins'), (f->'binning'->>'prebins')::int
FROM (SELECT c, loan_risk.prebin_bins(st, '{x}',
        jsonb_build_object('binning', jsonb_build_object('trend', trend, 'max_bins', max_bins,
                           'min_bin_share', min_share, 'min_bad_rate_diff', min_diff))) -> 'features' -> 0 AS f
      FROM states) s
$$;

-- Each pre-bin is one value (8 pre-bins), and the dynamic programme agrees
-- with the enumeration on every problem: IV within 1e-12, same number of bins.
SELECT trend, max_bins, min_share, min_diff,
       count(*) AS problems,
       count(*) FILTER (WHERE d.prebins = 8) AS eight_prebins,
       count(*) FILTER (WHERE abs(d.iv - b.iv) <= 1e-12 * greatest(1, b.iv) AND d.bins = b.bins) AS agree
FROM (VALUES ('ascending', 6, 0.05, 0.0), ('descending', 6, 0.05, 0.0), ('none', 6, 0.05, 0.0),
             ('peak', 6, 0.05, 0.0), ('valley', 6, 0.05, 0.0),
             ('ascending', 3, 0.05, 0.0), ('none', 4, 0.15, 0.0), ('peak', 5, 0.10, 0.0),
             ('ascending', 8, 0.0, 0.03), ('none', 8, 0.0, 0.05), ('valley', 6, 0.08, 0.02)
     ) AS o(trend, max_bins, min_share, min_diff)
CROSS JOIN LATERAL (SELECT * FROM dp(o.trend, o.max_bins, o.min_share, o.min_diff)) d
JOIN LATERAL (SELECT * FROM brute(o.trend, o.max_bins, o.min_share, o.min_diff)) b ON b.c = d.c
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;

-- auto is the better of ascending and descending, unless the better of peak
-- and valley passes the shape test (training_binning_shapes.sql): then it is
-- that one.  These problems' bad rates are random, so many turn clearly.
CREATE FUNCTION dp_auto() RETURNS TABLE (c int, iv float8, trend text, turn_passes boolean)
LANGUAGE sql AS $$
SELECT c, (f->>'iv')::float8, f->'binning'->>'trend',
       (f->'binning'->'shape_test'->>'deviance_gain')::float8 > (f->'binning'->'shape_test'->>'penalty')::float8
FROM (SELECT c, loan_risk.prebin_bins(st, '{x}') -> 'features' -> 0 AS f FROM states) s
$$;
SELECT count(*) AS problems,
       count(*) FILTER (WHERE CASE WHEN a.trend IN ('peak', 'valley')
                                   THEN a.turn_passes AND abs(a.iv - greatest(pk.iv, vl.iv)) <= 1e-12
                                   ELSE NOT coalesce(a.turn_passes, false)
                                        AND abs(a.iv - greatest(asc_.iv, desc_.iv)) <= 1e-12 END) AS auto_follows_rule,
       count(*) FILTER (WHERE a.trend IN ('peak', 'valley')) AS turning
FROM dp_auto() a
JOIN brute('ascending', 6, 0.05, 0) asc_ USING (c)
JOIN brute('descending', 6, 0.05, 0) desc_ USING (c)
JOIN brute('peak', 6, 0.05, 0) pk USING (c)
JOIN brute('valley', 6, 0.05, 0) vl USING (c);

-- The constraints bind: on many problems the trend, the bin count or the
-- bad-rate difference lowers the best IV below the unconstrained one.
SELECT count(*) FILTER (WHERE a.iv < n.iv - 1e-9) AS ascending_binds,
       count(*) FILTER (WHERE p.iv < n.iv - 1e-9) AS peak_binds,
       count(*) FILTER (WHERE k3.iv < n.iv - 1e-9) AS three_bins_bind,
       count(*) FILTER (WHERE d5.iv < n.iv - 1e-9) AS min_diff_binds
FROM brute('none', 6, 0.05, 0) n
JOIN brute('ascending', 6, 0.05, 0) a USING (c)
JOIN brute('peak', 6, 0.05, 0) p USING (c)
JOIN brute('none', 3, 0.05, 0) k3 USING (c)
JOIN brute('none', 6, 0.05, 0.05) d5 USING (c);
