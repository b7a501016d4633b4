-- train_scorecard's calibration ("calibration": {"method": "platt"}):
-- cross-fitted Platt scaling recorded in the card, applied by pd().  The
-- setting is deliberately miscalibrated: 800 training rows, a fine binning
-- of eight features of which six are noise, so the fitted card is
-- overconfident; 20,000 held-out rows from the same world judge the
-- reliability of its PD.
SET client_min_messages = warning;
SET extra_float_digits = 0;

-- The world: logit P(bad) = -1.2 + 1.1 x1 - 0.9 x2 (x uniform on [-1, 1]).
CREATE TABLE world AS
SELECT i, x1, x2, n1, n2, n3, n4, n5, n6,
       (((hashint4(i * 16 + 9) & 2147483647)::float8 / 2147483648.0)
         < 1 / (1 + exp(-(-1.2 + 1.1 * x1 - 0.9 * x2))))::int AS bad
FROM (SELECT i,
             ((hashint4(i * 16 + 1) & 2147483647)::float8 / 1073741824.0) - 1 AS x1,
             ((hashint4(i * 16 + 2) & 2147483647)::float8 / 1073741824.0) - 1 AS x2,
             ((hashint4(i * 16 + 3) & 2147483647)::float8 / 1073741824.0) - 1 AS n1,
             ((hashint4(i * 16 + 4) & 2147483647)::float8 / 1073741824.0) - 1 AS n2,
             ((hashint4(i * 16 + 5) & 2147483647)::float8 / 1073741824.0) - 1 AS n3,
             ((hashint4(i * 16 + 6) & 2147483647)::float8 / 1073741824.0) - 1 AS n4,
             ((hashint4(i * 16 + 7) & 2147483647)::float8 / 1073741824.0) - 1 AS n5,
             ((hashint4(i * 16 + 8) & 2147483647)::float8 / 1073741824.0) - 1 AS n6
      FROM generate_series(1, 20800) i) s;
CREATE TABLE train AS SELECT * FROM world WHERE i <= 800;
CREATE TABLE holdout AS SELECT * FROM world WHERE i > 800;

CREATE TABLE cards (name text PRIMARY KEY, card loan_risk.scorecard);
INSERT INTO cards
SELECT m, loan_risk.train_scorecard('train', 'bad', '{x1,x2,n1,n2,n3,n4,n5,n6}',
  jsonb_build_object('binning', '{"max_bins": 8, "min_bin_share": 0.02, "trend": "none"}'::jsonb,
                     'selection', '{"min_iv": 0, "max_correlation": 1}'::jsonb,
                     'calibration', jsonb_build_object('method', m)))
FROM unnest('{none,platt}'::text[]) m;

-- What the calibrated card records: the calibration (a positive slope, here
-- a shrinkage of the overconfident log-odds) and how it was fitted.
SELECT name, card::jsonb->'calibration'->>'method' AS method,
       (card::jsonb->'calibration'->>'slope')::float8 BETWEEN 0.05 AND 0.5 AS shrinks,
       (SELECT jsonb_agg(k ORDER BY k) FROM jsonb_object_keys(card::jsonb->'training'->'calibration') k) AS recorded,
       card::jsonb->'training'->'calibration'->'folds' AS folds,
       card::jsonb->'training'->'calibration'->'rows' AS oof_rows,
       card::jsonb->'training'->'options'->'calibration' AS option
FROM cards ORDER BY name;

-- The points are the same: calibration changes the probability only.
SELECT (SELECT card::jsonb->'features' FROM cards WHERE name = 'none')
     = (SELECT card::jsonb->'features' FROM cards WHERE name = 'platt') AS same_points,
       (SELECT count(*) FROM holdout h, cards a, cards b
        WHERE a.name = 'none' AND b.name = 'platt'
          AND loan_risk.score(a.card, h) IS DISTINCT FROM loan_risk.score(b.card, h)) AS score_differs;

-- Reliability on the held-out rows (10 groups): Hosmer-Lemeshow statistic,
-- the largest gap between a group's mean PD and its bad rate, and the
-- log-loss.  Calibrated: at least as good on each, by the margins in the
-- query.
CREATE TABLE rel AS
SELECT c.name,
       (loan_risk.hosmer_lemeshow(loan_risk.pd(c.card, h), h.bad, 10)).statistic AS hl,
       avg(-(h.bad * ln(loan_risk.pd(c.card, h)) + (1 - h.bad) * ln(1 - loan_risk.pd(c.card, h)))) AS log_loss
FROM holdout h, cards c GROUP BY c.name;
CREATE TABLE gap AS
SELECT c.name, max(abs(g.mean_pd - g.observed_rate)) AS max_gap
FROM cards c,
     LATERAL (SELECT unnest(loan_risk.calibration_table(loan_risk.pd(c.card, h), h.bad, 10)) AS r FROM holdout h) t,
     LATERAL (SELECT (t.r).*) g
GROUP BY c.name;
SELECT p.hl < u.hl AS hl_better, p.hl < 0.5 * u.hl AS hl_halved,
       pg.max_gap <= ug.max_gap AS gap_not_worse, p.log_loss < u.log_loss AS log_loss_better,
       u.hl > 30 AS uncalibrated_is_miscalibrated
FROM rel u, rel p, gap ug, gap pg
WHERE u.name = 'none' AND p.name = 'platt' AND ug.name = 'none' AND pg.name = 'platt';
SELECT name, round(hl::numeric, 1) AS hl, round(log_loss::numeric, 4) AS log_loss FROM rel ORDER BY name;

-- pd() of the calibrated card, as plain SQL: 1 / (1 + e^(a + b l)), l the
-- scaling's log-odds of the score; of the uncalibrated card, the scaling's
-- formula exactly as before.
SELECT bool_and(abs(loan_risk.pd(p.card, h)
                    - 1 / (1 + exp((p.card::jsonb->'calibration'->>'intercept')::float8
                                   + (p.card::jsonb->'calibration'->>'slope')::float8
                                     * (ln(50) + (loan_risk.score(p.card, h) - 600) / 20 * ln(2))))) < 1e-12) AS platt_as_sql,
       bool_and(loan_risk.pd(u.card, h) = loan_risk.pd_from_score(u.card, loan_risk.score(u.card, h))) AS pd_from_score_agrees,
       bool_and(loan_risk.pd(p.card, h) = loan_risk.pd_from_score(p.card, loan_risk.score(p.card, h))) AS pd_from_score_calibrated,
       bool_and(abs(loan_risk.pd(u.card, h) - 1 / (1 + 50 * 2 ^ ((loan_risk.score(u.card, h) - 600) / 20))) < 1e-12) AS uncalibrated_formula
FROM holdout h, cards u, cards p WHERE u.name = 'none' AND p.name = 'platt' AND h.i <= 3000;

-- Cards of the old format (no calibration, no covariance) parse and score
-- as before; "method": "none" is the same as no calibration.
CREATE TABLE old_card AS SELECT '{"format": "loan_risk.scorecard/1", "scaling": {"pdo": 20, "base_score": 600, "base_odds": 1},
  "base_points": 600, "features": [{"name": "x1", "type": "numeric",
  "bins": [{"upper": 0, "points": -40}, {"upper": null, "points": 60}], "missing": {"points": 0}}]}'::loan_risk.scorecard AS card;
SELECT card::text = replace(card::text, 'calibration', '') AS no_calibration_written,
       abs(loan_risk.pd(card, t) - 1 / (1 + 2 ^ 3::float8)) < 1e-15 AS scores_as_before,
       loan_risk.pd_from_score(card, 660) = loan_risk.pd(card, t) AS same_as_pd,
       (jsonb_set(card::jsonb, '{calibration}', '{"method": "none"}')::text::loan_risk.scorecard)::text = card::text AS none_is_absent
FROM old_card, (SELECT 0.5 AS x1) t;
-- A hand computation: score 660 has log-odds 3 ln 2; with intercept 0.5 and
-- slope 0.5 the pd is 1 / (1 + e^(0.5 + 1.5 ln 2)) = 1 / (1 + e^0.5 2^1.5).
SELECT t.x1, loan_risk.pd(c, t) AS pd,
       abs(loan_risk.pd(c, t) - CASE WHEN t.x1 > 0 THEN 1 / (1 + exp(0.5) * 2 ^ 1.5) ELSE 1 / (1 + exp(0.5) * 2 ^ -1) END) < 1e-15 AS by_hand
FROM (SELECT jsonb_set(card::jsonb, '{calibration}', '{"method": "platt", "intercept": 0.5, "slope": 0.5}')::text::loan_risk.scorecard AS c
      FROM old_card) s,
     (VALUES (-1.0), (1.0)) t(x1) ORDER BY t.x1;

-- The calibration must be a monotone map of a card with scaling.
SELECT jsonb_set(card::jsonb, '{calibration}', '{"method": "platt", "intercept": 0, "slope": 0}')::text::loan_risk.scorecard FROM old_card;
SELECT jsonb_set(card::jsonb, '{calibration}', '{"method": "platt", "intercept": 0, "slope": -1}')::text::loan_risk.scorecard FROM old_card;
SELECT jsonb_set(card::jsonb, '{calibration}', '{"method": "platt", "slope": 1}')::text::loan_risk.scorecard FROM old_card;
SELECT jsonb_set(card::jsonb, '{calibration}', '{"method": "isotonic"}')::text::loan_risk.scorecard FROM old_card;
SELECT jsonb_set(card::jsonb, '{calibration}', '{"method": "platt", "intercept": 0, "slope": 1, "x": 1}')::text::loan_risk.scorecard FROM old_card;
SELECT jsonb_set(card::jsonb - 'scaling', '{calibration}', '{"method": "platt", "intercept": 0, "slope": 1}')::text::loan_risk.scorecard FROM old_card;

-- Options.
SELECT loan_risk.train_scorecard('train', 'bad', '{x1}', '{"calibration": {"method": "isotonic"}}');
SELECT loan_risk.train_scorecard('train', 'bad', '{x1}', '{"calibration": {"folds": 1}}');
SELECT loan_risk.train_scorecard('train', 'bad', '{x1}', '{"calibration": {"method": "platt", "k": 3}}');

-- Everything that turns a card's score into a probability applies the
-- calibration: matching's approval probability is 1 - pd() to the bit, and
-- a decision strategy's pd is pd().
CREATE TABLE cal_products AS
SELECT 'P1' AS product_id, 'Bank' AS bank, 'owner_loan' AS product_type, 1000 AS min_amount, 50000 AS max_amount,
       6 AS min_term, 36 AS max_term, 0.1 AS rate, NULL::numeric AS min_rate, NULL::numeric AS max_rate,
       '[]'::jsonb AS rules, card AS approval_model
FROM cards WHERE name = 'platt';
SELECT count(*) AS offers,
       bool_and(m.approval_probability = 1 - loan_risk.pd(c.card, h)) AS approval_is_1_minus_pd,
       bool_and(m.approval_probability <> 1 - loan_risk.pd(u.card, h)) AS not_the_uncalibrated
FROM holdout h, cards c, cards u,
     LATERAL loan_risk.match_products(h, 'cal_products', min_probability => 0) m
WHERE c.name = 'platt' AND u.name = 'none' AND h.i <= 1000;
SELECT count(*) AS decisions, bool_and(d.pd = loan_risk.pd(c.card, h)) AS decide_pd_is_pd
FROM holdout h, cards c,
     LATERAL loan_risk.decide(jsonb_build_object('format', 'loan_risk.strategy/1', 'name', 's', 'version', '1',
               'key', 'i', 'stages', jsonb_build_object('score', jsonb_build_object('arms',
                 jsonb_build_array(jsonb_build_object('name', 'champion', 'approve_at', 600, 'decline_below', 560,
                                                      'card', c.card::jsonb)))))::text::loan_risk.strategy, h) d
WHERE c.name = 'platt' AND h.i <= 1000;
