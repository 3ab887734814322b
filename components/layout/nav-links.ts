export const navLinks = [
  { href: "/agents", label: "Marketplace" },
  { href: "/studio", label: "Studio" },
  { href: "/dashboard", label: "Dashboard" },
  { href: "/orgs", label: "Organisations" },
  { href: "/payouts", label: "Payouts" },
  { href: "/docs/api", label: "API" },
] as const;
