/**
 * System file errors (`EROFS`, `ENOSPC`, ...) turned into `FileError`s that say what went wrong in words
 * and name the user's path, not a hidden temporary file. Pure (no Node APIs).
 */

import { FileError, StrataError } from "../base/errors.js";

/** Reasons that read the same whatever was being done. */
const REASONS: Record<string, string> = {
  EROFS: "the location is read-only (a read-only file system)",
  EACCES: "permission denied",
  EPERM: "operation not permitted (the location may be read-only or immutable, or you lack permission)",
  ENOSPC: "the disk is full (no space left on the device)",
  EDQUOT: "the disk quota is used up",
  EFBIG: "the file is too large for the file system",
  ENAMETOOLONG: "the name is too long",
  EMFILE: "too many open files",
  ENFILE: "too many open files in the system",
  EIO: "an input/output error on the device",
  EBUSY: "the file is busy (in use by another program)",
  ELOOP: "too many levels of symbolic links",
  EISDIR: "it is a directory",
  ENOTDIR: "a parent of the path is a file, not a directory",
  EEXIST: "a parent of the path is a file, not a directory",
};

/**
 * The reason of a system file error in words, e.g. `"the disk is full (no space left on the device)"`.
 * `action` decides what a missing path means: a missing file when reading, a missing folder when writing
 * (it vanished during the save). Errors without a known `code` give their own message.
 * @example
 * describeFileError(Object.assign(new Error("ENOSPC: no space left"), { code: "ENOSPC" }), "write");
 * // "the disk is full (no space left on the device)"
 * describeFileError(Object.assign(new Error("ENOENT"), { code: "ENOENT" }), "read"); // "no such file"
 */
export function describeFileError(err: unknown, action: "read" | "write"): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "ENOENT") return action === "read" ? "no such file" : "no such directory";
  if (typeof code === "string" && Object.hasOwn(REASONS, code)) return REASONS[code];
  return err instanceof Error ? err.message : String(err);
}

/**
 * A `FileError` for `err`: `"<op>: cannot <action> <path>: [<context>: ]<reason> (<CODE>)"`, keeping `err`
 * as `cause`. `hidden` (a temporary file's path) is replaced by `path` wherever the raw message would
 * show it. A `StrataError` passes through unchanged.
 * @example
 * const err = Object.assign(new Error("EROFS: read-only file system"), { code: "EROFS" }); // from fs
 * const e = fileError("saveModel", "write", "runs/m.safetensors", err);
 * e.message; // "saveModel: cannot write runs/m.safetensors: the location is read-only (a read-only file system) (EROFS)"
 * e.cause === err; // true
 */
export function fileError(
  op: string,
  action: "read" | "write",
  path: string,
  err: unknown,
  options: { hidden?: string; context?: string } = {},
): StrataError {
  if (err instanceof StrataError) return err;
  let reason = describeFileError(err, action);
  if (options.hidden !== undefined) reason = reason.split(options.hidden).join(path);
  const code = (err as { code?: unknown } | null)?.code;
  const suffix = typeof code === "string" && !reason.includes(code) ? ` (${code})` : "";
  const context = options.context === undefined ? "" : `${options.context}: `;
  return new FileError(`${op}: cannot ${action} ${path}: ${context}${reason}${suffix}`, path, { cause: err });
}
