"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAction, useFormAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { Badge, Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { addKnowledgeAction } from "@/lib/actions/agents/add-knowledge";
import { removeKnowledgeAction } from "@/lib/actions/agents/remove-knowledge";
import { formatFromFileName, type KnowledgeFormat } from "@/lib/agents/knowledge/chunk";

export type KnowledgeDoc = { id: string; title: string; format: string; bytes: number; chunkCount: number };

export function KnowledgePanel({ agentId, documents }: { agentId: string; documents: KnowledgeDoc[] }) {
  const router = useRouter();
  const [title, setTitle] = useState("");
  const [format, setFormat] = useState<KnowledgeFormat>("markdown");
  const [content, setContent] = useState("");
  const add = useFormAction(addKnowledgeAction, {
    onSuccess: () => {
      setTitle("");
      setContent("");
      router.refresh();
    },
  });
  const remove = useAction(removeKnowledgeAction, { onSuccess: () => router.refresh() });

  async function onFile(file: File | undefined) {
    if (!file) return;
    setTitle(file.name);
    setFormat(formatFromFileName(file.name));
    setContent(await file.text());
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Knowledge</CardTitle>
        <p className="text-sm text-muted-foreground">
          Documents are split into passages and indexed for the <code>knowledge_search</code> tool.
        </p>
      </CardHeader>
      <CardContent className="space-y-4">
        {documents.length ? (
          <ul className="divide-y rounded-md border text-sm" aria-label="Knowledge documents">
            {documents.map((d) => (
              <li key={d.id} className="flex flex-wrap items-center gap-2 p-3">
                <span className="flex-1 font-medium">{d.title}</span>
                <Badge>{d.format}</Badge>
                <span className="text-xs text-muted-foreground">
                  {d.chunkCount} passages · {(d.bytes / 1024).toFixed(1)} KB
                </span>
                <Button size="sm" variant="ghost" onClick={() => remove.run({ agentId, documentId: d.id })}>
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-muted-foreground">No documents yet.</p>
        )}
        <form {...add.form} className="space-y-3">
          <input type="hidden" name="agentId" value={agentId} />
          <div className="grid gap-3 sm:grid-cols-[1fr_160px]">
            <Field id="k-title" label="Title" error={add.fieldError("title")}>
              <Input name="title" value={title} onChange={(e) => setTitle(e.target.value)} />
            </Field>
            <Field id="k-format" label="Format">
              <Select name="format" value={format} onChange={(e) => setFormat(e.target.value as KnowledgeFormat)}>
                <option value="markdown">Markdown</option>
                <option value="text">Text</option>
                <option value="csv">CSV</option>
                <option value="json">JSON</option>
              </Select>
            </Field>
          </div>
          <Field id="k-content" label="Content (paste, or choose a file below)" error={add.fieldError("content")}>
            <Textarea
              name="content"
              className="min-h-28 font-mono text-xs"
              value={content}
              onChange={(e) => setContent(e.target.value)}
            />
          </Field>
          <input
            type="file"
            accept=".md,.markdown,.txt,.csv,.json,text/*,application/json"
            aria-label="Upload a document"
            className="text-sm"
            onChange={(e) => void onFile(e.target.files?.[0])}
          />
          <FormError message={add.formError(["title", "content"]) ?? remove.error?.message} />
          <Button type="submit" variant="outline" disabled={add.pending}>
            {add.pending ? "Indexing…" : "Add document"}
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
