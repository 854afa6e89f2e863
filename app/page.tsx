import Link from "next/link";

export const dynamic = "force-dynamic";

export default function OverviewPage() {
  return (
    <div>
      <h1>Perfpilot</h1>
      <p className="muted">
        The optimization dashboard (operations, optimizations, before/after comparisons) is not built yet; this
        page is a placeholder. The market services run now: see the <Link href="/market">market page</Link>.
      </p>
    </div>
  );
}
