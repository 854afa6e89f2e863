import type { StoredAnalysis } from "@/lib/optimizer/analysis/live-analysis";
/**
 * Query keys and fetchers of the dashboard: one key per server resource, so socket events and
 * mutations update or invalidate exactly one cache entry and no widget keeps its own copy.
 */
import { queryOptions } from "@tanstack/react-query";
import type {
  Alert,
  AlertListState,
  ApiTokenRow,
  AuditEvent,
  AutopilotStatus,
  OptimizationDetail,
  UserRow,
  Comparison,
  MasterSwitch,
  Operation,
  Rollup,
  Sample,
  ShadowMismatch,
  Silence,
  Task,
} from "./api-types";
import { fetchJson } from "./fetch-json";
import { fetchAllPages, pagedListQuery } from "./paged";

export const keys = {
  operations: ["operations"] as const,
  masterSwitches: ["master-switches"] as const,
  comparisons: (operation: string) => ["comparisons", operation] as const,
  analyses: (operation: string) => ["analyses", operation] as const,
  mismatches: (operation: string) => ["shadow-mismatches", operation] as const,
  audit: (filter: AuditFilter) => ["audit", filter] as const,
  auditAll: ["audit"] as const,
  tasks: ["tasks"] as const,
  task: (id: string) => ["task", id] as const,
  rollups: (operation: string, hours: number) => ["rollups", operation, hours] as const,
  sampleFill: (operation: string) => ["metrics-fill", operation] as const,
  liveMetrics: (operation: string) => ["live-metrics", operation] as const,
  alerts: (filter: AlertFilter) => ["alerts", filter] as const,
  alertsAll: ["alerts"] as const,
  silences: ["silences"] as const,
  optimization: (id: string) => ["optimization", id] as const,
  optimizationsAll: ["optimization"] as const,
  autopilot: ["autopilot"] as const,
  users: ["users"] as const,
  tokens: ["tokens"] as const,
  rollupSpark: (operation: string, minutes: number) => ["rollup-spark", operation, minutes] as const,
};

export interface AlertFilter {
  state?: AlertListState;
  operation?: string;
}

export interface AuditFilter {
  subjectId?: string;
  actor?: string;
  action?: string;
}

function qs(params: Record<string, string | number | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : "";
}

export const operationsQuery = queryOptions({
  queryKey: keys.operations,
  queryFn: () => fetchJson<{ operations: Operation[] }>("/api/operations").then((r) => r.operations),
  // Live comparisons are stored by a job every minute without an event of their own.
  refetchInterval: 60_000,
});

export const masterSwitchesQuery = queryOptions({
  queryKey: keys.masterSwitches,
  queryFn: () => fetchJson<{ switches: MasterSwitch[] }>("/api/master-switches").then((r) => r.switches),
});

/** GET /api/analyses: one analysis per optimization per phase, and the A/A control's false-verdict rate. */
export interface AnalysesResponse {
  method: string;
  identityCalibration: { phases: number; falseVerdicts: number; rate: number | null };
  analyses: StoredAnalysis[];
}

export const analysesQuery = (operation: string) =>
  queryOptions({
    queryKey: keys.analyses(operation),
    queryFn: () => fetchJson<AnalysesResponse>(`/api/analyses${qs({ operation, limit: 50 })}`),
    // Written by the live-analysis job every minute (its job:finished event, in the market room,
    // also invalidates this). Polled as often as the result card's optimization query, so the
    // timeline and the per-phase panel never lag the card by most of a minute.
    refetchInterval: 15_000,
  });

export const comparisonsQuery = (operation: string) =>
  queryOptions({
    queryKey: keys.comparisons(operation),
    queryFn: () => fetchJson<{ comparisons: Comparison[] }>(`/api/comparisons${qs({ operation, limit: 50 })}`).then((r) => r.comparisons),
    refetchInterval: 60_000,
  });

export const mismatchesQuery = (operation: string) =>
  queryOptions({
    queryKey: keys.mismatches(operation),
    queryFn: () => fetchJson<{ mismatches: ShadowMismatch[] }>(`/api/shadow-mismatches${qs({ operation, limit: 100 })}`).then((r) => r.mismatches),
  });

/** The newest `limit` audit events (the first page). */
export const auditQuery = (filter: AuditFilter, limit = 200) =>
  queryOptions({
    queryKey: [...keys.audit(filter), limit],
    queryFn: () => fetchJson<{ events: AuditEvent[] }>(`/api/audit${qs({ ...filter, limit })}`).then((r) => r.events),
  });

/** The whole audit log, newest first, a page at a time ("Load more"). */
export const auditPagesQuery = (filter: AuditFilter) =>
  pagedListQuery<"events", AuditEvent>([...keys.audit(filter), "pages"], `/api/audit${qs({ ...filter })}`);

/** Background tasks, newest first, a page at a time; `task:updated` events patch the loaded pages. */
export const tasksQuery = pagedListQuery<"tasks", Task>(keys.tasks, "/api/tasks?limit=100");

export const taskQuery = (id: string) => queryOptions({ queryKey: keys.task(id), queryFn: () => fetchJson<Task>(`/api/tasks/${encodeURIComponent(id)}`) });

/**
 * A chart reads at most this many pages of rollups (10,000 rows each): 24 hours of an operation is
 * one page; a month-long custom range with several variants can need more, and is cut here.
 */
export const MAX_ROLLUP_PAGES = 10;

/** Every rollup of an operation in [from, to), following the API's pages (at most MAX_ROLLUP_PAGES). */
export function fetchRollupRange(operation: string, from: Date, to: Date) {
  return fetchAllPages<"rollups", Rollup>(
    `/api/metrics/rollups${qs({ operation, from: from.toISOString(), to: to.toISOString() })}`,
    "rollups",
    MAX_ROLLUP_PAGES,
  );
}

export const rollupsQuery = (operation: string, hours: number) =>
  queryOptions({
    queryKey: keys.rollups(operation, hours),
    queryFn: () => {
      const to = new Date();
      return fetchRollupRange(operation, new Date(to.getTime() - hours * 3_600_000), to);
    },
    // A rollup row is written once a minute: refetching faster shows nothing new.
    refetchInterval: 60_000,
  });

/** Raw samples of the last `minutes` (newest first, capped by the API's limit). */
export const sampleFillQuery = (operation: string, minutes: number) =>
  queryOptions({
    queryKey: keys.sampleFill(operation),
    queryFn: () => {
      const to = new Date();
      const from = new Date(to.getTime() - minutes * 60_000);
      return fetchJson<{ samples: Sample[] }>(`/api/metrics/samples${qs({ operation, from: from.toISOString(), to: to.toISOString(), limit: 10_000 })}`).then(
        (r) => r.samples,
      );
    },
    // The live window continues from socket events; the fill is only refetched on reconnect.
    staleTime: Infinity,
  });

/** Alerts, newest first; kept current by `alert:changed` (AlertToasts invalidates `keys.alertsAll`). */
export const alertsQuery = (filter: AlertFilter, limit = 200) =>
  queryOptions({
    queryKey: [...keys.alerts(filter), limit],
    queryFn: () => fetchJson<{ alerts: Alert[] }>(`/api/alerts${qs({ ...filter, limit })}`).then((r) => r.alerts),
  });

/** Active silences (the API drops expired ones). */
export const silencesQuery = queryOptions({
  queryKey: keys.silences,
  queryFn: () => fetchJson<{ silences: Silence[] }>("/api/silences?limit=500").then((r) => r.silences),
  // A silence ends without an event; refetching drops it from the list.
  refetchInterval: 60_000,
});

/** One optimization with its current phase's analysis and the guard's rules (live: refetched with the analysis job's minute). */
export const optimizationQuery = (id: string) =>
  queryOptions({
    queryKey: keys.optimization(id),
    queryFn: () => fetchJson<OptimizationDetail>(`/api/optimizations/${encodeURIComponent(id)}`),
    // The guard's values move with every block (30 s); the analysis is stored once a minute.
    refetchInterval: 15_000,
  });

/** The newest analyses of every operation (the overview's losing canaries). */
export const allAnalysesQuery = queryOptions({
  queryKey: ["analyses", "*"] as const,
  queryFn: () => fetchJson<AnalysesResponse>(`/api/analyses${qs({ limit: 500 })}`),
  refetchInterval: 60_000,
});

/** The autopilot: paused or not and its rollouts with their last decision. */
export const autopilotQuery = queryOptions({
  queryKey: keys.autopilot,
  queryFn: () => fetchJson<AutopilotStatus>("/api/autopilot"),
  refetchInterval: 30_000,
});

/** Users, oldest first, a page at a time. */
export const usersQuery = pagedListQuery<"users", UserRow>(keys.users, "/api/users");

/** API tokens, newest first, a page at a time. */
export const tokensQuery = pagedListQuery<"tokens", ApiTokenRow>(keys.tokens, "/api/tokens");

/** Per-minute rollups of the last `minutes` (a sparkline's backfill before live events continue it): a few minutes, one page. */
export const rollupSparkQuery = (operation: string, minutes: number) =>
  queryOptions({
    queryKey: keys.rollupSpark(operation, minutes),
    queryFn: () => {
      const to = new Date();
      const from = new Date(to.getTime() - minutes * 60_000);
      return fetchJson<{ rollups: Rollup[] }>(`/api/metrics/rollups${qs({ operation, from: from.toISOString(), to: to.toISOString() })}`).then(
        (r) => r.rollups,
      );
    },
    // Loaded once: live events carry the line on from there.
    staleTime: Infinity,
  });

export function operationHref(name: string): string {
  return `/operations/${encodeURIComponent(name)}`;
}
