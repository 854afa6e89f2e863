import type { NewsSourceState, NewsStore, StoredArticleInput } from "./crawl-source";

/**
 * In-memory {@link NewsStore}: first write wins per dedupeKey, stored articles are never
 * modified. Values are deep-copied on the way in and out so callers cannot mutate what
 * is "stored" by accident, just like with a real database.
 */
export class MemoryNewsStore implements NewsStore {
  private readonly states = new Map<string, NewsSourceState>();
  private readonly articles = new Map<string, StoredArticleInput>();

  /** Returns the saved state of a source, or null if it was never saved. */
  async getSourceState(name: string): Promise<NewsSourceState | null> {
    const state = this.states.get(name);
    return state ? structuredClone(state) : null;
  }

  /** Replaces the state of `state.name`. */
  async saveSourceState(state: NewsSourceState): Promise<void> {
    this.states.set(state.name, structuredClone(state));
  }

  /** Inserts articles whose dedupeKey is new (also de-duplicating within the call); returns how many. */
  async insertArticles(articles: StoredArticleInput[]): Promise<number> {
    let inserted = 0;
    for (const article of articles) {
      if (this.articles.has(article.dedupeKey)) continue;
      this.articles.set(article.dedupeKey, structuredClone(article));
      inserted++;
    }
    return inserted;
  }

  /** All stored articles, in insertion order (test/inspection helper, not part of the port). */
  listArticles(): StoredArticleInput[] {
    return [...this.articles.values()].map((a) => structuredClone(a));
  }

  /** Number of stored articles. */
  get articleCount(): number {
    return this.articles.size;
  }
}
