-- loan_risk.price_loan(pd, lgd, term_months, policy): the annual rate and its
-- breakdown.  Annual components: cost of funds, operating and management
-- cost, target margin; one-off fractions of the principal spread over the
-- term (x 12 / term): acquisition and credit-data cost; expected loss
-- pd x lgd x 12 / pd_horizon_months (the PD's horizon, by default the term).
-- Components to 10 decimals; the rate is their sum rounded up to rate_step;
-- above the APR cap the rate is the cap (rounded down to the step), and the
-- loan is declined when the cap does not cover expected loss and costs.
CREATE TABLE price_policies (name text PRIMARY KEY, policy jsonb);
INSERT INTO price_policies VALUES
('standard', '{"cost_of_funds": 0.05, "acquisition_cost": 0.012, "credit_data_cost": 0.003,
               "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04,
               "apr_cap": 0.36, "pd_horizon_months": 12}'),
('effective_cap', '{"cost_of_funds": 0.05, "acquisition_cost": 0.012, "credit_data_cost": 0.003,
                    "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04,
                    "apr_cap": 0.36, "apr_cap_basis": "effective", "pd_horizon_months": 12}'),
('term_pd_quarter_step', '{"cost_of_funds": 0.05, "acquisition_cost": 0.012, "credit_data_cost": 0.003,
                           "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04,
                           "rate_step": 0.0025}');

-- By hand (standard, term 12): 0.05 + 0.012 + 0.003 + 0.02 x 0.45 + 0.03 + 0.01 = 0.114 of
-- costs, + 0.04 margin = 0.154.
SELECT c, (loan_risk.price_loan(pd, lgd, term, (SELECT policy FROM price_policies WHERE name = 'standard'))).*
FROM (VALUES
  ('low risk',                          0.02::float8, 0.45::float8, 12),
  ('short term: one-off costs x 2',     0.02, 0.45, 6),
  ('long term: one-off costs / 3',      0.02, 0.45, 36),
  ('capped at 36%',                     0.4, 0.6, 12),
  ('cap exactly covers costs',          0.5, 0.51, 12),
  ('declined: costs above the cap',     0.6, 0.6, 12),
  ('pd 0 and lgd 0',                    0, 0, 12),
  ('pd 1 and lgd 1',                    1, 1, 12)
) v(c, pd, lgd, term);

-- An effective-rate cap: 36% effective is 12 x (1.36^(1/12) - 1) = 0.311460...
-- nominal (monthly compounding), offered rounded down to the step: 0.3114.
SELECT (loan_risk.price_loan(0.3, 0.6, 12, policy)).* FROM price_policies WHERE name = 'effective_cap';
SELECT (loan_risk.price_loan(0.3, 0.6, 12, policy)).annual_rate
     = floor(12 * (power(1.36::numeric, 1.0 / 12) - 1) * 10000) / 10000 AS cap_closed_form
FROM price_policies WHERE name = 'effective_cap';
-- PD over the term (no pd_horizon_months): expected loss 0.1 x 0.5 x 12 / 24 = 0.025;
-- a quarter-point step: 0.05 + 0.006 + 0.0015 + 0.025 + 0.03 + 0.01 + 0.04 = 0.1625 -> 0.1625.
SELECT (loan_risk.price_loan(0.1, 0.5, 24, policy)).* FROM price_policies WHERE name = 'term_pd_quarter_step';
SELECT (loan_risk.price_loan(0.1, 0.5, 7, policy)).annual_rate AS rounded_up_to_quarter_point
FROM price_policies WHERE name = 'term_pd_quarter_step';

-- NULL in, NULL out (STRICT).
SELECT loan_risk.price_loan(NULL, 0.5, 12, policy) IS NULL AS null_pd FROM price_policies WHERE name = 'standard';

-- Bad inputs.
SELECT loan_risk.price_loan('NaN', 0.5, 12, policy) FROM price_policies WHERE name = 'standard';
SELECT loan_risk.price_loan(0.1, 1.5, 12, policy) FROM price_policies WHERE name = 'standard';
SELECT loan_risk.price_loan(0.1, '-Infinity', 12, policy) FROM price_policies WHERE name = 'standard';
SELECT loan_risk.price_loan(0.1, 0.5, 0, policy) FROM price_policies WHERE name = 'standard';
SELECT loan_risk.price_loan(0.1, 0.5, 1201, policy) FROM price_policies WHERE name = 'standard';

-- Malformed policies.
SELECT loan_risk.price_loan(0.1, 0.5, 12, '{}');
SELECT loan_risk.price_loan(0.1, 0.5, 12, '{"cost_of_funds": 0.05, "acquisition_cost": 0.01, "credit_data_cost": 0, "operating_cost": 0.03, "management_cost": 0.01}');
SELECT loan_risk.price_loan(0.1, 0.5, 12, '{"cost_of_funds": -0.05, "acquisition_cost": 0.01, "credit_data_cost": 0, "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04}');
SELECT loan_risk.price_loan(0.1, 0.5, 12, '{"cost_of_funds": 11, "acquisition_cost": 0.01, "credit_data_cost": 0, "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04}');
SELECT loan_risk.price_loan(0.1, 0.5, 12, '{"cost_of_funds": "5%", "acquisition_cost": 0.01, "credit_data_cost": 0, "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04}');
SELECT loan_risk.price_loan(0.1, 0.5, 12, '{"cost_of_funds": 0.05, "acquisition_cost": 0.01, "credit_data_cost": 0, "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04, "apr_cap": 0}');
SELECT loan_risk.price_loan(0.1, 0.5, 12, '{"cost_of_funds": 0.05, "acquisition_cost": 0.01, "credit_data_cost": 0, "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04, "apr_cap_basis": "effective"}');
SELECT loan_risk.price_loan(0.1, 0.5, 12, '{"cost_of_funds": 0.05, "acquisition_cost": 0.01, "credit_data_cost": 0, "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04, "apr_cap": 0.3, "apr_cap_basis": "annual"}');
SELECT loan_risk.price_loan(0.1, 0.5, 12, '{"cost_of_funds": 0.05, "acquisition_cost": 0.01, "credit_data_cost": 0, "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04, "rate_step": 0}');
SELECT loan_risk.price_loan(0.1, 0.5, 12, '{"cost_of_funds": 0.05, "acquisition_cost": 0.01, "credit_data_cost": 0, "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04, "rate_step": 0.00000000001}');
SELECT loan_risk.price_loan(0.1, 0.5, 12, '{"cost_of_funds": 0.05, "acquisition_cost": 0.01, "credit_data_cost": 0, "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04, "rate_step": 2}');
SELECT loan_risk.price_loan(0.1, 0.5, 12, '{"cost_of_funds": 0.05, "acquisition_cost": 0.01, "credit_data_cost": 0, "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04, "pd_horizon_months": 0}');
SELECT loan_risk.price_loan(0.1, 0.5, 12, '{"cost_of_funds": 0.05, "acquisition_cost": 0.01, "credit_data_cost": 0, "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04, "margin": 0.04}');

-- Against plain SQL on numeric over generated loans (standard policy).
CREATE TABLE price_in AS
SELECT i, ((hashint4(i) & 2147483647) % 7000) / 10000.0::float8 AS pd,
       ((hashint4(i * 3) & 2147483647) % 1001) / 1000.0::float8 AS lgd,
       1 + (hashint4(i * 5) & 2147483647) % 60 AS term
FROM generate_series(1, 5000) i;
CREATE TABLE price_ref AS
SELECT i, costs, least(ceil((costs + 0.04) / 0.0001) * 0.0001, 0.36) AS rate, costs <= 0.36 AS approved,
       ceil((costs + 0.04) / 0.0001) * 0.0001 > 0.36 AS capped, el
FROM (SELECT i, round(pd::numeric * lgd::numeric, 10) AS el,
             0.05 + round(0.012 * 12 / term, 10) + round(0.003 * 12 / term, 10)
             + round(pd::numeric * lgd::numeric, 10) + 0.03 + 0.01 AS costs
      FROM price_in) c;
SELECT count(*) AS loans,
       count(*) FILTER (WHERE (p).approved <> r.approved OR (p).capped <> r.capped
                        OR (p).expected_loss <> r.el
                        OR (r.approved AND ((p).annual_rate <> r.rate OR (p).margin <> r.rate - r.costs))) AS mismatches,
       count(*) FILTER (WHERE NOT (p).approved) AS declined,
       count(*) FILTER (WHERE (p).capped AND (p).approved) AS capped
FROM (SELECT i, loan_risk.price_loan(pd, lgd, term, (SELECT policy FROM price_policies WHERE name = 'standard')) p
      FROM price_in) x JOIN price_ref r USING (i);
