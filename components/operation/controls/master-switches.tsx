"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { MasterSwitch } from "@/lib/client/api-types";
import { fetchJson } from "@/lib/client/fetch-json";
import { keys, masterSwitchesQuery } from "@/lib/client/queries";
import { formatDateTime, humanize } from "@/lib/format";
import { STRATEGIES, SWITCH_OF } from "@/lib/optimizer/types";
import { Panel } from "../../panel";
import styles from "./controls.module.css";

const governs = (name: string) => STRATEGIES.filter((s) => SWITCH_OF[s] === name).join(", ");

/** The four type-level master switches as labelled toggles (optimistic, reconciled on settle). */
export function MasterSwitches() {
  const qc = useQueryClient();
  const q = useQuery(masterSwitchesQuery);
  const m = useMutation({
    mutationFn: (v: { name: string; enabled: boolean }) =>
      fetchJson<{ switches: MasterSwitch[] }>("/api/master-switches", { method: "PATCH", body: JSON.stringify(v) }),
    onMutate: async (v) => {
      await qc.cancelQueries({ queryKey: keys.masterSwitches });
      const previous = qc.getQueryData<MasterSwitch[]>(keys.masterSwitches);
      qc.setQueryData<MasterSwitch[]>(keys.masterSwitches, (old) => old?.map((s) => (s.name === v.name ? { ...s, enabled: v.enabled } : s)));
      return { previous };
    },
    onError: (_e, _v, ctx) => ctx?.previous && qc.setQueryData(keys.masterSwitches, ctx.previous),
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: keys.masterSwitches }), qc.invalidateQueries({ queryKey: keys.auditAll })]),
  });
  const switches = q.data ?? [];
  return (
    <Panel
      title="Master switches"
      loading={q.isPending}
      error={q.error}
      onRetry={() => void q.refetch()}
      empty={q.data && switches.length === 0 && "No master switches yet: they are created when the server starts."}
      testId="master-switches"
    >
      <ul className={styles.switches}>
        {switches.map((s) => (
          <li key={s.name}>
            <label title={`Last changed by ${s.updatedBy} at ${formatDateTime(s.updatedAt)}`}>
              <input
                type="checkbox"
                role="switch"
                checked={s.enabled}
                aria-checked={s.enabled}
                onChange={(e) => m.mutate({ name: s.name, enabled: e.target.checked })}
                data-testid={`switch-${s.name}`}
              />
              <span>
                {humanize(s.name)} <span className="muted">({governs(s.name)})</span>
              </span>
            </label>
            <span className={s.enabled ? "up" : "down"}>{s.enabled ? "on" : "off"}</span>
          </li>
        ))}
      </ul>
      {m.error && (
        <div className={styles.error} role="alert">
          Not applied: {m.error.message}
        </div>
      )}
    </Panel>
  );
}
