import { spawnSync } from "node:child_process";
import * as realFs from "node:fs/promises";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileError, ValueError } from "../../src/base/errors.js";
import { type AtomicWriteFs, writeAtomic, writeFileAtomic } from "../../src/io/atomic_write.js";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "strata-atomic-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("writeFileAtomic", () => {
  it("writes bytes and strings", async () => {
    await withDir(async (dir) => {
      const p = join(dir, "a.bin");
      await writeFileAtomic(p, new Uint8Array([1, 2, 3, 255]));
      expect(Array.from(await readFile(p))).toEqual([1, 2, 3, 255]);
      const s = join(dir, "b.txt");
      await writeFileAtomic(s, "héllo ✓");
      expect(await readFile(s, "utf8")).toBe("héllo ✓");
      expect((await readdir(dir)).sort()).toEqual(["a.bin", "b.txt"]);
    });
  });

  it("writes a subarray view exactly", async () => {
    await withDir(async (dir) => {
      const p = join(dir, "v.bin");
      await writeFileAtomic(p, new Uint8Array([9, 1, 2, 9]).subarray(1, 3));
      expect(Array.from(await readFile(p))).toEqual([1, 2]);
    });
  });

  it("overwrites an existing file, keeping its permission bits, and leaves no temp files", async () => {
    await withDir(async (dir) => {
      const p = join(dir, "model.safetensors");
      await writeFile(p, "old old old old", { mode: 0o640 });
      await writeFileAtomic(p, "new");
      expect(await readFile(p, "utf8")).toBe("new");
      if (process.platform !== "win32") expect((await stat(p)).mode & 0o777).toBe(0o640);
      expect(await readdir(dir)).toEqual(["model.safetensors"]);
    });
  });

  it("creates missing parent directories", async () => {
    await withDir(async (dir) => {
      const p = join(dir, "x", "y", "z.json");
      await writeFileAtomic(p, "{}");
      expect(await readFile(p, "utf8")).toBe("{}");
    });
  });

  it("handles concurrent writes to the same path", async () => {
    await withDir(async (dir) => {
      const p = join(dir, "c.txt");
      const values = Array.from({ length: 10 }, (_, i) => `value-${i}`.repeat(1000));
      await Promise.all(values.map((v) => writeFileAtomic(p, v)));
      expect(values).toContain(await readFile(p, "utf8"));
      expect(await readdir(dir)).toEqual(["c.txt"]);
    });
  });

  it("fails when a directory is where the file should be, leaving it and no temp files", async () => {
    await withDir(async (dir) => {
      const p = join(dir, "target");
      await mkdir(p);
      await writeFile(join(p, "inside.txt"), "keep");
      const err = await writeFileAtomic(p, "data").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FileError);
      expect((err as Error).message).toBe(`writeFileAtomic: cannot write ${p}: it is a directory (EISDIR)`);
      expect((await stat(p)).isDirectory()).toBe(true);
      expect(await readFile(join(p, "inside.txt"), "utf8")).toBe("keep");
      expect(await readdir(dir)).toEqual(["target"]);
    });
  });

  it("a full disk mid-write leaves the old file intact, removes the temp file and says so in words", async () => {
    await withDir(async (dir) => {
      const p = join(dir, "keep.txt");
      await writeFile(p, "old content");
      const enospc = Object.assign(new Error("ENOSPC: no space left on device, write"), {
        code: "ENOSPC",
        syscall: "write",
      });
      // the temp file is really created; only writing its bytes fails, as on a full disk
      const fs: AtomicWriteFs = {
        ...realFs,
        open: (async (file: string, flags: string) => {
          const handle = await realFs.open(file, flags);
          if (flags !== "wx") return handle;
          return {
            chmod: (mode: number) => handle.chmod(mode),
            writeFile: async () => {
              await handle.writeFile("partial");
              throw enospc;
            },
            sync: () => handle.sync(),
            close: () => handle.close(),
          };
        }) as never,
      };
      const err = await writeAtomic(p, "new content", { op: "saveModel", fs }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FileError);
      expect((err as Error).message).toBe(
        `saveModel: cannot write ${p}: the disk is full (no space left on the device) (ENOSPC)`,
      );
      expect((err as FileError).path).toBe(p);
      expect((err as Error).cause).toBe(enospc);
      expect(await readFile(p, "utf8")).toBe("old content");
      expect(await readdir(dir)).toEqual(["keep.txt"]);
    });
  });

  it("names the user's path, never the hidden temp file, in an unknown error", async () => {
    await withDir(async (dir) => {
      const p = join(dir, "m.bin");
      let tmp = "";
      const fs: AtomicWriteFs = {
        ...realFs,
        rename: (async (from: string, to: string) => {
          tmp = from;
          throw Object.assign(
            new Error(`EXDEV: cross-device link not permitted, rename '${from}' -> '${to}'`),
            {
              code: "EXDEV",
            },
          );
        }) as never,
      };
      const err = await writeAtomic(p, "x", { op: "writeFileAtomic", fs }).catch((e: unknown) => e);
      expect(tmp).toContain(".m.bin.strata-tmp-");
      expect((err as Error).message).toBe(
        `writeFileAtomic: cannot write ${p}: EXDEV: cross-device link not permitted, rename '${p}' -> '${p}'`,
      );
      expect((err as Error).message).not.toContain("strata-tmp");
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it("says which parent is a file when the path goes through a file", async () => {
    await withDir(async (dir) => {
      const f = join(dir, "file");
      await writeFile(f, "x");
      for (const p of [join(f, "child.txt"), join(f, "sub", "child.txt")]) {
        const err = await writeFileAtomic(p, "data").catch((e: unknown) => e);
        expect(err).toBeInstanceOf(FileError);
        expect((err as Error).message).toBe(
          `writeFileAtomic: cannot write ${p}: ${f} is a file, not a directory`,
        );
      }
      expect(await readFile(f, "utf8")).toBe("x");
      expect(await readdir(dir)).toEqual(["file"]);
    });
  });

  it("says permission denied or read-only for a directory it may not write to", async (ctx) => {
    await withDir(async (dir) => {
      const locked = join(dir, "locked");
      await mkdir(locked);
      // chmod does not stop root, but the immutable attribute does (on file systems that have it)
      const root = process.getuid?.() === 0;
      const lock = () =>
        root ? spawnSync("chattr", ["+i", locked]).status === 0 : chmod(locked, 0o555).then(() => true);
      const unlock = () => (root ? spawnSync("chattr", ["-i", locked]) : chmod(locked, 0o755));
      try {
        const probe = join(locked, "probe");
        const locks =
          (await lock()) &&
          (await writeFile(probe, "").then(
            () => false,
            () => true,
          ));
        if (!locks) {
          await rm(probe, { force: true });
          ctx.skip(); // no way to make a directory read-only here (root without chattr support)
        }
        const p = join(locked, "model.safetensors");
        const err = await writeFileAtomic(p, "data").catch((e: unknown) => e);
        expect(err).toBeInstanceOf(FileError);
        expect((err as Error).message).toMatch(
          new RegExp(
            `^writeFileAtomic: cannot write ${p}: (permission denied|operation not permitted|the location is read-only)`,
          ),
        );
        expect((err as Error).message).not.toContain("strata-tmp");
        expect(["EACCES", "EPERM", "EROFS"]).toContain(((err as Error).cause as NodeJS.ErrnoException).code);
        expect(await readdir(locked)).toEqual([]);
      } finally {
        await unlock();
      }
    });
  });

  it("refuses data that is neither bytes nor a string before touching the disk", async () => {
    await withDir(async (dir) => {
      const p = join(dir, "keep.txt");
      await writeFile(p, "old content");
      await expect(writeFileAtomic(p, 12345 as any)).rejects.toThrow(
        new ValueError("writeFileAtomic: data must be a Uint8Array or a string, got Number"),
      );
      expect(await readFile(p, "utf8")).toBe("old content");
      expect(await readdir(dir)).toEqual(["keep.txt"]);
    });
  });
});

describe("writeFileAtomic: temp files of killed writes", () => {
  /** The pid of a process that has exited. */
  function deadPid(): number {
    const child = spawnSync(process.execPath, ["-e", ""]);
    expect(child.status).toBe(0);
    return child.pid;
  }

  it("removes the temp files a killed write to the same path left, in both name formats", async () => {
    await withDir(async (dir) => {
      const pid = deadPid();
      const stale = [`.m.bin.strata-tmp-${pid}-0123456789ab`, `.m.bin.${pid}.0123456789ab.tmp`];
      const others = [
        `.other.bin.strata-tmp-${pid}-0123456789ab`, // another target's
        ".m.bin.notes", // not a temp file name
      ];
      for (const name of [...stale, ...others]) await writeFile(join(dir, name), "partial");
      await writeFileAtomic(join(dir, "m.bin"), "new");
      expect((await readdir(dir)).sort()).toEqual(["m.bin", ...others].sort());
    });
  });

  it("keeps a recent temp file of a live process, which may still be writing", async () => {
    await withDir(async (dir) => {
      const live = `.m.bin.strata-tmp-${process.ppid}-0123456789ab`;
      await writeFile(join(dir, live), "partial");
      await writeFileAtomic(join(dir, "m.bin"), "new");
      expect((await readdir(dir)).sort()).toEqual([live, "m.bin"]);
    });
  });

  it("removes a live pid's temp file untouched for hours (the pid was reused)", async () => {
    await withDir(async (dir) => {
      const old = join(dir, `.m.bin.strata-tmp-${process.ppid}-0123456789ab`);
      await writeFile(old, "partial");
      const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
      await utimes(old, twoHoursAgo, twoHoursAgo);
      await writeFileAtomic(join(dir, "m.bin"), "new");
      expect(await readdir(dir)).toEqual(["m.bin"]);
    });
  });

  it("removes a temp file with this process's pid that no write here owns (a restarted container)", async () => {
    await withDir(async (dir) => {
      await writeFile(join(dir, `.m.bin.strata-tmp-${process.pid}-0123456789ab`), "partial");
      await writeFileAtomic(join(dir, "m.bin"), "new");
      expect(await readdir(dir)).toEqual(["m.bin"]);
    });
  });
});
