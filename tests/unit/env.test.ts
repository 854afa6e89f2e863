import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { loadEnv } from "../../lib/env";

describe("environment", () => {
  it("takes defaults, and counts an empty variable as unset", () => {
    const env = loadEnv({ PORT: "", PERFPILOT_DATA_DIR: "" });
    expect(env.PORT).toBe(3000);
    expect(env.PERFPILOT_DATA_DIR).toBe(".data");
  });

  it("names every bad variable and what is wrong with it", () => {
    const bad = () =>
      loadEnv({ PORT: "abc", EMBEDDED_PG_PORT: "80", PERFPILOT_DATA_DIR: "/proc/self/perfpilot", TRUSTED_PROXIES: "10.0.0.0/99", AUTH_SECRET: "short" });
    expect(bad).toThrow(/^Invalid environment:\n/);
    const message = (() => {
      try {
        bad();
      } catch (err) {
        return (err as Error).message;
      }
      return "";
    })();
    for (const name of ["PORT", "EMBEDDED_PG_PORT", "PERFPILOT_DATA_DIR", "TRUSTED_PROXIES", "AUTH_SECRET"])
      expect(message).toMatch(new RegExp(`^  ${name}: `, "m"));
    expect(message).toContain("inside /proc or /sys");
  });

  it.each(["/sys", "/sys/fs/x", "/proc"])("refuses the data dir %s (kernel filesystems: mkdir there can hang)", (dir) => {
    expect(() => loadEnv({ PERFPILOT_DATA_DIR: dir })).toThrow(/PERFPILOT_DATA_DIR: is inside/);
  });

  it("accepts a data dir whose name only starts like one", () => {
    expect(loadEnv({ PERFPILOT_DATA_DIR: "/processes/data" }).PERFPILOT_DATA_DIR).toBe("/processes/data");
  });

  it("npm start with a bad variable says which and exits 1, without a stack", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "server.ts"], {
      // An unreachable DATABASE_URL: were PORT accepted, the start would fail there, never start a database.
      env: { ...process.env, PORT: "abc", DATABASE_URL: "postgresql://perfpilot:x@127.0.0.1:1/perfpilot" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Perfpilot could not start: Invalid environment:\n {2}PORT: .*\nFix or unset these variables/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
