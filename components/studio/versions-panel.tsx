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
import { formatPercent, formatTokenAmount, parsePercent, parseTokenAmount } from "@/lib/money";
import { PayeeSplit } from "./payee-split";
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

type PayeeRow = { address: string; percent: string };

/** The rows as the contract takes them, or the first problem (shown before anything is sent). */
function readPayees(rows: PayeeRow[]): { payees: { address: string; shareBps: number }[] } | { error: string } {
  const payees: { address: string; shareBps: number }[] = [];
  for (const [i, row] of rows.entries()) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(row.address.trim())) return { error: `Payee ${i + 1}: enter a 0x address.` };
    try {
      payees.push({ address: row.address.trim(), shareBps: parsePercent(row.percent) });
    } catch (error) {
      return { error: `Payee ${i + 1}: ${(error as Error).message}` };
    }
  }
  const total = payees.reduce((sum, p) => sum + p.shareBps, 0);
  if (payees.length && total !== 10_000) return { error: `The shares add up to ${formatPercent(total)} %, not 100 %.` };
  return { payees };
}

function readPrice(text: string): { wei: bigint } | { error: string } {
  try {
    const wei = parseTokenAmount(text);
    return wei > 0n ? { wei } : { error: "The price must be more than 0." };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

export function VersionsPanel({
  agentId,
  versions,
  defaultPayee,
  platformFeeBps,
  beforePublish,
}: {
  agentId: string;
  versions: VersionRow[];
  defaultPayee: string | null;
  /** The marketplace's fee in basis points, read from the contract; null when it cannot be read. */
  platformFeeBps: number | null;
  beforePublish: () => Promise<boolean>;
}) {
  const router = useRouter();
  const toast = useUiStore((s) => s.toast);
  const latest = versions[0];
  const [changelog, setChangelog] = useState("");
  const [price, setPrice] = useState(formatTokenAmount(latest?.priceWei ?? 10n ** 15n));
  const [rows, setRows] = useState<PayeeRow[]>(
    latest?.payees.length
      ? latest.payees.map((p) => ({ address: p.address, percent: formatPercent(p.shareBps) }))
      : defaultPayee
        ? [{ address: defaultPayee, percent: "100" }]
        : [],
  );
  const parsedPrice = readPrice(price);
  const parsedPayees = readPayees(rows);
  const totalBps = rows.reduce((sum, row) => {
    try {
      return sum + parsePercent(row.percent);
    } catch {
      return sum;
    }
  }, 0);
  const setRow = (i: number, patch: Partial<PayeeRow>) =>
    setRows((current) => current.map((row, j) => (j === i ? { ...row, ...patch } : row)));
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
    if ("error" in parsedPrice || "error" in parsedPayees) {
      setSaveError("error" in parsedPrice ? parsedPrice.error : (parsedPayees as { error: string }).error);
      return;
    }
    publish.run({ agentId, changelog, priceWei: parsedPrice.wei.toString(), payees: parsedPayees.payees });
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
          <form method="post" onSubmit={onPublish} className="space-y-4" noValidate>
            <Field id="v-changelog" label="What changed" error={publish.fieldError("changelog")}>
              <Input value={changelog} onChange={(e) => setChangelog(e.target.value)} maxLength={500} />
            </Field>
            <Field
              id="v-price"
              label="Price per run (ETH)"
              error={publish.fieldError("priceWei") ?? ("error" in parsedPrice ? parsedPrice.error : undefined)}
              hint={"wei" in parsedPrice ? `= ${parsedPrice.wei} wei, converted exactly` : undefined}
            >
              <Input value={price} inputMode="decimal" onChange={(e) => setPrice(e.target.value)} />
            </Field>
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium">Payees</legend>
              <p className="text-xs text-muted-foreground">
                Who is paid for each run, after the platform fee; shares must reach 100 %. Leave none to publish without
                on-chain payees for now.
              </p>
              {rows.map((row, i) => (
                <div key={i} className="flex flex-wrap items-center gap-2">
                  <Input
                    aria-label={`Payee ${i + 1} address`}
                    className="min-w-0 flex-1 font-mono text-xs"
                    placeholder="0x…"
                    value={row.address}
                    onChange={(e) => setRow(i, { address: e.target.value })}
                  />
                  <Input
                    aria-label={`Payee ${i + 1} share (%)`}
                    className="w-24"
                    inputMode="decimal"
                    value={row.percent}
                    onChange={(e) => setRow(i, { percent: e.target.value })}
                  />
                  <span className="text-sm text-muted-foreground">%</span>
                  <Button
                    type="button"
                    variant="ghost"
                    aria-label={`Remove payee ${i + 1}`}
                    onClick={() => setRows((current) => current.filter((_, j) => j !== i))}
                  >
                    Remove
                  </Button>
                </div>
              ))}
              <div className="flex items-center gap-3">
                <Button
                  type="button"
                  variant="outline"
                  disabled={rows.length >= 10}
                  onClick={() => setRows((current) => [...current, { address: "", percent: "" }])}
                >
                  Add payee
                </Button>
                {rows.length ? (
                  <span
                    data-testid="payee-total"
                    className={totalBps === 10_000 ? "text-sm text-muted-foreground" : "text-sm text-destructive"}
                  >
                    Total {formatPercent(totalBps)} %{totalBps === 10_000 ? "" : " (must reach 100 %)"}
                  </span>
                ) : null}
              </div>
              {publish.fieldError("payees") ? (
                <p className="text-sm text-destructive">{publish.fieldError("payees")}</p>
              ) : null}
            </fieldset>
            {"wei" in parsedPrice && "payees" in parsedPayees && parsedPayees.payees.length ? (
              <PayeeSplit priceWei={parsedPrice.wei} payees={parsedPayees.payees} feeBps={platformFeeBps} />
            ) : null}
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
