import { describe, expect, it } from "vitest";
import { FileError, StrataError, ValueError } from "../../src/base/errors.js";
import { describeFileError, fileError } from "../../src/io/file_error.js";

const systemError = (code: string, message = `${code}: raw message`) =>
  Object.assign(new Error(message), { code });

describe("describeFileError", () => {
  it("says what a system error code means", () => {
    const e = (code: string) => systemError(code);
    expect(describeFileError(e("EROFS"), "write")).toBe(
      "the location is read-only (a read-only file system)",
    );
    expect(describeFileError(e("ENOSPC"), "write")).toBe("the disk is full (no space left on the device)");
    expect(describeFileError(e("EACCES"), "write")).toBe("permission denied");
    expect(describeFileError(e("ENOTDIR"), "write")).toBe("a parent of the path is a file, not a directory");
    expect(describeFileError(e("ENOENT"), "write")).toBe("no such directory");
    expect(describeFileError(e("ENOENT"), "read")).toBe("no such file");
    expect(describeFileError(e("EWHATEVER"), "read")).toBe("EWHATEVER: raw message");
    expect(describeFileError("not an error", "read")).toBe("not an error");
  });
});

describe("fileError", () => {
  it("names the op, the user's path, the reason and the code, and keeps the cause", () => {
    const cause = systemError("EROFS", "EROFS: read-only file system, open '/mnt/.m.strata-tmp-1-ab'");
    const err = fileError("saveModel", "write", "/mnt/m.safetensors", cause);
    expect(err).toBeInstanceOf(FileError);
    expect(err).toBeInstanceOf(StrataError);
    expect(err.name).toBe("FileError");
    expect(err.message).toBe(
      "saveModel: cannot write /mnt/m.safetensors: the location is read-only (a read-only file system) (EROFS)",
    );
    expect((err as FileError).path).toBe("/mnt/m.safetensors");
    expect(err.cause).toBe(cause);
    expect(Object.keys(err)).not.toContain("cause"); // like a native cause: not enumerable
  });

  it("adds context, hides the temp file's name, and passes Strata errors through", () => {
    const raw = systemError("EXDEV", "EXDEV: rename '/d/.m.strata-tmp-1-ab' -> '/d/m'");
    expect(
      fileError("op", "write", "/d/m", raw, { hidden: "/d/.m.strata-tmp-1-ab", context: "step" }).message,
    ).toBe("op: cannot write /d/m: step: EXDEV: rename '/d/m' -> '/d/m'");
    const strata = new ValueError("already clear");
    expect(fileError("op", "read", "/d/m", strata)).toBe(strata);
  });
});
