import { describe, expect, it } from "vitest";
import { collapse2d } from "../../../src/backends/wasm/collapse.js";

function rowMajor(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Element offsets of every position of `shape` walked row-major with `strides`. */
function offsets(shape: readonly number[], strides: readonly number[]): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let i = 0; i < size; i++) {
    let rest = i;
    let off = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      off += (rest % shape[d]) * strides[d];
      rest = Math.floor(rest / shape[d]);
    }
    out.push(off);
  }
  return out;
}

describe("collapse2d", () => {
  it("merges contiguous axes into one row", () => {
    expect(collapse2d([2, 3, 4], [rowMajor([2, 3, 4]), rowMajor([2, 3, 4])])).toEqual({
      rows: 1,
      cols: 24,
      strides: [
        [0, 1],
        [0, 1],
      ],
    });
    expect(collapse2d([5], [[1]])).toEqual({ rows: 1, cols: 5, strides: [[0, 1]] });
  });

  it("treats a rank-0 shape as one element", () => {
    expect(collapse2d([], [[], []])).toEqual({
      rows: 1,
      cols: 1,
      strides: [
        [0, 0],
        [0, 0],
      ],
    });
  });

  it("drops size-1 axes whatever their strides", () => {
    expect(collapse2d([1, 3, 1, 4, 1], [[999, 4, 7, 1, 5]])).toEqual({
      rows: 1,
      cols: 12,
      strides: [[0, 1]],
    });
    expect(collapse2d([1, 1], [[3, 9]])).toEqual({ rows: 1, cols: 1, strides: [[0, 0]] });
  });

  it("keeps broadcast (stride 0) axes, merging them with each other", () => {
    // a row vector broadcast over [2, 3, 4] rows: 6 rows of 4
    expect(collapse2d([2, 3, 4], [rowMajor([2, 3, 4]), [0, 0, 1]])).toEqual({
      rows: 6,
      cols: 4,
      strides: [
        [4, 1],
        [0, 1],
      ],
    });
    // a column vector [2, 3, 1] broadcast to [2, 3, 4]
    expect(collapse2d([2, 3, 4], [rowMajor([2, 3, 4]), [3, 1, 0]])).toEqual({
      rows: 6,
      cols: 4,
      strides: [
        [4, 1],
        [1, 0],
      ],
    });
    // a scalar broadcast everywhere
    expect(collapse2d([2, 3, 4], [rowMajor([2, 3, 4]), [0, 0, 0]])).toEqual({
      rows: 1,
      cols: 24,
      strides: [
        [0, 1],
        [0, 0],
      ],
    });
  });

  it("keeps a strided (sliced) outer axis", () => {
    expect(collapse2d([3, 5], [[8, 1], rowMajor([3, 5])])).toEqual({
      rows: 3,
      cols: 5,
      strides: [
        [8, 1],
        [5, 1],
      ],
    });
    // a transposed operand stays 2-D with an inner stride that is not 1
    expect(collapse2d([3, 5], [[1, 3]])).toEqual({ rows: 3, cols: 5, strides: [[1, 3]] });
  });

  it("returns null when three or more axes cannot merge", () => {
    // broadcast in the middle axis only
    expect(collapse2d([2, 3, 4], [rowMajor([2, 3, 4]), [4, 0, 1]])).toBeNull();
    // broadcast on the outer and inner axes
    expect(collapse2d([2, 3, 4], [rowMajor([2, 3, 4]), [0, 1, 0]])).toBeNull();
    // a permuted operand
    expect(collapse2d([2, 3, 4], [[4, 8, 1]])).toBeNull();
    // 4-D with alternating broadcasts
    expect(collapse2d([2, 3, 5, 7], [rowMajor([2, 3, 5, 7]), [0, 7, 0, 1]])).toBeNull();
  });

  it("the plan walks exactly the offsets the original strides do (random shapes and strides)", () => {
    let seed = 99;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    let planned = 0;
    let refused = 0;
    for (let t = 0; t < 3000; t++) {
      const rank = rand(5);
      const shape = Array.from({ length: rank }, () => [1, 1, 2, 3, 4][rand(5)]);
      const contiguous = rowMajor(shape);
      // each operand: contiguous, or with some axes broadcast (0) or strided (×2)
      const operands = Array.from({ length: 1 + rand(3) }, () =>
        contiguous.map((s) => [s, s, 0, 2 * s][rand(4)]),
      );
      const plan = collapse2d(shape, operands);
      if (plan === null) {
        refused++;
        continue;
      }
      planned++;
      const size = shape.reduce((a, b) => a * b, 1);
      expect(plan.rows * plan.cols).toBe(size);
      operands.forEach((st, o) => {
        const [s0, s1] = plan.strides[o];
        const walked: number[] = [];
        for (let r = 0; r < plan.rows; r++) for (let c = 0; c < plan.cols; c++) walked.push(r * s0 + c * s1);
        expect(walked, `shape [${shape}] strides [${st}]`).toEqual(offsets(shape, st));
      });
    }
    // both outcomes were exercised
    expect(planned).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });
});
