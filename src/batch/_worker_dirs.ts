/**
 * One config dir and one temp dir per worker: concurrent CLIs never share `.claude.json` (which
 * they corrupt) or a stored login's refresh token (which they rotate under each other).
 *
 * @module
 */
import { resolveAuth } from "../auth/resolve_auth.ts";
import { credentialsPath } from "../process/config_paths.ts";

/** Where workers live, and whose credentials they use. */
export interface IsolationOptions {
  /** The folder for the workers' dirs; a temporary one, removed at the end, when absent. */
  batchDir?: string;
  /** The environment credentials come from; this process's by default. */
  hostEnv?: Record<string, string | undefined>;
  /** Receives the warning about a stored login copied to each worker. */
  onWarning?: (message: string) => void;
}

/**
 * The workers' dirs; dispose to remove a temporary batch dir, or, from a kept one, the copies of
 * the stored login. The same happens when the process exits without disposing them (`Deno.exit`
 * after an unexpected error): no copy of a login outlives the batch.
 */
export class WorkerDirs implements AsyncDisposable {
  readonly #root: string;
  readonly #temporary: boolean;
  readonly #copies: string[] = [];
  readonly #onUnload = () => this.#removeSync();

  private constructor(root: string, temporary: boolean) {
    this.#root = root;
    this.#temporary = temporary;
    globalThis.addEventListener("unload", this.#onUnload);
  }

  /**
   * Makes `count` workers' dirs. When the CLI would use the stored login, the credentials file
   * is copied read-only into each worker's config dir, with a warning: a refresh by one worker
   * still rotates the token under the others.
   */
  static async create(options: IsolationOptions, count: number): Promise<WorkerDirs> {
    const temporary = options.batchDir === undefined;
    const root = options.batchDir ?? await Deno.makeTempDir({ prefix: "claw-batch-" });
    const dirs = new WorkerDirs(root, temporary);
    try {
      await dirs.#populate(options, count);
    } catch (error) {
      await dirs[Symbol.asyncDispose]();
      throw error;
    }
    return dirs;
  }

  async #populate(options: IsolationOptions, count: number): Promise<void> {
    const hostEnv = options.hostEnv ?? Deno.env.toObject();
    const login = storedLogin(hostEnv);
    if (login) {
      options.onWarning?.(
        `The workers share the stored login in ${login}, copied read-only to each: a token refresh by one rotates it under the others; for batches prefer CLAUDE_CODE_OAUTH_TOKEN (claude setup-token)`,
      );
    }
    for (let slot = 0; slot < count; slot++) {
      const env = this.env(slot);
      await Deno.mkdir(env.CLAUDE_CONFIG_DIR!, { recursive: true, mode: 0o700 });
      await Deno.mkdir(env.TMPDIR!, { recursive: true });
      if (login) {
        const copy = `${env.CLAUDE_CONFIG_DIR}/.credentials.json`;
        await Deno.remove(copy).catch(() => {});
        this.#copies.push(copy);
        await Deno.copyFile(login, copy);
        await Deno.chmod(copy, 0o400);
      }
    }
  }

  /** The variables that put worker `slot` in its own dirs. */
  env(slot: number): Record<string, string> {
    const dir = `${this.#root}/worker-${slot + 1}`;
    return {
      CLAUDE_CONFIG_DIR: `${dir}/config`,
      TMPDIR: `${dir}/tmp`,
      CLAUDE_CODE_TMPDIR: `${dir}/tmp`,
    };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    globalThis.removeEventListener("unload", this.#onUnload);
    if (this.#temporary) await Deno.remove(this.#root, { recursive: true }).catch(() => {});
    else await Promise.all(this.#copies.map((copy) => Deno.remove(copy).catch(() => {})));
  }

  /** What disposing does, at once: the process is exiting. */
  #removeSync(): void {
    const remove = (path: string, recursive: boolean) => {
      try {
        Deno.removeSync(path, { recursive });
      } catch {
        // already gone, or nothing more can be done while exiting
      }
    };
    if (this.#temporary) remove(this.#root, true);
    else for (const copy of this.#copies) remove(copy, false);
  }
}

/** The credentials file the CLI would use with `env`, when its stored login wins. */
function storedLogin(env: Record<string, string | undefined>): string | undefined {
  if (!env.CLAUDE_CONFIG_DIR && !env.HOME && !env.USERPROFILE) return undefined;
  const report = resolveAuth({ env, keychain: () => false, processesUsing: () => [] });
  return report.active?.source === "credentials_file" ? credentialsPath(env) : undefined;
}
