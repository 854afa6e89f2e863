import pg from "pg";

/** A LISTEN connection that keeps itself alive; `connected` says whether notices arrive now. */
export interface ChannelListener {
  readonly connected: boolean;
  stop(): Promise<void>;
}

/**
 * Keeps a dedicated connection LISTENing on `channel` and calls `onNotify` with each payload.
 * Notices sent while the connection is down are lost, so `onReconnect` runs after every
 * (re)connect, the first included: callers reload or drop what they cached meanwhile.
 */
export async function listenToChannel(opts: {
  connectionString: string;
  channel: string;
  onNotify: (payload: string) => void;
  onReconnect: () => void;
  /** Called when the connection is lost (notices are missed until `onReconnect`). */
  onDisconnect?: () => void;
  log: { warn(obj: object, msg: string): void };
}): Promise<ChannelListener> {
  const { connectionString, channel, onNotify, onReconnect, onDisconnect, log } = opts;
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | null = null;

  const scheduleRetry = () => {
    if (!stopped) retry = setTimeout(() => void connect(), 1000);
  };
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString });
    c.on("notification", (n) => {
      if (n.channel === channel) onNotify(n.payload ?? "");
    });
    c.on("error", (err) => {
      log.warn({ err, channel }, "listener lost its connection; reconnecting");
      if (client === c) {
        client = null;
        onDisconnect?.();
      }
      void c.end().catch(() => undefined);
      scheduleRetry();
    });
    try {
      await c.connect();
      await c.query(`listen ${channel}`);
      if (stopped) {
        await c.end();
        return;
      }
      client = c;
      onReconnect();
    } catch (err) {
      log.warn({ err, channel }, "listener could not connect; retrying");
      await c.end().catch(() => undefined);
      scheduleRetry();
    }
  };
  await connect();
  return {
    get connected() {
      return client !== null;
    },
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
