/**
 * `npm run test:tutorials`: the quick mode (`STRATA_QUICK=1`) of every tutorial (`tutorials/NN-*.ts`)
 * and project (`projects/SLUG/main.ts`), one child process each, one after the other (CI has 2 cores),
 * each under a timeout. Prints a line per run and closes with `N passed, N failed`; exits 1 on any failure.
 *
 *   npx tsx scripts/run_tutorials.ts                      all quick runs
 *   npx tsx scripts/run_tutorials.ts --only 03,fashion    the runs whose name contains 03 or fashion
 *   npx tsx scripts/run_tutorials.ts --timeout 60         per-run limit in seconds (default 120)
 *   npx tsx scripts/run_tutorials.ts --full tutorials/03-by-hand.ts
 *       the full mode, its stdout shown and recorded to tutorials/output/03-by-hand.txt
 *       (a project's to projects/SLUG/output/run.txt); the recording is replaced only if the run succeeds.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
/** The running child's process group: ended with us on Ctrl-C, since a detached group outlives its parent. */
let current: number | undefined;
process.on("SIGINT", () => {
  if (current !== undefined) process.kill(-current, "SIGKILL");
  process.exit(130);
});

interface Run {
  /** e.g. `03-by-hand` or `fashion-mnist`, what `--only` matches */
  name: string;
  /** path from the repository root, as a reader would type it */
  file: string;
}

function discover(): Run[] {
  const runs: Run[] = [];
  const tutorials = join(root, "tutorials");
  if (existsSync(tutorials))
    for (const f of readdirSync(tutorials).sort())
      if (/^\d\d-[\w-]+\.ts$/.test(f)) runs.push({ name: f.replace(/\.ts$/, ""), file: `tutorials/${f}` });
  const projects = join(root, "projects");
  if (existsSync(projects))
    for (const d of readdirSync(projects).sort())
      if (existsSync(join(projects, d, "main.ts"))) runs.push({ name: d, file: `projects/${d}/main.ts` });
  return runs;
}

/** Where the full-mode stdout of a tutorial or project is recorded (the page includes this file). */
function recordedOutput(file: string): string {
  const rel = relative(root, resolve(file));
  const tutorial = /^tutorials\/(\d\d-[\w-]+)\.ts$/.exec(rel);
  if (tutorial) return join(root, "tutorials", "output", `${tutorial[1]}.txt`);
  const project = /^projects\/([\w-]+)(?:\/main\.ts)?\/?$/.exec(rel);
  if (project) return join(root, "projects", project[1], "output", "run.txt");
  return usage(`--full: ${file} is neither tutorials/NN-slug.ts nor projects/SLUG/main.ts`);
}

interface Outcome {
  code: number | null;
  timedOut: boolean;
  seconds: number;
  output: string;
}

/** Runs one file with tsx from the repository root; `echo` streams its stdout here as it comes. */
function runFile(file: string, env: NodeJS.ProcessEnv, timeoutS: number, echo: boolean): Promise<Outcome> {
  const started = performance.now();
  return new Promise((done) => {
    // its own process group, so a timeout also ends whatever workers the run started
    const child = spawn(process.execPath, [tsxCli, file], { cwd: root, env, detached: true });
    current = child.pid;
    let output = "";
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk;
      stdout += chunk;
      if (echo) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk;
      if (echo) process.stderr.write(chunk);
    });
    let timedOut = false;
    const timer =
      timeoutS > 0
        ? setTimeout(() => {
            timedOut = true;
            try {
              process.kill(-child.pid!, "SIGKILL");
            } catch {
              child.kill("SIGKILL");
            }
          }, timeoutS * 1000)
        : undefined;
    child.on("close", (code) => {
      current = undefined;
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      done({ code, timedOut, seconds, output: echo ? stdout : output });
    });
  });
}

function lastLines(text: string, n: number): string {
  const lines = text.trimEnd().split("\n");
  return lines
    .slice(-n)
    .map((l) => `    ${l}`)
    .join("\n");
}

function usage(message: string): never {
  console.error(`run_tutorials: ${message}`);
  process.exit(2);
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith("--")) return usage(`${name} needs a value`);
  return value;
}

const args = process.argv.slice(2);
const full = option(args, "--full");
const timeoutS = Number(option(args, "--timeout") ?? 120);
if (!(timeoutS > 0)) usage("--timeout needs a number of seconds above 0");

if (full !== undefined) {
  const target = recordedOutput(full);
  const file = relative(root, resolve(full)).replace(/^(projects\/[\w-]+)\/?$/, "$1/main.ts");
  const env = { ...process.env };
  delete env.STRATA_QUICK;
  console.error(`full run: ${file} (stdout recorded to ${relative(root, target)})`);
  const r = await runFile(file, env, 0, true);
  if (r.code !== 0) {
    console.error(
      `full run FAILED (exit ${r.code}) after ${r.seconds.toFixed(1)} s; ${relative(root, target)} kept`,
    );
    process.exit(1);
  }
  mkdirSync(dirname(target), { recursive: true });
  // written beside the target and renamed: a reader never sees half a recording
  writeFileSync(`${target}.tmp`, r.output);
  renameSync(`${target}.tmp`, target);
  console.error(`full run passed in ${r.seconds.toFixed(1)} s; recorded ${relative(root, target)}`);
  process.exit(0);
}

const only = option(args, "--only")
  ?.split(",")
  .map((s) => s.trim())
  .filter(Boolean);
let runs = discover();
if (only) {
  runs = runs.filter((r) => only.some((o) => r.name.includes(o) || r.file.includes(o)));
  if (runs.length === 0) {
    // a typo in a filter must not read as a green run
    console.error(`--only ${only.join(",")} matched none of the tutorials and projects`);
    process.exit(1);
  }
}
if (runs.length === 0) console.log("no tutorials/NN-*.ts or projects/*/main.ts found");

const env = { ...process.env, STRATA_QUICK: "1" };
let passed = 0;
let failed = 0;
const total = performance.now();
for (const run of runs) {
  const r = await runFile(run.file, env, timeoutS, false);
  const time = `${r.seconds.toFixed(1).padStart(6)} s`;
  if (r.code === 0 && !r.timedOut) {
    passed++;
    console.log(`pass ${time}  ${run.file}`);
  } else {
    failed++;
    const why = r.timedOut ? `timed out after ${timeoutS} s` : `exit ${r.code}`;
    console.log(`FAIL ${time}  ${run.file} (${why})`);
    console.log(lastLines(r.output, 25));
  }
}
console.log(`total ${((performance.now() - total) / 1000).toFixed(1)} s (quick mode, STRATA_QUICK=1)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
