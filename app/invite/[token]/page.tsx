import type { Metadata } from "next";
import Link from "next/link";
import { AcceptInvitationButton } from "@/components/orgs/accept-invitation-button";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/lib/db";
import { getInvitationByTokenHash, isInvitationOpen } from "@/db/queries/invitations";
import { getSessionUser } from "@/lib/auth/session";
import { hashToken } from "@/lib/auth/tokens";

export const metadata: Metadata = { title: "Invitation" };
export const dynamic = "force-dynamic";

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await getInvitationByTokenHash(await getDb(), { tokenHash: hashToken(token) });
  const user = await getSessionUser();
  const open = invitation && isInvitationOpen(invitation);

  return (
    <Card className="mx-auto max-w-md">
      <CardHeader>
        <CardTitle className="text-2xl">{open ? `Join ${invitation.orgName}` : "Invitation not valid"}</CardTitle>
      </CardHeader>
      <CardContent className="space-y-4 text-sm">
        {!open ? (
          <p className="text-muted-foreground">
            This invitation does not exist, has expired, was revoked or was already used. Ask the organisation owner for
            a new one.
          </p>
        ) : !user ? (
          <>
            <p>
              This invitation is for <strong>{invitation.email}</strong>. Sign in or create an account with that email
              to accept it.
            </p>
            <div className="flex gap-2">
              <Button asChild>
                <Link href={`/sign-in?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`}>Sign in</Link>
              </Button>
              <Button asChild variant="outline">
                <Link href={`/sign-up?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`}>Create account</Link>
              </Button>
            </div>
          </>
        ) : (
          <>
            <p>
              You were invited as a <strong>{invitation.role}</strong> of <strong>{invitation.orgName}</strong> (sent to{" "}
              {invitation.email}).
            </p>
            <AcceptInvitationButton token={token} />
          </>
        )}
      </CardContent>
    </Card>
  );
}
