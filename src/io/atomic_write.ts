/**
 * Crash-safe file writing (Node only). Node modules are loaded with dynamic `import()` so that importing
 * this module in a browser bundle does not fail; calling `writeFileAtomic` there will.
 */

function randomSuffix(): string {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Writes `data` to `path` atomically: readers see either the old file or the complete new one, never a
 * partial file, even if the process crashes or the machine loses power mid-write.
 *
 * It creates the parent directory if missing, writes to a temporary file `.${basename}.${pid}.${random}.tmp`
 * in the same directory, fsyncs it, renames it over `path` (keeping the old file's permission bits when
 * there was one), then fsyncs the directory where the platform allows (silently skipped elsewhere, e.g.
 * on Windows). If any step fails the temporary file is removed, `path` is left as it was, and the error is
 * rethrown. Strings are written as UTF-8.
 *
 * @example
 * ```ts
 * await writeFileAtomic("checkpoints/model.safetensors", encodeSafetensors(weights));
 * await writeFileAtomic("runs/log.json", JSON.stringify(history));
 * ```
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const fs = await import("node:fs/promises");
  const nodePath = await import("node:path");
  const dir = nodePath.dirname(path);
  const base = nodePath.basename(path);
  await fs.mkdir(dir, { recursive: true });
  const tmp = nodePath.join(dir, `.${base}.${process.pid}.${randomSuffix()}.tmp`);

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
    throw err;
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
