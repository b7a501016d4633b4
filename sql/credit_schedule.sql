-- loan_risk.repayment_schedule: monthly schedules in exact cents.
-- Rounding rule (doc/decisions.md): every amount to the cent, half away from
-- zero (what round(x, 2) does); the last period takes the residue.

-- Flat (add-on) interest, by hand: 1000 at 0.5% a month flat for 12 months.
-- Interest 1000 * 0.06 * 12/12 = 60.00, 5.00 a month; principal 1000/12 =
-- 83.333.. -> 83.33, the last period 1000 - 11 * 83.33 = 83.37.
SELECT * FROM loan_risk.repayment_schedule(1000, 0.06, 12, 'flat', '2024-01-31');

-- Equal installments, by hand: i = 1%, installment 1000 * 0.01 / (1 - 1.01^-12)
-- = 88.8488 -> 88.85; period 1 interest 10.00, principal 78.85; the last
-- period pays the remaining balance plus its interest.
SELECT * FROM loan_risk.repayment_schedule(1000, 0.12, 12, 'equal_installment', '2024-01-15');

-- Equal principal: 1200 / 12 = 100.00 a month, interest 1% of the balance.
SELECT period, payment, principal_part, interest_part, balance
FROM loan_risk.repayment_schedule(1200, 0.12, 12, 'equal_principal', '2024-01-01');

-- Interest only (bullet principal): 10000 at 6%: 50.00 a month, principal at the end.
SELECT * FROM loan_risk.repayment_schedule(10000, 0.06, 3, 'interest_only', '2024-03-31');

-- One period; rate 0; residue when the principal does not divide.
SELECT * FROM loan_risk.repayment_schedule(500, 0.10, 1, 'equal_installment', '2024-01-01');
SELECT period, payment, principal_part, interest_part, balance
FROM loan_risk.repayment_schedule(100, 0, 3, 'equal_installment', '2024-01-01');
SELECT period, payment, principal_part, interest_part, balance
FROM loan_risk.repayment_schedule(100, 0, 6, 'equal_principal', '2024-01-01');

-- A principal smaller than the rounding of the term: parts are cut so the
-- balance never goes below zero, later parts are 0.
SELECT period, payment, principal_part, interest_part, balance
FROM loan_risk.repayment_schedule(0.05, 0, 10, 'equal_principal', '2024-01-01');

-- Due dates are start + k months, cut to the month's length (never drifting).
SELECT period, due_date FROM loan_risk.repayment_schedule(100, 0.1, 4, 'flat', '2023-11-30');

-- The start date defaults to today.
SELECT due_date = (current_date + interval '1 month')::date AS default_start
FROM loan_risk.repayment_schedule(100, 0.1, 1, 'flat');

-- Expanding in a query over many loans.
SELECT l.id, s.period, s.payment
FROM (VALUES (1, 300.00), (2, 600.00)) l(id, amount),
     LATERAL loan_risk.repayment_schedule(l.amount, 0.12, 2, 'equal_principal', '2024-01-01') s
ORDER BY 1, 2;

-- NULL arguments: no rows (STRICT).
SELECT count(*) FROM loan_risk.repayment_schedule(NULL, 0.1, 12, 'flat', '2024-01-01');
SELECT count(*) FROM loan_risk.repayment_schedule(1000, 0.1, 12, NULL, '2024-01-01');

-- Amounts are taken to the cent, half away from zero: 1000.005 is 1000.01.
SELECT sum(principal_part) FROM loan_risk.repayment_schedule(1000.005, 0.1, 12, 'flat', '2024-01-01');
-- Rates are used to 18 decimals (beyond that, rounded half away from zero).
SELECT payment FROM loan_risk.repayment_schedule(1000, 0.1200000000000000004, 1, 'interest_only', '2024-01-01');

-- Bad input: exact errors.
SELECT * FROM loan_risk.repayment_schedule('NaN', 0.1, 12, 'flat', '2024-01-01');
SELECT * FROM loan_risk.repayment_schedule('Infinity', 0.1, 12, 'flat', '2024-01-01');
SELECT * FROM loan_risk.repayment_schedule(-100, 0.1, 12, 'flat', '2024-01-01');
SELECT * FROM loan_risk.repayment_schedule(0, 0.1, 12, 'flat', '2024-01-01');
SELECT * FROM loan_risk.repayment_schedule(0.004, 0.1, 12, 'flat', '2024-01-01');
SELECT * FROM loan_risk.repayment_schedule(1e14, 0.1, 12, 'flat', '2024-01-01');
SELECT * FROM loan_risk.repayment_schedule(1e300, 0.1, 12, 'flat', '2024-01-01');
SELECT * FROM loan_risk.repayment_schedule(1000, -0.01, 12, 'flat', '2024-01-01');
SELECT * FROM loan_risk.repayment_schedule(1000, 100.01, 12, 'flat', '2024-01-01');
SELECT * FROM loan_risk.repayment_schedule(1000, 'NaN', 12, 'flat', '2024-01-01');
SELECT * FROM loan_risk.repayment_schedule(1000, '-Infinity', 12, 'flat', '2024-01-01');
SELECT * FROM loan_risk.repayment_schedule(1000, 1e40, 12, 'flat', '2024-01-01');
SELECT * FROM loan_risk.repayment_schedule(1000, 0.1, 0, 'flat', '2024-01-01');
SELECT * FROM loan_risk.repayment_schedule(1000, 0.1, 1201, 'flat', '2024-01-01');
SELECT * FROM loan_risk.repayment_schedule(1000, 0.1, 12, 'annuity', '2024-01-01');
SELECT * FROM loan_risk.repayment_schedule(1000, 0.1, 12, 'FLAT', '2024-01-01');
SELECT * FROM loan_risk.repayment_schedule(1000, 0.1, 12, '', '2024-01-01');
SELECT * FROM loan_risk.repayment_schedule(1000, 0.1, 12, 'flat', 'infinity');
SELECT * FROM loan_risk.repayment_schedule(1000, 0.1, 12, 'flat', '-infinity');
SELECT * FROM loan_risk.repayment_schedule(1000, 0.1, 12, 'flat', '5874897-06-01');

-- Boundaries: the largest amount, rate and term.
SELECT count(*), sum(principal_part) = 10000000000000 AS principal_sums, min(balance) AS last_balance
FROM loan_risk.repayment_schedule(10000000000000, 100, 1200, 'equal_installment', '2024-01-01');
SELECT count(*), sum(principal_part) = 10000000000000 AS principal_sums, sum(interest_part)
FROM loan_risk.repayment_schedule(10000000000000, 1, 1200, 'flat', '2024-01-01');
SELECT count(*), sum(principal_part) = 10000000000000 AS principal_sums, sum(interest_part)
FROM loan_risk.repayment_schedule(10000000000000, 100, 1200, 'interest_only', '2024-01-01');
-- Flat interest of 100 a year for 100 years on the largest amount is beyond the supported range.
SELECT count(*) FROM loan_risk.repayment_schedule(10000000000000, 100, 1200, 'flat', '2024-01-01');
SELECT count(*), sum(principal_part) AS principal, min(balance)
FROM loan_risk.repayment_schedule(0.01, 0, 1200, 'equal_installment', '2024-01-01');

-- Property checks over generated loans, against plain SQL on numeric.
CREATE TABLE sched_loans AS
SELECT i AS id,
       round(100 + ((hashint4(i) & 2147483647) % 100000000) / 100.0, 2) AS principal,
       CASE WHEN i % 50 = 0 THEN 0 ELSE ((hashint4(i * 3 + 1) & 2147483647) % 40001) / 100000.0 END AS rate,
       1 + (hashint4(i * 7 + 2) & 2147483647) % CASE WHEN i % 10 = 0 THEN 360 ELSE 60 END AS term,
       (ARRAY['equal_installment', 'equal_principal', 'interest_only', 'flat'])[1 + i % 4] AS method,
       '2020-01-31'::date + (hashint4(i * 11) & 1023) AS start_date
FROM generate_series(1, 1200) i;
CREATE TABLE sched_rows AS
SELECT l.*, s.period, s.due_date, s.payment, s.principal_part, s.interest_part, s.balance,
       coalesce(lag(s.balance) OVER (PARTITION BY l.id ORDER BY s.period), l.principal) AS prev_balance
FROM sched_loans l, LATERAL loan_risk.repayment_schedule(l.principal, l.rate, l.term, l.method, l.start_date) s;

-- Every loan: as many rows as its term; principal parts sum to the principal
-- exactly; the balance ends at exactly 0 and never goes negative; no part is negative.
SELECT count(*) AS loans,
       count(*) FILTER (WHERE n <> term) AS wrong_row_count,
       count(*) FILTER (WHERE principal_sum <> principal) AS principal_not_summing,
       count(*) FILTER (WHERE last_balance <> 0) AS final_balance_not_zero,
       count(*) FILTER (WHERE min_part < 0) AS negative_parts
FROM (SELECT id, principal, term, count(*) n, sum(principal_part) principal_sum,
             min(least(principal_part, interest_part, balance)) min_part,
             (array_agg(balance ORDER BY period DESC))[1] last_balance
      FROM sched_rows GROUP BY id, principal, term) g;

-- Every row: payment = principal part + interest part; balance = previous - principal part;
-- due date = start + period months (PostgreSQL's date + interval).
SELECT count(*) FILTER (WHERE payment <> principal_part + interest_part) AS payment_not_sum,
       count(*) FILTER (WHERE balance <> prev_balance - principal_part) AS balance_not_running,
       count(*) FILTER (WHERE due_date <> (start_date + make_interval(months => period))::date) AS wrong_due_date
FROM sched_rows;

-- Interest of every period (all methods but flat) = round(balance * rate / 12, 2).
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE interest_part <> round(prev_balance * rate / 12, 2)) AS interest_mismatch
FROM sched_rows WHERE method <> 'flat';

-- Equal installments: every period but the last pays the closed-form
-- installment round(P i / (1 - (1 + i)^-n), 2), i = rate / 12, in numeric.
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE payment <> CASE WHEN rate = 0 THEN round(principal / term, 2)
                        ELSE round(principal * (rate / 12) / (1 - power(1 + rate / 12, -term)), 2) END)
         AS installment_mismatch
FROM sched_rows WHERE method = 'equal_installment' AND period < term;

-- Equal principal: round(P / n, 2) every period but the last; interest only: 0 until the last.
SELECT count(*) FILTER (WHERE method = 'equal_principal' AND principal_part <> round(principal / term, 2))
         AS equal_principal_mismatch,
       count(*) FILTER (WHERE method = 'interest_only' AND principal_part <> 0) AS interest_only_mismatch
FROM sched_rows WHERE period < term;

-- Flat: interest parts sum to round(P * rate * n / 12, 2), each but the last is round(total / n, 2).
SELECT count(*) AS loans,
       count(*) FILTER (WHERE total <> round(principal * rate * term / 12, 2)) AS flat_total_mismatch,
       count(*) FILTER (WHERE bad_parts > 0) AS flat_part_mismatch
FROM (SELECT id, principal, rate, term, sum(interest_part) total,
             count(*) FILTER (WHERE period < term AND interest_part <> round(round(principal * rate * term / 12, 2) / term, 2)) bad_parts
      FROM sched_rows WHERE method = 'flat' GROUP BY id, principal, rate, term) f;
