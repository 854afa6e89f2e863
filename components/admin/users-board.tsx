"use client";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { UserRow } from "@/lib/client/api-types";

type Role = NonNullable<UserRow["role"]>;
import { fetchJson } from "@/lib/client/fetch-json";
import { pagedItems } from "@/lib/client/paged";
import { keys, usersQuery } from "@/lib/client/queries";
import { formatDateTime } from "@/lib/format";
import { Panel } from "../panel";
import { LoadMore } from "../ui/load-more";
import { notifyAction } from "../toast/action-store";
import { SecretOnce } from "./secret-once";
import styles from "./admin.module.css";

function CreateUser({ roles }: { roles: readonly Role[] }) {
  const qc = useQueryClient();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const create = useMutation({
    mutationFn: () =>
      fetchJson<{ user: UserRow; password?: string; notice?: string }>("/api/users", {
        method: "POST",
        body: JSON.stringify({ email, role, ...(name.trim() ? { name: name.trim() } : {}) }),
      }),
    onSuccess: (r) => {
      notifyAction(`User ${r.user.email} created as ${r.user.role ?? "no role"}.`);
      setEmail("");
      setName("");
      void qc.invalidateQueries({ queryKey: keys.users });
    },
    onError: (err) => notifyAction(`Could not create the user: ${err.message}`, "bad"),
  });
  return (
    <form
      className={styles.form}
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
      aria-label="Create a user"
    >
      <label>
        E-mail
        <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} data-testid="user-email" />
      </label>
      <label>
        Name (optional)
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
      </label>
      <label>
        Role
        <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {roles.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary" disabled={create.isPending} data-testid="user-create">
        {create.isPending ? "Creating…" : "Create user"}
      </button>
      {create.error && (
        <p className={styles.error} role="alert">
          {create.error.message}
        </p>
      )}
      {create.data?.password && (
        <SecretOnce
          label={`Password of ${create.data.user.email}:`}
          value={create.data.password}
          notice={create.data.notice ?? "Give this password to the user now: it is not shown again."}
        />
      )}
    </form>
  );
}

type UserUpdate = { role: Role } | { disabled: boolean };

function describeUpdate(r: UserRow, update: UserUpdate): string {
  if ("role" in update) return `${r.email} is now ${r.role ?? "without a role"}.`;
  return update.disabled ? `${r.email} is disabled: signed out everywhere, API tokens revoked.` : `${r.email} may sign in again.`;
}

function UserRowView({ u, roles }: { u: UserRow; roles: readonly Role[] }) {
  const qc = useQueryClient();
  const update = useMutation({
    mutationFn: (change: UserUpdate) => fetchJson<UserRow>(`/api/users/${encodeURIComponent(u.id)}`, { method: "PATCH", body: JSON.stringify(change) }),
    onSuccess: (r, change) => {
      notifyAction(describeUpdate(r, change));
      void qc.invalidateQueries({ queryKey: keys.users });
      void qc.invalidateQueries({ queryKey: keys.tokens });
    },
    onError: (err) => notifyAction(`Could not change ${u.email}: ${err.message}`, "bad"),
  });
  return (
    <tr data-testid="user-row">
      <td className="wrap">
        {u.email}
        {u.name && u.name !== u.email && <div className="muted">{u.name}</div>}
      </td>
      <td>
        <select
          aria-label={`Role of ${u.email}`}
          value={u.role ?? ""}
          disabled={update.isPending}
          onChange={(e) => update.mutate({ role: e.target.value as Role })}
        >
          {u.role === null && <option value="">no role</option>}
          {roles.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </td>
      <td>{u.banned ? "disabled" : "active"}</td>
      <td>{formatDateTime(u.createdAt)}</td>
      <td>{u.lastSignInAt ? formatDateTime(u.lastSignInAt) : <span className="muted">never</span>}</td>
      <td>
        <div className={styles.cellActions}>
          {u.banned ? (
            <button type="button" disabled={update.isPending} onClick={() => update.mutate({ disabled: false })} data-testid="user-enable">
              Enable
            </button>
          ) : (
            <button
              type="button"
              className="danger"
              disabled={update.isPending}
              onClick={() => {
                if (window.confirm(`Disable ${u.email}? They are signed out everywhere and their API tokens are revoked.`)) update.mutate({ disabled: true });
              }}
              data-testid="user-disable"
            >
              Disable
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}

/** Every user with role and last sign-in; create, change role, disable or enable (the last admin cannot be demoted or disabled: the API says so). */
/** `roles`: the role names, from the server (lib/server/domains/auth/roles.ts). */
export function UsersBoard({ roles }: { roles: readonly Role[] }) {
  const q = useInfiniteQuery(usersQuery);
  const users = pagedItems(q.data, "users");
  return (
    <div className={styles.stack}>
      <Panel title="New user" testId="user-create-panel">
        <CreateUser roles={roles} />
      </Panel>
      <Panel
        title="Users"
        aside={q.data && `${users.length} ${users.length === 1 ? "user" : "users"}${q.hasNextPage ? " shown" : ""}`}
        loading={q.isPending}
        error={q.isFetchNextPageError ? null : q.error}
        onRetry={() => void q.refetch()}
        empty={q.data && users.length === 0 && "No users."}
        testId="users"
      >
        <table>
          <thead>
            <tr>
              <th>User</th>
              <th>Role</th>
              <th>Status</th>
              <th>Created</th>
              <th>Last sign-in</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <UserRowView key={u.id} u={u} roles={roles} />
            ))}
          </tbody>
        </table>
        <LoadMore
          shown={users.length}
          hasMore={q.hasNextPage}
          loading={q.isFetchingNextPage}
          error={q.isFetchNextPageError ? q.error : null}
          onMore={() => void q.fetchNextPage()}
          what="users created first"
          testId="users-more"
        />
      </Panel>
    </div>
  );
}
