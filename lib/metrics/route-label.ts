/**
 * The route template a request path belongs to, for metrics labels: ids and slugs become
 * placeholders, and anything unknown is "other", so a client cannot create label values.
 */
const UUID = "[0-9a-fA-F-]{36}";
const SEGMENT = "[^/]+";

const templates: [RegExp, string][] = [
  [/^\/_next\/static\//, "/_next/static"],
  [/^\/_next\/image/, "/_next/image"],
  [/^\/api\/v1\/agents\/[^/]+\/runs$/, "/api/v1/agents/{slug}/runs"],
  [new RegExp(`^/api/v1/runs/${UUID}$`), "/api/v1/runs/{id}"],
  [new RegExp(`^/api/v1/runs/${UUID}/(receipt|cancel|events)$`), "/api/v1/runs/{id}/$1"],
  [/^\/api\/v1\/(agents|usage|openapi\.json)$/, "/api/v1/$1"],
  [/^\/api\/(health|live|metrics|galaxy|galaxy\/pulses)$/, "/api/$1"],
  [/^\/api\/dashboard\/(creator|creator\/earnings|creator\/galaxy)$/, "/api/dashboard/$1"],
  [new RegExp(`^/api/dashboard/orgs/${UUID}$`), "/api/dashboard/orgs/{id}"],
  [/^\/api\/auth\//, "/api/auth"],
  [new RegExp(`^/api/studio/agents/${UUID}/runs$`), "/api/studio/agents/{id}/runs"],
  [/^\/(agents|studio|dashboard)\/galaxy$/, "/$1/galaxy"],
  [new RegExp(`^/(agents|studio|dashboard)/${SEGMENT}$`), "/$1/{slug}"],
  [new RegExp(`^/studio/${SEGMENT}/runs(/${UUID})?$`), "/studio/{slug}/runs"],
  [new RegExp(`^/orgs/${UUID}(/api|/runs/${UUID})?$`), "/orgs/{id}$1"],
  [
    /^\/(|agents|studio|dashboard|orgs|payouts|settings|offline|docs\/api|sign-in|sign-up|forgot-password|reset-password|verify-email|manifest\.webmanifest|favicon\.ico|serwist\/sw\.js)$/,
    "/$1",
  ],
  [/^\/(icons|screenshots)\//, "/$1"],
  [/^\/invite\//, "/invite/{token}"],
];

export function routeLabel(url: string): string {
  const end = url.search(/[?#]/);
  const path = end === -1 ? url : url.slice(0, end);
  for (const [pattern, template] of templates) {
    const match = pattern.exec(path);
    if (match) return template.replace(/\$(\d)/g, (_, i: string) => match[Number(i)] ?? "");
  }
  return "other";
}
