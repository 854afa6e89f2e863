import os from "node:os";
import type pg from "pg";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { ACCESS_STALE_MAX_MS, accessCache } from "../../lib/server/domains/auth/access-cache";
import { authorize, resolveAccess } from "../../lib/server/domains/auth/authorize";
import { generateToken } from "../../lib/server/domains/auth/api-tokens";
import { closeAuth, initAuth } from "../../lib/server/domains/auth/instance";

/** A pool that answers the bearer-token lookup while `up`, and fails like a stopped Postgres otherwise. */
function fakePool() {
  const state = { up: true, lookups: 0 };
  const pool = {
    query: async (sql: string) => {
      if (!state.up) throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
      if (!sql.includes("from api_token t join auth_user")) return { rows: [], rowCount: 1 };
      state.lookups++;
      return {
        rows: [
          {
            id: "tok-1",
            name: "scraper",
            role: "viewer",
            expires_at: null,
            user_id: "u-1",
            email: "ops@example.com",
            user_role: "admin",
            banned: false,
            ban_expires: null,
          },
        ],
      };
    },
  };
  return { pool: pool as unknown as pg.Pool, state };
}

describe("credentials through a database outage (stale-if-error)", () => {
  const { pool, state } = fakePool();
  const { token } = generateToken();
  const headers = { authorization: `Bearer ${token}` };
  initAuth({ pool, baseURL: "http://localhost:3000", secret: "x".repeat(40), trustedOrigins: [], sessionMaxAgeHours: 12, dataDir: os.tmpdir() });
  afterAll(async () => {
    accessCache.setListening(false, true);
    await closeAuth();
  });
  beforeEach(() => {
    state.up = true;
    state.lookups = 0;
    accessCache.setListening(true);
  });

  it("serves a cached credential without asking the database again while the listener runs", async () => {
    expect((await resolveAccess(headers))?.actor.name).toBe("ops@example.com [token scraper]");
    await resolveAccess(headers);
    expect(state.lookups).toBe(1);
  });

  it("lets a recently resolved credential read while the database is down, never write", async () => {
    await resolveAccess(headers);
    // The outage: the listener's connection drops too, so fresh hits stop.
    accessCache.setListening(false);
    state.up = false;
    const read = await authorize({ method: "GET", headers }, "viewer");
    expect(read.tokenId).toBe("tok-1");
    await expect(authorize({ method: "POST", headers }, "viewer")).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("does not serve a credential older than the stale bound, nor one never resolved", async () => {
    await resolveAccess(headers);
    accessCache.setListening(false);
    state.up = false;
    const later = Date.now() + ACCESS_STALE_MAX_MS + 1_000;
    expect(accessCache.getStale(accessCache.keys()[0]!, later)).toBeNull();
    const other = { authorization: `Bearer ${generateToken().token}` };
    await expect(authorize({ method: "GET", headers: other }, "viewer")).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("starts empty when the listener reconnects (a revocation notice may have been missed)", async () => {
    await resolveAccess(headers);
    accessCache.setListening(false);
    accessCache.setListening(true);
    state.up = false;
    await expect(authorize({ method: "GET", headers }, "viewer")).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
