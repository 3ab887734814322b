import Link from "next/link";
import { Button } from "@/components/ui/button";
import type { SessionUser } from "@/lib/auth/session";
import { InstallApp } from "./install-app";
import { MobileNav } from "./mobile-nav";
import { navLinks } from "./nav-links";
import { ConnectWallet, UserMenu } from "./signed-in-menus";

export function SiteHeader({ user }: { user: SessionUser | null }) {
  return (
    <header className="sticky top-0 z-30 border-b bg-background/90 backdrop-blur">
      <div className="container flex h-14 items-center gap-6">
        <Link href="/" className="font-semibold tracking-tight max-md:py-2.5">
          <span className="text-primary">AI</span> Nomads
        </Link>
        <nav className="hidden gap-5 text-sm md:flex" aria-label="Main">
          {navLinks.map((l) => (
            <Link key={l.href} href={l.href} className="text-muted-foreground hover:text-foreground">
              {l.label}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex items-center gap-2">
          <div className="hidden md:block">
            <InstallApp />
          </div>
          {user ? (
            <>
              <div className="hidden sm:block">
                <ConnectWallet />
              </div>
              <UserMenu user={user} />
            </>
          ) : (
            <>
              <Button asChild variant="ghost" size="sm">
                <Link href="/sign-in">Sign in</Link>
              </Button>
              <Button asChild size="sm">
                <Link href="/sign-up">Sign up</Link>
              </Button>
            </>
          )}
          <MobileNav />
        </div>
      </div>
    </header>
  );
}
