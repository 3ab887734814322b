import { expect, test } from "vitest";
import { MAX_ATTEMPTS, nextAttemptAt, parseRetryAfter, RETRY_STEPS_SECONDS } from "./schedule";

const now = new Date("2026-12-05T12:00:00Z");

test("failed deliveries are retried over about three days, then given up", () => {
  const total = RETRY_STEPS_SECONDS.reduce((sum, s) => sum + s, 0);
  expect(total / 86_400).toBeGreaterThan(2.5);
  expect(total / 86_400).toBeLessThan(3.5);
  expect(MAX_ATTEMPTS).toBe(RETRY_STEPS_SECONDS.length + 1);
  expect(nextAttemptAt({ attempts: MAX_ATTEMPTS, now })).toBeUndefined();
  expect(nextAttemptAt({ attempts: MAX_ATTEMPTS - 1, now })).toBeInstanceOf(Date);
});

test("each wait is its step varied by at most ±20 % (jitter), never below Retry-After", () => {
  const wait = (random: number, attempts = 3, retryAfterSeconds?: number) =>
    (nextAttemptAt({ attempts, now, random, retryAfterSeconds })!.getTime() - now.getTime()) / 1000;
  expect(wait(0)).toBe(240);
  expect(wait(0.5)).toBe(300);
  expect(wait(0.999_999)).toBeCloseTo(360, 0);
  expect(wait(0.5, 1, 3600)).toBe(3600);
  expect(wait(0.5, 5, 60)).toBe(7200);
});

test("Retry-After is read as seconds or an HTTP date, capped at a day; anything else is ignored", () => {
  expect(parseRetryAfter("120", now)).toBe(120);
  expect(parseRetryAfter(["30"], now)).toBe(30);
  expect(parseRetryAfter(new Date(now.getTime() + 90_000).toUTCString(), now)).toBe(90);
  expect(parseRetryAfter("Thu, 01 Jan 1970 00:00:00 GMT", now)).toBe(0);
  expect(parseRetryAfter("9999999999", now)).toBe(86_400);
  expect(parseRetryAfter("soon", now)).toBeUndefined();
  expect(parseRetryAfter("-5", now)).toBeUndefined();
  expect(parseRetryAfter(undefined, now)).toBeUndefined();
});
