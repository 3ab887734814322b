import { BlockList, isIP } from "node:net";

/**
 * Addresses http_fetch never connects to (SSRF): loopback, private, link-local (which
 * includes cloud metadata at 169.254.169.254), carrier-grade NAT, multicast, reserved
 * and documentation ranges, and their IPv6 counterparts.
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
}

/** The IPv4 address embedded in an IPv4-mapped, -compatible or NAT64 IPv6 address. */
function embeddedIPv4(ip: string): string | undefined {
  const m = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (m) return m[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (hex) {
    const hi = Number.parseInt(hex[1]!, 16);
    const lo = Number.parseInt(hex[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return undefined;
}

export type AddressPolicy = {
  /** Whether a connection to `ip` (which `hostname` resolved to) may be made. */
  isAllowed(ip: string, hostname?: string): boolean;
  /** Whether the operator allowed this address or name explicitly (it would be refused otherwise). */
  isOperatorAllowed(host: string): boolean;
};

/**
 * A policy from the operator's allow-list (`HTTP_FETCH_ALLOW`: hostnames and CIDR
 * ranges, comma-separated): public addresses pass, blocked ranges pass only when allowed.
 */
export function createAddressPolicy(allowList: string): AddressPolicy {
  const allowedHosts = new Set<string>();
  const allowedNets = new BlockList();
  for (const entry of allowList
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean)) {
    const [net, bits] = entry.split("/");
    const family = isIP(net ?? "");
    if (family) {
      allowedNets.addSubnet(net!, bits ? Number(bits) : family === 4 ? 32 : 128, family === 4 ? "ipv4" : "ipv6");
    } else {
      allowedHosts.add(entry);
    }
  }
  const isBlocked = (ip: string) => {
    const v4 = isIP(ip) === 6 ? embeddedIPv4(ip.toLowerCase()) : ip;
    return v4 ? blocked.check(v4, "ipv4") : blocked.check(ip, "ipv6");
  };
  return {
    isOperatorAllowed(host) {
      const family = isIP(host);
      if (!family) return allowedHosts.has(host.toLowerCase());
      if (!isBlocked(host)) return false;
      const v4 = family === 6 ? embeddedIPv4(host.toLowerCase()) : host;
      return v4 ? allowedNets.check(v4, "ipv4") : allowedNets.check(host, "ipv6");
    },
    isAllowed(ip, hostname) {
      const family = isIP(ip);
      if (!family) return false;
      const v4 = family === 6 ? embeddedIPv4(ip.toLowerCase()) : ip;
      const isBlocked = v4 ? blocked.check(v4, "ipv4") : blocked.check(ip, "ipv6");
      if (!isBlocked) return true;
      if (hostname && allowedHosts.has(hostname.toLowerCase())) return true;
      return v4 ? allowedNets.check(v4, "ipv4") : allowedNets.check(ip, "ipv6");
    },
  };
}
