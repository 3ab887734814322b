import { formatEther } from "viem";

/** A wei amount as ETH for display, without float rounding: "0.0015 ETH". */
export function formatWei(wei: string | bigint): string {
  const value = typeof wei === "bigint" ? wei : BigInt(wei);
  return `${formatEther(value)} ETH`;
}

export function formatDate(date: Date | string): string {
  return new Date(date).toLocaleDateString("en-GB", { year: "numeric", month: "short", day: "numeric" });
}
