"use client";

import { useRouter } from "next/navigation";
import { useId } from "react";
import { useFormAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { Action } from "@/lib/actions/define-action";
import { useUiStore } from "@/lib/stores/ui-store";

/**
 * An operator's action on one record: its id fields, a reason when the action needs one
 * (shown to whoever it concerns), and a button; the page is read again once it is done.
 */
export function OperatorActionForm({
  action,
  fields,
  label,
  pendingLabel,
  reason,
  variant = "outline",
}: {
  action: Action<never, unknown>;
  fields: Record<string, string>;
  label: string;
  pendingLabel: string;
  /** The reason field's label, when the action asks why. */
  reason?: string;
  variant?: "outline" | "destructive" | "default";
}) {
  const router = useRouter();
  const id = useId();
  const toast = useUiStore((s) => s.toast);
  const form = useFormAction(action, {
    onSuccess: (data, element) => {
      // Unlisting also suspends the on-chain listing: say so, or why it could not.
      const onChain = (data as { onChain?: string; onChainError?: string } | undefined) ?? {};
      if (onChain.onChain === "failed")
        toast({
          title: "Not changed on-chain",
          description: `${onChain.onChainError} Ask again to retry.`,
          tone: "error",
        });
      else if (onChain.onChain === "suspended" || onChain.onChain === "lifted")
        toast({ title: onChain.onChain === "suspended" ? "Listing suspended on-chain" : "On-chain suspension lifted" });
      element.reset();
      router.refresh();
    },
  });
  return (
    <form {...form.form} className="flex flex-wrap items-end gap-2">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {reason ? (
        <div className="min-w-56 flex-1">
          <Field id={`${id}-reason`} label={reason} error={form.fieldError("reason")}>
            <Input name="reason" maxLength={500} required />
          </Field>
        </div>
      ) : null}
      <Button type="submit" size="sm" variant={variant} disabled={form.pending}>
        {form.pending ? pendingLabel : label}
      </Button>
      <FormError message={form.formError(["reason"])} />
    </form>
  );
}

/** The platform fee, set through the contract owner's function; shows the transaction once confirmed. */
export function PlatformFeeForm({
  action,
  feeBps,
  maxFeeBps,
}: {
  action: Action<never, { from: number; to: number; txHash: string }>;
  feeBps: number;
  maxFeeBps: number;
}) {
  const router = useRouter();
  const form = useFormAction(action, { onSuccess: () => router.refresh() });
  return (
    <form {...form.form} className="flex flex-wrap items-end gap-2">
      <div className="w-48">
        <Field
          id="platform-fee"
          label="New fee (basis points)"
          hint={`0 to ${maxFeeBps}; 100 = 1 %`}
          error={form.fieldError("feeBps")}
        >
          <Input name="feeBps" type="number" min={0} max={maxFeeBps} defaultValue={feeBps} required />
        </Field>
      </div>
      <Button type="submit" size="sm" disabled={form.pending}>
        {form.pending ? "Sending…" : "Set fee"}
      </Button>
      <FormError message={form.formError(["feeBps"])} />
      {form.data ? (
        <p role="status" className="w-full text-sm text-muted-foreground">
          Fee changed from {form.data.from} to {form.data.to} basis points in <code>{form.data.txHash}</code>.
        </p>
      ) : null}
    </form>
  );
}
