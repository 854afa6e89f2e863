"use client";
import { useRef, useState } from "react";
import styles from "./controls.module.css";

/** "Roll back" to the baseline: one click opens a confirmation (with an optional reason). */
export function RollbackButton(props: {
  strategy: string;
  operation: string;
  disabled: boolean;
  disabledReason?: string;
  onConfirm: (reason: string | undefined) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState("");
  return (
    <>
      <button
        type="button"
        className="danger"
        disabled={props.disabled}
        title={props.disabled ? props.disabledReason : "Send every call to the baseline now"}
        onClick={() => dialog.current?.showModal()}
        data-testid={`rollback-${props.strategy}`}
      >
        Roll back
      </button>
      {props.disabled && props.disabledReason && <span className={`muted ${styles.disabledReason}`}>{props.disabledReason}</span>}
      <dialog ref={dialog} className={styles.dialog} aria-labelledby={`rollback-title-${props.strategy}`} onClose={() => setReason("")}>
        <form
          method="dialog"
          onSubmit={() => {
            props.onConfirm(reason.trim() || undefined);
          }}
        >
          <h3 id={`rollback-title-${props.strategy}`}>
            Roll back {props.strategy} on {props.operation}?
          </h3>
          <p className="muted">Every call goes to the baseline at once, on every instance. The change is audited.</p>
          <label>
            Reason (optional)
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} data-testid={`rollback-reason-${props.strategy}`} />
          </label>
          <div className={styles.dialogActions}>
            <button type="button" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button type="submit" className="danger" data-testid={`rollback-confirm-${props.strategy}`}>
              Roll back
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
