/**
 * The API's lists are paged (README "Paging"): an answer holds one page under its key and a
 * `nextCursor` (null on the last page). These helpers let the dashboard read them as one growing
 * list ("Load more") or, for a chart's time range, follow the cursor to the range's end.
 */
import { infiniteQueryOptions, type InfiniteData, type QueryKey } from "@tanstack/react-query";
import { fetchJson } from "./fetch-json";

/** One page of a list as the API sends it: the items under `K`, and the next page's cursor. */
export type Paged<K extends string, T> = { [P in K]: T[] } & { nextCursor: string | null };

/** `url` with `cursor` added to its query (none on the first page). */
export function withCursor(url: string, cursor: string | undefined): string {
  if (!cursor) return url;
  return `${url}${url.includes("?") ? "&" : "?"}cursor=${encodeURIComponent(cursor)}`;
}

/** A list read page by page (its items under `K`): the first page at once, the next ones on `fetchNextPage()`. */
export function pagedListQuery<K extends string, T>(queryKey: QueryKey, url: string) {
  return infiniteQueryOptions({
    queryKey,
    queryFn: ({ pageParam }) => fetchJson<Paged<K, T>>(withCursor(url, pageParam)),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** Every item of the pages loaded so far, in order. */
export function pagedItems<K extends string, T>(data: InfiniteData<Paged<K, T>> | undefined, key: K): T[] {
  return data ? data.pages.flatMap((p) => p[key]) : [];
}

/** The cached pages with `fn` applied to each item (for live updates of a paged list). */
export function mapPagedItems<K extends string, T>(
  data: InfiniteData<Paged<K, T>> | undefined,
  key: K,
  fn: (item: T) => T,
): InfiniteData<Paged<K, T>> | undefined {
  if (!data) return data;
  return { ...data, pages: data.pages.map((p) => ({ ...p, [key]: p[key].map(fn) })) };
}

/**
 * Every page of a bounded range (a chart's time window), following the cursor; stops after
 * `maxPages` and says so (`truncated`) rather than drawing an unbounded answer.
 */
export async function fetchAllPages<K extends string, T>(url: string, key: K, maxPages: number): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await fetchJson<Paged<K, T>>(withCursor(url, cursor));
    items.push(...page[key]);
    if (page.nextCursor === null) return { items, truncated: false };
    cursor = page.nextCursor;
  }
  return { items, truncated: true };
}
