"use client";
import { useCallback, useEffect, useState } from "react";
import type { DatabaseStatusPayload, ServerEvents } from "@/lib/realtime/events";
import { useSocket, useSocketEvent } from "./socket-provider";
import styles from "./database-banner.module.css";

/** While down, how often the page asks `/api/ping` (the recovery event can be missed: a lost socket, another instance). */
const POLL_MS = 3_000;

/** `14:03:07`, whatever the browser's locale does with hours. */
function clock(iso: string | null): string {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(d.getTime()) ? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false }) : "a moment ago";
}

/** The banner itself (no data fetching): shown only while the database is down. */
export function DatabaseBannerView({ downSince }: { downSince: string | null }) {
  return (
    <div className={styles.banner} role="alert" data-testid="database-banner">
      <span className={styles.title}>Database unavailable since {clock(downSince)}</span>
      <span>— changes are refused and live data paused; recovering automatically.</span>
    </div>
  );
}

async function readStatus(): Promise<DatabaseStatusPayload | null> {
  try {
    const r = await fetch("/api/ping", { cache: "no-store" });
    if (!r.ok) return null;
    const body = (await r.json()) as { database?: unknown; downSince?: unknown };
    if (body.database !== "up" && body.database !== "down") return null;
    return { database: body.database, downSince: typeof body.downSince === "string" ? body.downSince : null };
  } catch {
    // The server itself does not answer: the connection indicator says so, not this banner.
    return null;
  }
}

/**
 * Says so while this instance cannot reach its database, and goes away when it can: from the
 * instance's `system:database` events, and from `/api/ping` (needs no database) when the page
 * loads, after a socket reconnect, and every few seconds while down.
 */
export function DatabaseBanner() {
  const { socket } = useSocket();
  const [status, setStatus] = useState<DatabaseStatusPayload | null>(null);
  const check = useCallback(async () => {
    const s = await readStatus();
    if (s) setStatus(s);
  }, []);

  useEffect(() => {
    void check();
  }, [check]);
  useSocketEvent(
    "system:database",
    useCallback<ServerEvents["system:database"]>((p) => setStatus(p), []),
  );
  useEffect(() => {
    if (!socket) return;
    const onConnect = () => void check();
    socket.on("connect", onConnect);
    return () => {
      socket.off("connect", onConnect);
    };
  }, [socket, check]);
  const down = status?.database === "down";
  useEffect(() => {
    if (!down) return;
    const t = setInterval(() => void check(), POLL_MS);
    return () => clearInterval(t);
  }, [down, check]);

  return down ? <DatabaseBannerView downSince={status.downSince} /> : null;
}
