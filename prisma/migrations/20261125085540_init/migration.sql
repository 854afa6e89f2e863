-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "price_bar" (
    "symbol" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "open" DOUBLE PRECISION NOT NULL,
    "high" DOUBLE PRECISION NOT NULL,
    "low" DOUBLE PRECISION NOT NULL,
    "close" DOUBLE PRECISION NOT NULL,
    "adj_close" DOUBLE PRECISION NOT NULL,
    "volume" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "price_bar_pkey" PRIMARY KEY ("symbol","date")
);

-- CreateTable
CREATE TABLE "import_run" (
    "id" SERIAL NOT NULL,
    "source" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),
    "rows_read" INTEGER NOT NULL DEFAULT 0,
    "rows_accepted" INTEGER NOT NULL DEFAULT 0,
    "rows_repaired" INTEGER NOT NULL DEFAULT 0,
    "rows_rejected" INTEGER NOT NULL DEFAULT 0,
    "duration_ms" INTEGER,
    "error" TEXT,

    CONSTRAINT "import_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "import_issue" (
    "id" SERIAL NOT NULL,
    "run_id" INTEGER NOT NULL,
    "line_number" INTEGER NOT NULL,
    "symbol" TEXT,
    "date" TEXT,
    "action" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "raw" TEXT NOT NULL,

    CONSTRAINT "import_issue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "symbol" (
    "symbol" TEXT NOT NULL,
    "first_date" DATE NOT NULL,
    "last_date" DATE NOT NULL,
    "bar_count" INTEGER NOT NULL,

    CONSTRAINT "symbol_pkey" PRIMARY KEY ("symbol")
);

-- CreateTable
CREATE TABLE "market_clock" (
    "name" TEXT NOT NULL,
    "current_date" DATE NOT NULL,
    "tick_count" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "market_clock_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "latest_price" (
    "symbol" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "close" DOUBLE PRECISION NOT NULL,
    "prev_close" DOUBLE PRECISION,
    "change_pct" DOUBLE PRECISION,
    "volume" DOUBLE PRECISION NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "latest_price_pkey" PRIMARY KEY ("symbol")
);

-- CreateTable
CREATE TABLE "price_snapshot" (
    "id" BIGSERIAL NOT NULL,
    "taken_at" TIMESTAMP(3) NOT NULL,
    "market_date" DATE NOT NULL,
    "symbol" TEXT NOT NULL,
    "price" DOUBLE PRECISION NOT NULL,
    "change" DOUBLE PRECISION,
    "change_pct" DOUBLE PRECISION,
    "volume" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "price_snapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "signal" (
    "id" SERIAL NOT NULL,
    "symbol" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "kind" TEXT NOT NULL,
    "value" DOUBLE PRECISION,
    "detail" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "signal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "watch_item" (
    "id" SERIAL NOT NULL,
    "symbol" TEXT NOT NULL,
    "above" DOUBLE PRECISION,
    "below" DOUBLE PRECISION,
    "note" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "watch_item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "price_alert" (
    "id" SERIAL NOT NULL,
    "symbol" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "kind" TEXT NOT NULL,
    "price" DOUBLE PRECISION NOT NULL,
    "change_pct" DOUBLE PRECISION,
    "threshold" DOUBLE PRECISION NOT NULL,
    "watch_id" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "price_alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "news_source" (
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "healthy" BOOLEAN NOT NULL DEFAULT true,
    "last_error" TEXT,
    "last_fetched_at" TIMESTAMP(3),
    "last_success_at" TIMESTAMP(3),
    "next_retry_at" TIMESTAMP(3),
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "etag" TEXT,
    "last_modified" TEXT,

    CONSTRAINT "news_source_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "news_article" (
    "id" SERIAL NOT NULL,
    "source" TEXT NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "guid" TEXT,
    "link" TEXT,
    "title" TEXT NOT NULL,
    "summary" TEXT,
    "published_at" TIMESTAMP(3),
    "fetched_at" TIMESTAMP(3) NOT NULL,
    "tickers" TEXT[],

    CONSTRAINT "news_article_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "report" (
    "id" TEXT NOT NULL,
    "symbols" TEXT[],
    "market_date" DATE NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "body" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "report_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_run" (
    "id" BIGSERIAL NOT NULL,
    "job" TEXT NOT NULL,
    "slot" TIMESTAMP(3) NOT NULL,
    "instance" TEXT NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL,
    "finished_at" TIMESTAMP(3),
    "outcome" TEXT NOT NULL,
    "duration_ms" INTEGER,
    "error" TEXT,
    "summary" JSONB,

    CONSTRAINT "job_run_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "price_bar_date_idx" ON "price_bar"("date");

-- CreateIndex
CREATE INDEX "import_issue_run_id_idx" ON "import_issue"("run_id");

-- CreateIndex
CREATE INDEX "price_snapshot_taken_at_idx" ON "price_snapshot"("taken_at");

-- CreateIndex
CREATE INDEX "price_snapshot_symbol_taken_at_idx" ON "price_snapshot"("symbol", "taken_at");

-- CreateIndex
CREATE INDEX "signal_date_idx" ON "signal"("date");

-- CreateIndex
CREATE UNIQUE INDEX "signal_symbol_date_kind_key" ON "signal"("symbol", "date", "kind");

-- CreateIndex
CREATE INDEX "price_alert_date_idx" ON "price_alert"("date");

-- CreateIndex
CREATE UNIQUE INDEX "price_alert_symbol_date_kind_watch_id_key" ON "price_alert"("symbol", "date", "kind", "watch_id");

-- CreateIndex
CREATE UNIQUE INDEX "news_article_dedupe_key_key" ON "news_article"("dedupe_key");

-- CreateIndex
CREATE INDEX "news_article_published_at_idx" ON "news_article"("published_at");

-- CreateIndex
CREATE INDEX "job_run_job_started_at_idx" ON "job_run"("job", "started_at");

-- CreateIndex
CREATE UNIQUE INDEX "job_run_job_slot_key" ON "job_run"("job", "slot");

-- AddForeignKey
ALTER TABLE "import_issue" ADD CONSTRAINT "import_issue_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "import_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
