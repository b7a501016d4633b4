-- loan_risk.iv and loan_risk.woe_table: weight of evidence and information value of a binned
-- feature.  WOE = ln(share of goods / share of bads) (Siddiqi's sign: positive = safer than average),
-- IV = sum of (share of goods - share of bads) * WOE.

-- Hand-computed: low 400 goods / 20 bads, mid 300 / 50, high 100 / 80 (800 goods, 150 bads):
--   low  WOE ln(0.5 / 0.13333) = 1.321756, IV (0.5 - 0.13333) * 1.321756 = 0.484644
--   mid  WOE ln(0.375 / 0.33333) = 0.117783, IV 0.004908
--   high WOE ln(0.125 / 0.53333) = -1.450833, IV 0.592423;  total IV 1.081975
CREATE TABLE iv_small AS
SELECT 'low' AS bin, g < 400 AS good FROM generate_series(0, 419) g
UNION ALL SELECT 'mid', g < 300 FROM generate_series(0, 349) g
UNION ALL SELECT 'high', g < 100 FROM generate_series(0, 179) g;
SELECT round(loan_risk.iv(bin, NOT good)::numeric, 6) AS iv FROM iv_small;
SELECT bucket, count, goods, bads, round(bad_rate::numeric, 6) AS bad_rate,
       round(goods_share::numeric, 6) AS goods_share, round(bads_share::numeric, 6) AS bads_share,
       round(woe::numeric, 6) AS woe, round(iv::numeric, 6) AS iv
FROM unnest((SELECT loan_risk.woe_table(bin, NOT good) FROM iv_small)) ORDER BY woe DESC;

-- Empty cells get 0.5 added to both counts: a bin of 3 goods and no bads next to one of 1 good
-- and 2 bads: 3.5 / 0.5 and 1 / 2, shares over 4.5 and 2.5.
SELECT bucket, goods, bads, round(goods_share::numeric, 6) AS goods_share, round(bads_share::numeric, 6) AS bads_share,
       round(woe::numeric, 6) AS woe, round(iv::numeric, 6) AS iv
FROM unnest((SELECT loan_risk.woe_table(bin, bad)
             FROM (VALUES ('a', 0), ('a', 0), ('a', 0), ('b', 0), ('b', 1), ('b', 1)) v(bin, bad)));

-- Against the plain-SQL definition on generated data: 12 bins of a feature, one bin with no bads,
-- one with no goods, NULL bins and outcomes skipped.
CREATE TABLE iv_data AS
SELECT i,
       CASE WHEN i % 79 = 0 THEN NULL
            WHEN i % 997 = 0 THEN 'no bads'
            WHEN i % 991 = 0 THEN 'no goods'
            ELSE 'bin ' || lpad(((hashint4(i) & 1023) / 86)::text, 2, '0') END AS bin,
       CASE WHEN i % 997 = 0 THEN false WHEN i % 991 = 0 THEN true WHEN i % 83 = 0 THEN NULL
            ELSE (hashint4(i * 31 + 7) & 1023) < 60 + (hashint4(i) & 1023) / 3 END AS bad
FROM generate_series(1, 40000) i;
CREATE VIEW iv_sql AS
  WITH c AS (SELECT bin, count(*) FILTER (WHERE NOT bad) AS g, count(*) FILTER (WHERE bad) AS b
             FROM iv_data WHERE bin IS NOT NULL AND bad IS NOT NULL GROUP BY 1),
  s AS (SELECT bin, g, b, CASE WHEN g = 0 OR b = 0 THEN g + 0.5 ELSE g END AS gs,
               CASE WHEN g = 0 OR b = 0 THEN b + 0.5 ELSE b END AS bs FROM c),
  t AS (SELECT bin, g, b, gs / sum(gs) OVER () AS pg, bs / sum(bs) OVER () AS pb FROM s)
  SELECT bin, g, b, pg, pb, ln(pg / pb) AS woe, (pg - pb) * ln(pg / pb) AS iv FROM t;
SELECT abs(loan_risk.iv(bin, bad) - (SELECT sum(iv) FROM iv_sql)) < 1e-12 AS iv_matches_sql,
       round(loan_risk.iv(bin, bad)::numeric, 6) AS iv
FROM iv_data;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE s.bin IS NULL OR w.bucket IS NULL OR w.goods <> s.g OR w.bads <> s.b
                        OR w.count <> s.g + s.b OR abs(w.bad_rate - s.b::numeric / (s.g + s.b)) > 1e-12
                        OR abs(w.goods_share - s.pg) > 1e-12 OR abs(w.bads_share - s.pb) > 1e-12
                        OR abs(w.woe - s.woe) > 1e-12 OR abs(w.iv - s.iv) > 1e-12) AS mismatches
FROM unnest((SELECT loan_risk.woe_table(bin, bad) FROM iv_data)) w FULL JOIN iv_sql s ON s.bin = w.bucket;

-- Rows come in byte order of the labels.
SELECT array_agg(bucket) = array_agg(bucket ORDER BY bucket COLLATE "C") AS label_order
FROM unnest((SELECT loan_risk.woe_table(bin, bad) FROM iv_data));

-- 0/1 outcome overload; NULLs; one class only: IV NULL, the table keeps its counts with NULL WOE.
SELECT loan_risk.iv(bin, bad::int) = loan_risk.iv(bin, bad) AS int_overload,
       loan_risk.woe_table(bin, bad::int)::text = loan_risk.woe_table(bin, bad)::text AS table_int_overload
FROM iv_data;
SELECT loan_risk.iv(bin, bad) IS NULL AS no_rows FROM iv_data WHERE false;
SELECT loan_risk.iv(NULL::text, true) IS NULL AS nulls_only, loan_risk.woe_table(NULL::text, 1) IS NULL AS table_nulls_only;
SELECT loan_risk.iv(bin, false) IS NULL AS all_good FROM iv_small;
SELECT (unnest(loan_risk.woe_table(bin, 1))).* FROM (VALUES ('x'), ('y'), ('x')) v(bin);
SELECT loan_risk.iv('x', 5);

-- Labels are any text: empty, non-ASCII, long.
SELECT bucket = '' AS empty_label, length(bucket) FROM unnest((SELECT loan_risk.woe_table(bin, bad)
  FROM (VALUES ('', true), ('', false), ('ünïcødé', false), (repeat('z', 5000), true)) v(bin, bad))) ORDER BY 2;

-- _partial / _merge: the one-pass values exactly; the text form round-trips.
SELECT loan_risk.iv_merge(s) = (SELECT loan_risk.iv(bin, bad) FROM iv_data) AS iv_merged,
       loan_risk.woe_table_merge(s)::text = (SELECT loan_risk.woe_table(bin, bad) FROM iv_data)::text AS table_merged
FROM (SELECT loan_risk.iv_partial(bin, bad) s FROM iv_data GROUP BY i % 5) p;
SELECT loan_risk.iv_merge(s) = (SELECT loan_risk.iv(bin, bad) FROM iv_data) AS iv_merged_int
FROM (SELECT loan_risk.iv_partial(bin, bad::int) s FROM iv_data GROUP BY i % 2) p;
SELECT loan_risk.iv_partial(bin, bad)::text::loan_risk.bucket_dist_state::text
     = loan_risk.iv_partial(bin, bad)::text AS state_round_trip FROM iv_data;
SELECT loan_risk.bucket_dist_state_send(s) = decode(s::text, 'base64') AS send_is_bytes
FROM (SELECT loan_risk.iv_partial(bin, bad) s FROM iv_data) p;

-- A hand-typed state: bucket A 2 goods / 1 bad, bucket B 0 goods / 3 bads.
SELECT (unnest(loan_risk.woe_table_merge(encode(decode('3154524c0100000002000000000000000141020101420003', 'hex'), 'base64')::loan_risk.bucket_dist_state))).*;
SELECT (unnest(loan_risk.woe_table_merge(encode(decode('3154524c010000000100000000000000000101', 'hex'), 'base64')::loan_risk.bucket_dist_state))).bucket = '' AS empty_label;

-- Malformed states are errors, never crashes.
SELECT 'AAAA'::loan_risk.bucket_dist_state;
SELECT encode(decode('3144524c01000000010000000000000001410201', 'hex'), 'base64')::loan_risk.bucket_dist_state AS wrong_magic;
SELECT encode(decode('3154524c010000000100000000000000014102', 'hex'), 'base64')::loan_risk.bucket_dist_state AS truncated;
SELECT encode(decode('3154524c0100000001000000000000000141020100', 'hex'), 'base64')::loan_risk.bucket_dist_state AS trailing;
SELECT encode(decode('3154524c01000000320000000000000001410201', 'hex'), 'base64')::loan_risk.bucket_dist_state AS count_beyond_data;
SELECT encode(decode('3154524c0100000001000000000000007f410201', 'hex'), 'base64')::loan_risk.bucket_dist_state AS label_beyond_data;
SELECT encode(decode('3154524c0100000002000000000000000142020101410101', 'hex'), 'base64')::loan_risk.bucket_dist_state AS not_ascending;
SELECT encode(decode('3154524c0100000002000000000000000141020101410101', 'hex'), 'base64')::loan_risk.bucket_dist_state AS duplicate;
SELECT encode(decode('3154524c010000000200000000000000024142010101410101', 'hex'), 'base64')::loan_risk.bucket_dist_state AS longer_first;
SELECT encode(decode('3154524c010000000100000000000000034100420101', 'hex'), 'base64')::loan_risk.bucket_dist_state AS zero_byte;
SELECT encode(decode('3154524c01000000010000000000000001410000', 'hex'), 'base64')::loan_risk.bucket_dist_state AS zero_counts;
SELECT encode(decode('3154524c0100000002000000000000000141ffffffffffffffff7f0001420100', 'hex'), 'base64')::loan_risk.bucket_dist_state AS count_overflow;
-- Labels that are not valid in the database encoding are caught when they would become text.
SELECT loan_risk.iv_merge(s) AS iv_ignores_labels, loan_risk.woe_table_merge(s)
FROM (VALUES (encode(decode('3154524c01000000010000000000000002fffe0101', 'hex'), 'base64')::loan_risk.bucket_dist_state)) v(s);
SELECT loan_risk.iv_merge(s) AS iv_ignores_labels
FROM (VALUES (encode(decode('3154524c01000000010000000000000002fffe0101', 'hex'), 'base64')::loan_risk.bucket_dist_state)) v(s);

-- Parallel equals serial.
ALTER TABLE iv_data SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT loan_risk.iv(bin, bad) FROM iv_data;
SELECT loan_risk.iv(bin, bad) AS v, loan_risk.woe_table(bin, bad)::text AS t FROM iv_data \gset par_
SET max_parallel_workers_per_gather = 0;
SELECT :par_v = loan_risk.iv(bin, bad) AS iv_parallel_equals_serial,
       :'par_t' = loan_risk.woe_table(bin, bad)::text AS table_parallel_equals_serial
FROM iv_data;
