"use client";

import { javascript } from "@codemirror/lang-javascript";
import { json } from "@codemirror/lang-json";
import CodeMirror from "@uiw/react-codemirror";
import { useMemo } from "react";

/** A CodeMirror editor with JavaScript or JSON highlighting. */
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
  const extensions = useMemo(() => [language === "json" ? json() : javascript()], [language]);
  return (
    <div
      className={`overflow-hidden rounded-md border text-sm ${invalid ? "border-destructive" : "border-input"}`}
      data-testid={`editor-${label}`}
    >
      <CodeMirror
        value={value}
        onChange={onChange}
        extensions={extensions}
        minHeight={minHeight}
        maxHeight="480px"
        aria-label={label}
        basicSetup={{ lineNumbers: true, foldGutter: false, highlightActiveLine: false }}
      />
    </div>
  );
}
