/**
 * The `claw batch` examples: `examples/github-actions/batch.yml` and `examples/kubernetes/
 * batch-job.yaml` are valid YAML with the structure their comments promise, and every
 * `claw batch …` (or `main.ts batch …`) command in them and in the scripts of `examples/slurm/` is
 * one claw accepts: its flags are read with claw's own parser against the flags
 * `claw batch --help` documents and the run options (`RUN_FLAGS`), and the shard and output
 * placeholders sit where their values belong.
 */
import { deepStrictEqual, fail, ok as assert, strictEqual } from "node:assert";
// Test-only package: it comes from tests/imports.json (deno task test|check), not deno.json.
import { z } from "zod";
import { readYaml, Step, stepRunning, stepUsing } from "./_yaml.ts";
import { parseShard, shardFromEnv } from "../src/batch/shard.ts";
import { help } from "../src/cli/batch.ts";
import { type Flag, type ParsedFlags, parseFlags } from "../src/cli/_flags.ts";
import { RUN_FLAGS } from "../src/cli/_run_flags.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const GITHUB = "examples/github-actions/batch.yml";
const KUBERNETES = "examples/kubernetes/batch-job.yaml";
const SLURM_TASK = "examples/slurm/task.sh";
const SLURM_MERGE = "examples/slurm/merge.sh";
const root = new URL("..", import.meta.url);

// ---- The structure of the examples ----------------------------------------------------------

const Workflow = z.object({
  on: z.object({ workflow_dispatch: z.null() }),
  jobs: z.object({
    shard: z.object({
      "runs-on": z.string(),
      strategy: z.object({ matrix: z.object({ shard: z.array(z.number()) }) }),
      steps: z.array(Step),
    }),
    merge: z.object({
      needs: z.union([z.string(), z.array(z.string())]),
      if: z.string(),
      "runs-on": z.string(),
      steps: z.array(Step),
    }),
  }),
});

const Container = z.object({
  name: z.string(),
  image: z.string(),
  command: z.array(z.string()),
  args: z.array(z.string()).optional(),
  env: z.array(z.object({
    name: z.string(),
    value: z.string().optional(),
    valueFrom: z.object({
      secretKeyRef: z.object({ name: z.string(), key: z.string() }).optional(),
    }).optional(),
  })).optional(),
  volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string() })),
});
type Container = z.infer<typeof Container>;

const PodSpec = z.object({
  restartPolicy: z.literal("Never"),
  containers: z.array(Container).length(1),
  volumes: z.array(z.object({
    name: z.string(),
    persistentVolumeClaim: z.object({ claimName: z.string() }),
  })),
});
type PodSpec = z.infer<typeof PodSpec>;

const Job = z.object({
  apiVersion: z.literal("batch/v1"),
  kind: z.literal("Job"),
  metadata: z.object({ name: z.string() }),
  spec: z.object({
    completionMode: z.enum(["Indexed", "NonIndexed"]).optional(),
    completions: z.number().optional(),
    parallelism: z.number().optional(),
    backoffLimit: z.number().optional(),
    backoffLimitPerIndex: z.number().optional(),
    suspend: z.boolean().optional(),
    template: z.object({ spec: PodSpec }),
  }),
});

async function workflow() {
  const documents = await readYaml(GITHUB);
  strictEqual(documents.length, 1, `${GITHUB} holds one document`);
  return Workflow.parse(documents[0]);
}

async function kubernetesJobs() {
  const documents = await readYaml(KUBERNETES);
  strictEqual(documents.length, 2, `${KUBERNETES} holds the Indexed Job and the merge Job`);
  return documents.map((document) => Job.parse(document));
}

/** The folder a pod mounts its PersistentVolumeClaim at. */
function claimMount(pod: PodSpec): { claim: string; mountPath: string } {
  const [volume] = pod.volumes;
  const mount = pod.containers[0]!.volumeMounts.find((m) => m.name === volume?.name);
  assert(volume && mount, "The container mounts the pod's PersistentVolumeClaim");
  return { claim: volume.persistentVolumeClaim.claimName, mountPath: mount.mountPath };
}

Deno.test("the GitHub Actions example runs three shards, then merges them even after a failed one", async () => {
  const { jobs } = await workflow();
  deepStrictEqual(jobs.shard.strategy.matrix.shard, [1, 2, 3]);
  const shardSteps = jobs.shard.steps;
  assert(stepUsing(shardSteps, "actions/checkout"));
  assert(stepUsing(shardSteps, "actions/setup-node"));
  assert(stepRunning(shardSteps, "npm i -g @anthropic-ai/claude-code@2.1.332"));
  assert(stepRunning(shardSteps, "npm i -g deno@2.9.6"));
  const batch = stepRunning(shardSteps, "main.ts batch run");
  deepStrictEqual(batch.env, {
    CLAUDE_CODE_OAUTH_TOKEN: "${{ secrets.CLAUDE_CODE_OAUTH_TOKEN }}",
  });
  const upload = stepUsing(shardSteps, "actions/upload-artifact");
  strictEqual(upload.uses, "actions/upload-artifact@v4");
  strictEqual(upload.if, "always()");
  const [run] = commandsIn(GITHUB, [batch.run ?? ""]);
  const uploaded = String(upload.with?.path).trim().split("\n");
  deepStrictEqual(
    uploaded,
    [optionValue(run!, "-o"), optionValue(run!, "--report")],
    "The shard uploads its results file and its report",
  );

  const merge = jobs.merge;
  assert([merge.needs].flat().includes("shard"), "merge needs shard");
  strictEqual(merge.if, "always()");
  const download = stepUsing(merge.steps, "actions/download-artifact");
  strictEqual(download.uses, "actions/download-artifact@v4");
  strictEqual(download.with?.["merge-multiple"], true);
  assert(stepRunning(merge.steps, "npm i -g deno@2.9.6"));
  const mergeStep = stepRunning(merge.steps, "main.ts batch merge");
  const [mergeCommand] = commandsIn(GITHUB, [mergeStep.run ?? ""]);
  const all = stepUsing(
    merge.steps.slice(merge.steps.indexOf(mergeStep)),
    "actions/upload-artifact",
  );
  const reportStep = stepRunning(merge.steps, "main.ts report");
  strictEqual(reportStep.if, "always()", "the report is made also when the merge fails");
  const reportWords = shellWords((reportStep.run ?? "").trim());
  deepStrictEqual(
    String(all.with?.path).trim().split("\n"),
    [optionValue(mergeCommand!, "-o"), reportWords[reportWords.indexOf("-o") + 1]],
    "merge uploads the merged file and the report",
  );
});

Deno.test("the Kubernetes example is an Indexed Job of three pods with the token from a Secret and the data on a volume", async () => {
  const [shards, merge] = await kubernetesJobs();
  const spec = shards!.spec;
  strictEqual(spec.completionMode, "Indexed");
  strictEqual(spec.completions, 3);
  strictEqual(spec.parallelism, 3);
  assert(
    spec.backoffLimitPerIndex !== undefined || spec.backoffLimit !== undefined,
    "The Indexed Job bounds its retries",
  );
  const pod = spec.template.spec;
  const container = pod.containers[0]!;
  strictEqual(container.image, "ghcr.io/your-org/claw-batch:latest");
  const token = container.env?.find((variable) => variable.name === "CLAUDE_CODE_OAUTH_TOKEN");
  assert(token?.valueFrom?.secretKeyRef, "CLAUDE_CODE_OAUTH_TOKEN comes from a Secret");
  assert(
    !container.env?.some((variable) => variable.name === "JOB_COMPLETION_INDEX"),
    "JOB_COMPLETION_INDEX is Kubernetes' to set",
  );
  deepStrictEqual(claimMount(pod), { claim: "claw-batch-data", mountPath: "/data" });

  strictEqual(merge!.spec.completionMode ?? "NonIndexed", "NonIndexed");
  strictEqual(merge!.spec.suspend, true, "The merge waits to be started once the shards are done");
  deepStrictEqual(claimMount(merge!.spec.template.spec), claimMount(pod));

  const text = await Deno.readTextFile(new URL(KUBERNETES, root));
  assert(/image needs Claude Code/.test(text), "A comment says what the image needs");
  assert(/on PATH as `claw`/.test(text), "A comment says claw is on the image's PATH");
});

// ---- The commands in the examples ------------------------------------------------------------

/** One `claw batch` command found in an example. */
interface BatchCommand {
  /** The example file. */
  file: string;
  /** The command as written, for messages. */
  text: string;
  /** `run` or `merge`. */
  subcommand: string;
  /** The words after the subcommand. */
  args: string[];
}

const OPERATORS = new Set(["&&", "||", ";", "|", "&"]);

/**
 * Splits shell text into words: blanks separate them, quotes group them, and a GitHub Actions
 * expression `${{ … }}` stays inside its word. Enough for the examples' one-line commands.
 */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string[] | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (text.startsWith("${{", i)) {
      const end = text.indexOf("}}", i);
      if (end === -1) fail(`Unclosed \${{ in: ${text}`);
      (word ??= []).push(text.slice(i, end + 2));
      i = end + 1;
    } else if (char === "'" || char === '"') {
      const end = text.indexOf(char, i + 1);
      if (end === -1) fail(`Unclosed quote in: ${text}`);
      (word ??= []).push(text.slice(i + 1, end));
      i = end;
    } else if (/\s/.test(char)) {
      if (word) words.push(word.join(""));
      word = undefined;
    } else if (char === "#" && word === undefined) {
      break;
    } else {
      (word ??= []).push(char);
    }
  }
  if (word) words.push(word.join(""));
  return words;
}

/** The `claw batch` commands in shell `scripts` (with `\` line continuations). */
function commandsIn(file: string, scripts: string[]): BatchCommand[] {
  const commands: BatchCommand[] = [];
  for (const script of scripts) {
    for (const line of script.replaceAll("\\\n", " ").split("\n")) {
      const words = shellWords(line);
      commands.push(...batchCommandsIn(file, line.trim(), words));
    }
  }
  return commands;
}

/** The `claw batch …` and `main.ts batch …` commands among `words`, each up to an operator. */
function batchCommandsIn(file: string, text: string, words: string[]): BatchCommand[] {
  const commands: BatchCommand[] = [];
  for (let i = 0; i < words.length - 1; i++) {
    const program = words[i]!;
    if (!(program === "claw" || program.endsWith("main.ts")) || words[i + 1] !== "batch") continue;
    const end = words.findIndex((word, at) => at > i && OPERATORS.has(word));
    const rest = words.slice(i + 2, end === -1 ? undefined : end);
    const subcommand = rest.find((word) => word === "run" || word === "merge") ??
      fail(`${file}: no run or merge in: ${text}`);
    rest.splice(rest.indexOf(subcommand), 1);
    commands.push({ file, text, subcommand, args: rest });
  }
  return commands;
}

/** Every `claw batch` command of the GitHub Actions workflow's `run:` steps. */
async function githubCommands(): Promise<BatchCommand[]> {
  const { jobs } = await workflow();
  const runs = [...jobs.shard.steps, ...jobs.merge.steps].flatMap((step) => step.run ?? []);
  return commandsIn(GITHUB, runs);
}

/** Every `claw batch` command of the Kubernetes Jobs: command and args joined, or `sh -c` text. */
async function kubernetesCommands(): Promise<BatchCommand[]> {
  const commands: BatchCommand[] = [];
  for (const job of await kubernetesJobs()) {
    for (const container of job.spec.template.spec.containers) {
      commands.push(...containerCommands(container));
    }
  }
  return commands;
}

function containerCommands(container: Container): BatchCommand[] {
  const argv = [...container.command, ...container.args ?? []];
  const [program, flag, script] = argv;
  if ((program === "sh" || program === "bash") && flag === "-c" && script !== undefined) {
    return commandsIn(KUBERNETES, [script]);
  }
  return batchCommandsIn(KUBERNETES, argv.join(" "), argv);
}

// ---- The flags claw batch has -----------------------------------------------------------------

const PLACEHOLDER = /^[A-Z][A-Za-z0-9./_]*/;

/** The flags written in `text`: `-o X`, `--name`, `--name VALUE`, a value when a placeholder follows. */
function flagsWritten(text: string): { name: string; short: boolean; value?: string }[] {
  const found: { name: string; short: boolean; value?: string }[] = [];
  for (const match of text.matchAll(/(?<![\w-])(--?)([a-z][a-z0-9-]*)(?:[ =](\S+))?/g)) {
    const value = PLACEHOLDER.exec(match[3] ?? "")?.[0];
    found.push({
      name: match[2]!,
      short: match[1] === "-",
      ...(value === undefined ? {} : { value }),
    });
  }
  return found;
}

/**
 * The flags `claw batch --help` documents for `subcommand`, as a flag table for claw's parser:
 * `run`'s from its usage lines and its option lines (`  -o, --output FILE   The results…`),
 * `merge`'s from its usage line. A flag takes a value when the help shows a placeholder after it.
 */
function documentedFlags(subcommand: string): Flag[] {
  const lines = help.split("\n");
  const usageEnd = lines.findIndex((line) => line.trim() === "");
  const usage = lines.slice(0, usageEnd);
  // An option line starts with two spaces and a flag; the option column ends at two blanks.
  const options = lines.slice(usageEnd).filter((line) => /^ {2}-/.test(line))
    .map((line) => line.trim().split(/ {2,}/)[0]!);
  const longOf = new Map<string, string>();
  for (const option of options) {
    const match = /^-([a-z]), --([a-z][a-z0-9-]*)/.exec(option);
    if (match) longOf.set(match[1]!, match[2]!);
  }
  const written = subcommand === "merge"
    ? flagsWritten(usage.filter((line) => line.includes(" merge ")).join("\n"))
    : flagsWritten([...usage.filter((line) => !line.includes(" merge ")), ...options].join("\n"));
  const flags = new Map<string, Flag>();
  for (const { name, short, value } of written) {
    const long = short ? longOf.get(name) ?? name : name;
    const flag = flags.get(long) ?? { name: long, option: long, type: "boolean", help: "" };
    if (value !== undefined) Object.assign(flag, { type: "string", value });
    if (short) flag.short = name;
    flags.set(long, flag);
  }
  return [...flags.values()];
}

/**
 * The flags `claw batch <subcommand>` takes: the documented ones, and for `run` every run option
 * the help does not document itself (the documented meaning wins: `--resume` is batch's boolean,
 * not `claw run --resume ID`).
 */
function batchFlags(subcommand: string): Flag[] {
  const own = documentedFlags(subcommand);
  if (subcommand !== "run") return own;
  const names = new Set(own.map((flag) => flag.name));
  return [...own, ...RUN_FLAGS.filter((flag) => !names.has(flag.name))];
}

/** The text given to `flag` (`-o`, `--shard`) in `command`, if any. */
function optionValue(command: BatchCommand, flag: string): string | undefined {
  const at = command.args.lastIndexOf(flag);
  const joined = command.args.findLast((arg) => arg.startsWith(`${flag}=`));
  return joined?.slice(flag.length + 1) ?? (at === -1 ? undefined : command.args[at + 1]);
}

/** `command` read by claw's own flag parser; a flag it refuses fails, with claw's message. */
function parseCommand(command: BatchCommand, flags: readonly Flag[]): ParsedFlags {
  try {
    return parseFlags(command.args, flags);
  } catch (error) {
    fail(`${command.file}: claw cannot parse "${command.text}": ${error}`);
  }
}

async function allCommands(): Promise<BatchCommand[]> {
  return [...await githubCommands(), ...await kubernetesCommands()];
}

Deno.test("the help documents the flags the examples rely on, with their values", () => {
  const run = new Map(batchFlags("run").map((flag) => [flag.name, flag]));
  for (const name of ["output", "concurrency", "shard", "shards", "retry-delay", "batch-dir"]) {
    strictEqual(run.get(name)?.type, "string", `--${name} takes a value`);
  }
  strictEqual(run.get("output")?.short, "o");
  strictEqual(run.get("resume")?.type, "boolean", "batch's --resume takes no value");
  strictEqual(run.get("model")?.type, "string", "run options are batch run defaults");
  deepStrictEqual(batchFlags("merge").map((flag) => flag.name).sort(), ["jobs", "json", "output"]);
});

Deno.test("every claw batch command in the examples uses only flags claw batch has", async () => {
  const commands = await allCommands();
  deepStrictEqual(
    commands.map((command) => `${command.file} ${command.subcommand}`),
    [`${GITHUB} run`, `${GITHUB} merge`, `${KUBERNETES} run`, `${KUBERNETES} merge`],
  );
  for (const command of commands) assertClawTakes(command);
});

/** Fails unless claw batch knows every flag of `command` and it names its files. */
function assertClawTakes(command: BatchCommand): void {
  const flags = batchFlags(command.subcommand);
  for (const arg of command.args) {
    if (!arg.startsWith("-") || arg === "-") continue;
    const [name] = arg.replace(/^--?/, "").split("=");
    const known = arg.startsWith("--")
      ? flags.some((flag) => flag.name === name)
      : flags.some((flag) => flag.short === name);
    assert(
      known,
      `${command.file}: "${arg}" is not a flag of claw batch ${command.subcommand} (neither in its help nor a run option): ${command.text}`,
    );
  }
  const parsed = parseCommand(command, flags);
  const positionals = parsed.positionals.length;
  if (command.subcommand === "run") {
    strictEqual(positionals, 1, `${command.file}: one JOBS file in: ${command.text}`);
  } else {
    assert(positionals >= 1, `${command.file}: results files in: ${command.text}`);
    assert(parsed.values.jobs, `${command.file}: --jobs in: ${command.text}`);
  }
  assert(parsed.values.output, `${command.file}: -o in: ${command.text}`);
}

Deno.test("the Slurm example's task and merge use only flags claw batch has: each task its own file, its shard from --shards, --resume", async () => {
  const commands: BatchCommand[] = [];
  for (const file of [SLURM_TASK, SLURM_MERGE]) {
    commands.push(...commandsIn(file, [await Deno.readTextFile(new URL(file, root))]));
  }
  deepStrictEqual(
    commands.map((command) => `${command.file} ${command.subcommand}`),
    [`${SLURM_TASK} run`, `${SLURM_MERGE} merge`],
  );
  for (const command of commands) assertClawTakes(command);
  const [run, merge] = commands;
  strictEqual(optionValue(run!, "--shard"), undefined, "The shard comes from the task id");
  strictEqual(optionValue(run!, "--shards"), "$tasks");
  strictEqual(optionValue(run!, "-o"), "$out/results-$SLURM_ARRAY_TASK_ID.jsonl");
  assert(run!.args.includes("--resume"), "A task submitted again goes on with --resume");
  strictEqual(optionValue(merge!, "-o"), "$out/results.jsonl");
  strictEqual(
    optionValue(merge!, "--jobs"),
    parseFlags(run!.args, batchFlags("run")).positionals[0],
  );
  deepStrictEqual(
    [0, 1, 2].map((id) =>
      shardFromEnv({ SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MAX: "2" }, 3)
    ),
    [0, 1, 2].map((index) => ({ index, count: 3 })),
  );
});

/** Whether a shell `glob` (only `*`) matches `path`. */
function globMatches(glob: string, path: string): boolean {
  const pattern = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${pattern.join("[^/]*")}$`).test(path);
}

Deno.test("each GitHub Actions shard runs its own shard into its own file, and merge reads them all", async () => {
  const { jobs } = await workflow();
  const shards = jobs.shard.strategy.matrix.shard;
  const [run, merge] = await githubCommands();
  const expressions = [run!, merge!].flatMap((c) => c.text.match(/\$\{\{[^}]*\}\}/g) ?? []);
  deepStrictEqual(
    [...new Set(expressions)],
    ["${{ matrix.shard }}"],
    "The commands use only the matrix's shard",
  );
  strictEqual(optionValue(run!, "--shard"), `\${{ matrix.shard }}/${shards.length}`);
  const output = optionValue(run!, "-o") ?? fail("No -o");
  assert(output.includes("${{ matrix.shard }}"), `Each shard writes its own file: ${output}`);
  const globs = merge!.args.filter((arg) => arg.includes("*"));
  assert(globs.length > 0, `merge reads the shards' files by a glob: ${merge!.text}`);
  const files = shards.map((shard) => output.replaceAll("${{ matrix.shard }}", String(shard)));
  strictEqual(new Set(files).size, shards.length);
  for (const file of files) {
    assert(globs.some((glob) => globMatches(glob, file)), `merge reads ${file}`);
  }
  const parsed = shards.map((shard) => parseShard(`${shard}/${shards.length}`));
  deepStrictEqual(parsed, shards.map((_, index) => ({ index, count: shards.length })));
  strictEqual(
    optionValue(merge!, "--jobs"),
    parseFlags(run!.args, batchFlags("run")).positionals[0],
  );
});

Deno.test("each Kubernetes pod takes its shard from JOB_COMPLETION_INDEX, and merge reads every pod's file", async () => {
  const [shards] = await kubernetesJobs();
  const count = shards!.spec.completions ?? fail("No completions");
  const [run, merge] = await kubernetesCommands();
  strictEqual(optionValue(run!, "--shard"), undefined, "The shard comes from the pod's index");
  strictEqual(optionValue(run!, "--shards"), String(count), "--shards is the Job's completions");
  const output = optionValue(run!, "-o") ?? fail("No -o");
  assert(output.includes("$(JOB_COMPLETION_INDEX)"), `Each pod writes its own file: ${output}`);
  const indexes = Array.from({ length: count }, (_, index) => index);
  deepStrictEqual(
    indexes.map((index) => shardFromEnv({ JOB_COMPLETION_INDEX: String(index) }, count)),
    indexes.map((index) => ({ index, count })),
  );
  const globs = merge!.args.filter((arg) => arg.includes("*"));
  for (const index of indexes) {
    const file = output.replaceAll("$(JOB_COMPLETION_INDEX)", String(index));
    assert(globs.some((glob) => globMatches(glob, file)), `merge reads ${file}: ${merge!.text}`);
  }
  strictEqual(
    optionValue(merge!, "--jobs"),
    parseFlags(run!.args, batchFlags("run")).positionals[0],
  );
});

Deno.test("claw batch itself reads every example command's flags and values, up to the missing jobs file", async () => {
  const [{ jobs }, [shards]] = await Promise.all([workflow(), kubernetesJobs()]);
  const shard = String(jobs.shard.strategy.matrix.shard[0]);
  const mount = claimMount(shards!.spec.template.spec).mountPath.replace(/\/?$/, "/");
  const dir = await Deno.makeTempDir({ prefix: "claw-batch-examples-" });
  try {
    const checks = (await allCommands()).map(async (command) => {
      // The placeholders get a value, the volume's paths point into an empty folder: claw reads
      // and checks every flag, then stops at the first path it reads, the jobs file.
      const args = command.args.map((arg) =>
        arg.replaceAll("${{ matrix.shard }}", shard).replaceAll("$(JOB_COMPLETION_INDEX)", "0")
          .replace(mount, `${dir}/`)
      );
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", MAIN, "batch", command.subcommand, ...args],
        cwd: dir,
        env: { NO_COLOR: "1", CLAW_SHARD: "", JOB_COMPLETION_INDEX: "0" },
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).output();
      const said = new TextDecoder().decode(out.stderr).split("\n")[0] ?? "";
      const jobsFile = command.subcommand === "run"
        ? parseCommand(command, batchFlags("run")).positionals[0]!
        : optionValue(command, "--jobs")!;
      const label = command.subcommand === "run" ? "" : "--jobs ";
      const expected = `Cannot read ${label}"${jobsFile.replace(mount, `${dir}/`)}": no such file`;
      assert(
        out.code === 2 && said.startsWith(expected),
        `${command.file}: claw batch refused "${command.text}" (exit ${out.code}): ${said}`,
      );
    });
    await Promise.all(checks);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
