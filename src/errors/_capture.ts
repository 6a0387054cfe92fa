/** Test support: the ClawError a promise rejects with (anything else fails the test). */
import { ClawError } from "./claw_error.ts";

/** Awaits `promise` and returns the {@linkcode ClawError} it rejected with; throws otherwise. */
export async function captureClawError(promise: Promise<unknown>): Promise<ClawError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ClawError) return error;
    throw new Error(`Expected a ClawError, got ${error}`, { cause: error });
  }
  throw new Error("Expected the run to fail, but it succeeded");
}
