-- loan_risk.binning and loan_risk.binning_table: optimal monotonic binning of
-- the features of a table or query in one pass.  Checked against the known
-- shapes of generated data and against plain SQL over the bins it returns
-- (counts, bad rates, WOE, and loan_risk.iv of the metrics area for the IV).
SET client_min_messages = warning;
SET extra_float_digits = 0;

-- 20000 applicants with known shapes: the bad rate rises with up, falls with
-- down, peaks in the middle of hump; spec has a special value -1 (risky) and
-- NULLs; grade is categorical with two rare grades.
CREATE TABLE shapes AS
WITH u AS (
  SELECT i,
         (hashint4(i * 17 + 1) & 2147483647) / 2147483647.0 AS u1,
         (hashint4(i * 17 + 2) & 2147483647) / 2147483647.0 AS u2,
         (hashint4(i * 17 + 3) & 2147483647) / 2147483647.0 AS u3,
         (hashint4(i * 17 + 4) & 2147483647) / 2147483647.0 AS u4,
         (hashint4(i * 17 + 5) & 2147483647) / 2147483647.0 AS u5,
         (hashint4(i * 17 + 6) & 2147483647) / 2147483647.0 AS u6
  FROM generate_series(1, 20000) i)
SELECT i,
       floor(u1 * 100)::int AS up,
       round((u2 * 50)::numeric, 1) AS down,
       floor(u3 * 60)::float8 AS hump,
       CASE WHEN u4 < 0.03 THEN NULL WHEN u4 < 0.08 THEN -1 ELSE floor(u4 * 1000) END AS spec,
       CASE WHEN u5 < 0.02 THEN 'G' WHEN u5 < 0.04 THEN 'F'
            WHEN u5 < 0.30 THEN 'A' WHEN u5 < 0.60 THEN 'B' WHEN u5 < 0.85 THEN 'C' ELSE 'D' END AS grade,
       u6
FROM u;
ALTER TABLE shapes ADD COLUMN bad boolean;
UPDATE shapes SET bad = u6 < 1 / (1 + exp(-(-2.2 + 0.02 * up - 0.03 * down
                                             - 0.002 * (hump - 30) * (hump - 30)
                                             + CASE WHEN spec IS NULL THEN 0.4 WHEN spec = -1 THEN 1.0 ELSE 0 END
                                             + CASE grade WHEN 'A' THEN -0.6 WHEN 'B' THEN -0.2 WHEN 'C' THEN 0.2
                                                          WHEN 'D' THEN 0.6 ELSE 0.9 END)));
ALTER TABLE shapes DROP COLUMN u6;
SELECT count(*) AS rows, count(*) FILTER (WHERE bad) AS bads FROM shapes;

-- A worked example: one feature, every bin as a row.
SELECT feature, bin_kind, bin_index, lower_bound, upper_bound, count, goods, bads,
       round(bad_rate::numeric, 4) AS bad_rate, round(woe::numeric, 4) AS woe, round(iv::numeric, 4) AS iv
FROM loan_risk.binning_table(loan_risk.binning('shapes', 'bad', '{up}'));

CREATE TABLE b AS SELECT loan_risk.binning('shapes', 'bad', '{up,down,hump,spec,grade}',
  '{"features": {"spec": {"special_values": [-1]}, "hump": {"trend": "peak"}}}') AS doc;
SELECT doc->'rows' AS rows, doc->'bads' AS bads, doc->'skipped' AS skipped,
       length(doc->>'fingerprint') AS fingerprint_digits FROM b;

-- The trend found or asked for, the bins, and the information value.
SELECT f->>'name' AS feature, f->'binning'->>'requested_trend' AS requested,
       f->'binning'->>'trend' AS trend, jsonb_array_length(f->'bins') AS bins,
       (f->'binning'->>'prebins')::int AS prebins, f->'binning'->>'counts' AS counts,
       round((f->>'iv')::numeric, 4) AS iv
FROM b, jsonb_array_elements(doc->'features') f;

-- Bad rates follow the trend: strictly rising for up, falling for down,
-- rising then falling for hump.
SELECT feature, array_agg(round(bad_rate::numeric, 3) ORDER BY bin_index) AS bad_rates,
       bool_and(d > 0) AS all_rising, bool_and(d < 0) AS all_falling
FROM (SELECT feature, bin_index, bad_rate,
             bad_rate - lag(bad_rate) OVER (PARTITION BY feature ORDER BY bin_index) AS d
      FROM b, loan_risk.binning_table(doc) WHERE bin_kind IN ('range', 'values')) s
GROUP BY feature ORDER BY feature;

-- Every count, bad count and bad rate equals plain SQL over the bin's bounds
-- ([lower, upper), the missing bin = NULL, the special bin = -1).
SELECT t.feature, count(*) AS bins_checked,
       bool_and(t.count = s.n AND t.bads = s.b AND t.goods = s.n - s.b
                AND abs(t.bad_rate - s.b::float8 / s.n) < 1e-15) AS counts_match
FROM b, loan_risk.binning_table(b.doc) t
CROSS JOIN LATERAL (
  SELECT count(*) AS n, count(*) FILTER (WHERE x.bad) AS b
  FROM (SELECT bad, CASE t.feature WHEN 'up' THEN up::float8 WHEN 'down' THEN down::float8
                         WHEN 'hump' THEN hump WHEN 'spec' THEN spec END AS v, grade
        FROM shapes) x
  WHERE CASE t.bin_kind
          WHEN 'range' THEN x.v >= t.lower_bound AND x.v < t.upper_bound AND (t.feature <> 'spec' OR x.v <> -1)
          WHEN 'special' THEN x.v = -1
          WHEN 'missing' THEN CASE WHEN t.feature = 'grade' THEN x.grade IS NULL ELSE x.v IS NULL END
          WHEN 'values' THEN x.grade = ANY (t.bin_values)
        END) s
WHERE t.bin_kind <> 'unseen' AND t.count > 0
GROUP BY t.feature ORDER BY t.feature;

-- WOE per bin is ln(share of goods / share of bads) (Siddiqi's sign), and the
-- feature's IV equals loan_risk.iv (the metrics area's one implementation)
-- over the bins as labels.
SELECT t.feature,
       bool_and(abs(t.woe - ln((t.goods::float8 / tot.g) / (t.bads::float8 / tot.b))) < 1e-12) AS woe_matches
FROM b, loan_risk.binning_table(b.doc) t,
     (SELECT count(*) FILTER (WHERE NOT bad) AS g, count(*) FILTER (WHERE bad) AS b FROM shapes) tot
WHERE t.count > 0
GROUP BY t.feature ORDER BY t.feature;
SELECT abs((f->>'iv')::float8 - (
         SELECT loan_risk.iv(CASE WHEN spec IS NULL THEN 'missing' WHEN spec = -1 THEN 'special'
                                  ELSE (SELECT max(lower_bound)::text FROM loan_risk.binning_table(doc) t
                                        WHERE t.feature = 'spec' AND t.bin_kind = 'range' AND t.lower_bound <= spec) END,
                             bad) FROM shapes)) < 1e-12 AS spec_iv_equals_metrics_iv
FROM b, jsonb_array_elements(doc->'features') f WHERE f->>'name' = 'spec';

-- Special value and missing: their own bins, never merged.
SELECT bin_kind, bin_values, count, bads, round(woe::numeric, 4) AS woe
FROM b, loan_risk.binning_table(doc) WHERE feature = 'spec' AND bin_kind IN ('special', 'missing');

-- Categorical: grades grouped by bad rate; F and G (under 5% each) pooled as
-- rare, the pool a bin of its own (it may be under 5%); an unseen grade gets
-- the WOE of the riskiest group.
SELECT bin_kind, bin_index, bin_values, count, round(bad_rate::numeric, 4) AS bad_rate, round(woe::numeric, 4) AS woe
FROM b, loan_risk.binning_table(doc) WHERE feature = 'grade';
SELECT f->'binning'->'categories' AS categories, f->'binning'->'rare_categories' AS rare
FROM b, jsonb_array_elements(doc->'features') f WHERE f->>'name' = 'grade';
SELECT (loan_risk.binning('shapes', 'bad', '{grade}', '{"binning": {"unseen": "neutral"}}')
        #> '{features,0,unseen,woe}') AS neutral_unseen_woe;

-- User split points are always kept as bin bounds.
SELECT array_agg(upper_bound ORDER BY bin_index) AS uppers
FROM loan_risk.binning_table(loan_risk.binning('shapes', 'bad', '{up}',
       '{"features": {"up": {"splits": [25, 50, 75]}}}')) WHERE bin_kind = 'range';
SELECT array_agg(upper_bound ORDER BY bin_index) AS uppers
FROM loan_risk.binning_table(loan_risk.binning('shapes', 'bad', '{up}',
       '{"features": {"up": {"splits": [50], "max_bins": 2}}}')) WHERE bin_kind = 'range';

-- Constraints: at most max_bins, each bin at least min_bin_share of the rows,
-- neighbouring bad rates at least min_bad_rate_diff apart.
SELECT count(*) AS bins, min(count) >= 0.2 * 20000 AS share_ok,
       min(abs(d)) >= 0.03 AS diff_ok
FROM (SELECT count, bad_rate - lag(bad_rate) OVER (ORDER BY bin_index) AS d
      FROM loan_risk.binning_table(loan_risk.binning('shapes', 'bad', '{up}',
             '{"binning": {"max_bins": 4, "min_bin_share": 0.2, "min_bad_rate_diff": 0.03}}'))
      WHERE bin_kind = 'range') s;
SELECT jsonb_array_length(loan_risk.binning('shapes', 'bad', '{up}', '{"binning": {"max_bins": 1}}')
                          #> '{features,0,bins}') AS one_bin;

-- A query as the source; an integer 0/1 target; NULL targets skipped.
SELECT doc->'rows' AS rows, doc->'skipped' AS skipped, doc #> '{features,0,iv}' = b_iv AS same_iv
FROM (SELECT loan_risk.binning('SELECT up, CASE WHEN i % 10 = 0 THEN NULL ELSE bad::int END AS y FROM shapes',
                               'y', '{up}') AS doc) q,
     (SELECT loan_risk.binning('SELECT up, bad FROM shapes WHERE i % 10 <> 0', 'bad', '{up}') #> '{features,0,iv}' AS b_iv) r;

-- Every column but the target when features is NULL (the id column too).
SELECT jsonb_agg(f->>'name') AS features
FROM jsonb_array_elements(loan_risk.binning('shapes', 'bad') -> 'features') f;

-- An integer column binned as categorical.
SELECT feature, feature_type, bin_values
FROM loan_risk.binning_table(loan_risk.binning('SELECT up % 3 AS r, bad FROM shapes', 'bad', '{r}',
       '{"features": {"r": {"type": "categorical"}}}')) WHERE bin_kind = 'values';

-- NaN and NULL are missing; -Infinity and +Infinity are values (first and last bin).
SELECT bin_kind, lower_bound, upper_bound, count
FROM loan_risk.binning_table(loan_risk.binning(
  $$SELECT CASE WHEN i % 50 = 0 THEN 'NaN' WHEN i % 50 = 1 THEN '-Infinity' WHEN i % 50 = 2 THEN 'Infinity'
                WHEN i % 50 = 3 THEN NULL ELSE up::float8 END AS v, bad FROM shapes$$, 'bad', '{v}',
  '{"binning": {"max_bins": 2}}'));

-- NULL source or target: NULL.
SELECT loan_risk.binning(NULL, 'bad') IS NULL AS null_source, loan_risk.binning('shapes', NULL) IS NULL AS null_target;

-- Errors.
\set VERBOSITY default
SELECT loan_risk.binning('shapes', 'bad', '{up}', '{"features": {"up": {"splits": [1]}}}');
SELECT loan_risk.binning('shapes', 'bad', '{up}', '{"features": {"up": {"splits": [10, 20, 30], "max_bins": 3}}}');
SELECT loan_risk.binning('shapes', 'bad', '{up}', '{"features": {"up": {"splits": [30, 70], "trend": "descending"}}}');
SELECT loan_risk.binning('shapes', 'bad', '{up}', '{"features": {"up": {"splits": [30, 70], "min_bad_rate_diff": 0.5}}}');
SELECT loan_risk.binning('shapes', 'bad', '{up}', '{"features": {"up": {"splits": [1000]}}}');
SELECT loan_risk.binning('shapes', 'bad', '{up}', '{"features": {"down": {"max_bins": 3}}}');
SELECT loan_risk.binning('shapes', 'bad', '{grade}', '{"features": {"grade": {"splits": [1]}}}');
SELECT loan_risk.binning('shapes', 'bad', '{grade}', '{"features": {"grade": {"type": "numeric"}}}');
SELECT loan_risk.binning('shapes', 'bad', '{up}', '{"binning": {"trend": "up"}}');
SELECT loan_risk.binning('shapes', 'bad', '{up}', '{"fit": {}}');
SELECT loan_risk.binning('shapes', 'up', '{down}');
SELECT loan_risk.binning('shapes', 'bad', '{nope}');
SELECT loan_risk.binning('shapes', 'bad', '{up,up}');
SELECT loan_risk.binning('shapes', 'bad', '{bad}');
SELECT loan_risk.binning('shapes', 'bad', '{}');
SELECT loan_risk.binning('SELECT up, bad FROM shapes WHERE false', 'bad', '{up}');
SELECT loan_risk.binning('SELECT up, false AS bad FROM shapes', 'bad', '{up}');
SELECT loan_risk.binning('no_such_table', 'bad', '{up}');
SELECT loan_risk.binning('shapes; DROP TABLE shapes', 'bad', '{up}');
SELECT loan_risk.binning('SELECT 1 AS up, true AS bad; DROP TABLE shapes', 'bad', '{up}');
SELECT loan_risk.binning('SELECT now() AS t, bad FROM shapes', 'bad', '{t}');
SELECT loan_risk.binning('SELECT i::text AS id, bad FROM shapes', 'bad', '{id}');
SELECT count(*) AS still_there FROM shapes;
