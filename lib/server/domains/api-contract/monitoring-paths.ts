import { z } from "zod";
import type { ZodOpenApiPathsObject } from "zod-openapi";
import {
  acknowledgeSchema,
  alertIdSchema,
  alertListQuerySchema,
  alertListSchema,
  alertSchema,
  resolveSchema,
  silenceCreateSchema,
  silenceDeletedSchema,
  silenceIdSchema,
  silenceListQuerySchema,
  silenceListSchema,
  silenceSchema,
} from "../alerts/alert-schemas";
import { auditListSchema, auditQuerySchema } from "../audit/audit-schemas";
import { autopilotPatchSchema, autopilotQuerySchema, autopilotStatusSchema } from "../autopilot/autopilot-schemas";
import { faultCreateSchema, faultDeletedSchema, faultDeleteQuerySchema, faultListQuerySchema, faultListSchema, faultSchema } from "../faults/fault-schemas";
import { rollupListSchema, rollupQuerySchema } from "../rollups/rollup-schemas";
import { sampleListSchema, sampleQuerySchema } from "../samples/sample-schemas";
import { operation } from "./operation";

const alertPath = z.object({ id: alertIdSchema });
const FAULTS_DISABLED = "Fault injection is disabled on this server (start it with PERFPILOT_FAULT_INJECTION=1).";

/** Alerts and silences, fault injection, the autopilot, metrics and the audit log. */
export const monitoringPaths: ZodOpenApiPathsObject = {
  "/api/alerts": {
    get: operation({
      access: "viewer",
      tag: "Alerts",
      summary: "Alerts and their history",
      description: "Newest first; `state=open` is pending or firing.",
      query: alertListQuerySchema,
      ok: { 200: { description: "The alerts.", schema: alertListSchema } },
    }),
  },
  "/api/alerts/{id}/acknowledge": {
    post: operation({
      access: "operator",
      tag: "Alerts",
      summary: "Acknowledge an alert",
      description: "With a note; no toasts again until `expiresAt` (or until it resolves). Audited.",
      path: alertPath,
      body: acknowledgeSchema,
      bodyExample: { note: "known: the nightly import; looking into it" },
      ok: { 200: { description: "The alert.", schema: alertSchema } },
      errors: { 404: "Unknown alert.", 409: "The alert is not open." },
    }),
  },
  "/api/alerts/{id}/resolve": {
    post: operation({
      access: "operator",
      tag: "Alerts",
      summary: "Resolve an alert by hand",
      description: "If the condition is still there it re-opens and notifies. Audited.",
      path: alertPath,
      body: resolveSchema,
      bodyExample: { reason: "fixed by the rollback" },
      ok: { 200: { description: "The alert.", schema: alertSchema } },
      errors: { 404: "Unknown alert.", 409: "The alert is already resolved." },
    }),
  },
  "/api/silences": {
    get: operation({
      access: "viewer",
      tag: "Alerts",
      summary: "Silences",
      query: silenceListQuerySchema,
      ok: { 200: { description: "Active silences (and past ones with `includeExpired=true`).", schema: silenceListSchema } },
    }),
    post: operation({
      access: "operator",
      tag: "Alerts",
      summary: "Silence alerts",
      description: "Of an operation and/or rule for a time window: tracked, not notified. Audited.",
      body: silenceCreateSchema,
      bodyExample: { operation: "reports.build", durationMinutes: 60, comment: "load test in progress" },
      ok: { 201: { description: "The silence.", schema: silenceSchema } },
      errors: { 422: "The window does not end in the future and after it starts." },
    }),
  },
  "/api/silences/{id}": {
    delete: operation({
      access: "operator",
      tag: "Alerts",
      summary: "End a silence now",
      description: "Matching firing alerts notify at the next evaluation. Audited.",
      path: z.object({ id: silenceIdSchema }),
      ok: { 200: { description: "The silence's id.", schema: silenceDeletedSchema } },
      errors: { 404: "Unknown silence." },
    }),
  },
  "/api/faults": {
    get: operation({
      access: "viewer",
      tag: "Faults",
      summary: "Faults",
      description: "Newest first.",
      query: faultListQuerySchema,
      ok: { 200: { description: "Faults that have not ended, and whether fault injection is enabled.", schema: faultListSchema } },
    }),
    post: operation({
      access: "admin",
      tag: "Faults",
      summary: "Inject a fault",
      description: "Latency (ms or % of the recent median), error probability, or MB held per call, into one variant for a window. Audited.",
      body: faultCreateSchema,
      bodyExample: { operation: "technical-indicators.calculate", variant: "baseline", kind: "latency", amount: 50, durationMinutes: 5 },
      ok: { 201: { description: "The fault.", schema: faultSchema } },
      errors: { 403: FAULTS_DISABLED, 422: "Unknown operation, or a window that does not end in the future." },
    }),
    delete: operation({
      access: "admin",
      tag: "Faults",
      summary: "Remove a fault now",
      description: "Audited.",
      query: faultDeleteQuerySchema,
      ok: { 200: { description: "The fault's id.", schema: faultDeletedSchema } },
      errors: { 404: "Unknown fault." },
    }),
  },
  "/api/autopilot": {
    get: operation({
      access: "viewer",
      tag: "Autopilot",
      summary: "The autopilot",
      description: "Paused or not, its rules, and its rollouts (newest first, paged) with the last decision and why.",
      query: autopilotQuerySchema,
      ok: { 200: { description: "Its status.", schema: autopilotStatusSchema } },
    }),
    patch: operation({
      access: "admin",
      tag: "Autopilot",
      summary: "Pause or resume the autopilot",
      description: "Setting `autopilot.paused`. Audited.",
      body: autopilotPatchSchema,
      bodyExample: { paused: true, reason: "release freeze" },
      ok: { 200: { description: "Its status after the change.", schema: autopilotStatusSchema } },
    }),
  },
  "/api/metrics/rollups": {
    get: operation({
      access: "viewer",
      tag: "Metrics",
      summary: "Per-minute rollups",
      description:
        "Count, errors, p50/p95/p99 and memory of an operation in a time range, with the percentile definition the figures follow. At most 10,000 rows per answer: a longer range is continued with `nextCursor`.",
      query: rollupQuerySchema,
      ok: { 200: { description: "The rollups, oldest first.", schema: rollupListSchema } },
    }),
  },
  "/api/metrics/samples": {
    get: operation({
      access: "viewer",
      tag: "Metrics",
      summary: "Raw samples",
      description: "Of an operation (and variant) in a time range, newest first.",
      query: sampleQuerySchema,
      ok: { 200: { description: "The samples.", schema: sampleListSchema } },
    }),
  },
  "/api/audit": {
    get: operation({
      access: "viewer",
      tag: "Audit",
      summary: "The audit log",
      description: "Every state change and automatic action, newest first.",
      query: auditQuerySchema,
      ok: { 200: { description: "The events.", schema: auditListSchema } },
    }),
  },
};
