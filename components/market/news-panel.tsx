"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { fetchJson } from "@/lib/client/fetch-json";
import { formatDateTime } from "@/lib/format";
import { Panel } from "../panel";
import { useSocketEvent } from "../realtime/socket-provider";

interface NewsData {
  articles: { id: number; source: string; title: string; link: string | null; publishedAt: string | null; tickers: string[] }[];
  sources: { name: string; healthy: boolean; lastError: string | null; nextRetryAt: string | null; articles: number }[];
}

/** News articles and the health of each crawler source (unreachable sources say why and when they retry). */
export function NewsPanel() {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ["news"], queryFn: () => fetchJson<NewsData>("/api/news?limit=20") });
  useSocketEvent(
    "news:new",
    useCallback(() => void qc.invalidateQueries({ queryKey: ["news"] }), [qc]),
  );
  useSocketEvent(
    "job:finished",
    useCallback((j) => j.job === "news-crawl" && void qc.invalidateQueries({ queryKey: ["news"] }), [qc]),
  );
  const data = q.data;
  return (
    <Panel title="News" loading={q.isPending} error={q.error} onRetry={() => void q.refetch()} scroll testId="news">
      <ul style={{ listStyle: "none", padding: 0, margin: "0 0 8px" }}>
        {(data?.sources ?? []).map((s) => (
          <li key={s.name}>
            <strong>{s.name}</strong> {s.healthy ? <span className="up">healthy</span> : <span className="down">unreachable</span>} · {s.articles} articles
            {!s.healthy && (
              <div className="muted">
                {s.lastError} — next retry {formatDateTime(s.nextRetryAt)}
              </div>
            )}
          </li>
        ))}
        {data && data.sources.length === 0 && <li className="muted">The news-crawl job runs every 5 minutes; sources appear after its first run.</li>}
      </ul>
      {data && data.articles.length === 0 ? (
        <div className="muted">No articles stored yet.</div>
      ) : (
        <ul style={{ paddingLeft: 16, margin: 0 }}>
          {(data?.articles ?? []).map((a) => (
            <li key={a.id} className="in-text">
              {a.link ? (
                <a href={a.link} rel="noreferrer" target="_blank">
                  {a.title}
                </a>
              ) : (
                a.title
              )}{" "}
              <span className="muted">
                {a.source} · {formatDateTime(a.publishedAt)} {a.tickers.length > 0 && `· ${a.tickers.join(", ")}`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
