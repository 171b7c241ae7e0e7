/**
 * Crash-safe file writing (Node only). Node modules are loaded with dynamic `import()` so that importing
 * this module in a browser bundle does not fail; calling `writeFileAtomic` there will.
 */

import { FileError, ValueError } from "../base/errors.js";
import { fileError } from "./file_error.js";

/**
 * The parts of `node:fs/promises` a write uses; tests pass a stand-in to simulate a full disk.
 * @example
 * import * as fs from "node:fs/promises";
 * const diskFull = Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
 * const full: AtomicWriteFs = { ...fs, open: async () => { throw diskFull; } };
 * await writeAtomic("out.txt", "hello", { op: "demo", fs: full }); // throws FileError: demo: cannot write out.txt: the disk is full
 */
export type AtomicWriteFs = Pick<
  typeof import("node:fs/promises"),
  "mkdir" | "open" | "readdir" | "rename" | "rm" | "stat"
>;

/**
 * Temporary files of the writes running in this process. Kept on `globalThis` so that two copies of
 * Strata loaded in one process do not sweep away each other's files.
 */
const inFlight: Set<string> = ((globalThis as Record<symbol, unknown>)[
  Symbol.for("strata.writeFileAtomic.inFlight")
] ??= new Set<string>()) as Set<string>;

/**
 * A temporary file whose process is alive is swept only once untouched for this long: the process may be
 * an unrelated one that reused a dead writer's pid, while a live write keeps touching its file until the
 * rename.
 */
const STALE_AFTER_MS = 60 * 60 * 1000;

function randomSuffix(): string {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The writer's pid when `rest` (a directory entry after `.<base>.`) is a temporary file of a write to
 * `<base>`: `strata-tmp-<pid>-<hex>` now, `<pid>.<12 hex>.tmp` in earlier versions.
 */
function tempFilePid(rest: string): number | undefined {
  const m = /^strata-tmp-(\d+)-[0-9a-f]+$/.exec(rest) ?? /^(\d+)\.[0-9a-f]{12}\.tmp$/.exec(rest);
  return m === null ? undefined : Number(m[1]);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // alive, but another user's
  }
}

/** Removes temporary files of earlier writes to `<dir>/<base>` that were killed before their rename. */
async function removeStaleTemps(
  fs: AtomicWriteFs,
  dir: string,
  base: string,
  join: (...p: string[]) => string,
) {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  const prefix = `.${base}.`;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = tempFilePid(name.slice(prefix.length));
    const full = join(dir, name);
    if (pid === undefined || inFlight.has(full)) continue;
    // Our own pid on a file we are not writing means an earlier process had the same pid (a restarted
    // container), so only other live pids can own a write in progress.
    if (pid !== process.pid && processAlive(pid)) {
      const st = await fs.stat(full).catch(() => undefined);
      if (st === undefined || Date.now() - st.mtimeMs < STALE_AFTER_MS) continue;
    }
    await fs.rm(full, { force: true }).catch(() => {});
  }
}

/**
 * Creates `dir` and its missing parents one level at a time: `mkdir({ recursive: true })` can spin
 * forever where `mkdir` answers ENOENT under an existing parent (e.g. in /proc), and walking up tells
 * which ancestor is a file.
 */
async function ensureDir(
  fs: AtomicWriteFs,
  op: string,
  path: string,
  dir: string,
  dirname: (p: string) => string,
): Promise<void> {
  const notADirectory = (cause?: unknown) =>
    new FileError(`${op}: cannot write ${path}: ${dir} is a file, not a directory`, path, { cause });
  try {
    if (!(await fs.stat(dir)).isDirectory()) throw notADirectory();
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw err;
    const parent = dirname(dir);
    if (parent === dir) throw err;
    await ensureDir(fs, op, path, parent, dirname);
  }
  try {
    await fs.mkdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
      throw fileError(op, "write", path, err, { context: `cannot create the folder ${dir}` });
    }
    // created meanwhile by a concurrent write, or a file
    if (!(await fs.stat(dir)).isDirectory()) throw notADirectory(err);
  }
}

/**
 * {@link writeFileAtomic} with the operation named in errors (`op`) and, for tests, a stand-in `fs`.
 * @example
 * const bytes = await io.serialize({ w: ones([2]) });
 * await writeAtomic("runs/m.safetensors", bytes, { op: "saveModel" }); // errors say "saveModel: ..."
 * (await io.loadTensors("runs/m.safetensors")).w.toArray(); // [1, 1]
 */
export async function writeAtomic(
  path: string,
  data: Uint8Array | string,
  options: { op: string; fs?: AtomicWriteFs },
): Promise<void> {
  const op = options.op;
  if (typeof data !== "string" && !(data instanceof Uint8Array)) {
    throw new ValueError(
      `${op}: data must be a Uint8Array or a string, got ${(data as object)?.constructor?.name ?? typeof data}`,
    );
  }
  const fs = options.fs ?? (await import("node:fs/promises"));
  const nodePath = await import("node:path");
  const dir = nodePath.dirname(path);
  const base = nodePath.basename(path);
  try {
    await ensureDir(fs, op, path, dir, nodePath.dirname);
  } catch (err) {
    throw fileError(op, "write", path, err);
  }
  await removeStaleTemps(fs, dir, base, nodePath.join);
  const tmp = nodePath.join(dir, `.${base}.strata-tmp-${process.pid}-${randomSuffix()}`);

  inFlight.add(tmp);
  let handle: Awaited<ReturnType<typeof fs.open>> | undefined;
  try {
    handle = await fs.open(tmp, "wx");
    try {
      const st = await fs.stat(path);
      if (st.isFile()) await handle.chmod(st.mode & 0o7777);
    } catch {
      // No existing file (or chmod unsupported): keep the default mode.
    }
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, path);
  } catch (err) {
    if (handle !== undefined) await handle.close().catch(() => {});
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw fileError(op, "write", path, err, { hidden: tmp });
  } finally {
    inFlight.delete(tmp);
  }

  let dirHandle: Awaited<ReturnType<typeof fs.open>> | undefined;
  try {
    dirHandle = await fs.open(dir, "r");
    await dirHandle.sync();
  } catch {
    // Directories cannot be opened or fsynced on some platforms (Windows); the rename is still done.
  } finally {
    await dirHandle?.close().catch(() => {});
  }
}

/**
 * Writes `data` to `path` atomically: readers see either the old file or the complete new one, never a
 * partial file, even if the process crashes or the machine loses power mid-write.
 *
 * It creates missing parent directories, writes to a hidden temporary file
 * `.<name>.strata-tmp-<pid>-<random>` in the same directory, fsyncs it, renames it over `path` (keeping
 * the old file's permission bits when there was one), then fsyncs the directory where the platform allows
 * (silently skipped elsewhere, e.g. on Windows). Strings are written as UTF-8.
 *
 * A temporary file left by a write that was killed is removed by the next write to the same `path`
 * (when its process is gone, or after an hour untouched); a write still running in another process keeps
 * its file. If any step fails, the temporary file is removed, `path` is left as it was, and a `FileError`
 * names `path` and the reason in words (read-only location, disk full, a parent that is a file, ...),
 * with the system error as its `cause`.
 *
 * @example
 * ```ts
 * import { readFile } from "node:fs/promises";
 * const weights = { w: { dtype: "float32" as const, shape: [2], data: new Float32Array([1, 2]) } };
 * await io.writeFileAtomic("checkpoints/model.safetensors", io.encodeSafetensors(weights));
 * const history = { loss: [0.5, 0.25] };
 * await io.writeFileAtomic("runs/log.json", JSON.stringify(history));
 * await readFile("runs/log.json", "utf8"); // '{"loss":[0.5,0.25]}'
 * ```
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await writeAtomic(path, data, { op: "writeFileAtomic" });
}
