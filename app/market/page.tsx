import { MarketBoard } from "@/components/market/market-board";

export const metadata = { title: "Market · Perfpilot" };

export default function MarketPage() {
  return <MarketBoard />;
}
