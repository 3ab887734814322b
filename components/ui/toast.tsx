"use client";

import * as ToastPrimitive from "@radix-ui/react-toast";
import { useUiStore } from "@/lib/stores/ui-store";
import { cn } from "@/lib/utils";

/** Renders the toasts queued in the UI store (see `useUiStore().toast`). */
export function Toaster() {
  const toasts = useUiStore((s) => s.toasts);
  const dismiss = useUiStore((s) => s.dismissToast);
  return (
    <ToastPrimitive.Provider swipeDirection="right" duration={5000}>
      {toasts.map((t) => (
        <ToastPrimitive.Root
          key={t.id}
          onOpenChange={(open) => !open && dismiss(t.id)}
          className={cn(
            "rounded-md border bg-background p-4 shadow-lg",
            t.tone === "error" && "border-destructive/40 text-destructive",
          )}
        >
          <ToastPrimitive.Title className="text-sm font-medium">{t.title}</ToastPrimitive.Title>
          {t.description ? (
            <ToastPrimitive.Description className="mt-1 text-sm text-muted-foreground">
              {t.description}
            </ToastPrimitive.Description>
          ) : null}
        </ToastPrimitive.Root>
      ))}
      <ToastPrimitive.Viewport className="fixed bottom-4 right-4 z-[100] flex w-[360px] max-w-[calc(100vw-2rem)] flex-col gap-2" />
    </ToastPrimitive.Provider>
  );
}
