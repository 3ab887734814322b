"use client";

import { signOut } from "next-auth/react";
import { forgetPrivatePages } from "@/lib/pwa/client";
import { Button } from "@/components/ui/button";

export function SignOutButton() {
  return (
    <Button variant="outline" onClick={() => void forgetPrivatePages().then(() => signOut({ callbackUrl: "/" }))}>
      Sign out
    </Button>
  );
}
