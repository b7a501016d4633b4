-- A hostile search_path: an unprivileged role creates a schema "evil" that
-- shadows, with the same signatures, every function and operator of
-- pg_catalog that SQL or PL/pgSQL can redefine, every base type (a domain
-- whose check runs the attacker's code), every catalog relation (a view),
-- and common type names with implicit casts.  Each shadow records its use in
-- evil.calls.  The superuser then puts evil first in search_path and calls
-- every function and aggregate of loan_risk (from the catalog, with valid
-- sample values: see sql/include/calls.sql), in memory and with
-- loan_risk.training_in_memory = off, and again with a query in place of
-- each table name.  Nothing the extension runs or
-- generates may resolve a name in evil: the record stays empty, and every
-- call ends as it does under a safe search_path.
SET datestyle = ISO;
SET client_min_messages = warning;

-- Sample data, sample values and the statements (nt_call), from the catalog.
\i sql/include/calls.sql

-- ---------------------------------------------------------------- the attacker
CREATE ROLE lr_sp_attacker LOGIN NOSUPERUSER;
GRANT CREATE ON DATABASE :"DBNAME" TO lr_sp_attacker;
SET ROLE lr_sp_attacker;
SET search_path = pg_catalog;
CREATE SCHEMA evil;
GRANT USAGE ON SCHEMA evil TO PUBLIC;
CREATE TABLE evil.calls (what text);
GRANT SELECT, INSERT ON evil.calls TO PUBLIC;
CREATE FUNCTION evil.record(what text) RETURNS boolean LANGUAGE sql SET search_path = pg_catalog
  AS $$ INSERT INTO evil.calls VALUES (what) RETURNING true $$;

DO $shadow$
DECLARE
  r record;
  ret text;
  body text;
BEGIN
  -- Functions: every plain function of pg_catalog whose argument and result
  -- types PL/pgSQL can take, with the same signature (a "any" argument as
  -- text), OUT arguments, defaults and SETOF or TABLE results included.
  FOR r IN
    SELECT p.oid, p.proname, p.proretset, p.prorettype, p.proallargtypes IS NOT NULL AS has_out,
           pg_get_function_arguments(p.oid) AS args, pg_get_function_result(p.oid) AS ret
    FROM pg_proc p JOIN pg_type rt ON rt.oid = p.prorettype
    WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.prokind = 'f'
      AND (rt.typtype <> 'p' OR rt.typname IN ('void', 'record', 'anyelement', 'anyarray', 'anynonarray', 'anyenum',
                                               'anyrange', 'anymultirange', 'anycompatible', 'anycompatiblearray',
                                               'anycompatiblenonarray', 'anycompatiblerange'))
      AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) a JOIN pg_type t ON t.oid = a
                      WHERE t.typtype = 'p' AND t.typname NOT IN ('any', 'anyelement', 'anyarray', 'anynonarray', 'anyenum',
                                                                   'anyrange', 'anymultirange', 'anycompatible',
                                                                   'anycompatiblearray', 'anycompatiblenonarray',
                                                                   'anycompatiblerange', 'record'))
    ORDER BY p.oid
  LOOP
    body := format('BEGIN PERFORM evil.record(%L); RETURN%s; END', 'function ' || r.proname,
                   CASE WHEN r.proretset OR r.has_out OR r.prorettype = 'void'::regtype THEN '' ELSE ' NULL' END);
    BEGIN
      EXECUTE format('CREATE FUNCTION evil.%I(%s) RETURNS %s LANGUAGE plpgsql AS %L',
                     r.proname, replace(r.args, '"any"', 'pg_catalog.text'), r.ret, body);
    EXCEPTION WHEN OTHERS THEN
      NULL;  -- a signature PL/pgSQL cannot take, or a duplicate after "any" -> text
    END;
  END LOOP;

  -- Operators: every operator of pg_catalog, same name and operand types.
  FOR r IN
    SELECT o.oid, o.oprname, o.oprleft, o.oprright, o.oprresult
    FROM pg_operator o
    WHERE o.oprnamespace = 'pg_catalog'::regnamespace AND o.oprcode <> 0
    ORDER BY o.oid
  LOOP
    BEGIN
      EXECUTE format('CREATE FUNCTION evil.%I(%s) RETURNS %s LANGUAGE plpgsql AS %L',
                     'op_' || r.oid,
                     concat_ws(', ', CASE WHEN r.oprleft <> 0 THEN r.oprleft::regtype::text END, r.oprright::regtype::text),
                     r.oprresult::regtype::text,
                     format('BEGIN PERFORM evil.record(%L); RETURN NULL; END', 'operator ' || r.oprname));
      EXECUTE format('CREATE OPERATOR evil.%s (%s RIGHTARG = %s, FUNCTION = evil.%I)',
                     r.oprname, CASE WHEN r.oprleft <> 0 THEN format('LEFTARG = %s,', r.oprleft::regtype) ELSE '' END,
                     r.oprright::regtype, 'op_' || r.oid);
    EXCEPTION WHEN OTHERS THEN
      NULL;
    END;
  END LOOP;

  -- Types: a domain over every base type of pg_catalog, named like it, whose
  -- check runs the attacker's code.
  FOR r IN
    SELECT t.oid, t.typname FROM pg_type t
    WHERE t.typnamespace = 'pg_catalog'::regnamespace AND t.typtype = 'b' AND t.typcategory <> 'A'
    ORDER BY t.oid
  LOOP
    BEGIN
      EXECUTE format('CREATE DOMAIN evil.%I AS %s CHECK (evil.record(%L))', r.typname, r.oid::regtype,
                     'domain ' || r.typname);
    EXCEPTION WHEN OTHERS THEN
      NULL;
    END;
  END LOOP;

  -- Relations: a view for every table and view of pg_catalog.
  FOR r IN
    SELECT c.relname FROM pg_class c
    WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind IN ('r', 'v')
    ORDER BY c.relname
  LOOP
    BEGIN
      EXECUTE format('CREATE VIEW evil.%I AS SELECT * FROM pg_catalog.%I WHERE evil.record(%L)',
                     r.relname, r.relname, 'relation ' || r.relname);
    EXCEPTION WHEN OTHERS THEN
      NULL;  -- a column of a pseudo-type (pg_statistic, pg_attribute)
    END;
  END LOOP;

  -- Casts: type names that are not in pg_catalog, with implicit casts from
  -- the common types, each running the attacker's code.
  FOR r IN SELECT unnest(ARRAY['float', 'double', 'string', 'long', 'datetime']) AS typname LOOP
    EXECUTE format('CREATE TYPE evil.%I AS (v pg_catalog.text)', r.typname);
    FOR ret IN SELECT unnest(ARRAY['pg_catalog.text', 'pg_catalog.float8', 'pg_catalog.int4', 'pg_catalog.int8',
                                   'pg_catalog.numeric', 'pg_catalog.jsonb']) LOOP
      EXECUTE format('CREATE FUNCTION evil.%I(%s) RETURNS evil.%I LANGUAGE plpgsql AS %L',
                     'cast_' || r.typname || '_' || replace(ret, 'pg_catalog.', ''), ret, r.typname,
                     format('BEGIN PERFORM evil.record(%L); RETURN NULL; END', 'cast to ' || r.typname));
      EXECUTE format('CREATE CAST (%s AS evil.%I) WITH FUNCTION evil.%I(%s) AS IMPLICIT',
                     ret, r.typname, 'cast_' || r.typname || '_' || replace(ret, 'pg_catalog.', ''), ret);
    END LOOP;
  END LOOP;
END
$shadow$;
RESET search_path;
RESET ROLE;

-- What the attacker planted: the names the extension's generated SQL uses
-- (float8, int4, text, the prefix minus, unnest, ...) are all shadowed.
SELECT count(*) FILTER (WHERE p.proname NOT LIKE 'op\_%' AND p.proname NOT LIKE 'cast\_%') > 2000 AS functions,
       (SELECT count(*) FROM pg_operator WHERE oprnamespace = 'evil'::regnamespace) > 600 AS operators,
       (SELECT count(*) FROM pg_type WHERE typnamespace = 'evil'::regnamespace AND typtype = 'd') > 50 AS domains,
       (SELECT count(*) FROM pg_class WHERE relnamespace = 'evil'::regnamespace AND relkind = 'v') > 100 AS views,
       (SELECT count(*) FROM pg_cast WHERE castfunc IN (SELECT oid FROM pg_proc WHERE pronamespace = 'evil'::regnamespace)) AS casts
FROM pg_proc p WHERE p.pronamespace = 'evil'::regnamespace;
SELECT to_regtype('evil.float8') IS NOT NULL AS float8, to_regtype('evil.int4') IS NOT NULL AS int4,
       to_regtype('evil.text') IS NOT NULL AS text, to_regtype('evil.jsonb') IS NOT NULL AS jsonb,
       to_regoperator('evil.-(none, float8)') IS NOT NULL AS minus_float8,
       to_regoperator('evil.=(text, text)') IS NOT NULL AS eq_text,
       to_regprocedure('evil.unnest(anyarray)') IS NOT NULL AS unnest,
       to_regprocedure('evil.jsonb_array_elements(jsonb)') IS NOT NULL AS jsonb_array_elements,
       to_regclass('evil.pg_extension') IS NOT NULL AS pg_extension;

-- The shadows work: the caller's own unqualified SQL runs the attacker's code.
SET search_path = evil, pg_catalog, public;
SELECT 2::float8 + 1 AS through_the_shadows, array_length(ARRAY[1], 1) AS also, lower('A') AS and_this;
RESET search_path;
SELECT DISTINCT what AS recorded FROM evil.calls ORDER BY 1;
TRUNCATE evil.calls;

-- ---------------------------------------------------------------- the victim
-- The superuser calls every function and aggregate of loan_risk with valid
-- arguments, under a safe search_path and under the hostile one, in memory
-- and with the training passes as queries.  Only the EXECUTE of each call
-- runs under the hostile path (the driver's own statements do not).
CREATE TABLE sp_result (fn text, form text, training_in_memory text, safe_state text,
                        hostile_state text, message text);
-- Every call that names a table ('public.nt_app') is made again with a query
-- in its place ('SELECT * FROM public.nt_app'): the functions that take a
-- table or a query build different SQL for each.
CREATE VIEW sp_call AS
SELECT fn, form, q FROM nt_call WHERE mask = 0 AND form IN ('rows', 'empty')
UNION ALL
SELECT fn, 'query', regexp_replace(q, '''public\.(nt_[a-z_]+)''', '''SELECT * FROM public.\1''', 'g')
FROM nt_call WHERE mask = 0 AND form = 'rows' AND q ~ '''public\.nt_';
DO $driver$
DECLARE
  c record;
  mem text;
  safe text;
  st text;
  msg text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', 'pg_catalog, public', true);
  FOREACH mem IN ARRAY ARRAY['on', 'off'] LOOP
    PERFORM pg_catalog.set_config('loan_risk.training_in_memory', mem, true);
    FOR c IN SELECT * FROM sp_call ORDER BY fn, form LOOP
      BEGIN
        EXECUTE c.q;
        safe := '00000';
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS safe = RETURNED_SQLSTATE;
      END;
      BEGIN
        PERFORM pg_catalog.set_config('search_path', 'evil, pg_catalog, public', true);
        EXECUTE c.q;
        PERFORM pg_catalog.set_config('search_path', 'pg_catalog, public', true);
        st := '00000';
        msg := NULL;
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
      END;
      INSERT INTO sp_result VALUES (c.fn, c.form, mem, safe, st, msg);
    END LOOP;
  END LOOP;
END
$driver$;

-- The record of the attacker's code run by the superuser: must be empty.
SELECT what AS ran_attacker_code, count(*) FROM evil.calls GROUP BY 1 ORDER BY 1;
-- Every call ends as it does under a safe search_path.
SELECT fn, form, training_in_memory, safe_state, hostile_state, message
FROM sp_result WHERE safe_state <> hostile_state ORDER BY 1, 2, 3;
-- Every function was called (but those taking internal, which SQL cannot call).
SELECT p.oid::regprocedure AS not_called
FROM pg_proc p
WHERE p.pronamespace = 'loan_risk'::regnamespace AND NOT ('internal'::regtype = ANY (p.proargtypes))
  AND p.oid::regprocedure::text NOT IN (SELECT fn FROM sp_result)
ORDER BY p.oid::regprocedure::text;
SELECT count(*) FILTER (WHERE hostile_state = '00000') > 400 AS most_calls_succeed FROM sp_result;
-- The calls made with a query in place of a table, and how they ended.
SELECT fn AS table_or_query, training_in_memory, hostile_state FROM sp_result WHERE form = 'query' ORDER BY 1, 2;

-- The functions that generate SQL or run the caller's query text, and the
-- SQL-language ones, by name (from the catalog: a text argument that is a
-- query or a table, or a body in SQL), all among those called above.
SELECT p.oid::regprocedure AS runs_or_generates_sql
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'loan_risk'::regnamespace
  AND (l.lanname NOT IN ('c', 'internal')
       OR EXISTS (SELECT 1 FROM unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]), p.proargnames) u(t, a)
                  WHERE t = 'text'::regtype AND (a LIKE '%\_sql' OR a IN ('source', 'products', 'applicants'))))
  AND p.oid::regprocedure::text IN (SELECT fn FROM sp_result)
ORDER BY p.oid::regprocedure::text;

DROP SCHEMA evil CASCADE;
REVOKE CREATE ON DATABASE :"DBNAME" FROM lr_sp_attacker;
DROP ROLE lr_sp_attacker;
