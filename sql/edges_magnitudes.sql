-- Magnitudes at the edges of float8: subnormal (5e-324, 2.2e-308), huge
-- (1e308, -1e308), and spans of hundreds of orders of magnitude.  Each float
-- kernel gives the right value (within the tolerance in the query) or an
-- error naming the input and the limit, never a silent wrong number.
CREATE SCHEMA edges_magnitudes;
SET search_path = edges_magnitudes;

-- ---------------------------------------------------------------- robust_stats
-- Approximate mode (the sketch) on values from 1e-300 to 1e300: collapsing
-- the lowest buckets once put the median at 8e208.  Exact median 1 (the
-- 101st of 201 powers of 1000); the sketch is within alpha = 1e-4.
SELECT (s).n, (s).exact, abs((s).median - 1) <= 1e-4 AS median_within_alpha,
       abs((s).mad - 1) <= 1e-4 * (1 + 2) AS mad_within_bound
FROM (SELECT loan_risk.robust_stats(power(10::float8, 3 * g - 300), 10) AS s
      FROM generate_series(0, 200) g) q;
-- The same against the exact figures on a generated spread over 600 orders
-- of magnitude, both signs, with zeros and subnormals.
CREATE TABLE spread AS
SELECT g, CASE WHEN g % 50 = 0 THEN 0
               WHEN g % 53 = 0 THEN 5e-324 * (g % 7)
               ELSE power(10::float8, (hashint4(g)::float8 / 2147483648.0) * 300)
                    * CASE WHEN hashint4(g + 1) % 3 = 0 THEN -1 ELSE 1 END END AS x
FROM generate_series(1, 20001) g;
WITH e AS (SELECT loan_risk.robust_stats(x) AS s FROM spread),
     a AS (SELECT loan_risk.robust_stats(x, 100) AS s FROM spread)
SELECT (e.s).exact AS exact_mode, (a.s).exact AS approximate_mode,
       abs((a.s).median - (e.s).median) <= 1e-4 * abs((e.s).median) AS median_within_alpha,
       abs((a.s).mad - (e.s).mad) <= 1e-4 * ((e.s).mad + 2 * abs((e.s).median)) AS mad_within_bound,
       (e.s).median = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM spread) AS exact_is_percentile_cont
FROM e, a;
-- Differences beyond the float8 range: the median of -1e308 and 1e308 is 0
-- (lo + (hi - lo) / 2 overflowed to Infinity); deviations are taken at half
-- scale; the mean absolute deviation 2e308 / 3 is representable.
SELECT (loan_risk.robust_stats(x)).* FROM unnest(ARRAY[-1e308, 1e308]::float8[]) x;
SELECT (loan_risk.robust_stats(x, 1)).median = 0 AS sketch_median_0 FROM unnest(ARRAY[-1e308, 1e308]::float8[]) x;
SELECT (loan_risk.robust_stats(x)).* FROM unnest(ARRAY[-1e308, 1e308, 1e308]::float8[]) x;
SELECT (loan_risk.robust_stats(x)).* FROM unnest(ARRAY['-Infinity', -1e308, 1e308, 1e308]::float8[]) x;
SELECT (loan_risk.robust_stats(x)).* FROM unnest(ARRAY[5e-324, 5e-324, 1e-323, 2.2e-308]::float8[]) x;
SELECT (loan_risk.robust_stats(x, 1)).median AS sketch_median_subnormal
FROM unnest(ARRAY[5e-324, 5e-324, 1e-323, 2.2e-308]::float8[]) x;

-- robust_z: a difference beyond the float8 range, and subnormal spreads
-- (0.6745 * 5e-324 rounds to 5e-324, which made the z-score 1).
SELECT loan_risk.robust_z(1e308, -1e308, 1e308) AS z_huge, 0.6745 * 2 AS by_hand;
SELECT loan_risk.robust_z(5e-324, 0, 5e-324) AS z_subnormal, loan_risk.robust_z(1e-323, 5e-324, 5e-324) AS z_subnormal_2;
SELECT abs(loan_risk.robust_z(1e308, ROW(3, -1e308, 0, 1e308, true)::loan_risk.robust_summary) - 2 / 1.253314) < 1e-15
       AS z_mean_abs_dev_huge;
SELECT loan_risk.robust_z(1, 0, 5e-324) AS z_beyond_float8, loan_risk.robust_z(-1e308, 1e308, 1) AS z_beyond_float8_neg;

-- ---------------------------------------------------------------- risk_propagation
-- Only the ratios of the weights matter: subnormal weights gave Infinity
-- (x / 5e-324), weights near the float8 maximum 0 (sums overflowed).
CREATE TABLE links (a bigint, b bigint, w float8);
INSERT INTO links VALUES (1, 2, 500), (2, 3, 20), (3, 4, 20), (4, 1, 5), (5, 6, 100), (6, 2, 100), (8, 9, 10), (1, 2, 500);
CREATE TABLE base AS
SELECT node, risk FROM loan_risk.risk_propagation('SELECT a, b, w FROM edges_magnitudes.links',
                                                  'VALUES (1), (5)');
SELECT scale, count(*) AS nodes, max(abs(r.risk - b.risk)) < 1e-15 AS same_risks, bool_and(r.risk <= 1) AS finite
FROM (VALUES (5e-324::float8), (1e-320), (2.2e-308), (1e-300), (1e300), (1.7e305)) s(scale),
     LATERAL loan_risk.risk_propagation(
       format('SELECT a, b, w * %s::float8 FROM edges_magnitudes.links', scale), 'VALUES (1), (5)') r
     JOIN base b USING (node)
GROUP BY scale ORDER BY scale;
-- Directed, and seeds weighted near the float8 maximum (their sum overflowed).
SELECT node, risk FROM loan_risk.risk_propagation('VALUES (0, 1, 1.7976931348623157e308), (0, 2, 5.992310449541053e307)',
                                                  'VALUES (0, 1.7976931348623157e308), (1, 1.7976931348623157e308)',
                                                  iterations => 1, directed => true)
ORDER BY node;
-- by hand: seeds 1/2 and 1/2; one step 0.85 * (0, 3/8, 1/8) + dangling 0.85 * 1/2 * p + 0.15 p
SELECT 0.5 * 0.85 * 0.5 + 0.15 * 0.5 AS node_0, 0.85 * 0.375 + 0.5 * 0.85 * 0.5 + 0.15 * 0.5 AS node_1,
       0.85 * 0.125 AS node_2;

-- ---------------------------------------------------------------- chi2_sf
-- Against SciPy 1.10.1 scipy.stats.chi2.sf(x, df) (Debian python3-scipy
-- 1.10.1-2), relative error below 1e-13.  At large df the series used to
-- drift (1e10 gave 0.5786, 1e20 NaN) and extreme arguments gave NaN.
SELECT x, df, loan_risk.chi2_sf(x, df) AS ours, abs(loan_risk.chi2_sf(x, df) - ref) <= 1e-13 * ref AS matches_scipy
FROM (VALUES (100000.0::float8, 100000.0::float8, 0.4994052918952067::float8),
             (100000000.0, 100000000.0, 0.49998119368054633), (10000000000.0, 10000000000.0, 0.4999981193680548),
             (1000000000000.0, 1000000000000.0, 0.4999998119368055), (1e15, 1e15, 0.4999999940529196),
             (1e20, 1e20, 0.49999999998119365), (1e100, 1e100, 0.5), (1e300, 1e300, 0.5), (1e308, 1e308, 0.5),
             (1.7976931348623157e308, 1.7976931348623157e308, 0.5),
             (9999500000.0, 10000000000.0, 0.9997965657390326), (10000500000.000002, 10000000000.0, 0.0002035177618524711),
             (1000005000000.0, 1000000000000.0, 0.00020348018379418023), (1000000.0, 1000000.0, 0.4998119368033945),
             (2.2e-308, 2.2e-308, 7.793760510772063e-306), (1e-300, 1e-300, 3.4544572970693606e-298),
             (1e-10, 1e-10, 1.157089121615072e-09), (100, 1e-10, 1.8916320152016352e-34),
             (700, 1, 2.990226975124623e-154), (200, 50, 7.857610724654791e-20)) v(x, df, ref);
-- As df -> 0, Q(df / 2, x / 2) -> (df / 2) E1(x / 2).  SciPy 1.10.1 is off in
-- the 14th digit here (2.7988679738807262e-301); by hand with
-- scipy.special.exp1(0.5) = 0.5597735947761608, exp1(0.25) = 1.0442826344437384.
SELECT abs(loan_risk.chi2_sf(1, 1e-300) - 5e-301 * 0.5597735947761608) <= 1e-15 * 5e-301 * 0.5597735947761608 AS tiny_df,
       abs(loan_risk.chi2_sf(0.5, 1e-100) - 5e-101 * 1.0442826344437384) <= 1e-15 * 5e-101 * 1.0442826344437384 AS tiny_df_2;
-- Subnormal arguments, where x / 2 or df / 2 itself rounds (SciPy returns 1
-- and 0): Q = -(df / 2) (ln(x / 2) + gamma) for tiny x, (df / 2) E1(x / 2) for tiny df.
SELECT loan_risk.chi2_sf(5e-324, 2.2e-308) AS subnormal_x,
       abs(loan_risk.chi2_sf(5e-324, 2.2e-308) - 1.1e-308 * (-(ln(5e-324::float8) - ln(2::float8)) - 0.5772156649015329))
         <= 1e-13 * loan_risk.chi2_sf(5e-324, 2.2e-308) AS subnormal_x_by_hand,
       loan_risk.chi2_sf(5e-324, 1e-300) AS subnormal_x_2,
       loan_risk.chi2_sf(1e-300, 5e-324) AS subnormal_df, loan_risk.chi2_sf(1, 5e-324) AS subnormal_df_2;
-- Never NaN or -Infinity, always in [0, 1], over a grid of the float8 range.
WITH v(d) AS (VALUES (5e-324::float8), (2.2e-308), (1e-300), (1e-100), (1e-10), (0.5), (1), (2), (3), (10), (49.99),
                     (50), (100), (1e4), (1e6), (1e10), (1e15), (1e20), (1e100), (1e300), (1e308), (1.7976931348623157e308))
SELECT count(*) AS pairs, count(*) FILTER (WHERE NOT (p >= 0 AND p <= 1)) AS outside_0_1
FROM (SELECT loan_risk.chi2_sf(x.d, df.d) AS p FROM v x, v df) q;

-- ---------------------------------------------------------------- wilson_lower_bound
-- A confidence of 0.9999999999999999 gave NaN (1 - (1 - c) / 2 rounds to 1).
-- Reference: the Wilson formula in 50-digit decimals with
-- z = scipy.stats.norm.isf((1 - c) / 2) (SciPy 1.10.1).
SELECT positive, total, confidence, loan_risk.wilson_lower_bound(positive, total, confidence) AS ours,
       abs(loan_risk.wilson_lower_bound(positive, total, confidence) - ref) <= 1e-15 * ref AS matches
FROM (VALUES (1::bigint, 10::bigint, 0.9999999999999999::float8, 0.0014153926814146351::float8),
             (10, 10, 0.9999999999999999, 0.12696276142998758), (1, 2, 0.9999999999999999, 0.007116458287148809),
             (9, 10, 0.95, 0.5958499732047615), (1, 9223372036854775807, 0.95, 1.913883059577296e-20),
             (1, 1000000000000, 0.5, 5.156548860385093e-13), (3, 7, 0.999999, 0.04505813803407282)) v(positive, total, confidence, ref);
SELECT loan_risk.wilson_lower_bound(5, 10, 5e-324) AS tiny_confidence, loan_risk.wilson_lower_bound(0, 10, 0.9999999999999999) AS none,
       loan_risk.wilson_lower_bound(9223372036854775806, 9223372036854775807, 0.95) AS almost_all;

-- ---------------------------------------------------------------- credit_limit
-- A debt-service rate of 1e-18 gave a limit above the zero-rate one
-- (12000000000000000.11 > 12000000000000000.00).  Reference: floor, in
-- cents, of revenue x share x (1 - (1 + r/12)^-n) / (r/12) in exact rational
-- arithmetic (Python fractions).
SELECT t, r, (loan_risk.credit_limit(0.01, 10000000000000, 0, jsonb_build_object(
          'bands', '[{"max_pd": 1, "revenue_multiple": 1000}]'::jsonb,
          'debt_service', jsonb_build_object('max_share', 1, 'annual_rate', r, 'term_months', t)))).debt_service_limit
FROM unnest(ARRAY[0, 1e-18, 1e-17, 1e-15, 1e-12, 1e-9, 100]::numeric[]) r, unnest(ARRAY[1, 12, 1200]) t
ORDER BY t, r;
-- reference values, in cents
SELECT * FROM (VALUES (1, '0', 1000000000000000), (1, '1e-18', 999999999999999), (1, '1e-9', 999999999916666),
                      (1, '100', 107142857142857), (12, '1e-15', 11999999999999993), (12, '100', 119999999999725),
                      (1200, '0', 1200000000000000000), (1200, '1e-18', 1199999999999999939),
                      (1200, '1e-17', 1199999999999999399), (1200, '1e-15', 1199999999999939950),
                      (1200, '1e-9', 1199999939950002005), (1200, '100', 119999999999999)) v(t, r, cents);

-- ---------------------------------------------------------------- fits
-- logistic_fit on a finite feature value of 1e300 reported an invalid
-- internal state; now it names the feature and the limit.  (Notices of
-- the passes carry timings: warnings and errors only.)
SET client_min_messages = warning;
CREATE TABLE lf AS
SELECT g, g % 3 = 0 AS bad, (g % 7)::float8 AS f1,
       CASE WHEN g = 5 THEN 1e300 ELSE g::float8 END AS f2,
       CASE WHEN g = 7 THEN 1e51 ELSE 1 END::float8 AS w,
       CASE WHEN g = 9 THEN -1e101 ELSE 0 END::float8 AS o
FROM generate_series(1, 100) g;
SELECT loan_risk.logistic_fit('SELECT * FROM edges_magnitudes.lf', 'bad', '{f1,f2}');
SELECT loan_risk.logistic_fit('SELECT * FROM edges_magnitudes.lf', 'bad', '{f1}', '{"weight": "w"}');
SELECT loan_risk.logistic_fit('SELECT * FROM edges_magnitudes.lf', 'bad', '{f1}', '{"offset": "o"}');
-- At the limits themselves the fit runs.
SELECT (loan_risk.logistic_fit('SELECT bad, CASE WHEN g = 5 THEN 1e100 ELSE f1 END AS f1, 1e50::float8 AS w FROM edges_magnitudes.lf',
                               'bad', '{f1}', '{"weight": "w"}') -> 'rows')::int AS rows_at_the_limits;
RESET client_min_messages;
-- The step aggregate called directly: a linear predictor beyond 1e200 is an
-- error naming it (coefficients times features would overflow the sums).
SELECT loan_risk.logit_step_partial('{0,1e200,0}'::float8[], bad, 1::float8, 0::float8, ARRAY[f1, f1]::float8[]) FROM lf;
SELECT loan_risk.logit_step_partial('{0,1e308,0}'::float8[], bad, 1::float8, 0::float8, ARRAY[f1, -f1]::float8[]) FROM lf;
SELECT loan_risk.logit_step_info(loan_risk.logit_step_partial('{0,0,0}'::float8[], bad, w, o, ARRAY[f1, f2]::float8[])) -> 'invalid'
  AS invalid_per_column FROM lf;
-- woe_step_partial codes by a card's WOE: one beyond 1e100 is an error naming the feature.
SELECT loan_risk.woe_step_partial(
  '{"format": "loan_risk.scorecard/1", "base_points": 0, "features": [{"name": "f1", "type": "numeric",
    "bins": [{"upper": 3, "points": 0, "woe": 1e300}, {"upper": null, "points": 0, "woe": 0}], "missing": {"points": 0, "woe": 0}}]}',
  '{0,0}'::float8[], bad, ARRAY[f1]::float8[], NULL::text[]) FROM lf;
-- The same card again in the session: refused again, not taken for compiled
-- (the step's call data outlives a failed query); so is a card without a WOE.
SELECT loan_risk.woe_step_partial(
  '{"format": "loan_risk.scorecard/1", "base_points": 0, "features": [{"name": "f1", "type": "numeric",
    "bins": [{"upper": 3, "points": 0, "woe": 1e300}, {"upper": null, "points": 0, "woe": 0}], "missing": {"points": 0, "woe": 0}}]}',
  '{0,0}'::float8[], bad, ARRAY[f1]::float8[], NULL::text[]) FROM lf;
SELECT loan_risk.woe_step_partial('{"format": "loan_risk.scorecard/1", "base_points": 0, "features": [{"name": "f1",
  "type": "numeric", "bins": [{"upper": 3, "points": 0}, {"upper": null, "points": 0}], "missing": {"points": 0}}]}',
  '{0,0}'::float8[], bad, ARRAY[f1]::float8[], NULL::text[]) FROM lf;
SELECT loan_risk.woe_step_partial('{"format": "loan_risk.scorecard/1", "base_points": 0, "features": [{"name": "f1",
  "type": "numeric", "bins": [{"upper": 3, "points": 0}, {"upper": null, "points": 0}], "missing": {"points": 0}}]}',
  '{0,0}'::float8[], bad, ARRAY[f1]::float8[], NULL::text[]) FROM lf;

-- ---------------------------------------------------------------- rates of return
-- A root beyond the searched range was "no internal rate of return": a
-- rate within 2e-22 of -100% is -1 in every digit shown, one beyond 10^300%
-- is too large to represent.
SELECT loan_risk.apr(a, d) FROM (VALUES (-10000000000000::numeric, '2000-01-01'::date), (0.01, '2000-01-02')) v(a, d);
SELECT loan_risk.apr(a, d) FROM (VALUES (-0.01::numeric, '2000-01-01'::date), (10000000000000, '2000-01-02')) v(a, d);
SELECT * FROM loan_risk.schedule_apr(10000000000000, ARRAY[0.01]::numeric[], 1);

-- ---------------------------------------------------------------- money beyond int64
-- match_products' total cost of 10^13 at 10000% over 1200 months is about
-- 10^17: its cents wrapped int64 to -84467440737095520.16.  It equals the
-- schedule's total interest.
CREATE TABLE products (product_id text, bank text, product_type text, min_amount numeric, max_amount numeric,
                       min_term int, max_term int, rate numeric, min_rate numeric, max_rate numeric,
                       repayment_method text, rules jsonb, approval_model loan_risk.scorecard);
INSERT INTO products VALUES ('A', 'b', 't', 0.01, 10000000000000, 1, 1200, 100, NULL, NULL, NULL, '[]',
  '{"format": "loan_risk.scorecard/1", "base_points": 600, "scaling": {"pdo": 20, "base_score": 600, "base_odds": 1},
    "features": []}');
SELECT m.total_cost, m.monthly_payment,
       m.total_cost = (SELECT sum(interest_part)
                       FROM loan_risk.repayment_schedule(10000000000000, 100, 1200, 'equal_installment', '2000-01-01'))
         AS equals_schedule
FROM (VALUES (1)) a(x),
     LATERAL loan_risk.match_products(a, 'edges_magnitudes.products', min_probability => 0,
                                      requested_amount => 10000000000000, requested_term => 1200) m;

-- ---------------------------------------------------------------- messages name the value
SELECT loan_risk.merchant_features(now(), 1e300::float8, 1::bigint);
SELECT loan_risk.store_features(1, 2, 3, 1e300, 1, '2020-01-01', '2024-01-01');
SELECT loan_risk.price_loan(0.1, 0.5, 12, '{"cost_of_funds": 1e300, "acquisition_cost": 0, "credit_data_cost": 0,
                                            "operating_cost": 0, "management_cost": 0, "target_margin": 0}');

-- ---------------------------------------------------------------- validation_report
-- A score column from -1.53e308 to 1.36e308 (or over subnormals): the
-- histogram's bands span the scores (equal widths, no overflow), and the
-- chart draws every bar inside the plot (x from 56 to 462) with the scores'
-- own axis (it fell back to 0..1 and piled the bars on the edges).
CREATE TABLE rd AS
SELECT g, g % 3 = 0 AS bad, (g % 9 + 1) / 10.0::float8 AS pd,
       (CASE WHEN g % 2 = 0 THEN 1.7e308 ELSE -1.7e308 END) * ((g % 10) / 10.0) AS huge,
       5e-324 * (g % 5) AS tiny
FROM generate_series(1, 200) g;
SELECT col, min(lo) AS first_band_from, max(hi) AS last_band_to, count(*) AS bands,
       sum(goods + bads) AS rows_in_bands, bool_and(lo < hi) AS bands_ordered,
       (SELECT bool_and(x[1]::float8 BETWEEN 56 AND 462)
        FROM regexp_matches(dist, '<rect class="b-(?:bad|good)" x="([^"]*)"', 'g') m(x)) AS bars_inside,
       dist !~* 'nan|inf' AS all_finite
FROM (SELECT col, substring(r FROM 'id="distribution".*?</section>') AS dist
      FROM unnest(ARRAY['huge', 'tiny']) col,
           LATERAL loan_risk.validation_report(
             '{"format": "loan_risk.scorecard/1", "base_points": 600, "features": []}',
             'SELECT * FROM edges_magnitudes.rd', jsonb_build_object('score', col, 'pd', 'pd')) r) q,
     LATERAL (SELECT m[1]::float8 AS lo, m[2]::float8 AS hi, m[3]::int AS goods, m[4]::int AS bads
              FROM regexp_matches(dist, '<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>', 'g') m) b
GROUP BY col, dist ORDER BY col;
