"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { marketQuery, mergeTick } from "@/lib/client/market-query";
import { formatCount, formatPct, formatPrice } from "@/lib/format";
import type { TickPayload } from "@/lib/realtime/events";
import { Panel } from "../panel";
import { useRoom, useSocketEvent } from "../realtime/socket-provider";
import { JobsPanel } from "./jobs-panel";
import { NewsPanel } from "./news-panel";
import { SignalsPanel } from "./signals-panel";
import styles from "./market-board.module.css";

/** The market page: replayed clock, live prices, signals, news and job status. */
export function MarketBoard() {
  useRoom("market");
  const qc = useQueryClient();
  const market = useQuery(marketQuery);
  const [filter, setFilter] = useState("");
  const [lastTick, setLastTick] = useState<TickPayload | null>(null);

  const onTick = useCallback(
    (t: TickPayload) => {
      setLastTick(t);
      // Ticks carry the day's prices: merge them into the cached list.
      qc.setQueryData(marketQuery.queryKey, (old) => mergeTick(old, t));
    },
    [qc],
  );
  useSocketEvent("market:tick", onTick);

  const prices = (market.data?.prices ?? []).filter((p) => p.symbol.includes(filter.trim().toUpperCase()));
  const movers = [...prices].sort((a, b) => Math.abs(b.changePct ?? 0) - Math.abs(a.changePct ?? 0));
  const clock = market.data?.clock;

  return (
    <>
      <div className={styles.clock}>
        <span className="muted">Market clock</span>
        <span className={styles.clockDate} data-testid="market-date">
          {clock?.currentDate ?? "not started"}
        </span>
        <span className="muted" data-testid="market-tick">
          tick {clock?.tickCount ?? 0}
        </span>
        {lastTick && (
          <span className="muted">
            <span className="up">{lastTick.advancers} up</span> / <span className="down">{lastTick.decliners} down</span> of {lastTick.symbols}
          </span>
        )}
      </div>
      <div className={styles.grid}>
        <Panel
          title="Prices (largest moves first)"
          aside={
            <input
              className={styles.filter}
              aria-label="Filter symbols"
              placeholder="Filter symbol…"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
            />
          }
          loading={market.isPending}
          error={market.error}
          onRetry={() => void market.refetch()}
          empty={
            market.data &&
            prices.length === 0 &&
            (clock ? "No symbol matches the filter." : "The market clock starts within a few seconds of start-up; prices appear with its first tick.")
          }
          scroll
          testId="prices"
        >
          <table>
            <thead>
              <tr>
                <th>Symbol</th>
                <th className="num">Close</th>
                <th className="num">Change</th>
                <th className="num">Volume</th>
              </tr>
            </thead>
            <tbody>
              {movers.slice(0, 200).map((p) => (
                <tr key={p.symbol}>
                  <td>{p.symbol}</td>
                  <td className="num">{formatPrice(p.close)}</td>
                  <td className={`num ${(p.changePct ?? 0) >= 0 ? "up" : "down"}`}>{formatPct(p.changePct)}</td>
                  <td className="num">{formatCount(p.volume)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
        <div className={styles.stack}>
          <SignalsPanel />
          <JobsPanel />
          <NewsPanel />
        </div>
      </div>
    </>
  );
}
