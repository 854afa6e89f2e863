import { stateLabel } from "@/lib/format";
import { JsonValue } from "./json-value";
import styles from "./evidence.module.css";

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);

function describe(v: unknown): string | null {
  if (!isRec(v)) return null;
  if (typeof v.state === "string") return stateLabel(v.state, typeof v.percent === "number" ? v.percent : null);
  if (typeof v.enabled === "boolean") return v.enabled ? "on" : "off";
  return null;
}

/** `before → after` of an audit event (optimization states and switches as words). */
export function ChangeText({ before, after }: { before: unknown; after: unknown }) {
  const b = describe(before);
  const a = describe(after);
  if ((b !== null || before === null) && (a !== null || after === null)) {
    return (
      <span className={styles.change}>
        {b ?? "—"} → <strong>{a ?? "—"}</strong>
      </span>
    );
  }
  return (
    <span className={styles.change}>
      <JsonValue value={before} /> → <JsonValue value={after} />
    </span>
  );
}
