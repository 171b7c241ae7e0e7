import { describe, expect, it } from "vitest";
import { RefBackend } from "../../src/backends/ref/index.js";
import { backendInfo, getBackend, setBackend } from "../../src/backends/registry.js";

describe("backendInfo", () => {
  it("describes the CPU backends: no adapter, synchronous reads", () => {
    const before = getBackend();
    try {
      expect(backendInfo(setBackend("ref"))).toEqual({ name: "ref", asyncReads: false, adapter: null });
      // the current backend by default
      expect(backendInfo()).toEqual({ name: "ref", asyncReads: false, adapter: null });
      expect(backendInfo(setBackend("wasm")).adapter).toBeNull();
    } finally {
      setBackend(before.name);
    }
  });

  it("reports the adapter a backend names, and null for an empty name", () => {
    const named = Object.assign(new RefBackend(), { adapterName: "Some GPU" });
    expect(backendInfo(named).adapter).toBe("Some GPU");
    const unnamed = Object.assign(new RefBackend(), { adapterName: "" });
    expect(backendInfo(unnamed).adapter).toBeNull();
  });
});
