import "server-only";
import pg from "pg";

/**
 * Whether this process is the one that does a singleton job (indexing the chain, attesting
 * receipts) among all processes sharing the database.
 */
export interface Leadership {
  holds(): boolean;
  /** Settles after the first attempt to lead. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** The embedded database belongs to one process (PGlite locks its files): that process leads. */
export function soleLeadership(): Leadership {
  return { holds: () => true, ready: Promise.resolve(), close: async () => {} };
}

/**
 * Leadership among processes sharing a Postgres: the holder of a session advisory lock,
 * on a connection of its own. Each process tries every `checkEveryMs`; the holder checks
 * its connection as often. When the holder dies its connection closes and Postgres frees
 * the lock, so another process leads within a check or two. A holder that loses its
 * connection stops leading at once (it may briefly leave nobody leading, never two).
 */
export function postgresLeadership(url: string, name: string, checkEveryMs = 2000): Leadership {
  let client: pg.Client | null = null;
  let held = false;
  let closed = false;
  const key = `ai-nomads:leader:${name}`;

  const drop = () => {
    held = false;
    const old = client;
    client = null;
    old?.end().catch(() => {});
  };

  async function check(): Promise<void> {
    if (closed) return;
    try {
      if (!client) {
        const next = new pg.Client({ connectionString: url, application_name: `ai-nomads ${name} leadership` });
        next.on("error", () => drop());
        next.on("end", () => {
          if (client === next) drop();
        });
        await next.connect();
        client = next;
      }
      if (held) {
        await client.query("select 1");
      } else {
        const { rows } = await client.query<{ ok: boolean }>("select pg_try_advisory_lock(hashtext($1)) as ok", [key]);
        held = rows[0]?.ok === true;
      }
    } catch {
      drop();
    }
  }

  const timer = setInterval(() => void check(), checkEveryMs);
  timer.unref();
  const ready = check();
  return {
    holds: () => held && !closed,
    ready,
    async close() {
      closed = true;
      clearInterval(timer);
      held = false;
      const old = client;
      client = null;
      await old?.end().catch(() => {});
    },
  };
}
