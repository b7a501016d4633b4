-- Core: the schema comment.  The schema itself is created by CREATE EXTENSION
-- (loan_risk.control: schema = loan_risk, not relocatable), so every object is
-- referred to as loan_risk.<name> and remote SQL on shards resolves the same.

COMMENT ON SCHEMA loan_risk IS
  'loan_risk: credit risk for micro and small business lending (features, scorecards, validation, decisions)';

-- The schema is created by CREATE EXTENSION, owned by the installing superuser;
-- everyone may use what is in it (functions are executable by PUBLIC, as
-- PostgreSQL's default).  REVOKE it to restrict loan_risk to chosen roles.
GRANT USAGE ON SCHEMA loan_risk TO PUBLIC;
