import type { Verdict as VerdictName } from "@/lib/client/api-types";
import styles from "./ui.module.css";
import { VERDICT_LABEL } from "@/lib/format";

export function Verdict({ verdict }: { verdict: VerdictName }) {
  return (
    <span className={styles.verdict} data-verdict={verdict}>
      {VERDICT_LABEL[verdict] ?? verdict}
    </span>
  );
}
