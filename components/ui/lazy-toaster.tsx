"use client";

import dynamic from "next/dynamic";
import { useState } from "react";
import { useUiStore } from "@/lib/stores/ui-store";

const Toaster = dynamic(() => import("./toast").then((m) => m.Toaster), { ssr: false });

/**
 * The toasts, loaded with the first one: a page nobody is told anything on downloads no
 * toast code. Once shown it stays mounted, so later toasts appear without a wait.
 */
export function LazyToaster() {
  const hasToast = useUiStore((s) => s.toasts.length > 0);
  const [needed, setNeeded] = useState(false);
  if (hasToast && !needed) setNeeded(true);
  return needed ? <Toaster /> : null;
}
