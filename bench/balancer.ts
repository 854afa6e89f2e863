// The load balancer in front of the soak's instances: nginx with README's configuration when nginx
// is installed, else a small Node reverse proxy that behaves the same way in what the soak sees.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";

export interface Balancer {
  url: string;
  kind: "nginx" | "node";
  /** nginx's master process; null for the Node proxy, which runs in this process. */
  pid: number | null;
  stop(): Promise<void>;
}

/**
 * Every response carries `x-upstream`: the instances tried, in order, as nginx's `$upstream_addr`
 * ("127.0.0.1:3001, 127.0.0.1:3002" when the first failed), so the soak knows which instance
 * answered and which request was on the instance it killed.
 */
export const UPSTREAM_HEADER = "x-upstream";

/** nginx's defaults: a failed instance is left out this long (`fail_timeout`) after one failure (`max_fails`). */
const FAIL_TIMEOUT_MS = 10_000;

export function nginxInstalled(): boolean {
  return spawnSync("nginx", ["-v"], { stdio: "ignore" }).status === 0;
}

/** README's nginx configuration ("A load balancer: nginx"), in a private prefix, on `port`. */
function nginxConfig(dir: string, port: number, upstreams: number[]): string {
  return `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path ${dir}/body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;

    # README's upstream without ip_hash: every bench client is 127.0.0.1, which ip_hash would send to
    # one instance. The clients use WebSocket only, which needs no stickiness.
    upstream perfpilot {
${upstreams.map((p) => `        server 127.0.0.1:${p};`).join("\n")}
    }

    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }

    server {
        listen 127.0.0.1:${port};
        location / {
            proxy_pass http://perfpilot;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 1h;
            add_header ${UPSTREAM_HEADER} $upstream_addr always;
        }
    }
}
`;
}

async function startNginx(dir: string, port: number, upstreams: number[]): Promise<Balancer> {
  fs.mkdirSync(dir, { recursive: true });
  // Workers run as an unprivileged user when started as root: they write large responses to proxy_temp.
  for (const d of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) fs.mkdirSync(path.join(dir, d), { recursive: true, mode: 0o777 });
  fs.chmodSync(dir, 0o755);
  const conf = path.join(dir, "nginx.conf");
  fs.writeFileSync(conf, nginxConfig(dir, port, upstreams));
  const child: ChildProcess = spawn("nginx", ["-p", dir, "-c", conf, "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
  await waitListening(port, () => (child.exitCode !== null ? `nginx exited: ${stderr}` : null));
  return {
    url: `http://127.0.0.1:${port}`,
    kind: "nginx",
    pid: child.pid ?? null,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGQUIT");
      }),
  };
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/**
 * Round robin over the instances with nginx's failure handling: an instance that refuses or drops a
 * connection is left out for FAIL_TIMEOUT_MS; the request goes to the next one when nothing was sent
 * yet (refused connection) or when it is idempotent (nginx's `proxy_next_upstream error`), else the
 * client gets 502. One upstream connection per request, as README's nginx configuration (no
 * `keepalive`) does. WebSocket upgrades are piped to an instance the same way.
 */
async function startNodeProxy(port: number, upstreams: number[]): Promise<Balancer> {
  const downUntil = new Map<number, number>();
  let cursor = 0;
  const pick = (tried: Set<number>): number | undefined => {
    const untried = upstreams.filter((p) => !tried.has(p));
    const healthy = untried.filter((p) => (downUntil.get(p) ?? 0) <= Date.now());
    // All failed recently: try the others anyway (as nginx does when every server is marked down).
    const pool = healthy.length > 0 ? healthy : untried;
    if (pool.length === 0) return undefined;
    for (let i = 0; i < upstreams.length; i++) {
      const p = upstreams[(cursor + i) % upstreams.length]!;
      if (pool.includes(p)) {
        cursor = (cursor + i + 1) % upstreams.length;
        return p;
      }
    }
    return pool[0];
  };
  const forwardedFor = (req: http.IncomingMessage) => [req.headers["x-forwarded-for"], req.socket.remoteAddress].filter(Boolean).join(", ");

  function forward(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, tried: Set<number>, hops: string[]): void {
    const port = pick(tried);
    if (port === undefined) {
      res.writeHead(502, { [UPSTREAM_HEADER]: hops.join(", ") }).end("no instance answered");
      return;
    }
    tried.add(port);
    hops.push(`127.0.0.1:${port}`);
    let connected = false;
    const upstream = http.request(
      {
        host: "127.0.0.1",
        port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, connection: "close", "x-forwarded-for": forwardedFor(req), "x-forwarded-proto": "http" },
        agent: false,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, { ...up.headers, [UPSTREAM_HEADER]: hops.join(", ") });
        up.pipe(res);
        up.on("error", () => res.destroy());
      },
    );
    upstream.on("socket", (s) => s.once("connect", () => (connected = true)));
    upstream.on("error", () => {
      downUntil.set(port, Date.now() + FAIL_TIMEOUT_MS);
      if (res.headersSent) return void res.destroy();
      if (!connected || IDEMPOTENT.has(req.method ?? "GET")) return forward(req, res, body, tried, hops);
      res.writeHead(502, { [UPSTREAM_HEADER]: hops.join(", ") }).end("the instance failed during the request");
    });
    upstream.end(body);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => forward(req, res, Buffer.concat(chunks), new Set(), []));
  });
  server.on("upgrade", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const tried = new Set<number>();
    client.on("error", () => undefined);
    const attempt = () => {
      const port = pick(tried);
      if (port === undefined) return void client.destroy();
      tried.add(port);
      const up = net.connect(port, "127.0.0.1");
      let connected = false;
      up.once("connect", () => {
        connected = true;
        const lines = [`${req.method} ${req.url} HTTP/1.1`];
        for (let i = 0; i < req.rawHeaders.length; i += 2) {
          if (req.rawHeaders[i]!.toLowerCase() !== "x-forwarded-for") lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        }
        lines.push(`X-Forwarded-For: ${forwardedFor(req)}`, "", "");
        up.write(lines.join("\r\n"));
        if (head.length > 0) up.write(head);
        up.pipe(client);
        client.pipe(up);
      });
      up.on("error", () => {
        downUntil.set(port, Date.now() + FAIL_TIMEOUT_MS);
        if (!connected) attempt();
        else client.destroy();
      });
      up.on("close", () => client.destroy());
      client.on("close", () => up.destroy());
    };
    attempt();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}`,
    kind: "node",
    pid: null,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function waitListening(port: number, failed: () => string | null): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const why = failed();
    if (why) throw new Error(why);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => (s.destroy(), resolve(true)));
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the load balancer does not listen on ${port} after 10 s`);
}

/** nginx (README's configuration) when installed and `prefer` allows it, else the Node proxy. */
export async function startBalancer(opts: { dir: string; port: number; upstreams: number[]; prefer: "nginx" | "node" }): Promise<Balancer> {
  if (opts.prefer === "nginx" && nginxInstalled()) return startNginx(opts.dir, opts.port, opts.upstreams);
  return startNodeProxy(opts.port, opts.upstreams);
}
