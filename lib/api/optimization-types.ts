/** Operations, optimizations, master switches, shadow mismatches and the audit log as the API lists them. */
import type { LatestComparison } from "./comparison-types";
import type { MasterSwitchName, OptimizationStateName, Strategy } from "../optimizer/types";

/** A registered operation (table `operation`). */
export interface OperationView {
  name: string;
  service: string;
  title: string;
  sideEffects: boolean;
  idempotent: boolean;
}

/** One optimization with its rollout state and its newest comparison (null: none yet). */
export interface OptimizationView {
  id: string;
  operation: string;
  strategy: Strategy;
  state: OptimizationStateName;
  percent: number;
  reason: string | null;
  performanceGain: number | null;
  appliedAt: Date | null;
  updatedAt: Date;
  updatedBy: string;
  version: number;
  comparison: LatestComparison | null;
}

/** A type-level master switch (table `master_switch`). */
export interface MasterSwitchView {
  name: MasterSwitchName;
  enabled: boolean;
  updatedAt: Date;
  updatedBy: string;
}

/** A shadow-mode mismatch (table `shadow_mismatch`; the bigserial id arrives as a number, see db/pool.ts). */
export interface ShadowMismatchView {
  id: number;
  at: Date;
  operation: string;
  variant: string;
  inputKey: string;
  diff: string;
  instance: string;
}

/** One audit event (table `audit_event`). */
export interface AuditEventView {
  id: number;
  at: Date;
  actor: string;
  actorRole: string;
  action: string;
  subjectType: string;
  subjectId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  evidence: unknown;
  origin: string | null;
}
