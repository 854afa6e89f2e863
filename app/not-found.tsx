import Link from "next/link";

export default function NotFound() {
  return (
    <div>
      <h1>Not found</h1>
      <p className="muted in-text">
        No page here. Operations are listed on the <Link href="/">overview</Link>.
      </p>
    </div>
  );
}
