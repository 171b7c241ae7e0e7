import { describe, expect, it } from "vitest";
import { backendInfo } from "../../../src/backends/registry.js";
import { webgpuOrSkip } from "../../helpers/webgpu.js";

const gpu = await webgpuOrSkip("backendInfo on webgpu");

describe.skipIf(gpu === null)("backendInfo on webgpu", () => {
  it("names the adapter the device came from", () => {
    const info = backendInfo(gpu!);
    expect(info.name).toBe("webgpu");
    expect(info.asyncReads).toBe(true);
    expect(typeof info.adapter).toBe("string");
    expect(info.adapter!.length).toBeGreaterThan(0);
    // in CI the adapter is Mesa's lavapipe; elsewhere whatever GPU the driver offers
    console.log(`webgpu adapter: ${info.adapter}`);
  });
});
