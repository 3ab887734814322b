import { expect, test } from "vitest";
import { formatPercent, formatTokenAmount, parsePercent, parseTokenAmount, splitPurchase } from "./money";

test.each([
  ["0.000000000000000001", 1n],
  ["0.001", 10n ** 15n],
  ["1", 10n ** 18n],
  ["1.5", 15n * 10n ** 17n],
  [".25", 25n * 10n ** 16n],
  ["123456789.123456789123456789", 123456789123456789123456789n],
])("%s ETH is exactly %s wei", (text, wei) => {
  expect(parseTokenAmount(text)).toBe(wei);
  expect(parseTokenAmount(formatTokenAmount(wei))).toBe(wei);
});

test.each(["", "-1", "1e-3", "0.0000000000000000001", "1,5", "0x10", "1.2.3", " . "])(
  "%j is refused with a reason",
  (text) => {
    expect(() => parseTokenAmount(text)).toThrow(/Enter an amount|At most 18 decimals/);
  },
);

test("formatting keeps every digit", () => {
  expect(formatTokenAmount(1n)).toBe("0.000000000000000001");
  expect(formatTokenAmount(10n ** 15n)).toBe("0.001");
  expect(formatTokenAmount(0n)).toBe("0");
});

test.each([
  ["100", 10_000],
  ["50", 5_000],
  ["33.33", 3_333],
  ["0.01", 1],
  ["12.5", 1_250],
])("%s %% is %s basis points", (text, bps) => {
  expect(parsePercent(text)).toBe(bps);
  expect(parsePercent(formatPercent(bps))).toBe(bps);
});

test.each(["0", "100.01", "101", "33.333", "-5", "abc"])("share %j is refused", (text) => {
  expect(() => parsePercent(text)).toThrow();
});

test("the split matches the contract: fee first, shares of the rest, dust to the first payee", () => {
  const payees = [
    { address: "0xa", shareBps: 3_333 },
    { address: "0xb", shareBps: 3_333 },
    { address: "0xc", shareBps: 3_334 },
  ];
  const { fee, cuts } = splitPurchase(1_000_001n, 500, payees);
  expect(fee).toBe(50_000n);
  // 950,001 × 3,333 / 10,000 = 316,635.33 and × 3,334 = 316,730.33, rounded down; the first takes the rest.
  expect(cuts).toEqual([316_636n, 316_635n, 316_730n]);
  expect(fee + cuts.reduce((a, b) => a + b, 0n)).toBe(1_000_001n);
});
