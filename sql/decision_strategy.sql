-- The loan_risk.strategy type: a worked example assembled from the lender's
-- own tables, the canonical text and its content hash, text, jsonb and
-- binary round trips, NULL, and malformed strategies with their exact errors.
\getenv abs_builddir PG_ABS_BUILDDIR
\set dec_n 300
\set ECHO none
\i data/decision/fixture.sql
\set ECHO all

SELECT s.name, i.name AS strategy, i.version, i.stages, i.inputs, i.reads_tables
FROM strategies s, LATERAL loan_risk.strategy_info(s.strategy) i ORDER BY s.name;

-- The content hash is the SHA-256 of the canonical text.
SELECT name, (loan_risk.strategy_info(strategy)).content_hash
             = encode(sha256(convert_to(strategy::text, 'UTF8')), 'hex') AS hash_of_canonical_text
FROM strategies ORDER BY name;

-- A small strategy and its canonical text: fixed key order, defaults written
-- out, policy numbers exactly as given (0.10 stays 0.10), amounts to the cent.
CREATE TABLE small (id int PRIMARY KEY, s loan_risk.strategy);
INSERT INTO small VALUES (1, '{
  "version": "1", "name": "small", "format": "loan_risk.strategy/1",
  "stages": {
    "limit": {"monthly_revenue": "revenue",
              "policy": {"min_limit": 1000, "bands": [{"revenue_multiple": 2.50, "max_pd": 0.10}]}},
    "score": {"arms": [{"name": "only", "approve_at": 600,
                        "card": {"format": "loan_risk.scorecard/1", "base_points": 600, "features": [],
                                 "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50}}}]},
    "knock_out": {"rules": [{"name": "KO_AGE", "dimension": "applicant", "reason": "Too young",
                             "column": "age", "op": ">=", "value": 18}]},
    "identity": {"checks": [{"column": "mobile", "kind": "mobile", "code": "MOBILE", "reason": "Mobile must be valid"}]},
    "offers": {"products": [{"product_id": "p", "min_amount": 100.005, "max_amount": 200, "min_term": 1,
                             "max_term": 3, "rate": 0.1000, "rules": []}]}}}');
SELECT s FROM small;
SELECT (loan_risk.strategy_info(s)).inputs FROM small;

-- Text round trip: the canonical text reads back to the same text.
SELECT name, strategy::text::loan_risk.strategy::text = strategy::text AS text_round_trip
FROM strategies ORDER BY name;
-- jsonb casts both ways.
SELECT name, (strategy::jsonb)::loan_risk.strategy::text = strategy::text AS via_jsonb,
       (strategy::jsonb) #>> '{stages,score,arms,1,name}' AS second_arm
FROM strategies ORDER BY name;
-- Binary round trip through send and receive (COPY BINARY uses both).
\set binfile :abs_builddir '/results/decision_strategy.bin'
COPY strategies TO :'binfile' WITH (FORMAT binary);
CREATE TABLE strategies2 (LIKE strategies);
COPY strategies2 FROM :'binfile' WITH (FORMAT binary);
SELECT s.name, s.strategy::text = s2.strategy::text AS binary_round_trip
FROM strategies s JOIN strategies2 s2 USING (name) ORDER BY name;
-- A large strategy is stored compressed (its canonical text is about 40 kB).
SELECT name, pg_column_size(strategy) < octet_length(strategy::text) AS compressed FROM strategies ORDER BY name;

-- NULL in, NULL out.
SELECT loan_risk.strategy_info(NULL) IS NULL AS null_info;
SELECT NULL::loan_risk.strategy IS NULL AS null_value;

-- Malformed strategies: every error names the JSON path.
\set VERBOSITY default
SELECT 'not json'::loan_risk.strategy;
SELECT '[]'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/2", "name": "x", "version": "1", "stages": {}}'::loan_risk.strategy;
SELECT '{"name": "x", "version": "1", "stages": {}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "version": "1", "stages": {}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "", "version": "1", "stages": {}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": 1, "stages": {}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {}, "colour": 1}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"decide": {}}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"knock_out": null}}'::loan_risk.strategy;
-- knock-out rules: matching's rule language, each with a name (its reason code)
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"knock_out": {"rules": []}}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"knock_out": {"rules": [
  {"dimension": "applicant", "reason": "r", "column": "a", "op": ">=", "value": 1}]}}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"knock_out": {"rules": [
  {"name": "A", "dimension": "applicant", "reason": "r", "column": "a", "op": ">=", "value": 1},
  {"name": "B", "dimension": "applicant", "reason": "r", "any": [{"column": "a", "op": "like", "value": 1}]}]}}}'::loan_risk.strategy;
-- identity checks and lists
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"identity": {}}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"identity": {"checks": [
  {"column": "id", "kind": "passport", "code": "C", "reason": "r"}]}}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"identity": {"checks": [
  {"column": "id", "kind": "mobile", "code": "C", "reason": "r", "action": "approve"}]}}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"identity": {"lists": [
  {"code": "L", "list": "black", "schema": "risk", "table": "bl", "key_column": "k", "column": "id", "reason": "r"},
  {"code": "L", "list": "grey", "schema": "risk", "table": "gl", "key_column": "k", "column": "id", "reason": "r"}]}}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"identity": {"lists": [
  {"code": "L", "list": "black", "table": "bl", "key_column": "k", "column": "id", "reason": "r"}]}}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"identity": {"lists": [
  {"code": "L", "list": "red", "schema": "risk", "table": "bl", "key_column": "k", "column": "id", "reason": "r"}]}}}'::loan_risk.strategy;
-- anomaly: thresholds and the embedded isolation forest
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"anomaly": {"model": {}}}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"anomaly": {"refer_at": 0.8, "decline_at": 0.7, "model": {}}}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"anomaly": {"refer_at": 1.5, "model": {}}}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"anomaly": {"refer_at": 0.6,
  "model": {"format": "loan_risk.iforest/1", "features": ["a"], "sample_size": 4, "trees": [{"nodes": [{"feature": 3, "threshold": 1, "left": 1, "right": 2, "size": 4}, {"size": 2}, {"size": 2}]}]}}}}'::loan_risk.strategy;
-- score: arms, shares, cut-offs, cards
\set card '{"format": "loan_risk.scorecard/1", "base_points": 600, "features": [], "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50}}'
SELECT format('{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "key": "id", "stages": {"score": {"arms": [
  {"name": "a", "share": 0.9, "approve_at": 600, "card": %s}, {"name": "b", "share": 0.2, "approve_at": 600, "card": %s}]}}}', :'card', :'card')::loan_risk.strategy;
SELECT format('{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "key": "id", "stages": {"score": {"arms": [
  {"name": "a", "share": 0.9, "approve_at": 600, "card": %s}, {"name": "b", "approve_at": 600, "card": %s}]}}}', :'card', :'card')::loan_risk.strategy;
SELECT format('{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"score": {"arms": [
  {"name": "a", "share": 0.9, "approve_at": 600, "card": %s}, {"name": "b", "share": 0.1, "approve_at": 600, "card": %s}]}}}', :'card', :'card')::loan_risk.strategy;
SELECT format('{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "key": "id", "stages": {"score": {"arms": [
  {"name": "a", "share": 0.5, "approve_at": 600, "card": %s}, {"name": "a", "share": 0.5, "approve_at": 600, "card": %s}]}}}', :'card', :'card')::loan_risk.strategy;
SELECT format('{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"score": {"arms": [
  {"name": "a", "approve_at": 600, "decline_below": 610, "card": %s}]}}}', :'card')::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "key": "id", "stages": {"score": {"arms": [
  {"name": "a", "share": 0.5, "approve_at": 600, "card": {"format": "loan_risk.scorecard/1", "base_points": 600, "features": []}},
  {"name": "b", "share": 0.5, "approve_at": 600, "card": {"format": "loan_risk.scorecard/1", "base_points": 600,
     "features": [{"name": "x", "type": "numeric", "bins": [{"upper": 5, "points": 1}, {"upper": 3, "points": 2}, {"upper": null, "points": 0}]}]}}]}}}'::loan_risk.strategy;
SELECT format('{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"score": {"arms": [
  {"name": "a", "approve_at": 600, "card": %s}], "shadows": [{"name": "a", "approve_at": 600, "card": %s}]}}}', :'card', :'card')::loan_risk.strategy;
-- limit and price: what they need, and their policies' errors
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"limit": {"monthly_revenue": "r", "policy": {"bands": [{"max_pd": 0.1, "revenue_multiple": 1}]}}}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"score": {"arms": [{"name": "a", "approve_at": 600,
  "card": {"format": "loan_risk.scorecard/1", "base_points": 600, "features": []}}]},
  "limit": {"monthly_revenue": "r", "policy": {"bands": [{"max_pd": 0.1, "revenue_multiple": 1}]}}}}'::loan_risk.strategy;
SELECT format('{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"score": {"arms": [{"name": "a", "approve_at": 600, "card": %s}]},
  "limit": {"monthly_revenue": "r", "policy": {"bands": [{"max_pd": 0.1, "revenue_multiple": 1}, {"max_pd": 0.05, "revenue_multiple": 1}]}}}}', :'card')::loan_risk.strategy;
SELECT format('{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"score": {"arms": [{"name": "a", "approve_at": 600, "card": %s}]},
  "limit": {"policy": {"bands": [{"max_pd": 0.1, "revenue_multiple": 1}]}}}}', :'card')::loan_risk.strategy;
SELECT format('{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"score": {"arms": [{"name": "a", "approve_at": 600, "card": %s}]},
  "price": {"lgd": 0.4, "term_months": 12, "policy": {}}}}', :'card')::loan_risk.strategy;
\set price '{"cost_of_funds": 0.05, "acquisition_cost": 0, "credit_data_cost": 0, "operating_cost": 0, "management_cost": 0, "target_margin": 0.02}'
SELECT format('{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"score": {"arms": [{"name": "a", "approve_at": 600, "card": %s}]},
  "limit": {"monthly_revenue": "r", "policy": {"bands": [{"max_pd": 0.1, "revenue_multiple": 1}]}},
  "price": {"lgd": 1.4, "term_months": 12, "policy": %s}}}', :'card', :'price')::loan_risk.strategy;
SELECT format('{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"score": {"arms": [{"name": "a", "approve_at": 600, "card": %s}]},
  "limit": {"monthly_revenue": "r", "policy": {"bands": [{"max_pd": 0.1, "revenue_multiple": 1}]}},
  "price": {"lgd": 0.4, "term_months": 12, "repayment_method": "balloon", "policy": %s}}}', :'card', :'price')::loan_risk.strategy;
SELECT format('{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"score": {"arms": [{"name": "a", "approve_at": 600, "card": %s}]},
  "limit": {"monthly_revenue": "r", "policy": {"bands": [{"max_pd": 0.1, "revenue_multiple": 1}]}},
  "price": {"lgd": 0.4, "term_months": 0, "policy": %s}}}', :'card', :'price')::loan_risk.strategy;
SELECT format('{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"score": {"arms": [{"name": "a", "approve_at": 600, "card": %s}]},
  "limit": {"monthly_revenue": "r", "policy": {"bands": [{"max_pd": 0.1, "revenue_multiple": 1}]}},
  "price": {"lgd": 0.4, "term_months": 12, "upfront_fee_rate": 1, "policy": %s}}}', :'card', :'price')::loan_risk.strategy;
SELECT format('{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"score": {"arms": [{"name": "a", "approve_at": 600, "card": %s}]},
  "limit": {"monthly_revenue": "r", "policy": {"bands": [{"max_pd": 0.1, "revenue_multiple": 1}]}},
  "price": {"lgd": 0.4, "term_months": 12, "policy": {"cost_of_funds": 0.05}}}}', :'card')::loan_risk.strategy;
-- offers: products as the rows of a products table
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"offers": {"products": [
  {"product_id": "p", "min_amount": 300, "max_amount": 200, "min_term": 1, "max_term": 3, "rate": 0.1, "rules": []}]}}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"offers": {"products": [
  {"product_id": "p", "min_amount": 100, "max_amount": 200, "min_term": 1, "max_term": 3, "rate": 0.1, "rules": []},
  {"product_id": "p", "min_amount": 100, "max_amount": 200, "min_term": 1, "max_term": 3, "rate": 0.1, "rules": []}]}}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"offers": {"products": [
  {"product_id": "p", "min_amount": 100, "max_amount": 200, "min_term": 1, "max_term": 3, "rate": 0.1, "min_rate": 0.1, "max_rate": 0.2, "rules": []}]}}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"offers": {"products": [
  {"product_id": "p", "min_amount": 100, "max_amount": 200, "min_term": 1, "max_term": 3, "rate": 0.1,
   "rules": [{"dimension": "loan", "reason": "r", "column": "a", "op": "between", "value": [2, 1]}]}]}}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"offers": {"products": [
  {"product_id": "p", "min_amount": 100, "max_amount": 200, "min_term": 1, "max_term": 3, "rate": 0.1, "rules": [],
   "approval_model": {"format": "loan_risk.scorecard/1", "base_points": 600, "features": []}}]}}}'::loan_risk.strategy;
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "stages": {"offers": {"order_by": "cheapest", "products": [
  {"product_id": "p", "min_amount": 100, "max_amount": 200, "min_term": 1, "max_term": 3, "rate": 0.1, "rules": []}]}}}'::loan_risk.strategy;
-- inputs: names of at most 63 bytes
SELECT format('{"format": "loan_risk.strategy/1", "name": "x", "version": "1", "key": "%s", "stages": {"knock_out": {"rules": [
  {"name": "A", "dimension": "applicant", "reason": "r", "column": "a", "op": "is null"}]}}}', repeat('k', 64))::loan_risk.strategy;
-- strict JSON: duplicate keys
SELECT '{"format": "loan_risk.strategy/1", "name": "x", "name": "y", "version": "1", "stages": {}}'::loan_risk.strategy;
