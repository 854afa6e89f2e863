"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { operationsQuery } from "@/lib/client/queries";
import { StateBadge } from "../ui/state-badge";
import styles from "./operation.module.css";

/** The operation's name, service and title, with its optimizations' states at a glance. */
export function OperationHeader({ operation }: { operation: string }) {
  const q = useQuery(operationsQuery);
  const op = q.data?.find((o) => o.name === operation);
  return (
    <div className={styles.head}>
      <Link href="/">← Overview</Link>
      <h1>{operation}</h1>
      {op && (
        <>
          <span className="muted">
            {op.title} · service {op.service}
            {op.sideEffects && (op.idempotent ? " · writes data (idempotent)" : " · writes data")}
          </span>
          {op.optimizations.map((o) => (
            <StateBadge key={o.id} strategy={o.strategy} state={o.state} percent={o.percent} />
          ))}
        </>
      )}
      {q.data && !op && (
        <span className="down" role="alert">
          Unknown operation: no operation of this name is registered. Pick one on the overview.
        </span>
      )}
    </div>
  );
}
