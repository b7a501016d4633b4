-- loan_risk.prebin_partial / prebin_merge / prebin_table / prebin_info: the
-- mergeable pre-binning state of several features in one pass, the numeric
-- features as a float8[], then the categorical ones as a text[].  Counts are
-- checked against GROUP BY; the state is the same serial, parallel and merged
-- from partial states, exact or bucketed.
SET client_min_messages = warning;
SET extra_float_digits = 0;

-- A worked example: a numeric and a categorical feature, NULL and NaN missing.
CREATE TABLE tiny (x float8, c text, bad boolean);
INSERT INTO tiny VALUES (1, 'a', false), (1, 'a', true), (2, 'b', false), (3, NULL, true),
  (NULL, 'b', false), ('NaN', 'a', true), (-0.0, 'b', false), (0, 'b', true), (3, 'a', NULL);
SELECT * FROM loan_risk.prebin_table((SELECT loan_risk.prebin_partial(bad, ARRAY[x], ARRAY[c]) FROM tiny));
SELECT loan_risk.prebin_info(loan_risk.prebin_partial(bad, ARRAY[x], ARRAY[c])) FROM tiny;
-- Numbers of any type go in the float8[], categories of any type in the
-- text[] (char(n) without its trailing blanks, enums by label, booleans as
-- true/false): the casts of SQL.
CREATE TYPE mood AS ENUM ('sad', 'happy');
SELECT jsonb_path_query_array(loan_risk.prebin_info(loan_risk.prebin_partial(b, ARRAY[i2, i8, r, n]::float8[], ARRAY[vc, ch, m::text, bo::text]::text[])),
                              '$.features[*].kind') AS kinds
FROM (VALUES (1, 1::smallint, 2::bigint, 1.5::real, 2.5::numeric, 'x'::varchar, 'y '::char(3), 'sad'::mood, true)) v(b, i2, i8, r, n, vc, ch, m, bo);
SELECT category FROM loan_risk.prebin_table((SELECT loan_risk.prebin_partial(1, NULL::float8[], ARRAY['y '::char(3), 'happy'::mood::text, false::text]::text[])))
WHERE kind = 'category' ORDER BY feature;

-- Generated data: 30000 rows, an integer feature, a continuous one (about
-- 9000 distinct values), a categorical one, NULLs, a special value.
CREATE TABLE pb AS
SELECT i,
       (abs(hashint4(i)) % 40)::int AS k,
       CASE WHEN i % 97 = 0 THEN NULL WHEN i % 89 = 0 THEN -1
            ELSE (hashint4(i * 7) % 5000 / 7.0)::float8 END AS x,
       CASE WHEN i % 101 = 0 THEN NULL ELSE chr(65 + abs(hashint4(i * 3)) % 7) END AS c,
       abs(hashint4(i * 11)) % 5 = 0 AS bad
FROM generate_series(1, 30000) i;
ALTER TABLE pb SET (parallel_workers = 2);
ANALYZE pb;

-- Exact counts per value equal GROUP BY, feature by feature.
CREATE TABLE st_exact AS SELECT loan_risk.prebin_partial(bad, ARRAY[k, x], ARRAY[c]) AS st FROM pb;
SELECT t.feature, t.kind, count(*) AS values_,
       bool_and(t.goods = s.goods AND t.bads = s.bads) AS counts_match
FROM loan_risk.prebin_table((SELECT st FROM st_exact)) t
JOIN (SELECT 1 AS feature, k::float8 AS v, NULL::text AS c, count(*) FILTER (WHERE NOT bad) AS goods, count(*) FILTER (WHERE bad) AS bads FROM pb GROUP BY k
      UNION ALL
      SELECT 2, x, NULL, count(*) FILTER (WHERE NOT bad), count(*) FILTER (WHERE bad) FROM pb WHERE x IS NOT NULL GROUP BY x
      UNION ALL
      SELECT 3, NULL, c, count(*) FILTER (WHERE NOT bad), count(*) FILTER (WHERE bad) FROM pb WHERE c IS NOT NULL GROUP BY c
      UNION ALL
      SELECT 2, NULL, NULL, count(*) FILTER (WHERE NOT bad), count(*) FILTER (WHERE bad) FROM pb WHERE x IS NULL
      UNION ALL
      SELECT 3, NULL, NULL, count(*) FILTER (WHERE NOT bad), count(*) FILTER (WHERE bad) FROM pb WHERE c IS NULL
      UNION ALL
      SELECT 1, NULL, NULL, 0, 0) s
  ON s.feature = t.feature AND coalesce(s.v, -1e308) = coalesce(t.value, -1e308)
     AND coalesce(s.c, '') = coalesce(t.category, '')
GROUP BY t.feature, t.kind ORDER BY 1, 2;
SELECT jsonb_path_query_array(loan_risk.prebin_info(st), '$.features[*].counts') AS counts FROM st_exact;

-- Text form round trip; _merge over partial states per group equals one pass.
SELECT st::text::loan_risk.prebin_state::text = st::text AS round_trip FROM st_exact;
SELECT (SELECT loan_risk.prebin_merge(s)::text FROM (SELECT loan_risk.prebin_partial(bad, ARRAY[k, x], ARRAY[c]) AS s
                                                     FROM pb GROUP BY i % 7) p)
       = (SELECT st::text FROM st_exact) AS merge_equals_one_pass;

-- Beyond max_distinct distinct values the continuous feature is counted
-- per bucket of neighbouring values; each bucket's count is exact for its
-- range [start, next start), and the exact value -1 keeps its own count.
CREATE TABLE st_bucket AS SELECT loan_risk.prebin_partial(bad, ARRAY[k, x], ARRAY[c], '{-1}', 1024) AS st FROM pb;
SELECT jsonb_path_query_array(loan_risk.prebin_info(st), '$.features[*].counts') AS counts,
       jsonb_path_query_array(loan_risk.prebin_info(st), '$.features[*].runs') AS runs,
       loan_risk.prebin_info(st)->'exact_values' AS exact_values
FROM st_bucket;
CREATE TABLE r AS SELECT value AS lo, goods, bads
  FROM loan_risk.prebin_table((SELECT st FROM st_bucket)) WHERE feature = 2 AND kind = 'bucket';
CREATE INDEX ON r (lo);
SELECT count(*) AS buckets,
       bool_and(r.goods = coalesce(s.goods, 0) AND r.bads = coalesce(s.bads, 0)) AS bucket_counts_exact,
       (SELECT goods + bads FROM r WHERE lo = -1) = (SELECT count(*) FROM pb WHERE x = -1) AS exact_value_alone
FROM r LEFT JOIN (
  SELECT b.lo, count(*) FILTER (WHERE NOT bad) AS goods, count(*) FILTER (WHERE bad) AS bads
  FROM pb, LATERAL (SELECT lo FROM r WHERE r.lo <= pb.x ORDER BY lo DESC LIMIT 1) b
  GROUP BY b.lo) s ON s.lo = r.lo;
-- The bucketed state does not depend on how rows are split or ordered.
SELECT (SELECT loan_risk.prebin_merge(s)::text FROM (SELECT loan_risk.prebin_partial(bad, ARRAY[k, x], ARRAY[c], '{-1}', 1024) AS s
                                                     FROM pb GROUP BY i % 5) p)
       = (SELECT st::text FROM st_bucket) AS merge_equals_one_pass,
       (SELECT loan_risk.prebin_partial(bad, ARRAY[k, x], ARRAY[c], '{-1}', 1024)::text FROM (SELECT * FROM pb ORDER BY x DESC) o)
       = (SELECT st::text FROM st_bucket) AS order_free;

-- Parallel query: Partial Aggregate under Gather, and the same state.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT loan_risk.prebin_partial(bad, ARRAY[k, x], ARRAY[c], '{-1}', 1024) FROM pb;
SELECT loan_risk.prebin_partial(bad, ARRAY[k, x], ARRAY[c], '{-1}', 1024)::text = (SELECT st::text FROM st_bucket) AS parallel_equals_serial FROM pb;
SELECT loan_risk.prebin_partial(bad, ARRAY[k, x], ARRAY[c])::text = (SELECT st::text FROM st_exact) AS parallel_equals_serial_exact FROM pb;
RESET max_parallel_workers_per_gather;

-- kinds gives the features' order: 'cnn' puts the categorical feature
-- first, then the numeric ones, each from its array in turn (the counts of
-- the numeric-first state, features renumbered).
SELECT (SELECT array_agg(l ORDER BY l) FROM (SELECT format('%s %s %s %s %s %s', feature, kind, value, category, goods, bads) l
        FROM loan_risk.prebin_table(loan_risk.prebin_partial(bad, ARRAY[k, x], ARRAY[c], NULL, NULL, 'cnn'))) s)
       = (SELECT array_agg(l ORDER BY l) FROM (SELECT format('%s %s %s %s %s %s', feature % 3 + 1, kind, value, category, goods, bads) l
          FROM loan_risk.prebin_table(loan_risk.prebin_partial(bad, ARRAY[k, x], ARRAY[c]))) s) AS kinds_order,
       jsonb_path_query_array(loan_risk.prebin_info(loan_risk.prebin_partial(bad, ARRAY[k, x], ARRAY[c], NULL, NULL, 'ncn')),
                              '$.features[*].kind') AS kinds_ncn,
       loan_risk.prebin_partial(bad, ARRAY[k, x], ARRAY[c], NULL, NULL, NULL)::text
       = (SELECT st::text FROM st_exact) AS null_kinds_numeric_first
FROM pb;
SELECT loan_risk.prebin_partial(bad, ARRAY[k, x], ARRAY[c], NULL, NULL, 'cn') FROM pb;
SELECT loan_risk.prebin_partial(bad, ARRAY[k, x], ARRAY[c], NULL, NULL, 'nxn') FROM pb;


-- Bins from a merged state (what a sharded user runs on the coordinator).
SELECT jsonb_path_query_array(loan_risk.prebin_bins(st, '{k,x,c}', '{"binning": {"max_bins": 3}}'),
                              '$.features[*].bins.size()') AS bins_per_feature
FROM st_exact;

-- No rows: NULL.  NULL targets are skipped, counted.
SELECT loan_risk.prebin_partial(bad, ARRAY[x], NULL::text[]) IS NULL AS no_rows FROM tiny WHERE false;
SELECT loan_risk.prebin_info(loan_risk.prebin_partial(NULL::boolean, ARRAY[x], NULL::text[])) -> 'skipped' AS skipped FROM tiny;
-- NULL elements are missing values; max_distinct NULL is the default.
SELECT loan_risk.prebin_partial(bad, ARRAY[x], ARRAY[c], NULL, NULL)::text
       = loan_risk.prebin_partial(bad, ARRAY[x], ARRAY[c])::text AS defaults FROM tiny;

-- Errors.
SELECT loan_risk.prebin_partial(bad, ARRAY[x], NULL::text[], '{NaN}'::float8[], NULL) FROM tiny;
SELECT loan_risk.prebin_partial(bad, ARRAY[x], NULL::text[], '{1,NULL}'::float8[], NULL) FROM tiny;
SELECT loan_risk.prebin_partial(bad, ARRAY[x], NULL::text[], CASE WHEN x > 1 THEN '{1}'::float8[] ELSE '{2}' END, NULL) FROM tiny;
SELECT loan_risk.prebin_partial(bad, ARRAY[x], NULL::text[], NULL, 100) FROM tiny;
SELECT loan_risk.prebin_partial(bad, ARRAY[x], NULL::text[], NULL, CASE WHEN x > 1 THEN 2000 ELSE 3000 END) FROM tiny;
SELECT loan_risk.prebin_partial(2, ARRAY[x], NULL::text[]) FROM tiny;
SELECT loan_risk.prebin_partial(bad, NULL::float8[], NULL::text[]) FROM tiny;
SELECT loan_risk.prebin_partial(bad, '{}'::float8[], '{}'::text[]) FROM tiny;
SELECT loan_risk.prebin_partial(bad, ARRAY[[x]], NULL::text[]) FROM tiny;
SELECT loan_risk.prebin_partial(bad, CASE WHEN x > 1 THEN ARRAY[x] ELSE ARRAY[x, x] END, NULL::text[]) FROM tiny;
SELECT loan_risk.prebin_partial(bad, CASE WHEN x > 1 THEN ARRAY[x] END, CASE WHEN x > 1 THEN NULL ELSE ARRAY[c] END) FROM tiny;
SELECT loan_risk.prebin_merge(s) FROM (SELECT loan_risk.prebin_partial(bad, ARRAY[x], NULL::text[]) FROM tiny
                                       UNION ALL SELECT loan_risk.prebin_partial(bad, NULL::float8[], ARRAY[c]) FROM tiny) p(s);
SELECT loan_risk.prebin_merge(s) FROM (SELECT loan_risk.prebin_partial(bad, ARRAY[x, x], NULL::text[]) FROM tiny
                                       UNION ALL SELECT loan_risk.prebin_partial(bad, ARRAY[x], NULL::text[]) FROM tiny) p(s);
SELECT loan_risk.prebin_merge(s) FROM (SELECT loan_risk.prebin_partial(bad, ARRAY[x], NULL::text[], '{1}'::float8[], NULL) FROM tiny
                                       UNION ALL SELECT loan_risk.prebin_partial(bad, ARRAY[x], NULL::text[]) FROM tiny) p(s);
SELECT loan_risk.prebin_bins(st, '{k,x}') FROM st_exact;
SELECT loan_risk.prebin_bins(st, '{k,x,c}', '{"features": {"z": {}}}') FROM st_exact;
SET loan_risk.binning_max_distinct = 100;
-- A special value that was not an exact value of a bucketed state.
SELECT loan_risk.prebin_bins(loan_risk.prebin_partial(bad, ARRAY[x], NULL::text[], NULL, 1024), '{x}',
                             '{"binning": {"special_values": [-1]}}') FROM pb;
SELECT loan_risk.prebin_bins(loan_risk.prebin_partial(bad, ARRAY[x], NULL::text[], NULL, 1024), '{x}',
                             '{"features": {"x": {"splits": [12.3456]}}}') FROM pb;

-- Malformed states: every check of the decoder.
SELECT 'not base64!'::loan_risk.prebin_state;
SELECT 'AAAA'::loan_risk.prebin_state;
SELECT encode(loan_risk.prebin_state_send(st), 'base64') AS b64 FROM (SELECT loan_risk.prebin_partial(bad, ARRAY[x], ARRAY[c]) AS st FROM tiny) s \gset
SELECT encode(substr(decode(:'b64', 'base64'), 1, 30), 'base64')::loan_risk.prebin_state;          -- truncated
SELECT encode(set_byte(decode(:'b64', 'base64'), 0, 0), 'base64')::loan_risk.prebin_state;         -- magic
SELECT encode(set_byte(decode(:'b64', 'base64'), 4, 2), 'base64')::loan_risk.prebin_state;         -- version
SELECT encode(set_byte(decode(:'b64', 'base64'), 8, 200), 'base64')::loan_risk.prebin_state;       -- features
SELECT encode(set_byte(decode(:'b64', 'base64'), 13, 0), 'base64')::loan_risk.prebin_state;        -- max_distinct
SELECT encode(set_byte(decode(:'b64', 'base64'), 24, 9), 'base64')::loan_risk.prebin_state;        -- goods vs features
SELECT encode(set_byte(decode(:'b64', 'base64'), 64, 7), 'base64')::loan_risk.prebin_state;        -- kind
SELECT encode(set_byte(decode(:'b64', 'base64'), 65, 1), 'base64')::loan_risk.prebin_state;        -- flags
SELECT encode(set_byte(decode(:'b64', 'base64'), 68, 64), 'base64')::loan_risk.prebin_state;       -- shift
SELECT encode(set_byte(decode(:'b64', 'base64'), 84, 255), 'base64')::loan_risk.prebin_state;      -- key order
SELECT encode(decode(:'b64', 'base64') || '\x00'::bytea, 'base64')::loan_risk.prebin_state;        -- trailing
