-- Store normalisations: wilson_lower_bound, smoothed_rate, store_features.

-- Wilson lower bound against statsmodels 0.13.5 (Debian 12 python3-statsmodels 0.13.5+dfsg):
-- statsmodels.stats.proportion.proportion_confint(positive, total, alpha=1-confidence, method='wilson')[0],
-- which is 1.4e-17 (rounding) where the bound is 0.
SELECT positive, total, confidence, round(loan_risk.wilson_lower_bound(positive, total, confidence)::numeric, 12) AS ours, reference,
       abs(loan_risk.wilson_lower_bound(positive, total, confidence) - reference) <= 1e-14 * greatest(reference, 1e-3) AS matches
FROM (VALUES (0, 1, 0.95, 0.0), (1, 1, 0.95, 0.20654931437723745), (5, 10, 0.95, 0.236593090512564),
             (9, 10, 0.95, 0.5958499732047615), (95, 100, 0.95, 0.8882495307680808),
             (950, 1000, 0.95, 0.9346861797557492), (4, 5, 0.9, 0.435292553421543), (4, 5, 0.99, 0.2817786702346827),
             (123456, 130000, 0.95, 0.948459662982607), (1, 1000000, 0.5, 5.15654971009877e-07),
             (999999, 1000000, 0.999, 0.9999872510094523), (50, 100, 0.9999999998, 0.23163118493435858),
             (50, 100, 0.000001, 0.49999993733429315), (3, 7, 0.8, 0.22598811161452578),
             (0, 25, 0.95, 0.0), (25, 25, 0.95, 0.8668077490609515)) v(positive, total, confidence, reference);
-- The default confidence is 0.95; no reviews give 0; more reviews at the same rate give a higher bound.
SELECT loan_risk.wilson_lower_bound(9, 10) = loan_risk.wilson_lower_bound(9, 10, 0.95) AS default_95,
       loan_risk.wilson_lower_bound(0, 0) AS no_reviews,
       loan_risk.wilson_lower_bound(9, 10) < loan_risk.wilson_lower_bound(90, 100)
         AND loan_risk.wilson_lower_bound(90, 100) < loan_risk.wilson_lower_bound(900, 1000) AS grows_with_evidence,
       loan_risk.wilson_lower_bound(NULL, 10) IS NULL AS null_is_null;
SELECT loan_risk.wilson_lower_bound(11, 10);
SELECT loan_risk.wilson_lower_bound(-1, 10);
SELECT loan_risk.wilson_lower_bound(0, -1);
SELECT loan_risk.wilson_lower_bound(1, 10, 1);
SELECT loan_risk.wilson_lower_bound(1, 10, 0);
SELECT loan_risk.wilson_lower_bound(1, 10, 'NaN');

-- Smoothed rate: (8 + 0.9 * 10) / (10 + 10) = 0.85 by hand.
SELECT loan_risk.smoothed_rate(8, 10, 0.9, 10) AS smoothed, loan_risk.smoothed_rate(0, 0, 0.9, 10) AS no_data_is_prior,
       loan_risk.smoothed_rate(8, 10, 0.9, 0) AS no_prior_is_raw, loan_risk.smoothed_rate(0, 0, 0.9, 0) IS NULL AS nothing_is_null;
SELECT loan_risk.smoothed_rate(8, 10, 1.5, 10);
SELECT loan_risk.smoothed_rate(8, 10, 0.5, -1);
SELECT loan_risk.smoothed_rate(8, 10, 0.5, 'Infinity');

-- store_features, a worked example (checked by hand in doc/features.md).
SELECT (loan_risk.store_features(45, 50, 1200, 360000.00, 50000.00, '2023-01-15', '2024-06-30')).*;
-- A store younger than a month counts as one month old; NULL inputs give NULL outputs that need them.
SELECT (loan_risk.store_features(0, 0, 10, 500.00, 0, '2024-06-20', '2024-06-30')).*;
SELECT (loan_risk.store_features(NULL, NULL, NULL, NULL, NULL, NULL, NULL)).*;
SELECT (loan_risk.store_features(3, 4, NULL, 1000.00, NULL, '2024-01-01', NULL)).*;
-- Store age in whole months equals PostgreSQL's age(); rates per month use 30.436875 days per month.
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE (s).store_age_months = extract(year FROM age(b, a)) * 12 + extract(month FROM age(b, a))) AS months_equal,
       count(*) FILTER (WHERE (s).store_age_days = b - a) AS days_equal,
       count(*) FILTER (WHERE (s).gmv_per_month = 1000::float8 / greatest((b - a)::float8 / 30.436875, 1)) AS rate_equal
FROM (SELECT a, b, loan_risk.store_features(1, 1, 1, 1000, 1, a, b) AS s
      FROM (SELECT date '2020-01-31' + (hashint4(i) & 1023) AS a, date '2020-01-31' + (hashint4(i) & 1023) + (hashint4(i * 7) & 2047) AS b
            FROM generate_series(1, 2000) i) d) x;
SELECT (loan_risk.store_features(1, 1, 1, 1, 1, '2024-02-29', '2025-02-28')).store_age_months AS leap_day_to_feb_28,
       (loan_risk.store_features(1, 1, 1, 1, 1, '2024-01-31', '2024-02-29')).store_age_months AS jan_31_to_feb_29;
SELECT loan_risk.store_features(1, 2, 3, 4, 5, '2024-07-01', '2024-06-30');
SELECT loan_risk.store_features(3, 2, 3, 4, 5, '2024-01-01', '2024-06-30');
SELECT loan_risk.store_features(1, 2, -3, 4, 5, '2024-01-01', '2024-06-30');
SELECT loan_risk.store_features(1, 2, 3, -4, 5, '2024-01-01', '2024-06-30');
SELECT loan_risk.store_features(1, 2, 3, 4, 'NaN', '2024-01-01', '2024-06-30');
SELECT loan_risk.store_features(1, 2, 3, 4, 5, '-infinity', '2024-06-30');
SELECT loan_risk.store_features(1, 2, 3, 4, 5, '2024-01-01', '2024-06-30', 2);
