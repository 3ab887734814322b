/** The cookies of a Cookie header by name (the first of a repeated name wins); nothing for anything else. */
export function cookiesFromHeader(header: unknown): Record<string, string> {
  const cookies: Record<string, string> = {};
  if (typeof header !== "string") return cookies;
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (name && !(name in cookies)) cookies[name] = part.slice(at + 1).trim();
  }
  return cookies;
}
