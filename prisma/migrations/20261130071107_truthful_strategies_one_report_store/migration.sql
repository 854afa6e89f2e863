-- Reports live in one place: a queued report is stored with its task (task.result), a report
-- built inside the request is the response. Nothing read this table.
DROP TABLE "report";

-- Strategy labels that tell the truth (stored ids change here, not by hand):
--   price-snapshot.take       async  → batch        (one multi-row INSERT instead of a round trip per row)
--   price-monitor.check       memory → incremental  (watch list indexed once per tick)
--   news-crawlers.<source>    async  → incremental  (conditional GET: an unchanged feed costs a 304)
CREATE TEMP TABLE strategy_rename (operation TEXT, old TEXT, new TEXT);
INSERT INTO strategy_rename VALUES
  ('price-snapshot.take', 'async', 'batch'),
  ('price-monitor.check', 'memory', 'incremental'),
  ('news-crawlers.investing', 'async', 'incremental'),
  ('news-crawlers.yahoo', 'async', 'incremental');

UPDATE "optimization" o SET id = r.operation || ':' || r.new, strategy = r.new
  FROM strategy_rename r WHERE o.operation_name = r.operation AND o.strategy = r.old;
UPDATE "audit_event" a SET subject_id = r.operation || ':' || r.new
  FROM strategy_rename r WHERE a.subject_type = 'optimization' AND a.subject_id = r.operation || ':' || r.old;
UPDATE "autopilot_rollout" x SET strategy = r.new FROM strategy_rename r WHERE x.operation = r.operation AND x.strategy = r.old;
UPDATE "sample" x SET variant = r.new FROM strategy_rename r WHERE x.operation = r.operation AND x.variant = r.old;
UPDATE "rollup" x SET variant = r.new FROM strategy_rename r WHERE x.operation = r.operation AND x.variant = r.old;
UPDATE "comparison" x SET variant = r.new FROM strategy_rename r WHERE x.operation = r.operation AND x.variant = r.old;
UPDATE "shadow_mismatch" x SET variant = r.new FROM strategy_rename r WHERE x.operation = r.operation AND x.variant = r.old;
UPDATE "fault_injection" x SET variant = r.new FROM strategy_rename r WHERE x.operation = r.operation AND x.variant = r.old;
UPDATE "alert" x SET variant = r.new, fingerprint = r.operation || '|' || r.new || '|' || x.rule
  FROM strategy_rename r WHERE x.operation = r.operation AND x.variant = r.old;

-- A variant is named for what runs: async replaces memory in the indicator batch and the signal
-- generator, so calls that had both on were recorded as "memory+async" but ran the async code.
UPDATE "sample" SET variant = replace(variant, 'memory+async', 'async')
  WHERE operation IN ('technical-indicators.calculate-batch', 'signal-generator.generate') AND variant LIKE 'memory+async%';
UPDATE "comparison" SET variant = replace(variant, 'memory+async', 'async')
  WHERE operation IN ('technical-indicators.calculate-batch', 'signal-generator.generate') AND variant LIKE 'memory+async%';
UPDATE "shadow_mismatch" SET variant = replace(variant, 'memory+async', 'async')
  WHERE operation IN ('technical-indicators.calculate-batch', 'signal-generator.generate') AND variant LIKE 'memory+async%';
-- Rollups are keyed by (minute, operation, variant) and hold encoded histograms that SQL cannot
-- merge: a minute that already has an "async" row keeps its "memory+async" row under the old name.
UPDATE "rollup" x SET variant = replace(x.variant, 'memory+async', 'async')
  WHERE x.operation IN ('technical-indicators.calculate-batch', 'signal-generator.generate') AND x.variant LIKE 'memory+async%'
    AND NOT EXISTS (SELECT 1 FROM "rollup" y WHERE y.minute = x.minute AND y.operation = x.operation AND y.variant = replace(x.variant, 'memory+async', 'async'));
DROP TABLE strategy_rename;

-- One name per idea: the monitor's output is a "finding", and a rollout records the rule whose
-- finding started it.
ALTER TABLE "autopilot_rollout" RENAME COLUMN "condition" TO "rule";
