/**
 * The PGlite worker thread behind openDb({ memory | dataDir }): Drizzle's calls (query,
 * exec, transaction) keep PGlite's semantics across the thread boundary.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sql } from "drizzle-orm";
import { isUniqueViolation } from "@/lib/errors";
import { WORKER_NICENESS } from "@/lib/platform/thread-priority";
import { niceOf, threadsStartedBy } from "@/lib/platform/thread-priority.testing";
import { openDb, type DbHandle } from "./client";
import { PGliteThread } from "./pglite-thread";

let handle: DbHandle;
beforeAll(async () => {
  handle = await openDb({ memory: true });
  await handle.db.execute(sql`create table t (id integer primary key, at timestamptz, tags text[], doc jsonb)`);
});
afterAll(() => handle.close());

const count = async () =>
  Number(
    ((await handle.db.execute(sql`select count(*)::int as n from t`)) as unknown as { rows: { n: number }[] }).rows[0]!
      .n,
  );

describe("PGlite in a worker thread", () => {
  test("rows, types and parameters come back as PGlite gives them", async () => {
    await handle.db.execute(
      sql`insert into t values (1, '2026-01-02T03:04:05Z', '{a,b}', ${JSON.stringify({ x: [1, 2] })}::jsonb)`,
    );
    const { rows } = (await handle.db.execute(sql`select * from t where id = ${1}`)) as unknown as {
      rows: Record<string, unknown>[];
    };
    // Drizzle asks for timestamps as text (its parsers), everything else is parsed.
    expect(rows).toEqual([{ id: 1, at: "2026-01-02 03:04:05+00", tags: ["a", "b"], doc: { x: [1, 2] } }]);
  });

  test("a Postgres error keeps its code and constraint", async () => {
    const error = await handle.db.execute(sql`insert into t (id) values (1)`).catch((e: unknown) => e);
    expect(isUniqueViolation(error, "t_pkey")).toBe(true);
    expect((error as { cause: unknown }).cause).toMatchObject({
      name: "DatabaseError",
      code: "23505",
      constraint: "t_pkey",
      table: "t",
    });
  });

  test("a transaction commits when its function resolves and rolls back when it throws", async () => {
    const before = await count();
    await handle.db.transaction(async (tx) => {
      await tx.execute(sql`insert into t (id) values (2)`);
      await tx.execute(sql`insert into t (id) values (3)`);
    });
    expect(await count()).toBe(before + 2);
    const thrown = await handle.db
      .transaction(async (tx) => {
        await tx.execute(sql`insert into t (id) values (4)`);
        throw new Error("changed my mind");
      })
      .catch((e: unknown) => e);
    expect((thrown as Error).message).toBe("changed my mind");
    // A failed statement inside also rolls everything back.
    await expect(
      handle.db.transaction(async (tx) => {
        await tx.execute(sql`insert into t (id) values (5)`);
        await tx.execute(sql`insert into t (id) values (1)`);
      }),
    ).rejects.toMatchObject({ cause: { code: "23505" } });
    expect(await count()).toBe(before + 2);
  });

  test("savepoints (nested transactions) roll back on their own", async () => {
    await handle.db.transaction(async (tx) => {
      await tx.execute(sql`insert into t (id) values (10)`);
      await tx
        .transaction(async (inner) => {
          await inner.execute(sql`insert into t (id) values (11)`);
          inner.rollback();
        })
        .catch(() => undefined);
    });
    const { rows } = (await handle.db.execute(sql`select id from t where id in (10, 11) order by id`)) as unknown as {
      rows: { id: number }[];
    };
    expect(rows.map((r) => r.id)).toEqual([10]);
  });

  test("a query from outside waits until an open transaction ends, and sees what it committed", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const tx = handle.db.transaction(async (t) => {
      await t.execute(sql`insert into t (id) values (20)`);
      await gate;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    let seen: number | undefined;
    const outside = handle.db.execute(sql`select count(*)::int as n from t where id = 20`).then((r) => {
      seen = (r as unknown as { rows: { n: number }[] }).rows[0]!.n;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toBeUndefined();
    release();
    await Promise.all([tx, outside]);
    expect(seen).toBe(1);
  });

  test("many concurrent statements all get their own answer", async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => handle.db.execute(sql`select ${i}::int * 2 as v`)),
    );
    expect(answers.map((a) => (a as unknown as { rows: { v: number }[] }).rows[0]!.v)).toEqual(
      Array.from({ length: 200 }, (_, i) => i * 2),
    );
  });

  test("each caller gets as text exactly the types it asks for, whatever the thread presets for Drizzle", async () => {
    const thread = new PGliteThread(null);
    await thread.waitReady;
    try {
      const text = `select '2026-01-02 03:04:05+00'::timestamptz as at, '2026-01-02'::date as day, array['2026-01-02 03:04:05+00'::timestamptz] as ats, array[1.5]::numeric[] as amounts`;
      // No parsers of its own: PGlite parses everything.
      const parsed = (await thread.query(text)).rows[0] as Record<string, unknown>;
      expect(parsed.at).toEqual(new Date("2026-01-02T03:04:05Z"));
      expect(parsed.day).toBeInstanceOf(Date);
      expect(parsed.ats).toEqual([new Date("2026-01-02T03:04:05Z")]);
      expect(parsed.amounts).toEqual(["1.5"]);
      // Its own parser for timestamptz only: the date and the array stay parsed.
      const some = (await thread.query(text, [], { parsers: { 1184: (value) => `text:${value}` } })).rows[0] as Record<
        string,
        unknown
      >;
      expect(some.at).toBe("text:2026-01-02 03:04:05+00");
      expect(some.day).toBeInstanceOf(Date);
      expect(some.ats).toEqual([new Date("2026-01-02T03:04:05Z")]);
      expect(some.amounts).toEqual(["1.5"]);
    } finally {
      await thread.close();
    }
  });

  test("after close, calls fail with a clear error instead of hanging", async () => {
    const thread = new PGliteThread(null);
    await thread.waitReady;
    expect((await thread.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    await thread.close();
    await expect(thread.query("select 1")).rejects.toThrow(/embedded database stopped/);
  });

  // Thread priorities are per thread only on Linux; elsewhere the thread is left alone.
  test.runIf(process.platform === "linux")("the database thread runs below the request thread's priority", async () => {
    const processNice = niceOf(String(process.pid));
    let thread: PGliteThread | undefined;
    try {
      const started = await threadsStartedBy(() => (thread = new PGliteThread(null)).waitReady);
      expect(started.filter((t) => t.nice === Math.min(19, processNice + WORKER_NICENESS))).toHaveLength(1);
      expect(niceOf(String(process.pid))).toBe(processNice);
      expect((await thread!.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    } finally {
      await thread?.close();
    }
  });
});
