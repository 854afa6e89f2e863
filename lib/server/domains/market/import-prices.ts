import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { EXPECTED_HEADER, validateRow } from "../../../market/import/validate-bar";

export interface ImportSummary {
  runId: number;
  skipped: boolean;
  source: string;
  rowsRead: number;
  rowsAccepted: number;
  rowsRepaired: number;
  rowsFlagged: number;
  rowsRejected: number;
  symbols: number;
  shortHistorySymbols: { symbol: string; bars: number }[];
  issuesByReason: { action: string; reason: string; count: number; examples: string[] }[];
  durationMs: number;
}

export interface ImportProgress {
  (bytesRead: number, totalBytes: number): void;
}

interface Issue {
  lineNumber: number;
  symbol: string | null;
  date: string | null;
  action: string;
  reason: string;
  raw: string;
}

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = crypto.createHash("sha256");
    fs.createReadStream(file)
      .on("data", (c) => h.update(c))
      .on("end", () => resolve(h.digest("hex")))
      .on("error", reject);
  });
}

function copyEscape(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n");
}

/**
 * Imports the gzipped price CSV: validates every row, COPYs accepted bars through a staging
 * table, records each rejected/repaired/flagged row with its reason, all in one transaction
 * (a crash mid-import leaves nothing half-written). Idempotent: a file whose checksum already
 * completed an import is skipped; re-importing upserts.
 */
export async function importPrices(pool: pg.Pool, file: string, opts: { force?: boolean; onProgress?: ImportProgress } = {}): Promise<ImportSummary> {
  const started = Date.now();
  const source = path.basename(file);
  const digest = await sha256(file);

  const done = await pool.query<{ id: number }>("select id from import_run where sha256 = $1 and status = 'completed' order by id desc limit 1", [digest]);
  if (done.rows[0] && !opts.force) {
    return { ...(await readImportSummary(pool, done.rows[0].id)), skipped: true };
  }

  const client = await pool.connect();
  try {
    await client.query("begin");
    const run = await client.query<{ id: number }>("insert into import_run (source, sha256, status) values ($1, $2, 'running') returning id", [source, digest]);
    const runId = run.rows[0]!.id;
    await client.query("create temp table price_bar_staging (like price_bar including defaults) on commit drop");

    const totalBytes = fs.statSync(file).size;
    let bytesRead = 0;
    const raw = fs.createReadStream(file);
    raw.on("data", (c) => {
      bytesRead += c.length;
      opts.onProgress?.(bytesRead, totalBytes);
    });
    const lines = readline.createInterface({ input: raw.pipe(zlib.createGunzip()), crlfDelay: Infinity });

    const issues: Issue[] = [];
    const seen = new Set<string>();
    const counts = { read: 0, accepted: 0, repaired: 0, flagged: 0, rejected: 0 };
    let lineNumber = 0;

    async function* rows() {
      for await (const line of lines) {
        lineNumber++;
        if (lineNumber === 1) {
          if (line.trim() !== EXPECTED_HEADER) {
            throw new Error(`unexpected header in ${source}: "${line}" (expected "${EXPECTED_HEADER}")`);
          }
          continue;
        }
        if (line.trim() === "") continue;
        counts.read++;
        const v = validateRow(line);
        if (v.action === "rejected") {
          counts.rejected++;
          issues.push({ lineNumber, symbol: v.symbol, date: v.date, action: v.action, reason: v.reason, raw: line });
          continue;
        }
        const key = `${v.bar.symbol}|${v.bar.date}`;
        if (seen.has(key)) {
          counts.rejected++;
          issues.push({ lineNumber, symbol: v.bar.symbol, date: v.bar.date, action: "rejected", reason: "duplicate symbol and date", raw: line });
          continue;
        }
        seen.add(key);
        if (v.action === "accepted") counts.accepted++;
        else {
          counts[v.action]++;
          issues.push({ lineNumber, symbol: v.bar.symbol, date: v.bar.date, action: v.action, reason: v.reason, raw: line });
        }
        const b = v.bar;
        yield `${b.symbol}\t${b.date}\t${b.open}\t${b.high}\t${b.low}\t${b.close}\t${b.adjClose}\t${b.volume}\n`;
      }
    }

    const copy = client.query(copyFrom("copy price_bar_staging (symbol, date, open, high, low, close, adj_close, volume) from stdin"));
    await pipeline(rows, copy);

    await client.query(`
      insert into price_bar select * from price_bar_staging
      on conflict (symbol, date) do update set open = excluded.open, high = excluded.high, low = excluded.low,
        close = excluded.close, adj_close = excluded.adj_close, volume = excluded.volume`);
    await client.query(`
      insert into symbol (symbol, first_date, last_date, bar_count)
      select symbol, min(date), max(date), count(*) from price_bar group by symbol
      on conflict (symbol) do update set first_date = excluded.first_date, last_date = excluded.last_date,
        bar_count = excluded.bar_count`);

    if (issues.length > 0) {
      const issueCopy = client.query(copyFrom("copy import_issue (run_id, line_number, symbol, date, action, reason, raw) from stdin"));
      await pipeline(async function* () {
        for (const i of issues) {
          yield `${runId}\t${i.lineNumber}\t${i.symbol === null ? "\\N" : copyEscape(i.symbol)}\t${
            i.date === null ? "\\N" : copyEscape(i.date)
          }\t${i.action}\t${copyEscape(i.reason)}\t${copyEscape(i.raw)}\n`;
        }
      }, issueCopy);
    }

    await client.query(
      `update import_run set status = 'completed', finished_at = now(), rows_read = $2, rows_accepted = $3,
         rows_repaired = $4, rows_rejected = $5, duration_ms = $6 where id = $1`,
      [runId, counts.read, counts.accepted + counts.flagged, counts.repaired, counts.rejected, Date.now() - started],
    );
    await client.query("commit");
    return { ...(await readImportSummary(pool, runId)), skipped: false };
  } catch (err) {
    await client.query("rollback").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** The summary of a stored import run, grouped by reason, with a few example lines each. */
export async function readImportSummary(pool: pg.Pool, runId: number): Promise<ImportSummary> {
  const run = await pool.query<{
    id: number;
    source: string;
    rows_read: number;
    rows_accepted: number;
    rows_repaired: number;
    rows_rejected: number;
    duration_ms: number | null;
  }>(`select id, source, rows_read, rows_accepted, rows_repaired, rows_rejected, duration_ms from import_run where id = $1`, [runId]);
  const r = run.rows[0];
  if (!r) throw new Error(`import run ${runId} not found`);
  // Reasons that carry row-specific numbers are grouped by their wording before the numbers.
  const issues = await pool.query<{ action: string; reason: string; count: number; examples: string[] }>(
    `select action, regexp_replace(reason, '-?[0-9]+(\\.[0-9]+)?', '…', 'g') as reason, count(*)::int as count,
            (array_agg(coalesce(symbol, '?') || ' ' || coalesce(date, '?') || ' (line ' || line_number || ')' order by line_number))[1:3] as examples
       from import_issue where run_id = $1 group by 1, 2 order by 3 desc`,
    [runId],
  );
  const syms = await pool.query<{ symbol: string; bar_count: number }>("select symbol, bar_count from symbol order by bar_count, symbol");
  const maxBars = Math.max(0, ...syms.rows.map((s) => s.bar_count));
  const flagged = issues.rows.filter((i) => i.action === "flagged").reduce((n, i) => n + i.count, 0);
  return {
    runId,
    skipped: false,
    source: r.source,
    rowsRead: r.rows_read,
    rowsAccepted: r.rows_accepted - flagged,
    rowsRepaired: r.rows_repaired,
    rowsFlagged: flagged,
    rowsRejected: r.rows_rejected,
    symbols: syms.rowCount ?? 0,
    shortHistorySymbols: syms.rows.filter((s) => s.bar_count < maxBars).map((s) => ({ symbol: s.symbol, bars: s.bar_count })),
    issuesByReason: issues.rows,
    durationMs: r.duration_ms ?? 0,
  };
}
