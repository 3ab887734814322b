"use client";

import { useState } from "react";
import { toChainError } from "@/lib/chain/errors";
import { WalletError } from "@/lib/wallet/thirdweb";

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
      setError(e instanceof WalletError ? e.message : toChainError(e).message);
    } finally {
      setStep("idle");
    }
  }

  return { step, busy: step !== "idle", error, run, fail: setError };
}
