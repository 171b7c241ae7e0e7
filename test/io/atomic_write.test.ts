import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/io/atomic_write.js";

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
      await expect(writeFileAtomic(p, "data")).rejects.toThrow();
      expect((await stat(p)).isDirectory()).toBe(true);
      expect(await readFile(join(p, "inside.txt"), "utf8")).toBe("keep");
      expect(await readdir(dir)).toEqual(["target"]);
    });
  });

  it("an error mid-write leaves the old file intact and removes the temp file", async () => {
    await withDir(async (dir) => {
      const p = join(dir, "keep.txt");
      await writeFile(p, "old content");
      // Data that fails while being written, after the temp file has been created.
      await expect(writeFileAtomic(p, 12345 as any)).rejects.toThrow();
      expect(await readFile(p, "utf8")).toBe("old content");
      expect(await readdir(dir)).toEqual(["keep.txt"]);
    });
  });

  it("fails cleanly when the parent path is a file", async () => {
    await withDir(async (dir) => {
      const f = join(dir, "file");
      await writeFile(f, "x");
      await expect(writeFileAtomic(join(f, "child.txt"), "data")).rejects.toThrow();
      expect(await readFile(f, "utf8")).toBe("x");
      expect(await readdir(dir)).toEqual(["file"]);
    });
  });
});
