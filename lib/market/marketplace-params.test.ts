import { expect, test } from "vitest";
import { marketplaceHref, parseMarketplaceParams } from "./marketplace-params";

test("parses and keeps valid URL state", () => {
  const p = parseMarketplaceParams({
    q: " csv ",
    category: "data",
    sort: "price_asc",
    min: "0.001",
    max: "1",
    page: "3",
  });
  expect(p).toMatchObject({
    q: "csv",
    category: "data",
    sort: "price_asc",
    minPriceWei: "1000000000000000",
    maxPriceWei: "1000000000000000000",
    page: 3,
    problems: [],
  });
  expect(marketplaceHref(p, { page: 4 })).toBe("/agents?q=csv&category=data&sort=price_asc&min=0.001&max=1&page=4");
  expect(marketplaceHref(p, { category: undefined })).toBe("/agents?q=csv&sort=price_asc&min=0.001&max=1");
});

test.each([
  [{ category: "weapons" }, { category: undefined }],
  [{ sort: "random" }, { sort: undefined }],
  [{ page: "-5" }, { page: 1 }],
  [{ page: "abc" }, { page: 1 }],
  [{ min: "lots" }, { minPriceWei: undefined, problems: ["Minimum price must be an amount in ETH, like 0.001."] }],
  [{ max: "-1" }, { maxPriceWei: undefined, problems: ["Maximum price must be an amount in ETH, like 0.001."] }],
])("malformed %j is ignored", (input, expected) => {
  expect(parseMarketplaceParams(input)).toMatchObject(expected);
});

test("the minimum rating is kept in the URL and validated", () => {
  const p = parseMarketplaceParams({ rating: "4.5", sort: "reputation" });
  expect(p).toMatchObject({ rating: "4.5", minRating: 4.5, sort: "reputation", problems: [] });
  expect(marketplaceHref(p, { page: 2 })).toBe("/agents?sort=reputation&rating=4.5&page=2");
  expect(parseMarketplaceParams({ rating: "9" })).toMatchObject({
    minRating: undefined,
    problems: ["Minimum rating must be a number from 1 to 5."],
  });
  expect(parseMarketplaceParams({ rating: "four" })).toMatchObject({
    minRating: undefined,
    problems: ["Minimum rating must be a number from 1 to 5."],
  });
});
