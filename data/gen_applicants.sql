-- Deterministic generator of the sample applicants in data/applicants.csv.
--
--   psql -X -q -f data/gen_applicants.sql -v n=20000 > data/applicants.csv
--
-- Micro merchants with behavioural features and an outcome drawn from a
-- hidden logistic model, so scorecards trained or hand-written on it rank
-- risk for real.  Uniform draws come from hashint4 (no random()), so the same
-- n gives the same file on every PostgreSQL 12+.
\if :{?n}
\else
\set n 20000
\endif
COPY (
WITH u AS (
  SELECT i,
         ((hashint4(i * 31 + 1) & 2147483647) / 2147483647.0)::float8 AS u1,
         ((hashint4(i * 31 + 2) & 2147483647) / 2147483647.0)::float8 AS u2,
         ((hashint4(i * 31 + 3) & 2147483647) / 2147483647.0)::float8 AS u3,
         ((hashint4(i * 31 + 4) & 2147483647) / 2147483647.0)::float8 AS u4,
         ((hashint4(i * 31 + 5) & 2147483647) / 2147483647.0)::float8 AS u5,
         ((hashint4(i * 31 + 6) & 2147483647) / 2147483647.0)::float8 AS u6,
         ((hashint4(i * 31 + 7) & 2147483647) / 2147483647.0)::float8 AS u7,
         ((hashint4(i * 31 + 8) & 2147483647) / 2147483647.0)::float8 AS u8,
         ((hashint4(i * 31 + 9) & 2147483647) / 2147483647.0)::float8 AS u9
  FROM generate_series(1, :n) i),
f AS (
  SELECT i,
         (ARRAY['zhejiang', 'jiangsu', 'guangdong', 'other_east', 'central', 'west'])
           [1 + floor(u1 * u1 * 6)::int] AS region,
         (ARRAY['food_stall', 'retail', 'ecommerce', 'workshop', 'services'])[1 + floor(u2 * 5)::int] AS industry,
         1 + floor(72 * u3 * u3)::int AS months_active,
         -- heavy-tailed 90-day sales (yuan), missing for 3%, special -1 (no data) for 1%
         CASE WHEN u4 < 0.03 THEN NULL WHEN u4 < 0.04 THEN -1
              ELSE round((exp(7 + 2.2 * u5) * (0.5 + u6))::numeric, 2) END AS gmv_90d,
         round((u7 * u7 * 0.3)::numeric, 4) AS refund_share,
         round((0.05 + 0.6 * u8 * u8)::numeric, 4) AS repeat_payer_share,
         round((u9 * 0.4)::numeric, 4) AS night_share,
         u1, u2, u3, u5, u7, u8, u9
  FROM u)
SELECT i AS id, region, industry, months_active, gmv_90d, refund_share, repeat_payer_share, night_share,
       -- the hidden truth: log-odds of default
       CASE WHEN ((hashint4(i * 31 + 10) & 2147483647) / 2147483647.0) <
            1 / (1 + exp(-(-1.9 - 0.035 * months_active
                           - 0.45 * coalesce(ln(greatest(gmv_90d, 1)) - 8, -0.5)
                           + 6.0 * refund_share - 2.5 * repeat_payer_share + 2.0 * night_share
                           + CASE region WHEN 'zhejiang' THEN -0.4 WHEN 'jiangsu' THEN -0.3
                                         WHEN 'west' THEN 0.5 ELSE 0 END
                           + CASE industry WHEN 'food_stall' THEN 0.3 WHEN 'ecommerce' THEN -0.2 ELSE 0 END)))
            THEN 1 ELSE 0 END AS bad
  FROM f ORDER BY i
) TO STDOUT WITH (FORMAT csv, HEADER);
