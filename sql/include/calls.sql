-- Included by the catalog-driven tests (security_null_args, security_search_path):
-- sample data, a valid sample value for every argument type of the extension,
-- and nt_call: one SQL statement per function or aggregate of loan_risk and
-- per combination of NULL arguments, generated from the catalog.
--
-- Every name in the generated statements and sample values is qualified
-- (pg_catalog.count, ::pg_catalog.text, public.nt_app), so that they can run
-- under a hostile search_path and resolve nothing there.  The tables named
-- public.nt_* are read only through the query strings (and table names) given
-- to functions, never by the statements themselves: security_readonly swaps
-- them for views that write.

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
-- Logged decisions of a champion/challenger test.
CREATE TABLE nt_decisions (arm text, outcome text, pd float8, limit_amount numeric, bad integer);
INSERT INTO nt_decisions VALUES ('a', 'approve', 0.1, 1000, 1), ('b', 'decline', 0.3, NULL, 0);
-- A list a strategy looks applicants up in (by region).
CREATE TABLE nt_list (region text PRIMARY KEY);
INSERT INTO nt_list VALUES ('east');

-- The applicant row of the record samples.
CREATE TABLE sample_app AS SELECT * FROM nt_app WHERE id = 1;

-- One valid value of every state type, made by its _partial aggregate, and of the other types of the extension.
CREATE TABLE sample_values AS
SELECT (SELECT card FROM nt_card) AS scorecard,
       (SELECT loan_risk.brier_partial(x / 103, bad) FROM nt_app) AS brier,
       (SELECT loan_risk.gains_table_partial(x / 103, bad, 5) FROM nt_app) AS score_dist,
       (SELECT loan_risk.iv_partial(region, bad) FROM nt_app) AS bucket_dist,
       (SELECT loan_risk.merchant_features_partial(timestamptz '2024-01-01' + id * interval '1 hour', amount, region)
        FROM nt_app) AS merchant_profile,
       (SELECT loan_risk.borrowing_features_partial(date '2023-01-01' + id, date '2024-01-01' + id, amount, 0)
        FROM nt_app) AS borrowing,
       (SELECT loan_risk.prebin_partial(bad, ARRAY[x], '{}'::text[]) FROM nt_app) AS prebin,
       (SELECT loan_risk.logit_step_partial('{0,0}', bad, 1, 0, ARRAY[x]) FROM nt_app) AS logit_step,
       (SELECT loan_risk.apr_partial(CASE WHEN id = 1 THEN -1000 ELSE 90 END, date '2024-01-01' + id * 30)
        FROM nt_app WHERE id <= 13) AS apr,
       (SELECT loan_risk.daily_interest_partial(amount, date '2024-01-01' + id, 0.0005, date '2024-12-31')
        FROM nt_app) AS daily_interest,
       (SELECT loan_risk.iforest_train_partial(id, ARRAY[x], '{x}') FROM nt_app a) AS iforest_train,
       (SELECT loan_risk.iforest_train(id, ARRAY[x], '{x}') FROM nt_app a) AS iforest,
       (SELECT loan_risk.robust_stats_partial(x) FROM nt_app) AS robust_stats,
       (SELECT loan_risk.robust_stats(x) FROM nt_app) AS robust_summary,
       loan_risk.binning('nt_app', 'bad', '{x,region}') AS binning,
       (SELECT jsonb_build_object('format', 'loan_risk.strategy/1', 'name', 'nt', 'version', '1', 'key', 'id',
          'stages', jsonb_build_object(
            'knock_out', '{"rules": [{"name": "KO_X", "dimension": "applicant", "reason": "x below 100",
                                      "column": "x", "op": "<", "value": 100}]}'::jsonb,
            'score', jsonb_build_object('arms', jsonb_build_array(
              jsonb_build_object('name', 'a', 'share', 0.5, 'approve_at', 0, 'card', c.card::jsonb),
              jsonb_build_object('name', 'b', 'share', 0.5, 'approve_at', 0, 'card', c.card::jsonb))),
            'limit', '{"monthly_revenue": "amount", "policy": {"bands": [{"max_pd": 1, "revenue_multiple": 2}]}}'::jsonb,
            'price', '{"lgd": 0.4, "term_months": 12, "requested_term": "term",
                       "policy": {"cost_of_funds": 0.05, "acquisition_cost": 0.012, "credit_data_cost": 0.003,
                                  "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04}}'::jsonb,
            'offers', jsonb_build_object('products', (SELECT jsonb_agg(to_jsonb(p) || jsonb_build_object('approval_model',
                                                                                  p.approval_model::jsonb))
                                                      FROM nt_products p))))::loan_risk.strategy
        FROM nt_card c) AS strategy;
-- The same strategy with every stage: list lookups (the SQL a strategy runs)
-- and the anomaly stage's isolation forest.
ALTER TABLE sample_values ADD COLUMN strategy_lists loan_risk.strategy;
UPDATE sample_values SET strategy_lists = jsonb_set(jsonb_set(strategy::jsonb, '{stages,identity}',
  '{"lists": [{"code": "NT_LIST", "list": "black", "schema": "public", "table": "nt_list", "key_column": "region",
               "column": "region", "reason": "Region listed"}]}'),
  '{stages,anomaly}', jsonb_build_object('model', iforest::jsonb, 'refer_at', 0.9, 'decline_at', 0.95))::loan_risk.strategy;
SELECT count(*) FILTER (WHERE v IS NULL) AS null_samples FROM sample_values, LATERAL jsonb_each(to_jsonb(sample_values)) e(k, v);

-- ---------------------------------------------------------------- sample values
-- By argument type, narrowed by argument name and by function name where a
-- type means different things (a query, a policy, a method).  A transition
-- function without argument names takes those of its aggregate.  null_expr:
-- how to write a NULL of a pseudo-type argument.  internal has no value in
-- SQL, not even NULL: a function taking it (a type's receive function, a
-- planner support function) cannot be called from SQL, and its calls fail
-- to parse (class 42).
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
  ('integer', 'max_distinct', NULL, '16384'),
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
  -- In an aggregate's call, g is the row (1 or 2): apr needs flows of both signs on two dates.
  ('numeric', 'amount', 'apr', '(ARRAY[-1000, 1100]::pg_catalog.numeric[])[g]'),
  ('numeric', 'amount', 'apr_partial', '(ARRAY[-1000, 1100]::pg_catalog.numeric[])[g]'),
  ('date', 'paid_on', 'apr', '(ARRAY[''2024-02-14'', ''2024-03-15'']::pg_catalog.date[])[g]'),
  ('date', 'paid_on', 'apr_partial', '(ARRAY[''2024-02-14'', ''2024-03-15'']::pg_catalog.date[])[g]'),
  ('numeric[]', NULL, NULL, '''{-1000,90,90,90,90,90,90,90,90,90,90,90,90}'''),
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
  ('text', 'source', NULL, '''public.nt_app'''),
  ('text', 'target', NULL, '''bad'''),
  ('text', 'edges_sql', NULL, '''SELECT a, b FROM public.nt_edges'''),
  ('text', 'seeds_sql', NULL, '''SELECT 1::pg_catalog.int8'''),
  ('text', 'pairs_sql', NULL, '''SELECT a, b FROM public.nt_edges'''),
  ('text', 'loans_sql', NULL, '''SELECT id, originated, amount, segment FROM public.nt_loans'''),
  ('text', 'performance_sql', NULL, '''SELECT loan_id, month, dpd, balance, status, segment FROM public.nt_perf'''),
  ('text', 'performance_sql', 'vintage', '''SELECT loan_id, month, dpd, balance, status FROM public.nt_perf'''),
  ('text', 'cases_sql', NULL, '''SELECT case_id, balance, roll_forward_risk, dpd FROM public.nt_cases'''),
  ('text', 'queues_sql', NULL, '''SELECT * FROM public.nt_queues'''),
  ('text', 'data_sql', NULL, '''SELECT * FROM public.nt_app'''),
  ('text', 'products', NULL, '''public.nt_products'''),
  ('text', 'applicants', NULL, '''SELECT * FROM public.nt_app LIMIT 20'''),
  ('text', 'id_column', NULL, '''id'''),
  ('text', 'amount_column', NULL, '''amount'''),
  ('text', 'term_column', NULL, '''term'''),
  ('text', 'order_by', NULL, '''probability'''),
  -- The zone of the sample merchant_profile state (pg_regress's session zone).
  ('text', 'time_zone', NULL, '''America/Los_Angeles'''),
  ('text[]', NULL, NULL, '''{x}'''),
  -- The pre-binning and WOE-step samples have one numeric feature (x) and no categorical one.
  ('text[]', 'categorical_features', NULL, '''{}'''),
  ('text', 'kinds', NULL, '''n'''),
  ('double precision[]', NULL, NULL, '''{0}'''),
  ('double precision[]', 'coefficients', NULL, '''{0,0}'''),
  ('double precision[]', 'exact_values', NULL, '''{}'''),
  ('jsonb', NULL, NULL, '''{}'''),
  ('jsonb', 'binning', NULL, '(SELECT binning FROM public.sample_values)'),
  -- Products as a value (a literal: it reads no table).
  ('jsonb', 'products', NULL, $$'[{"product_id": "p1", "bank": "Bank A", "min_amount": 500, "max_amount": 50000,
     "min_term": 6, "max_term": 24, "rate": 0.10,
     "rules": [{"dimension": "applicant", "reason": "x below 90", "column": "x", "op": "<", "value": 90}]}]'$$),
  ('jsonb', 'rules', NULL, $$'[{"dimension": "applicant", "reason": "r", "column": "x", "op": "<", "value": 90}]'$$),
  ('jsonb', 'policy', 'credit_limit', $$'{"bands": [{"max_pd": 0.1, "revenue_multiple": 2}],
     "debt_service": {"max_share": 0.3, "annual_rate": 0.24, "term_months": 12}}'$$),
  ('jsonb', 'policy', 'adjust_limit', $$'{"freeze": {"days_past_due": 30}, "decrease": {"step": 0.25, "pd": 0.15},
     "increase": {"step": 0.2, "max_limit": 50000}}'$$),
  ('jsonb', 'policy', 'price_loan', $$'{"cost_of_funds": 0.05, "acquisition_cost": 0.012, "credit_data_cost": 0.003,
     "operating_cost": 0.03, "management_cost": 0.01, "target_margin": 0.04, "apr_cap": 0.36}'$$),
  ('cstring', NULL, NULL, '''x'''),
  ('uuid', NULL, NULL, '''00000000-0000-0000-0000-000000000001'''),
  ('loan_risk.scorecard', NULL, NULL, '(SELECT scorecard FROM public.sample_values)'),
  ('loan_risk.brier_state', NULL, NULL, '(SELECT brier FROM public.sample_values)'),
  ('loan_risk.score_dist_state', NULL, NULL, '(SELECT score_dist FROM public.sample_values)'),
  ('loan_risk.bucket_dist_state', NULL, NULL, '(SELECT bucket_dist FROM public.sample_values)'),
  ('loan_risk.merchant_profile_state', NULL, NULL, '(SELECT merchant_profile FROM public.sample_values)'),
  ('loan_risk.borrowing_state', NULL, NULL, '(SELECT borrowing FROM public.sample_values)'),
  ('loan_risk.prebin_state', NULL, NULL, '(SELECT prebin FROM public.sample_values)'),
  ('loan_risk.logit_step_state', NULL, NULL, '(SELECT logit_step FROM public.sample_values)'),
  ('loan_risk.apr_state', NULL, NULL, '(SELECT apr FROM public.sample_values)'),
  ('loan_risk.daily_interest_state', NULL, NULL, '(SELECT daily_interest FROM public.sample_values)'),
  ('loan_risk.iforest_train_state', NULL, NULL, '(SELECT iforest_train FROM public.sample_values)'),
  ('loan_risk.iforest', NULL, NULL, '(SELECT iforest FROM public.sample_values)'),
  ('loan_risk.robust_stats_state', NULL, NULL, '(SELECT robust_stats FROM public.sample_values)'),
  ('loan_risk.robust_summary', NULL, NULL, '(SELECT robust_summary FROM public.sample_values)'),
  ('loan_risk.strategy', NULL, NULL, '(SELECT strategy FROM public.sample_values)'),
  -- Where a strategy's lists are looked up (not decide, IMMUTABLE; not replay, given
  -- the list hits), the one that has a list.
  ('loan_risk.strategy', NULL, 'decide_stable', '(SELECT strategy_lists FROM public.sample_values)'),
  ('loan_risk.strategy', NULL, 'decide_detail', '(SELECT strategy_lists FROM public.sample_values)'),
  ('loan_risk.strategy', NULL, 'compare_strategies', '(SELECT strategy_lists FROM public.sample_values)'),
  ('jsonb', 'input', 'replay', '(SELECT pg_catalog.to_jsonb(a) FROM public.sample_app a)'),
  ('text[]', 'list_hits', 'replay', '''{}'''),
  ('text', 'outcome_column', NULL, '''bad'''),
  ('text', 'source', 'compare_arms', '''public.nt_decisions''');
INSERT INTO nt_sample (typ, argname, proname, expr, null_expr) VALUES
  ('"any"', NULL, NULL, '1.5::pg_catalog.float8', 'NULL::pg_catalog.float8'),
  ('anyelement', NULL, NULL, '1::pg_catalog.int4', 'NULL::pg_catalog.int4'),
  ('record', NULL, NULL, '(SELECT a FROM public.sample_app a)', 'NULL::public.sample_app'),
  ('internal', NULL, NULL, NULL, 'NULL::pg_catalog.internal');

-- The sample for argument (type, name) of function proname.
CREATE FUNCTION nt_pick(t regtype, n text, p name) RETURNS nt_sample LANGUAGE sql STABLE AS $$
  SELECT * FROM nt_sample
  WHERE typ = t AND (argname IS NULL OR argname = n) AND (proname IS NULL OR proname = p)
  ORDER BY proname IS NULL, argname IS NULL LIMIT 1
$$;

-- A type's name, schema-qualified (pg_catalog.float8[], loan_risk.scorecard).
CREATE FUNCTION nt_type(t oid) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN ty.typcategory = 'A' AND ty.typelem <> 0 AND ty.typname LIKE '\_%' THEN nt_type(ty.typelem) || '[]'
              ELSE format('%I.%I', n.nspname, ty.typname) END
  FROM pg_type ty JOIN pg_namespace n ON n.oid = ty.typnamespace WHERE ty.oid = t
$$;

-- ---------------------------------------------------------------- the calls
-- One statement per function or aggregate of the catalog and combination of
-- NULL arguments (bit i of mask: argument i+1 is NULL).  Forms: 'rows' (an
-- aggregate over two rows), 'empty' (an aggregate over no rows, arguments
-- valid), and for VARIADIC "any": 'variadic array' (the last argument as an
-- explicit VARIADIC array) and 'variadic null' (a NULL VARIADIC array).
CREATE TABLE nt_call (fn text, kind "char", form text, mask integer, q text);
CREATE TABLE nt_missing (fn text, argtype text);
DO $calls$
DECLARE
  f record;
  n integer;
  val text[];
  nul text[];
  missing boolean;
  s nt_sample;
  callee text;
  vari boolean;
  q text;
  args text;
  forms text[];
  form text;
BEGIN
  FOR f IN
    SELECT p.oid, p.oid::regprocedure::text AS fn, p.proname, p.prokind, p.pronargs,
           ARRAY(SELECT unnest(p.proargtypes::oid[])) AS argtypes, p.prorettype, p.provariadic,
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
      CONTINUE;  -- a procedure or window function: listed as not exercised
    END IF;
    n := f.pronargs;
    val := '{}';
    nul := '{}';
    missing := false;
    FOR i IN 1 .. n LOOP
      s := nt_pick(f.argtypes[i]::regtype, f.argnames[i], f.proname);
      IF s.typ IS NULL THEN
        INSERT INTO nt_missing VALUES (f.fn, format_type(f.argtypes[i], NULL));
        missing := true;
        CONTINUE;
      END IF;
      -- A type's input function reads the text of a valid value of the type.
      IF f.argtypes[i] = 'cstring'::regtype AND (nt_pick(f.prorettype::regtype, NULL, NULL)).expr IS NOT NULL THEN
        s.expr := format('(%s)::pg_catalog.text', (nt_pick(f.prorettype::regtype, NULL, NULL)).expr);
      END IF;
      IF s.null_expr IS NULL THEN
        s.null_expr := 'NULL::' || nt_type(f.argtypes[i]);
      END IF;
      IF s.expr IS NOT NULL AND s.typ NOT IN ('"any"'::regtype, 'anyelement'::regtype, 'record'::regtype) THEN
        s.expr := format('(%s)::%s', s.expr, nt_type(f.argtypes[i]));
      END IF;
      val := val || s.expr;
      nul := nul || s.null_expr;
    END LOOP;
    IF missing THEN
      CONTINUE;
    END IF;
    vari := f.provariadic <> 0 AND f.provariadic <> '"any"'::regtype;
    callee := format('loan_risk.%I', f.proname);

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
      IF f.provariadic = '"any"'::regtype AND mask & ((1 << (n - 1)) - 1) = 0 THEN
        forms := forms || CASE WHEN mask = 0 THEN 'variadic array' ELSE 'variadic null' END;
      END IF;
      FOREACH form IN ARRAY forms LOOP
        q := CASE WHEN form = 'variadic array' THEN regexp_replace(args, '[^,]*$', ' VARIADIC ARRAY[' || val[n] || ']')
                  WHEN form = 'variadic null' THEN regexp_replace(args, '[^,]*$', ' VARIADIC NULL::pg_catalog.float8[]')
                  ELSE coalesce(args, '') END;
        q := format('%s(%s)', callee, q);
        -- The result through its output function (NULL::internal cannot be written).
        q := format('SELECT pg_catalog.count(%s) FROM (SELECT %s AS x %s) s',
                    CASE WHEN f.prorettype = 'internal'::regtype THEN 'x IS NULL' ELSE '(x)::pg_catalog.text' END, q,
                    CASE WHEN f.prokind <> 'a' THEN ''
                         WHEN form = 'empty' THEN 'FROM pg_catalog.generate_series(1, 0) g'
                         ELSE 'FROM pg_catalog.generate_series(1, 2) g' END);
        INSERT INTO nt_call VALUES (f.fn, f.prokind, form, mask, q);
      END LOOP;
    END LOOP;
  END LOOP;
END
$calls$;
