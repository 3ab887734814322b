import { Badge } from "@/components/ui/card";

const tones: Record<string, string> = {
  succeeded: "bg-green-100 text-green-800",
  failed: "bg-red-100 text-red-800",
  timed_out: "bg-amber-100 text-amber-900",
  running: "bg-blue-100 text-blue-800",
};

export function StatusBadge({ status }: { status: string }) {
  return <Badge className={tones[status]}>{status.replace("_", " ")}</Badge>;
}
