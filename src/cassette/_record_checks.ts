/**
 * What the cassette reader checks in the records after the header, so that a hand-edited cassette
 * is refused when it is read, naming the line, rather than hanging or crashing a replay: each
 * record is one known kind with fields of the right type and a finite time, a signal is one a
 * host can send, and the records come in an order a run can have (no stdin after its end, a
 * single end of stdin, the exit last and present). Each check returns what is wrong in words,
 * for the reader's `CassetteFormatError`, or `undefined`.
 */

/** The record kinds of format 1: each record has exactly one of these fields. */
const KINDS = ["stdout", "stdout_raw", "stderr", "stdin", "stdin_eof", "kill", "exit"] as const;

/** A record's kind. */
export type RecordKind = typeof KINDS[number];

/** Every signal a host can send a process or die of (`Deno.Signal`): the compiler keeps it whole. */
const SIGNALS: Readonly<Record<Deno.Signal, true>> = {
  SIGABRT: true,
  SIGALRM: true,
  SIGBREAK: true,
  SIGBUS: true,
  SIGCHLD: true,
  SIGCONT: true,
  SIGEMT: true,
  SIGFPE: true,
  SIGHUP: true,
  SIGILL: true,
  SIGINFO: true,
  SIGINT: true,
  SIGIO: true,
  SIGPOLL: true,
  SIGUNUSED: true,
  SIGKILL: true,
  SIGPIPE: true,
  SIGPROF: true,
  SIGPWR: true,
  SIGQUIT: true,
  SIGSEGV: true,
  SIGSTKFLT: true,
  SIGSTOP: true,
  SIGSYS: true,
  SIGTERM: true,
  SIGTRAP: true,
  SIGTSTP: true,
  SIGTTIN: true,
  SIGTTOU: true,
  SIGURG: true,
  SIGUSR1: true,
  SIGUSR2: true,
  SIGVTALRM: true,
  SIGWINCH: true,
  SIGXCPU: true,
  SIGXFSZ: true,
};

function isSignal(value: unknown): boolean {
  return typeof value === "string" && Object.hasOwn(SIGNALS, value);
}

/** A value as a message quotes it: JSON, shortened; a number JSON cannot hold as it is. */
function show(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/**
 * What is wrong with one parsed record line (after the header), as the end of "line N …", or
 * `undefined` when it is a record a replay can play.
 */
export function recordProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value) || !("t" in value)) {
    return 'is not a record with a time "t"';
  }
  const record = value as Record<string, unknown>;
  const t = record.t;
  if (typeof t !== "number" || !Number.isFinite(t) || t < 0) {
    return `has the time "t" ${show(t)}: it must be a finite number of milliseconds, 0 or more`;
  }
  const kinds = KINDS.filter((kind) => kind in record);
  if (kinds.length !== 1) {
    const known = KINDS.map((kind) => `"${kind}"`).join(", ");
    return kinds.length === 0
      ? `has no record kind: a record has one of ${known}`
      : `has ${kinds.map((kind) => `"${kind}"`).join(" and ")}: a record has only one of them`;
  }
  const kind = kinds[0]!;
  const field = record[kind];
  if (
    "eol" in record && (record.eol !== false || !["stdout_raw", "stderr", "stdin"].includes(kind))
  ) {
    return `has "eol" ${
      show(record.eol)
    }: only a "stdout_raw", "stderr" or "stdin" line has it, and only as false (no newline after it)`;
  }
  switch (kind) {
    case "stdout":
      if (typeof field !== "object" || field === null || Array.isArray(field)) {
        return `has a "stdout" that is not a JSON object (${
          show(field)
        }): other output is kept as text in "stdout_raw"`;
      }
      return undefined;
    case "stdout_raw":
    case "stderr":
    case "stdin":
      return typeof field === "string"
        ? undefined
        : `has a "${kind}" that is not a string (${show(field)}): it holds the line's text`;
    case "stdin_eof":
      return field === true ? undefined : `has "stdin_eof" ${show(field)}: it is only ever true`;
    case "kill":
      return isSignal(field)
        ? undefined
        : `is a "kill" of ${
          show(field)
        }, not a signal name such as "SIGTERM": a replay would wait for a signal no host can send`;
    case "exit": {
      const exit = field as { code?: unknown; signal?: unknown } | null;
      const fine = typeof exit === "object" && exit !== null && Number.isInteger(exit.code) &&
        (exit.signal === null || isSignal(exit.signal));
      return fine
        ? undefined
        : `has the "exit" ${
          show(field)
        }: it needs a whole number "code" and a "signal" that is null or a signal name such as "SIGTERM"`;
    }
  }
}

/** The kind of a record that passed {@linkcode recordProblem}. */
export function recordKind(record: object): RecordKind {
  return KINDS.find((kind) => kind in record)!;
}

/** The order of a cassette's records, checked one line at a time as the reader takes them. */
export class RecordOrder {
  #stdinEnded: number | undefined;
  #exited: number | undefined;
  #last: number | undefined;

  /** Takes the record of `kind` on line `lineNumber`: what is wrong with its place, if anything. */
  add(kind: RecordKind, lineNumber: number): string | undefined {
    if (this.#exited !== undefined) {
      return `comes after the "exit" record (line ${this.#exited}), which must be the last`;
    }
    if (kind === "stdin" && this.#stdinEnded !== undefined) {
      return `is a "stdin" line after the end of stdin (line ${this.#stdinEnded}): a replay would wait for it forever`;
    }
    if (kind === "stdin_eof" && this.#stdinEnded !== undefined) {
      return `ends stdin again (it ended on line ${this.#stdinEnded}): a replay would wait for it forever`;
    }
    if (kind === "stdin_eof") this.#stdinEnded = lineNumber;
    if (kind === "exit") this.#exited = lineNumber;
    this.#last = lineNumber;
    return undefined;
  }

  /**
   * Once every record was taken: what is wrong with the end, if anything, and the line to blame
   * (the last record's).
   */
  end(): { problem: string; lineNumber: number | undefined } | undefined {
    if (this.#exited !== undefined) return undefined;
    return {
      problem: this.#last === undefined
        ? 'has no records: a run ends with its "exit" record'
        : `ends at line ${this.#last} without the "exit" record: the run's end is missing`,
      lineNumber: this.#last,
    };
  }
}
