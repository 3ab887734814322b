"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAction, useFormAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { createApiKeyAction } from "@/lib/actions/api-keys/create-api-key";
import { revokeApiKeyAction } from "@/lib/actions/api-keys/revoke-api-key";

type KeyableAgent = { id: string; slug: string; name: string; versions: { id: string; version: number }[] };

/**
 * Create-key form for owners; shows the new secret once, with a curl example using it.
 * Works before the page's scripts load.
 */
export function CreateApiKeyForm({ orgId, agents, origin }: { orgId: string; agents: KeyableAgent[]; origin: string }) {
  const router = useRouter();
  const [copied, setCopied] = useState(false);
  const create = useFormAction(createApiKeyAction, {
    onSuccess: (_key, form) => {
      setCopied(false);
      form.reset();
      router.refresh();
    },
  });
  const created = create.data
    ? {
        name: create.data.name,
        secret: create.data.secret,
        slug: agents.find((a) => create.data?.agentIds.includes(a.id))?.slug ?? "AGENT",
      }
    : undefined;

  if (agents.length === 0) {
    return (
      <p className="text-sm text-muted-foreground">
        Buy runs of an agent first: keys are scoped to agents your organisation holds credits for.
      </p>
    );
  }

  const curl = created
    ? `curl -X POST ${origin}/api/v1/agents/${created.slug}/runs \\\n  -H "Authorization: Bearer ${created.secret}" \\\n  -H "Content-Type: application/json" \\\n  -H "Idempotency-Key: $(uuidgen)" \\\n  -d '{"input": {}}'`
    : "";

  return (
    <div className="space-y-4">
      <form {...create.form} className="space-y-4">
        <input type="hidden" name="orgId" value={orgId} />
        <div className="grid gap-4 sm:grid-cols-3">
          <Field id="key-name" label="Name" error={create.fieldError("name")}>
            <Input name="name" placeholder="billing-service" required maxLength={80} />
          </Field>
          <Field id="key-rate" label="Requests per minute" error={create.fieldError("rateLimitPerMinute")}>
            <Input name="rateLimitPerMinute" inputMode="numeric" defaultValue="60" />
          </Field>
          <Field id="key-cap" label="Monthly run cap (optional)" error={create.fieldError("monthlyRunCap")}>
            <Input name="monthlyRunCap" inputMode="numeric" placeholder="no cap" />
          </Field>
        </div>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Agents this key may run</legend>
          <div className="flex flex-wrap gap-3">
            {agents.map((a) => (
              <label key={a.id} className="flex items-center gap-2 text-sm max-md:min-h-11">
                <input type="checkbox" name="agentIds" value={a.id} defaultChecked={agents.length === 1} />
                {a.name}
              </label>
            ))}
          </div>
          {create.fieldError("agentIds") ? (
            <p className="text-sm text-destructive">{create.fieldError("agentIds")}</p>
          ) : null}
        </fieldset>
        <Field id="key-pin" label="Pinned version (optional)" error={create.fieldError("pinnedVersionId")}>
          <Select name="pinnedVersionId" defaultValue="">
            <option value="">Always the current version</option>
            {agents.flatMap((a) =>
              a.versions.map((v) => (
                <option key={v.id} value={v.id}>
                  {a.name} v{v.version}
                </option>
              )),
            )}
          </Select>
        </Field>
        <Button type="submit" disabled={create.pending}>
          {create.pending ? "Creating…" : "Create key"}
        </Button>
        <FormError
          message={create.formError(["name", "rateLimitPerMinute", "monthlyRunCap", "agentIds", "pinnedVersionId"])}
        />
      </form>
      {created ? (
        <div
          role="status"
          className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950"
        >
          <p>
            <strong>{created.name}</strong> is ready. Copy the key now: it is shown only this once and cannot be
            recovered.
          </p>
          <div className="flex gap-2">
            <Input
              readOnly
              value={created.secret}
              aria-label="New API key"
              className="font-mono"
              onFocus={(e) => e.currentTarget.select()}
            />
            <Button
              type="button"
              variant="outline"
              onClick={() => {
                void navigator.clipboard?.writeText(created.secret).then(() => setCopied(true));
              }}
            >
              {copied ? "Copied" : "Copy"}
            </Button>
          </div>
          <pre className="overflow-x-auto rounded bg-background p-2 text-xs text-foreground">{curl}</pre>
        </div>
      ) : null}
    </div>
  );
}

export function RevokeApiKeyButton({ orgId, keyId, name }: { orgId: string; keyId: string; name: string }) {
  const router = useRouter();
  const revoke = useAction(revokeApiKeyAction, { onSuccess: () => router.refresh() });
  return (
    <div className="text-right">
      <Button
        size="sm"
        variant="ghost"
        aria-label={`Revoke ${name}`}
        disabled={revoke.pending}
        onClick={() => {
          if (window.confirm(`Revoke the key "${name}"? Systems using it stop working immediately.`))
            revoke.run({ orgId, keyId });
        }}
      >
        Revoke
      </Button>
      {revoke.error ? (
        <p role="alert" className="text-xs text-destructive">
          {revoke.error.message}
        </p>
      ) : null}
    </div>
  );
}
