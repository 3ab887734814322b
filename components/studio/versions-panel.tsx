"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { useAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { publishVersionAction } from "@/lib/actions/agents/publish-version";
import { diffLines, specToLines } from "@/lib/diff";
import { formatDate, formatWei } from "@/lib/format";
import { useUiStore } from "@/lib/stores/ui-store";

export type VersionRow = {
  id: string;
  version: number;
  changelog: string;
  priceWei: string;
  payees: { address: string; shareBps: number }[];
  spec: unknown;
  createdAt: string;
};

function parsePayees(text: string): { address: string; shareBps: number }[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [address = "", share = ""] = line.split(/[\s,=]+/);
      return { address, shareBps: Number(share) };
    });
}

export function VersionsPanel({
  agentId,
  versions,
  defaultPayee,
  beforePublish,
}: {
  agentId: string;
  versions: VersionRow[];
  defaultPayee: string | null;
  beforePublish: () => Promise<boolean>;
}) {
  const router = useRouter();
  const toast = useUiStore((s) => s.toast);
  const latest = versions[0];
  const [changelog, setChangelog] = useState("");
  const [priceWei, setPriceWei] = useState(latest?.priceWei ?? "1000000000000000");
  const [payees, setPayees] = useState(
    latest?.payees.length
      ? latest.payees.map((p) => `${p.address} ${p.shareBps}`).join("\n")
      : defaultPayee
        ? `${defaultPayee} 10000`
        : "",
  );
  const [saveError, setSaveError] = useState<string>();
  const publish = useAction(publishVersionAction, {
    onSuccess: (v) => {
      toast({ title: `Published version ${v.version}` });
      setChangelog("");
      router.refresh();
    },
  });
  // Until the creator picks, compare the two newest versions.
  const [pickedLeft, setLeft] = useState("");
  const [pickedRight, setRight] = useState("");
  const left = pickedLeft || versions[1]?.id || "";
  const right = pickedRight || versions[0]?.id || "";
  const diff = useMemo(() => {
    const a = versions.find((v) => v.id === left);
    const b = versions.find((v) => v.id === right);
    return a && b ? diffLines(specToLines(a.spec), specToLines(b.spec)) : null;
  }, [left, right, versions]);

  async function onPublish(event: React.FormEvent) {
    event.preventDefault();
    setSaveError(undefined);
    if (!(await beforePublish())) {
      setSaveError("The draft has errors; fix them in Build before publishing.");
      return;
    }
    publish.run({ agentId, changelog, priceWei, payees: parsePayees(payees) });
  }

  return (
    <div className="space-y-4">
      <Card>
        <CardHeader>
          <CardTitle>Publish a new version</CardTitle>
          <p className="text-sm text-muted-foreground">
            Freezes the saved draft as version {(latest?.version ?? 0) + 1}. Published versions never change.
          </p>
        </CardHeader>
        <CardContent>
          <form onSubmit={onPublish} className="space-y-4" noValidate>
            <Field id="v-changelog" label="What changed" error={publish.fieldError("changelog")}>
              <Input value={changelog} onChange={(e) => setChangelog(e.target.value)} maxLength={500} />
            </Field>
            <Field
              id="v-price"
              label="Price per run (wei)"
              error={publish.fieldError("priceWei")}
              hint={/^\d+$/.test(priceWei) ? `= ${formatWei(priceWei)}` : undefined}
            >
              <Input value={priceWei} inputMode="numeric" onChange={(e) => setPriceWei(e.target.value)} />
            </Field>
            <Field
              id="v-payees"
              label="Payees (one per line: address share-in-basis-points)"
              error={publish.fieldError("payees")}
              hint="Shares add up to 10000. Leave empty to publish without on-chain payees for now."
            >
              <textarea
                className="flex min-h-20 w-full rounded-md border border-input bg-background px-3 py-2 font-mono text-xs"
                value={payees}
                onChange={(e) => setPayees(e.target.value)}
              />
            </Field>
            <FormError message={saveError ?? publish.formError(["changelog", "priceWei", "payees"])} />
            <Button type="submit" disabled={publish.pending}>
              {publish.pending ? "Publishing…" : "Publish"}
            </Button>
          </form>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>History</CardTitle>
        </CardHeader>
        <CardContent>
          {versions.length === 0 ? (
            <p className="text-sm text-muted-foreground">Nothing published yet.</p>
          ) : (
            <ul className="divide-y rounded-md border text-sm" aria-label="Versions">
              {versions.map((v) => (
                <li key={v.id} className="flex flex-wrap items-center gap-3 p-3">
                  <span className="font-semibold">v{v.version}</span>
                  <span className="flex-1">{v.changelog}</span>
                  <span>{formatWei(v.priceWei)}</span>
                  <span className="text-xs text-muted-foreground">{formatDate(v.createdAt)}</span>
                </li>
              ))}
            </ul>
          )}
        </CardContent>
      </Card>
      {versions.length >= 2 ? (
        <Card>
          <CardHeader>
            <CardTitle>Compare versions</CardTitle>
          </CardHeader>
          <CardContent className="space-y-3">
            <div className="flex flex-wrap items-center gap-2 text-sm">
              <Select
                className="w-auto"
                aria-label="Compare from"
                value={left}
                onChange={(e) => setLeft(e.target.value)}
              >
                {versions.map((v) => (
                  <option key={v.id} value={v.id}>
                    v{v.version}
                  </option>
                ))}
              </Select>
              →
              <Select
                className="w-auto"
                aria-label="Compare to"
                value={right}
                onChange={(e) => setRight(e.target.value)}
              >
                {versions.map((v) => (
                  <option key={v.id} value={v.id}>
                    v{v.version}
                  </option>
                ))}
              </Select>
            </div>
            {diff ? (
              <pre className="max-h-96 overflow-auto rounded-md border text-xs" data-testid="version-diff">
                {diff.map((line, i) => (
                  <div
                    key={i}
                    className={
                      line.kind === "added"
                        ? "bg-green-50 text-green-900"
                        : line.kind === "removed"
                          ? "bg-red-50 text-red-900"
                          : ""
                    }
                  >
                    {line.kind === "added" ? "+ " : line.kind === "removed" ? "- " : "  "}
                    {line.text}
                  </div>
                ))}
              </pre>
            ) : null}
          </CardContent>
        </Card>
      ) : null}
    </div>
  );
}
