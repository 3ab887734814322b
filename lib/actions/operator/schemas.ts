import { z } from "zod";

/** Why an operator acted: shown to whoever it concerns (the creator, the account). */
export const operatorReason = z
  .string()
  .trim()
  .min(3, "Say why, in a few words: it is shown to whoever this concerns.")
  .max(500, "At most 500 characters.");
