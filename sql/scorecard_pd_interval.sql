-- loan_risk.pd_interval: the pd of a row and its confidence interval from the
-- covariance of the card's fit.  References: the standard errors statsmodels
-- 0.13.5 gives for the fit on data/applicants.csv (recorded in
-- sql/training_scorecard.sql, data/training/statsmodels_reference.py), the
-- inverse of the information X'WX computed here in plain SQL, and hand
-- computations.
SET client_min_messages = warning;
SET extra_float_digits = 0;

-- A worked example: a card with a covariance over (intercept, x's WOE
-- coefficient).  Row x = 1 is in the bin of WOE 0.5: its log-odds are those
-- of score 660 (3 ln 2), the variance of the log-odds is
-- 0.04 + 2 * 0.5 * 0.01 + 0.25 * 0.09 = 0.0725, and the 95% bounds are
-- 1 / (1 + e^(3 ln 2 -+ 1.959963984540054 sqrt(0.0725))).
CREATE TABLE c1 AS SELECT '{"format": "loan_risk.scorecard/1", "scaling": {"pdo": 20, "base_score": 600, "base_odds": 1},
  "base_points": 600, "intercept": -1, "features": [{"name": "x", "type": "numeric", "coefficient": -0.9,
  "bins": [{"upper": 0, "points": -40, "woe": -0.7}, {"upper": null, "points": 60, "woe": 0.5}],
  "missing": {"points": 0, "woe": 0}}],
  "covariance": [[0.04, 0.01], [0.01, 0.09]]}'::loan_risk.scorecard AS card;
SELECT (i).* FROM (SELECT loan_risk.pd_interval(card, t) AS i FROM c1, (SELECT 1.0 AS x) t) s;
SELECT abs(i.pd - 1 / (1 + 2 ^ 3::float8)) < 1e-15 AS pd_by_hand,
       i.pd = loan_risk.pd(c1.card, t) AS pd_is_pd,
       abs(i.pd_lower - 1 / (1 + exp(3 * ln(2) + 1.959963984540054 * sqrt(0.0725)))) < 1e-15 AS lower_by_hand,
       abs(i.pd_upper - 1 / (1 + exp(3 * ln(2) - 1.959963984540054 * sqrt(0.0725)))) < 1e-15 AS upper_by_hand
FROM c1, (SELECT 1.0 AS x) t, LATERAL loan_risk.pd_interval(c1.card, t) i;
-- The missing bin (WOE 0): only the intercept's variance; 90%: z = 1.6448536269514722.
SELECT abs(i.pd_upper - 1 / (1 + exp(0 - 1.6448536269514722 * 0.2))) < 1e-15 AS missing_by_hand,
       i.pd_lower < i.pd AND i.pd < i.pd_upper AS ordered
FROM c1, (SELECT NULL::float8 AS x) t, LATERAL loan_risk.pd_interval(c1.card, t, 0.9) i;
-- A higher confidence gives a wider interval.
SELECT bool_and(a.pd_lower > b.pd_lower AND a.pd_upper < b.pd_upper) AS nested
FROM c1, (VALUES (-1.0), (1.0), (NULL)) t(x),
     LATERAL loan_risk.pd_interval(c1.card, t, 0.8) a, LATERAL loan_risk.pd_interval(c1.card, t, 0.99) b;
-- A calibrated card: the standard error is scaled by the slope, the center is pd().
SELECT abs(i.pd_lower - 1 / (1 + exp(0.5 + 0.5 * 3 * ln(2) + 1.959963984540054 * 0.5 * sqrt(0.0725)))) < 1e-15 AS calibrated_lower,
       i.pd = loan_risk.pd(c, t) AS center
FROM (SELECT jsonb_set(card::jsonb, '{calibration}', '{"method": "platt", "intercept": 0.5, "slope": 0.5}')::text::loan_risk.scorecard AS c
      FROM c1) s, (SELECT 1.0 AS x) t, LATERAL loan_risk.pd_interval(c, t) i;

-- A trained card carries the covariance of its fit: the diagonal is the
-- square of the standard errors, which agree with statsmodels.
CREATE TABLE apps (id int, region text, industry text, months_active int, gmv_90d numeric,
                   refund_share numeric, repeat_payer_share numeric, night_share numeric, bad int);
\copy apps FROM 'data/applicants.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE cards (name text PRIMARY KEY, card loan_risk.scorecard);
INSERT INTO cards SELECT 'smb', loan_risk.train_scorecard('apps', 'bad',
  '{region,industry,months_active,gmv_90d,refund_share,repeat_payer_share,night_share}',
  '{"name": "applicants_reference", "features": {"gmv_90d": {"special_values": [-1]}}}');
SELECT count(*) AS terms,
       bool_and(abs(sqrt((c->'covariance'->(t.ord - 1)->>(t.ord - 1))::float8) - (e.r->>1)::float8) <= 1e-6) AS se_agrees_1e6,
       bool_and(abs((c->'covariance'->(t.ord - 1)->>(t.ord - 1))::float8
                    - (c->'statistics'->'coefficients'->t.k->>'std_error')::float8 ^ 2) <= 1e-15) AS diagonal_is_se2
FROM (SELECT card::jsonb AS c FROM cards WHERE name = 'smb') s,
     LATERAL (SELECT ord::int AS ord, CASE WHEN ord = 1 THEN '(intercept)' ELSE c->'features'->(ord::int - 2)->>'name' END AS k
              FROM generate_series(1, jsonb_array_length(c->'covariance')) ord) t
     JOIN jsonb_each('{"(intercept)": [-1.9264031827879236, 0.025373544148878328],
                  "region": [-1.3021115935460172, 0.10585397492000717],
                  "months_active": [-1.2921873961714632, 0.051122898784936706],
                  "gmv_90d": [-1.190489021431065, 0.02973284365894566],
                  "refund_share": [-1.2781394318429853, 0.05365002759318989],
                  "repeat_payer_share": [-1.2364761738885133, 0.07347368378199354],
                  "night_share": [-1.338745272143725, 0.14416384352323056]}'::jsonb) AS e(k, r) ON e.k = t.k;

-- The whole matrix, on a card of one feature: the inverse of X'WX with
-- X = (1, the row's WOE) and W = pd (1 - pd) at the fit, in plain SQL.
INSERT INTO cards SELECT 'region', loan_risk.train_scorecard('apps', 'bad', '{region}');
WITH x AS (
  SELECT loan_risk.pd(card, a) AS p, d.woe AS w
  FROM cards, apps a, LATERAL loan_risk.score_detail(card, a) d WHERE name = 'region'),
info AS (SELECT sum(p * (1 - p)) AS i00, sum(p * (1 - p) * w) AS i01, sum(p * (1 - p) * w * w) AS i11 FROM x),
ref AS (SELECT i11 / (i00 * i11 - i01 * i01) AS v00, -i01 / (i00 * i11 - i01 * i01) AS v01,
               i00 / (i00 * i11 - i01 * i01) AS v11 FROM info)
SELECT jsonb_array_length(c) AS n,
       abs((c->0->>0)::float8 / v00 - 1) < 1e-6 AS v00_agrees,
       abs((c->0->>1)::float8 / v01 - 1) < 1e-6 AS v01_agrees,
       abs((c->1->>1)::float8 / v11 - 1) < 1e-6 AS v11_agrees,
       c->0->1 = c->1->0 AS symmetric
FROM ref, (SELECT card::jsonb->'covariance' AS c FROM cards WHERE name = 'region') s;

-- On the training rows, the trained card's intervals contain its pd.
SELECT count(*) AS rows, bool_and(i.pd_lower < i.pd AND i.pd < i.pd_upper) AS contain,
       bool_and(i.pd = loan_risk.pd(card, a)) AS center_is_pd
FROM cards, apps a, LATERAL loan_risk.pd_interval(card, a) i WHERE name = 'smb';

-- NULL in, NULL out; errors.
SELECT loan_risk.pd_interval(NULL, t) IS NULL AS null_card, loan_risk.pd_interval(card, t, NULL) IS NULL AS null_confidence
FROM c1, (SELECT 1.0 AS x) t;
SELECT loan_risk.pd_interval(card, t, 0) FROM c1, (SELECT 1.0 AS x) t;
SELECT loan_risk.pd_interval(card, t, 1) FROM c1, (SELECT 1.0 AS x) t;
SELECT loan_risk.pd_interval(card, t, 'NaN') FROM c1, (SELECT 1.0 AS x) t;
SELECT loan_risk.pd_interval((card::jsonb - 'covariance')::text::loan_risk.scorecard, t) FROM c1, (SELECT 1.0 AS x) t;
SELECT loan_risk.pd_interval((card::jsonb #- '{features,0,bins,1,woe}')::text::loan_risk.scorecard, t) FROM c1, (SELECT 1.0 AS x) t;
SELECT loan_risk.pd_interval((card::jsonb - 'scaling')::text::loan_risk.scorecard, t) FROM c1, (SELECT 1.0 AS x) t;
-- A covariance is square over the intercept and the features, finite and symmetric.
SELECT jsonb_set(card::jsonb, '{covariance}', '[[0.04]]')::text::loan_risk.scorecard FROM c1;
SELECT jsonb_set(card::jsonb, '{covariance}', '[[0.04, 0.01], [0.01]]')::text::loan_risk.scorecard FROM c1;
SELECT jsonb_set(card::jsonb, '{covariance}', '[[0.04, 0.01], [0.02, 0.09]]')::text::loan_risk.scorecard FROM c1;
SELECT jsonb_set(card::jsonb, '{covariance}', '[[0.04, 0.01], [0.01, -0.09]]')::text::loan_risk.scorecard FROM c1;
SELECT jsonb_set(card::jsonb, '{covariance}', '[[0.04, "a"], [0.01, 0.09]]')::text::loan_risk.scorecard FROM c1;
SELECT jsonb_set(card::jsonb, '{covariance}', '{"a": 1}')::text::loan_risk.scorecard FROM c1;
-- The text form round-trips.
SELECT card::text::loan_risk.scorecard::text = card::text AS round_trip, card::jsonb->'covariance' AS covariance FROM c1;
