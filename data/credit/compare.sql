-- loan_risk.train_scorecard (default options) against the reference WOE
-- scorecard of reference_woe.py on held-out rows of public credit data
-- (README.md).  Needs the CSV files of this directory in the current
-- directory and the reference's PDs (reference_pd_<name>.csv):
--
--   psql -f compare.sql
--
-- Both are fitted on split = 'train' and judged on split = 'test' by
-- loan_risk.auc and loan_risk.hosmer_lemeshow (10 groups).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS credit CASCADE;
CREATE SCHEMA credit;

CREATE TABLE credit.german_credit (
  id int PRIMARY KEY, "Duration" int, "Amount" int, "InstallmentRatePercentage" int,
  "ResidenceDuration" int, "Age" int, "NumberExistingCredits" int, "NumberPeopleMaintenance" int,
  "Telephone" int, "ForeignWorker" int, "CheckingAccountStatus" text, "CreditHistory" text,
  "Purpose" text, "SavingsAccountBonds" text, "EmploymentDuration" text, "Personal" text,
  "OtherDebtorsGuarantors" text, "Property" text, "OtherInstallmentPlans" text, "Housing" text,
  "Job" text, bad int, split text);
\copy credit.german_credit FROM 'german_credit.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE credit.credit_data (
  id int PRIMARY KEY, "Seniority" int, "Home" text, "Time" int, "Age" int, "Marital" text,
  "Records" text, "Job" text, "Expenses" int, "Income" int, "Assets" int, "Debt" int,
  "Amount" int, "Price" int, bad int, split text);
\copy credit.credit_data FROM 'credit_data.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE credit.hmda (
  id int PRIMARY KEY, pirat float8, hirat float8, lvrat float8, chist int, mhist int, phist text,
  unemp float8, selfemp text, insurance text, condomin text, afam text, single text, hschool text,
  bad int, split text);
\copy credit.hmda FROM 'hmda.csv' WITH (FORMAT csv, HEADER)

CREATE TABLE credit.reference_pd (dataset text, id int, pd float8, PRIMARY KEY (dataset, id));
CREATE TEMP TABLE r (id int, pd float8);
\copy r FROM 'reference_pd_german_credit.csv' WITH (FORMAT csv, HEADER)
INSERT INTO credit.reference_pd SELECT 'german_credit', * FROM r;
TRUNCATE r;
\copy r FROM 'reference_pd_credit_data.csv' WITH (FORMAT csv, HEADER)
INSERT INTO credit.reference_pd SELECT 'credit_data', * FROM r;
TRUNCATE r;
\copy r FROM 'reference_pd_hmda.csv' WITH (FORMAT csv, HEADER)
INSERT INTO credit.reference_pd SELECT 'hmda', * FROM r;

-- The features: every column but id, the target and the split (and, for
-- hmda, afam: race is not a lawful credit criterion).
CREATE TABLE credit.cards AS
SELECT d AS dataset,
       loan_risk.train_scorecard(format('SELECT * FROM credit.%I WHERE split = ''train''', d), 'bad',
         ARRAY(SELECT attname::text FROM pg_attribute
               WHERE attrelid = format('credit.%I', d)::regclass AND attnum > 0 AND NOT attisdropped
                 AND attname NOT IN ('id', 'bad', 'split', 'afam') ORDER BY attnum)) AS card
FROM unnest('{german_credit,credit_data,hmda}'::text[]) d;

CREATE FUNCTION credit.test_pd(dataset text, card loan_risk.scorecard)
RETURNS TABLE (id int, pd float8, bad int) LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format('SELECT t.id, loan_risk.pd($1, t), t.bad FROM credit.%I t WHERE t.split = ''test''', dataset)
    USING card;
END $$;

CREATE TABLE credit.comparison AS
WITH s AS (
  SELECT c.dataset, 'loan_risk.train_scorecard' AS model, p.pd, p.bad,
         jsonb_array_length((c.card::jsonb)->'features') AS features
  FROM credit.cards c, credit.test_pd(c.dataset, c.card) p
  UNION ALL
  SELECT r.dataset, 'reference WOE scorecard', r.pd, t.bad, NULL
  FROM credit.reference_pd r
  JOIN LATERAL credit.test_pd(r.dataset, NULL) t ON t.id = r.id
)
SELECT dataset, model, count(*) AS test_rows, max(features) AS features,
       round(loan_risk.auc(pd, bad = 1)::numeric, 4) AS auc,
       round((loan_risk.hosmer_lemeshow(pd, bad = 1, 10)).statistic::numeric, 2) AS hosmer_lemeshow,
       round((loan_risk.hosmer_lemeshow(pd, bad = 1, 10)).p_value::numeric, 3) AS hl_p_value,
       round(avg(pd)::numeric, 4) AS mean_pd, round(avg(bad)::numeric, 4) AS bad_rate
FROM s GROUP BY dataset, model;
