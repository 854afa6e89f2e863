"use client";
import { useState } from "react";
import styles from "./admin.module.css";

/** A secret shown once (a token, a generated password) with a copy button. */
export function SecretOnce({ label, value, notice, testId }: { label: string; value: string; notice: string; testId?: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  return (
    <div className={styles.secret} role="status">
      <strong>{label}</strong>
      <code data-testid={testId}>{value}</code>
      <button
        type="button"
        onClick={() => {
          navigator.clipboard.writeText(value).then(
            () => setCopied("yes"),
            () => setCopied("failed"),
          );
        }}
      >
        {copied === "yes" ? "Copied" : "Copy"}
      </button>
      {copied === "failed" && <span className={styles.reason}>The browser refused the clipboard: select the text and copy it.</span>}
      <p className={styles.secretNote}>{notice}</p>
    </div>
  );
}
