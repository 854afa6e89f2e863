"use client";
import { useEffect, useState, type FormEvent } from "react";
import type { AuditFilter } from "@/lib/client/queries";
import styles from "./audit.module.css";

const FIELDS: { key: keyof AuditFilter; label: string; placeholder: string }[] = [
  { key: "subjectId", label: "Subject", placeholder: "e.g. technical-indicators.calculate:cache" },
  { key: "actor", label: "Actor", placeholder: "e.g. guard, autopilot, local-operator" },
  { key: "action", label: "Action", placeholder: "e.g. optimization.rollback" },
];

/** The audit filters (exact matches), applied to the URL on submit. */
export function AuditFilters(props: { value: AuditFilter; suggestions: Record<keyof AuditFilter, string[]>; onApply: (f: AuditFilter) => void }) {
  const [draft, setDraft] = useState<AuditFilter>(props.value);
  useEffect(() => setDraft(props.value), [props.value]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onApply(draft);
  };
  return (
    <form className={styles.filters} onSubmit={submit} role="search" aria-label="Filter the audit log">
      {FIELDS.map((f) => (
        <label key={f.key}>
          {f.label}
          <input
            list={`audit-${f.key}-options`}
            value={draft[f.key] ?? ""}
            placeholder={f.placeholder}
            onChange={(e) => setDraft((d) => ({ ...d, [f.key]: e.target.value }))}
            data-testid={`audit-filter-${f.key}`}
          />
          <datalist id={`audit-${f.key}-options`}>
            {props.suggestions[f.key].map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        </label>
      ))}
      <button type="submit" className="primary">
        Filter
      </button>
      <button type="button" onClick={() => props.onApply({})} disabled={!Object.values(props.value).some(Boolean)}>
        Clear
      </button>
    </form>
  );
}
