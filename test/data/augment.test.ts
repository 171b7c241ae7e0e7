import { describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "../../src/base/errors.js";
import { Generator } from "../../src/core/random.js";
import type { Tensor } from "../../src/core/tensor.js";
import {
  Normalize,
  RandomAffine,
  RandomCrop,
  RandomHorizontalFlip,
  RandomRotation,
  RandomShift,
} from "../../src/data/augment.js";
import { arange, full, randint, tensor } from "../../src/ops/creation.js";

/** `n` copies of the image 0..h·w−1 (plus 100·channel), float32 `[n, c, h, w]`. */
function iotaImages(n: number, c: number, h: number, w: number): Tensor {
  const one = arange(c * h * w)
    .reshape([1, c, h, w])
    .float();
  return one.expand([n, c, h, w]).contiguous();
}

const planes = (t: Tensor) => t.toArray() as number[][][][];

describe("RandomCrop", () => {
  it("takes a window of the zero-padded image, drawn per image, covering every offset", () => {
    const x = iotaImages(400, 2, 3, 3).add(1); // 1..9 in channel 0, 10..18 in channel 1; padding gives 0
    const out = planes(new RandomCrop(3, { padding: 1, generator: new Generator(0) }).apply(x));
    const offsets = new Set<string>();
    for (const image of out) {
      // the offset is where the input's first pixel (value 1) landed, or follows from the zeros
      let found: [number, number] | null = null;
      for (let oy = -1; oy <= 1 && !found; oy++) {
        for (let ox = -1; ox <= 1 && !found; ox++) {
          const expected = [0, 1].map((ch) =>
            [0, 1, 2].map((i) =>
              [0, 1, 2].map((j) => {
                const y = i + oy;
                const xx = j + ox;
                return y >= 0 && y < 3 && xx >= 0 && xx < 3 ? 1 + 9 * ch + y * 3 + xx : 0;
              }),
            ),
          );
          if (JSON.stringify(expected) === JSON.stringify(image)) found = [oy, ox];
        }
      }
      expect(found).not.toBeNull();
      offsets.add(String(found));
    }
    expect(offsets.size).toBe(9); // all 3×3 offsets, both channels moved together
  });

  it("crops to a smaller size, fills with `fill`, and is reproducible with a seeded generator", () => {
    const x = iotaImages(5, 1, 4, 6);
    const a = new RandomCrop([2, 3], { padding: [0, 2], fill: -1, generator: new Generator(7) }).apply(x);
    const b = new RandomCrop([2, 3], { padding: [0, 2], fill: -1, generator: new Generator(7) }).apply(x);
    expect(a.shape).toEqual([5, 1, 2, 3]);
    expect(a.toArray()).toEqual(b.toArray());
    // one image [C, H, W] in, one image out
    expect(new RandomCrop(2).apply(iotaImages(1, 3, 4, 4).reshape([3, 4, 4])).shape).toEqual([3, 2, 2]);
    expect(() => new RandomCrop(5).apply(iotaImages(1, 1, 4, 4))).toThrow(ShapeError);
    expect(() => new RandomCrop(5).apply(iotaImages(1, 1, 4, 4))).toThrow(
      "RandomCrop: a 5×5 crop does not fit images of 4×4 padded by 0×0 (input (1, 1, 4, 4))",
    );
    expect(() => new RandomCrop(2).apply(arange(4).reshape([2, 2]))).toThrow(
      /expected images \[N, C, H, W\] or one image \[C, H, W\], got \(2, 2\)/,
    );
  });
});

describe("RandomHorizontalFlip", () => {
  it("mirrors whole images (all channels) with probability p, per image", () => {
    const x = iotaImages(300, 2, 2, 3);
    // each row reversed, by hand
    const flipped = planes(x).map((image) => image.map((plane) => plane.map((row) => [...row].reverse())));
    expect(new RandomHorizontalFlip({ p: 1 }).apply(x).toArray()).toEqual(flipped);
    expect(new RandomHorizontalFlip({ p: 0 }).apply(x).toArray()).toEqual(x.toArray());
    const out = planes(new RandomHorizontalFlip({ generator: new Generator(1) }).apply(x));
    const original = planes(x)[0];
    const mirrored = flipped[0];
    let count = 0;
    for (const image of out) {
      const isFlipped = JSON.stringify(image) === JSON.stringify(mirrored);
      expect(isFlipped || JSON.stringify(image) === JSON.stringify(original)).toBe(true);
      if (isFlipped) count++;
    }
    // binomial(300, 0.5): 150 ± 8.7; 110..190 is beyond 4.5 standard deviations
    expect(count).toBeGreaterThan(110);
    expect(count).toBeLessThan(190);
    expect(() => new RandomHorizontalFlip({ p: 2 })).toThrow(ValueError);
  });
});

describe("RandomShift", () => {
  it("moves each image by whole pixels within maxShift, filling the uncovered edge", () => {
    const x = iotaImages(200, 1, 4, 5).add(1);
    const out = planes(new RandomShift({ maxShift: [1, 2], fill: -7, generator: new Generator(2) }).apply(x));
    const seen = new Set<string>();
    for (const [image] of out) {
      let match: string | null = null;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          const expected = [0, 1, 2, 3].map((i) =>
            [0, 1, 2, 3, 4].map((j) => {
              const y = i - dy;
              const xx = j - dx;
              return y >= 0 && y < 4 && xx >= 0 && xx < 5 ? 1 + y * 5 + xx : -7;
            }),
          );
          if (JSON.stringify(expected) === JSON.stringify(image)) match = `${dy},${dx}`;
        }
      }
      expect(match).not.toBeNull();
      seen.add(match!);
    }
    expect(seen.size).toBe(15);
  });
});

describe("RandomAffine and RandomRotation", () => {
  it("rotates counter-clockwise for positive angles, as torchvision (rot90 for 90°)", () => {
    const x = arange(16).reshape([1, 1, 4, 4]).float();
    const rot = (deg: number, interpolation: "bilinear" | "nearest") =>
      new RandomRotation([deg, deg], { interpolation }).apply(x);
    // torch.rot90(x, 1, [2, 3]): out[i][j] = x[j][W − 1 − i]
    const expected = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => j * 4 + (3 - i)));
    expect(rot(90, "nearest").toArray()).toEqual([[expected]]);
    const bilinear = rot(90, "bilinear").toArray() as number[][][][];
    for (const [i, row] of bilinear[0][0].entries()) {
      for (const [j, v] of row.entries()) expect(v).toBeCloseTo(expected[i][j], 5);
    }
    // two quarter turns are a half turn
    const half = rot(180, "nearest").toArray();
    expect(half).toEqual(
      new RandomRotation([90, 90], { interpolation: "nearest" }).apply(rot(90, "nearest")).toArray(),
    );
  });

  it("is the identity with empty ranges, and fills what comes from outside", () => {
    const x = iotaImages(3, 2, 5, 5);
    expect(new RandomAffine({ degrees: 0, scale: [1, 1], translate: [0, 0] }).apply(x).toArray()).toEqual(
      x.toArray(),
    );
    // 45° of a square: the corners come from outside the image
    const turned = planes(new RandomRotation([45, 45], { fill: -1 }).apply(full([1, 1, 9, 9], 2)));
    expect(turned[0][0][0][0]).toBe(-1);
    expect(turned[0][0][4][4]).toBe(2);
    // a zoom of 2 about the centre: the centre pixel stays, a pixel two away comes from one away
    const zoomed = planes(new RandomAffine({ scale: [2, 2], interpolation: "nearest" }).apply(x));
    expect(zoomed[0][0][2][2]).toBe(12);
    expect(zoomed[0][0][2][4]).toBe(13);
  });

  it("draws its parameters per image and reproducibly; integer images become float32", () => {
    const x = iotaImages(4, 1, 6, 6);
    const make = () => new RandomAffine({ degrees: 20, translate: [0.2, 0.2], generator: new Generator(9) });
    const a = planes(make().apply(x));
    expect(a).toEqual(planes(make().apply(x)));
    expect(JSON.stringify(a[0])).not.toBe(JSON.stringify(a[1]));
    const ints = make().apply(randint(0, 255, [2, 1, 6, 6]));
    expect(ints.dtype).toBe("float32");
    expect(() => new RandomAffine({ scale: [0, 1] })).toThrow(
      /scale must be \[min, max\] with 0 < min ≤ max/,
    );
    expect(() => new RandomAffine({ translate: [2, 0] })).toThrow(/translate must be \[fx, fy\]/);
    expect(() => new RandomRotation([10, -10])).toThrow(/RandomRotation: degrees must be/);
  });
});

describe("Normalize", () => {
  it("normalises per channel of batches and single images", () => {
    const norm = new Normalize([1, 2], [2, 4]);
    const batch = tensor([[[[3]], [[10]]]]);
    expect(norm.apply(batch).toArray()).toEqual([[[[1]], [[2]]]]);
    expect(norm.apply(tensor([[[3]], [[10]]])).toArray()).toEqual([[[1]], [[2]]]);
  });
});
