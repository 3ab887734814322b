"use client";

import { javascript } from "@codemirror/lang-javascript";
import { json } from "@codemirror/lang-json";
import CodeMirror, { EditorView } from "@uiw/react-codemirror";
import { useMemo } from "react";

/** CodeMirror with JavaScript or JSON highlighting: the heavy half of CodeEditor, in its own chunk. */
export function CodeMirrorEditor({
  value,
  onChange,
  language,
  label,
  minHeight,
}: {
  value: string;
  onChange: (value: string) => void;
  language: "javascript" | "json";
  label: string;
  minHeight: string;
}) {
  const extensions = useMemo(() => {
    // On a phone, long lines wrap instead of scrolling sideways under the thumb.
    const narrow = typeof window !== "undefined" && window.matchMedia("(max-width: 767px)").matches;
    return [language === "json" ? json() : javascript(), ...(narrow ? [EditorView.lineWrapping] : [])];
  }, [language]);
  return (
    <CodeMirror
      value={value}
      onChange={onChange}
      extensions={extensions}
      minHeight={minHeight}
      maxHeight="480px"
      aria-label={label}
      basicSetup={{ lineNumbers: true, foldGutter: false, highlightActiveLine: false }}
    />
  );
}
