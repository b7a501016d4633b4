-- loan_risk.logistic_fit and the logistic step aggregates: maximum likelihood
-- by Newton (IRLS) passes.  Coefficients and standard errors agree with
-- statsmodels 0.13.5 (Debian python3-statsmodels, GLM Binomial, tol 1e-14)
-- to 1e-6: the reference values are from data/training/statsmodels_reference.py
-- (its output is data/training/statsmodels_reference.out).
SET client_min_messages = warning;
SET extra_float_digits = 0;

CREATE TABLE apps (id int, region text, industry text, months_active int, gmv_90d numeric,
                   refund_share numeric, repeat_payer_share numeric, night_share numeric, bad int);
\copy apps FROM 'data/applicants.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE glm (id int, x1 float8, x2 float8, x3 int, w int, off float8, y int);
\copy glm FROM 'data/training/glm_cases.csv' WITH (FORMAT csv, HEADER)

-- Compares a fit with reference values: every coefficient and standard error within 1e-6.
CREATE FUNCTION agrees(fit jsonb, ref jsonb) RETURNS boolean LANGUAGE sql AS $$
  SELECT bool_and(abs((fit->'coefficients'->>k)::float8 - (r->>0)::float8) <= 1e-6 * greatest(1, abs((r->>0)::float8))
              AND abs((fit->'std_errors'->>k)::float8 - (r->>1)::float8) <= 1e-6 * greatest(1, abs((r->>1)::float8)))
         AND count(*) = (SELECT count(*) FROM jsonb_object_keys(fit->'coefficients'))
  FROM jsonb_each(ref) AS e(k, r)
$$;

-- A worked example: default on four behavioural features of the sample applicants.
SELECT jsonb_pretty(jsonb_build_object(
         'coefficients', (SELECT jsonb_object_agg(k, round(v::numeric, 6)) FROM jsonb_each_text(f->'coefficients') e(k, v)),
         'std_errors', (SELECT jsonb_object_agg(k, round(v::numeric, 6)) FROM jsonb_each_text(f->'std_errors') e(k, v)),
         'log_likelihood', round((f->>'log_likelihood')::numeric, 4),
         'aic', round((f->>'aic')::numeric, 4), 'bic', round((f->>'bic')::numeric, 4),
         'iterations', f->'iterations', 'converged', f->'converged', 'rows', f->'rows'))
FROM (SELECT loan_risk.logistic_fit('apps', 'bad', '{months_active,refund_share,repeat_payer_share,night_share}') AS f) s;

CREATE TABLE fits AS
SELECT 'applicants' AS name, loan_risk.logistic_fit('apps', 'bad', '{months_active,refund_share,repeat_payer_share,night_share}') AS f
UNION ALL SELECT 'plain', loan_risk.logistic_fit('glm', 'y', '{x1,x2,x3}')
UNION ALL SELECT 'weights_offset', loan_risk.logistic_fit('glm', 'y', '{x1,x2,x3}', '{"weight": "w", "offset": "off"}')
UNION ALL SELECT 'no_intercept', loan_risk.logistic_fit('glm', 'y', '{x1,x2,x3}', '{"intercept": false}')
UNION ALL SELECT 'l2_30', loan_risk.logistic_fit('glm', 'y', '{x1,x2,x3}', '{"l2": 30}');

-- Against statsmodels: coefficients and standard errors within 1e-6, and the
-- log-likelihood and AIC within 1e-6 too (relative).
SELECT name, agrees(f, ref) AS agrees_1e6,
       abs((f->>'log_likelihood')::float8 - ll) <= 1e-6 * abs(ll) AS ll_agrees,
       aic IS NULL OR abs((f->>'aic')::float8 - aic) <= 1e-6 * aic AS aic_agrees,
       f->'converged' AS converged
FROM fits JOIN (VALUES
  ('applicants', '{"(intercept)": [-1.6841055980184032, 0.06392245293971024],
                   "months_active": [-0.02879377829948795, 0.0012476184561297696],
                   "refund_share": [4.953670394844907, 0.23202576870896538],
                   "repeat_payer_share": [-2.1293990460162746, 0.13548523880409913],
                   "night_share": [1.4166500371262547, 0.1888832370315638]}'::jsonb,
   -7073.0533035998815, 14156.106607199763),
  ('plain', '{"(intercept)": [-0.9919270682769407, 0.11184119195412531], "x1": [0.7740801806335434, 0.051820860817000824],
              "x2": [-0.4603896078611083, 0.04150681542412326], "x3": [0.2876087620779868, 0.03386556821514075]}',
   -1447.492090732617, 2902.984181465234),
  ('weights_offset', '{"(intercept)": [-0.9812829266587452, 0.07962979156955609], "x1": [0.7475471059131046, 0.03651681042674918],
                       "x2": [-0.4680216884383141, 0.02964024650213207], "x3": [0.27701967031128605, 0.023980368774651376]}',
   -2878.1736011388502, 5764.3472022777005),
  ('no_intercept', '{"x1": [0.7391676180813826, 0.050525164093401714], "x2": [-0.6948448284649815, 0.03303467023123181],
                     "x3": [0.0977028322323253, 0.02563964542073964]}',
   -1489.0869257424042, 2984.1738514848084),
  -- ridge: scipy Newton-CG on the penalised log-likelihood; the standard errors
  -- are those of the penalised information, (X'WX + 30 I)^-1.
  ('l2_30', '{"(intercept)": [-0.9921735304369138, 0.1091038345934381], "x1": [0.7134951714358024, 0.04880132002993888],
              "x2": [-0.43281926355463446, 0.03992854848651753], "x3": [0.2730426056697091, 0.032904776366045295]}',
   NULL, NULL)
) AS r(name, ref, ll, aic) USING (name)
ORDER BY name;

-- z = estimate / std_error, p = 2 (1 - Phi(|z|)); BIC = -2 ll + k ln(n);
-- the null log-likelihood from the bad rate; rows and bads counted.
SELECT abs((f->'z'->>'x1')::float8 - (f->'coefficients'->>'x1')::float8 / (f->'std_errors'->>'x1')::float8) < 1e-12 AS z_ok,
       abs((f->'p_values'->>'x3')::float8 - 0.0) < 1e-16 AS p_tiny,
       abs((f->>'bic')::float8 - (-2 * (f->>'log_likelihood')::float8 + 4 * ln(3000))) < 1e-9 AS bic_ok,
       abs((f->>'null_log_likelihood')::float8 - (735 * ln(735 / 3000.0) + 2265 * ln(2265 / 3000.0))) < 1e-9 AS null_ll_ok,
       f->'rows' AS rows, f->'bads' AS bads, f->'rows_skipped' AS skipped,
       round((f->>'condition_number')::numeric, 4) AS condition_number
FROM fits WHERE name = 'plain';
-- A p-value that is not tiny: x3 alone on the first 60 rows (z ~ 0.96),
-- 2 (1 - Phi(|z|)) by hand from erf via the closed form in SQL.
SELECT round((f->'p_values'->>'x3')::numeric, 6) AS p_x3,
       round((f->'z'->>'x3')::numeric, 6) AS z_x3
FROM (SELECT loan_risk.logistic_fit('SELECT * FROM glm WHERE id <= 60', 'y', '{x3}') AS f) s;

-- Rows with a NULL target, feature, weight or offset are skipped and counted
-- (as R's na.omit); a zero weight skips the row too.
SELECT f->'rows' AS rows, f->'rows_skipped' AS skipped,
       agrees(f, (SELECT jsonb_object_agg(k, jsonb_build_array(v, (g->'std_errors'->>k)::float8))
                  FROM (SELECT loan_risk.logistic_fit('SELECT * FROM glm WHERE id % 10 <> 0', 'y', '{x1,x2}') AS g) q,
                       jsonb_each_text(g->'coefficients') e(k, v))) AS same_as_filtered
FROM (SELECT loan_risk.logistic_fit(
        'SELECT CASE WHEN id % 10 = 0 THEN NULL ELSE y END AS y, x1, x2 FROM glm', 'y', '{x1,x2}') AS f) s;
SELECT f->'rows' AS rows, f->'rows_skipped' AS skipped
FROM (SELECT loan_risk.logistic_fit('SELECT y, x1, CASE WHEN id % 3 = 0 THEN 0 ELSE w END AS w FROM glm', 'y', '{x1}',
                                    '{"weight": "w"}') AS f) s;
-- A boolean target and a query source; numeric and bigint features.
SELECT agrees(f, '{"(intercept)": [-0.9919270682769407, 0.11184119195412531], "x1": [0.7740801806335434, 0.051820860817000824],
                   "x2": [-0.4603896078611083, 0.04150681542412326], "x3": [0.2876087620779868, 0.03386556821514075]}') AS agrees_1e6
FROM (SELECT loan_risk.logistic_fit('SELECT y = 1 AS bad, x1::numeric AS x1, x2::real::float8 AS x2, x3::bigint AS x3 FROM glm',
                                    'bad', '{x1,x2,x3}') AS f) s;
-- A constant-zero offset and no intercept besides the offset: the intercept
-- alone is at the log-odds of the bad rate.
SELECT abs((f->'coefficients'->>'(intercept)')::float8 - ln(735 / 2265.0)) < 1e-12 AS intercept_is_log_odds
FROM (SELECT loan_risk.logistic_fit('SELECT y, 0 AS o, 0 AS zero FROM glm', 'y', '{o}', '{"offset": "zero", "l2": 1}') AS f) s;
SELECT jsonb_pretty(f->'options') AS options FROM fits WHERE name = 'weights_offset';

-- Not converging within max_iterations: a warning naming what still moves.
SET client_min_messages = warning;
SELECT f->'converged' AS converged, f->'iterations' AS iterations
FROM (SELECT loan_risk.logistic_fit('glm', 'y', '{x1,x2,x3}', '{"max_iterations": 1}') AS f) s;

-- Separation.  Perfect: an error naming the feature; quasi-complete: a warning.
CREATE TABLE sep AS SELECT i, i::float8 AS x, (i > 50)::int AS y, (i % 7)::float8 AS z FROM generate_series(1, 100) i;
SELECT loan_risk.logistic_fit('sep', 'y', '{x,z}');
SELECT f->'converged' AS converged
FROM (SELECT loan_risk.logistic_fit('SELECT i, x, y FROM sep UNION ALL SELECT 101, 50, 1 UNION ALL SELECT 102, 50, 0 UNION ALL SELECT 103, 51, 0', 'y', '{x}') AS f) s;
SELECT (f->'coefficients'->>'x')::float8 < 10 AS ridge_keeps_it_finite
FROM (SELECT loan_risk.logistic_fit('sep', 'y', '{x}', '{"l2": 1}') AS f) s;

-- A singular design: errors that name the features.
SELECT loan_risk.logistic_fit('SELECT y, x1, x2, x1 + 2 * x2 AS x12 FROM glm', 'y', '{x1,x2,x12}');
SELECT loan_risk.logistic_fit('SELECT y, x1, 5 AS five FROM glm', 'y', '{x1,five}');
SELECT loan_risk.logistic_fit('SELECT y, x1, 0 AS zero FROM glm', 'y', '{x1,zero}');

-- Other errors.
SELECT loan_risk.logistic_fit('SELECT y, CASE WHEN id = 5 THEN ''NaN'' ELSE x1 END AS x1 FROM glm', 'y', '{x1}');
SELECT loan_risk.logistic_fit('SELECT y, x1, CASE WHEN id = 5 THEN ''Infinity'' ELSE 1::float8 END AS w FROM glm', 'y', '{x1}', '{"weight": "w"}');
SELECT loan_risk.logistic_fit('SELECT y, x1, CASE WHEN id > 5 THEN ''NaN'' ELSE 1::float8 END AS o FROM glm', 'y', '{x1}', '{"offset": "o"}');
SELECT loan_risk.logistic_fit('SELECT y, x1, -1 AS w FROM glm', 'y', '{x1}', '{"weight": "w"}');
SELECT loan_risk.logistic_fit('SELECT y, x1 FROM glm WHERE false', 'y', '{x1}');
SELECT loan_risk.logistic_fit('SELECT 0 AS y, x1 FROM glm', 'y', '{x1}');
SELECT loan_risk.logistic_fit('SELECT NULL::int AS y, x1 FROM glm', 'y', '{x1}');
SELECT loan_risk.logistic_fit('SELECT y, x1::text AS t FROM glm', 'y', '{t}');
SELECT loan_risk.logistic_fit('SELECT y::float8 AS y, x1 FROM glm', 'y', '{x1}');
SELECT loan_risk.logistic_fit('SELECT 2 AS y, x1 FROM glm', 'y', '{x1}');
SELECT loan_risk.logistic_fit('glm', 'y', '{x1,x1}');
SELECT loan_risk.logistic_fit('glm', 'y', '{y}');
SELECT loan_risk.logistic_fit('glm', 'y', '{"(intercept)"}');
SELECT loan_risk.logistic_fit('glm', 'y', '{x1}', '{"tolerance": 0}');
SELECT loan_risk.logistic_fit('glm', 'y', '{x1}', '{"max_iterations": 2.5}');
SELECT loan_risk.logistic_fit('glm', 'y', '{x1}', '{"weights": "w"}');
SELECT loan_risk.logistic_fit('glm', 'y', '{x1}', '{"l2": -1}');
SELECT loan_risk.logistic_fit('glm', 'y', '{x1}', '[1]');
SELECT loan_risk.logistic_fit('glm', 'y', '{}');
SELECT loan_risk.logistic_fit(NULL, 'y', '{x1}') IS NULL AS null_source,
       loan_risk.logistic_fit('glm', 'y', NULL) IS NULL AS null_features;

-- The step aggregate on its own: one pass at given coefficients (intercept
-- first).  At beta = 0 the score is X'(y - 1/2) and the information X'X / 4,
-- by plain SQL.
SELECT i->'rows' AS rows, i->'bads' AS bads,
       abs((i->'score'->>0)::float8 - (SELECT sum(y - 0.5) FROM glm)) < 1e-9 AS score0_ok,
       abs((i->'score'->>1)::float8 - (SELECT sum((y - 0.5) * x1) FROM glm)) < 1e-9 AS score1_ok,
       abs((i->'information'->1->>2)::float8 - (SELECT sum(x1 * x2) / 4 FROM glm)) < 1e-9 AS info_ok,
       abs((i->>'log_likelihood')::float8 - 3000 * ln(0.5)) < 1e-9 AS ll_ok
FROM (SELECT loan_risk.logit_step_info(loan_risk.logit_step_partial('{0,0,0}', y, 1, 0, ARRAY[x1, x2]::float8[])) AS i FROM glm) s;

-- Parallel: Partial Aggregate under Gather, equal to serial within 1e-12;
-- merged partial states per group equal one pass; the text form round-trips.
ALTER TABLE glm SET (parallel_workers = 2);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT loan_risk.logit_step_partial('{-1,0.5,-0.5,0.25}', y, w, off, ARRAY[x1, x2, x3]::float8[]) FROM glm;
CREATE TABLE par AS SELECT loan_risk.logit_step_info(loan_risk.logit_step_partial('{-1,0.5,-0.5,0.25}', y, w, off, ARRAY[x1, x2, x3]::float8[])) AS i FROM glm;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE ser AS SELECT loan_risk.logit_step_info(loan_risk.logit_step_partial('{-1,0.5,-0.5,0.25}', y, w, off, ARRAY[x1, x2, x3]::float8[])) AS i FROM glm;
CREATE TABLE mer AS SELECT loan_risk.logit_step_info(loan_risk.logit_step_merge(s)) AS i
FROM (SELECT loan_risk.logit_step_partial('{-1,0.5,-0.5,0.25}', y, w, off, ARRAY[x1, x2, x3]::float8[]) AS s FROM glm GROUP BY id % 4) p;
SELECT bool_and(abs(a.v - b.v) <= 1e-12 * greatest(1, abs(b.v)) AND abs(c.v - b.v) <= 1e-12 * greatest(1, abs(b.v))) AS equal_1e12,
       count(*) AS numbers
FROM (SELECT q.v::float8 AS v, q.n FROM par, jsonb_path_query(i, '$.** ? (@.type() == "number")') WITH ORDINALITY q(v, n)) a
JOIN (SELECT q.v::float8 AS v, q.n FROM ser, jsonb_path_query(i, '$.** ? (@.type() == "number")') WITH ORDINALITY q(v, n)) b USING (n)
JOIN (SELECT q.v::float8 AS v, q.n FROM mer, jsonb_path_query(i, '$.** ? (@.type() == "number")') WITH ORDINALITY q(v, n)) c USING (n);
SELECT s::text::loan_risk.logit_step_state::text = s::text AS round_trip
FROM (SELECT loan_risk.logit_step_partial('{0,0}', y, 1, 0, ARRAY[x1]::float8[]) AS s FROM glm) q;
-- logistic_fit itself, serial and parallel: coefficients within 1e-9.
SET max_parallel_workers_per_gather = 2;
CREATE TABLE fpar AS SELECT loan_risk.logistic_fit('glm', 'y', '{x1,x2,x3}', '{"weight": "w", "offset": "off"}') AS f;
SET max_parallel_workers_per_gather = 0;
SELECT bool_and(abs((p.f->'coefficients'->>k)::float8 - v::float8) < 1e-9) AS parallel_equals_serial
FROM fpar p, fits s, jsonb_each_text(s.f->'coefficients') e(k, v) WHERE s.name = 'weights_offset';
RESET max_parallel_workers_per_gather;

-- Step errors: coefficient count, NULL or non-finite coefficients, states of
-- different passes, features that are not numbers, malformed states.
SELECT loan_risk.logit_step_partial('{0,0}', y, 1, 0, ARRAY[x1, x2]::float8[]) FROM glm;
SELECT loan_risk.logit_step_partial('{0,NULL}', y, 1, 0, ARRAY[x1]::float8[]) FROM glm;
SELECT loan_risk.logit_step_partial('{0,Infinity}', y, 1, 0, ARRAY[x1]::float8[]) FROM glm;
SELECT loan_risk.logit_step_partial(NULL, y, 1, 0, ARRAY[x1]::float8[]) FROM glm;
SELECT loan_risk.logit_step_partial(ARRAY[0, id]::float8[], y, 1, 0, ARRAY[x1]::float8[]) FROM glm;
SELECT loan_risk.logit_step_partial('{0,0}', y, 1, 0, NULL::float8[]) FROM glm;
SELECT loan_risk.logit_step_partial('{0,0}', y, 1, 0, ARRAY[[x1]]) FROM glm;
SELECT loan_risk.logit_step_merge(s) FROM (SELECT loan_risk.logit_step_partial('{0,0}', y, 1, 0, ARRAY[x1]::float8[]) FROM glm
                                           UNION ALL SELECT loan_risk.logit_step_partial('{0,1}', y, 1, 0, ARRAY[x1]::float8[]) FROM glm) p(s);
SELECT loan_risk.logit_step_merge(s) FROM (SELECT loan_risk.logit_step_partial('{0,0}', y, 1, 0, ARRAY[x1]::float8[]) FROM glm
                                           UNION ALL SELECT loan_risk.logit_step_partial('{0,0,0}', y, 1, 0, ARRAY[x1, x2]::float8[]) FROM glm) p(s);
SELECT encode(loan_risk.logit_step_state_send(s), 'base64') AS b64
FROM (SELECT loan_risk.logit_step_partial('{0,0}', y, 1, 0, ARRAY[x1]::float8[]) AS s FROM glm) q \gset
SELECT encode(substr(decode(:'b64', 'base64'), 1, 40), 'base64')::loan_risk.logit_step_state;        -- truncated
SELECT encode(set_byte(decode(:'b64', 'base64'), 8, 200), 'base64')::loan_risk.logit_step_state;     -- features
SELECT encode(set_byte(decode(:'b64', 'base64'), 27, 128), 'base64')::loan_risk.logit_step_state;    -- negative rows
SELECT encode(set_byte(decode(:'b64', 'base64'), 37, 127), 'base64')::loan_risk.logit_step_state;    -- bads > rows
SELECT encode(set_byte(decode(:'b64', 'base64'), 107, 127), 'base64')::loan_risk.logit_step_state;   -- log-likelihood > 0
SELECT encode(decode(:'b64', 'base64') || '\x00'::bytea, 'base64')::loan_risk.logit_step_state;      -- trailing
