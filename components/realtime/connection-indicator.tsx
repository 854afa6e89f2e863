"use client";
import { useSocket } from "./socket-provider";

const LABEL = { connecting: "Connecting…", connected: "Live", reconnecting: "Reconnecting…" } as const;
const COLOR = { connecting: "var(--muted)", connected: "var(--up)", reconnecting: "var(--warn)" } as const;

/** Shows whether live updates are flowing. */
export function ConnectionIndicator() {
  const { state } = useSocket();
  return (
    <span role="status" aria-live="polite" data-testid="connection-state" data-state={state} style={{ color: COLOR[state] }}>
      ● {LABEL[state]}
    </span>
  );
}
