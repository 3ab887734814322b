import { CopyButton } from "@/components/docs/copy-button";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import type { ExampleRequests } from "@/lib/agents/example-request";

/** The request that runs the agent, as curl, JavaScript and Python, each with a copy button. */
export function ExampleRequestTabs({ examples }: { examples: ExampleRequests }) {
  const languages = [
    { id: "curl", label: "curl", code: examples.curl },
    { id: "javascript", label: "JavaScript", code: examples.javascript },
    { id: "python", label: "Python", code: examples.python },
  ];
  return (
    <Tabs defaultValue="curl" className="space-y-2">
      <TabsList aria-label="Example request language">
        {languages.map((l) => (
          <TabsTrigger key={l.id} value={l.id}>
            {l.label}
          </TabsTrigger>
        ))}
      </TabsList>
      {languages.map((l) => (
        <TabsContent key={l.id} value={l.id} className="relative">
          <pre
            className="overflow-x-auto rounded-md bg-muted p-3 pr-20 text-xs leading-relaxed"
            data-testid={`example-${l.id}`}
          >
            {l.code}
          </pre>
          <CopyButton text={l.code} className="absolute right-2 top-2" />
        </TabsContent>
      ))}
    </Tabs>
  );
}
