/**
 * Redaction a split cannot defeat: text that arrived in pieces (the deltas of one content block,
 * the lines of one stream) is redacted as a whole, and the redaction is written back into the
 * pieces.
 *
 * @module
 */
import {
  jsonStringSpans,
  type RedactionRule,
  type RedactionSpan,
  redactionSpans,
} from "./redact.ts";

/** How the pieces of {@linkcode redactPieces} make up the whole. */
export interface PieceOptions {
  /**
   * Text between two pieces that belongs to neither, such as the newline between two lines
   * (default none). It is part of the whole the rules see, and is never removed.
   */
  separator?: string;
  /**
   * The whole is JSON text (the `partial_json` of a tool call): the rules first apply to the
   * decoded value of each string literal, as `redactLine` does, so an escape sequence is never
   * cut; then to the text itself, which catches a secret in a literal the stream left open.
   */
  json?: boolean;
}

/**
 * Redacts `pieces` as the one text they make, rule by rule as `redactText` does, and returns the
 * pieces with the redaction written back: each piece keeps its own characters outside the
 * matches; a match's replacement goes to the piece where the match starts, and its characters
 * are dropped from every piece they were in. So the pieces joined (with the separator) are the
 * whole redacted, and a secret split over pieces leaves no part of itself behind.
 *
 * @example A key split over three deltas
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { redactionRules } from "./redact.ts";
 * import { redactPieces } from "./_split_redaction.ts";
 *
 * deepStrictEqual(
 *   redactPieces(["key sk-a", "nt-api03-", "abc done"], redactionRules()),
 *   ["key [REDACTED_API_KEY]", "", " done"],
 * );
 * ```
 */
export function redactPieces(
  pieces: readonly string[],
  rules: readonly RedactionRule[],
  options: PieceOptions = {},
): string[] {
  const separator = options.separator ?? "";
  let current = [...pieces];
  const apply = (spans: readonly RedactionSpan[]) => {
    if (spans.length > 0) current = rewrite(current, separator, spans);
  };
  if (options.json) apply(jsonStringSpans(current.join(separator), rules));
  for (const rule of rules) apply(redactionSpans(current.join(separator), rule));
  return current;
}

/**
 * The pieces with `spans` (over the pieces joined by `separator`; in order, not overlapping)
 * applied. A span's replacement goes to the first piece that ends after the span's start: the
 * piece the span starts in, or the one after the separator it starts in (the last piece when
 * none is left).
 */
function rewrite(
  pieces: readonly string[],
  separator: string,
  spans: readonly RedactionSpan[],
): string[] {
  const ends: number[] = [];
  let offset = 0;
  for (const piece of pieces) {
    ends.push(offset + piece.length);
    offset += piece.length + separator.length;
  }
  let owner = 0;
  const owners = spans.map((span) => {
    while (owner < pieces.length - 1 && ends[owner]! <= span.start) owner++;
    return owner;
  });

  let next = 0; // the first span not wholly before the current piece
  return pieces.map((piece, index) => {
    const end = ends[index]!;
    const start = end - piece.length;
    while (next < spans.length && spans[next]!.end <= start && owners[next]! < index) next++;
    const parts: string[] = [];
    let kept = start; // the piece's characters before `kept` are written out or dropped
    for (let i = next; i < spans.length && (spans[i]!.start < end || owners[i] === index); i++) {
      const span = spans[i]!;
      const from = Math.max(span.start, start);
      if (from > kept) parts.push(piece.slice(kept - start, from - start));
      if (owners[i] === index) parts.push(span.replacement);
      kept = Math.max(kept, Math.min(span.end, end));
    }
    parts.push(piece.slice(kept - start));
    return parts.join("");
  });
}
