import { parseEther } from "viem";
import { agentCategories } from "@/lib/agents/spec";

export const sorts = [
  { id: "relevance", label: "Best match" },
  { id: "reputation", label: "Best rated" },
  { id: "runs", label: "Most runs" },
  { id: "newest", label: "Newest" },
  { id: "price_asc", label: "Price: low to high" },
  { id: "price_desc", label: "Price: high to low" },
] as const;

export type MarketplaceParams = {
  q: string;
  category?: (typeof agentCategories)[number];
  sort?: (typeof sorts)[number]["id"];
  min: string;
  max: string;
  /** Minimum average rating as typed (1–5), and parsed. */
  rating: string;
  minRating?: number;
  minPriceWei?: string;
  maxPriceWei?: string;
  page: number;
  problems: string[];
};

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

function ethToWei(text: string, label: string, problems: string[]): string | undefined {
  if (!text) return undefined;
  try {
    if (!/^\d+(\.\d+)?$/.test(text)) throw new Error("not an amount");
    return parseEther(text).toString();
  } catch {
    problems.push(`${label} must be an amount in ETH, like 0.001.`);
    return undefined;
  }
}

/** The marketplace's URL state, validated: anything malformed is ignored and reported. */
export function parseMarketplaceParams(search: Record<string, string | string[] | undefined>): MarketplaceParams {
  const problems: string[] = [];
  const q = one(search.q).trim().slice(0, 200);
  const min = one(search.min).trim();
  const max = one(search.max).trim();
  const rating = one(search.rating).trim();
  let minRating: number | undefined;
  if (rating) {
    const value = /^\d(\.\d{1,2})?$/.test(rating) ? Number(rating) : Number.NaN;
    if (value >= 1 && value <= 5) minRating = value;
    else problems.push("Minimum rating must be a number from 1 to 5.");
  }
  return {
    q,
    category: agentCategories.find((c) => c === one(search.category)),
    sort: sorts.find((s) => s.id === one(search.sort))?.id,
    min,
    max,
    rating,
    minRating,
    minPriceWei: ethToWei(min, "Minimum price", problems),
    maxPriceWei: ethToWei(max, "Maximum price", problems),
    page: Math.max(1, Math.min(1000, Number.parseInt(one(search.page) || "1", 10) || 1)),
    problems,
  };
}

type Changeable = Partial<Pick<MarketplaceParams, "q" | "category" | "sort" | "min" | "max" | "rating" | "page">>;

/** The URL for the marketplace with some parameters changed; defaults are left out. */
export function marketplaceHref(current: MarketplaceParams, change: Changeable): string {
  const next = { ...current, page: 1, ...change };
  const query = new URLSearchParams();
  if (next.q) query.set("q", next.q);
  if (next.category) query.set("category", next.category);
  if (next.sort) query.set("sort", next.sort);
  if (next.min) query.set("min", next.min);
  if (next.max) query.set("max", next.max);
  if (next.rating) query.set("rating", next.rating);
  if (next.page > 1) query.set("page", String(next.page));
  const text = query.toString();
  return text ? `/agents?${text}` : "/agents";
}
