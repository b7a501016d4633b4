-- train_scorecard's passes one by one (src/training/train.h): bin, code,
-- select, fit, sign-check, scale, audit.  Each is checked against what it
-- promises, with an independent path where there is one: binning() for the
-- bins, logistic_fit over WOE columns coded in plain SQL for the fit, the
-- scaling formula for the points, auc() of score() for the audit.
SET client_min_messages = warning;
SET extra_float_digits = 0;

-- 20,000 rows with a known truth: a drives the risk, a2 is a near copy of
-- a, b matters only given a (its univariate link has the opposite sign),
-- n is noise, r a region.
CREATE TABLE t AS
WITH u AS (SELECT i, (hashint4(i * 5 + 1) & 2147483647) / 2147483647.0 AS u1,
                     (hashint4(i * 5 + 2) & 2147483647) / 2147483647.0 AS u2,
                     (hashint4(i * 5 + 3) & 2147483647) / 2147483647.0 AS u3,
                     (hashint4(i * 5 + 4) & 2147483647) / 2147483647.0 AS u4,
                     (hashint4(i * 5 + 5) & 2147483647) / 2147483647.0 AS u5
           FROM generate_series(1, 20000) i)
SELECT i, round(u1 * 100) AS a, round(u1 * 100 + u2 * 4) AS a2,
       round(u1 * 100 * 0.8 + u3 * 100 * 0.2) AS b, round(u4 * 100) AS n,
       (ARRAY['north', 'south', 'east', 'west'])[1 + (hashint4(i) & 3)] AS r,
       (u5 < 1 / (1 + exp(-(-2 + 0.06 * u1 * 100 - 0.06 * (u1 * 100 * 0.8 + u3 * 100 * 0.2)
                            + 0.02 * u1 * 100 + 0.3 * ((hashint4(i) & 3) = 0)::int))))::int AS bad
FROM u;
CREATE TABLE cards (name text PRIMARY KEY, c jsonb, card loan_risk.scorecard);
INSERT INTO cards SELECT 'default', card::jsonb, card
FROM (SELECT loan_risk.train_scorecard('t', 'bad', '{a,a2,b,n,r}') AS card) s;
INSERT INTO cards SELECT 'signs_off', card::jsonb, card
FROM (SELECT loan_risk.train_scorecard('t', 'bad', '{a,b,r}',
        '{"selection": {"max_correlation": 1, "check_signs": false, "min_iv": 0}, "scaling": {"pdo": 40, "base_score": 500, "base_odds": 20}}') AS card) s;
SELECT name, (SELECT jsonb_agg(f->'name') FROM jsonb_array_elements(c->'features') f) AS features
FROM cards ORDER BY name;

-- bin: each feature's bins are binning()'s for that feature (the same
-- pre-binning pass and the same optimal bins): bounds, counts, bads, WOE.
WITH b AS (SELECT f FROM jsonb_array_elements(loan_risk.binning('t', 'bad', '{a,a2,b,n,r}')->'features') f)
SELECT cf->>'name' AS feature,
       (SELECT jsonb_agg(jsonb_build_object('upper', x->'upper', 'values', x->'values', 'count', x->'count',
                                            'bads', x->'bads', 'woe', x->'woe'))
        FROM jsonb_array_elements(cf->'bins') x)
     = (SELECT jsonb_agg(jsonb_build_object('upper', x->'upper', 'values', x->'values', 'count', x->'count',
                                            'bads', x->'bads', 'woe', x->'woe'))
        FROM b, jsonb_array_elements(b.f->'bins') x WHERE b.f->>'name' = cf->>'name') AS bins_are_binning,
       cf->'missing'->'woe' = (SELECT b.f->'missing'->'woe' FROM b WHERE b.f->>'name' = cf->>'name') AS missing_is_binning,
       abs((cf->>'iv')::float8 - (SELECT (b.f->>'iv')::float8 FROM b WHERE b.f->>'name' = cf->>'name')) < 1e-12 AS iv_is_binning
FROM cards, jsonb_array_elements(c->'features') cf WHERE name = 'default' ORDER BY 1;

-- code: with the design in memory one pass more reads the source (it codes
-- the rows), and the fit is the one of the passes as queries.
SET loan_risk.training_in_memory = off;
INSERT INTO cards SELECT 'queries', card::jsonb, card
FROM (SELECT loan_risk.train_scorecard('t', 'bad', '{a,a2,b,n,r}') AS card) s;
RESET loan_risk.training_in_memory;
SELECT m.c->'training'->'design_in_memory' AS in_memory, q.c->'training'->'design_in_memory' AS queries_in_memory,
       (m.c->'training'->>'passes')::int - (q.c->'training'->>'passes')::int AS more_passes,
       m.c->'features' = q.c->'features' AS same_features,
       abs((m.c->'statistics'->>'log_likelihood')::float8 - (q.c->'statistics'->>'log_likelihood')::float8) < 1e-9 AS same_fit
FROM cards m, cards q WHERE m.name = 'default' AND q.name = 'queries';

-- select: a2 is dropped for its correlation with a; with correlation
-- allowed, the VIF filter drops one of the two.
SELECT d->>'name' AS feature, regexp_replace(d->>'reason', '[0-9.]+', 'x', 'g') AS reason
FROM cards, jsonb_array_elements(c->'training'->'features_dropped') d WHERE name = 'default' ORDER BY 1;
SELECT d->>'name' AS feature, regexp_replace(d->>'reason', '[0-9.]+', 'x', 'g') AS reason
FROM (SELECT loan_risk.train_scorecard('t', 'bad', '{a,a2,n}',
        '{"selection": {"max_correlation": 1, "max_vif": 5, "min_iv": 0}}')::jsonb AS c) s,
     jsonb_array_elements(c->'training'->'features_dropped') d ORDER BY 1;

-- fit: the coefficients are logistic_fit's over the same rows coded to the
-- WOE of their bins in plain SQL (score_detail gives each row's bin).
CREATE TABLE coded AS
SELECT t.i, t.bad,
       max(d.woe) FILTER (WHERE d.feature = 'a') AS a,
       max(d.woe) FILTER (WHERE d.feature = 'b') AS b,
       max(d.woe) FILTER (WHERE d.feature = 'r') AS r
FROM t, cards c, loan_risk.score_detail(c.card, t) d WHERE c.name = 'signs_off' GROUP BY t.i, t.bad;
SELECT k AS coefficient,
       abs((c->'statistics'->'coefficients'->k->>'estimate')::float8 - (f->'coefficients'->>k)::float8) < 1e-8 AS estimate_is_logistic_fit,
       abs((c->'statistics'->'coefficients'->k->>'std_error')::float8 - (f->'std_errors'->>k)::float8) < 1e-8 AS std_error_is_logistic_fit
FROM cards, (SELECT loan_risk.logistic_fit('coded', 'bad', '{a,b,r}', '{"tolerance": 1e-12}') AS f) l,
     jsonb_object_keys(c->'statistics'->'coefficients') k
WHERE name = 'signs_off' ORDER BY 1;

-- sign-check: b's coefficient has the sign opposite to its WOE; checked,
-- it is dropped and the rest refit; unchecked, it stays.
SELECT name, (SELECT (f->>'coefficient')::float8 > 0 FROM jsonb_array_elements(c->'features') f WHERE f->>'name' = 'b') AS b_contradicts_woe,
       (SELECT regexp_replace(d->>'reason', '-?[0-9.]+', 'x') FROM jsonb_array_elements(c->'training'->'features_dropped') d WHERE d->>'name' = 'b') AS b_dropped
FROM (SELECT 'checked' AS name, loan_risk.train_scorecard('t', 'bad', '{a,b,r}', '{"selection": {"max_correlation": 1}}')::jsonb AS c
      UNION ALL SELECT name, c FROM cards WHERE name = 'signs_off') s ORDER BY 1;

-- scale: points = -(pdo / ln 2) * coefficient * woe for every bin, and base
-- points = base_score - (pdo / ln 2) * (ln base_odds + intercept).
SELECT name, count(*) AS bins,
       bool_and(abs(points - (-(pdo / ln(2)) * coef * woe)) < 1e-9) AS points_follow_scaling,
       min(abs(base - (base_score - pdo / ln(2) * (ln(base_odds) + icpt)))) < 1e-9 AS base_points_follow_scaling
FROM (SELECT name, (c->'scaling'->>'pdo')::float8 AS pdo, (c->'scaling'->>'base_score')::float8 AS base_score,
             (c->'scaling'->>'base_odds')::float8 AS base_odds, (c->>'base_points')::float8 AS base,
             (c->>'intercept')::float8 AS icpt, (f->>'coefficient')::float8 AS coef,
             (x->>'points')::float8 AS points, (x->>'woe')::float8 AS woe
      FROM cards, jsonb_array_elements(c->'features') f,
           LATERAL (SELECT x FROM jsonb_array_elements(f->'bins') x UNION ALL SELECT f->'missing'
                    UNION ALL SELECT f->'unseen' WHERE f ? 'unseen') b(x)
      WHERE name IN ('default', 'signs_off')) s
GROUP BY name ORDER BY name;

-- audit: the training AUC and KS are those of score() over the training
-- rows; the record lists what was considered and dropped, and the passes.
SELECT name,
       (c->'statistics'->>'auc')::float8 = (SELECT loan_risk.auc(-loan_risk.score(card, t), t.bad) FROM t) AS auc_is_score_auc,
       (c->'statistics'->>'ks')::float8 = (SELECT loan_risk.ks(-loan_risk.score(card, t), t.bad) FROM t) AS ks_is_score_ks,
       abs((c->'statistics'->>'gini')::float8 - (2 * (c->'statistics'->>'auc')::float8 - 1)) < 1e-15 AS gini,
       c->'training'->'features_considered' AS considered,
       (c->'training'->>'passes')::int > 3 AS passes_counted,
       c->'training'->'options'->'scaling' AS scaling
FROM cards WHERE name IN ('default', 'signs_off') ORDER BY name;
