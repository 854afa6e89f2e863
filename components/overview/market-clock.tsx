"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { marketQuery, mergeTick } from "@/lib/client/market-query";
import type { ServerEvents } from "@/lib/realtime/events";
import { useRoom, useSocketEvent } from "../realtime/socket-provider";
import styles from "./overview.module.css";

/** The replayed market clock (trading day and tick), live from `market:tick`. */
export function MarketClock() {
  useRoom("market");
  const qc = useQueryClient();
  const q = useQuery(marketQuery);
  useSocketEvent(
    "market:tick",
    useCallback<ServerEvents["market:tick"]>((t) => qc.setQueryData(marketQuery.queryKey, (old) => mergeTick(old, t)), [qc]),
  );
  const clock = q.data?.clock;
  return (
    <div className={styles.clock} aria-live="polite">
      <span className="muted">Market clock</span>
      <span className={styles.clockDate} data-testid="market-date">
        {q.isPending ? "…" : q.error ? "unavailable" : (clock?.currentDate ?? "not started")}
      </span>
      <span className="muted" data-testid="market-tick">
        {clock ? `tick ${clock.tickCount}` : ""}
      </span>
    </div>
  );
}
