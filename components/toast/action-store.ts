/**
 * Toasts for what a person did on this page (a manual rollback, a promotion, a revoked token):
 * the server announces only automatic rollbacks, so a manual action would otherwise pass silently.
 * A module-level store, read with useSyncExternalStore by the one notification area.
 */
export interface ActionToast {
  key: number;
  text: string;
  tone: "ok" | "bad";
  at: string;
}

type Listener = () => void;

let toasts: ActionToast[] = [];
let nextKey = 0;
const listeners = new Set<Listener>();
const EMPTY: ActionToast[] = [];

// Long enough to read; the audit log keeps every action for good.
const DISMISS_AFTER_MS = 8_000;

function emit() {
  for (const l of listeners) l();
}

export function dismissAction(key: number): void {
  toasts = toasts.filter((t) => t.key !== key);
  emit();
}

/** Shows a toast for an action the user just made (`tone: "bad"` for a failure). */
export function notifyAction(text: string, tone: ActionToast["tone"] = "ok"): void {
  const key = nextKey++;
  toasts = [...toasts.slice(-3), { key, text, tone, at: new Date().toISOString() }];
  emit();
  setTimeout(() => dismissAction(key), DISMISS_AFTER_MS);
}

export function subscribeActions(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function actionSnapshot(): ActionToast[] {
  return toasts;
}

export function serverActionSnapshot(): ActionToast[] {
  return EMPTY;
}
