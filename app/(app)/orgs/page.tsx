import type { Metadata } from "next";
import Link from "next/link";
import { CreateOrgForm } from "@/components/orgs/create-org-form";
import { Badge, Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/lib/db";
import { listOrganizationsForUser } from "@/db/queries/organizations";
import { requirePageUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Organisations" };

export default async function OrganizationsPage() {
  const user = await requirePageUser("/orgs");
  const orgs = await listOrganizationsForUser(await getDb(), { userId: user.id });
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <div>
        <h1 className="text-3xl font-bold tracking-tight">Organisations</h1>
        <p className="mt-1 text-muted-foreground">Buy runs, manage API keys and watch usage together.</p>
      </div>
      {orgs.length > 0 ? (
        <ul className="divide-y rounded-lg border" aria-label="Your organisations">
          {orgs.map((org) => (
            <li key={org.id} className="flex items-center gap-3 p-4">
              <Link href={`/orgs/${org.id}`} className="flex-1 font-medium hover:underline">
                {org.name}
              </Link>
              <span className="text-sm text-muted-foreground">
                {org.memberCount} member{org.memberCount === 1 ? "" : "s"}
              </span>
              <Badge>{org.role}</Badge>
            </li>
          ))}
        </ul>
      ) : (
        <p className="rounded-lg border border-dashed p-8 text-center text-muted-foreground">
          You are not in an organisation yet.
        </p>
      )}
      <Card>
        <CardHeader>
          <CardTitle>New organisation</CardTitle>
        </CardHeader>
        <CardContent>
          <CreateOrgForm />
        </CardContent>
      </Card>
    </div>
  );
}
