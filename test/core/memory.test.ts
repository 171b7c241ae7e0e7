import { describe, expect, it } from "vitest";
import { WasmBackend } from "../../src/backends/wasm/index.js";
import { getBackend, registerBackend, setBackend } from "../../src/backends/registry.js";
import { collector } from "../../src/core/collector.js";
import { DisposedError, OutOfMemoryError } from "../../src/base/errors.js";
import { keep, tidy } from "../../src/core/memory.js";
import type { Tensor } from "../../src/core/tensor.js";
import { randn, tensor, zeros } from "../../src/ops/creation.js";
import { describeEachBackend } from "../helpers/backends.js";

const live = () => getBackend().memory().storages;
const bytes = () => getBackend().memory().bytes;

/** A read whose synchronous throw (a disposed tensor) becomes a rejection, as an awaited read's. */
const read = async (f: () => Promise<unknown>) => f();

describeEachBackend("memory", () => {
  describe("tidy", () => {
    it("releases intermediates and keeps the returned tensor", async () => {
      const x = tensor([1, 2, 3]);
      const before = live();
      const y = tidy(() => x.mul(2).add(1).exp().sum());
      expect(live()).toBe(before + 1);
      expect(y.isDisposed).toBe(false);
      expect(await y.itemAsync()).toBeCloseTo(Math.exp(3) + Math.exp(5) + Math.exp(7), 2);
      y.dispose();
      expect(live()).toBe(before);
      expect(x.isDisposed).toBe(false);
    });

    it("keeps tensors returned in arrays, plain objects and maps", async () => {
      const x = tensor([1, 2]);
      const before = live();
      const out = tidy(() => {
        x.neg().neg();
        return { a: x.add(1), list: [x.mul(3), { deep: x.sub(1) }], m: new Map([["k", x.div(2)]]) };
      });
      expect(live()).toBe(before + 4);
      expect(await out.a.array()).toEqual([2, 3]);
      expect(out.list[0] as Tensor).toBeDefined();
      expect(await (out.list[1] as { deep: Tensor }).deep.array()).toEqual([0, 1]);
      expect(await out.m.get("k")!.array()).toEqual([0.5, 1]);
    });

    it("counts bytes as well as storages", async () => {
      const before = bytes();
      const t = tidy(() => zeros([10, 10]).add(1));
      expect(bytes()).toBe(before + 400);
      t.dispose();
      expect(bytes()).toBe(before);
    });

    it("nested scopes hand returned tensors to the outer scope", async () => {
      const before = live();
      let inner: Tensor | null = null;
      const outer = tidy(() => {
        inner = tidy(() => zeros([2]).add(1));
        expect(live()).toBe(before + 1);
        return inner.mul(2);
      });
      expect(live()).toBe(before + 1);
      expect(inner!.isDisposed).toBe(true);
      expect(await outer.array()).toEqual([2, 2]);
      outer.dispose();
    });

    it("keep() exempts a tensor from every enclosing scope", async () => {
      const before = live();
      let kept: Tensor | null = null;
      tidy(() => {
        tidy(() => {
          kept = keep(zeros([3]).add(5));
          zeros([3]);
        });
      });
      expect(live()).toBe(before + 1);
      expect(await kept!.array()).toEqual([5, 5, 5]);
      kept!.dispose();
      expect(live()).toBe(before);
    });

    it("releases the scope even when fn throws", async () => {
      const before = live();
      expect(() =>
        tidy(() => {
          zeros([4]);
          throw new Error("inside");
        }),
      ).toThrow("inside");
      expect(live()).toBe(before);
      // and the scope stack is intact afterwards
      const after = tidy(() => zeros([1]).sum());
      expect(live()).toBe(before + 1);
      after.dispose();
    });

    it("a tensor used after its scope ended throws DisposedError", async () => {
      let leaked: Tensor | null = null;
      tidy(() => {
        leaked = zeros([2, 2]).add(1);
        return null;
      });
      await expect(read(() => leaked!.data())).rejects.toThrow(DisposedError);
      await expect(read(() => leaked!.data())).rejects.toThrow(/tidy\(\) scope/);
    });
  });

  describe("dispose", () => {
    it("releases memory once; using the tensor afterwards throws DisposedError", async () => {
      const before = live();
      const t = tensor([[1, 2, 3]]);
      expect(live()).toBe(before + 1);
      t.dispose();
      expect(t.isDisposed).toBe(true);
      expect(live()).toBe(before);
      t.dispose();
      expect(live()).toBe(before);
      await expect(read(() => t.data())).rejects.toThrow(DisposedError);
      await expect(read(() => t.array())).rejects.toThrow(DisposedError);
      const one = tensor([5]);
      one.dispose();
      await expect(read(() => one.itemAsync())).rejects.toThrow(DisposedError);
      await expect(read(() => t.toStringAsync())).rejects.toThrow(DisposedError);
      // printing synchronously is refused on webgpu before the tensor is looked at
      if (!getBackend().asyncReads) expect(() => t.toString()).toThrow(DisposedError);
      expect(() => t.add(1)).toThrow(DisposedError);
      expect(() => t.reshape(3)).toThrow(DisposedError);
      await expect(read(() => t.T.data())).rejects.toThrow(DisposedError);
      expect(() => t.sum()).toThrow(/used after dispose\(\)/);
      expect(() => t.sum()).toThrow(/shape \(1, 3\) and dtype float32/);
      await expect(t.data()).rejects.toThrow(DisposedError);
      // metadata stays readable
      expect(t.shape).toEqual([1, 3]);
    });

    it("Symbol.dispose disposes", async () => {
      const t = zeros([2]);
      t[Symbol.dispose]();
      expect(t.isDisposed).toBe(true);
    });

    it("views keep the buffer alive after the base is disposed", async () => {
      const before = live();
      const base = tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      const t = base.T;
      const v = t.slice(0, 1);
      const w = base.reshape(6);
      expect(live()).toBe(before + 1);
      base.dispose();
      expect(live()).toBe(before + 1);
      await expect(read(() => base.data())).rejects.toThrow(DisposedError);
      expect(await v.array()).toEqual([
        [2, 5],
        [3, 6],
      ]);
      v.dispose();
      t.dispose();
      expect(live()).toBe(before + 1);
      expect(await w.array()).toEqual([1, 2, 3, 4, 5, 6]);
      w.dispose();
      expect(live()).toBe(before);
    });

    it("a view returned from tidy keeps its base's buffer; the base handle is disposed", async () => {
      const before = live();
      let base: Tensor | null = null;
      const v = tidy(() => {
        base = zeros([2, 3]).add(2);
        return base.select(1, 0);
      });
      expect(base!.isDisposed).toBe(true);
      expect(live()).toBe(before + 1);
      expect(await v.array()).toEqual([2, 2]);
      v.dispose();
      expect(live()).toBe(before);
    });

    it("assign replaces the contents in place without leaking", async () => {
      const p = tensor([1, 2, 3]);
      const before = live();
      tidy(() => {
        p.assign(p.mul(10));
      });
      expect(live()).toBe(before);
      expect(await p.array()).toEqual([10, 20, 30]);
      tidy(() => {
        p.assign(tensor([[7, 8, 9]]).T.reshape(3));
      });
      expect(live()).toBe(before);
      expect(await p.array()).toEqual([7, 8, 9]);
      expect(() => p.assign(zeros([2]))).toThrow(
        /assign: value of shape \(2,\) does not match target \(3,\)/,
      );
      expect(() => p.assign(zeros([3], { dtype: "int32" }))).toThrow(/dtype/);
    });
  });

  describe("autograd and memory", () => {
    it("backward inside tidy leaves only the leaf gradients alive", async () => {
      const x = randn([4, 3], { requiresGrad: true });
      const w = randn([3, 2], { requiresGrad: true });
      const before = live();
      tidy(() => {
        const loss = x.matmul(w).relu().add(1).pow(2).mean();
        loss.backward();
      });
      expect(live()).toBe(before + 2);
      expect(x.grad!.shape).toEqual([4, 3]);
      expect(w.grad!.shape).toEqual([3, 2]);
      // a second step accumulates into the same gradients
      tidy(() => {
        x.matmul(w).sum().backward();
      });
      expect(live()).toBe(before + 2);
      x.grad!.dispose();
      w.grad!.dispose();
      expect(live()).toBe(before);
    });

    it("backward frees its own temporaries even outside tidy", async () => {
      const x = randn([8], { requiresGrad: true });
      const y = x.mul(x).sin().sum();
      const before = live();
      y.backward();
      expect(live()).toBe(before + 1); // x.grad
    });
  });

  it("the safety net: dropped tensors come back once the loop yields to the event loop", async () => {
    const before = bytes();
    // 200 MiB dropped unused; the collector runs on Strata's own pressure, not V8's
    for (let i = 0; i < 100; i++) {
      zeros([2 ** 19]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (let i = 0; i < 20 && bytes() > before + 100 * 2 ** 20; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(bytes()).toBeLessThan(before + 100 * 2 ** 20);
  });
});

describe("running out of memory", () => {
  it("a synchronous loop that drops tensors is reclaimed where the engine can, else told why", () => {
    registerBackend("wasm-64mib", () => new WasmBackend({ maxBytes: 64 * 2 ** 20, threads: 1 }));
    const previous = getBackend().name;
    setBackend("wasm-64mib");
    try {
      const run = () => {
        // 400 MiB of 4 MiB tensors, each dropped at once, with no await in between
        for (let i = 0; i < 100; i++)
          randn([2 ** 20])
            .sum()
            .item();
      };
      if (collector.reclaimsSynchronously) {
        expect(run).not.toThrow();
      } else {
        expect(run).toThrow(OutOfMemoryError);
        expect(run).toThrow(/since the event loop last ran.*yield to the event loop/s);
      }
    } finally {
      setBackend(previous);
    }
  });
});
