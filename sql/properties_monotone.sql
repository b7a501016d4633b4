-- Monotone where it must be, and sums that must add up, on deterministic
-- generated inputs across the supported ranges.
CREATE SCHEMA properties_monotone;
SET search_path = properties_monotone;

-- ---------------------------------------------------------------- credit_limit
-- Non-decreasing in monthly revenue, non-increasing in pd and in existing
-- debt (bands with falling multiples), with and without a debt-service
-- constraint, the balance form, and rates down to 1e-18.
CREATE TABLE policies (name text PRIMARY KEY, policy jsonb);
INSERT INTO policies VALUES
('standard', '{"bands": [{"max_pd": 0.02, "revenue_multiple": 3}, {"max_pd": 0.05, "revenue_multiple": 2},
                         {"max_pd": 0.10, "revenue_multiple": 1}],
               "debt_service": {"max_share": 0.3, "annual_rate": 0.24, "term_months": 12},
               "min_limit": 1000, "max_limit": 10000000, "rounding_step": 500}'),
('balance', '{"bands": [{"max_pd": 1, "revenue_multiple": 1000}],
              "debt_service": {"max_share": 1, "annual_rate": 0.000000000000000001, "term_months": 1200,
                               "existing_debt": "balance"}}'),
('tiny rate', '{"bands": [{"max_pd": 0.5, "revenue_multiple": 1000}, {"max_pd": 1, "revenue_multiple": 10}],
                "debt_service": {"max_share": 1, "annual_rate": 0.000000000000000001, "term_months": 1200}}');
CREATE TABLE grid AS
SELECT p.name, rev, pd, debt, (loan_risk.credit_limit(pd, rev, debt, p.policy)).limit_amount AS lim
FROM policies p,
     unnest(ARRAY[0, 0.01, 1, 999.99, 1000, 12345.67, 1e6, 123456789.01, 1e13]::numeric[]) rev,
     unnest(ARRAY[0, 5e-324, 0.01, 0.02, 0.0200000000000001, 0.05, 0.099, 0.1, 0.5, 1]::float8[]) pd,
     unnest(ARRAY[0, 0.01, 100, 1e6, 1e13]::numeric[]) debt;
SELECT name, count(*) AS cases,
       count(*) FILTER (WHERE lim < prev_rev) AS falls_with_revenue,
       count(*) FILTER (WHERE lim > prev_pd) AS rises_with_pd,
       count(*) FILTER (WHERE lim > prev_debt) AS rises_with_debt
FROM (SELECT name, lim,
             lag(lim) OVER (PARTITION BY name, pd, debt ORDER BY rev) AS prev_rev,
             lag(lim) OVER (PARTITION BY name, rev, debt ORDER BY pd) AS prev_pd,
             lag(lim) OVER (PARTITION BY name, rev, pd ORDER BY debt) AS prev_debt
      FROM grid) q
GROUP BY name ORDER BY name;
-- The debt-service limit falls as the rate rises, from 0 through 1e-18 to
-- 10000%, and never exceeds the zero-rate limit.
SELECT t, count(*) AS rates, count(*) FILTER (WHERE ds > prev) AS rises_with_rate,
       bool_and(ds <= zero) AS never_above_zero_rate
FROM (SELECT t, r, ds, lag(ds) OVER (PARTITION BY t ORDER BY r) AS prev,
             first_value(ds) OVER (PARTITION BY t ORDER BY r) AS zero
      FROM unnest(ARRAY[1, 2, 12, 60, 360, 1199, 1200]) t,
           unnest(ARRAY[0, 1e-18, 2e-18, 1e-17, 1e-16, 1e-15, 1e-12, 1e-9, 1e-6, 0.001, 0.24, 1, 10, 99.99, 100]::numeric[]) r,
           LATERAL (SELECT (loan_risk.credit_limit(0.01, 10000000000000, 0, jsonb_build_object(
                     'bands', '[{"max_pd": 1, "revenue_multiple": 1000}]'::jsonb,
                     'debt_service', jsonb_build_object('max_share', 1, 'annual_rate', r, 'term_months', t)))).debt_service_limit AS ds) d) q
GROUP BY t ORDER BY t;

-- ---------------------------------------------------------------- price_loan
-- The rate is non-decreasing in pd and in lgd; once declined, declined above.
CREATE TABLE prices AS
SELECT pd, lgd, term, (loan_risk.price_loan(pd, lgd, term, '{"cost_of_funds": 0.05, "acquisition_cost": 0.012,
         "credit_data_cost": 0.003, "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04,
         "apr_cap": 0.36, "rate_step": 0.0025}')).*
FROM unnest(ARRAY[0, 5e-324, 1e-300, 1e-10, 0.001, 0.01, 0.0100000001, 0.05, 0.1, 0.2, 0.3, 0.5, 0.9, 1]::float8[]) pd,
     unnest(ARRAY[0, 1e-300, 0.1, 0.45, 1]::float8[]) lgd, unnest(ARRAY[1, 12, 1200]) term;
SELECT count(*) AS cases,
       count(*) FILTER (WHERE required_rate < prev_pd_rate) AS falls_with_pd,
       count(*) FILTER (WHERE required_rate < prev_lgd_rate) AS falls_with_lgd,
       count(*) FILTER (WHERE approved AND NOT prev_pd_approved) AS approved_after_declined
FROM (SELECT required_rate, approved,
             lag(required_rate) OVER (PARTITION BY lgd, term ORDER BY pd) AS prev_pd_rate,
             lag(approved) OVER (PARTITION BY lgd, term ORDER BY pd) AS prev_pd_approved,
             lag(required_rate) OVER (PARTITION BY pd, term ORDER BY lgd) AS prev_lgd_rate
      FROM prices) q;

-- ---------------------------------------------------------------- schedules
-- Principal parts sum to the principal, payments are principal plus
-- interest, balances fall to 0; the equal installment falls with the term
-- and rises with the rate.
CREATE TABLE scheds AS
SELECT p, r, t, m, s.*
FROM unnest(ARRAY[0.01, 1, 1000, 123456.78, 10000000000000]::numeric[]) p,
     unnest(ARRAY[0, 0.000000000000000001, 0.01, 0.18, 1, 100]::numeric[]) r,
     unnest(ARRAY[1, 2, 12, 59, 1200]) t,
     unnest(ARRAY['equal_installment', 'equal_principal', 'interest_only', 'flat']) m,
     LATERAL loan_risk.repayment_schedule(p, r, t, m, '2000-01-31') s
-- flat interest is limited to 10^16 (10^13 at 10000% over 100 years is beyond)
WHERE m <> 'flat' OR p * r * t / 12 <= 1e16;
SELECT m, count(DISTINCT (p, r, t)) AS schedules,
       count(*) FILTER (WHERE payment <> principal_part + interest_part) AS payment_not_parts,
       count(*) FILTER (WHERE principal_part < 0 OR interest_part < 0) AS negative_parts
FROM scheds GROUP BY m ORDER BY m;
SELECT m, count(*) AS schedules,
       count(*) FILTER (WHERE sum_principal <> p) AS principal_not_repaid,
       count(*) FILTER (WHERE last_balance <> 0) AS balance_left,
       count(*) FILTER (WHERE NOT balances_fall) AS balance_rises
FROM (SELECT m, p, r, t, sum(principal_part) AS sum_principal,
             min(balance) FILTER (WHERE period = t) AS last_balance,
             bool_and(balance <= coalesce(prev_balance, p)) AS balances_fall
      FROM (SELECT *, lag(balance) OVER (PARTITION BY m, p, r, t ORDER BY period) AS prev_balance FROM scheds) s
      GROUP BY m, p, r, t) q
GROUP BY m ORDER BY m;
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE pay > prev_t) AS rises_with_term,
       count(*) FILTER (WHERE pay < prev_r) AS falls_with_rate
FROM (SELECT payment AS pay,
             lag(payment) OVER (PARTITION BY p, r ORDER BY t) AS prev_t,
             lag(payment) OVER (PARTITION BY p, t ORDER BY r) AS prev_r
      FROM scheds WHERE m = 'equal_installment' AND period = 1 AND p >= 1000) q;

-- ---------------------------------------------------------------- daily_interest
-- Non-decreasing in the rate and in the number of days.
SELECT count(*) AS cases, count(*) FILTER (WHERE i < lag_rate) AS falls_with_rate,
       count(*) FILTER (WHERE i < lag_days) AS falls_with_days
FROM (SELECT i, lag(i) OVER (PARTITION BY d ORDER BY r) AS lag_rate, lag(i) OVER (PARTITION BY r ORDER BY d) AS lag_days
      FROM unnest(ARRAY[0, 0.000000000000000001, 0.0001, 0.01, 1]::numeric[]) r,
           unnest(ARRAY['4713-11-25 BC', '0001-01-01', '2000-01-02', '2100-01-01', '5874897-12-31']::date[]) d,
           LATERAL (SELECT loan_risk.daily_interest(a, on_date, r, d) AS i
                    FROM (VALUES (1000.00::numeric, '4713-11-24 BC'::date)) v(a, on_date)) x) q;

-- ---------------------------------------------------------------- statistics
-- chi2_sf falls as x rises and rises with the degrees of freedom, across
-- the regions of its computation (small a, series, continued fraction,
-- Temme's expansion from df = 100, |x - df| < 0.3 df).
WITH xs(x) AS (SELECT unnest(ARRAY[5e-324, 1e-300, 1e-10, 0.1, 1, 2, 2.2, 10, 30, 69.9, 70, 70.1, 99, 100, 101, 129.9,
                                     130, 130.1, 200, 1e3, 1e6, 1e10, 1e20, 1e300, 1.7976931348623157e308]::float8[])),
     dfs(df) AS (SELECT unnest(ARRAY[5e-324, 1e-300, 1e-10, 0.5, 1, 1.999, 2, 2.001, 3, 10, 99.99, 100, 100.01,
                                      1e3, 1e6, 1e10, 1e20, 1e300, 1.7976931348623157e308]::float8[])),
     p AS (SELECT x, df, loan_risk.chi2_sf(x, df) AS q FROM xs, dfs)
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE q > prev_x) AS rises_with_x,
       count(*) FILTER (WHERE q < prev_df) AS falls_with_df
FROM (SELECT q, lag(q) OVER (PARTITION BY df ORDER BY x) AS prev_x, lag(q) OVER (PARTITION BY x ORDER BY df) AS prev_df
      FROM p) q;
-- wilson_lower_bound rises with the positive count and falls with the confidence.
SELECT count(*) AS cases, count(*) FILTER (WHERE w < prev_k) AS falls_with_count,
       count(*) FILTER (WHERE w > prev_c) AS rises_with_confidence
FROM (SELECT w, lag(w) OVER (PARTITION BY n, c ORDER BY k) AS prev_k, lag(w) OVER (PARTITION BY n, k ORDER BY c) AS prev_c
      FROM unnest(ARRAY[1, 10, 1000, 9223372036854775807]::bigint[]) n,
           unnest(ARRAY[0, 1, 2, 5, 9, 10, 999, 1000]::bigint[]) k,
           unnest(ARRAY[5e-324, 0.5, 0.9, 0.95, 0.999999, 0.9999999999999999]::float8[]) c,
           LATERAL (SELECT loan_risk.wilson_lower_bound(k, n, c) AS w WHERE k <= n) x) q;
-- A card's pd falls as the score rises, down to 0 and up to 1 at the ends.
SELECT count(*) AS scores, count(*) FILTER (WHERE pd > prev) AS rises_with_score, min(pd) AS min_pd, max(pd) AS max_pd
FROM (SELECT pd, lag(pd) OVER (ORDER BY s) AS prev
      FROM unnest(ARRAY['-Infinity', -1.7976931348623157e308, -1e300, -1e6, 0, 5e-324, 500, 600, 700, 1e6, 1e300,
                        1.7976931348623157e308, 'Infinity']::float8[]) s,
           LATERAL (SELECT loan_risk.pd_from_score('{"format": "loan_risk.scorecard/1", "base_points": 600,
                      "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50}, "features": []}', s) AS pd) x) q;
