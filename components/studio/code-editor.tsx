"use client";

import dynamic from "next/dynamic";
import { useNearScreen } from "@/components/ui/use-near-screen";

/** The code, as text, until the editor is on screen (and while its chunk loads). */
function Placeholder({ value, minHeight }: { value: string; minHeight: string }) {
  return (
    <pre className="overflow-hidden whitespace-pre-wrap break-words p-2 pl-9 font-mono text-sm" style={{ minHeight }}>
      {value}
    </pre>
  );
}

const CodeMirrorEditor = dynamic(() => import("./code-mirror").then((m) => m.CodeMirrorEditor), { ssr: false });

/**
 * A code editor with JavaScript or JSON highlighting. CodeMirror (most of the studio's
 * script) loads and starts when the editor comes near the screen, so opening the studio
 * does not wait for editors further down the page. 16 px text on phones (no zoom on focus).
 */
export function CodeEditor({
  value,
  onChange,
  language,
  label,
  minHeight = "160px",
  invalid = false,
}: {
  value: string;
  onChange: (value: string) => void;
  language: "javascript" | "json";
  label: string;
  minHeight?: string;
  invalid?: boolean;
}) {
  const { ref, near } = useNearScreen<HTMLDivElement>("300px");
  return (
    <div
      ref={ref}
      className={`overflow-hidden rounded-md border text-sm max-md:text-base ${invalid ? "border-destructive" : "border-input"}`}
      data-testid={`editor-${label}`}
    >
      {near ? (
        <CodeMirrorEditor value={value} onChange={onChange} language={language} label={label} minHeight={minHeight} />
      ) : (
        <Placeholder value={value} minHeight={minHeight} />
      )}
    </div>
  );
}
