/**
 * JSON shapes of the API routes the dashboard reads (see app/api/**), derived from the types the
 * server fills them from: `Wire<T>` is T as the response carries it (Dates arrive as ISO strings).
 * Type-only imports of framework-free modules (lib/api, lib/optimizer, lib/market, lib/realtime),
 * so nothing of the server reaches the client bundle.
 */
import type { ComparisonView, LatestComparison } from "@/lib/api/comparison-types";
import type { AuditEventView, MasterSwitchView, OperationView, OptimizationView, ShadowMismatchView } from "@/lib/api/optimization-types";
import type { RollupRow } from "@/lib/api/rollup-types";
import type { SampleView } from "@/lib/api/sample-types";
import type { TaskDetail, TaskHandle } from "@/lib/api/task-types";
import type { Wire } from "@/lib/api/wire";
import type { MarketClockState } from "@/lib/market/ports";
import type { AlertFilter, Silence as StoredSilence } from "@/lib/optimizer/alerts/types";
import type { AlertPayload, TaskPayload, TickPayload } from "@/lib/realtime/events";

export type { Verdict } from "@/lib/optimizer/stats/compare";

/** The latest comparison embedded in an optimization row. */
export type { LatestComparison };

export type Optimization = Wire<OptimizationView>;

/** An operation with its optimizations (`GET /api/operations`). */
export type Operation = Wire<OperationView> & { optimizations: Optimization[] };

export type MasterSwitch = Wire<MasterSwitchView>;

export type Comparison = Wire<ComparisonView>;

export type Sample = Wire<SampleView>;

/** A per-minute rollup; `GET /api/metrics/rollups` keeps the histogram server-side. */
export type Rollup = Wire<Omit<RollupRow, "histogram">>;

/** A stored mismatch, or one that arrived live (`shadow:mismatch`): a local id and no instance until the next refetch. */
export type ShadowMismatch = Omit<Wire<ShadowMismatchView>, "id" | "instance"> & { id: number | string; instance: string | null };

export type AuditEvent = Wire<AuditEventView>;

/** A task as the API lists it, or only its payload when it comes from a `task:updated` event. */
export type Task = TaskPayload & Partial<Pick<TaskDetail, "createdAt" | "attempts" | "resultUrl">>;

export type { TaskHandle };

/** The market clock and every symbol's latest price (`GET /api/market`, merged with `market:tick`). */
export interface MarketData {
  clock: MarketClockState | null;
  prices: TickPayload["prices"];
}

/** An alert as `GET /api/alerts` and the `alerts` room send it. */
export type Alert = AlertPayload;

/** The `state` filter of `GET /api/alerts` (`open` = pending or firing). */
export type AlertListState = NonNullable<AlertFilter["state"]>;

type SilenceTimes = "startsAt" | "endsAt" | "createdAt";

/** A silence of `GET /api/silences` (null operation or rule = every one), its times as ISO strings. */
export type Silence = Omit<StoredSilence, SilenceTimes> & Record<SilenceTimes, string>;

/** What the guard watches for one optimization now (`guard` of `GET /api/optimizations/{id}`). */
export type { GuardStatus, GuardRuleStatus } from "@/lib/optimizer/guards";
export type { StoredAnalysis } from "@/lib/optimizer/analysis/live-analysis";

/** `GET /api/optimizations/{id}`: the optimization, its current phase's analysis and the guard's rules (null when not live). */
export type OptimizationDetail = Optimization & {
  analysis: import("@/lib/optimizer/analysis/live-analysis").StoredAnalysis | null;
  guard: import("@/lib/optimizer/guards").GuardStatus | null;
};

/** A rollout of the autopilot as `GET /api/autopilot` sends it (times as ISO strings). */
export type AutopilotRollout = Omit<import("@/lib/optimizer/autopilot/types").Rollout, "startedAt" | "stepSince" | "finishedAt"> & {
  startedAt: string | null;
  stepSince: string | null;
  finishedAt: string | null;
};

/** `GET /api/autopilot`. `config` is the stored configuration (null when invalid: see `configError`). */
export interface AutopilotStatus {
  paused: boolean;
  config: Record<string, unknown> | null;
  configError: string | null;
  rollouts: AutopilotRollout[];
}

/** A user as `GET /api/users` lists it (lib/server/domains/auth/users.ts `UserView`). */
export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: "viewer" | "operator" | "admin" | null;
  banned: boolean;
  createdAt: string;
  lastSignInAt: string | null;
}

/** An API token as `GET /api/tokens` lists it, never with its secret (lib/server/domains/auth/api-tokens.ts `ApiTokenView`). */
export interface ApiTokenRow {
  id: string;
  name: string;
  role: "viewer" | "operator" | "admin";
  prefix: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  expiresAt: string | null;
  status: "active" | "revoked" | "expired";
}
