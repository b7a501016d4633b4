-- Shapes of the bad rate: trend "auto" considers ascending, descending,
-- peak (up then down) and valley (down then up), and keeps a turning shape
-- only when it passes the penalised likelihood test of doc/training.md
-- ("Shapes"): 2 (LL_turn - LL_mono) > max(ln N, 10.83) * max(1, extra bins + 1).
SET client_min_messages = warning;

-- A feature x, uniform on [0, 1), and a bad outcome drawn with probability
-- p(x) of a planted shape; n rows, seed s (deterministic: hashint4).
CREATE FUNCTION planted(shape text, n int, s int) RETURNS TABLE (x float8, bad int)
LANGUAGE sql IMMUTABLE AS $$
  SELECT x, (((hashint4(i * 7 + s * 1000003) & 2147483647)::float8 / 2147483648) <
             CASE shape WHEN 'ascending' THEN 0.05 + 0.3 * x
                        WHEN 'descending' THEN 0.35 - 0.3 * x
                        WHEN 'flat' THEN 0.2
                        WHEN 'valley' THEN 0.06 + 1.2 * (x - 0.5) ^ 2
                        WHEN 'peak' THEN 0.36 - 1.2 * (x - 0.5) ^ 2 END)::int
  FROM (SELECT i, ((hashint4(i + s * 7777) & 2147483647)::float8 / 2147483648) AS x
        FROM generate_series(1, n) i) d
$$;
CREATE FUNCTION bins_of(shape text, n int, s int, options jsonb DEFAULT '{}') RETURNS jsonb
LANGUAGE sql AS $$
  SELECT loan_risk.binning(format('SELECT * FROM planted(%L, %s, %s)', shape, n, s), 'bad',
                           ARRAY['x'], options) -> 'features' -> 0
$$;

-- A planted U-shape (valley) is recovered: the bins' bad rates fall, then rise.
SELECT f->'binning'->>'trend' AS trend, f->'binning'->>'requested_trend' AS requested,
       f->'binning'->'shape_test'->>'monotone' AS best_monotone,
       (f->'binning'->'shape_test'->>'deviance_gain')::float8 > (f->'binning'->'shape_test'->>'penalty')::float8 AS turn_pays
FROM bins_of('valley', 5000, 1) f;
SELECT b.lower_bound, b.upper_bound, b.count, round(b.bad_rate::numeric, 3) AS bad_rate
FROM loan_risk.binning_table(jsonb_build_object('features', jsonb_build_array(bins_of('valley', 5000, 1)))) b
WHERE b.bin_kind = 'range' ORDER BY b.bin_index;
-- The planted peak too.
SELECT f->'binning'->>'trend' AS trend FROM bins_of('peak', 5000, 1) f;

-- The test's figures are those of an independent computation: the binomial
-- log-likelihood of the range rows under the bins of the forced shapes.
CREATE FUNCTION ll(f jsonb) RETURNS float8 LANGUAGE sql AS $$
  SELECT sum(b.bads * ln(b.bads::float8 / b.count) + b.goods * ln(b.goods::float8 / b.count))
  FROM loan_risk.binning_table(jsonb_build_object('features', jsonb_build_array(f))) b
  WHERE b.bin_kind = 'range'
$$;
CREATE FUNCTION nbins(f jsonb) RETURNS int LANGUAGE sql AS $$ SELECT jsonb_array_length(f->'bins') $$;
SELECT t->>'monotone' AS monotone, t->>'turning' AS turning,
       abs((t->>'deviance_gain')::float8 - 2 * (ll(turn) - ll(mono))) < 1e-5 AS gain_matches,
       abs((t->>'penalty')::float8 - greatest(ln(5000), 10.828) * greatest(1, nbins(turn) - nbins(mono) + 1)) < 1e-5
         AS penalty_matches
FROM (SELECT bins_of('valley', 5000, 1) -> 'binning' -> 'shape_test' AS t) a,
     LATERAL (SELECT bins_of('valley', 5000, 1, jsonb_build_object('binning', jsonb_build_object('trend', t->>'monotone'))) AS mono,
                     bins_of('valley', 5000, 1, jsonb_build_object('binning', jsonb_build_object('trend', t->>'turning'))) AS turn) f;

-- Each shape can be asked for; a forced shape is kept even where auto would not take it.
SELECT tr AS requested, f->'binning'->>'trend' AS applied, f->'binning' ? 'shape_test' AS tested
FROM unnest('{ascending,descending,peak,valley,none}'::text[]) tr,
     LATERAL bins_of('ascending', 2000, 3, jsonb_build_object('binning', jsonb_build_object('trend', tr))) f;

-- Planted shapes at moderate sizes: every one found, over 10 seeds each.
SELECT shape, n, count(*) FILTER (WHERE f->'binning'->>'trend' = shape) AS recovered, count(*) AS runs
FROM unnest('{ascending,descending,peak,valley}'::text[]) shape, unnest('{5000}'::int[]) n,
     generate_series(1, 10) s, LATERAL bins_of(shape, n, s) f
GROUP BY 1, 2 ORDER BY 1, 2;

-- Small samples do not overfit: with 200 rows a monotone or flat truth stays
-- monotone (at most 1 turn in 60 runs), and so does a planted valley whose
-- turn 200 rows cannot establish; a turn is never taken without passing the test.
SELECT shape, count(*) FILTER (WHERE f->'binning'->>'trend' IN ('ascending', 'descending')) AS monotone,
       count(*) FILTER (WHERE f->'binning'->>'trend' IN ('peak', 'valley')) AS turning,
       count(*) FILTER (WHERE f->'binning'->>'trend' IN ('peak', 'valley')
                          AND NOT (f->'binning'->'shape_test'->>'deviance_gain')::float8
                                  > (f->'binning'->'shape_test'->>'penalty')::float8) AS turning_without_passing
FROM unnest('{ascending,descending,flat}'::text[]) shape, generate_series(1, 20) s,
     LATERAL bins_of(shape, 200, s) f
GROUP BY 1 ORDER BY 1;
SELECT count(*) FILTER (WHERE f->'binning'->>'trend' IN ('peak', 'valley')) <= 3 AS few_turns_at_200_rows
FROM generate_series(1, 20) s, LATERAL bins_of('valley', 200, s) f;

-- Tiny inputs: two pre-bins cannot turn (no test); a single value is one bin.
SELECT f->'binning'->>'trend' AS trend, f->'binning' ? 'shape_test' AS tested, nbins(f) AS bins
FROM (SELECT loan_risk.binning('SELECT * FROM (VALUES (1.0, 0), (1.0, 1), (2.0, 1), (2.0, 0), (2.0, 1)) v(x, bad)',
                               'bad', ARRAY['x'], '{"binning": {"min_bin_share": 0}}') -> 'features' -> 0 AS f) a;
SELECT f->'binning'->>'trend' AS trend, nbins(f) AS bins
FROM (SELECT loan_risk.binning('SELECT 5.0 AS x, i % 2 AS bad FROM generate_series(1, 10) i',
                               'bad', ARRAY['x']) -> 'features' -> 0 AS f) a;

-- Split points that no monotone binning keeps: auto takes the shape that keeps them.
SELECT f->'binning'->>'trend' AS trend,
       ARRAY(SELECT (b->>'upper')::float8 FROM jsonb_array_elements(f->'bins') b) AS uppers
FROM (SELECT bins_of('valley', 5000, 1, '{"features": {"x": {"splits": [0.3, 0.7]}}}') AS f) a;
-- ... and a forced monotone trend with those splits is an error naming them.
SELECT bins_of('valley', 5000, 1, '{"features": {"x": {"splits": [0.3, 0.7], "trend": "ascending"}}}');
