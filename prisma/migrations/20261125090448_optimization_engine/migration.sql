-- CreateTable
CREATE TABLE "operation" (
    "name" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "side_effects" BOOLEAN NOT NULL,
    "idempotent" BOOLEAN NOT NULL DEFAULT false,
    "registered_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "operation_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "optimization" (
    "id" TEXT NOT NULL,
    "operation_name" TEXT NOT NULL,
    "strategy" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'off',
    "percent" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "seed" INTEGER NOT NULL,
    "reason" TEXT,
    "performance_gain" DOUBLE PRECISION,
    "applied_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT NOT NULL DEFAULT 'system',
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "optimization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "master_switch" (
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT NOT NULL DEFAULT 'system',

    CONSTRAINT "master_switch_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "audit_event" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "actor_role" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject_type" TEXT NOT NULL,
    "subject_id" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "reason" TEXT,
    "evidence" JSONB,
    "origin" TEXT,

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sample" (
    "at" TIMESTAMP(3) NOT NULL,
    "operation" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "duration_ms" DOUBLE PRECISION NOT NULL,
    "memory_bytes" DOUBLE PRECISION,
    "outcome" TEXT NOT NULL,
    "cache_hit" BOOLEAN NOT NULL,
    "shadow" BOOLEAN NOT NULL DEFAULT false,
    "instance" TEXT NOT NULL,
    "key_hash" INTEGER NOT NULL,
    "seq" BIGINT NOT NULL,

    CONSTRAINT "sample_pkey" PRIMARY KEY ("instance","seq")
);

-- CreateTable
CREATE TABLE "rollup" (
    "minute" TIMESTAMP(3) NOT NULL,
    "operation" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "errors" INTEGER NOT NULL,
    "fallbacks" INTEGER NOT NULL,
    "cache_hits" INTEGER NOT NULL,
    "mean_ms" DOUBLE PRECISION NOT NULL,
    "p50_ms" DOUBLE PRECISION NOT NULL,
    "p95_ms" DOUBLE PRECISION NOT NULL,
    "p99_ms" DOUBLE PRECISION NOT NULL,
    "max_ms" DOUBLE PRECISION NOT NULL,
    "memory_mean_bytes" DOUBLE PRECISION,
    "histogram" TEXT NOT NULL,

    CONSTRAINT "rollup_pkey" PRIMARY KEY ("minute","operation","variant")
);

-- CreateTable
CREATE TABLE "comparison" (
    "id" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "window_start" TIMESTAMP(3),
    "window_end" TIMESTAMP(3),
    "n_baseline" INTEGER NOT NULL,
    "n_optimized" INTEGER NOT NULL,
    "median_baseline_ms" DOUBLE PRECISION,
    "median_optimized_ms" DOUBLE PRECISION,
    "p95_baseline_ms" DOUBLE PRECISION,
    "p95_optimized_ms" DOUBLE PRECISION,
    "memory_baseline_bytes" DOUBLE PRECISION,
    "memory_optimized_bytes" DOUBLE PRECISION,
    "improvement_pct" DOUBLE PRECISION,
    "ci_low_pct" DOUBLE PRECISION,
    "ci_high_pct" DOUBLE PRECISION,
    "p_value" DOUBLE PRECISION,
    "u_statistic" DOUBLE PRECISION,
    "verdict" TEXT NOT NULL,
    "task_id" TEXT,
    "details" JSONB,

    CONSTRAINT "comparison_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shadow_mismatch" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "operation" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "input_key" TEXT NOT NULL,
    "diff" TEXT NOT NULL,
    "instance" TEXT NOT NULL,

    CONSTRAINT "shadow_mismatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task" (
    "id" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "message" TEXT,
    "input" JSONB NOT NULL,
    "result" JSONB,
    "error" TEXT,
    "estimated_seconds" DOUBLE PRECISION,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "created_by" TEXT NOT NULL DEFAULT 'system',

    CONSTRAINT "task_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "optimization_operation_name_strategy_key" ON "optimization"("operation_name", "strategy");

-- CreateIndex
CREATE INDEX "audit_event_at_idx" ON "audit_event"("at");

-- CreateIndex
CREATE INDEX "audit_event_subject_type_subject_id_at_idx" ON "audit_event"("subject_type", "subject_id", "at");

-- CreateIndex
CREATE INDEX "sample_operation_at_idx" ON "sample"("operation", "at");

-- CreateIndex
CREATE INDEX "sample_at_idx" ON "sample"("at");

-- CreateIndex
CREATE INDEX "rollup_operation_minute_idx" ON "rollup"("operation", "minute");

-- CreateIndex
CREATE INDEX "comparison_operation_created_at_idx" ON "comparison"("operation", "created_at");

-- CreateIndex
CREATE INDEX "shadow_mismatch_operation_at_idx" ON "shadow_mismatch"("operation", "at");

-- CreateIndex
CREATE INDEX "task_created_at_idx" ON "task"("created_at");

-- CreateIndex
CREATE INDEX "task_operation_state_idx" ON "task"("operation", "state");

-- AddForeignKey
ALTER TABLE "optimization" ADD CONSTRAINT "optimization_operation_name_fkey" FOREIGN KEY ("operation_name") REFERENCES "operation"("name") ON DELETE CASCADE ON UPDATE CASCADE;
