"use client";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { ApiTokenRow } from "@/lib/client/api-types";

type Role = ApiTokenRow["role"];
import { fetchJson } from "@/lib/client/fetch-json";
import { pagedItems } from "@/lib/client/paged";
import { keys, tokensQuery } from "@/lib/client/queries";
import { formatDateTime } from "@/lib/format";
import { Panel } from "../panel";
import { LoadMore } from "../ui/load-more";
import { notifyAction } from "../toast/action-store";
import { SecretOnce } from "./secret-once";
import styles from "./admin.module.css";

function CreateToken({ roles }: { roles: readonly Role[] }) {
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [days, setDays] = useState("90");
  const create = useMutation({
    mutationFn: () =>
      fetchJson<{ token: string; apiToken: ApiTokenRow; notice: string }>("/api/tokens", {
        method: "POST",
        body: JSON.stringify({ name: name.trim(), role, ...(days ? { expiresInDays: Number(days) } : {}) }),
      }),
    onSuccess: (r) => {
      notifyAction(`Token “${r.apiToken.name}” created (${r.apiToken.role}).`);
      setName("");
      void qc.invalidateQueries({ queryKey: keys.tokens });
    },
    onError: (err) => notifyAction(`Could not create the token: ${err.message}`, "bad"),
  });
  return (
    <form
      className={styles.form}
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
      aria-label="Create an API token"
    >
      <label>
        Name
        <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} data-testid="token-name" />
      </label>
      <label>
        Role (never above yours)
        <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {roles.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </label>
      <label>
        Expires after
        <select value={days} onChange={(e) => setDays(e.target.value)}>
          <option value="7">7 days</option>
          <option value="30">30 days</option>
          <option value="90">90 days</option>
          <option value="365">365 days</option>
          <option value="">never (revoke when done)</option>
        </select>
      </label>
      <button type="submit" className="primary" disabled={create.isPending} data-testid="token-create">
        {create.isPending ? "Creating…" : "Create token"}
      </button>
      {create.error && (
        <p className={styles.error} role="alert">
          {create.error.message}
        </p>
      )}
      {create.data && (
        <SecretOnce label={`Token “${create.data.apiToken.name}”:`} value={create.data.token} notice={create.data.notice} testId="token-secret" />
      )}
    </form>
  );
}

function TokenRowView({ t }: { t: ApiTokenRow }) {
  const qc = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => fetchJson<ApiTokenRow>(`/api/tokens/${encodeURIComponent(t.id)}`, { method: "DELETE" }),
    onSuccess: () => {
      notifyAction(`Token “${t.name}” revoked: it stops working on the next request.`);
      void qc.invalidateQueries({ queryKey: keys.tokens });
    },
    onError: (err) => notifyAction(`Could not revoke “${t.name}”: ${err.message}`, "bad"),
  });
  const why = t.status !== "active" ? `already ${t.status}` : revoke.isPending ? "revoking…" : null;
  return (
    <tr data-testid="token-row" data-status={t.status}>
      <td className="wrap">{t.name}</td>
      <td>
        <code>{t.prefix}…</code>
      </td>
      <td>{t.role}</td>
      <td className={styles.status} data-status={t.status}>
        {t.status}
      </td>
      <td className="wrap">
        {formatDateTime(t.createdAt)} <span className="muted">by {t.createdBy}</span>
      </td>
      <td>{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : <span className="muted">never</span>}</td>
      <td>{t.expiresAt ? formatDateTime(t.expiresAt) : <span className="muted">never</span>}</td>
      <td>
        <div className={styles.cellActions}>
          <button type="button" className="danger" disabled={why !== null} onClick={() => revoke.mutate()} data-testid="token-revoke">
            Revoke
          </button>
          {why && <span className={styles.reason}>{why}</span>}
        </div>
      </td>
    </tr>
  );
}

/** API tokens: create (the secret is shown once), list without secrets, revoke. */
/** `roles`: the role names, from the server (lib/server/domains/auth/roles.ts). */
export function TokensBoard({ roles }: { roles: readonly Role[] }) {
  const q = useInfiniteQuery(tokensQuery);
  const tokens = pagedItems(q.data, "tokens");
  const active = tokens.filter((t) => t.status === "active").length;
  return (
    <div className={styles.stack}>
      <Panel title="New API token" testId="token-create-panel">
        <CreateToken roles={roles} />
      </Panel>
      <Panel
        title="API tokens"
        aside={q.data && `${active} active of ${tokens.length}${q.hasNextPage ? " shown" : ""}`}
        loading={q.isPending}
        error={q.isFetchNextPageError ? null : q.error}
        onRetry={() => void q.refetch()}
        empty={q.data && tokens.length === 0 && "No tokens yet: scripts and CI use one instead of a password."}
        testId="tokens"
      >
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Prefix</th>
              <th>Role</th>
              <th>Status</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <TokenRowView key={t.id} t={t} />
            ))}
          </tbody>
        </table>
        <LoadMore
          shown={tokens.length}
          hasMore={q.hasNextPage}
          loading={q.isFetchingNextPage}
          error={q.isFetchNextPageError ? q.error : null}
          onMore={() => void q.fetchNextPage()}
          what="newest tokens"
          testId="tokens-more"
        />
      </Panel>
    </div>
  );
}
