-- loan_risk.merchant_features: inputs that are skipped or refused, amount
-- rounding, the partial state (text form, _partial/_merge, validation).

SET TimeZone = 'UTC';

-- No rows, or only rows without a time or an amount: NULL.
SELECT loan_risk.merchant_features(ts, amount, cp) IS NULL AS empty_is_null
FROM (SELECT now() ts, 1::numeric amount, 'a'::text cp) v WHERE false;
SELECT loan_risk.merchant_features(ts, amount, cp) IS NULL AS nulls_only_is_null
FROM (VALUES (NULL::timestamptz, 1::numeric, 'a'), ('2024-01-01', NULL, 'b')) v(ts, amount, cp);
-- Every row after the given as_of: NULL.
SELECT loan_risk.merchant_features(ts, amount, cp, '2023-12-31') IS NULL AS all_after_as_of
FROM (VALUES ('2024-01-01'::timestamptz, 1::numeric, 'a')) v(ts, amount, cp);

-- Amounts count in units of 0.0001, rounded half away from zero.
SELECT (p).revenue_30d, (p).refunds_30d, (p).sales_count_30d, (p).txn_count_30d
FROM (SELECT loan_risk.merchant_features(ts, amount, NULL::text) p
      FROM (VALUES ('2024-01-01'::timestamptz, 0.00005), ('2024-01-01', 0.000049999),
                   ('2024-01-01', -0.00005), ('2024-01-01', 1234.56785), ('2024-01-01', 99999999999999.9999)) v(ts, amount)) s;
SELECT (p).revenue_30d, (p).refunds_30d
FROM (SELECT loan_risk.merchant_features(ts, amount, NULL::text) p
      FROM (VALUES ('2024-01-01'::timestamptz, 0.1::float8), ('2024-01-01', 12.345), ('2024-01-01', -0.00005)) v(ts, amount)) s;
SELECT (p).revenue_30d FROM (SELECT loan_risk.merchant_features('2024-01-01'::timestamptz, 0.0001, NULL::text) p) s;
SELECT (p).revenue_30d FROM (SELECT loan_risk.merchant_features('2024-01-01'::timestamptz, 100, NULL::text) p) s;

-- Refused inputs, each with its error.
SELECT loan_risk.merchant_features('2024-01-01'::timestamptz, 'NaN'::numeric, 'a');
SELECT loan_risk.merchant_features('2024-01-01'::timestamptz, 'Infinity'::numeric, 'a');
SELECT loan_risk.merchant_features('2024-01-01'::timestamptz, '-Infinity'::float8, 'a');
SELECT loan_risk.merchant_features('2024-01-01'::timestamptz, 'NaN'::float8, 'a');
SELECT loan_risk.merchant_features('2024-01-01'::timestamptz, 100000000000000, 'a');
SELECT loan_risk.merchant_features('2024-01-01'::timestamptz, -1e14::float8, 'a');
SELECT loan_risk.merchant_features('infinity'::timestamptz, 1, 'a');
SELECT loan_risk.merchant_features('2024-01-01'::timestamptz, 1, 'a', '-infinity');
SELECT loan_risk.merchant_features(ts, 1, 'a', as_of)
FROM (VALUES ('2024-01-01'::timestamptz, '2024-02-01'::timestamptz), ('2024-01-02', '2024-02-02')) v(ts, as_of);
SELECT loan_risk.merchant_features(ts, 1, 'a', as_of)
FROM (VALUES ('2024-01-01'::timestamptz, '2024-02-01'::timestamptz), ('2024-01-02', NULL)) v(ts, as_of);
-- Totals beyond the documented range are an error, not a wrong answer.
SELECT loan_risk.merchant_features('2024-01-01'::timestamptz, 99999999999999, 'a')
FROM generate_series(1, 10);

-- ---------------------------------------------------------------- the state
CREATE TABLE fps_t AS
SELECT i, '2024-01-01 10:00+00'::timestamptz + (i % 50) * interval '1 day 1 hour' AS ts,
       ((hashint4(i) & 65535) - 3000) / 100.0 AS amount, 'c' || (hashint4(i * 3) & 255) AS cp
FROM generate_series(1, 5000) i;
-- Text form round-trips exactly.
SELECT loan_risk.merchant_features_partial(ts, amount, cp)::text::loan_risk.merchant_profile_state::text
     = loan_risk.merchant_features_partial(ts, amount, cp)::text AS state_round_trip FROM fps_t;
-- _merge over _partial states of any split gives the one-pass answer.
SELECT to_jsonb(loan_risk.merchant_features_merge(s)) = (SELECT to_jsonb(loan_risk.merchant_features(ts, amount, cp)) FROM fps_t) AS merged
FROM (SELECT loan_risk.merchant_features_partial(ts, amount, cp) s FROM fps_t GROUP BY i % 3) p;
SELECT to_jsonb(loan_risk.merchant_features_merge(s)) = (SELECT to_jsonb(loan_risk.merchant_features(ts, amount, cp, '2024-02-01')) FROM fps_t) AS merged_as_of
FROM (SELECT loan_risk.merchant_features_partial(ts, amount, cp, '2024-02-01') s FROM fps_t GROUP BY i % 7) p;
-- A stored state gives the same profile through the final function.
SELECT to_jsonb(loan_risk.merchant_features_final(loan_risk.merchant_features_partial(ts, amount, cp)))
     = to_jsonb(loan_risk.merchant_features(ts, amount, cp)) AS final_of_partial FROM fps_t;
-- Empty states merge as nothing.
SELECT loan_risk.merchant_features_merge(s) IS NULL AS merge_of_nothing
FROM (SELECT loan_risk.merchant_features_partial(ts, 1, 'a', '2000-01-01') s FROM fps_t) p;

-- States of different time zones or as_of do not merge.
SET loan_risk.timezone = 'Asia/Tokyo';
CREATE TABLE fps_tokyo AS SELECT loan_risk.merchant_features_partial(ts, amount, cp) s FROM fps_t;
RESET loan_risk.timezone;
SELECT loan_risk.merchant_features_merge(s) FROM (SELECT s FROM fps_tokyo UNION ALL
  SELECT loan_risk.merchant_features_partial(ts, amount, cp) FROM fps_t) x;
SELECT loan_risk.merchant_features_merge(s) FROM (SELECT loan_risk.merchant_features_partial(ts, amount, cp, '2024-01-20') s FROM fps_t
  UNION ALL SELECT loan_risk.merchant_features_partial(ts, amount, cp) FROM fps_t) x;

-- Malformed states are errors, never crashes.  (encode() breaks base64 lines: b64 does not.)
CREATE FUNCTION pg_temp.b64(b bytea) RETURNS text LANGUAGE sql AS $$ SELECT translate(encode(b, 'base64'), E'\n', '') $$;
-- A small state, and its bytes:
-- header (8), mode, sketch, level, pad, time zone (2 + 3), as_of, rows, first and last ts,
-- first, last and as_of day (69 bytes), 2 days of 40 bytes, from byte 149 the counterparties
-- (count, then 16 bytes each) and from byte 189 their days (count, then counterparty, day, revenue).
SELECT decode(loan_risk.merchant_features_partial(ts, amount, cp)::text, 'base64') AS b
FROM (VALUES ('2024-01-01 10:00+00'::timestamptz, 10.00, 'a'), ('2024-01-02 10:00+00', 5.00, 'b')) v(ts, amount, cp) \gset
SELECT length(:'b'::bytea) AS bytes, substring(:'b'::bytea from 1 for 17) AS head;
SELECT to_jsonb(loan_risk.merchant_features_final(pg_temp.b64(:'b'::bytea)::loan_risk.merchant_profile_state)) IS NOT NULL AS valid;
SELECT 'not base64!'::loan_risk.merchant_profile_state;
SELECT ''::loan_risk.merchant_profile_state;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 0, 0))::loan_risk.merchant_profile_state AS wrong_magic;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 4, 2))::loan_risk.merchant_profile_state AS version2;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 6, 1))::loan_risk.merchant_profile_state AS flags;
SELECT pg_temp.b64(substring(:'b'::bytea from 1 for length(:'b'::bytea) - 1))::loan_risk.merchant_profile_state AS truncated;
SELECT pg_temp.b64(:'b'::bytea || '\x00'::bytea)::loan_risk.merchant_profile_state AS trailing;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 8, 7))::loan_risk.merchant_profile_state AS bad_mode;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 10, 3))::loan_risk.merchant_profile_state AS level_without_sketch;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 14, 1))::loan_risk.merchant_profile_state AS tz_control_char;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 25, 0))::loan_risk.merchant_profile_state AS zero_rows;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 60, 127))::loan_risk.merchant_profile_state AS anchor_out_of_range;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 61, 200))::loan_risk.merchant_profile_state AS day_count_too_big;
SELECT pg_temp.b64(overlay(:'b'::bytea placing substring(:'b'::bytea from 70 for 4) from 110))::loan_risk.merchant_profile_state AS days_out_of_order;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 77, 9))::loan_risk.merchant_profile_state AS more_sales_than_rows;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 93, 128))::loan_risk.merchant_profile_state AS refunds_without_a_refund;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 100, 128))::loan_risk.merchant_profile_state AS negative_refunds;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 154, 1))::loan_risk.merchant_profile_state AS too_many_counterparties;
SELECT pg_temp.b64(overlay(:'b'::bytea placing substring(:'b'::bytea from 158 for 16) from 174))::loan_risk.merchant_profile_state AS duplicate_counterparty;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 197, 5))::loan_risk.merchant_profile_state AS day_of_missing_counterparty;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 204, 3))::loan_risk.merchant_profile_state AS counterparty_day_out_of_range;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 212, 255))::loan_risk.merchant_profile_state AS negative_counterparty_revenue;
SELECT pg_temp.b64(overlay(:'b'::bytea placing substring(:'b'::bytea from 198 for 8) from 214))::loan_risk.merchant_profile_state AS duplicate_counterparty_day;
SELECT pg_temp.b64(set_byte(:'b'::bytea, 9, 1))::loan_risk.merchant_profile_state AS sketch_without_summary;
-- Every single-byte change is refused with a clear error or decodes to a state the
-- final function accepts; none is an internal error (XX000) or a crash.
CREATE FUNCTION pg_temp.try_state(t text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  PERFORM loan_risk.merchant_features_final(t::loan_risk.merchant_profile_state);
  RETURN 'accepted';
EXCEPTION WHEN others THEN
  RETURN SQLSTATE;
END $$;
SELECT r AS outcome, count(*) AS mutations
FROM (SELECT pg_temp.try_state(pg_temp.b64(set_byte(:'b'::bytea, k, v))) AS r
      FROM generate_series(0, length(:'b'::bytea) - 1) k, (VALUES (0), (1), (128), (255)) x(v)) s
GROUP BY r ORDER BY r;
