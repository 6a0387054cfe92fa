/** A stderr spinner shown on a TTY while waiting for the first output. */
const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const encoder = new TextEncoder();

/** Starts a spinner with `label` when `enabled`; the returned function stops and erases it. */
export function startSpinner(label: string, enabled: boolean): () => void {
  if (!enabled) return () => {};
  let frame = 0;
  const draw = () => {
    Deno.stderr.writeSync(encoder.encode(`\r${FRAMES[frame++ % FRAMES.length]} ${label}`));
  };
  draw();
  const timer = setInterval(draw, 80);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    Deno.stderr.writeSync(encoder.encode("\r\x1b[2K"));
  };
}
