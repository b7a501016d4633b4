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
SELECT loan_risk.prebin_bins(loan_risk.prebin_partial(1, NULL, i), '{i}') IS NULL AS empty_input
FROM generate_series(1, 0) i;
SELECT loan_risk.prebin_bins(loan_risk.prebin_partial(i % 2, NULL, i), NULL) IS NULL AS null_names
FROM generate_series(1, 10) i;
SELECT loan_risk.prebin_bins(loan_risk.prebin_partial(i % 2, NULL, i), '{i}', NULL) ->> 'rows' AS null_options_are_defaults
FROM generate_series(1, 10) i;

-- ---------------------------------------------------------------- sample data
CREATE TABLE nt_app (id integer, x float8, region text, amount numeric, term integer, bad integer);
INSERT INTO nt_app
SELECT i, (hashint4(i) & 1023) / 10.0, (ARRAY['north', 'east', 'west'])[1 + (hashint4(i * 7) & 1023) % 3],
       1000 + i, 12, CASE WHEN (hashint4(i * 13) & 1023) < 100 + (hashint4(i) & 1023) / 3 THEN 1 ELSE 0 END
FROM generate_series(1, 400) i;
CREATE TABLE nt_card AS SELECT loan_risk.train_scorecard('nt_app', 'bad', '{x}') AS card;
CREATE TABLE nt_products (product_id text, bank text, product_type text, min_amount numeric, max_amount numeric,
  min_term int, max_term int, rate numeric, min_rate numeric, max_rate numeric, rules jsonb,
  approval_model loan_risk.scorecard);
INSERT INTO nt_products
SELECT 'p1', 'Bank A', 'tax_loan', 500, 50000, 6, 24, 0.10, NULL, NULL,
       '[{"dimension": "applicant", "reason": "x below 90", "column": "x", "op": "<", "value": 90}]', card
FROM nt_card;
CREATE TABLE nt_edges (a bigint, b bigint);
INSERT INTO nt_edges SELECT i, 1 + hashint4(i) & 31 FROM generate_series(1, 40) i;
CREATE TABLE nt_loans (id bigint, originated date, amount numeric, segment text);
INSERT INTO nt_loans VALUES (1, '2024-01-15', 1000.00, 'a'), (2, '2024-02-03', 500.50, NULL);
CREATE TABLE nt_perf (loan_id bigint, month date, dpd integer, balance numeric, status text, segment text);
INSERT INTO nt_perf VALUES
  (1, '2024-01-01', 0, 1000, 'open', 'a'), (1, '2024-02-01', 35, 900, 'open', 'a'),
  (1, '2024-03-01', NULL, 900, 'written_off', 'a'),
  (2, '2024-02-01', 0, 500.5, 'open', NULL), (2, '2024-03-01', 40, 500.5, 'open', NULL);
CREATE TABLE nt_cases (case_id bigint, balance numeric, roll_forward_risk float8, dpd integer);
INSERT INTO nt_cases VALUES (101, 12000, 0.60, 120), (102, 800, 0.2, 5);
CREATE TABLE nt_queues (queue text, rank integer, capacity integer, min_risk float8, min_balance numeric, min_dpd integer);
INSERT INTO nt_queues VALUES ('legal', 1, 1, NULL, 5000, 90), ('reminder', 2, NULL, NULL, NULL, NULL);

-- One valid value of every state type, made by its _partial aggregate, and of the other types of the extension.
CREATE TABLE nt_value AS
SELECT (SELECT card FROM nt_card) AS scorecard,
       (SELECT loan_risk.brier_partial(x / 103, bad) FROM nt_app) AS brier,
       (SELECT loan_risk.gains_table_partial(x / 103, bad, 5) FROM nt_app) AS score_dist,
       (SELECT loan_risk.iv_partial(region, bad) FROM nt_app) AS bucket_dist,
       (SELECT loan_risk.merchant_features_partial(timestamptz '2024-01-01' + id * interval '1 hour', amount, region)
        FROM nt_app) AS merchant_profile,
       (SELECT loan_risk.borrowing_features_partial(date '2023-01-01' + id, date '2024-01-01' + id, amount, 0)
        FROM nt_app) AS borrowing,
       (SELECT loan_risk.prebin_partial(bad, '{0}', x) FROM nt_app) AS prebin,
       (SELECT loan_risk.logit_step_partial('{0,0}', bad, 1, 0, x) FROM nt_app) AS logit_step,
       (SELECT loan_risk.apr_partial(CASE WHEN id = 1 THEN -1000 ELSE 90 END, date '2024-01-01' + id * 30)
        FROM nt_app WHERE id <= 13) AS apr,
       (SELECT loan_risk.daily_interest_partial(amount, date '2024-01-01' + id, 0.0005, date '2024-12-31')
        FROM nt_app) AS daily_interest,
       (SELECT loan_risk.iforest_train_partial(id, a, '{x}') FROM nt_app a) AS iforest_train,
       (SELECT loan_risk.iforest_train(id, a, '{x}') FROM nt_app a) AS iforest,
       (SELECT loan_risk.robust_stats_partial(x) FROM nt_app) AS robust_stats,
       (SELECT loan_risk.robust_stats(x) FROM nt_app) AS robust_summary;
SELECT count(*) FILTER (WHERE v IS NULL) AS null_samples FROM nt_value, LATERAL jsonb_each(to_jsonb(nt_value)) e(k, v);

-- Sample values: by argument type, narrowed by argument name and by function
-- name where a type means different things (a query, a policy, a method).
-- null_expr: how to write a NULL of a pseudo-type argument.  internal has no
-- value in SQL, not even NULL: such a function (a type's receive function, a
-- planner support function) cannot be called from SQL, and its calls fail to
-- parse (class 42).
CREATE TABLE nt_sample (typ regtype NOT NULL, argname text, proname text, expr text, null_expr text);
INSERT INTO nt_sample (typ, argname, proname, expr) VALUES
  ('boolean', NULL, NULL, 'true'),
  ('boolean', 'directed', NULL, 'false'),
  ('smallint', NULL, NULL, '1'),
  ('integer', NULL, NULL, '1'),
  ('integer', 'term_months', NULL, '12'),
  ('integer', 'requested_term', NULL, '12'),
  ('integer', 'months_on_book', NULL, '12'),
  ('integer', 'periods_per_year', NULL, '12'),
  ('integer', 'iterations', NULL, '10'),
  ('integer', 'n', NULL, '3'),
  ('integer', 'n_bins', NULL, '5'),
  ('integer', 'n_buckets', NULL, '5'),
  ('integer', 'n_groups', NULL, '5'),
  ('integer', 'max_attribute_degree', NULL, '10'),
  ('integer', 'exact_limit', NULL, '100000'),
  ('integer', 'days_past_due', NULL, '0'),
  ('integer', 'max_days_past_due', NULL, '0'),
  ('bigint', NULL, NULL, '3'),
  ('real', NULL, NULL, '0.5'),
  ('double precision', NULL, NULL, '0.05'),
  ('double precision', 'damping', NULL, '0.85'),
  ('double precision', 'score', NULL, '600'),
  ('double precision', 'value', NULL, '1.5'),
  ('double precision', 'lgd', NULL, '0.45'),
  ('numeric', NULL, NULL, '1000'),
  ('numeric', 'annual_rate', NULL, '0.12'),
  ('numeric', 'daily_rate', NULL, '0.0005'),
  ('numeric', 'upfront_fee', NULL, '10'),
  ('numeric', 'existing_debt', NULL, '100'),
  ('numeric', 'monthly_revenue', NULL, '10000'),
  ('numeric', 'requested_amount', NULL, '5000'),
  ('date', NULL, NULL, '''2024-01-15'''),
  ('date', 'as_of', NULL, '''2024-12-31'''),
  ('date', 'end_date', NULL, '''2024-06-30'''),
  ('timestamp with time zone', NULL, NULL, '''2024-01-15 10:00:00+00'''),
  ('timestamp with time zone', 'as_of', NULL, '''2024-12-31 00:00:00+00'''),
  ('text', NULL, NULL, '''north'''),
  ('text', 'method', NULL, '''equal_installment'''),
  ('text', 'qualifier', NULL, '''t'''),
  ('text', 'id', NULL, '''11010519491231002X'''),
  ('text', 'code', NULL, '''91350100M000100Y43'''),
  ('text', 'phone', NULL, '''+86 138 0013 8000'''),
  ('text', 'card', NULL, '''4111 1111 1111 1111'''),
  ('text', 'digits', NULL, '''79927398713'''),
  ('text', 'source', NULL, '''nt_app'''),
  ('text', 'target', NULL, '''bad'''),
  ('text', 'edges_sql', NULL, '''SELECT a, b FROM nt_edges'''),
  ('text', 'seeds_sql', NULL, '''SELECT 1::bigint'''),
  ('text', 'pairs_sql', NULL, '''SELECT a, b FROM nt_edges'''),
  ('text', 'loans_sql', NULL, '''SELECT id, originated, amount, segment FROM nt_loans'''),
  ('text', 'performance_sql', NULL, '''SELECT loan_id, month, dpd, balance, status, segment FROM nt_perf'''),
  ('text', 'performance_sql', 'vintage', '''SELECT loan_id, month, dpd, balance, status FROM nt_perf'''),
  ('text', 'cases_sql', NULL, '''SELECT case_id, balance, roll_forward_risk, dpd FROM nt_cases'''),
  ('text', 'queues_sql', NULL, '''SELECT * FROM nt_queues'''),
  ('text', 'data_sql', NULL, '''SELECT * FROM nt_app'''),
  ('text', 'products', NULL, '''nt_products'''),
  ('text', 'applicants', NULL, '''SELECT * FROM nt_app WHERE id <= 20'''),
  ('text', 'id_column', NULL, '''id'''),
  ('text', 'amount_column', NULL, '''amount'''),
  ('text', 'term_column', NULL, '''term'''),
  ('text', 'order_by', NULL, '''probability'''),
  ('text[]', NULL, NULL, '''{x}'''),
  ('double precision[]', NULL, NULL, '''{0}'''),
  ('double precision[]', 'coefficients', NULL, '''{0,0}'''),
  -- In an aggregate's call, g is the row (1 or 2): apr needs flows of both signs on two dates.
  ('numeric', 'amount', 'apr', 'CASE WHEN g = 1 THEN -1000 ELSE 1100 END'),
  ('numeric', 'amount', 'apr_partial', 'CASE WHEN g = 1 THEN -1000 ELSE 1100 END'),
  ('date', 'paid_on', 'apr', 'date ''2024-01-15'' + 30 * g'),
  ('date', 'paid_on', 'apr_partial', 'date ''2024-01-15'' + 30 * g'),
  ('numeric[]', NULL, NULL, '''{-1000,90,90,90,90,90,90,90,90,90,90,90,90}'''),
  ('jsonb', NULL, NULL, '''{}'''),
  ('jsonb', 'binning', NULL, 'loan_risk.binning(''nt_app'', ''bad'', ''{x,region}'')'),
  ('jsonb', 'rules', NULL, $$'[{"dimension": "applicant", "reason": "r", "column": "x", "op": "<", "value": 90}]'$$),
  ('jsonb', 'policy', 'credit_limit', $$'{"bands": [{"max_pd": 0.1, "revenue_multiple": 2}],
     "debt_service": {"max_share": 0.3, "annual_rate": 0.24, "term_months": 12}}'$$),
  ('jsonb', 'policy', 'adjust_limit', $$'{"freeze": {"days_past_due": 30}, "decrease": {"step": 0.25, "pd": 0.15},
     "increase": {"step": 0.2, "max_limit": 50000}}'$$),
  ('jsonb', 'policy', 'price_loan', $$'{"cost_of_funds": 0.05, "acquisition_cost": 0.012, "credit_data_cost": 0.003,
     "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04, "apr_cap": 0.36}'$$),
  ('cstring', NULL, NULL, '''x'''),
  ('loan_risk.scorecard', NULL, NULL, '(SELECT scorecard FROM nt_value)'),
  ('loan_risk.brier_state', NULL, NULL, '(SELECT brier FROM nt_value)'),
  ('loan_risk.score_dist_state', NULL, NULL, '(SELECT score_dist FROM nt_value)'),
  ('loan_risk.bucket_dist_state', NULL, NULL, '(SELECT bucket_dist FROM nt_value)'),
  ('loan_risk.merchant_profile_state', NULL, NULL, '(SELECT merchant_profile FROM nt_value)'),
  ('loan_risk.borrowing_state', NULL, NULL, '(SELECT borrowing FROM nt_value)'),
  ('loan_risk.prebin_state', NULL, NULL, '(SELECT prebin FROM nt_value)'),
  ('loan_risk.logit_step_state', NULL, NULL, '(SELECT logit_step FROM nt_value)'),
  ('loan_risk.apr_state', NULL, NULL, '(SELECT apr FROM nt_value)'),
  ('loan_risk.daily_interest_state', NULL, NULL, '(SELECT daily_interest FROM nt_value)'),
  ('loan_risk.iforest_train_state', NULL, NULL, '(SELECT iforest_train FROM nt_value)'),
  ('loan_risk.iforest', NULL, NULL, '(SELECT iforest FROM nt_value)'),
  ('loan_risk.robust_stats_state', NULL, NULL, '(SELECT robust_stats FROM nt_value)'),
  ('loan_risk.robust_summary', NULL, NULL, '(SELECT robust_summary FROM nt_value)');
INSERT INTO nt_sample (typ, argname, proname, expr, null_expr) VALUES
  ('"any"', NULL, NULL, '1.5::float8', 'NULL::float8'),
  ('anyelement', NULL, NULL, '1::integer', 'NULL::integer'),
  ('record', NULL, NULL, '(SELECT a FROM nt_app a WHERE id = 1)', 'NULL::nt_app'),
  ('internal', NULL, NULL, NULL, 'NULL::internal');

-- The sample for argument (type, name) of function proname.
CREATE FUNCTION nt_pick(t regtype, n text, p name) RETURNS nt_sample LANGUAGE sql STABLE AS $$
  SELECT * FROM nt_sample
  WHERE typ = t AND (argname IS NULL OR argname = n) AND (proname IS NULL OR proname = p)
  ORDER BY proname IS NULL, argname IS NULL LIMIT 1
$$;

CREATE TABLE nt_result (fn text, kind "char", form text, mask integer, sqlstate text, message text);
CREATE TABLE nt_missing (fn text, argtype text);

-- ---------------------------------------------------------------- the driver
DO $driver$
DECLARE
  f record;
  types oid[];
  names text[];
  n integer;
  val text[];
  nul text[];
  missing boolean;
  s nt_sample;
  callee text;
  vari boolean;
  q text;
  args text;
  st text;
  msg text;
  forms text[];
  form text;
BEGIN
  FOR f IN
    SELECT p.oid, p.oid::regprocedure::text AS fn, p.proname, p.prokind, p.pronargs, ARRAY(SELECT unnest(p.proargtypes::oid[])) AS argtypes,
           p.prorettype, p.provariadic,
           CASE WHEN p.proargnames IS NULL
                -- A transition function without names: the state, then the names of its aggregate's arguments.
                THEN (SELECT NULL::text || ap.proargnames FROM pg_aggregate a JOIN pg_proc ap ON ap.oid = a.aggfnoid
                      WHERE a.aggtransfn = p.oid AND ap.pronargs = p.pronargs - 1 AND ap.proargnames IS NOT NULL
                      ORDER BY ap.oid LIMIT 1)
                WHEN p.proargmodes IS NULL THEN p.proargnames
                ELSE (SELECT array_agg(nm ORDER BY i) FROM unnest(p.proargnames, p.proargmodes) WITH ORDINALITY u(nm, md, i)
                      WHERE md IN ('i', 'b', 'v')) END AS argnames
    FROM pg_proc p
    WHERE p.pronamespace = 'loan_risk'::regnamespace
    ORDER BY p.oid::regprocedure::text
  LOOP
    IF f.prokind NOT IN ('f', 'a') THEN
      CONTINUE;  -- listed as not exercised below
    END IF;
    n := f.pronargs;
    types := f.argtypes;
    val := '{}';
    nul := '{}';
    missing := false;
    FOR i IN 1 .. n LOOP
      s := nt_pick(types[i]::regtype, f.argnames[i], f.proname);
      IF s.typ IS NULL THEN
        INSERT INTO nt_missing VALUES (f.fn, format_type(types[i], NULL));
        missing := true;
        CONTINUE;
      END IF;
      -- A type's input function reads the text of a valid value of the type.
      IF types[i] = 'cstring'::regtype AND (nt_pick(f.prorettype::regtype, NULL, NULL)).expr IS NOT NULL THEN
        s.expr := format('(%s)::text::cstring', (nt_pick(f.prorettype::regtype, NULL, NULL)).expr);
      END IF;
      IF s.null_expr IS NULL THEN
        s.null_expr := 'NULL::' || format_type(types[i], NULL);
      END IF;
      IF s.expr IS NOT NULL AND s.typ NOT IN ('"any"'::regtype, 'anyelement'::regtype, 'record'::regtype) THEN
        s.expr := format('(%s)::%s', s.expr, format_type(types[i], NULL));
      END IF;
      val := val || s.expr;
      nul := nul || s.null_expr;
    END LOOP;
    IF missing THEN
      CONTINUE;
    END IF;
    vari := f.provariadic <> 0 AND f.provariadic <> '"any"'::regtype;
    callee := format('loan_risk.%I', f.proname);

    -- Every combination of NULL arguments (bit i of mask: argument i+1 is NULL).
    FOR mask IN 0 .. (1 << n) - 1 LOOP
      args := NULL;
      FOR i IN 1 .. n LOOP
        IF mask & (1 << (i - 1)) = 0 AND val[i] IS NULL THEN
          args := NULL;  -- no value of this type can be written (internal)
          EXIT;
        END IF;
        args := concat_ws(', ', args, CASE WHEN vari AND i = n THEN 'VARIADIC ' ELSE '' END ||
                          CASE WHEN mask & (1 << (i - 1)) = 0 THEN val[i] ELSE nul[i] END);
      END LOOP;
      IF args IS NULL AND n > 0 THEN
        CONTINUE;
      END IF;
      forms := ARRAY['rows'];
      IF f.prokind = 'a' AND mask = 0 THEN
        forms := forms || 'empty'::text;
      END IF;
      -- VARIADIC "any" also takes an explicit array, or a NULL one.
      IF f.provariadic = '"any"'::regtype AND mask & ((1 << (n - 1)) - 1) = 0 THEN
        forms := forms || CASE WHEN mask = 0 THEN 'variadic array' ELSE 'variadic null' END;
      END IF;
      FOREACH form IN ARRAY forms LOOP
        q := CASE WHEN form = 'variadic array' THEN regexp_replace(args, '[^,]*$', ' VARIADIC ARRAY[' || val[n] || ']')
                  WHEN form = 'variadic null' THEN regexp_replace(args, '[^,]*$', ' VARIADIC NULL::float8[]')
                  ELSE coalesce(args, '') END;
        q := format('%s(%s)', callee, q);
        q := format('SELECT count(%s) FROM (SELECT %s AS x %s) s',
                    CASE WHEN f.prorettype = 'internal'::regtype THEN 'x IS NULL' ELSE 'x::text' END, q,
                    CASE WHEN f.prokind <> 'a' THEN ''
                         WHEN form = 'empty' THEN 'FROM generate_series(1, 0) g'
                         ELSE 'FROM generate_series(1, 2) g' END);
        BEGIN
          EXECUTE q;
          st := '00000';
          msg := NULL;
        EXCEPTION WHEN OTHERS THEN
          GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        END;
        INSERT INTO nt_result VALUES (f.fn, f.prokind, form, mask, st, msg);
      END LOOP;
    END LOOP;
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
ORDER BY 1::text;
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
