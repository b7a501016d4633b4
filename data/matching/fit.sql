-- matching_sim.fit_scorecard(source, target, features): the approval model
-- of one product, fitted from its past applications (target = 1 when the
-- bank rejected: the "bad" outcome, so pd is the probability of rejection
-- and 1 - pd the probability of approval).
--
-- The simulation fits every model through this one function, so that the
-- trainer can replace the stand-in below in one line:
--     SELECT loan_risk.train_scorecard(source, target, features)
--
-- The stand-in (used while loan_risk.train_scorecard is not installed) is
-- the classic scorecard fit in plain SQL and PL/pgSQL: numeric features in
-- decile bins, categories with at least 20 rows in bins of their own (the
-- rest "unseen"), weight of evidence per bin smoothed by half a count, then
-- a logistic regression of approval on the WOE-coded features (Newton's
-- method; each step is one aggregate query), scaled to 600 points at even
-- odds and 20 points to double the odds.
CREATE SCHEMA IF NOT EXISTS matching_sim;

CREATE OR REPLACE FUNCTION matching_sim.woe_scorecard(source text, target text, features text[],
                                                      name text DEFAULT NULL)
RETURNS loan_risk.scorecard LANGUAGE plpgsql AS $$
DECLARE
  goods float8;
  bads float8;
  nf int := cardinality(features);
  f text;
  typ text;
  cuts float8[];
  woes float8[];
  bins jsonb;
  miss float8;
  unseen float8;
  catmap jsonb;
  feats jsonb[] := '{}';
  xexpr text[] := '{}';
  sums text[] := '{}';
  beta float8[];
  g float8[];
  h float8[];
  r float8[];
  piv float8;
  t float8;
  i int; j int; l int; it int;
  eta text;
  scale float8 := 20 / ln(2);
  fin jsonb := '[]';
BEGIN
  EXECUTE format('SELECT count(*) FILTER (WHERE %1$I = 0), count(*) FILTER (WHERE %1$I = 1) FROM (%2$s) s',
                 target, source) INTO goods, bads;
  IF goods = 0 OR bads = 0 THEN
    RAISE EXCEPTION 'woe_scorecard: the outcome % has only one value in the source', target;
  END IF;

  -- Bins and their WOE, and an SQL expression for each row's WOE.
  FOR i IN 1..nf LOOP
    f := features[i];
    EXECUTE format('SELECT pg_typeof(%I)::text FROM (%s) s LIMIT 1', f, source) INTO typ;
    EXECUTE format($q$SELECT ln((count(*) FILTER (WHERE %2$I = 0) + 0.5) / ($1 + 0.5))
                             - ln((count(*) FILTER (WHERE %2$I = 1) + 0.5) / ($2 + 0.5))
                      FROM (%3$s) s WHERE %1$I IS NULL$q$, f, target, source)
      INTO miss USING goods, bads;
    IF typ IN ('smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision') THEN
      EXECUTE format($q$SELECT array_agg(DISTINCT c ORDER BY c) FROM unnest(
                        (SELECT percentile_disc(ARRAY[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
                                WITHIN GROUP (ORDER BY %1$I::float8) FROM (%2$s) s)) c$q$, f, source)
        INTO cuts;
      cuts := coalesce(cuts, '{}');
      EXECUTE format($q$
        WITH c AS (SELECT width_bucket(%1$I::float8, $1) AS k,
                          count(*) FILTER (WHERE %2$I = 0) AS g, count(*) FILTER (WHERE %2$I = 1) AS b
                   FROM (%3$s) s WHERE %1$I IS NOT NULL GROUP BY 1)
        SELECT array_agg(ln((coalesce(c.g, 0) + 0.5) / ($2 + 0.5)) - ln((coalesce(c.b, 0) + 0.5) / ($3 + 0.5))
                         ORDER BY k.k)
        FROM generate_series(0, cardinality($1)) k(k) LEFT JOIN c ON c.k = k.k$q$, f, target, source)
        INTO woes USING cuts, goods, bads;
      feats := feats || jsonb_build_object('name', f, 'type', 'numeric', 'cuts', to_jsonb(cuts),
                                           'woe', to_jsonb(woes), 'missing', miss);
      xexpr := xexpr || format('CASE WHEN %1$I IS NULL THEN %2$s ELSE (%3$L::float8[])[width_bucket(%1$I::float8, %4$L::float8[]) + 1] END',
                               f, miss, woes, cuts);
    ELSE
      EXECUTE format($q$
        WITH c AS (SELECT %1$I::text AS v, count(*) FILTER (WHERE %2$I = 0) AS g,
                          count(*) FILTER (WHERE %2$I = 1) AS b
                   FROM (%3$s) s WHERE %1$I IS NOT NULL GROUP BY 1)
        SELECT coalesce(jsonb_object_agg(v, ln((g + 0.5) / ($1 + 0.5)) - ln((b + 0.5) / ($2 + 0.5)))
                          FILTER (WHERE g + b >= 20), '{}'),
               ln((coalesce(sum(g) FILTER (WHERE g + b < 20), 0) + 0.5) / ($1 + 0.5))
               - ln((coalesce(sum(b) FILTER (WHERE g + b < 20), 0) + 0.5) / ($2 + 0.5))
        FROM c$q$, f, target, source)
        INTO catmap, unseen USING goods, bads;
      feats := feats || jsonb_build_object('name', f, 'type', 'categorical', 'map', catmap,
                                           'unseen', unseen, 'missing', miss);
      xexpr := xexpr || format('CASE WHEN %1$I IS NULL THEN %2$s ELSE coalesce((%3$L::jsonb->>(%1$I::text))::float8, %4$s) END',
                               f, miss, catmap, unseen);
    END IF;
  END LOOP;

  -- The WOE-coded rows (x1 .. xnf, y = approved).
  DROP TABLE IF EXISTS pg_temp.matching_sim_fit;
  EXECUTE format('CREATE TEMP TABLE matching_sim_fit AS SELECT 1 - %I AS y, %s FROM (%s) s', target,
                 (SELECT string_agg(format('%s AS x%s', e, n), ', ') FROM unnest(xexpr) WITH ORDINALITY u(e, n)),
                 source);

  -- Logistic regression by Newton's method: x0 = 1 is the intercept.
  beta := array_fill(0::float8, ARRAY[nf + 1]);
  FOR i IN 0..nf LOOP
    sums := sums || format('sum((y - p) * %s)', CASE WHEN i = 0 THEN '1' ELSE 'x' || i END);
  END LOOP;
  FOR i IN 0..nf LOOP
    FOR j IN i..nf LOOP
      sums := sums || format('sum(w * %s * %s)', CASE WHEN i = 0 THEN '1' ELSE 'x' || i END,
                             CASE WHEN j = 0 THEN '1' ELSE 'x' || j END);
    END LOOP;
  END LOOP;
  FOR it IN 1..30 LOOP
    eta := beta[1]::text || (SELECT coalesce(string_agg(format(' + (%s) * x%s', beta[n + 1], n), ''), '')
                             FROM generate_series(1, nf) n);
    EXECUTE format('SELECT ARRAY[%s] FROM (SELECT *, p * (1 - p) AS w FROM (SELECT *, 1 / (1 + exp(least(700, greatest(-700, -(%s))))) AS p FROM matching_sim_fit) q) q2',
                   array_to_string(sums, ', '), eta) INTO r;
    g := r[1:nf + 1];
    -- The information matrix, with a tiny ridge for features without variation.
    h := array_fill(0::float8, ARRAY[(nf + 1) * (nf + 1)]);
    l := nf + 2;
    FOR i IN 0..nf LOOP
      FOR j IN i..nf LOOP
        h[i * (nf + 1) + j + 1] := r[l];
        h[j * (nf + 1) + i + 1] := r[l];
        l := l + 1;
      END LOOP;
      h[i * (nf + 1) + i + 1] := h[i * (nf + 1) + i + 1] + 1e-6 * (goods + bads);
    END LOOP;
    -- Solve h * d = g by Gaussian elimination with partial pivoting (d overwrites g).
    FOR i IN 0..nf LOOP
      l := i;
      FOR j IN i + 1..nf LOOP
        IF abs(h[j * (nf + 1) + i + 1]) > abs(h[l * (nf + 1) + i + 1]) THEN l := j; END IF;
      END LOOP;
      IF l <> i THEN
        FOR j IN 0..nf LOOP
          t := h[i * (nf + 1) + j + 1]; h[i * (nf + 1) + j + 1] := h[l * (nf + 1) + j + 1]; h[l * (nf + 1) + j + 1] := t;
        END LOOP;
        t := g[i + 1]; g[i + 1] := g[l + 1]; g[l + 1] := t;
      END IF;
      piv := h[i * (nf + 1) + i + 1];
      FOR j IN i + 1..nf LOOP
        t := h[j * (nf + 1) + i + 1] / piv;
        FOR l IN i..nf LOOP
          h[j * (nf + 1) + l + 1] := h[j * (nf + 1) + l + 1] - t * h[i * (nf + 1) + l + 1];
        END LOOP;
        g[j + 1] := g[j + 1] - t * g[i + 1];
      END LOOP;
    END LOOP;
    FOR i IN REVERSE nf..0 LOOP
      t := g[i + 1];
      FOR j IN i + 1..nf LOOP
        t := t - h[i * (nf + 1) + j + 1] * g[j + 1];
      END LOOP;
      g[i + 1] := t / h[i * (nf + 1) + i + 1];
    END LOOP;
    FOR i IN 1..nf + 1 LOOP
      beta[i] := beta[i] + g[i];
    END LOOP;
    EXIT WHEN (SELECT max(abs(x)) FROM unnest(g) x) < 1e-8;
  END LOOP;

  -- The card: points = scale * coefficient * WOE; base points carry the intercept.
  FOR i IN 1..nf LOOP
    fin := fin || jsonb_build_array(
      jsonb_build_object('name', feats[i]->>'name', 'type', feats[i]->>'type',
                         'coefficient', beta[i + 1],
                         'missing', jsonb_build_object('points', round((scale * beta[i + 1] * (feats[i]->>'missing')::float8)::numeric, 6)))
      || CASE WHEN feats[i]->>'type' = 'numeric' THEN
           jsonb_build_object('bins', (SELECT jsonb_agg(jsonb_build_object(
                                         'upper', CASE WHEN n < jsonb_array_length(feats[i]->'woe') THEN feats[i]->'cuts'->(n::int - 1) ELSE 'null'::jsonb END,
                                         'points', round((scale * beta[i + 1] * w::float8)::numeric, 6),
                                         'woe', w::float8) ORDER BY n)
                                       FROM jsonb_array_elements_text(feats[i]->'woe') WITH ORDINALITY e(w, n)))
         ELSE
           jsonb_build_object('bins', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                         'values', jsonb_build_array(key),
                                         'points', round((scale * beta[i + 1] * value::float8)::numeric, 6),
                                         'woe', value::float8) ORDER BY key)
                                       FROM jsonb_each_text(feats[i]->'map')), '[]'),
                              'unseen', jsonb_build_object('points', round((scale * beta[i + 1] * (feats[i]->>'unseen')::float8)::numeric, 6)))
         END);
  END LOOP;
  RETURN jsonb_build_object('format', 'loan_risk.scorecard/1', 'name', coalesce(name, 'approval'),
                            'scaling', jsonb_build_object('pdo', 20, 'base_score', 600, 'base_odds', 1),
                            'base_points', round((600 + scale * beta[1])::numeric, 6),
                            'intercept', beta[1],
                            'features', fin,
                            'training', jsonb_build_object('method', 'logistic regression on WOE (matching_sim.woe_scorecard)',
                                                           'rows', goods + bads, 'rejected', bads))::loan_risk.scorecard;
END $$;

-- The one function the simulation fits through (see the top of this file).
CREATE OR REPLACE FUNCTION matching_sim.fit_scorecard(source text, target text, features text[])
RETURNS loan_risk.scorecard LANGUAGE sql AS $$
  SELECT matching_sim.woe_scorecard(source, target, features)
$$;
