-- loan_risk.shared_attribute_components and shared_attribute_hubs: rings of
-- entities that share phones, devices, cards; values shared too widely are
-- ignored and listed.

-- Objects of this test live in their own schema (tests share a database).
CREATE SCHEMA graph_shared_attributes_test;
SET search_path = graph_shared_attributes_test;

-- Worked example: applicants with their phones and devices.  1 and 2 share a
-- phone, 2 and 3 a device: one ring {1, 2, 3}.  5, 6, 7 and 8 all give the
-- call centre's number: with at most 3 applicants per value it is ignored
-- (a notice says so), but 7 and 8 also share a device.  9 gave no phone.
CREATE TABLE applicant_attr (applicant bigint, kind text, value text);
INSERT INTO applicant_attr VALUES
  (1, 'phone', '555-0101'), (1, 'device', 'A'),
  (2, 'phone', '555-0101'), (2, 'device', 'B'),
  (3, 'phone', '555-0303'), (3, 'device', 'B'),
  (4, 'phone', '555-0404'),
  (5, 'phone', '800-CALL'), (5, 'device', 'C'),
  (6, 'phone', '800-CALL'),
  (7, 'phone', '800-CALL'), (7, 'device', 'E'),
  (8, 'phone', '800-CALL'), (8, 'device', 'E'),
  (9, 'phone', NULL);
SELECT * FROM loan_risk.shared_attribute_components(
  $$SELECT applicant, kind || ':' || value FROM applicant_attr$$, 3) ORDER BY entity;
SELECT * FROM loan_risk.shared_attribute_hubs(
  $$SELECT applicant, kind || ':' || value FROM applicant_attr$$, 3);
-- With a cap of 4 the call centre's number links 5, 6, 7 and 8.
SELECT component, component_size, array_agg(entity ORDER BY entity) AS members
FROM loan_risk.shared_attribute_components($$SELECT applicant, kind || ':' || value FROM applicant_attr$$, 4)
GROUP BY 1, 2 ORDER BY 1;
SELECT count(*) AS hubs FROM loan_risk.shared_attribute_hubs($$SELECT applicant, kind || ':' || value FROM applicant_attr$$, 4);

-- The cap counts distinct entities: an applicant giving the same phone three
-- times counts once.  A value shared by exactly the cap is kept, one more is
-- ignored; a cap of 1 links nothing and lists every shared value.
SELECT * FROM loan_risk.shared_attribute_components('VALUES (1, 10), (1, 10), (1, 10), (2, 10)', 2) ORDER BY entity;
SELECT * FROM loan_risk.shared_attribute_components('VALUES (1, 10), (2, 10), (3, 10)', 2) ORDER BY entity;
SELECT * FROM loan_risk.shared_attribute_hubs('VALUES (1, 10), (2, 10), (3, 10), (3, 11), (4, 11), (5, 12)', 1);

-- Attribute values: integers (card numbers), text, varchar, char(n) (trailing
-- spaces do not count, as with its = operator), name.  Hubs come most shared
-- first, then by value.
SELECT * FROM loan_risk.shared_attribute_components(
  'VALUES (1, 4111111111111111), (2, 4111111111111111), (3, -1), (4, -1)', 10) ORDER BY entity;
SELECT * FROM loan_risk.shared_attribute_components(
  $$VALUES (1, 'AB'::char(4)), (2, 'AB  '::char(4)), (3, 'ab'::char(4))$$, 10) ORDER BY entity;
SELECT * FROM loan_risk.shared_attribute_components(
  $$VALUES (1, 'x'::varchar), (2, 'x'::varchar), (3, ''::varchar), (4, ''::varchar)$$, 10) ORDER BY entity;
SELECT * FROM loan_risk.shared_attribute_components(
  $$VALUES (1::int2, 'x'::name), (2::int2, 'x'::name)$$, 10) ORDER BY entity;
SELECT * FROM loan_risk.shared_attribute_hubs(
  'VALUES (1, 7), (2, 7), (1, -3), (2, -3), (3, -3), (1, 5), (2, 5)', 1);
SELECT * FROM loan_risk.shared_attribute_hubs(
  $$VALUES (1, 'b'), (2, 'b'), (1, 'ab'), (2, 'ab'), (1, 'a'), (2, 'a'), (3, 'ä'), (4, 'ä')$$, 1);

-- NULL entity: the row is skipped; NULL value: the entity stands alone.
-- Empty input and NULL arguments (strict): no rows.
SELECT * FROM loan_risk.shared_attribute_components($$VALUES (NULL, 'x'), (1, 'x'), (2, NULL)$$, 5) ORDER BY entity;
SELECT count(*) FROM loan_risk.shared_attribute_components($$SELECT 1, 'x' WHERE false$$, 5);
SELECT count(*) FROM loan_risk.shared_attribute_hubs($$SELECT 1, 'x' WHERE false$$, 5);
SELECT count(*) FROM loan_risk.shared_attribute_components(NULL, 5);
SELECT count(*) FROM loan_risk.shared_attribute_components($$VALUES (1, 'x')$$, NULL);

-- Malformed input: exact errors.
SELECT * FROM loan_risk.shared_attribute_components($$VALUES (1, 'x')$$, 0);
SELECT * FROM loan_risk.shared_attribute_hubs($$VALUES (1, 'x')$$, -5);
SELECT * FROM loan_risk.shared_attribute_components('VALUES (1)', 5);
SELECT * FROM loan_risk.shared_attribute_components($$VALUES (1, 'x', 'y')$$, 5);
SELECT * FROM loan_risk.shared_attribute_components($$VALUES ('a', 'x')$$, 5);
SELECT * FROM loan_risk.shared_attribute_components('VALUES (1, 2.5)', 5);
SELECT * FROM loan_risk.shared_attribute_components('VALUES (1, true)', 5);
SELECT * FROM loan_risk.shared_attribute_components('', 5);

-- Against plain SQL on generated data of several blocks: 40000 pairs, 20000
-- applicants, 60000 phones, and 1 pair in 100 giving one of 7 call-centre
-- numbers (about 57 applicants each): the components equal those
-- of the graph whose edges are the pairs of applicants sharing a value held
-- by at most 8 applicants (built in SQL; graph_components is itself checked
-- against networkx), and the hubs equal a GROUP BY ... HAVING.  Then 2
-- threads give the same rows.
CREATE TABLE pairs AS
SELECT 1 + (hashint4(i) & 1048575) % 20000 AS applicant,
       CASE WHEN i % 100 = 0 THEN 'call-centre:' || i % 7
            ELSE 'phone:' || (hashint4(i + 7777777) & 1048575) % 60000 END AS value
FROM generate_series(1, 40000) i;
CREATE TABLE ref_kept AS
SELECT value FROM pairs GROUP BY value HAVING count(DISTINCT applicant) BETWEEN 2 AND 8;
CREATE TABLE ref_edges AS
SELECT DISTINCT p.applicant AS a, q.applicant AS b
FROM pairs p JOIN ref_kept k USING (value) JOIN pairs q USING (value) WHERE p.applicant < q.applicant
UNION ALL SELECT DISTINCT applicant, NULL::bigint FROM pairs;
CREATE TABLE rings_1 AS SELECT * FROM loan_risk.shared_attribute_components('SELECT applicant, value FROM pairs', 8);
SELECT count(*) AS applicants, count(DISTINCT r.component) AS rings, max(r.component_size) AS largest,
       count(*) FILTER (WHERE (r.component, r.component_size) = (c.component, c.component_size)) AS same_as_sql
FROM rings_1 r FULL JOIN loan_risk.graph_components('SELECT a, b FROM ref_edges') c ON c.node = r.entity;
SELECT (SELECT count(*) FROM loan_risk.shared_attribute_hubs('SELECT applicant, value FROM pairs', 8)) AS hubs,
       (SELECT count(*) FROM (
          SELECT value AS attribute, count(DISTINCT applicant) AS entities FROM pairs
          GROUP BY value HAVING count(DISTINCT applicant) > 8
          EXCEPT SELECT * FROM loan_risk.shared_attribute_hubs('SELECT applicant, value FROM pairs', 8)) d) AS missing;
SET loan_risk.max_threads = 2;
SELECT count(*) AS differing_between_1_and_2_threads
FROM rings_1 FULL JOIN loan_risk.shared_attribute_components('SELECT applicant, value FROM pairs ORDER BY value DESC', 8) r
USING (entity) WHERE (rings_1.component, rings_1.component_size) IS DISTINCT FROM (r.component, r.component_size);
RESET loan_risk.max_threads;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA graph_shared_attributes_test CASCADE;
RESET client_min_messages;
