"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAction, useFormAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { replayWebhookDeliveryAction } from "@/lib/actions/webhooks/deliveries";
import {
  createWebhookAction,
  deleteWebhookAction,
  rotateWebhookSecretAction,
  sendTestWebhookAction,
  setWebhookEnabledAction,
} from "@/lib/actions/webhooks/endpoints";

/** A signing secret, shown once, with a copy button. */
function SecretOnce({ label, secret, note }: { label: string; secret: string; note: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div role="status" className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
      <p>{note}</p>
      <div className="flex gap-2">
        <Input
          readOnly
          value={secret}
          aria-label={label}
          className="font-mono"
          onFocus={(e) => e.currentTarget.select()}
        />
        <Button
          type="button"
          variant="outline"
          onClick={() => void navigator.clipboard?.writeText(secret).then(() => setCopied(true))}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
    </div>
  );
}

/** The add-endpoint form (owners); shows the new endpoint's signing secret once. Works before scripts load. */
export function CreateWebhookForm({
  orgId,
  events,
}: {
  orgId: string;
  events: { type: string; description: string }[];
}) {
  const router = useRouter();
  const create = useFormAction(createWebhookAction, {
    onSuccess: (_created, form) => {
      form.reset();
      router.refresh();
    },
  });
  return (
    <div className="space-y-4">
      <form {...create.form} className="space-y-4">
        <input type="hidden" name="orgId" value={orgId} />
        <div className="grid gap-4 sm:grid-cols-2">
          <Field id="webhook-url" label="Endpoint URL" error={create.fieldError("url")}>
            <Input
              name="url"
              type="url"
              inputMode="url"
              placeholder="https://example.com/hooks/ai-nomads"
              required
              maxLength={2000}
            />
          </Field>
          <Field id="webhook-description" label="Description (optional)" error={create.fieldError("description")}>
            <Input name="description" maxLength={200} placeholder="billing service" />
          </Field>
        </div>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Events to send</legend>
          <div className="grid gap-2 sm:grid-cols-2">
            {events.map((e) => (
              <label key={e.type} className="flex items-start gap-2 text-sm max-md:min-h-11">
                <input type="checkbox" name="events" value={e.type} className="mt-1" />
                <span>
                  <code>{e.type}</code>
                  <span className="block text-xs text-muted-foreground">{e.description}</span>
                </span>
              </label>
            ))}
          </div>
          {create.fieldError("events") ? (
            <p className="text-sm text-destructive">{create.fieldError("events")}</p>
          ) : null}
        </fieldset>
        <Button type="submit" disabled={create.pending}>
          {create.pending ? "Adding…" : "Add endpoint"}
        </Button>
        <FormError message={create.formError(["url", "description", "events"])} />
      </form>
      {create.data ? (
        <SecretOnce
          label="Signing secret"
          secret={create.data.secret}
          note={`Deliveries to ${create.data.url} are signed with this secret (Standard Webhooks). Copy it now: it is shown only this once.`}
        />
      ) : null}
    </div>
  );
}

/** An endpoint's owner controls: test event, rotate secret, disable/enable, delete. */
export function WebhookEndpointActions({
  orgId,
  endpointId,
  url,
  enabled,
}: {
  orgId: string;
  endpointId: string;
  url: string;
  enabled: boolean;
}) {
  const router = useRouter();
  const refresh = () => router.refresh();
  const test = useAction(sendTestWebhookAction, { onSuccess: refresh });
  const rotate = useAction(rotateWebhookSecretAction, { onSuccess: refresh });
  const toggle = useAction(setWebhookEnabledAction, { onSuccess: refresh });
  const remove = useAction(deleteWebhookAction, { onSuccess: refresh });
  const ref = { orgId, endpointId };
  const error = test.error ?? rotate.error ?? toggle.error ?? remove.error;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <Button
          size="sm"
          variant="outline"
          className="touch-target"
          disabled={!enabled || test.pending}
          onClick={() => test.run(ref)}
        >
          {test.pending ? "Sending…" : "Send test event"}
        </Button>
        <Button
          size="sm"
          variant="outline"
          className="touch-target"
          disabled={rotate.pending}
          onClick={() => {
            if (window.confirm("Make a new signing secret? The current one keeps signing beside it for 24 hours."))
              rotate.run(ref);
          }}
        >
          Rotate secret
        </Button>
        <Button
          size="sm"
          variant="outline"
          className="touch-target"
          disabled={toggle.pending}
          onClick={() => toggle.run({ ...ref, enabled: !enabled })}
        >
          {enabled ? "Disable" : "Enable"}
        </Button>
        <Button
          size="sm"
          variant="ghost"
          className="touch-target"
          aria-label={`Delete the endpoint ${url}`}
          disabled={remove.pending}
          onClick={() => {
            if (window.confirm(`Delete the endpoint ${url} and its delivery history?`)) remove.run(ref);
          }}
        >
          Delete
        </Button>
      </div>
      {test.data ? (
        <p role="status" className="text-xs text-muted-foreground">
          Test event queued; it appears under Deliveries below.
        </p>
      ) : null}
      {rotate.data ? (
        <SecretOnce
          label="New signing secret"
          secret={rotate.data.secret}
          note="The new secret signs every delivery from now on; the old one also signs them for 24 hours. Copy it now: it is shown only this once."
        />
      ) : null}
      {error ? (
        <p role="alert" className="text-xs text-destructive">
          {error.message}
        </p>
      ) : null}
    </div>
  );
}

export function ReplayDeliveryButton({ orgId, deliveryId }: { orgId: string; deliveryId: string }) {
  const router = useRouter();
  const replay = useAction(replayWebhookDeliveryAction, { onSuccess: () => router.refresh() });
  return (
    <span>
      <Button
        size="sm"
        variant="ghost"
        className="touch-target"
        disabled={replay.pending}
        onClick={() => replay.run({ orgId, deliveryId })}
      >
        {replay.pending ? "Replaying…" : "Replay"}
      </Button>
      {replay.error ? (
        <span role="alert" className="text-xs text-destructive">
          {replay.error.message}
        </span>
      ) : null}
    </span>
  );
}
