/**
 * Account erasure: after it no personal field remains in any table (every text and JSON
 * column scanned), receipts still verify, purchases and on-chain ratings remain, the
 * account cannot sign in and its email can be used again; the last owner of a shared
 * organisation is refused; a restore from an older backup is undone by re-applying the log.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DbHandle } from "@/db/client";
import { addMembership } from "@/db/queries/organizations";
import { createUser } from "@/db/queries/users";
import { erasures, executions, organizations, purchases, ratings, users } from "@/db/schema";
import { testBackends } from "@/db/testing";
import { computeReceiptHash } from "@/lib/agents/runtime/receipt";
import { apiRequest, orgWithKey } from "@/lib/api/fixtures.testing";
import { createRun } from "@/lib/api/handlers/create-run";
import { signInWithPassword } from "@/lib/auth/password-sign-in";
import { hashPassword } from "@/lib/auth/password";
import { eraseAccountAndLog, reapplyErasures } from "./erasure";
import { accountWithEverything } from "./fixtures.testing";

const logDir = mkdtempSync(path.join(tmpdir(), "erasures-"));
afterAll(() => rmSync(logDir, { recursive: true, force: true }));

describe.each(await testBackends())("account erasure on $name", (backend) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await backend.open();
  });
  afterAll(() => handle?.close());
  const logFile = path.join(logDir, `${randomUUID()}.log`);

  /** Every text, varchar and JSON column of every table holding `needle` (case-insensitive). */
  async function scan(needle: string) {
    const columns = (await handle.db.execute(sql`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and data_type in ('text', 'character varying', 'jsonb', 'json')`)) as unknown as {
      rows: { table_name: string; column_name: string }[];
    };
    const found: string[] = [];
    for (const c of columns.rows) {
      const result = (await handle.db.execute(
        sql`select count(*)::int as n from ${sql.identifier(c.table_name)} where ${sql.identifier(c.column_name)}::text ilike ${"%" + needle + "%"}`,
      )) as unknown as { rows: { n: number }[] };
      if (Number(result.rows[0]!.n) > 0) found.push(`${c.table_name}.${c.column_name}`);
    }
    return found;
  }

  test("an account that created agents, bought runs and rated: nothing personal remains; records and receipts do", async () => {
    const me = await accountWithEverything(handle.db);
    // A buyer's API run of its agent: a receipt somebody else relies on.
    const buyer = await orgWithKey(handle.db, [me.agent.id], { credits: 1 });
    const run = await (
      await createRun(
        handle.db,
        apiRequest(`/agents/${me.agent.slug}/runs`, { secret: buyer.secret, body: { input: { n: 2 } } }),
        {
          slug: me.agent.slug,
        },
      )
    ).json();
    expect(run.status).toBe("succeeded");
    await handle.db
      .update(users)
      .set({ passwordHash: await hashPassword("a password to forget") })
      .where(eq(users.id, me.user.id));
    expect((await scan(me.email)).length).toBeGreaterThan(0);

    expect(await eraseAccountAndLog(handle.db, me.user.id, new Date(), logFile)).toEqual({ ok: true });

    expect(await scan(me.email)).toEqual([]);
    expect(await scan(me.name)).toEqual([]);
    expect(await scan(me.address)).toEqual(["purchases.buyer_address", "ratings.rater_address"]);
    const [row] = await handle.db.select().from(users).where(eq(users.id, me.user.id));
    expect(row).toMatchObject({ email: null, passwordHash: null, name: "Erased account" });
    expect(row!.erasedAt).toBeInstanceOf(Date);
    expect(row!.sessionVersion).toBeGreaterThan(0);

    // Payment records and on-chain ratings remain; the review text and the sole-member organisation go.
    expect(await handle.db.select().from(purchases).where(eq(purchases.buyerAddress, me.address))).toEqual([
      expect.objectContaining({ runs: 5, orgId: null }),
    ]);
    expect(await handle.db.select().from(ratings).where(eq(ratings.txHash, me.ratingTx))).toEqual([
      expect.objectContaining({ score: 5, review: null, reviewerUserId: null }),
    ]);
    expect(await handle.db.select().from(organizations).where(eq(organizations.id, me.org.id))).toEqual([]);
    // Every run record still matches its receipt.
    const runs = await handle.db.select().from(executions).where(eq(executions.agentId, me.agent.id));
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (const r of runs.filter((x) => x.receiptHash))
      expect(
        computeReceiptHash({
          executionId: r.id,
          agentId: r.agentId,
          versionId: r.versionId,
          inputHash: r.inputHash ?? "",
          outputHash: r.outputHash,
          status: r.status as "succeeded",
          tokensIn: r.tokensIn,
          tokensOut: r.tokensOut,
          costWei: String(r.costWei),
          startedAt: r.startedAt,
          finishedAt: r.finishedAt!,
        }),
      ).toBe(r.receiptHash);

    // It cannot sign in; its email is free again.
    await expect(
      signInWithPassword(handle.db, { email: me.email, password: "a password to forget" }, "10.1.1.1"),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(createUser(handle.db, { email: me.email, name: "New", passwordHash: null })).resolves.toBeTruthy();
    expect(readFileSync(logFile, "utf8")).toContain(me.user.id);
    expect(readFileSync(logFile, "utf8")).not.toContain(me.email);
  });

  test("the last owner of an organisation others are in is refused, and nothing changes", async () => {
    const me = await accountWithEverything(handle.db);
    const colleague = await createUser(handle.db, {
      email: `c-${randomUUID()}@example.com`,
      name: "C",
      passwordHash: null,
    });
    await addMembership(handle.db, { orgId: me.org.id, userId: colleague.id, role: "developer" });
    expect(await eraseAccountAndLog(handle.db, me.user.id, new Date(), logFile)).toEqual({
      ok: false,
      reason: "last_owner",
      organisations: [`Org of ${me.name}`],
    });
    const [row] = await handle.db.select().from(users).where(eq(users.id, me.user.id));
    expect(row).toMatchObject({ email: me.email, erasedAt: null });
  });

  test("after restoring an older backup, re-applying the log erases the account again, once", async () => {
    const me = await accountWithEverything(handle.db);
    await eraseAccountAndLog(handle.db, me.user.id, new Date(), logFile);
    // The restore: the account is back as it was, and the database has no record of the erasure.
    await handle.db
      .update(users)
      .set({ email: me.email, name: me.name, erasedAt: null })
      .where(eq(users.id, me.user.id));
    await handle.db.delete(erasures).where(eq(erasures.userId, me.user.id));
    const first = await reapplyErasures(handle.db, logFile);
    expect(first.reapplied).toBe(1);
    expect(await scan(me.email)).toEqual([]);
    expect((await reapplyErasures(handle.db, logFile)).reapplied).toBe(0);
  });
});
