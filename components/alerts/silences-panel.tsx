"use client";
import { useQuery } from "@tanstack/react-query";
import { silencesQuery } from "@/lib/client/queries";
import { useNow } from "@/lib/client/use-now";
import { formatDateTime, formatShortDateTime } from "@/lib/format";
import { Panel } from "../panel";
import { OperationName } from "./alert-badges";
import { formatRelative, ruleLabel } from "./alert-state";
import { SilenceForm } from "./silence-form";
import { useSilenceActions } from "./use-alert-actions";

/** Current silences (matching alerts are still tracked, only not toasted), create and end them. */
export function SilencesPanel({ canOperate }: { canOperate: boolean }) {
  const q = useQuery(silencesQuery);
  const now = useNow(15_000);
  const { create, remove } = useSilenceActions();
  const silences = (q.data ?? []).filter((s) => Date.parse(s.endsAt) > now);
  return (
    <Panel
      title="Silences"
      aside={q.data && `${silences.length} active`}
      loading={q.isPending}
      error={q.error}
      onRetry={() => void q.refetch()}
      testId="silences"
    >
      <SilenceForm canOperate={canOperate} pending={create.isPending} error={create.error} onCreate={(s, done) => create.mutate(s, { onSuccess: done })} />
      {remove.error && (
        <div className="down" role="alert">
          Could not end the silence: {remove.error.message}
        </div>
      )}
      {silences.length === 0 ? (
        <p className="muted">No active silences: every firing alert is toasted.</p>
      ) : (
        <div style={{ overflowX: "auto" }}>
          <table>
            <thead>
              <tr>
                <th>Operation</th>
                <th>Rule</th>
                <th>From (local time)</th>
                <th>Until</th>
                <th>By</th>
                <th>Comment</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {silences.map((s) => (
                <tr key={s.id} data-testid="silence-row" data-silence-id={s.id}>
                  <td>{s.operation ? <OperationName operation={s.operation} /> : <span className="muted">every operation</span>}</td>
                  <td className={s.rule ? undefined : "muted"}>{ruleLabel(s.rule)}</td>
                  <td title={formatDateTime(s.startsAt)}>{formatShortDateTime(s.startsAt)}</td>
                  <td title={formatDateTime(s.endsAt)}>
                    {formatShortDateTime(s.endsAt)} <span className="muted">({formatRelative(s.endsAt, now)})</span>
                  </td>
                  <td>{s.createdBy}</td>
                  <td className="wrap">{s.comment ?? ""}</td>
                  <td>
                    <button
                      type="button"
                      className="danger"
                      onClick={() => remove.mutate(s.id)}
                      disabled={!canOperate || (remove.isPending && remove.variables === s.id)}
                      title={canOperate ? undefined : "Requires the operator role"}
                      aria-label={`End the silence of ${s.operation ?? "every operation"}, ${ruleLabel(s.rule)}`}
                      data-testid={`silence-delete-${s.id}`}
                    >
                      End now
                    </button>
                    {!canOperate && <span className="muted"> operators only</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
