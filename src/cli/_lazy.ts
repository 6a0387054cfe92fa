/**
 * Importing a module only when it is needed. Deno reads and parses the whole graph of every
 * `import("./literal.ts")` when the program starts, so the command table and `claw run` use a
 * computed specifier instead: `claw --version` then loads four modules, and `claw run` starts
 * `claude` before the decoder's graph is even read. (`deno task compile` includes `src/cli/`
 * for these.)
 */

/** Imports `specifier`, relative to `base` (pass `import.meta.url`), at the time of the call. */
export function importLazily<T>(specifier: string, base: string): Promise<T> {
  return import(new URL(specifier, base).href);
}
