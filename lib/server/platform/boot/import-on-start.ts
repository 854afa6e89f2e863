import cliProgress from "cli-progress";
import type pg from "pg";
import type { Logger } from "pino";
import { importPrices, type ImportSummary } from "../../domains/market/import-prices";

/** Imports the price data set when it has not been imported yet, with a terminal progress bar. */
export async function importOnStart(pool: pg.Pool, file: string, log: Logger): Promise<ImportSummary> {
  const tty = process.stdout.isTTY === true;
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: "Importing prices [{bar}] {percentage}% | {value}/{total} MB | ETA {eta}s", hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let started = false;
  let lastLogged = -1;
  const summary = await importPrices(pool, file, {
    onProgress: (read, total) => {
      const mb = (n: number) => Math.round(n / 1e5) / 10;
      if (bar) {
        if (!started) bar.start(mb(total), 0);
        started = true;
        bar.update(mb(read));
      } else {
        // Without a terminal, a line per 10% instead of a redrawn bar.
        const pct = Math.floor((read / total) * 10) * 10;
        if (pct !== lastLogged) {
          lastLogged = pct;
          console.log(`Importing prices: ${pct}%`);
        }
      }
    },
  });
  bar?.stop();
  if (summary.skipped) {
    log.info({ runId: summary.runId, bars: summary.rowsAccepted + summary.rowsRepaired + summary.rowsFlagged }, "price data already imported");
  } else {
    console.log(formatImportSummary(summary));
  }
  return summary;
}

/** The human-readable import summary printed on first start. */
export function formatImportSummary(s: ImportSummary): string {
  const lines = [
    "",
    `Price import (${s.source}) finished in ${(s.durationMs / 1000).toFixed(1)} s`,
    `  rows read      ${s.rowsRead.toLocaleString("en-US")}`,
    `  accepted       ${s.rowsAccepted.toLocaleString("en-US")}`,
    `  flagged, kept  ${s.rowsFlagged.toLocaleString("en-US")}`,
    `  repaired       ${s.rowsRepaired.toLocaleString("en-US")}`,
    `  rejected       ${s.rowsRejected.toLocaleString("en-US")}`,
    `  symbols        ${s.symbols} (${s.shortHistorySymbols.length} with a shorter history)`,
    "  issues by reason:",
    ...s.issuesByReason.map((i) => `    ${i.action.padEnd(8)} ${String(i.count).padStart(5)}  ${i.reason}  e.g. ${i.examples.join(", ")}`),
    "  every rejected, repaired or flagged row is stored in table import_issue with its line and reason",
    "",
  ];
  return lines.join("\n");
}
