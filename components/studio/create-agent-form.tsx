"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { useAction } from "@/components/forms/use-action";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { createAgentAction } from "@/lib/actions/agents/create-agent";
import { agentCategories, parseTagList } from "@/lib/agents/spec";
import { useUiStore } from "@/lib/stores/ui-store";

export function CreateAgentDialog() {
  const [open, setOpen] = useState(false);
  const router = useRouter();
  const toast = useUiStore((s) => s.toast);
  const formRef = useRef<HTMLFormElement>(null);
  const create = useAction(createAgentAction, {
    onSuccess: (agent) => {
      setOpen(false);
      formRef.current?.reset();
      toast({ title: "Draft created", description: agent.name });
      router.refresh();
    },
  });

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.run({
      name: String(form.get("name") ?? ""),
      description: String(form.get("description") ?? ""),
      category: String(form.get("category") ?? "") as (typeof agentCategories)[number],
      tags: parseTagList(String(form.get("tags") ?? "")),
    });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) create.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button>New agent</Button>
      </DialogTrigger>
      <DialogContent
        title="New agent"
        description="Start a draft. You can edit everything until you publish a version."
      >
        <form ref={formRef} method="post" onSubmit={onSubmit} className="space-y-4" noValidate>
          <Field id="agent-name" label="Name" error={create.fieldError("name")}>
            <Input name="name" required maxLength={80} />
          </Field>
          <Field id="agent-description" label="Description" error={create.fieldError("description")}>
            <Textarea name="description" maxLength={2000} />
          </Field>
          <Field id="agent-category" label="Category" error={create.fieldError("category")}>
            <Select name="category" defaultValue="">
              <option value="" disabled>
                Choose…
              </option>
              {agentCategories.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </Select>
          </Field>
          <Field
            id="agent-tags"
            label="Tags"
            error={create.fieldError("tags")}
            hint="Comma or space separated, e.g. csv, reports"
          >
            <Input name="tags" />
          </Field>
          <FormError message={create.formError(["name", "description", "category", "tags"])} />
          <Button type="submit" disabled={create.pending} className="w-full">
            {create.pending ? "Creating…" : "Create draft"}
          </Button>
        </form>
      </DialogContent>
    </Dialog>
  );
}
