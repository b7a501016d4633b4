-- loan_risk.adjust_limit(current_limit, utilisation, max_days_past_due,
-- pd_at_grant, pd_now, months_on_book, policy [, months_since_change]):
-- freeze on delinquency, else decrease on deteriorating risk, else increase
-- when every condition holds, else hold.
CREATE TABLE adj_policies (name text PRIMARY KEY, policy jsonb);
INSERT INTO adj_policies VALUES
('standard', '{"rounding_step": 100, "cooldown_months": 3,
               "freeze": {"days_past_due": 30},
               "decrease": {"step": 0.25, "days_past_due": 15, "pd": 0.15, "pd_ratio": 2, "min_limit": 500},
               "increase": {"step": 0.2, "max_increase": 5000, "max_limit": 50000, "min_utilisation": 0.5,
                            "max_pd": 0.05, "max_pd_ratio": 1.2, "min_months_on_book": 6, "max_days_past_due": 0}}'),
('freeze_current', '{"freeze": {"days_past_due": 60, "limit": "current"}}'),
('freeze_zero', '{"freeze": {"days_past_due": 60, "limit": "zero"},
                  "decrease": {"step": 0.5, "days_past_due": 1, "floor_at_drawn": false}}'),
('empty', '{}');

SELECT c, (loan_risk.adjust_limit(cur, u, dpd, pd0, pd1, mob, (SELECT policy FROM adj_policies WHERE name = 'standard'))).*
FROM (VALUES
  ('increase 20%',                         10000::numeric, 0.8::float8, 0, 0.02::float8, 0.02::float8, 12),
  ('increase rounded down to the step',    10050, 0.8, 0, 0.02, 0.02, 12),
  ('increase capped by max_increase',      40000, 0.8, 0, 0.02, 0.02, 12),
  ('increase capped by max_limit',         46000, 0.8, 0, 0.02, 0.02, 12),
  ('already at the maximum',               50000, 0.8, 0, 0.02, 0.02, 12),
  ('too few months on book',               10000, 0.8, 0, 0.02, 0.02, 3),
  ('any days past due block an increase',  10000, 0.8, 5, 0.02, 0.02, 12),
  ('utilisation too low',                  10000, 0.3, 0, 0.02, 0.02, 12),
  ('pd above the increase maximum',        10000, 0.8, 0, 0.05, 0.08, 12),
  ('pd rose more than 1.2x',               10000, 0.8, 0, 0.02, 0.03, 12),
  ('decrease on days past due',            10000, 0.4, 20, 0.02, 0.02, 12),
  ('decrease floored at the drawn amount', 10000, 0.9, 20, 0.02, 0.02, 12),
  ('decrease blocked by the drawn amount', 10000, 1.0, 20, 0.02, 0.02, 12),
  ('decrease floored at min_limit',        600, 0, 20, 0.02, 0.02, 12),
  ('decrease on pd',                       10000, 0.4, 0, 0.05, 0.2, 12),
  ('decrease on pd ratio (2.5x)',          10000, 0.4, 0, 0.02, 0.05, 12),
  ('freeze at 30 days: the drawn amount',  10000, 0.6, 45, 0.02, 0.02, 12),
  ('freeze when over the limit',           10000, 1.2, 45, 0.02, 0.02, 12),
  ('zero limit',                           0, 0, 0, 0.02, 0.02, 12)
) v(c, cur, u, dpd, pd0, pd1, mob);

-- Cool-down counts from the last change (8-argument form); without it, from the grant.
SELECT (loan_risk.adjust_limit(10000, 0.8, 0, 0.02, 0.02, 12, policy, 2)).* FROM adj_policies WHERE name = 'standard';
SELECT (loan_risk.adjust_limit(10000, 0.8, 0, 0.02, 0.02, 12, policy, 3)).* FROM adj_policies WHERE name = 'standard';
SELECT (loan_risk.adjust_limit(10000, 0.8, 0, 0.02, 0.02, 2, policy)).* FROM adj_policies WHERE name = 'standard';

-- Other freeze limits; a policy with no increase rule; an empty policy.
SELECT name, (loan_risk.adjust_limit(10000, 0.6, 90, 0.02, 0.02, 12, policy)).* FROM adj_policies
WHERE name IN ('freeze_current', 'freeze_zero') ORDER BY name;
SELECT (loan_risk.adjust_limit(10000, 0.9, 5, 0.02, 0.02, 12, policy)).* FROM adj_policies WHERE name = 'freeze_zero';
SELECT (loan_risk.adjust_limit(10000, 0.9, 0, 0.02, 0.02, 12, policy)).* FROM adj_policies WHERE name = 'freeze_zero';
SELECT (loan_risk.adjust_limit(10000, 0.9, 100, 0.02, 0.9, 12, policy)).* FROM adj_policies WHERE name = 'empty';

-- NULL in, NULL out (STRICT).
SELECT loan_risk.adjust_limit(NULL, 0.5, 0, 0.02, 0.02, 12, '{}') IS NULL AS null_limit;
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '{}', NULL) IS NULL AS null_since_change;

-- Bad inputs.
SELECT loan_risk.adjust_limit('NaN', 0.5, 0, 0.02, 0.02, 12, '{}');
SELECT loan_risk.adjust_limit(-1, 0.5, 0, 0.02, 0.02, 12, '{}');
SELECT loan_risk.adjust_limit(1e20, 0.5, 0, 0.02, 0.02, 12, '{}');
SELECT loan_risk.adjust_limit(1000, 'NaN', 0, 0.02, 0.02, 12, '{}');
SELECT loan_risk.adjust_limit(1000, -0.1, 0, 0.02, 0.02, 12, '{}');
SELECT loan_risk.adjust_limit(1000, 'Infinity', 0, 0.02, 0.02, 12, '{}');
SELECT loan_risk.adjust_limit(1000, 0.5, -1, 0.02, 0.02, 12, '{}');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 'NaN', 0.02, 12, '{}');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 1.01, 12, '{}');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, -12, '{}');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '{}', 13);
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '{}', -1);

-- Malformed policies.
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '[1]');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '{"increse": {}}');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '{"rounding_step": 0.001}');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '{"cooldown_months": -1}');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '{"freeze": {}}');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '{"freeze": {"days_past_due": 0}}');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '{"freeze": {"days_past_due": 30, "limit": "none"}}');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '{"decrease": {"step": 0.25}}');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '{"decrease": {"step": 0, "pd": 0.1}}');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '{"decrease": {"step": 1.5, "pd": 0.1}}');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '{"decrease": {"step": 0.2, "pd_ratio": 1}}');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '{"decrease": {"step": 0.2, "pd": 0.1, "floor_at_drawn": "yes"}}');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '{"increase": {"max_pd": 0.1}}');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '{"increase": {"step": 0.2, "min_utilisation": 2}}');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '{"increase": {"step": 0.2, "max_pd_ratio": 0}}');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '{"increase": {"step": 0.2, "max_increase": 0}}');
SELECT loan_risk.adjust_limit(1000, 0.5, 0, 0.02, 0.02, 12, '{"increase": {"step": 0.2, "min_months_on_book": 2.5}}');

-- Against a plain-SQL implementation of the standard policy over generated lines.
CREATE FUNCTION sql_adjust_limit(cur numeric, u float8, dpd int, pd0 float8, pd1 float8, mob int,
                                 OUT new_limit numeric, OUT action text, OUT rule text) AS $$
DECLARE
  drawn numeric;
  target numeric;
  floor_ numeric;
BEGIN
  cur := round(cur, 2);
  drawn := round(cur * u::numeric, 2);
  new_limit := cur; action := 'hold';
  IF dpd >= 30 THEN
    new_limit := least(drawn, cur); action := 'freeze'; rule := 'freeze_days_past_due'; RETURN;
  END IF;
  rule := CASE WHEN dpd >= 15 THEN 'decrease_days_past_due' WHEN pd1 >= 0.15 THEN 'decrease_pd'
               WHEN pd1 > pd0 AND pd1 >= 2 * pd0 THEN 'decrease_pd_ratio' END;
  IF rule IS NOT NULL THEN
    target := floor((cur - ceil(cur * 0.25 * 100) / 100) / 100) * 100;
    floor_ := greatest(500, ceil(drawn / 100) * 100);
    target := greatest(target, floor_);
    IF target >= cur THEN rule := 'hold_decrease_floor'; RETURN; END IF;
    new_limit := target; action := 'decrease'; RETURN;
  END IF;
  rule := CASE WHEN mob < 3 THEN 'hold_cooldown' WHEN mob < 6 THEN 'hold_months_on_book'
               WHEN dpd > 0 THEN 'hold_days_past_due' WHEN u < 0.5 THEN 'hold_utilisation'
               WHEN pd1 > 0.05 THEN 'hold_pd' WHEN pd1 > 1.2 * pd0 THEN 'hold_pd_ratio' END;
  IF rule IS NOT NULL THEN RETURN; END IF;
  target := floor((cur + floor(cur * 0.2 * 100) / 100) / 100) * 100;
  target := least(target, floor((cur + 5000) / 100) * 100, 50000);
  IF target <= cur THEN rule := 'hold_at_max'; RETURN; END IF;
  new_limit := target; action := 'increase'; rule := 'increase';
END $$ LANGUAGE plpgsql IMMUTABLE;
CREATE TABLE lines AS
SELECT i, round(((hashint4(i) & 2147483647) % 6000000) / 100.0, 2) AS cur,
       ((hashint4(i * 3) & 2147483647) % 1200) / 1000.0::float8 AS u,
       CASE WHEN i % 3 = 0 THEN (hashint4(i * 5) & 2147483647) % 60 ELSE 0 END AS dpd,
       ((hashint4(i * 7) & 2147483647) % 1000) / 10000.0::float8 AS pd0,
       ((hashint4(i * 11) & 2147483647) % 2000) / 10000.0::float8 AS pd1,
       (hashint4(i * 13) & 2147483647) % 24 AS mob
FROM generate_series(1, 5000) i;
SELECT count(*) AS lines,
       count(*) FILTER (WHERE (a).new_limit <> (s).new_limit OR (a).action <> (s).action OR (a).rule <> (s).rule) AS mismatches,
       count(DISTINCT (a).rule) AS rules_seen
FROM (SELECT loan_risk.adjust_limit(cur, u, dpd, pd0, pd1, mob, p.policy) a, sql_adjust_limit(cur, u, dpd, pd0, pd1, mob) s
      FROM lines, adj_policies p WHERE p.name = 'standard') x;
