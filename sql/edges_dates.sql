-- Dates at the edges: before the common era, at the ends of PostgreSQL's date
-- and timestamp ranges, and infinite.  Every date calculation agrees with
-- PostgreSQL's own date arithmetic, or rejects the range it does not
-- support with an error naming the value.
SET datestyle = ISO;
SET timezone = 'UTC';

-- repayment_schedule: start dates before the common era came out of order
-- (months counted with C's truncating division).  44 BC is not a leap year,
-- 1 BC is.
SELECT period, due_date
FROM loan_risk.repayment_schedule(1000, 0.12, 14, 'equal_installment', '0044-01-31 BC');
SELECT period, due_date
FROM loan_risk.repayment_schedule(1000, 0.12, 3, 'equal_installment', '0001-11-30 BC');
-- Every due date is the start plus k months as PostgreSQL computes it
-- (date + interval: the day is cut to the month's length), from the first
-- date PostgreSQL has through the common era to the end of the timestamp
-- range.
WITH starts(s) AS (
  VALUES ('4713-11-24 BC'::date), ('4713-11-30 BC'), ('4001-02-28 BC'), ('0401-02-29 BC'), ('0101-03-31 BC'),
         ('0005-12-31 BC'), ('0001-01-31 BC'), ('0001-02-29 BC'), ('0001-12-31 BC'), ('0001-01-01'),
         ('0004-01-31'), ('1900-01-31'), ('2000-01-31'), ('2024-08-31'), ('9999-12-31'), ('294176-03-31')),
terms(t) AS (VALUES (1), (13), (1200))
SELECT count(*) AS due_dates,
       count(*) FILTER (WHERE s.due_date <> (st.s + make_interval(months => s.period))::date) AS differing,
       bool_and(s.due_date > coalesce(s.prev, st.s)) AS in_order
FROM starts st, terms,
     LATERAL (SELECT period, due_date, lag(due_date) OVER (ORDER BY period) AS prev
              FROM loan_risk.repayment_schedule(100000, 0.1, t, 'equal_principal', st.s)) s;
-- Beyond the timestamp range (date + interval fails there) the same rule
-- holds up to the last date PostgreSQL has, 5874897-12-31.
SELECT period, due_date
FROM loan_risk.repayment_schedule(1000, 0.12, 3, 'equal_installment', '5874897-09-30');
SELECT period, due_date
FROM loan_risk.repayment_schedule(1000, 0.12, 3, 'equal_installment', '5874897-10-31');
SELECT period, due_date
FROM loan_risk.repayment_schedule(1000, 0.12, 1, 'equal_installment', '5874897-12-31');
SELECT * FROM loan_risk.repayment_schedule(1000, 0.12, 3, 'equal_installment', 'infinity');
SELECT * FROM loan_risk.repayment_schedule(1000, 0.12, 3, 'equal_installment', '-infinity');

-- apr: actual/365 from PostgreSQL's day count, at both ends of the date
-- range and across the era (1 BC is a leap year: 366 days).
SELECT loan_risk.apr(a, d) = round((2 ^ (365.0 / ('5874897-12-31'::date - '4713-11-24 BC'::date)) - 1)::numeric, 10)
       AS apr_over_the_whole_range
FROM (VALUES (-1000::numeric, '4713-11-24 BC'::date), (2000, '5874897-12-31')) v(a, d);
SELECT loan_risk.apr(a, d) AS apr_1_bc, round((1.1 ^ (365.0 / 366) - 1)::numeric, 10) AS by_hand
FROM (VALUES (-1000::numeric, '0001-01-01 BC'::date), (1100, '0001-01-01')) v(a, d);
SELECT loan_risk.apr(a, d) FROM (VALUES (-1000::numeric, 'infinity'::date), (1100, '2001-01-01')) v(a, d);

-- daily_interest: balance-days from PostgreSQL's day count.
SELECT loan_risk.daily_interest(1000, '4713-11-24 BC', 0.001, '5874897-12-31') AS interest,
       ('5874897-12-31'::date - '4713-11-24 BC'::date)::bigint * 1000 * 0.001 AS by_hand;
SELECT loan_risk.daily_interest(1000, '0001-12-31 BC', 0.01, '0001-01-01') AS across_the_era;
SELECT loan_risk.daily_interest(1000, '2024-01-01', 0.01, '-infinity');

-- borrowing_features: windows of 6 and 12 months back from as_of are
-- as_of - interval (a loan is in them when it starts after that date), also
-- before the common era and at the last date.
WITH loans(s, e, a, d) AS (
  VALUES ('4713-11-24 BC'::date, '4713-12-24 BC'::date, 100::numeric, 0),
         ('0002-06-01 BC', '0002-07-01 BC', 100, 0), ('0002-06-02 BC', '0002-07-01 BC', 100, 0),
         ('0002-12-01 BC', NULL, 150, 0), ('0002-12-02 BC', NULL, 150, 0),
         ('0001-01-31 BC', NULL, 200, 5), ('0001-06-01 BC', '0001-06-01 BC', 50, 0))
SELECT b.as_of, b.loans_total, b.loans_6m, b.loans_12m, b.open_loans,
       b.loans_6m = (SELECT count(*) FROM loans WHERE s > '0001-06-01 BC'::date - interval '6 months') AS six_by_hand,
       b.loans_12m = (SELECT count(*) FROM loans WHERE s > '0001-06-01 BC'::date - interval '12 months') AS twelve_by_hand
FROM (SELECT (loan_risk.borrowing_features(s, e, a, d)).* FROM loans) b;
SELECT as_of, days_since_last_loan, days_since_last_loan = '0001-12-31 BC'::date - '0001-06-01 BC'::date AS days_by_hand
FROM (SELECT (loan_risk.borrowing_features(s, NULL, 100::numeric, 0, '0001-12-31 BC')).*
      FROM (VALUES ('0004-06-01 BC'::date), ('0001-06-01 BC')) v(s)) b;
-- At the last date (beyond timestamps, where date - interval fails): six
-- months back from 5874897-12-31 is 5874897-06-30.
SELECT as_of, loans_total, loans_6m, loans_12m, days_since_last_loan,
       days_since_last_loan = '5874897-12-31'::date - '5874897-07-01'::date AS days_by_hand
FROM (SELECT (loan_risk.borrowing_features(s, e, a, d, '5874897-12-31')).*
      FROM (VALUES ('4713-11-24 BC'::date, '5874897-12-31'::date, 100::numeric, 0),
                   ('5874897-06-30', NULL, 200, 5), ('5874897-07-01', NULL, 200, 5)) v(s, e, a, d)) b;
SELECT loan_risk.borrowing_features(s, NULL, 100, 0) FROM (VALUES ('infinity'::date)) v(s);

-- merchant_features: days in the time zone, weekends as PostgreSQL's isodow,
-- at both ends of the timestamp range.
SELECT (p).first_seen, (p).last_seen, (p).tenure_days,
       (p).tenure_days = '0001-01-01 BC'::date - '4713-11-24 BC'::date AS tenure_by_hand,
       (p).weekend_share_30d, extract(isodow FROM '0001-01-01 BC'::date) AS isodow_of_last
FROM (SELECT loan_risk.merchant_features(ts, 100.0::numeric, 1::bigint) AS p
      FROM (VALUES ('4713-11-24 00:00:00 BC'::timestamptz), ('0001-01-01 12:00:00 BC')) v(ts)) s;
SELECT (p).tenure_days, (p).tenure_days = '294276-12-31'::date - '294276-12-28'::date AS tenure_by_hand,
       (p).weekend_share_30d, (p).active_days_30d
FROM (SELECT loan_risk.merchant_features(ts, 100.0::numeric, 1::bigint) AS p
      FROM (VALUES ('294276-12-28 00:00:00'::timestamptz), ('294276-12-31 23:59:59.999999')) v(ts)) s;
SET timezone = 'America/New_York';
-- 4713-11-24 BC 00:00 UTC is the evening before in New York (local mean
-- time then), a day before the first date PostgreSQL has: still counted.
SELECT (p).first_seen, (p).tenure_days, (p).night_share_30d, (p).weekend_share_30d
FROM (SELECT loan_risk.merchant_features(ts, 100.0::numeric, 1::bigint) AS p
      FROM (VALUES ('4713-11-24 00:00:00+00 BC'::timestamptz)) v(ts)) s;
SET timezone = 'UTC';
SELECT loan_risk.merchant_features(ts, 100.0::numeric, 1::bigint) FROM (VALUES ('infinity'::timestamptz)) v(ts);

-- store_features: age in days from PostgreSQL's day count, whole months as age().
SELECT store_age_days, store_age_days = '0001-03-28'::date - '0001-02-29 BC'::date AS days_by_hand,
       store_age_months, extract(year FROM age('0001-03-28'::date, '0001-02-29 BC')) * 12
                         + extract(month FROM age('0001-03-28'::date, '0001-02-29 BC')) AS months_by_age
FROM loan_risk.store_features(45, 50, 1200, 360000.00, 50000.00, '0001-02-29 BC', '0001-03-28');
-- age() cannot reach the last date (timestamps end in 294276): 5879609 years and 1 month by hand.
SELECT store_age_days, store_age_days = '5874897-12-31'::date - '4713-11-24 BC'::date AS days_by_hand,
       store_age_months, 5879609 * 12 + 1 AS months_by_hand
FROM loan_risk.store_features(45, 50, 1200, 360000.00, 50000.00, '4713-11-24 BC', '5874897-12-31');

-- Portfolio months are years 1 to 9999: outside, an error naming the value
-- as PostgreSQL writes it.
SELECT * FROM loan_risk.vintage($$VALUES (1::bigint, '0001-01-15 BC'::date, 1000.00::numeric)$$,
                                $$VALUES (1::bigint, '0001-02-01 BC'::date, 0, 1000::numeric, 'open')$$);
SELECT * FROM loan_risk.roll_rates($$VALUES (1::bigint, '9999-12-01'::date, 0, 1000::numeric),
                                            (1, '10000-01-01', 30, 900)$$);
SELECT * FROM loan_risk.npl_summary($$VALUES (1::bigint, '4713-12-01 00:00 BC'::timestamp, 0, 1000::numeric)$$);
SELECT cohort, months_on_book, loans
FROM loan_risk.vintage($$VALUES (1::bigint, '9999-12-15'::date, 1000.00::numeric)$$,
                       $$VALUES (1::bigint, '9999-12-01'::date, 0, 1000::numeric, 'open')$$);
