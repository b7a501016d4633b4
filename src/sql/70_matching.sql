-- Bank-product matching: eligibility rules in four dimensions, approval
-- probabilities from each product's scorecard, offers ranked by cost, and
-- explanations for every product.
-- C: src/matching/.  Reference: doc/matching.md.

CREATE FUNCTION loan_risk.check_match_rules(rules jsonb) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'check_match_rules' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION loan_risk.check_match_rules(jsonb) IS
  'Validates a product''s matching rules (doc/matching.md) and returns their canonical form; errors name the JSON path';

-- The products argument is a table name or a query, run with the caller's
-- rights once per statement (the compiled products are cached per snapshot).
CREATE FUNCTION loan_risk.match_products(applicant record, products text,
                                         min_probability float8 DEFAULT 0.8,
                                         max_results integer DEFAULT 3,
                                         requested_amount numeric DEFAULT NULL,
                                         requested_term integer DEFAULT NULL,
                                         order_by text DEFAULT 'total_cost',
                                         approval_confidence float8 DEFAULT NULL)
  RETURNS TABLE (rank integer, product_id text, bank text, product_type text,
                 approval_probability float8, rate numeric, amount numeric, term_months integer,
                 monthly_payment numeric, total_cost numeric)
  AS 'MODULE_PATHNAME', 'match_products' LANGUAGE C STABLE PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION loan_risk.match_products(record, text, float8, integer, numeric, integer, text, float8) IS
  'Products (table or query) whose rules the applicant row passes and whose approval probability (1 - pd of the product''s scorecard) reaches min_probability (with approval_confidence: its lower confidence bound does), ranked by lowest total cost (or monthly_payment, rate, probability, confident_total_cost), with the offered rate and schedule figures';

CREATE FUNCTION loan_risk.explain_match(applicant record, products text,
                                        min_probability float8 DEFAULT 0.8,
                                        requested_amount numeric DEFAULT NULL,
                                        requested_term integer DEFAULT NULL)
  RETURNS TABLE (product_id text, bank text, product_type text, eligible boolean,
                 approval_probability float8, decision text, failed_rules jsonb, detail text)
  AS 'MODULE_PATHNAME', 'explain_match' LANGUAGE C STABLE PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION loan_risk.explain_match(record, text, float8, numeric, integer) IS
  'Every product with the applicant''s eligibility, each failed rule (dimension, reason, column, value), the approval probability and the decision (recommended, below_threshold, not_eligible, no_model, cannot_score)';

-- Products as a value: a JSON array of product objects with the columns of a
-- products table (jsonb_agg of the table gives it).  No table is read, so
-- the call runs wherever its row is (a Citus shard, a postgres_fdw shard)
-- and is IMMUTABLE: the products are compiled once per distinct value.
CREATE FUNCTION loan_risk.match_products(applicant record, products jsonb,
                                         min_probability float8 DEFAULT 0.8,
                                         max_results integer DEFAULT 3,
                                         requested_amount numeric DEFAULT NULL,
                                         requested_term integer DEFAULT NULL,
                                         order_by text DEFAULT 'total_cost',
                                         approval_confidence float8 DEFAULT NULL)
  RETURNS TABLE (rank integer, product_id text, bank text, product_type text,
                 approval_probability float8, rate numeric, amount numeric, term_months integer,
                 monthly_payment numeric, total_cost numeric)
  AS 'MODULE_PATHNAME', 'match_products_json' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION loan_risk.match_products(record, jsonb, float8, integer, numeric, integer, text, float8) IS
  'match_products with the products given as a value: a JSON array of product objects (the columns of a products table, as jsonb_agg writes them), so that no table is read where the applicant row is';

CREATE FUNCTION loan_risk.explain_match(applicant record, products jsonb,
                                        min_probability float8 DEFAULT 0.8,
                                        requested_amount numeric DEFAULT NULL,
                                        requested_term integer DEFAULT NULL)
  RETURNS TABLE (product_id text, bank text, product_type text, eligible boolean,
                 approval_probability float8, decision text, failed_rules jsonb, detail text)
  AS 'MODULE_PATHNAME', 'explain_match_json' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION loan_risk.explain_match(record, jsonb, float8, numeric, integer) IS
  'explain_match with the products given as a value: a JSON array of product objects (the columns of a products table, as jsonb_agg writes them)';

CREATE FUNCTION loan_risk.match_products_batch(applicants text, products text,
                                               min_probability float8 DEFAULT 0.8,
                                               max_results integer DEFAULT 3,
                                               id_column text DEFAULT 'applicant_id',
                                               amount_column text DEFAULT NULL,
                                               term_column text DEFAULT NULL,
                                               order_by text DEFAULT 'total_cost',
                                               approval_confidence float8 DEFAULT NULL)
  RETURNS TABLE (applicant_id text, rank integer, product_id text, bank text, product_type text,
                 approval_probability float8, rate numeric, amount numeric, term_months integer,
                 monthly_payment numeric, total_cost numeric)
  AS 'MODULE_PATHNAME', 'match_products_batch' LANGUAGE C VOLATILE ROWS 100000;
COMMENT ON FUNCTION loan_risk.match_products_batch(text, text, float8, integer, text, text, text, text, float8) IS
  'match_products for every applicant of a table or query at once, in loan_risk.max_threads OpenMP threads; the same results as row by row';
