import type { Verdict as VerdictName } from "@/lib/client/api-types";
import { VERDICT_LABEL } from "@/lib/client/format-units";
import styles from "./ui.module.css";

export function Verdict({ verdict }: { verdict: VerdictName }) {
  return (
    <span className={styles.verdict} data-verdict={verdict}>
      {VERDICT_LABEL[verdict] ?? verdict}
    </span>
  );
}
