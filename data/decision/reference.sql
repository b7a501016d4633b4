-- The decision written by hand in PL/pgSQL from the extension's existing
-- functions: what a bank's engineer would write instead of loan_risk.decide,
-- stage by stage as doc/strategy.md describes them.  It reads the strategy's
-- JSON and calls explain_match (knock-out rules), check_* and normalize_*
-- (identity), a lookup per list, anomaly_score, score and pd, credit_limit,
-- price_loan, repayment_schedule, schedule_apr and match_products.
--
-- sql/decision_reference.sql checks loan_risk.decide against it field by
-- field; bench/decision runs it as the peer.
--
--   \i data/decision/reference.sql      (needs the extension)
--
-- The model values are taken out of the strategy once per statement
-- (dec_ref_models), as an engineer keeps them in tables of their own: the
-- strategy's JSON without them is small, and each model is passed as a value
-- of its type, compiled once per statement by the function that reads it.
--
--   WITH x AS MATERIALIZED (SELECT dec_ref_models(strategy) AS m FROM strategies WHERE name = 'online')
--   SELECT r.* FROM applicants a, x, LATERAL dec_reference(x.m, a) r;

\set QUIET on
CREATE TYPE dec_ref_models AS (
  s jsonb,                             -- the strategy's JSON without its models
  hash text,                           -- SHA-256 of its canonical text
  forest loan_risk.iforest,
  arm_cards loan_risk.scorecard[],
  shadow_cards loan_risk.scorecard[]);

CREATE FUNCTION dec_ref_models(strategy loan_risk.strategy) RETURNS dec_ref_models
LANGUAGE sql STABLE AS $$
  SELECT ROW(
    jsonb_set(jsonb_set(j #- '{stages,anomaly,model}',
      '{stages,score,arms}', coalesce((SELECT jsonb_agg(e - 'card' ORDER BY n)
                                       FROM jsonb_array_elements(j #> '{stages,score,arms}') WITH ORDINALITY x(e, n)), 'null')),
      '{stages,score,shadows}', coalesce((SELECT jsonb_agg(e - 'card' ORDER BY n)
                                          FROM jsonb_array_elements(j #> '{stages,score,shadows}') WITH ORDINALITY x(e, n)), '[]')),
    encode(sha256(convert_to(strategy::text, 'UTF8')), 'hex'),
    (j #> '{stages,anomaly,model}')::text::loan_risk.iforest,
    ARRAY(SELECT (e->'card')::text::loan_risk.scorecard
          FROM jsonb_array_elements(j #> '{stages,score,arms}') WITH ORDINALITY x(e, n) ORDER BY n),
    ARRAY(SELECT (e->'card')::text::loan_risk.scorecard
          FROM jsonb_array_elements(coalesce(j #> '{stages,score,shadows}', '[]')) WITH ORDINALITY x(e, n) ORDER BY n)
  )::dec_ref_models
  FROM (SELECT strategy::jsonb AS j) x
$$;

-- Stage positions, for the stage that decided.
CREATE FUNCTION dec_ref_stage_pos(stage text) RETURNS int LANGUAGE sql IMMUTABLE
  AS $$ SELECT array_position(ARRAY['knock_out', 'identity', 'anomaly', 'score', 'limit', 'price', 'offers'], stage) $$;

-- An input of the applicant as jsonb: the column, or "profile.x", field x of a composite column.
CREATE FUNCTION dec_ref_get(j jsonb, name text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN j ? name OR strpos(name, '.') = 0 THEN j -> name
              ELSE j -> split_part(name, '.', 1) -> substr(name, strpos(name, '.') + 1) END
$$;

-- A money input as numeric (NULL when missing), NaN/Infinity and text as invalid.
CREATE FUNCTION dec_ref_money(v jsonb) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN jsonb_typeof(v) = 'number' THEN v::text::numeric END
$$;

-- The score stage and after for one card and its cut-offs (the arm in force, or a shadow):
-- outcome ('approve', 'refer', 'decline'), the stage, reasons, score, pd, limit, amount, term,
-- rate, first payment and APR.
CREATE TYPE dec_ref_terms AS (
  outcome text, stage text, codes text[], texts text[], score float8, pd float8,
  limit_amount numeric, amount numeric, term_months int, annual_rate numeric,
  first_payment numeric, apr numeric, effective_apr numeric);

CREATE FUNCTION dec_ref_terms(st jsonb, arm jsonb, card loan_risk.scorecard, kind text, a record) RETURNS dec_ref_terms
LANGUAGE plpgsql STABLE AS $$
DECLARE
  j jsonb := to_jsonb(a);
  t dec_ref_terms;
  lim loan_risk.credit_limit_result;
  pr loan_risk.loan_price;
  ap loan_risk.schedule_apr_result;
  revenue numeric;
  existing numeric := 0;
  requested numeric;
  fee numeric;
  v jsonb;
BEGIN
  t.codes := '{}';
  t.texts := '{}';
  t.outcome := 'approve';
  t.stage := 'score';
  BEGIN
    t.score := loan_risk.score(card, a);
  EXCEPTION WHEN null_value_not_allowed OR data_exception THEN
    t.outcome := 'refer';
    t.codes := t.codes || 'SCORE_INCOMPLETE'::text;
    t.texts := t.texts || format('the card of %s "%s" cannot score the applicant', kind, arm->>'name');
    RETURN t;
  END;
  t.pd := loan_risk.pd(card, a);
  IF t.score < (arm->>'decline_below')::float8 THEN
    t.outcome := 'decline';
    t.codes := t.codes || 'SCORE_DECLINE'::text;
    t.texts := t.texts || format('score %s is below the decline cut-off %s of %s "%s"',
                                 t.score, (arm->>'decline_below')::float8, kind, arm->>'name');
    RETURN t;
  ELSIF t.score < (arm->>'approve_at')::float8 THEN
    t.outcome := 'refer';
    t.codes := t.codes || 'SCORE_REFER'::text;
    t.texts := t.texts || format('score %s is below the approval cut-off %s of %s "%s"',
                                 t.score, (arm->>'approve_at')::float8, kind, arm->>'name');
  END IF;
  IF NOT st ? 'limit' THEN
    RETURN t;
  END IF;

  -- limit
  v := dec_ref_get(j, st->'limit'->>'monthly_revenue');
  IF v IS NULL OR jsonb_typeof(v) = 'null' THEN
    t.outcome := 'refer'; t.stage := 'limit';
    t.codes := t.codes || 'LIMIT_INPUT_MISSING'::text;
    t.texts := t.texts || format('monthly revenue (%s) is missing', st->'limit'->>'monthly_revenue');
    RETURN t;
  END IF;
  revenue := dec_ref_money(v);
  IF st->'limit' ? 'existing_debt' THEN
    existing := dec_ref_money(dec_ref_get(j, st->'limit'->>'existing_debt'));
  END IF;
  lim := loan_risk.credit_limit(t.pd, revenue, existing, st->'limit'->'policy');
  IF NOT lim.approved THEN
    t.outcome := 'decline'; t.stage := 'limit';
    t.codes := t.codes || 'LIMIT_DECLINE'::text;
    t.texts := t.texts || lim.reason;
    RETURN t;
  END IF;
  t.limit_amount := lim.limit_amount;
  t.amount := lim.limit_amount;
  IF st->'limit' ? 'requested_amount' THEN
    requested := dec_ref_money(dec_ref_get(j, st->'limit'->>'requested_amount'));
    IF requested IS NOT NULL THEN
      t.amount := least(round(requested, 2), lim.limit_amount);
    END IF;
  END IF;
  IF NOT st ? 'price' THEN
    RETURN t;
  END IF;

  -- price, schedule, APR
  t.term_months := coalesce(((dec_ref_get(j, st->'price'->>'requested_term') #>> '{}'))::int, (st->'price'->>'term_months')::int);
  pr := loan_risk.price_loan(t.pd, (st->'price'->>'lgd')::float8, t.term_months, st->'price'->'policy');
  IF NOT pr.approved THEN
    t.outcome := 'decline'; t.stage := 'price';
    t.codes := t.codes || 'PRICE_DECLINE'::text;
    t.texts := t.texts || pr.reason;
    t.limit_amount := NULL; t.amount := NULL; t.term_months := NULL;
    RETURN t;
  END IF;
  t.annual_rate := pr.annual_rate;
  SELECT s.payment INTO t.first_payment
  FROM loan_risk.repayment_schedule(t.amount, pr.annual_rate, t.term_months, st->'price'->>'repayment_method') s
  WHERE s.period = 1;
  fee := round(t.amount * (st->'price'->>'upfront_fee_rate')::numeric, 2);
  ap := loan_risk.schedule_apr(t.amount, pr.annual_rate, t.term_months, st->'price'->>'repayment_method', fee);
  t.apr := ap.nominal_apr;
  t.effective_apr := ap.effective_apr;
  RETURN t;
END $$;

CREATE FUNCTION dec_reference(m dec_ref_models, a record) RETURNS loan_risk.decision
LANGUAGE plpgsql STABLE AS $$
DECLARE
  s jsonb := m.s;
  st jsonb := s->'stages';
  j jsonb := to_jsonb(a);
  d loan_risk.decision;
  codes text[] := '{}';
  texts text[] := '{}';
  pre text := 'pass';          -- the worst outcome before the score stage
  pre_stage text;
  last_stage text;
  f jsonb;
  r record;
  ok boolean;
  why text;
  key text;
  hit boolean;
  hits text[] := '{}';
  exempt boolean := false;
  action text;
  score_pos float8;
  arm jsonb;
  armno int := 1;
  u float8;
  cum float8 := 0;
  t dec_ref_terms;
  sh dec_ref_terms;
  shadows loan_risk.shadow_decision[];
  sh_outcome text;
  sh_stage text;
  sh_codes text[];
  i int;
BEGIN
  d.strategy_name := s->>'name';
  d.strategy_version := s->>'version';
  d.strategy_hash := m.hash;

  -- 1. knock-out rules: the failed rules of a product whose rules they are
  IF st ? 'knock_out' THEN
    last_stage := 'knock_out';
    SELECT em.failed_rules INTO f FROM loan_risk.explain_match(a, format(
      $q$SELECT 'knock_out'::text AS product_id, NULL::text AS bank, NULL::text AS product_type,
               1 AS min_amount, 1 AS max_amount, 1 AS min_term, 1 AS max_term, 0 AS rate,
               %L::jsonb AS rules, NULL::jsonb AS approval_model$q$, st->'knock_out'->'rules'), 0.5) em;
    FOR r IN SELECT e FROM jsonb_array_elements(f) e LOOP
      codes := codes || (r.e->>'name');
      texts := texts || (r.e->>'reason' || CASE WHEN (r.e->>'missing')::boolean
                                               THEN format(' (%s is missing)', r.e->>'column') ELSE '' END);
    END LOOP;
    IF jsonb_array_length(f) > 0 THEN
      pre := 'decline'; pre_stage := 'knock_out';
    END IF;
  END IF;

  -- 2. identity checks and lists
  IF pre <> 'decline' AND st ? 'identity' THEN
    last_stage := 'identity';
    FOR r IN SELECT e FROM jsonb_array_elements(coalesce(st->'identity'->'checks', '[]')) e LOOP
      key := (dec_ref_get(j, r.e->>'column') #>> '{}');
      IF key IS NULL THEN
        ok := r.e->>'if_null' = 'pass';
        why := format('%s (%s is missing)', r.e->>'reason', r.e->>'column');
      ELSE
        CASE r.e->>'kind'
          WHEN 'resident_id' THEN SELECT c.valid, c.reason INTO ok, why FROM loan_risk.check_resident_id(key) c;
          WHEN 'credit_code' THEN SELECT c.valid, c.reason INTO ok, why FROM loan_risk.check_credit_code(key) c;
          WHEN 'mobile' THEN SELECT c.valid, c.reason INTO ok, why FROM loan_risk.check_mobile(key) c;
          ELSE SELECT c.valid, c.reason INTO ok, why FROM loan_risk.check_bank_card(key) c;
        END CASE;
        why := format('%s: %s', r.e->>'reason', why);
      END IF;
      IF NOT ok THEN
        codes := codes || (r.e->>'code');
        texts := texts || why;
        IF r.e->>'action' = 'decline' THEN
          pre := 'decline';
        ELSIF pre = 'pass' THEN
          pre := 'refer';
        END IF;
        pre_stage := coalesce(pre_stage, 'identity');
      END IF;
    END LOOP;
    IF st->'identity' ? 'lists' THEN
      d.list_hits := '{}';
      FOR r IN SELECT e FROM jsonb_array_elements(st->'identity'->'lists') e LOOP
        key := (dec_ref_get(j, r.e->>'column') #>> '{}');
        IF key IS NOT NULL THEN
          key := coalesce(CASE r.e->>'normalize'
                            WHEN 'resident_id' THEN loan_risk.normalize_resident_id(key)
                            WHEN 'credit_code' THEN loan_risk.normalize_credit_code(key)
                            WHEN 'mobile' THEN loan_risk.normalize_mobile(key)
                            WHEN 'bank_card' THEN loan_risk.normalize_bank_card(key) END, key);
          EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I WHERE %I = $1)',
                         r.e->>'schema', r.e->>'table', r.e->>'key_column') INTO hit USING key;
          IF hit THEN
            d.list_hits := d.list_hits || (r.e->>'code');
            exempt := exempt OR r.e->>'list' = 'white';
          END IF;
        END IF;
      END LOOP;
      FOR r IN SELECT e FROM jsonb_array_elements(st->'identity'->'lists') e LOOP
        hit := (r.e->>'code') = ANY (d.list_hits);
        IF (r.e->>'list' = 'white' AND NOT hit AND r.e->>'action' <> 'pass')
           OR (r.e->>'list' <> 'white' AND hit AND NOT exempt) THEN
          codes := codes || (r.e->>'code');
          texts := texts || (r.e->>'reason');
          IF r.e->>'action' = 'decline' THEN
            pre := 'decline';
          ELSIF pre = 'pass' THEN
            pre := 'refer';
          END IF;
          pre_stage := coalesce(pre_stage, 'identity');
        END IF;
      END LOOP;
    END IF;
    IF pre = 'decline' AND pre_stage <> 'knock_out' THEN
      pre_stage := 'identity';
    END IF;
  END IF;

  -- 3. anomaly
  IF pre <> 'decline' AND st ? 'anomaly' THEN
    last_stage := 'anomaly';
    d.anomaly_score := loan_risk.anomaly_score(m.forest, a);
    IF st->'anomaly' ? 'decline_at' AND d.anomaly_score >= (st->'anomaly'->>'decline_at')::float8 THEN
      codes := codes || 'ANOMALY_DECLINE'::text;
      texts := texts || format('anomaly score %s is at or above the decline threshold %s',
                               d.anomaly_score, (st->'anomaly'->>'decline_at')::float8);
      pre := 'decline'; pre_stage := 'anomaly';
    ELSIF st->'anomaly' ? 'refer_at' AND d.anomaly_score >= (st->'anomaly'->>'refer_at')::float8 THEN
      codes := codes || 'ANOMALY_REFER'::text;
      texts := texts || format('anomaly score %s is at or above the referral threshold %s',
                               d.anomaly_score, (st->'anomaly'->>'refer_at')::float8);
      IF pre = 'pass' THEN
        pre := 'refer'; pre_stage := 'anomaly';
      END IF;
    END IF;
  END IF;

  d.outcome := CASE pre WHEN 'pass' THEN 'approve' ELSE pre END;
  d.stage := CASE pre WHEN 'pass' THEN coalesce(last_stage, 'offers') ELSE pre_stage END;

  -- 4. to 6. score with the arm of the key, limit, price
  IF pre <> 'decline' AND st ? 'score' THEN
    arm := st->'score'->'arms'->0;
    IF jsonb_array_length(st->'score'->'arms') > 1 AND (dec_ref_get(j, s->>'key') #>> '{}') IS NOT NULL THEN
      u := ('x' || substr(encode(sha256(convert_to(coalesce(st->'score'->>'salt', s->>'name') || ':' || ((dec_ref_get(j, s->>'key') #>> '{}')),
                                                   'UTF8')), 'hex'), 1, 12))::bit(48)::bigint / 281474976710656.0::float8;
      FOR i IN 0 .. jsonb_array_length(st->'score'->'arms') - 1 LOOP
        arm := st->'score'->'arms'->i;
        armno := i + 1;
        cum := cum + (arm->>'share')::float8;
        EXIT WHEN u < cum;
      END LOOP;
    END IF;
    d.arm := arm->>'name';
    t := dec_ref_terms(st, arm, m.arm_cards[armno], 'arm', a);
    codes := codes || t.codes;
    texts := texts || t.texts;
    d.score := t.score;
    d.pd := t.pd;
    IF t.outcome = 'decline' THEN
      d.outcome := 'decline'; d.stage := t.stage;
    ELSE
      d.outcome := CASE WHEN pre = 'refer' OR t.outcome = 'refer' THEN 'refer' ELSE 'approve' END;
      d.stage := CASE WHEN pre = 'refer' THEN pre_stage ELSE t.stage END;
      d.limit_amount := t.limit_amount;
      d.amount := t.amount;
      d.term_months := t.term_months;
      d.annual_rate := t.annual_rate;
      d.first_payment := t.first_payment;
      d.apr := t.apr;
      d.effective_apr := t.effective_apr;
    END IF;
  END IF;

  -- 7. offers: match_products over the strategy's products, unless declined
  IF st ? 'offers' AND d.outcome <> 'decline' THEN
    SELECT coalesce(array_agg(ROW(mp.*)::loan_risk.offer ORDER BY mp.rank), '{}') INTO d.offers
    FROM loan_risk.match_products(a, format(
      $q$SELECT * FROM pg_catalog.jsonb_to_recordset(%L::jsonb) AS p(product_id text, bank text, product_type text,
           min_amount numeric, max_amount numeric, min_term int, max_term int, rate numeric, min_rate numeric,
           max_rate numeric, rules jsonb, approval_model jsonb, repayment_method text)$q$, st->'offers'->'products'),
      (st->'offers'->>'min_probability')::float8, (st->'offers'->>'max_results')::int,
      dec_ref_money(dec_ref_get(j, st->'limit'->>'requested_amount')),
      ((dec_ref_get(j, st->'price'->>'requested_term') #>> '{}'))::int,
      st->'offers'->>'order_by') mp;
  END IF;

  -- shadows: the same stages with the shadow's card, beside the decision
  IF jsonb_array_length(coalesce(st->'score'->'shadows', '[]')) > 0 THEN
    shadows := '{}';
    FOR i IN 0 .. jsonb_array_length(st->'score'->'shadows') - 1 LOOP
      sh := dec_ref_terms(st, st->'score'->'shadows'->i, m.shadow_cards[i + 1], 'shadow', a);
      sh_codes := ARRAY(SELECT c FROM unnest(codes) WITH ORDINALITY x(c, n)
                        WHERE n <= cardinality(codes) - cardinality(coalesce(t.codes, '{}')));
      IF pre = 'decline' THEN
        sh_outcome := 'decline'; sh_stage := pre_stage;
      ELSE
        sh_codes := sh_codes || sh.codes;
        sh_outcome := CASE WHEN sh.outcome = 'decline' THEN 'decline'
                           WHEN pre = 'refer' OR sh.outcome = 'refer' THEN 'refer' ELSE 'approve' END;
        sh_stage := CASE WHEN sh.outcome = 'decline' THEN sh.stage WHEN pre = 'refer' THEN pre_stage ELSE sh.stage END;
      END IF;
      shadows := shadows || ROW(st->'score'->'shadows'->i->>'name', sh_outcome, sh_stage, sh_codes, sh.score, sh.pd,
                                CASE WHEN sh_outcome <> 'decline' THEN sh.limit_amount END,
                                CASE WHEN sh_outcome <> 'decline' THEN sh.annual_rate END)::loan_risk.shadow_decision;
    END LOOP;
    d.shadows := shadows;
  END IF;
  d.reason_codes := codes;
  d.reasons := texts;
  RETURN d;
END $$;
\set QUIET off
