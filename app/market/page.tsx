import { requirePageSession } from "@/lib/server/domains/auth/page-session";
import { MarketBoard } from "@/components/market/market-board";

export const metadata = { title: "Market · Perfpilot" };

export default async function MarketPage() {
  await requirePageSession("viewer", "/market");
  return (
    <>
      <h1>Market</h1>
      <MarketBoard />
    </>
  );
}
