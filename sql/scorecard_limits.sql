-- Model values and loan_risk.max_kernel_memory: reading a scorecard (text
-- input, binary receive, the first score() of a query, scorecard_table,
-- scorecard_sql), and a strategy embedding it, stays within the limit and
-- fails with a clear error before allocating beyond it.  Cancel and
-- statement_timeout on huge cards and strategies are tested by
-- test/suites/cancel.sh.
\getenv abs_builddir PG_ABS_BUILDDIR

-- A card of one numeric feature with 20000 bins (about 0.6 MB of text).
CREATE TABLE big_card_text AS
SELECT '{"format": "loan_risk.scorecard/1", "name": "wide", "base_points": 0, "features": [{"name": "x", "type": "numeric", "bins": ['
       || string_agg('{"upper": ' || i || ', "points": ' || (i % 7) || '}', ', ' ORDER BY i)
       || ', {"upper": null, "points": 0}]}]}' AS t
FROM generate_series(1, 19999) i;
SELECT length(t) AS text_bytes FROM big_card_text;

-- Within the default limit (8 GB) it reads, scores and exports.
CREATE TABLE big_cards AS SELECT t::loan_risk.scorecard AS card FROM big_card_text;
SELECT loan_risk.score(card, r) AS score FROM big_cards, (SELECT 12345.5::float8 AS x) r;
SELECT count(*) AS bins FROM big_cards, loan_risk.scorecard_table(card);
SELECT length(loan_risk.scorecard_sql(card)) > 0 AS exported FROM big_cards;

-- Under a limit of 1 MB the parsed card does not fit: every way of reading it
-- fails with the same error, naming the setting.
SET loan_risk.max_kernel_memory = '1MB';
SELECT t::loan_risk.scorecard IS NOT NULL FROM big_card_text;
SELECT loan_risk.score(card, r) FROM big_cards, (SELECT 12345.5::float8 AS x) r;
SELECT count(*) FROM big_cards, loan_risk.scorecard_table(card);
SELECT loan_risk.scorecard_sql(card) FROM big_cards;
SELECT loan_risk.pd_from_score(card, 600) FROM big_cards;
-- Binary receive reads the text as input does.
\set binfile :abs_builddir '/results/scorecard_limits.bin'
RESET loan_risk.max_kernel_memory;
COPY big_cards TO :'binfile' WITH (FORMAT binary);
SET loan_risk.max_kernel_memory = '1MB';
CREATE TABLE big_cards2 (card loan_risk.scorecard);
COPY big_cards2 FROM :'binfile' WITH (FORMAT binary);
-- A text longer than the limit is refused before it is parsed.
SELECT (repeat(' ', 1100000) || '{"format": "loan_risk.scorecard/1", "base_points": 0, "features": []}')::loan_risk.scorecard;
-- Output and send do not parse: the stored text is returned as it is.
SELECT length(card::text) = (SELECT length(card::text) FROM big_cards) AS output_works FROM big_cards;
SELECT length(loan_risk.scorecard_send(card)) > 0 AS send_works FROM big_cards;
-- A small card reads and scores under the same limit.
SELECT loan_risk.score('{"format": "loan_risk.scorecard/1", "base_points": 10,
  "features": [{"name": "x", "type": "numeric", "bins": [{"upper": 0, "points": 1}, {"upper": null, "points": 2}]}]}',
  r) AS small_card_score FROM (SELECT 5.0::float8 AS x) r;

-- The limit is per value: 16 MB hold this card.
SET loan_risk.max_kernel_memory = '16MB';
SELECT loan_risk.score(card, r) AS score FROM big_cards, (SELECT 12345.5::float8 AS x) r;
RESET loan_risk.max_kernel_memory;

-- A decision strategy embedding this card reads within the same limit: text
-- input and the first decision of a statement fail with the strategy's error
-- under 1 MB, and work within the default limit.
CREATE TABLE big_strategy_text AS
SELECT '{"format": "loan_risk.strategy/1", "name": "wide", "version": "1", "stages": {"score": {"arms": [{"name": "only", '
       || '"approve_at": 0, "card": ' || left(t, -1)
       || ', "scaling": {"pdo": 20, "base_score": 600, "base_odds": 50}}}]}}}' AS t
FROM big_card_text;
CREATE TABLE big_strategies AS SELECT t::loan_risk.strategy AS s FROM big_strategy_text;
SET loan_risk.max_kernel_memory = '1MB';
SELECT t::loan_risk.strategy IS NOT NULL FROM big_strategy_text;
SELECT (loan_risk.decide(s, r)).outcome FROM big_strategies, (SELECT 12345.5::float8 AS x) r;
RESET loan_risk.max_kernel_memory;
SELECT (loan_risk.decide(s, r)).outcome FROM big_strategies, (SELECT 12345.5::float8 AS x) r;
