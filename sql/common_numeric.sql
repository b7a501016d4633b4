-- The one decoder of numeric's stored digits (src/common/lr_numeric.c), read
-- through the functions that take money: every stored form against numeric's
-- own round(), which is numeric_out's text rounded half away from zero.
--   merchant_features: amounts at 4 decimals (units of 0.0001), both signs
--   repayment_schedule: a principal at 2 decimals (cents)

SET TimeZone = 'UTC';

CREATE TABLE edge (id int, x numeric);
INSERT INTO edge VALUES
  (1, 0), (2, '-0'), (3, 0.00005), (4, 0.000049999999999999999999), (5, -0.00005),
  (6, -0.000049999), (7, 1e-20), (8, -1e-100), (9, 0.0001), (10, 0.00015),
  (11, 1234.56785), (12, -98765.43215), (13, 123456789.123456789012345678901234567890),
  (14, 99999999999999.99994), (15, -99999999999999.99994), (16, 12345678901234.5678),
  (17, 10000), (18, 100000000), (19, 1e13), (20, 5e-5), (21, 1.23000000000),
  (22, 0.5), (23, 7),
  -- more than 63 decimals, or a weight above 63: numeric's long form
  (24, 1.00005000000000000000000000000000000000000000000000000000000000000000001),
  (25, -2.000049999999999999999999999999999999999999999999999999999999999999999),
  (26, 3.14159265358979323846264338327950288419716939937510582097494459230781640628),
  -- digits that start below the kept decimals
  (27, 0.0000000001), (28, 0.00009999),
  -- weights below -64: the long form too
  (29, 1e-300), (30, -1.5e-300);

-- 4 decimals: the net of revenue and refunds equals round(x, 4).
SELECT id, round(x, 4) AS expected, (p).revenue_30d - (p).refunds_30d AS decoded,
       (p).revenue_30d - (p).refunds_30d = round(x, 4) AS same
FROM (SELECT id, x, loan_risk.merchant_features('2024-01-01'::timestamptz, x, NULL::text, '2024-01-02') p
      FROM edge GROUP BY id, x) s
ORDER BY id;

-- 2 decimals: the principal of a one-month interest-free schedule is round(x, 2).
SELECT e.id, round(e.x, 2) AS expected, s.principal_part AS decoded, s.principal_part = round(e.x, 2) AS same
FROM edge e, LATERAL loan_risk.repayment_schedule(e.x, 0, 1, 'interest_only', '2024-01-31') s
WHERE round(e.x, 2) > 0 AND e.x <= 1e13
ORDER BY e.id;

-- The special values and the ranges.
SELECT loan_risk.merchant_features('2024-01-01'::timestamptz, 'NaN'::numeric, 'a');
SELECT loan_risk.merchant_features('2024-01-01'::timestamptz, 'Infinity'::numeric, 'a');
SELECT loan_risk.merchant_features('2024-01-01'::timestamptz, '-Infinity'::numeric, 'a');
SELECT loan_risk.merchant_features('2024-01-01'::timestamptz, 99999999999999.99995, 'a');
SELECT loan_risk.merchant_features('2024-01-01'::timestamptz, -1e100, 'a');
SELECT loan_risk.merchant_features('2024-01-01'::timestamptz, 1e300, 'a');
SELECT * FROM loan_risk.repayment_schedule('NaN', 0, 1, 'interest_only', '2024-01-31');
SELECT * FROM loan_risk.repayment_schedule('Infinity', 0, 1, 'interest_only', '2024-01-31');
SELECT * FROM loan_risk.repayment_schedule(10000000000000.005, 0, 1, 'interest_only', '2024-01-31');
SELECT principal_part FROM loan_risk.repayment_schedule(10000000000000.004999, 0, 1, 'interest_only', '2024-01-31');
SELECT * FROM loan_risk.repayment_schedule(-0.5, 0, 1, 'interest_only', '2024-01-31');
