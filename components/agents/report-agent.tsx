"use client";

import { useFormAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Select, Textarea } from "@/components/ui/input";
import { reportAgentAction } from "@/lib/actions/market/report-agent";

const REASONS = [
  ["malicious", "Malicious (steals data, attacks systems)"],
  ["misleading", "Misleading (does not do what it says)"],
  ["illegal", "Illegal content or use"],
  ["spam", "Spam"],
  ["other", "Something else"],
] as const;

/** Report an agent to the platform's operators: a reason and, if wanted, what happened. */
export function ReportAgent({ agentId }: { agentId: string }) {
  const report = useFormAction(reportAgentAction);
  if (report.data)
    return (
      <p role="status" className="text-sm">
        Thank you: the report is with the platform&apos;s operators.
      </p>
    );
  return (
    <form {...report.form} className="space-y-3 text-sm">
      <input type="hidden" name="agentId" value={agentId} />
      <Field id="report-reason" label="Reason" error={report.fieldError("reason")}>
        <Select name="reason" defaultValue="misleading">
          {REASONS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </Select>
      </Field>
      <Field id="report-details" label="What happened (optional)" error={report.fieldError("details")}>
        <Textarea name="details" maxLength={2000} rows={3} />
      </Field>
      <Button type="submit" size="sm" variant="outline" disabled={report.pending}>
        {report.pending ? "Sending…" : "Report this agent"}
      </Button>
      <FormError message={report.formError(["reason", "details"])} />
    </form>
  );
}
