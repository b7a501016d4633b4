-- Catalog rules for every object of the extension.

-- Every aggregate: a combine function, a concrete (non-pseudo, non-internal)
-- state type whose text form round-trips, PARALLEL SAFE, and no ORDER BY
-- argument: the conditions under which parallel query and Citus push
-- partial aggregation down (Citus: AggregateEnabledCustom).
SELECT p.oid::regprocedure AS aggregate,
       a.aggcombinefn = 0 AS no_combine,
       t.typtype = 'p' OR a.aggtranstype = 'internal'::regtype AS pseudo_state,
       p.proparallel <> 's' AS not_parallel_safe,
       a.aggkind <> 'n' AS ordered_set
FROM pg_aggregate a
JOIN pg_proc p ON p.oid = a.aggfnoid
JOIN pg_type t ON t.oid = a.aggtranstype
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'loan_risk'
WHERE a.aggcombinefn = 0 OR t.typtype = 'p' OR a.aggtranstype = 'internal'::regtype
   OR p.proparallel <> 's' OR a.aggkind <> 'n';

-- Every aggregate takes arguments of concrete types: no VARIADIC and no
-- pseudo-type (any, anyelement, record, ...).  Citus runs a distributed
-- aggregate's transition function on its workers through
-- worker_partial_agg, which checks that each argument's type equals the
-- declared one; VARIADIC "any" and polymorphic arguments fail that check
-- ("worker_partial_agg_sfunc could not confirm type correctness").
SELECT p.oid::regprocedure AS aggregate_argument_not_concrete
FROM pg_aggregate a
JOIN pg_proc p ON p.oid = a.aggfnoid
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'loan_risk'
WHERE p.provariadic <> 0
   OR EXISTS (SELECT 1 FROM unnest(p.proargtypes) t(oid) JOIN pg_type ty ON ty.oid = t.oid WHERE ty.typtype = 'p')
ORDER BY p.oid::regprocedure::text;

SELECT count(*) > 0 AS has_aggregates
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.pronamespace = 'loan_risk'::regnamespace;

-- Every function, aggregate and type of the extension has a comment.
SELECT d.classid::regclass AS catalog, pg_describe_object(d.classid, d.objid, 0) AS object
FROM pg_depend d
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'loan_risk'
WHERE d.deptype = 'e'
  AND d.classid IN ('pg_proc'::regclass, 'pg_type'::regclass)
  AND obj_description(d.objid, d.classid::regclass::text) IS NULL
  -- array types of our base types are created implicitly
  AND NOT (d.classid = 'pg_type'::regclass AND EXISTS (
        SELECT 1 FROM pg_type t WHERE t.oid = d.objid AND t.typcategory = 'A'))
ORDER BY 2;

-- Every object lives in the loan_risk schema.
SELECT pg_describe_object(d.classid, d.objid, 0) AS outside_schema
FROM pg_depend d
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'loan_risk'
LEFT JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
LEFT JOIN pg_type t ON d.classid = 'pg_type'::regclass AND t.oid = d.objid
WHERE d.deptype = 'e'
  AND coalesce(p.pronamespace, t.typnamespace, 'loan_risk'::regnamespace) <> 'loan_risk'::regnamespace;

-- No function needs superuser or runs with its owner's rights.
SELECT p.oid::regprocedure AS security_definer
FROM pg_proc p WHERE p.pronamespace = 'loan_risk'::regnamespace AND p.prosecdef;

-- Every function not written in C (SQL, PL/pgSQL) pins its search_path to
-- schemas only the installing superuser can write, so that nothing in its
-- body resolves through the caller's search_path (doc/security.md).
SELECT p.oid::regprocedure AS search_path_not_pinned, l.lanname, p.proconfig
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'loan_risk'::regnamespace AND l.lanname NOT IN ('c', 'internal')
  AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c
                  WHERE c LIKE 'search_path=%'
                    AND string_to_array(replace(substr(c, 13), ' ', ''), ',')
                        <@ ARRAY['pg_catalog', 'pg_temp', 'loan_risk']);
SELECT count(*) > 0 AS has_sql_functions
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'loan_risk'::regnamespace AND l.lanname = 'sql';

-- Every function that is IMMUTABLE is also PARALLEL SAFE.
SELECT p.oid::regprocedure AS immutable_not_parallel_safe
FROM pg_proc p WHERE p.pronamespace = 'loan_risk'::regnamespace
  AND p.provolatile = 'i' AND p.proparallel <> 's';

-- Settings are registered once the library is loaded, each with a description,
-- and the prefix is reserved: a misspelt setting is an error, not a placeholder.
LOAD 'loan_risk';
SELECT count(*) >= 3 AS has_settings,
       bool_and(short_desc IS NOT NULL AND short_desc <> '') AS all_described
FROM pg_settings WHERE name LIKE 'loan_risk.%';
SELECT name, setting, unit, context FROM pg_settings
WHERE name IN ('loan_risk.max_threads', 'loan_risk.max_threads_limit', 'loan_risk.max_kernel_memory')
ORDER BY name;
SET loan_risk.max_thread = 2;
SET loan_risk.max_threads = 2;
SHOW loan_risk.max_threads;
RESET loan_risk.max_threads;
