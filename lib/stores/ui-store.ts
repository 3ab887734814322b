import { create } from "zustand";

type Toast = { id: number; title: string; description?: string; tone?: "default" | "error" };

/** UI state only (menus, toasts); server data lives in TanStack Query or RSC props. */
type UiState = {
  mobileNavOpen: boolean;
  setMobileNavOpen: (open: boolean) => void;
  toasts: Toast[];
  toast: (toast: Omit<Toast, "id">) => void;
  dismissToast: (id: number) => void;
};

let nextToastId = 1;

export const useUiStore = create<UiState>((set) => ({
  mobileNavOpen: false,
  setMobileNavOpen: (open) => set({ mobileNavOpen: open }),
  toasts: [],
  toast: (toast) => set((s) => ({ toasts: [...s.toasts.slice(-4), { ...toast, id: nextToastId++ }] })),
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
}));
