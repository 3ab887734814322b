"use client";

import { useState } from "react";
import { WalletError } from "@/lib/wallet/errors";
import { loadWallet } from "@/lib/wallet/load";

/**
 * A wallet transaction's progress and error, shared by every panel that signs: `run`
 * starts at `first`, lets the work move through its steps, and turns whatever it throws
 * into one message for the person (a WalletError as written, anything else through
 * toChainError). `step` is "idle" when nothing runs.
 */
export function useWalletTask<Step extends string>() {
  const [step, setStep] = useState<Step | "idle">("idle");
  const [error, setError] = useState<string>();

  async function run(first: Step, work: (next: (step: Step) => void) => Promise<void>) {
    setError(undefined);
    setStep(first);
    try {
      await work(setStep);
    } catch (e) {
      // A chain error means the wallet runtime ran, so loading it here costs nothing.
      setError(e instanceof WalletError ? e.message : await describeChainError(e));
    } finally {
      setStep("idle");
    }
  }

  return { step, busy: step !== "idle", error, run, fail: setError };
}

async function describeChainError(error: unknown): Promise<string> {
  try {
    return (await loadWallet()).toChainError(error).message;
  } catch {
    return "The wallet code could not be loaded. Check your connection and try again.";
  }
}
