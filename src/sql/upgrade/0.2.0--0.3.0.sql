-- Changes, from 0.2.0 to 0.3.0, to objects that 0.2.0 already had (the SQL of
-- areas added since follows in the generated upgrade script).  Every change to
-- an object created in src/sql/00_* .. 90_* is repeated here as ALTER or
-- CREATE OR REPLACE (or DROP and CREATE); sql/upgrade.sql compares the result
-- with a fresh install, object by object.

-- Security (issue 15): a SQL-language function resolves nothing through the
-- caller's search_path.
ALTER FUNCTION loan_risk.binning_table(jsonb) SET search_path = pg_catalog, pg_temp;
