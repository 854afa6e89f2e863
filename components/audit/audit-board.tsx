"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo } from "react";
import { pagedItems } from "@/lib/client/paged";
import { auditPagesQuery, type AuditFilter } from "@/lib/client/queries";
import { Panel } from "../panel";
import { LoadMore } from "../ui/load-more";
import { AuditFilters } from "./audit-filters";
import { AuditRow } from "./audit-row";

const uniq = (xs: string[]) => [...new Set(xs)].sort();

/** The audit log, filtered by the URL's `subjectId`, `actor` and `action` search params. */
export function AuditBoard() {
  const params = useSearchParams();
  const router = useRouter();
  const path = usePathname();
  const filter = useMemo<AuditFilter>(() => {
    const f: AuditFilter = {};
    for (const k of ["subjectId", "actor", "action"] as const) {
      const v = params.get(k)?.trim();
      if (v) f[k] = v;
    }
    return f;
  }, [params]);
  const q = useInfiniteQuery(auditPagesQuery(filter));
  const events = pagedItems(q.data, "events");

  const apply = (f: AuditFilter) => {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v && String(v).trim()) u.set(k, String(v).trim());
    const s = u.toString();
    router.replace(s ? `${path}?${s}` : path, { scroll: false });
  };
  const suggestions = {
    subjectId: uniq(events.map((e) => e.subjectId)),
    actor: uniq(["guard", "autopilot", "monitor", ...events.map((e) => e.actor)]),
    action: uniq(events.map((e) => e.action)),
  };
  const filtered = Object.keys(filter).length > 0;

  return (
    <>
      <AuditFilters value={filter} suggestions={suggestions} onApply={apply} />
      <Panel
        title="Audit log"
        aside={q.data && `${events.length} events${q.hasNextPage ? " (the newest; older ones below)" : ""}`}
        loading={q.isPending}
        error={q.isFetchNextPageError ? null : q.error}
        onRetry={() => void q.refetch()}
        empty={
          q.data &&
          events.length === 0 &&
          (filtered
            ? "No event matches these filters (they match exactly): clear them to see everything."
            : "No events yet: every state change, switch change and automatic action is recorded here.")
        }
        testId="audit"
      >
        <div style={{ overflowX: "auto" }}>
          <table>
            <thead>
              <tr>
                <th>Time</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Subject</th>
                <th>Before → after</th>
                <th>Reason and evidence</th>
                <th>Origin</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <AuditRow key={e.id} e={e} onFilter={(f) => apply({ ...filter, ...f })} />
              ))}
            </tbody>
          </table>
        </div>
        <LoadMore
          shown={events.length}
          hasMore={q.hasNextPage}
          loading={q.isFetchingNextPage}
          error={q.isFetchNextPageError ? q.error : null}
          onMore={() => void q.fetchNextPage()}
          what="newest events"
          testId="audit-more"
        />
      </Panel>
    </>
  );
}
