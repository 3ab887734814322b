"use client";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import type { useDashboardParams } from "./dashboard-params";

const PRESETS = [
  { value: "24h", label: "24 h" },
  { value: "7d", label: "7 d" },
  { value: "30d", label: "30 d" },
  { value: "90d", label: "90 d" },
];

/** Range presets, custom dates, the time zone and comparison, all written to the URL. */
export function RangePicker({ state }: { state: ReturnType<typeof useDashboardParams> }) {
  const range = state.dataParams.range;
  return (
    <div className="flex flex-wrap items-end gap-3" role="group" aria-label="Time range">
      <div className="flex rounded-md border p-0.5">
        {[...PRESETS, { value: "custom", label: "Custom" }].map((p) => (
          <Button
            key={p.value}
            size="sm"
            variant={range === p.value ? "default" : "ghost"}
            aria-pressed={range === p.value}
            onClick={() =>
              state.set(
                p.value === "custom"
                  ? { range: "custom", from: state.get("from") ?? today(-6), to: state.get("to") ?? today(0) }
                  : { range: p.value, from: undefined, to: undefined },
              )
            }
          >
            {p.label}
          </Button>
        ))}
      </div>
      {range === "custom" ? (
        <>
          <label className="text-sm">
            <span className="block text-muted-foreground">From</span>
            <Input
              type="date"
              value={state.get("from") ?? ""}
              onChange={(e) => state.set({ from: e.target.value })}
              className="h-8"
            />
          </label>
          <label className="text-sm">
            <span className="block text-muted-foreground">To</span>
            <Input
              type="date"
              value={state.get("to") ?? ""}
              onChange={(e) => state.set({ to: e.target.value })}
              className="h-8"
            />
          </label>
        </>
      ) : null}
      <label className="text-sm">
        <span className="block text-muted-foreground">Time zone</span>
        <Input
          list="time-zones"
          defaultValue={state.dataParams.tz}
          key={state.dataParams.tz}
          className="h-8 w-48"
          onBlur={(e) => {
            if (e.target.value !== state.dataParams.tz) state.set({ tz: e.target.value });
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter") state.set({ tz: e.currentTarget.value });
          }}
        />
        <datalist id="time-zones">
          {Intl.supportedValuesOf("timeZone").map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
      </label>
      <label className="flex h-8 items-center gap-2 text-sm max-md:h-11">
        <input
          type="checkbox"
          checked={state.compare}
          onChange={(e) => state.set({ compare: e.target.checked ? undefined : "0" })}
        />
        Compare with the previous period
      </label>
    </div>
  );
}

/** The viewer's calendar date `offset` days from today, as YYYY-MM-DD. */
function today(offset: number): string {
  const date = new Date();
  date.setDate(date.getDate() + offset);
  return new Intl.DateTimeFormat("en-CA").format(date);
}
