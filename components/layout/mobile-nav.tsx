"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect } from "react";
import { Button } from "@/components/ui/button";
import { useUiStore } from "@/lib/stores/ui-store";
import { InstallApp } from "./install-app";
import { navLinks } from "./nav-links";

const links = [...navLinks, { href: "/settings", label: "Settings" }];

export function MobileNav() {
  const open = useUiStore((s) => s.mobileNavOpen);
  const setOpen = useUiStore((s) => s.setMobileNavOpen);
  const pathname = usePathname();
  useEffect(() => setOpen(false), [pathname, setOpen]);

  return (
    <div className="md:hidden">
      <Button variant="ghost" size="icon" aria-label="Menu" aria-expanded={open} onClick={() => setOpen(!open)}>
        ☰
      </Button>
      {open ? (
        <nav aria-label="Mobile" className="absolute inset-x-0 top-14 border-b bg-background p-4 shadow-md">
          <ul className="space-y-1">
            {links.map((l) => (
              <li key={l.href}>
                <Link href={l.href} className="block rounded-md px-3 py-2 hover:bg-muted">
                  {l.label}
                </Link>
              </li>
            ))}
          </ul>
          <InstallApp inMenu />
        </nav>
      ) : null}
    </div>
  );
}
