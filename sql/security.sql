-- Privileges: no function needs superuser; query-string inputs run with the
-- caller's rights (table privileges and row-level security apply); the
-- install script resists search_path hijacking; the extension is trusted, so
-- a database owner without superuser can install it (doc/security.md).

CREATE ROLE lr_analyst LOGIN NOSUPERUSER;
CREATE ROLE lr_owner LOGIN NOSUPERUSER;
GRANT CREATE ON DATABASE :"DBNAME" TO lr_owner;
GRANT CREATE ON SCHEMA public TO lr_analyst, lr_owner;

CREATE TABLE secret_edges (a bigint, b bigint);
INSERT INTO secret_edges VALUES (1, 2), (2, 3);
CREATE TABLE shared_edges (a bigint, b bigint, owner text);
INSERT INTO shared_edges VALUES (1, 2, 'lr_analyst'), (2, 3, 'lr_analyst'), (10, 11, 'someone_else');
ALTER TABLE shared_edges ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON shared_edges FOR SELECT USING (owner = current_user);
GRANT SELECT ON shared_edges TO lr_analyst;

SET ROLE lr_analyst;
-- Ordinary use needs no special rights.
SELECT loan_risk.score('{"format": "loan_risk.scorecard/1", "base_points": 1, "features": [
  {"name": "x", "type": "numeric", "bins": [{"upper": null, "points": 2}]}]}', r) AS score
FROM (SELECT 5 AS x) r;
SELECT loan_risk.auc(s, b) FROM (VALUES (0.1, false), (0.9, true)) v(s, b);
-- A query string cannot read what the caller cannot.
SELECT * FROM loan_risk.graph_components('SELECT a, b FROM secret_edges');
-- Row-level security applies to it: only the caller's rows are seen.
SELECT node, component, component_size FROM loan_risk.graph_components('SELECT a, b FROM shared_edges') ORDER BY node;
-- The thread cap is for superusers only.
SET loan_risk.max_threads_limit = 64;
RESET ROLE;

-- The install script resists search_path hijacking: objects planted in public
-- by an ordinary user that shadow built-ins are not used by any loan_risk object.
DROP EXTENSION loan_risk;
SET ROLE lr_analyst;
CREATE FUNCTION public.jsonb(text) RETURNS jsonb LANGUAGE sql AS 'SELECT ''"hijacked"''::jsonb';
CREATE FUNCTION public.text(jsonb) RETURNS text LANGUAGE sql AS 'SELECT ''hijacked''::text';
CREATE FUNCTION public.float8(integer) RETURNS float8 LANGUAGE sql AS 'SELECT 666::float8';
CREATE FUNCTION public.lower(text) RETURNS text LANGUAGE sql AS 'SELECT ''hijacked''::text';
CREATE FUNCTION public."=" (text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public."=");
CREATE TABLE public.scorecard (x int);
RESET ROLE;
SET search_path = public, loan_risk;
CREATE EXTENSION loan_risk;
RESET search_path;
SELECT count(*) AS loan_risk_objects_depending_on_public
FROM pg_depend d
JOIN pg_depend e ON e.classid = d.classid AND e.objid = d.objid AND e.deptype = 'e'
JOIN pg_extension x ON x.oid = e.refobjid AND x.extname = 'loan_risk'
LEFT JOIN pg_proc p ON d.refclassid = 'pg_proc'::regclass AND p.oid = d.refobjid
LEFT JOIN pg_type t ON d.refclassid = 'pg_type'::regclass AND t.oid = d.refobjid
LEFT JOIN pg_operator o ON d.refclassid = 'pg_operator'::regclass AND o.oid = d.refobjid
WHERE coalesce(p.pronamespace, t.typnamespace, o.oprnamespace) = 'public'::regnamespace;

-- A database owner without superuser can install it (trusted = true).
DROP EXTENSION loan_risk;
SET ROLE lr_owner;
CREATE EXTENSION loan_risk;
SELECT extname, extowner::regrole FROM pg_extension WHERE extname = 'loan_risk';
-- ... but the objects belong to the superuser who ran the script: the owner
-- of the extension cannot replace its C functions.
CREATE OR REPLACE FUNCTION loan_risk.score(card loan_risk.scorecard, applicant record) RETURNS float8
  AS 'loan_risk', 'pd' LANGUAGE C IMMUTABLE STRICT;
RESET ROLE;
SELECT rolname, rolsuper FROM pg_roles WHERE rolname IN ('lr_analyst', 'lr_owner') ORDER BY 1;
