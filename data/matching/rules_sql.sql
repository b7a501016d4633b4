-- matching_sim.rules_sql(rules jsonb, alias text): a matching rules document
-- (doc/matching.md) as a plain-SQL predicate over the columns of alias.
--
-- An independent statement of the rule semantics in SQL, used by the tests
-- (the C evaluator must agree with it on every applicant and product), by
-- the simulation (which products an applicant may apply to) and by the
-- benchmark (the plain-SQL join the batch function is compared with):
--   a comparison, in, not in or between with a NULL value fails, unless the
--   condition says "if_null": "pass"; "all" is AND, "any" is OR.
-- NaN is not handled here (the C evaluator treats it as missing); the
-- generated data has none.
CREATE SCHEMA IF NOT EXISTS matching_sim;

CREATE OR REPLACE FUNCTION matching_sim.rule_literal(v jsonb) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE jsonb_typeof(v)
           WHEN 'string' THEN quote_literal(v #>> '{}')
           WHEN 'number' THEN '(' || (v #>> '{}') || ')'
           ELSE v #>> '{}' END
$$;

CREATE OR REPLACE FUNCTION matching_sim.rule_node_sql(n jsonb, alias text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  col text;
  op text := n->>'op';
  v jsonb := n->'value';
  pass text := CASE WHEN n->>'if_null' = 'pass' THEN 'true' ELSE 'false' END;
  first jsonb;
  e text;
BEGIN
  IF n ? 'all' OR n ? 'any' THEN
    RETURN '(' || (SELECT string_agg(matching_sim.rule_node_sql(c, alias),
                                     CASE WHEN n ? 'all' THEN ' AND ' ELSE ' OR ' END ORDER BY i)
                   FROM jsonb_array_elements(coalesce(n->'all', n->'any')) WITH ORDINALITY AS x(c, i)) || ')';
  END IF;
  col := format('%I.%I', alias, n->>'column');
  IF op = 'is null' THEN RETURN format('(%s IS NULL)', col); END IF;
  IF op = 'is not null' THEN RETURN format('(%s IS NOT NULL)', col); END IF;
  first := CASE WHEN jsonb_typeof(v) = 'array' THEN v->0 ELSE v END;
  -- Strings compare with the column's text (integers, char(n) trimmed, enums).
  IF jsonb_typeof(first) = 'string' THEN col := col || '::text'; END IF;
  e := CASE op
         WHEN 'between' THEN format('%s BETWEEN %s AND %s', col,
                                    matching_sim.rule_literal(v->0), matching_sim.rule_literal(v->1))
         WHEN 'in' THEN format('%s IN (%s)', col,
                               (SELECT string_agg(matching_sim.rule_literal(x), ', ') FROM jsonb_array_elements(v) x))
         WHEN 'not in' THEN format('%s NOT IN (%s)', col,
                                   (SELECT string_agg(matching_sim.rule_literal(x), ', ') FROM jsonb_array_elements(v) x))
         ELSE format('%s %s %s', col, CASE op WHEN '!=' THEN '<>' ELSE op END, matching_sim.rule_literal(v))
       END;
  RETURN format('coalesce(%s, %s)', e, pass);
END $$;

CREATE OR REPLACE FUNCTION matching_sim.rules_sql(rules jsonb, alias text DEFAULT 'a') RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT coalesce(string_agg(matching_sim.rule_node_sql(r, alias), ' AND ' ORDER BY i), 'true')
  FROM jsonb_array_elements(rules) WITH ORDINALITY AS x(r, i)
$$;
