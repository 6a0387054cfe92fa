/** Terminal styling: colour only on a TTY, never with `NO_COLOR`. */

/** Whether output to `stream` may use colour. */
export function colourEnabled(stream: { isTerminal(): boolean }): boolean {
  const noColor = Deno.env.get("NO_COLOR");
  return stream.isTerminal() && (noColor === undefined || noColor === "");
}

/** ANSI styles that collapse to plain text when colour is off. */
export function styles(enabled: boolean) {
  const wrap = (open: number, close: number) => (text: string) =>
    enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}
