-- Graph features: merchant or person from the counterparty graph, rings of
-- shared attributes, risk spread from blacklists.
-- C: src/graph/.  Reference: doc/graph.md.
--
-- Inputs are queries (text) run with the caller's rights, in the style of
-- pgRouting; outputs are sets of rows, one per node.  The functions read
-- tables through the given queries, so they are VOLATILE; they run the
-- in-memory kernel in the calling backend (PARALLEL UNSAFE), while the input
-- query itself may use parallel workers.

CREATE FUNCTION loan_risk.graph_clustering(edges_sql text)
  RETURNS TABLE (node bigint, degree bigint, triangles bigint, clustering float8, merchant_score float8)
  AS 'MODULE_PATHNAME', 'graph_clustering' LANGUAGE C VOLATILE STRICT ROWS 100000;
COMMENT ON FUNCTION loan_risk.graph_clustering(text) IS
  'Per node of the undirected graph given by edges_sql (two bigint endpoints): degree, triangles, local clustering coefficient and a merchant-likeness score, the share of open wedges (pairs of neighbours not linked) smoothed: (W - T + 1/2) / (W + 1) with W = degree (degree - 1) / 2';

CREATE FUNCTION loan_risk.graph_components(edges_sql text)
  RETURNS TABLE (node bigint, component bigint, component_size bigint)
  AS 'MODULE_PATHNAME', 'graph_components' LANGUAGE C VOLATILE STRICT ROWS 100000;
COMMENT ON FUNCTION loan_risk.graph_components(text) IS
  'Connected components of the undirected graph given by edges_sql: per node its component (the smallest node id in it) and the component''s size';

CREATE FUNCTION loan_risk.shared_attribute_components(pairs_sql text, max_attribute_degree integer)
  RETURNS TABLE (entity bigint, component bigint, component_size bigint)
  AS 'MODULE_PATHNAME', 'shared_attribute_components' LANGUAGE C VOLATILE STRICT ROWS 100000;
COMMENT ON FUNCTION loan_risk.shared_attribute_components(text, integer) IS
  'Rings: entities linked when they share an attribute value (pairs_sql returns entity bigint, attribute text or integer); values shared by more than max_attribute_degree entities are ignored (see shared_attribute_hubs)';

CREATE FUNCTION loan_risk.shared_attribute_hubs(pairs_sql text, max_attribute_degree integer)
  RETURNS TABLE (attribute text, entities bigint)
  AS 'MODULE_PATHNAME', 'shared_attribute_hubs' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION loan_risk.shared_attribute_hubs(text, integer) IS
  'The attribute values that shared_attribute_components ignores: shared by more than max_attribute_degree distinct entities, most shared first';

CREATE FUNCTION loan_risk.risk_propagation(edges_sql text, seeds_sql text,
                                           damping float8 DEFAULT 0.85, iterations integer DEFAULT 30,
                                           directed boolean DEFAULT false)
  RETURNS TABLE (node bigint, risk float8)
  AS 'MODULE_PATHNAME', 'risk_propagation' LANGUAGE C VOLATILE STRICT ROWS 100000;
COMMENT ON FUNCTION loan_risk.risk_propagation(text, text, float8, integer, boolean) IS
  'Personalised PageRank from the seed nodes of seeds_sql (node [, weight]) over the graph of edges_sql (source, target [, weight]): per node the share of risk that reaches it';
