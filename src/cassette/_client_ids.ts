/**
 * Matching a run's stdin against a recording when the client makes up values per run.
 *
 * Clients of the stream-json protocol draw some values at random each run: the official Agent
 * SDKs give every `control_request` they send (`initialize` first) a fresh `request_id`, and may
 * give each `user` message a fresh `uuid`. A replay compares every stdin line with the recorded
 * one, so these two fields, and only these, are set aside:
 *
 * - `request_id` of a `control_request` line on stdin (host → CLI: initialize, interrupt,
 *   set_model, set_permission_mode, …);
 * - `uuid` of a `user` line on stdin (also where only one side has it: a recording made before
 *   claw gave each message a uuid still replays).
 *
 * The recorded and the live value are paired one to one for the whole run: a recorded id that
 * came back with another live id, or a live id reused for another recorded one, is a miss. Once
 * paired, the CLI's output is re-keyed: where a recorded id appears as a whole JSON string in a
 * replayed line (the `control_response` to that request, a user line echoed back), it becomes the
 * live id, or the client would wait for an answer to a request it never sent.
 *
 * Everything else must be equal. The ids in answers the client gives to the CLI's own requests
 * (`control_response` to `can_use_tool`, `hook_callback`, `mcp_message`) are the CLI's, replayed
 * from the recording, so the client echoes them back unchanged (and they place the answer among
 * lines written concurrently: see `_pending_inputs.ts`). JSON lines compare by value (key
 * order aside); a difference is named by its path (`response.response.behavior: recorded "allow",
 * this run "deny"`).
 */
import { jsonDifference } from "./_json_difference.ts";
import { parseObject } from "./_json_object.ts";

/** The fields a client makes up per run, for a stdin line of `type`. */
const CLIENT_ID_FIELDS: Readonly<Record<string, string>> = {
  control_request: "request_id",
  user: "uuid",
};

/** One run's pairing of recorded and live client ids; see the module doc. */
export class ClientIds {
  readonly #liveOf = new Map<string, string>();
  readonly #recordedOf = new Map<string, string>();
  /** The pairs whose ids differ, as quoted JSON strings, for re-keying output. */
  readonly #renames: [string, string][] = [];

  /**
   * Compares a recorded stdin line with the live one (both redacted): `undefined` when they match
   * (pairing their client ids), else where they differ.
   */
  match(recorded: string, live: string): string | undefined {
    if (recorded === live) return undefined;
    const a = parseObject(recorded);
    const b = parseObject(live);
    if (!a || !b) return textDifference(recorded, live);
    const field = a.type === b.type ? CLIENT_ID_FIELDS[String(a.type)] : undefined;
    const x = field === undefined ? undefined : a[field];
    const y = field === undefined ? undefined : b[field];
    const paired = typeof x === "string" && typeof y === "string";
    if (paired) {
      const known = this.#liveOf.get(x);
      if (known !== undefined && known !== y) {
        return `${field}: the recorded "${x}" was "${known}" earlier in this run, now "${y}"`;
      }
      const knownRecorded = this.#recordedOf.get(y);
      if (knownRecorded !== undefined && knownRecorded !== x) {
        return `${field}: this run's "${y}" stood for the recorded "${knownRecorded}", here for "${x}"`;
      }
    }
    // An id only one side has (a client that started sending them since) is set aside too.
    const difference = field !== undefined
      ? jsonDifference({ ...a, [field]: null }, { ...b, [field]: null })
      : jsonDifference(a, b);
    if (difference !== undefined) return difference;
    if (paired && x !== y && !this.#liveOf.has(x)) {
      this.#liveOf.set(x, y);
      this.#recordedOf.set(y, x);
      this.#renames.push([JSON.stringify(x), JSON.stringify(y)]);
    }
    return undefined;
  }

  /** The live id paired with the recorded `id` (itself when it came back unchanged). */
  live(id: string): string {
    return this.#liveOf.get(id) ?? id;
  }

  /** A replayed output line with every paired recorded id (as a whole JSON string) made live. */
  rekey(line: string): string {
    for (const [recorded, live] of this.#renames) {
      if (line.includes(recorded)) line = line.replaceAll(recorded, live);
    }
    return line;
  }
}

function textDifference(recorded: string, live: string): string {
  if (recorded.length <= 120 && live.length <= 120) {
    return `recorded ${JSON.stringify(recorded)}, this run ${JSON.stringify(live)}`;
  }
  let at = 0;
  while (at < recorded.length && recorded[at] === live[at]) at++;
  const around = (text: string) => JSON.stringify(text.slice(Math.max(0, at - 20), at + 60));
  return `character ${at + 1}: recorded ${around(recorded)}, this run ${around(live)}`;
}
