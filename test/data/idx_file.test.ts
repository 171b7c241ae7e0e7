import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { FileError, ValueError } from "../../src/base/errors.js";
import { parseIdx } from "../../src/data/idx.js";
import { gunzipWeb, isGzip, loadIdx } from "../../src/data/idx_file.js";
import { idxBytes } from "../helpers/idx_bytes.js";

const idx = idxBytes;

const dir = mkdtempSync(join(tmpdir(), "strata-idx-"));
// 3 images of 2×4 pixels, values 0..23
const pixels = Uint8Array.from({ length: 24 }, (_, i) => i);
const plain = idx(0x08, [3, 2, 4], pixels);
// float32 values in big-endian order: the parser's byte swapping is exercised through the gzip path
const floats = new Uint8Array(8);
new DataView(floats.buffer).setFloat32(0, 1.5, false);
new DataView(floats.buffer).setFloat32(4, -2.25, false);

describe("loadIdx", () => {
  it("reads plain and gzip files alike, telling them apart by the magic bytes", async () => {
    // the names do not say which is compressed: detection is by content
    writeFileSync(join(dir, "a"), plain);
    writeFileSync(join(dir, "b"), gzipSync(plain));
    const a = await loadIdx(join(dir, "a"));
    const b = await loadIdx(join(dir, "b"));
    for (const r of [a, b]) {
      expect(r.type).toBe("uint8");
      expect(r.dims).toEqual([3, 2, 4]);
      expect(Array.from(r.data)).toEqual(Array.from(pixels));
    }
    writeFileSync(join(dir, "f.gz"), gzipSync(idx(0x0d, [2], floats)));
    const f = await loadIdx(pathToFileURL(join(dir, "f.gz")));
    expect(f.data).toBeInstanceOf(Float32Array);
    expect(Array.from(f.data)).toEqual([1.5, -2.25]);
  });

  it("takes bytes in memory, compressed or not", async () => {
    expect((await loadIdx(plain)).dims).toEqual([3, 2, 4]);
    const packed = gzipSync(plain);
    const fromBuffer = await loadIdx(
      packed.buffer.slice(packed.byteOffset, packed.byteOffset + packed.length),
    );
    expect(Array.from(fromBuffer.data)).toEqual(Array.from(pixels));
  });

  it("names the file in its errors", async () => {
    const missing = join(dir, "missing.gz");
    const error = await loadIdx(missing).catch((e) => e);
    expect(error).toBeInstanceOf(FileError);
    expect(error.message).toMatch(/^loadIdx: .*missing\.gz.*no such file/);
    // gzip's magic and then garbage
    writeFileSync(join(dir, "broken.gz"), Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    await expect(loadIdx(join(dir, "broken.gz"))).rejects.toThrow(
      /loadIdx: .*broken\.gz starts like a gzip file \(0x1f 0x8b\) but could not be decompressed/,
    );
    // decompressed, but not IDX
    writeFileSync(join(dir, "text.gz"), gzipSync(new TextEncoder().encode("hello")));
    const notIdx = await loadIdx(join(dir, "text.gz")).catch((e) => e);
    expect(notIdx).toBeInstanceOf(ValueError);
    expect(notIdx.message).toMatch(/text\.gz: bad IDX magic/);
  });

  it.skipIf(!existsSync("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"))(
    "reads Fashion-MNIST's gzip files as parseIdx reads them once node:zlib has unpacked them",
    async () => {
      const path = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";
      const labels = await loadIdx(path);
      const expected = parseIdx(gunzipSync(readFileSync(path)));
      expect(labels.dims).toEqual([10000]);
      expect(labels.data).toBeInstanceOf(Uint8Array);
      expect(Array.from(labels.data)).toEqual(Array.from(expected.data));
    },
  );
});

describe("gzip detection and the browser's decompression", () => {
  it("isGzip looks at the first two bytes only", () => {
    expect(isGzip(gzipSync(plain))).toBe(true);
    expect(isGzip(plain)).toBe(false);
    expect(isGzip(new Uint8Array([0x1f]))).toBe(false);
  });

  it("gunzipWeb (DecompressionStream) gives what node:zlib gives", async () => {
    const packed = gzipSync(plain);
    expect(Array.from(await gunzipWeb(packed))).toEqual(Array.from(gunzipSync(packed)));
    // a view into a larger buffer: only its own bytes are decompressed
    const padded = new Uint8Array(packed.length + 10);
    padded.set(packed, 5);
    expect(Array.from(await gunzipWeb(padded.subarray(5, 5 + packed.length)))).toEqual(Array.from(plain));
  });
});
