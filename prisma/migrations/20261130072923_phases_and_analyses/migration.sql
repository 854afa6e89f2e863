-- Phases are the optimization's version (bumped by every state or percentage change) and its
-- updated_at (when the phase started): one analysis row per optimization per phase.
-- AlterTable
ALTER TABLE "comparison" ADD COLUMN     "method" TEXT,
ADD COLUMN     "timings" JSONB;

-- CreateTable
CREATE TABLE "phase_analysis" (
    "optimization_id" TEXT NOT NULL,
    "phase" INTEGER NOT NULL,
    "operation" TEXT NOT NULL,
    "strategy" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "percent" DOUBLE PRECISION NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL,
    "information_target" DOUBLE PRECISION NOT NULL,
    "verdict" TEXT NOT NULL DEFAULT 'none',
    "verdict_at" TIMESTAMP(3),
    "ratio" DOUBLE PRECISION,
    "ratio_low" DOUBLE PRECISION,
    "ratio_high" DOUBLE PRECISION,
    "n_baseline" INTEGER NOT NULL DEFAULT 0,
    "n_optimized" INTEGER NOT NULL DEFAULT 0,
    "blocks" INTEGER NOT NULL DEFAULT 0,
    "window_from" TIMESTAMP(3) NOT NULL,
    "window_to" TIMESTAMP(3) NOT NULL,
    "method" TEXT NOT NULL,
    "result" JSONB NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "phase_analysis_pkey" PRIMARY KEY ("optimization_id","phase")
);

-- CreateIndex
CREATE INDEX "phase_analysis_operation_updated_at_idx" ON "phase_analysis"("operation", "updated_at");
