export const navLinks = [
  { href: "/agents", label: "Marketplace" },
  { href: "/studio", label: "Studio" },
  { href: "/orgs", label: "Organisations" },
] as const;
