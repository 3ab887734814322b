import { describe, expect, test } from "vitest";
import { hashPassword, verifyPassword } from "./password";

describe("password hashing", () => {
  test("a hash verifies the password it was made from and nothing else", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(hash).not.toContain("correct horse");
    expect(await verifyPassword("correct horse battery staple", hash)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  test("the same password hashes differently each time (salted)", async () => {
    const [a, b] = await Promise.all([hashPassword("same password"), hashPassword("same password")]);
    expect(a).not.toBe(b);
  });

  test.each([
    ["empty", ""],
    ["wrong scheme", "bcrypt$2a$10$abc"],
    ["truncated", "scrypt$32768$8$1$c2FsdA"],
    ["short key", "scrypt$32768$8$1$c2FsdA$a2V5"],
  ])("a malformed stored hash (%s) never verifies", async (_name, stored) => {
    expect(await verifyPassword("anything", stored)).toBe(false);
  });
});
