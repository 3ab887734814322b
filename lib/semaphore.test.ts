import { expect, test } from "vitest";
import { KeyedSemaphore, Semaphore } from "./semaphore";

test("at most `limit` holders at once; the next waiter gets the slot on release", async () => {
  const semaphore = new Semaphore(2);
  const a = await semaphore.acquire();
  await semaphore.acquire();
  let third = false;
  const waiting = semaphore.acquire().then((release) => ((third = true), release));
  await new Promise((r) => setTimeout(r, 10));
  expect(third).toBe(false);
  a();
  a(); // a second release of the same slot changes nothing
  await waiting;
  expect(third).toBe(true);
  let fourth = false;
  void semaphore.acquire().then(() => (fourth = true));
  await new Promise((r) => setTimeout(r, 10));
  expect(fourth).toBe(false);
});

test("a waiter whose signal aborts gives up and holds nothing", async () => {
  const semaphore = new Semaphore(1);
  const release = await semaphore.acquire();
  const controller = new AbortController();
  const waiting = semaphore.acquire(controller.signal);
  controller.abort(new Error("run ended"));
  await expect(waiting).rejects.toThrow("run ended");
  release();
  // The slot is free again, not handed to the waiter that left.
  await semaphore.acquire();
});

test("keyed: each key has its own limit", async () => {
  const keyed = new KeyedSemaphore(1);
  const a = await keyed.acquire("tenant-a");
  await keyed.acquire("tenant-b");
  let second = false;
  void keyed.acquire("tenant-a").then(() => (second = true));
  await new Promise((r) => setTimeout(r, 10));
  expect(second).toBe(false);
  a();
  await new Promise((r) => setTimeout(r, 0));
  expect(second).toBe(true);
});
