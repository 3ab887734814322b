import type { Db } from "@/db/client";
import { env } from "@/lib/env";
import type { RunAgentDeps } from "./run-agent";
import { getSandboxPool } from "./sandbox";
import { createAddressPolicy } from "./tools/address-policy";

const policy = createAddressPolicy(env.HTTP_FETCH_ALLOW);

/** What runAgent needs in the app: the shared sandbox pool and the SSRF policy from env. */
export function runtimeDeps(db: Db): RunAgentDeps {
  return { db, sandbox: getSandboxPool(env.SANDBOX_WORKERS), policy };
}
