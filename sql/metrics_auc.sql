-- loan_risk.auc, gini, ks: exact rank statistics of a risk score against a good/bad outcome.

-- Worked example: bads at risk 0.4 and 0.8, goods at 0.1 and 0.35: every bad ranks above every good.
SELECT loan_risk.auc(risk, bad), loan_risk.gini(risk, bad), loan_risk.ks(risk, bad)
FROM (VALUES (0.1, false), (0.4, true), (0.35, false), (0.8, true)) v(risk, bad);

-- Hand-computed with ties: goods at 1, 2; bads at 1, 3.
-- Pairs (bad, good): (1,1) tie 1/2, (1,2) 0, (3,1) 1, (3,2) 1 -> AUC = 2.5 / 4 = 0.625, Gini = 0.25.
-- KS: after 1, F_bad = 1/2, F_good = 1/2; after 2, 1/2 vs 1 -> 0.5; after 3, 1 vs 1.
SELECT loan_risk.auc(risk, bad), loan_risk.gini(risk, bad), loan_risk.ks(risk, bad)
FROM (VALUES (1, 0), (1, 1), (2, 0), (3, 1)) v(risk, bad);

-- A model that ranks backwards: AUC 0, Gini -1, KS 1 (KS is a distance).
SELECT loan_risk.auc(risk, bad), loan_risk.gini(risk, bad), loan_risk.ks(risk, bad)
FROM (VALUES (0.9, false), (0.1, true), (0.8, false), (0.2, true)) v(risk, bad);

-- All tied: AUC 1/2, Gini 0, KS 0.
SELECT loan_risk.auc(5, bad), loan_risk.gini(5, bad), loan_risk.ks(5, bad)
FROM (VALUES (false), (true), (true)) v(bad);

-- Recorded from scikit-learn 1.2.1 (sklearn.metrics.roc_auc_score) and SciPy 1.10.1
-- (scipy.stats.ks_2samp(bads, goods).statistic) on these 20 rows, risk = -points:
--   roc_auc_score = 0.9120879120879121, ks_2samp = 0.6923076923076923
SELECT abs(loan_risk.auc(-pts, bad) - 0.9120879120879121) < 1e-15 AS auc_matches_sklearn,
       abs(loan_risk.ks(-pts, bad) - 0.6923076923076923) < 1e-15 AS ks_matches_scipy
FROM (VALUES (620, 0), (580, 1), (580, 0), (700, 0), (655, 0), (540, 1), (580, 1), (610, 0),
             (700, 0), (690, 0), (540, 1), (600, 1), (655, 0), (610, 1), (720, 0), (580, 0),
             (600, 0), (540, 1), (690, 0), (620, 0)) v(pts, bad);

-- NULL risks and outcomes are skipped.
SELECT loan_risk.auc(risk, bad)
FROM (VALUES (0.1, false), (NULL, true), (0.9, true), (0.5, NULL), (0.95, false)) v(risk, bad);

-- No rows, only NULLs, one row, one class only: NULL, no error.
SELECT loan_risk.auc(risk, bad) IS NULL AS no_rows FROM (SELECT 0.5::float8, true) v(risk, bad) WHERE false;
SELECT loan_risk.auc(NULL::float8, NULL::boolean) IS NULL AS nulls_only;
SELECT loan_risk.auc(0.5, true) IS NULL AS one_row, loan_risk.ks(0.5, true) IS NULL AS ks_one_row,
       loan_risk.gini(0.5, true) IS NULL AS gini_one_row;
SELECT loan_risk.auc(risk, false) IS NULL AS all_good, loan_risk.auc(risk, 1) IS NULL AS all_bad,
       loan_risk.ks(risk, false) IS NULL AS ks_all_good, loan_risk.gini(risk, 1) IS NULL AS gini_all_bad
FROM generate_series(1, 10) risk;

-- Integer outcomes must be 0 or 1.
SELECT loan_risk.auc(0.5, 2);
SELECT loan_risk.ks(0.5, -1);

-- Infinities are values; NaN is one value above +Infinity (PostgreSQL's float8 order), and
-- -0 equals 0.  Here a bad at NaN outranks a good at +Infinity, a bad at -0 ties a good at 0.
SELECT loan_risk.auc(risk, bad), loan_risk.ks(risk, bad)
FROM (VALUES ('Infinity'::float8, false), ('NaN', true)) v(risk, bad);
SELECT loan_risk.auc(risk, bad)
FROM (VALUES ('-0'::float8, true), ('0', false)) v(risk, bad);
SELECT loan_risk.auc(risk, bad), loan_risk.ks(risk, bad)
FROM (VALUES ('-Infinity'::float8, true), ('-1e308', false), ('NaN', false), ('NaN', true)) v(risk, bad);

-- Against the plain-SQL definitions on generated data: integer scorecard points (heavy ties),
-- a continuous PD, special values, with NULLs in both columns.
CREATE TABLE auc_data AS
SELECT i,
       CASE WHEN i % 97 = 0 THEN NULL ELSE (300 + (hashint4(i) & 255))::float8 END AS pts,
       (hashint4(i) & 1048575) / 1048576.0::float8 AS pd,
       CASE (hashint4(i * 13) & 63) WHEN 0 THEN 'NaN' WHEN 1 THEN 'Infinity' WHEN 2 THEN '-Infinity'
            WHEN 3 THEN '-0' ELSE ((hashint4(i) & 4095) - 2048)::float8 / 7 END AS special,
       CASE WHEN i % 89 = 0 THEN NULL ELSE (hashint4(i * 31 + 7) & 1023) < 200 + (hashint4(i) & 255) * 2 END AS bad
FROM generate_series(1, 40000) i;

-- AUC by the rank-sum (Mann-Whitney U) with mid-ranks, in numeric: (R_bad - nb (nb + 1) / 2) / (nb ng).
CREATE FUNCTION auc_ranksum(col text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE r numeric;
BEGIN
  EXECUTE format($q$
    WITH d AS (SELECT %I AS x, bad FROM auc_data WHERE %I IS NOT NULL AND bad IS NOT NULL),
    rk AS (SELECT bad, rank() OVER (ORDER BY x)::numeric + (count(*) OVER (PARTITION BY x) - 1) / 2.0 AS mr FROM d),
    s AS (SELECT sum(mr) FILTER (WHERE bad) AS rb, count(*) FILTER (WHERE bad) AS nb,
                 count(*) FILTER (WHERE NOT bad) AS ng FROM rk)
    SELECT (rb - nb * (nb + 1) / 2.0) / (nb * ng) FROM s $q$, col, col) INTO r;
  RETURN r;
END $$;
-- KS: the largest gap between the cumulative shares of bads and goods after each distinct value.
CREATE FUNCTION ks_sql(col text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE r numeric;
BEGIN
  EXECUTE format($q$
    WITH v AS (SELECT %I AS x, count(*) FILTER (WHERE bad) AS b, count(*) FILTER (WHERE NOT bad) AS g
               FROM auc_data WHERE %I IS NOT NULL AND bad IS NOT NULL GROUP BY 1),
    c AS (SELECT sum(b) OVER (ORDER BY x) AS cb, sum(g) OVER (ORDER BY x) AS cg,
                 sum(b) OVER () AS tb, sum(g) OVER () AS tg FROM v)
    SELECT max(abs(cb / tb - cg / tg)) FROM c $q$, col, col) INTO r;
  RETURN r;
END $$;

SELECT abs(loan_risk.auc(pts, bad) - auc_ranksum('pts')) < 1e-12 AS auc_pts,
       abs(loan_risk.auc(pd, bad) - auc_ranksum('pd')) < 1e-12 AS auc_pd,
       abs(loan_risk.auc(special, bad) - auc_ranksum('special')) < 1e-12 AS auc_special,
       abs(loan_risk.gini(pts, bad) - (2 * auc_ranksum('pts') - 1)) < 1e-12 AS gini_pts,
       abs(loan_risk.gini(special, bad) - (2 * auc_ranksum('special') - 1)) < 1e-12 AS gini_special,
       abs(loan_risk.ks(pts, bad) - ks_sql('pts')) < 1e-12 AS ks_pts,
       abs(loan_risk.ks(pd, bad) - ks_sql('pd')) < 1e-12 AS ks_pd,
       abs(loan_risk.ks(special, bad) - ks_sql('special')) < 1e-12 AS ks_special
FROM auc_data;

-- The 0/1 overloads give the same numbers.
SELECT loan_risk.auc(pts, bad::int) = loan_risk.auc(pts, bad) AS auc_int,
       loan_risk.ks(pts, bad::int) = loan_risk.ks(pts, bad) AS ks_int,
       loan_risk.gini(pts, bad::int) = loan_risk.gini(pts, bad) AS gini_int
FROM auc_data;

-- The direct definition, P(bad > good) + P(tie) / 2, over every pair of a sample.
SELECT abs(loan_risk.auc(pts, bad) -
           (SELECT (count(*) FILTER (WHERE b.pts > g.pts) + count(*) FILTER (WHERE b.pts = g.pts) / 2.0)
                   / count(*)
            FROM auc_data b, auc_data g
            WHERE b.i <= 1500 AND g.i <= 1500 AND b.bad AND NOT g.bad AND b.pts IS NOT NULL AND g.pts IS NOT NULL)
       ) < 1e-12 AS auc_pairs
FROM auc_data WHERE i <= 1500;

-- GROUP BY and a running window.
SELECT i % 3 AS segment, round(loan_risk.auc(pts, bad)::numeric, 12) AS auc,
       round(loan_risk.ks(pts, bad)::numeric, 12) AS ks
FROM auc_data GROUP BY 1 ORDER BY 1;
SELECT abs(loan_risk.auc(pts, bad) - auc_ranksum('pts')) < 1e-12 AS by_segment_total FROM auc_data;
SELECT m, round(r::numeric, 12) AS running_auc FROM (
  SELECT i / 10000 AS m, loan_risk.auc(pts, bad) OVER (ORDER BY i / 10000) AS r FROM auc_data) w
GROUP BY m, r ORDER BY m;
SELECT round(loan_risk.auc(pts, bad)::numeric, 12) AS first_three_windows FROM auc_data WHERE i < 30000;

-- State text form round-trips exactly; _partial/_merge per shard give the one-pass answer exactly.
SELECT loan_risk.auc_partial(pts, bad)::text::loan_risk.score_dist_state::text
     = loan_risk.auc_partial(pts, bad)::text AS state_round_trip FROM auc_data;
SELECT loan_risk.auc_partial(pd, bad)::text::loan_risk.score_dist_state::text
     = loan_risk.auc_partial(pd, bad)::text AS state_round_trip_pd FROM auc_data;
SELECT loan_risk.auc_merge(s) = (SELECT loan_risk.auc(pd, bad) FROM auc_data) AS auc_merged,
       loan_risk.ks_merge(s) = (SELECT loan_risk.ks(pd, bad) FROM auc_data) AS ks_merged,
       loan_risk.gini_merge(s) = (SELECT loan_risk.gini(pd, bad) FROM auc_data) AS gini_merged
FROM (SELECT loan_risk.auc_partial(pd, bad) s FROM auc_data GROUP BY i % 5) p;
SELECT loan_risk.ks_merge(s) = (SELECT loan_risk.ks(special, bad::int) FROM auc_data) AS merged_int
FROM (SELECT loan_risk.ks_partial(special, bad::int) s FROM auc_data GROUP BY i % 3
      UNION ALL SELECT loan_risk.gini_partial(special, bad) FROM auc_data WHERE false) p;
-- Binary form: send gives the state's bytes; COPY BINARY out and in round-trips through receive.
SELECT loan_risk.score_dist_state_send(s) = decode(s::text, 'base64') AS send_is_bytes
FROM (SELECT loan_risk.auc_partial(special, bad) s FROM auc_data) p;
CREATE TABLE auc_states AS SELECT i % 3 AS g, loan_risk.auc_partial(special, bad) s FROM auc_data GROUP BY 1;
SELECT '/tmp/loan_risk_metrics_auc_' || pg_backend_pid() || '.bin' AS f \gset
COPY auc_states TO :'f' (FORMAT binary);
CREATE TABLE auc_states2 (g int, s loan_risk.score_dist_state);
COPY auc_states2 FROM :'f' (FORMAT binary);
\! rm -f /tmp/loan_risk_metrics_auc_*.bin
SELECT bool_and(a.s::text = b.s::text) AS binary_round_trip, count(*)
FROM auc_states a JOIN auc_states2 b USING (g);

-- A hand-typed state: goods at -1 (3), 0 (1); bads at 0 (1), 5 (2): AUC = (1 * (2*3 + 1) + 2 * 8) / 24.
SELECT loan_risk.auc_final(encode(decode('3144524c01000000000000000300000000000000ffffffffffff0f4003000000000000000080010100000000000014c00002', 'hex'), 'base64')::loan_risk.score_dist_state) AS typed_auc,
       23 / 24.0 AS expected;
SELECT loan_risk.auc_final(encode(decode('3144524c01000000000000000200000000000000000000000000f0ff0100000000000000f8ff0001', 'hex'), 'base64')::loan_risk.score_dist_state) AS nan_above_infinity;

-- Counts far beyond any table (the sums need 128 bits): goods 3e15+7 / bads 1e15+3 at 1, goods 1e15+1 /
-- bads 5e15+11 at 2.  Reference in numeric: (b1 g1 + b2 (2 g1 + g2)) / (2 (g1 + g2) (b1 + b2)).
SELECT abs(loan_risk.auc_final(s) - (b1 * g1 + b2 * (2 * g1 + g2)) / (2 * (g1 + g2) * (b1 + b2))) < 1e-16 AS big_counts_exact,
       abs(loan_risk.ks_final(s) - abs(b1 / (b1 + b2) - g1 / (g1 + g2))) < 1e-16 AS big_ks_exact
FROM (SELECT translate(encode(decode('3144524c01000000000000000200000000000000000000000000f0bf8780cef2be8faa0583809aa6eaafe30100000000000000c081809aa6eaafe3018b8082bf93eff008', 'hex'), 'base64'), E'\n', '')::loan_risk.score_dist_state,
             3000000000000007::numeric, 1000000000000003::numeric, 1000000000000001::numeric, 5000000000000011::numeric) v(s, g1, b1, g2, b2);
SELECT loan_risk.auc_final(s) AS auc, loan_risk.gini_final(s) AS gini, loan_risk.ks_final(s) AS ks
FROM (VALUES (encode(decode('3144524c01000000000000000100000000000000000000000000f0bf808080808080808040ffffffffffffffff3f', 'hex'), 'base64')::loan_risk.score_dist_state),
             (translate(encode(decode('3144524c01000000000000000200000000000000000000000000f0bf8080808080808080400000000000000000c000ffffffffffffffff3f', 'hex'), 'base64'), E'\n', '')::loan_risk.score_dist_state)) v(s);
-- Rows of both classes together must fit in a bigint: 2^62 goods and 2^62 bads are refused.
SELECT translate(encode(decode('3144524c01000000000000000200000000000000000000000000f0bf8080808080808080400000000000000000c000808080808080808040', 'hex'), 'base64'), E'\n', '')::loan_risk.score_dist_state;

-- Malformed states are errors, never crashes.
SELECT 'not base64!'::loan_risk.score_dist_state;
SELECT ''::loan_risk.score_dist_state;
SELECT encode(decode('3142524c01000000000000000100000000000000000000000000f0bf0201', 'hex'), 'base64')::loan_risk.score_dist_state AS wrong_magic;
SELECT encode(decode('3144524c02000000000000000100000000000000000000000000f0bf0201', 'hex'), 'base64')::loan_risk.score_dist_state AS version2;
SELECT encode(decode('3144524c01000100000000000100000000000000000000000000f0bf0201', 'hex'), 'base64')::loan_risk.score_dist_state AS flags;
SELECT encode(decode('3144524c01000000000000000100000000000000000000000000f0bf8280', 'hex'), 'base64')::loan_risk.score_dist_state AS truncated;
SELECT encode(decode('3144524c010000000000000001000000000000000000000000', 'hex'), 'base64')::loan_risk.score_dist_state AS truncated_key;
SELECT encode(decode('3144524c01000000000000000100000000000000000000000000f0bf020100', 'hex'), 'base64')::loan_risk.score_dist_state AS trailing;
SELECT encode(decode('3144524c01000000112700000100000000000000000000000000f0bf0201', 'hex'), 'base64')::loan_risk.score_dist_state AS too_many_buckets;
SELECT encode(decode('3144524c0100000000000000e803000000000000000000000000f0bf0201', 'hex'), 'base64')::loan_risk.score_dist_state AS count_beyond_data;
SELECT encode(decode('3144524c0100000000000000020000000000000000000000000000c00201000000000000f0bf0101', 'hex'), 'base64')::loan_risk.score_dist_state AS not_ascending;
SELECT encode(decode('3144524c01000000000000000200000000000000000000000000f0bf0201000000000000f0bf0101', 'hex'), 'base64')::loan_risk.score_dist_state AS duplicate;
SELECT encode(decode('3144524c01000000000000000100000000000000ffffffffffffff7f0101', 'hex'), 'base64')::loan_risk.score_dist_state AS negative_zero;
SELECT encode(decode('3144524c01000000000000000100000000000000010000000000f8ff0101', 'hex'), 'base64')::loan_risk.score_dist_state AS other_nan;
SELECT encode(decode('3144524c01000000000000000100000000000000000000000000f0bf0000', 'hex'), 'base64')::loan_risk.score_dist_state AS zero_counts;
SELECT encode(decode('3144524c01000000000000000200000000000000000000000000f0bfffffffffffffffff7f0000000000000000c00100', 'hex'), 'base64')::loan_risk.score_dist_state AS count_overflow;
SELECT encode(decode('3144524c01000000000000000100000000000000000000000000f0bf820001', 'hex'), 'base64')::loan_risk.score_dist_state AS non_minimal;
SELECT encode(decode('3144524c01000000000000000100000000000000000000000000f0bfffffffffffffffffff0201', 'hex'), 'base64')::loan_risk.score_dist_state AS varint_65_bits;
-- Merging states whose totals would overflow is an error too.
SELECT loan_risk.auc_merge(s) FROM (VALUES
  (encode(decode('3144524c01000000000000000100000000000000000000000000f0bfffffffffffffffff7f00', 'hex'), 'base64')::loan_risk.score_dist_state),
  (encode(decode('3144524c01000000000000000100000000000000000000000000f0bf0100', 'hex'), 'base64')::loan_risk.score_dist_state)) v(s);

-- Parallel: partial aggregation in workers, combined in the leader, equals serial exactly.
ALTER TABLE auc_data SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT loan_risk.auc(pts, bad) FROM auc_data;
SELECT loan_risk.auc(pts, bad) AS a, loan_risk.ks(pts, bad) AS k, loan_risk.gini(pd, bad) AS g,
       loan_risk.auc(pd, bad) AS ap, loan_risk.ks(special, bad) AS ks
FROM auc_data \gset par_
SET max_parallel_workers_per_gather = 0;
SELECT :par_a = loan_risk.auc(pts, bad) AS auc_parallel_equals_serial,
       :par_k = loan_risk.ks(pts, bad) AS ks_parallel_equals_serial,
       :par_g = loan_risk.gini(pd, bad) AS gini_parallel_equals_serial,
       :par_ap = loan_risk.auc(pd, bad) AS auc_pd_parallel_equals_serial,
       :par_ks = loan_risk.ks(special, bad) AS ks_special_parallel_equals_serial
FROM auc_data;
