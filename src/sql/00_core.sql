-- Core: the schema comment.  The schema itself is created by CREATE EXTENSION
-- (loan_risk.control: schema = loan_risk, not relocatable), so every object is
-- referred to as loan_risk.<name> and remote SQL on shards resolves the same.

COMMENT ON SCHEMA loan_risk IS
  'loan_risk: credit risk for micro and small business lending (features, scorecards, validation, decisions)';
