export const navLinks = [
  { href: "/agents", label: "Marketplace" },
  { href: "/studio", label: "Studio" },
  { href: "/orgs", label: "Organisations" },
  { href: "/payouts", label: "Payouts" },
] as const;
