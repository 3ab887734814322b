/**
 * Roles in an organisation and what each may do: the one table every action and page
 * checks (through requireOrgPermission, in the same transaction as the change).
 *
 * - owner: everything, including other owners, exporting and deleting the organisation;
 * - admin: everything but owners (cannot grant, change or remove the owner role);
 * - developer: API keys, webhooks and runs;
 * - billing: purchases and spend;
 * - viewer: reads only.
 * Every role reads the organisation, its members, usage, credits and runs.
 */
export const ORG_ROLES = ["owner", "admin", "developer", "billing", "viewer"] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

export const ORG_PERMISSIONS = {
  "org.read": ["owner", "admin", "developer", "billing", "viewer"],
  "members.manage": ["owner", "admin"],
  "owners.manage": ["owner"],
  "api_keys.manage": ["owner", "admin", "developer"],
  "webhooks.manage": ["owner", "admin", "developer"],
  "purchases.make": ["owner", "admin", "billing"],
  "audit.read": ["owner", "admin"],
  "data.export": ["owner"],
} as const satisfies Record<string, readonly OrgRole[]>;
export type OrgPermission = keyof typeof ORG_PERMISSIONS;

export function can(role: string, permission: OrgPermission): boolean {
  return (ORG_PERMISSIONS[permission] as readonly string[]).includes(role);
}

export const ORG_ROLE_LABELS: Record<OrgRole, { label: string; description: string }> = {
  owner: { label: "Owner", description: "Everything, including owners and the organisation itself" },
  admin: { label: "Admin", description: "Members (but not owners), keys, webhooks, purchases, the audit trail" },
  developer: { label: "Developer", description: "API keys, webhooks and runs" },
  billing: { label: "Billing", description: "Purchases and spend" },
  viewer: { label: "Viewer", description: "Reads only" },
};

export const isOrgRole = (value: string): value is OrgRole => (ORG_ROLES as readonly string[]).includes(value);
