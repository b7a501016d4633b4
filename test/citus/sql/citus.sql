-- Scale-out on Citus: what runs on the workers and what is read on the
-- coordinator, proved by plan (the lines of EXPLAIN that show it) and by
-- result (equal to the same query on a local copy of the data).  Set up by
-- test/suites/citus.sh: a coordinator and two workers, tables of 8 shards.
-- doc/scale-out.md lists each claim with the plan line tested here.

\set VERBOSITY terse
-- Plan lines matching a pattern, with shard and object ids masked.
CREATE FUNCTION plan_lines(q text, pattern text DEFAULT '') RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
  FOR l IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP
    l := regexp_replace(regexp_replace(regexp_replace(btrim(l), '_10[0-9]{4}\M', '_N', 'g'),
                                       '''[0-9]+''::oid', '''N''::oid', 'g'), 'port=[0-9]+', 'port=N', 'g');
    IF l ~ pattern THEN
      RETURN NEXT l;
    END IF;
  END LOOP;
END $$;
-- Whether some plan line matches a pattern.
CREATE FUNCTION plan_has(q text, pattern text) RETURNS boolean LANGUAGE sql AS $$
  SELECT EXISTS (SELECT 1 FROM plan_lines(q) l WHERE l ~ pattern) $$;

SELECT logicalrelid::regclass AS distributed, partmethod, (SELECT count(*) FROM pg_dist_shard s WHERE s.logicalrelid = p.logicalrelid) AS shards
FROM pg_dist_partition p ORDER BY p.logicalrelid::regclass::text;
SELECT (SELECT count(*) FROM applicants) AS applicants, (SELECT count(*) FROM applicants_local) AS local_copy;

-- ---------------------------------------------------------------- every aggregate splits
-- From the catalog: every aggregate of loan_risk, called over a distributed
-- table with sample arguments of its types, is split by Citus (the workers
-- run worker_partial_agg, the coordinator coord_combine_agg: partial states
-- travel, not rows) and runs without Citus's type check failing.  A new
-- aggregate is covered without anyone listing it; an argument type without a
-- sample is listed (add one to agg_sample).
SET client_min_messages = warning;
CREATE TABLE agg_input_local AS
SELECT i AS id, (hashint4(i) & 1023) / 1024.0::float8 AS x, hashint4(i * 3) % 4 = 0 AS b,
       CASE WHEN hashint4(i * 3) % 4 = 0 THEN 1 ELSE 0 END AS bad,
       (ARRAY['north', 'east', 'west'])[1 + (hashint4(i * 7) & 1023) % 3] AS t,
       (100 + i)::numeric AS n, date '2024-01-01' + i AS d, timestamptz '2024-01-01 00:00+00' + i * interval '7 hours' AS ts,
       (hashint4(i * 11) & 63)::bigint AS k, md5(i::text)::uuid AS u
FROM generate_series(1, 400) i;
CREATE TABLE agg_input AS SELECT * FROM agg_input_local;
SELECT create_distributed_table('agg_input', 'id') IS NOT NULL AS distributed;
-- A card over x and t, and one partial state of every state type per group, in a distributed table.
CREATE TABLE agg_card AS SELECT loan_risk.train_scorecard('agg_input_local', 'bad', '{x,t}', '{"selection": {"min_iv": 0}}') AS card;
SELECT jsonb_path_query_array(card::jsonb, '$.features[*].name') AS card_features FROM agg_card;
CREATE TABLE agg_states AS
SELECT id % 8 AS id,
       loan_risk.auc_partial(x, b) AS score_dist,
       loan_risk.gains_table_partial(x, b, 5) AS score_dist_buckets,
       loan_risk.psi_partial(x, b, 5) AS score_dist_bins,
       loan_risk.iv_partial(t, b) AS bucket_dist,
       loan_risk.brier_partial(x, b) AS brier,
       loan_risk.merchant_features_partial(ts, n, t, NULL, 'Asia/Shanghai') AS merchant_profile,
       loan_risk.borrowing_features_partial(d, d + 30, n, 0) AS borrowing,
       loan_risk.prebin_partial(b, ARRAY[x], ARRAY[t]) AS prebin,
       loan_risk.logit_step_partial('{0,0}', b, 1, 0, ARRAY[x]) AS logit_step,
       loan_risk.apr_partial(CASE WHEN id % 8 = id % 64 THEN -n * 10 ELSE n END, d) AS apr,
       loan_risk.daily_interest_partial(n, d, 0.0005, date '2030-01-01') AS daily_interest,
       loan_risk.iforest_train_partial(id, ARRAY[x], '{x}') AS iforest_train,
       loan_risk.robust_stats_partial(x) AS robust_stats
FROM agg_input_local GROUP BY id % 8;
SELECT create_distributed_table('agg_states', 'id') IS NOT NULL AS distributed;

CREATE TABLE agg_sample (typ regtype, argname text, proname text, expr text);
INSERT INTO agg_sample VALUES
  ('float8', NULL, NULL, 'x'),
  ('boolean', NULL, NULL, 'b'),
  ('integer', NULL, NULL, 'bad'),
  ('integer', 'n_groups', NULL, '5'), ('integer', 'n_bins', NULL, '5'), ('integer', 'n_buckets', NULL, '5'),
  ('integer', 'exact_limit', NULL, '1000'), ('integer', 'days_past_due', NULL, '0'),
  ('integer', 'max_distinct', NULL, '16384'),
  ('bigint', NULL, NULL, 'k'),
  ('bigint', 'key', NULL, 'id'),
  ('numeric', NULL, NULL, 'n'),
  ('numeric', 'daily_rate', NULL, '0.0005'),
  ('numeric', 'amount', 'apr', 'CASE WHEN id = 1 THEN -n * 100 ELSE n END'),
  ('numeric', 'amount', 'apr_partial', 'CASE WHEN id = 1 THEN -n * 100 ELSE n END'),
  ('text', NULL, NULL, 't'),
  ('text', 'key', NULL, 't || id'),
  ('text', 'time_zone', NULL, '''Asia/Shanghai'''),
  ('text', 'kinds', NULL, '''nc'''),
  ('date', NULL, NULL, 'd'),
  ('date', 'end_date', NULL, 'd + 30'),
  ('date', 'as_of', NULL, 'date ''2030-01-01'''),
  ('timestamptz', NULL, NULL, 'ts'),
  ('timestamptz', 'as_of', NULL, 'timestamptz ''2030-01-01 00:00+00'''),
  ('uuid', NULL, NULL, 'u'),
  ('float8[]', NULL, NULL, 'ARRAY[x]'),
  ('float8[]', 'exact_values', NULL, '''{}'''),
  ('float8[]', 'coefficients', NULL, '''{0,0}'''),
  ('float8[]', 'coefficients', 'woe_step_partial', '''{0,0,0}'''),
  ('text[]', NULL, NULL, 'ARRAY[t]'),
  ('text[]', 'features', NULL, '''{x}'''),
  ('jsonb', NULL, NULL, '''{}'''),
  ('loan_risk.scorecard', NULL, NULL, '(SELECT card FROM agg_card)');
-- State arguments (the _merge aggregates) read the states' table; the
-- tables of buckets merge states made with a number of buckets.
INSERT INTO agg_sample
SELECT a.atttypid::regtype, NULL, NULL, a.attname FROM pg_attribute a
WHERE a.attrelid = 'agg_states'::regclass AND a.attnum > 1 AND a.attname NOT LIKE 'score\_dist\_%';
INSERT INTO agg_sample VALUES
  ('loan_risk.score_dist_state', NULL, 'gains_table_merge', 'score_dist_buckets'),
  ('loan_risk.score_dist_state', NULL, 'calibration_table_merge', 'score_dist_buckets'),
  ('loan_risk.score_dist_state', NULL, 'hosmer_lemeshow_merge', 'score_dist_buckets'),
  ('loan_risk.score_dist_state', NULL, 'psi_merge', 'score_dist_bins');

CREATE TABLE agg_call (fn text, q text, missing text);
INSERT INTO agg_call
SELECT p.oid::regprocedure::text,
       format('SELECT %s(%s) FROM %s', p.oid::regproc,
              string_agg(coalesce(s.expr, 'NULL'), ', ' ORDER BY i),
              CASE WHEN bool_or(t.typnamespace = 'loan_risk'::regnamespace AND t.typname LIKE '%\_state') THEN 'agg_states' ELSE 'agg_input' END),
       string_agg(CASE WHEN s.expr IS NULL THEN format_type(a.typ, NULL) END, ', ')
FROM pg_aggregate g JOIN pg_proc p ON p.oid = g.aggfnoid,
     LATERAL unnest(p.proargtypes::oid[], p.proargnames) WITH ORDINALITY a(typ, name, i)
     JOIN pg_type t ON t.oid = a.typ
     LEFT JOIN LATERAL (SELECT expr FROM agg_sample s
                        WHERE s.typ = a.typ AND (s.argname IS NULL OR s.argname = a.name) AND (s.proname IS NULL OR s.proname = p.proname)
                        ORDER BY s.proname IS NULL, s.argname IS NULL LIMIT 1) s ON true
WHERE p.pronamespace = 'loan_risk'::regnamespace
  AND p.provariadic = 0 AND NOT EXISTS (SELECT 1 FROM unnest(p.proargtypes) x JOIN pg_type y ON y.oid = x WHERE y.typtype = 'p')
GROUP BY p.oid;
-- Argument types without a sample (must be none).
SELECT fn, missing FROM agg_call WHERE missing IS NOT NULL ORDER BY 1;

CREATE TABLE agg_result (fn text, split boolean, sqlstate text, message text);
DO $$
DECLARE c record; st text; msg text; split boolean;
BEGIN
  FOR c IN SELECT * FROM agg_call WHERE missing IS NULL ORDER BY fn LOOP
    split := plan_has(c.q, 'worker_partial_agg\(') AND plan_has(c.q, 'coord_combine_agg\(');
    BEGIN
      EXECUTE c.q;
      st := '00000'; msg := NULL;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    END;
    INSERT INTO agg_result VALUES (c.fn, split, st, msg);
  END LOOP;
END $$;
RESET client_min_messages;
-- Every aggregate is split and runs (must be none listed) ...
SELECT fn, split, sqlstate, message FROM agg_result
WHERE NOT split OR (sqlstate <> '00000' AND message <> 'merchant_features needs its time zone in the query on a Citus worker')
ORDER BY fn;
-- ... but merchant_features without its time zone in the query, which
-- refuses to count days in a worker's zone (see below).
SELECT DISTINCT regexp_replace(fn, '\(.*', '') AS refuses_on_workers, message
FROM agg_result WHERE sqlstate <> '00000' ORDER BY 1;
SELECT bool_and(split) AS every_aggregate_split, count(*) > 100 AS many_aggregates,
       count(*) FILTER (WHERE sqlstate = '00000') + count(*) FILTER (WHERE sqlstate = '0A000') = count(*) AS all_run_or_refuse
FROM agg_result;
-- Aggregates whose argument types Citus cannot check (VARIADIC, pseudo-types), not called above (must be none).
SELECT p.oid::regprocedure AS not_splittable_by_type
FROM pg_aggregate g JOIN pg_proc p ON p.oid = g.aggfnoid
WHERE p.pronamespace = 'loan_risk'::regnamespace AND p.oid::regprocedure::text NOT IN (SELECT fn FROM agg_result)
ORDER BY p.oid::regprocedure::text;
-- The plan of one of them: partial states on the workers, combined on the coordinator.
SELECT * FROM plan_lines('SELECT loan_risk.auc(x, b) FROM agg_input', 'coord_combine_agg|Query:');

-- ---------------------------------------------------------------- scoring on the workers
-- score() and pd() run on the workers, in the select list and in WHERE:
-- the planner turns them into score_columns/pd_columns over the shard's
-- columns; the card comes from a reference table joined on each shard.
SELECT left(l, 120) AS task_query
FROM plan_lines($$SELECT a.id, loan_risk.score(s.card, a) FROM applicants a, scorecards s
                  WHERE s.name = 'smb_demo' AND loan_risk.pd(s.card, a) > 0.2$$, '^Query:') l;
SELECT l ~ '^Query: SELECT a.id, loan_risk.score_columns\(s.card, .* FROM \(public.applicants_N a JOIN public.scorecards_N s ON' AS score_on_the_shard,
       l ~ ' ON \(\(loan_risk.pd_columns\(s.card, .*\) OPERATOR\(pg_catalog.>\) ' AS pd_filter_on_the_shard
FROM plan_lines($$SELECT a.id, loan_risk.score(s.card, a) FROM applicants a, scorecards s
                  WHERE s.name = 'smb_demo' AND loan_risk.pd(s.card, a) > 0.2$$, '^Query:') l;
CREATE TEMP TABLE d_scores AS
SELECT a.id, loan_risk.score(s.card, a) AS score, loan_risk.pd(s.card, a) AS pd
FROM applicants a, scorecards s WHERE s.name = 'smb_demo' AND loan_risk.pd(s.card, a) > 0.2;
SELECT count(*) AS selected, count(*) FILTER (WHERE d.score = l.score AND d.pd = l.pd) AS identical,
       (SELECT count(*) FROM applicants_local a, scorecards s WHERE loan_risk.pd(s.card, a) > 0.2) AS selected_locally
FROM d_scores d JOIN (SELECT a.id, loan_risk.score(s.card, a) AS score, loan_risk.pd(s.card, a) AS pd
                      FROM applicants_local a, scorecards s) l USING (id);

-- UPDATE ... SET pd = pd(card, a): one UPDATE per shard, on the workers.
SELECT * FROM plan_lines($$UPDATE applicants a SET pd = loan_risk.pd(s.card, a) FROM scorecards s WHERE s.name = 'smb_demo'$$,
                         '^(Task Count|Query:)');
SELECT plan_has($$UPDATE applicants a SET pd = loan_risk.pd(s.card, a) FROM scorecards s WHERE s.name = 'smb_demo'$$,
                '^Output: loan_risk.pd_columns\(s.card, ') AS shard_plan_passes_columns;
UPDATE applicants a SET pd = loan_risk.pd(s.card, a) FROM scorecards s WHERE s.name = 'smb_demo';
CREATE TEMP TABLE d_pd AS SELECT id, pd FROM applicants;
SELECT count(*) AS rows, count(*) FILTER (WHERE d.pd = loan_risk.pd(s.card, l)) AS updated_like_local
FROM d_pd d JOIN applicants_local l USING (id), scorecards s;

-- ---------------------------------------------------------------- metrics
-- Global aggregates: partial states on the workers, combined on the
-- coordinator; equal to the local copy's (exactly: counts are integers).
SELECT * FROM plan_lines('SELECT loan_risk.auc(pd, bad), loan_risk.ks(pd, bad) FROM outcomes', 'coord_combine_agg|Query:');
CREATE TEMP TABLE d_metrics AS
SELECT loan_risk.auc(o.pd, o.bad) AS auc, loan_risk.ks(o.pd, o.bad) AS ks, loan_risk.gini(o.pd, o.bad) AS gini,
       loan_risk.brier(o.pd, o.bad) AS brier, loan_risk.gains_table(o.pd, o.bad, 10)::text AS gains,
       loan_risk.calibration_table(o.pd, o.bad, 10)::text AS calibration, loan_risk.hosmer_lemeshow(o.pd, o.bad, 10)::text AS hl,
       loan_risk.iv(industry, o.bad) AS iv, loan_risk.woe_table(industry, o.bad)::text AS woe,
       loan_risk.psi(score, period = 'recent', 10) AS psi, loan_risk.psi(industry, period = 'recent') AS psi_buckets,
       loan_risk.robust_stats(score)::text AS robust
FROM outcomes o JOIN (SELECT id, industry FROM applicants) a USING (id);
CREATE TEMP TABLE l_metrics AS
SELECT loan_risk.auc(o.pd, o.bad) AS auc, loan_risk.ks(o.pd, o.bad) AS ks, loan_risk.gini(o.pd, o.bad) AS gini,
       loan_risk.brier(o.pd, o.bad) AS brier, loan_risk.gains_table(o.pd, o.bad, 10)::text AS gains,
       loan_risk.calibration_table(o.pd, o.bad, 10)::text AS calibration, loan_risk.hosmer_lemeshow(o.pd, o.bad, 10)::text AS hl,
       loan_risk.iv(industry, o.bad) AS iv, loan_risk.woe_table(industry, o.bad)::text AS woe,
       loan_risk.psi(score, period = 'recent', 10) AS psi, loan_risk.psi(industry, period = 'recent') AS psi_buckets,
       loan_risk.robust_stats(score)::text AS robust
FROM outcomes_local o JOIN applicants_local a USING (id);
SELECT d.auc = l.auc AS auc, d.ks = l.ks AS ks, d.gini = l.gini AS gini, abs(d.brier - l.brier) < 1e-12 AS brier,
       d.gains = l.gains AS gains_table, d.calibration = l.calibration AS calibration_table,
       d.hl = l.hl AS hosmer_lemeshow, d.iv = l.iv AS iv, d.woe = l.woe AS woe_table, d.psi = l.psi AS psi,
       d.psi_buckets = l.psi_buckets AS psi_buckets, d.robust = l.robust AS robust_stats, round(d.auc::numeric, 6) AS auc
FROM d_metrics d, l_metrics l;
-- Grouped by the distribution column, each group is computed whole on its worker.
SELECT * FROM plan_lines('SELECT region, loan_risk.auc(pd, bad), loan_risk.gains_table(pd, bad, 5) FROM outcomes GROUP BY region', 'Query:');
CREATE TEMP TABLE d_regions AS SELECT region, loan_risk.auc(pd, bad) AS auc, loan_risk.gains_table(pd, bad, 5)::text AS g FROM outcomes GROUP BY region;
SELECT count(*) AS regions, count(*) FILTER (WHERE d.auc = l.auc AND d.g = l.g) AS identical
FROM d_regions d JOIN (SELECT region, loan_risk.auc(pd, bad) AS auc, loan_risk.gains_table(pd, bad, 5)::text AS g
                       FROM outcomes_local GROUP BY region) l USING (region);

-- ---------------------------------------------------------------- training
-- train_scorecard over a distributed table (by name, or a query over it)
-- keeps every pass a query, and each pass's aggregate is split: the
-- workers compute partial states, the coordinator merges them and fits.
-- The card equals the one trained on the local copy (whose design is coded
-- in memory).  A pass, as train_scorecard writes it:
SELECT * FROM plan_lines($$SELECT loan_risk.prebin_partial(bad, ARRAY[(months_active)::float8, (gmv_90d)::float8]::float8[],
                                                           ARRAY[(region)::text]::text[], '{}'::float8[], 16384, 'cnn')
                           FROM applicants$$, 'coord_combine_agg|Query:');
SET client_min_messages = warning;
CREATE TEMP TABLE cards AS
SELECT 'distributed' AS name, loan_risk.train_scorecard('applicants', 'bad', '{region,industry,months_active,gmv_90d,refund_share}')::jsonb AS c
UNION ALL
SELECT 'query', loan_risk.train_scorecard('SELECT * FROM applicants WHERE id > 0', 'bad', '{region,industry,months_active,gmv_90d,refund_share}')::jsonb
UNION ALL
SELECT 'local', loan_risk.train_scorecard('applicants_local', 'bad', '{region,industry,months_active,gmv_90d,refund_share}')::jsonb;
RESET client_min_messages;
SELECT d.name, d.c->'training'->'design_in_memory' AS in_memory, l.c->'training'->'design_in_memory' AS local_in_memory,
       d.c->'training'->>'fingerprint' = l.c->'training'->>'fingerprint' AS same_fingerprint,
       (SELECT bool_and(abs((d.c->'statistics'->'coefficients'->k->>'estimate')::float8 - (v->>'estimate')::float8) < 1e-9)
        FROM jsonb_each(l.c->'statistics'->'coefficients') e(k, v)) AS coefficients_equal,
       (SELECT bool_and(a.bin IS NOT DISTINCT FROM b.bin AND a.count = b.count AND a.bads = b.bads
                        AND abs(a.points - b.points) < 1e-8)
        FROM loan_risk.scorecard_table(d.c::loan_risk.scorecard) a
        JOIN loan_risk.scorecard_table(l.c::loan_risk.scorecard) b USING (feature, bin_kind, bin_index)) AS same_bins_and_points,
       abs((d.c->'statistics'->>'auc')::float8 - (l.c->'statistics'->>'auc')::float8) < 1e-6 AS auc_equal
FROM cards d, cards l WHERE l.name = 'local' AND d.name <> 'local' ORDER BY 1;
-- binning() and logistic_fit() likewise; loan_risk.binning_max_distinct,
-- set on the coordinator only, travels in the pass's query (here it
-- buckets repeat_payer_share, which has 5459 distinct values: the workers,
-- at their default of 16384, would count them exactly).
SET client_min_messages = warning;
SET loan_risk.binning_max_distinct = 1024;
SELECT loan_risk.binning('applicants', 'bad', '{repeat_payer_share,region}')
       = loan_risk.binning('applicants_local', 'bad', '{repeat_payer_share,region}') AS binning_equal,
       loan_risk.binning('applicants', 'bad', '{repeat_payer_share}')->'features'->0->'binning'->>'counts' AS counts;
RESET loan_risk.binning_max_distinct;
SELECT loan_risk.binning('applicants', 'bad', '{repeat_payer_share}')->'features'->0->'binning'->>'counts' AS counts_by_default;
SELECT (SELECT bool_and(abs((d.f->'coefficients'->>k)::float8 - v::float8) < 1e-9)
        FROM jsonb_each_text(l.f->'coefficients') e(k, v)) AS logistic_fit_equal
FROM (SELECT loan_risk.logistic_fit('applicants', 'bad', '{months_active,refund_share}') AS f) d,
     (SELECT loan_risk.logistic_fit('applicants_local', 'bad', '{months_active,refund_share}') AS f) l;
RESET client_min_messages;

-- ---------------------------------------------------------------- merchant features and the time zone
-- pg_regress runs the coordinator's session in PST8PDT; the workers' own
-- sessions keep their server's zone.  Citus sends the coordinator's settings
-- to them only as SET LOCAL with citus.propagate_set_commands = 'local'.
SHOW TimeZone;
SELECT DISTINCT result AS workers_time_zone FROM run_command_on_workers('SHOW TimeZone');
SET loan_risk.timezone = 'Asia/Shanghai';
-- The reference: profiles of the local copy, days counted in Asia/Shanghai.
CREATE TEMP TABLE l_profiles AS
SELECT merchant_id, loan_risk.merchant_features(ts, amount, payer) AS p FROM transactions_local GROUP BY 1;
-- With the zone as an argument, it travels in each shard's query: grouped
-- by the distribution column, each merchant's profile is computed whole on
-- its worker, in that zone.
SELECT l ~ 'loan_risk.merchant_features\(ts, amount, payer, NULL::timestamp with time zone, ''Asia/Shanghai''::text\) AS p FROM public.transactions_N transactions WHERE true GROUP BY merchant_id$' AS zone_in_each_shard_query
FROM plan_lines($$SELECT merchant_id, loan_risk.merchant_features(ts, amount, payer, NULL, 'Asia/Shanghai') AS p
                  FROM transactions GROUP BY merchant_id$$, '^Query:') l;
-- (Profiles are compared as values, to_jsonb on the coordinator: to_jsonb
-- writes a timestamptz in the session's zone, which is the worker's when
-- it runs in the shard's query.)
CREATE TEMP TABLE d_profiles AS
SELECT merchant_id, loan_risk.merchant_features(ts, amount, payer, NULL, 'Asia/Shanghai') AS p FROM transactions GROUP BY 1;
SELECT count(*) AS merchants, count(*) FILTER (WHERE to_jsonb(d.p) = to_jsonb(l.p)) AS identical_profiles
FROM d_profiles d JOIN l_profiles l USING (merchant_id);
-- Not grouped by it: partial states per shard, combined on the coordinator; the same profile.
SELECT * FROM plan_lines($$SELECT loan_risk.merchant_features(ts, amount, payer, NULL, 'Asia/Shanghai') FROM transactions WHERE merchant_id % 7 = 0$$,
                         'coord_combine_agg|Query:');
SELECT to_jsonb(p)::text AS p
FROM (SELECT loan_risk.merchant_features(ts, amount, payer, NULL, 'Asia/Shanghai') AS p FROM transactions WHERE merchant_id % 7 = 0) s \gset d_
SELECT to_jsonb(loan_risk.merchant_features(ts, amount, payer))::text = :'d_p' AS combined_profile_identical
FROM transactions_local WHERE merchant_id % 7 = 0;
-- Without the zone in the query, the workers refuse rather than count days
-- in their own zone (0 of 300 profiles would equal the local ones).
SELECT count(*) FROM (SELECT merchant_id, loan_risk.merchant_features(ts, amount, payer) AS p FROM transactions GROUP BY 1) s
WHERE (p).txn_count_all > 0;
-- Unless the setting reaches them in the same transaction.
SET citus.propagate_set_commands = 'local';
BEGIN;
SET LOCAL loan_risk.timezone = 'Asia/Shanghai';
CREATE TEMP TABLE d_propagated AS
SELECT merchant_id, loan_risk.merchant_features(ts, amount, payer) AS p FROM transactions GROUP BY 1;
COMMIT;
BEGIN;
SET LOCAL loan_risk.timezone = '';
SET LOCAL TimeZone = 'Asia/Shanghai';
CREATE TEMP TABLE d_propagated_tz AS
SELECT merchant_id, loan_risk.merchant_features(ts, amount, payer) AS p FROM transactions GROUP BY 1;
COMMIT;
RESET citus.propagate_set_commands;
SELECT count(*) AS merchants, count(*) FILTER (WHERE to_jsonb(d.p) = to_jsonb(l.p)) AS identical_with_set_local,
       count(*) FILTER (WHERE to_jsonb(t.p) = to_jsonb(l.p)) AS identical_with_set_local_timezone
FROM d_propagated d JOIN l_profiles l USING (merchant_id) JOIN d_propagated_tz t USING (merchant_id);
RESET loan_risk.timezone;
-- SET TimeZone alone on the coordinator does not reach the workers either:
-- refused the same way, grouped by merchant or not.
SET TimeZone = 'Asia/Shanghai';
SELECT count(*) FROM (SELECT merchant_id, loan_risk.merchant_features(ts, amount, payer) AS p FROM transactions GROUP BY 1) s
WHERE (p).txn_count_all > 0;
SELECT loan_risk.merchant_features(ts, amount, payer) IS NOT NULL FROM transactions WHERE merchant_id % 7 = 0;
RESET TimeZone;

-- ---------------------------------------------------------------- anomaly models
-- iforest_train over the distributed table: bottom-k samples per shard,
-- merged on the coordinator, where the trees grow; the model equals the
-- local copy's (the sample depends on the rows' keys only).
SELECT * FROM plan_lines($$SELECT loan_risk.iforest_train(id, ARRAY[gmv_90d, refund_share, months_active]::float8[],
                                                          '{gmv_90d,refund_share,months_active}', '{"seed": 7}') FROM applicants$$,
                         'coord_combine_agg|Query:');
SELECT md5(loan_risk.iforest_train(id, ARRAY[gmv_90d, refund_share, months_active]::float8[],
                                   '{gmv_90d,refund_share,months_active}', '{"seed": 7}')::text) AS m FROM applicants \gset d_
SELECT md5(loan_risk.iforest_train(id, ARRAY[gmv_90d, refund_share, months_active]::float8[],
                                   '{gmv_90d,refund_share,months_active}', '{"seed": 7}')::text) = :'d_m' AS same_model,
       md5(loan_risk.iforest_train('app-' || id, ARRAY[gmv_90d]::float8[], '{gmv_90d}')::text)
       = (SELECT md5(loan_risk.iforest_train('app-' || id, ARRAY[gmv_90d]::float8[], '{gmv_90d}')::text) FROM applicants_local) AS same_model_text_key
FROM applicants_local;

-- ---------------------------------------------------------------- decisions
-- decide() with a strategy that reads no table runs in each shard's query,
-- the strategy read from the reference table's copy on the worker; the
-- decisions equal the local copy's.
SELECT * FROM plan_lines($$SELECT a.applicant_id, (loan_risk.decide(s.strategy, a)).outcome
                           FROM decision.applicants a, decision.strategies s WHERE s.name = 'pure'$$, '^Query:');
CREATE TEMP TABLE d_decisions AS
SELECT a.applicant_id, loan_risk.decide(s.strategy, a) AS d FROM decision.applicants a, decision.strategies s WHERE s.name = 'pure';
SELECT count(*) AS decisions, count(*) FILTER (WHERE d.d::text = l.d::text) AS identical,
       count(DISTINCT (d.d).outcome) AS outcomes
FROM d_decisions d
JOIN (SELECT a.applicant_id, loan_risk.decide(s.strategy, a) AS d
      FROM decision.applicants_local a, decision.strategies s WHERE s.name = 'pure') l USING (applicant_id);
-- A strategy with list lookups (decide_stable) reads its list tables from
-- inside each shard's query, which Citus refuses, reference tables too.
SELECT count(*) FROM (SELECT loan_risk.decide_stable(s.strategy, a) AS d
                      FROM decision.applicants a, decision.strategies s WHERE s.name = 'online') x
WHERE (d).outcome IS NOT NULL;

-- ---------------------------------------------------------------- bank-product matching
-- Products as a value (a JSON array, jsonb_agg of the products table): the
-- workers match their rows against it; nothing reads a table on the shard.
SELECT jsonb_agg(p ORDER BY product_id)::text AS products FROM bank_products_local p \gset
SELECT l ~ 'FROM public.applicants_N a, LATERAL loan_risk.match_products\(a\.\*, ''\[\{"bank": "Bank p1", .*\]''::jsonb, ' AS matched_in_each_shard_query
FROM plan_lines(format($$SELECT a.id, m.product_id, m.rate FROM applicants a,
                         LATERAL loan_risk.match_products(a, %L::jsonb, requested_amount => 10000) m$$, :'products'), '^Query:') l;
CREATE TEMP TABLE d_offers AS
SELECT a.id, m.* FROM applicants a, LATERAL loan_risk.match_products(a, :'products'::jsonb, requested_amount => 10000) m;
CREATE TEMP TABLE l_offers AS
SELECT a.id, m.* FROM applicants_local a, LATERAL loan_risk.match_products(a, 'bank_products_local', requested_amount => 10000) m;
SELECT (SELECT count(*) FROM d_offers) AS offers, (SELECT count(*) FROM l_offers) AS local_offers,
       (SELECT count(*) FROM d_offers d JOIN l_offers l USING (id, rank) WHERE d IS NOT DISTINCT FROM l) AS identical;
-- The products value from the reference table in the same statement: the
-- subquery reads the reference table's copy on each worker.
CREATE TEMP TABLE d_offers_ref AS
SELECT a.id, m.* FROM applicants a,
       LATERAL loan_risk.match_products(a, (SELECT jsonb_agg(p ORDER BY product_id) FROM bank_products p), requested_amount => 10000) m;
SELECT count(*) FILTER (WHERE d IS NOT DISTINCT FROM r) AS identical_from_reference_table, count(*) AS offers
FROM d_offers d JOIN d_offers_ref r USING (id, rank);
-- explain_match likewise.
SELECT count(*) AS explanations FROM (SELECT a.id, e.* FROM applicants a, LATERAL loan_risk.explain_match(a, :'products'::jsonb) e) s;
-- The products as a table name: read from inside each shard's query, which Citus refuses.
SELECT count(*) FROM applicants a, LATERAL loan_risk.match_products(a, 'bank_products') m;
-- match_products_batch reads the applicants query on the coordinator (its
-- query is distributed: every row comes back) and matches there.
CREATE TEMP TABLE d_batch AS
SELECT * FROM loan_risk.match_products_batch('SELECT * FROM applicants', 'bank_products', id_column => 'id');
SELECT count(*) AS offers, count(*) FILTER (WHERE (b.product_id, b.rate, b.total_cost) IS NOT DISTINCT FROM (l.product_id, l.rate, l.total_cost)) AS identical
FROM d_batch b JOIN (SELECT a.id::text AS applicant_id, m.* FROM applicants_local a, LATERAL loan_risk.match_products(a, 'bank_products_local') m) l
USING (applicant_id, rank);

-- ---------------------------------------------------------------- read on the coordinator
-- Functions that take a query (graph, portfolio, validation_report,
-- match_products_batch, the training drivers) run it on the coordinator:
-- Citus distributes that query, and its rows come back to the coordinator.
-- The graph functions read every edge there (their kernels need the whole
-- graph); the result equals the local copy's.
SELECT * FROM plan_lines('SELECT a, b FROM edges', '^(Task Count|Query:)');
SELECT (SELECT md5(string_agg(format('%s %s %s', node, component, component_size), ',' ORDER BY node))
        FROM loan_risk.graph_components('SELECT a, b FROM edges'))
     = (SELECT md5(string_agg(format('%s %s %s', node, component, component_size), ',' ORDER BY node))
        FROM loan_risk.graph_components('SELECT a, b FROM edges_local')) AS components_identical,
       (SELECT md5(string_agg(format('%s %s %s %s', node, degree, triangles, clustering), ',' ORDER BY node))
        FROM loan_risk.graph_clustering('SELECT a, b FROM edges'))
     = (SELECT md5(string_agg(format('%s %s %s %s', node, degree, triangles, clustering), ',' ORDER BY node))
        FROM loan_risk.graph_clustering('SELECT a, b FROM edges_local')) AS clustering_identical,
       (SELECT md5(string_agg(format('%s %s', node, round(risk::numeric, 12)), ',' ORDER BY node))
        FROM loan_risk.risk_propagation('SELECT a, b FROM edges', 'SELECT 17::bigint'))
     = (SELECT md5(string_agg(format('%s %s', node, round(risk::numeric, 12)), ',' ORDER BY node))
        FROM loan_risk.risk_propagation('SELECT a, b FROM edges_local', 'SELECT 17::bigint')) AS propagation_identical;
-- Portfolio monitoring over distributed loans: the same figures.
SELECT (SELECT md5(string_agg(v::text, ',' ORDER BY segment, cohort, months_on_book))
        FROM loan_risk.vintage('SELECT loan_id, originated, amount, segment FROM loans',
                               'SELECT loan_id, month, days_past_due, balance FROM performance') v)
     = (SELECT md5(string_agg(v::text, ',' ORDER BY segment, cohort, months_on_book))
        FROM loan_risk.vintage('SELECT loan_id, originated, amount, segment FROM loans_local',
                               'SELECT loan_id, month, days_past_due, balance FROM performance_local') v) AS vintage_identical,
       (SELECT md5(string_agg(r::text, ',' ORDER BY month, segment, from_order, to_order))
        FROM loan_risk.roll_rates('SELECT loan_id, month, days_past_due, balance FROM performance') r)
     = (SELECT md5(string_agg(r::text, ',' ORDER BY month, segment, from_order, to_order))
        FROM loan_risk.roll_rates('SELECT loan_id, month, days_past_due, balance FROM performance_local') r) AS roll_rates_identical;
-- The validation report of the demo card on the distributed outcomes.
SELECT md5(loan_risk.validation_report(s.card, 'SELECT a.*, a.bad AS outcome FROM applicants a')) =
       md5(loan_risk.validation_report(s.card, 'SELECT a.*, a.bad AS outcome FROM applicants_local a')) AS report_identical
FROM scorecards s;
-- Edges deduplicated on the workers before they travel: DISTINCT runs per
-- shard (then once more on the coordinator); the same components.
SELECT * FROM plan_lines('SELECT DISTINCT least(a, b) AS a, greatest(a, b) AS b FROM edges', '^Query:');
SELECT (SELECT md5(string_agg(format('%s %s %s', node, component, component_size), ',' ORDER BY node))
        FROM loan_risk.graph_components('SELECT DISTINCT least(a, b) AS a, greatest(a, b) AS b FROM edges'))
     = (SELECT md5(string_agg(format('%s %s %s', node, component, component_size), ',' ORDER BY node))
        FROM loan_risk.graph_components('SELECT a, b FROM edges_local')) AS deduplicated_components_identical;
-- Rings of shared attributes over a distributed table of (entity,
-- attribute) pairs: read on the coordinator too; the same rings and hubs.
CREATE TABLE devices_local AS
SELECT i::bigint AS entity, 'device-' || (hashint4(i) & 1023) AS attribute FROM generate_series(1, 3000) i;
CREATE TABLE devices AS SELECT * FROM devices_local;
SELECT create_distributed_table('devices', 'entity') IS NOT NULL AS distributed;
SELECT truncate_local_data_after_distributing_table('devices') IS NOT NULL AS truncated;
SELECT * FROM plan_lines('SELECT entity, attribute FROM devices', '^(Task Count|Query:)');
SELECT (SELECT md5(string_agg(format('%s %s %s', entity, component, component_size), ',' ORDER BY entity))
        FROM loan_risk.shared_attribute_components('SELECT entity, attribute FROM devices', 4))
     = (SELECT md5(string_agg(format('%s %s %s', entity, component, component_size), ',' ORDER BY entity))
        FROM loan_risk.shared_attribute_components('SELECT entity, attribute FROM devices_local', 4)) AS rings_identical,
       (SELECT string_agg(format('%s %s', attribute, entities), ',' ORDER BY entities DESC, attribute)
        FROM loan_risk.shared_attribute_hubs('SELECT entity, attribute FROM devices', 4))
     = (SELECT string_agg(format('%s %s', attribute, entities), ',' ORDER BY entities DESC, attribute)
        FROM loan_risk.shared_attribute_hubs('SELECT entity, attribute FROM devices_local', 4)) AS hubs_identical,
       (SELECT count(*) FROM loan_risk.shared_attribute_hubs('SELECT entity, attribute FROM devices', 4)) AS hubs;

-- ---------------------------------------------------------------- settings
-- Every setting of loan_risk, and where it acts (doc/scale-out.md): a new
-- one changes this list, and must say whether the workers need it.
SELECT name, context FROM pg_settings WHERE name LIKE 'loan\_risk.%' ORDER BY name;
