-- Every SQL-callable function and aggregate of loan_risk, found in the
-- catalog (so a function added later is covered without anyone listing it),
-- called with every combination of NULL arguments, the other arguments
-- filled with valid sample values of their types; every aggregate also over
-- empty input and over NULL-only input, and the VARIADIC "any" ones with an
-- explicit VARIADIC array (and a NULL one).  Errors are fine; a crash of the
-- backend fails the whole file.  An argument type without a sample value is
-- listed below, which fails the test: give the new type a sample in nt_sample.
SET datestyle = ISO;
SET client_min_messages = warning;

-- ---------------------------------------------------------------- the first reports
-- score_columns / pd_columns (what the planner turns score(card, t) into)
-- with NULL column names: an error, not a crash.
SELECT loan_risk.score_columns('{"format":"loan_risk.scorecard/1","base_points":0,"features":[]}', NULL, true, 1);
SELECT loan_risk.pd_columns('{"format":"loan_risk.scorecard/1","base_points":0,"features":[]}', NULL, true, 1);
-- ... a wrong number of names, or the columns as an explicit VARIADIC array: errors too.
SELECT loan_risk.score_columns('{"format":"loan_risk.scorecard/1","base_points":0,"features":[]}', '{a,b}', true, 1);
SELECT loan_risk.score_columns('{"format":"loan_risk.scorecard/1","base_points":0,"features":[]}', '{a}', true,
                               VARIADIC ARRAY[1]);
-- A NULL card, or a row that is not there, still gives NULL.
SELECT loan_risk.score_columns(NULL, NULL, true, 1) IS NULL AS null_card,
       loan_risk.score_columns('{"format":"loan_risk.scorecard/1","base_points":0,"features":[]}', NULL, false, 1) IS NULL AS no_row;
-- prebin_bins of a NULL state (prebin_partial over no rows) or NULL names: NULL.
SELECT loan_risk.prebin_bins(NULL, NULL) IS NULL AS null_state;
SELECT loan_risk.prebin_bins(loan_risk.prebin_partial(1, ARRAY[i]::float8[], NULL::text[]), '{i}') IS NULL AS empty_input
FROM generate_series(1, 0) i;
SELECT loan_risk.prebin_bins(loan_risk.prebin_partial(i % 2, ARRAY[i]::float8[], NULL::text[]), NULL) IS NULL AS null_names
FROM generate_series(1, 10) i;
SELECT loan_risk.prebin_bins(loan_risk.prebin_partial(i % 2, ARRAY[i]::float8[], NULL::text[]), '{i}', NULL) ->> 'rows' AS null_options_are_defaults
FROM generate_series(1, 10) i;

-- ---------------------------------------------------------------- every function
-- Sample data, sample values and the statements (nt_call), from the catalog.
\i sql/include/calls.sql

CREATE TABLE nt_result (fn text, kind "char", form text, mask integer, sqlstate text, message text);
DO $driver$
DECLARE
  c record;
  st text;
  msg text;
BEGIN
  FOR c IN SELECT * FROM nt_call ORDER BY fn, mask, form LOOP
    BEGIN
      EXECUTE c.q;
      st := '00000';
      msg := NULL;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    END;
    INSERT INTO nt_result VALUES (c.fn, c.kind, c.form, c.mask, st, msg);
  END LOOP;
END
$driver$;

-- ---------------------------------------------------------------- what it found
-- Argument types without a sample value (add one to nt_sample): must be none.
SELECT DISTINCT argtype AS type_without_sample FROM nt_missing ORDER BY 1;
-- Functions and aggregates not exercised: must be none.
SELECT p.oid::regprocedure AS not_exercised, p.prokind
FROM pg_proc p
WHERE p.pronamespace = 'loan_risk'::regnamespace
  AND p.oid::regprocedure::text NOT IN (SELECT fn FROM nt_result)
ORDER BY p.oid::regprocedure::text;
-- Internal errors (elog, "can't happen") reached from SQL: must be none.
SELECT fn, form, mask, sqlstate, message FROM nt_result
WHERE sqlstate LIKE 'XX%' OR sqlstate LIKE '58%' ORDER BY fn, form, mask;
-- Functions and aggregates whose call with every argument valid fails
-- (the sample values should make each one work).
SELECT fn, sqlstate, message FROM nt_result
WHERE mask = 0 AND form IN ('rows', 'empty') AND sqlstate <> '00000' ORDER BY fn, form;
-- The outcomes by SQLSTATE class.
SELECT DISTINCT left(sqlstate, 2) AS sqlstate_class FROM nt_result ORDER BY 1;
SELECT count(DISTINCT fn) = (SELECT count(*) FROM pg_proc WHERE pronamespace = 'loan_risk'::regnamespace) AS every_function_called,
       count(*) > 2000 AS many_calls
FROM nt_result;
