-- Every float8 input of every function and aggregate of the extension at the
-- edges of float8, from the catalog (so a function added later is covered
-- without anyone listing it): each float8 argument in turn, every element of
-- each float8[] argument (feature arrays), the float8 column
-- of an applicant row (score, pd, decide, anomaly_score, ...), and one row in
-- seven of the sample table that query strings and table names read
-- (binning, train_scorecard, compare_strategies, ...), set to NaN, ±Infinity,
-- ±5e-324 (subnormal), the smallest normal number, ±1e308, the largest float8
-- and -0; the other arguments keep their valid sample values
-- (sql/include/calls.sql).  Each call gives a value or a clear error (class
-- 22, naming the input), never an internal error; a finite input never gives
-- NaN, and gives ±Infinity only where the documentation says so.
SET client_min_messages = warning;
\set ECHO none
\i sql/include/calls.sql
\set ECHO all

CREATE TABLE fa_value (v text, finite boolean);
INSERT INTO fa_value VALUES ('NaN', false), ('Infinity', false), ('-Infinity', false), ('5e-324', true),
  ('-5e-324', true), ('2.2250738585072014e-308', true), ('1e308', true), ('-1e308', true),
  ('1.7976931348623157e308', true), ('-0', true);
-- The sample applicant row and the sample table with x at each value.
DO $$
DECLARE
  r record;
  k integer := 0;
BEGIN
  FOR r IN SELECT * FROM fa_value LOOP
    k := k + 1;
    EXECUTE format('CREATE TABLE public.fa_app_%s AS SELECT id, %L::float8 AS x, region, amount, term, bad
                    FROM public.sample_app', k, r.v);
    EXECUTE format('CREATE TABLE public.fa_nt_app_%s AS
                    SELECT id, CASE WHEN id %% 7 = 0 THEN %L::float8 ELSE x END AS x, region, amount, term, bad
                    FROM public.nt_app', k, r.v);
  END LOOP;
END
$$;

-- fa_result: the call's outcome (SQLSTATE and message) and its result as text.
CREATE TABLE fa_result (fn text, arg text, v text, finite boolean, sqlstate text, message text, result text);
DO $driver$
DECLARE
  f record;
  v record;
  base text;
  pre text;
  sample text;
  n integer;
  q text;
  k integer;
  st text;
  msg text;
  res text;
BEGIN
  FOR f IN
    SELECT p.oid::regprocedure::text AS fn, ARRAY(SELECT unnest(p.proargtypes::oid[])) AS argtypes, p.pronargs
    FROM pg_proc p WHERE p.pronamespace = 'loan_risk'::regnamespace AND p.prokind IN ('f', 'a') ORDER BY 1
  LOOP
    SELECT c.q INTO base FROM nt_call c WHERE c.fn = f.fn AND c.mask = 0 AND c.form = 'rows';
    CONTINUE WHEN base IS NULL;
    FOR i IN 0 .. f.pronargs LOOP
      k := 0;
      FOR v IN SELECT * FROM fa_value LOOP
        k := k + 1;
        q := NULL;
        IF i = 0 THEN
          -- Argument 0: the rows of the sample table read through a query string or a table name.
          IF base LIKE '%public.nt\_app%' THEN
            q := replace(base, 'public.nt_app', 'public.fa_nt_app_' || k);
          END IF;
        ELSIF f.argtypes[i] = 'float8'::regtype THEN
          -- The call with this argument NULL, the NULL replaced by the value.
          SELECT replace(c.q, 'NULL::pg_catalog.float8', format('(%L)::pg_catalog.float8', v.v)) INTO q
          FROM nt_call c WHERE c.fn = f.fn AND c.mask = 1 << (i - 1) AND c.form = 'rows';
        ELSIF f.argtypes[i] = 'float8[]'::regtype THEN
          -- Every element of the valid array (of its length) at the value: the
          -- sample is what the valid call has where the NULL call has NULL.
          SELECT c.q INTO q FROM nt_call c WHERE c.fn = f.fn AND c.mask = 1 << (i - 1) AND c.form = 'rows';
          pre := split_part(q, 'NULL::pg_catalog.float8[]', 1);
          IF q IS NOT NULL AND left(base, length(pre)) = pre THEN
            sample := split_part(substr(base, length(pre) + 1), '::pg_catalog.float8[]', 1);
            EXECUTE format('SELECT pg_catalog.cardinality(%s::pg_catalog.float8[])', sample) INTO n;
            q := CASE WHEN n > 0 THEN replace(q, 'NULL::pg_catalog.float8[]',
                                              format('pg_catalog.array_fill((%L)::pg_catalog.float8, ARRAY[%s])', v.v, n))
                 END;
          ELSE
            q := NULL;
          END IF;
        ELSIF f.argtypes[i] = 'record'::regtype AND base LIKE '%public.sample\_app a%' THEN
          q := replace(base, 'public.sample_app a', format('public.fa_app_%s a', k));
        END IF;
        CONTINUE WHEN q IS NULL;
        -- The results as text, instead of their count.
        q := replace(replace(q, 'SELECT pg_catalog.count(', 'SELECT pg_catalog.string_agg('),
                     '::pg_catalog.text) FROM', '::pg_catalog.text, '';'') FROM');
        BEGIN
          EXECUTE q INTO res;
          st := '00000';
          msg := NULL;
        EXCEPTION WHEN OTHERS THEN
          GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
          res := NULL;
        END;
        INSERT INTO fa_result VALUES (f.fn, CASE WHEN i = 0 THEN 'rows read' WHEN f.argtypes[i] = 'record'::regtype
                                                 THEN 'row' WHEN f.argtypes[i] = 'float8[]'::regtype
                                                 THEN 'array argument ' || i ELSE 'argument ' || i END,
                                      v.v, v.finite, st, msg, res);
      END LOOP;
    END LOOP;
  END LOOP;
END
$driver$;

SELECT count(*) > 1000 AS calls, count(DISTINCT fn) > 70 AS functions,
       count(DISTINCT fn) FILTER (WHERE arg LIKE 'array%') > 10 AS with_arrays,
       count(DISTINCT fn) FILTER (WHERE arg = 'row') > 10 AS with_rows,
       count(DISTINCT fn) FILTER (WHERE arg = 'rows read') > 5 AS reading_rows
FROM fa_result;
-- Every error is a data exception (class 22) naming the input: no internal
-- error, no resource error, nothing else (must be empty).
SELECT fn, arg, v, sqlstate, message FROM fa_result WHERE sqlstate <> '00000' AND sqlstate NOT LIKE '22%' ORDER BY 1, 2, 3;
-- The errors, by message.
SELECT sqlstate, regexp_replace(message, '-?[0-9.]+e[-+][0-9]+|-?Infinity|NaN|-?[0-9]+(\.[0-9]+)?', '<v>', 'g') AS message,
       count(*) AS calls
FROM fa_result WHERE sqlstate <> '00000' GROUP BY 1, 2 ORDER BY 1, 2;
-- A finite input never gives NaN (must be empty).
SELECT fn, arg, v, result FROM fa_result WHERE finite AND sqlstate = '00000' AND result ~ 'NaN' ORDER BY 1, 2, 3;
-- A finite input giving ±Infinity: only the documented cases (a
-- Hosmer-Lemeshow term of a group with no expected variance, a robust z-score
-- beyond the float8 range).
SELECT fn, arg, string_agg(v, ', ' ORDER BY v) AS finite_values
FROM fa_result WHERE finite AND sqlstate = '00000' AND result ~ 'Infinity' GROUP BY 1, 2 ORDER BY 1, 2;
-- Non-finite inputs that give a value: the documented treatment of each
-- (NaN is missing for scorecards, binning and forests, ±Infinity fall in the
-- end bins, metrics order them as PostgreSQL does, NaN in gives NaN out).
SELECT fn, arg, string_agg(v, ', ' ORDER BY v) AS accepted
FROM fa_result WHERE NOT finite AND sqlstate = '00000' GROUP BY 1, 2 ORDER BY 1, 2;
