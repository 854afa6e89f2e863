"use client";
import { Panel } from "@/components/panel";

/** Any page's unexpected error: say what failed and offer a retry instead of a blank screen. */
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <Panel title="This page failed to render" error={error} onRetry={reset} />;
}
