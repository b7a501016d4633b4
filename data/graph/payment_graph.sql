-- data/graph/payment_graph.sql: a deterministic payment graph for the graph
-- functions (doc/graph.md, "Sample data").  Run with psql:
--
--   psql -v graph_nodes=1000000 -v graph_edges=10000000 -f data/graph/payment_graph.sql
--
-- Makes two tables (replacing them):
--   payment_nodes(node bigint, is_merchant boolean)
--   payment_edges(payer bigint, payee bigint, amount numeric(12,2))
--
-- Persons (ids 1..P) live in social circles of 12 and pay each other inside
-- their circle, so a person's counterparties know each other; 1 in 20 nodes
-- (ids P+1..N) are merchants.  Of the edges:
--   50 %  payments between two persons of one circle
--    5 %  payments between two persons anywhere (friends outside the circle)
--   35 %  purchases at one of the large merchants (70 % of merchants, skewed
--         popularity) by a person anywhere: those payers do not know each other
--    8 %  purchases at the circle's neighbourhood shop (any merchant), so
--         small shops have payers who know each other
--    2 %  payments between merchants (suppliers)
-- Everything comes from hashint8 of the edge number: the same sizes give the
-- same graph on any machine.  Duplicates (repeat payments) occur, as in life.

\if :{?graph_nodes}
\else
\set graph_nodes 2000
\endif
\if :{?graph_edges}
\else
\set graph_edges 20000
\endif

DROP TABLE IF EXISTS payment_nodes, payment_edges;

-- persons: a whole number of circles; merchants: the rest (about 5 %)
SELECT (((:graph_nodes * 19) / 20) / 12) * 12 AS persons,
       :graph_nodes - (((:graph_nodes * 19) / 20) / 12) * 12 AS merchants \gset pg_

CREATE TABLE payment_nodes AS
SELECT n::bigint AS node, n > :pg_persons AS is_merchant
FROM generate_series(1, :graph_nodes) n;

CREATE TABLE payment_edges AS
WITH r AS (
  SELECT i,
         (hashint8(i * 8)     & 2147483647) % 100 AS kind,
         (hashint8(i * 8 + 1) & 2147483647) / 2147483648.0::float8 AS u1,
         (hashint8(i * 8 + 2) & 2147483647) / 2147483648.0::float8 AS u2,
         (hashint8(i * 8 + 3) & 2147483647) / 2147483648.0::float8 AS u3
  FROM generate_series(1, :graph_edges::bigint) i
), e AS (
  SELECT i, kind, u1, u3,
         1 + floor(u1 * :pg_persons)::bigint AS person,
         u2
  FROM r
)
SELECT
  CASE WHEN kind >= 98 THEN :pg_persons + 1 + floor(u1 * :pg_merchants)::bigint
       ELSE person END AS payer,
  CASE
    WHEN kind < 50 THEN      -- a mate in the same circle
      ((person - 1) / 12) * 12 + 1 + ((person - 1) % 12 + 1 + floor(u2 * 11)::bigint) % 12
    WHEN kind < 55 THEN      -- a person anywhere
      1 + floor(u2 * :pg_persons)::bigint
    WHEN kind < 90 THEN      -- a large merchant, popularity skewed (u^3)
      :pg_persons + 1 + floor(u2 * u2 * u2 * floor(:pg_merchants * 0.7))::bigint
    WHEN kind < 98 THEN      -- the circle's neighbourhood shop
      :pg_persons + 1 + (hashint8((person - 1) / 12) & 2147483647) % :pg_merchants
    ELSE                     -- a supplier
      :pg_persons + 1 + floor(u2 * :pg_merchants)::bigint
  END AS payee,
  round((CASE WHEN kind < 55 THEN 10 + u3 * 490 ELSE 1 + u3 * 199 END)::numeric, 2)::numeric(12,2) AS amount
FROM e;

ANALYZE payment_nodes;
ANALYZE payment_edges;
