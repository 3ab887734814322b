import { expect, test } from "vitest";
import { diffLines, specToLines } from "./diff";

test("diffLines marks removed and added lines around the common ones", () => {
  expect(diffLines("a\nb\nc", "a\nc\nd")).toEqual([
    { kind: "same", text: "a" },
    { kind: "removed", text: "b" },
    { kind: "same", text: "c" },
    { kind: "added", text: "d" },
  ]);
  expect(diffLines("same", "same")).toEqual([{ kind: "same", text: "same" }]);
});

test("specToLines puts code on its own lines so code changes diff line by line", () => {
  const before = specToLines({ tools: [], code: "line1\nline2" });
  const after = specToLines({ tools: [], code: "line1\nline2 changed" });
  const changed = diffLines(before, after).filter((l) => l.kind !== "same");
  expect(changed).toEqual([
    { kind: "removed", text: "line2" },
    { kind: "added", text: "line2 changed" },
  ]);
});
