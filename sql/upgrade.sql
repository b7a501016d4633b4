-- Upgrade path: installing 0.1.0 and running ALTER EXTENSION loan_risk UPDATE
-- gives exactly the objects of a fresh install of the current version: every
-- function (signature, result, volatility, parallel safety, strictness, cost,
-- support function, C symbol, comment, security, settings such as a pinned
-- search_path), aggregate (transition, combine, final
-- functions, state type), type (I/O functions, storage, alignment, comment),
-- cast and operator, compared as text.

CREATE FUNCTION extension_catalog() RETURNS TABLE (kind text, object text, details text)
LANGUAGE sql AS $$
  SELECT 'function', p.oid::regprocedure::text,
         concat_ws(' | ', p.prorettype::regtype, p.provolatile, p.proparallel, p.proisstrict, p.procost,
                   p.prorows, p.prosupport::regproc, p.prosrc, p.prokind, p.proretset, array_to_string(p.proargnames, ','),
                   pg_get_expr(p.proargdefaults, 0), obj_description(p.oid, 'pg_proc'),
                   p.prosecdef, array_to_string(p.proconfig, ','))
  FROM pg_proc p WHERE p.pronamespace = 'loan_risk'::regnamespace
  UNION ALL
  SELECT 'aggregate', a.aggfnoid::regprocedure::text,
         concat_ws(' | ', a.aggtransfn::regproc, a.aggcombinefn::regproc, a.aggfinalfn::regproc,
                   a.aggtranstype::regtype, a.aggfinalmodify, a.aggkind, a.agginitval, a.aggtransspace)
  FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid WHERE p.pronamespace = 'loan_risk'::regnamespace
  UNION ALL
  SELECT 'type', t.oid::regtype::text,
         concat_ws(' | ', t.typtype, t.typlen, t.typinput::regproc, t.typoutput::regproc, t.typreceive::regproc,
                   t.typsend::regproc, t.typstorage, t.typalign, t.typcategory, t.typrelid::regclass,
                   obj_description(t.oid, 'pg_type'))
  FROM pg_type t WHERE t.typnamespace = 'loan_risk'::regnamespace
  UNION ALL
  SELECT 'attribute', c.relname || '.' || a.attname, concat_ws(' | ', a.attnum, a.atttypid::regtype)
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  WHERE c.relnamespace = 'loan_risk'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT 'cast', format('%s -> %s', c.castsource::regtype, c.casttarget::regtype),
         concat_ws(' | ', c.castfunc::regprocedure, c.castcontext, c.castmethod)
  FROM pg_cast c WHERE c.castsource IN (SELECT oid FROM pg_type WHERE typnamespace = 'loan_risk'::regnamespace)
                    OR c.casttarget IN (SELECT oid FROM pg_type WHERE typnamespace = 'loan_risk'::regnamespace)
  UNION ALL
  SELECT 'operator', o.oid::regoperator::text, o.oprcode::regproc::text
  FROM pg_operator o WHERE o.oprnamespace = 'loan_risk'::regnamespace
  UNION ALL
  SELECT 'member', pg_describe_object(d.classid, d.objid, 0), ''
  FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
  WHERE e.extname = 'loan_risk' AND d.deptype = 'e'
  UNION ALL
  SELECT 'schema acl', 'loan_risk', array_to_string(nspacl, ',') FROM pg_namespace WHERE nspname = 'loan_risk'
$$;

SELECT extversion AS fresh_version FROM pg_extension WHERE extname = 'loan_risk';
CREATE TABLE fresh AS SELECT * FROM extension_catalog();
SELECT count(DISTINCT kind) AS kinds, count(*) > 500 AS many_objects,
       bool_and(details IS NOT NULL) AS all_described FROM fresh;

DROP EXTENSION loan_risk;
CREATE EXTENSION loan_risk VERSION '0.1.0';
SELECT extversion AS installed FROM pg_extension WHERE extname = 'loan_risk';
-- 0.1.0 already scores.
SELECT loan_risk.score('{"format": "loan_risk.scorecard/1", "base_points": 1, "features": []}', r) AS score_010
FROM (SELECT 1 AS x) r;
ALTER EXTENSION loan_risk UPDATE;
SELECT extversion AS updated_to FROM pg_extension WHERE extname = 'loan_risk';

CREATE TABLE updated AS SELECT * FROM extension_catalog();
SELECT 'only in a fresh install' AS difference, * FROM (SELECT * FROM fresh EXCEPT SELECT * FROM updated) d
UNION ALL
SELECT 'only after update', * FROM (SELECT * FROM updated EXCEPT SELECT * FROM fresh) d
ORDER BY 1, 2, 3;
SELECT (SELECT count(*) FROM fresh) = (SELECT count(*) FROM updated) AS same_number_of_objects;

-- The same from the last release, 0.2.0, which a bank upgrades from today:
-- its objects keep working through the update (a stored card scores the same).
DROP TABLE updated;
DROP EXTENSION loan_risk;
CREATE EXTENSION loan_risk VERSION '0.2.0';
SELECT extversion AS installed FROM pg_extension WHERE extname = 'loan_risk';
CREATE TABLE kept_cards (card loan_risk.scorecard);
INSERT INTO kept_cards VALUES ('{"format": "loan_risk.scorecard/1", "base_points": 7,
  "features": [{"name": "x", "type": "numeric", "bins": [{"upper": 1, "points": 1}, {"upper": null, "points": 2}]}]}');
SELECT loan_risk.score(card, r) AS score_020 FROM kept_cards, (SELECT 5 AS x) r;
ALTER EXTENSION loan_risk UPDATE;
SELECT extversion AS updated_to FROM pg_extension WHERE extname = 'loan_risk';
SELECT loan_risk.score(card, r) AS score_after_update FROM kept_cards, (SELECT 5 AS x) r;
CREATE TABLE updated AS SELECT * FROM extension_catalog();
SELECT 'only in a fresh install' AS difference, * FROM (SELECT * FROM fresh EXCEPT SELECT * FROM updated) d
UNION ALL
SELECT 'only after update', * FROM (SELECT * FROM updated EXCEPT SELECT * FROM fresh) d
ORDER BY 1, 2, 3;
SELECT (SELECT count(*) FROM fresh) = (SELECT count(*) FROM updated) AS same_number_of_objects;
