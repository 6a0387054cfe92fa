/**
 * The doctor: proves the pipeline from claw to the model works, one check at a time (the CLI is
 * found and runs, its version is supported, a credential is there and is the one you think, the
 * base URL, proxy, settings and MCP configuration are sound, the config folder is writable, and
 * with `live` a real one-token round trip), each with a status, what it saw and what to do.
 *
 * @example The checks the doctor runs, in order
 * ```ts
 * import { ok } from "node:assert";
 * import { CHECK_IDS } from "./mod.ts";
 *
 * ok(CHECK_IDS.includes("cli_found"));
 * ```
 *
 * @module
 */
export { type Check, type CheckStatus } from "./check.ts";
export { CHECK_IDS, type DoctorOptions, type DoctorReport, runDoctor } from "./doctor.ts";
