import { requirePageSession } from "@/lib/server/domains/auth/page-session";
import { MarketClock } from "@/components/overview/market-clock";
import { OverviewBoard } from "@/components/overview/overview-board";
import styles from "@/components/overview/overview.module.css";

export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  await requirePageSession("viewer", "/");
  return (
    <>
      <div className={styles.top}>
        <h1>Overview</h1>
        <MarketClock />
      </div>
      <OverviewBoard />
    </>
  );
}
