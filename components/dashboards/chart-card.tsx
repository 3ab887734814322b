"use client";

import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { toCsv } from "@/lib/csv";

export type Column<R> = { key: string; label: string; value: (row: R) => string | number | null };

/**
 * A chart with the same numbers as an accessible table (toggled, the choice kept in the
 * URL) and as a CSV download. `rows` and `columns` are the table and the CSV, exactly.
 */
export function ChartCard<R>({
  id,
  title,
  description,
  rows,
  columns,
  showTable,
  onToggleTable,
  empty,
  children,
}: {
  id: string;
  title: string;
  description?: string;
  rows: R[];
  columns: Column<R>[];
  showTable: boolean;
  onToggleTable: () => void;
  /** Shown instead of the chart when there is nothing to draw. */
  empty?: string;
  children: ReactNode;
}) {
  function download() {
    const csv = toCsv(
      columns.map((c) => c.label),
      rows.map((row) => columns.map((c) => c.value(row))),
    );
    const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = `${id}.csv`;
    link.click();
    URL.revokeObjectURL(url);
  }
  return (
    <Card data-chart={id}>
      <CardHeader className="flex flex-row items-start justify-between gap-2">
        <div className="min-w-0 flex-1 space-y-1">
          <CardTitle id={`${id}-title`}>{title}</CardTitle>
          {description ? <p className="text-sm text-muted-foreground">{description}</p> : null}
        </div>
        <div className="flex shrink-0 gap-1">
          <Button size="sm" variant="ghost" aria-pressed={showTable} onClick={onToggleTable}>
            {showTable ? "Chart" : "Table"}
          </Button>
          <Button size="sm" variant="ghost" onClick={download} aria-label={`Download ${title} as CSV`}>
            CSV
          </Button>
        </div>
      </CardHeader>
      <CardContent>
        {showTable ? (
          <div className="max-h-96 overflow-auto">
            <table className="w-full text-sm" aria-labelledby={`${id}-title`}>
              <thead className="sticky top-0 bg-card text-left text-muted-foreground">
                <tr>
                  {columns.map((c) => (
                    <th key={c.key} scope="col" className="py-1 pr-3 font-medium">
                      {c.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row, i) => (
                  <tr key={i} className="border-t">
                    {columns.map((c) => (
                      <td key={c.key} className="py-1 pr-3 tabular-nums">
                        {c.value(row) ?? "—"}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : empty ? (
          <p className="py-10 text-center text-sm text-muted-foreground">{empty}</p>
        ) : (
          <div className="h-64 w-full" role="img" aria-label={`${title} chart; use the Table button for the numbers`}>
            {children}
          </div>
        )}
      </CardContent>
    </Card>
  );
}
