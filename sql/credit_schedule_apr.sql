-- loan_risk.schedule_apr: the true APR of a schedule, by periodic internal
-- rate of return: nominal APR = periodic rate x periods per year, effective
-- annual rate = (1 + periodic rate)^periods - 1, each rounded to 10 decimals.
--
-- Reference values: scipy.optimize.brentq (SciPy 1.10.1, Debian 12's
-- python3-scipy) on sum a_k (1 + j)^-k = 0 with xtol = rtol = 1e-15.

-- The flat-rate example: 0.5% a month flat (6% a year, add-on) for 12 months
-- is a true APR of about 11%: 10.90% nominal, 11.46% effective.
SELECT * FROM loan_risk.schedule_apr(1000, 0.06, 12, 'flat');
-- scipy: periodic 0.009080027100339455 for -1000, 11 x 88.33, 88.37.
SELECT abs(periodic_rate - 0.009080027100339455) < 1e-10 AS periodic_matches_scipy,
       abs(nominal_apr - 12 * 0.009080027100339455) < 1e-10 AS nominal_matches,
       abs(effective_apr - (power(1.009080027100339455, 12) - 1)) < 1e-10 AS effective_matches
FROM loan_risk.schedule_apr(1000, 0.06, 12, 'flat');

-- Equal installments at 12%: the cents rounding of the installment (88.85,
-- last 88.84) puts the true rate a hair above 1% a month.
-- scipy: 0.010000753221553176.
SELECT *, abs(periodic_rate - 0.010000753221553176) < 1e-10 AS matches_scipy
FROM loan_risk.schedule_apr(1000, 0.12, 12, 'equal_installment');

-- An upfront fee of 20.00 deducted from the 1000 paid out.  scipy: 0.013212887394521327.
SELECT *, abs(periodic_rate - 0.013212887394521327) < 1e-10 AS matches_scipy
FROM loan_risk.schedule_apr(1000, 0.12, 12, 'equal_installment', 20);

-- Interest only with interest in whole cents: exactly the contract rate.
SELECT * FROM loan_risk.schedule_apr(1000, 0.06, 12, 'interest_only');

-- Over a schedule's payments: the same as the function form.
SELECT (loan_risk.schedule_apr(1000, array_agg(payment ORDER BY period))).*
FROM loan_risk.repayment_schedule(1000, 0.06, 12, 'flat', '2024-01-01');
-- Weekly: 500 repaid in 52 payments of 11.00.  scipy: 0.005204591782149196.
SELECT *, abs(periodic_rate - 0.005204591782149196) < 1e-10 AS matches_scipy
FROM loan_risk.schedule_apr(500, array_fill(11.00, ARRAY[52]), 52);
-- Two sign changes, two rates (12.7% and 88.7%): the one nearest 0.
-- Exact: v = 1/(1 + r) solves 2100 v^2 - 3000 v + 1000 = 0, the larger v
-- gives r = 4200 / (3000 + sqrt(600000)) - 1 = 0.11270166537925831...
SELECT periodic_rate, abs(periodic_rate - (4200 / (3000 + sqrt(600000::float8)) - 1)) < 1e-10 AS exact
FROM loan_risk.schedule_apr(1000, ARRAY[3000, -2100], 1);

-- NULL arguments give NULL (STRICT).
SELECT loan_risk.schedule_apr(NULL, 0.06, 12, 'flat') IS NULL AS null_principal;
SELECT loan_risk.schedule_apr(1000, NULL::numeric[]) IS NULL AS null_payments;

-- Errors.
SELECT * FROM loan_risk.schedule_apr(1000, 0.06, 12, 'flat', 1000);
SELECT * FROM loan_risk.schedule_apr(1000, 0.06, 12, 'flat', -1);
SELECT * FROM loan_risk.schedule_apr(1000, 0.06, 12, 'flat', 'NaN');
SELECT * FROM loan_risk.schedule_apr(1000, 0.06, 12, 'bullet');
SELECT * FROM loan_risk.schedule_apr(1000, '{}'::numeric[]);
SELECT * FROM loan_risk.schedule_apr(1000, ARRAY[500, NULL, 600]);
SELECT * FROM loan_risk.schedule_apr(1000, ARRAY[[500, 600], [1, 2]]);
SELECT * FROM loan_risk.schedule_apr(1000, ARRAY[0, 0, 0]);
SELECT * FROM loan_risk.schedule_apr(1000, ARRAY[-10, -20]);
SELECT * FROM loan_risk.schedule_apr(100, ARRAY[300, -250], 1);
SELECT * FROM loan_risk.schedule_apr(1000, ARRAY[500, 600], 0);
SELECT * FROM loan_risk.schedule_apr(1000, ARRAY[500, 600], 367);
SELECT * FROM loan_risk.schedule_apr(0, ARRAY[500, 600]);
SELECT * FROM loan_risk.schedule_apr(-5, ARRAY[500, 600]);
SELECT * FROM loan_risk.schedule_apr('NaN', ARRAY[500, 600]);
SELECT * FROM loan_risk.schedule_apr(1000, ARRAY[500, 'Infinity']::numeric[]);
SELECT * FROM loan_risk.schedule_apr(1000, ARRAY[500, 1e20]);
-- A loan repaid a thousandfold in one month: a huge but finite rate.
SELECT * FROM loan_risk.schedule_apr(1, ARRAY[1000], 12);
-- ... and one whose effective annual rate does not fit a double.
SELECT * FROM loan_risk.schedule_apr(1, ARRAY[1e12], 365);

-- Property checks over generated equal-installment loans.
CREATE TABLE apr_loans AS
SELECT i AS id,
       round(1000 + ((hashint4(i) & 2147483647) % 100000000) / 100.0, 2) AS principal,
       (1 + (hashint4(i * 3 + 1) & 2147483647) % 40000) / 100000.0 AS rate,
       1 + (hashint4(i * 7 + 2) & 2147483647) % CASE WHEN i % 10 = 0 THEN 360 ELSE 60 END AS term
FROM generate_series(1, 400) i;
CREATE TABLE apr_rows AS
SELECT l.id, l.principal, l.rate, l.term, a.periodic_rate AS j, s.period, s.payment, s.interest_part,
       coalesce(lag(s.balance) OVER (PARTITION BY l.id ORDER BY s.period), l.principal) AS prev_balance
FROM apr_loans l,
     LATERAL loan_risk.schedule_apr(l.principal, l.rate, l.term, 'equal_installment') a,
     LATERAL loan_risk.repayment_schedule(l.principal, l.rate, l.term, 'equal_installment', '2024-01-01') s;

-- (a) The periodic rate reported is the schedule's IRR to 1e-9: the NPV of
-- its own payments at that rate, computed in plain SQL float8, divided by the
-- NPV's slope, is below 1e-9.
SELECT count(*) AS loans,
       count(*) FILTER (WHERE abs(npv / slope) >= 1e-9) AS not_a_root_to_1e_9
FROM (SELECT id, -principal::float8 + sum(payment::float8 * power(1 + j::float8, -period)) AS npv,
             sum(period * payment::float8 * power(1 + j::float8, -period - 1)) AS slope
      FROM apr_rows GROUP BY id, principal, j) g;

-- (b) The IRR of an equal-installment schedule equals its own rate r/12
-- except for the effect of rounding each period's interest to the cent:
-- with e_k = interest_k - balance_(k-1) * r/12 (exact, |e_k| <= 0.005), the
-- schedule satisfies sum payment_k v^k = principal + sum e_k v^k at v = 1/(1 + r/12),
-- so IRR - r/12 = (sum e_k v^k) / slope to first order.  Checked to 1e-9.
SELECT count(*) AS loans,
       count(*) FILTER (WHERE abs(j - rate / 12 - predicted) >= 1e-9) AS irr_not_rate_to_1e_9,
       max(abs(j - rate / 12)) < 1e-4 AS raw_deviation_small
FROM (SELECT id, rate, j,
             sum((interest_part - prev_balance * rate / 12)::float8 * power(1 + rate::float8 / 12, -period))
             / sum(period * payment::float8 * power(1 + rate::float8 / 12, -period - 1)) AS predicted
      FROM apr_rows GROUP BY id, rate, j) g;

-- (c) Where rounding to the cent is negligible (principal of 10^10), the IRR
-- equals the contract rate to 1e-9 directly.
SELECT count(*) AS loans,
       count(*) FILTER (WHERE abs(periodic_rate - rate / 12) >= 1e-9) AS irr_not_rate_to_1e_9,
       count(*) FILTER (WHERE abs(nominal_apr - rate) >= 1e-8) AS nominal_not_rate
FROM apr_loans, LATERAL loan_risk.schedule_apr(1e10, rate, term, 'equal_installment');

-- (d) The IRR of exact (unrounded) annuity payments is the rate to 1e-9.
SELECT count(*) AS loans,
       count(*) FILTER (WHERE abs(periodic_rate - rate / 12) >= 1e-9) AS irr_not_rate_to_1e_9
FROM apr_loans,
     LATERAL (SELECT principal * (rate / 12) / (1 - power(1 + rate / 12, -term)) AS a) p,
     LATERAL loan_risk.schedule_apr(principal, array_fill(round(p.a, 12), ARRAY[term]));
