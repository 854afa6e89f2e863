-- CreateTable
CREATE TABLE "alert" (
    "id" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "severity" TEXT NOT NULL DEFAULT 'warning',
    "state" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "evidence" JSONB NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL,
    "firing_at" TIMESTAMP(3),
    "last_seen_at" TIMESTAMP(3) NOT NULL,
    "cleared_at" TIMESTAMP(3),
    "resolved_at" TIMESTAMP(3),
    "acknowledged_at" TIMESTAMP(3),
    "acknowledged_by" TEXT,
    "ack_note" TEXT,
    "ack_expires_at" TIMESTAMP(3),
    "notified_at" TIMESTAMP(3),

    CONSTRAINT "alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "silence" (
    "id" TEXT NOT NULL,
    "operation" TEXT,
    "rule" TEXT,
    "starts_at" TIMESTAMP(3) NOT NULL,
    "ends_at" TIMESTAMP(3) NOT NULL,
    "created_by" TEXT NOT NULL,
    "comment" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "silence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "autopilot_rollout" (
    "id" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "strategy" TEXT NOT NULL,
    "condition" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL,
    "step_since" TIMESTAMP(3) NOT NULL,
    "finished_at" TIMESTAMP(3),
    "last_decision" JSONB,

    CONSTRAINT "autopilot_rollout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT NOT NULL DEFAULT 'system',

    CONSTRAINT "setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "fault_injection" (
    "id" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "amount" DOUBLE PRECISION NOT NULL,
    "mode" TEXT NOT NULL DEFAULT 'absolute',
    "starts_at" TIMESTAMP(3) NOT NULL,
    "ends_at" TIMESTAMP(3) NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fault_injection_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_fingerprint_state_idx" ON "alert"("fingerprint", "state");

-- CreateIndex
CREATE INDEX "alert_state_started_at_idx" ON "alert"("state", "started_at");

-- CreateIndex
CREATE INDEX "silence_ends_at_idx" ON "silence"("ends_at");

-- CreateIndex
CREATE INDEX "autopilot_rollout_operation_state_idx" ON "autopilot_rollout"("operation", "state");

-- CreateIndex
CREATE INDEX "fault_injection_ends_at_idx" ON "fault_injection"("ends_at");
