// Values quoted in messages.

/** `value` as JSON writes it (a string in quotes), cut at 60 characters. */
export function _show(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 59)}…` : json;
}
