import { describe, expect, it } from "vitest";
import { cpuBetween, peakRssBytes, vmHwmBytes } from "../../loadtest/shared.js";

describe("load harness figures: server CPU over the play window and peak RSS", () => {
  it("reads VmHWM (kB) from a /proc status text, and this process's own", () => {
    expect(vmHwmBytes("Name:\tnode\nVmPeak:\t  900 kB\nVmHWM:\t   123456 kB\nVmRSS:\t  100000 kB\n")).toBe(123456 * 1024);
    expect(vmHwmBytes("Name:\tnode\nVmRSS:\t  100000 kB\n")).toBeNull();
    const own = peakRssBytes(process.pid);
    if (own !== null) expect(own).toBeGreaterThanOrEqual(process.memoryUsage().rss / 2); // Linux: /proc exists
    expect(peakRssBytes(2 ** 30)).toBeNull(); // no such process
  });

  it("CPU between two instants interpolates the cumulative counter at each end", () => {
    const samples = [
      { at: 3000, cpuSeconds: 5 },
      { at: 1000, cpuSeconds: 1 },
      { at: 2000, cpuSeconds: 3 },
    ];
    expect(cpuBetween(samples, 1000, 3000)).toBe(4);
    expect(cpuBetween(samples, 1500, 2500)).toBe(2);
    expect(cpuBetween(samples, 2000, 2000)).toBe(0);
    expect(cpuBetween(samples, 500, 2500)).toBeNull(); // no reading before the start
    expect(cpuBetween(samples, 1500, 3500)).toBeNull(); // none after the end
    expect(cpuBetween(samples, 2500, 1500)).toBeNull();
    expect(cpuBetween([], 0, 1)).toBeNull();
  });
});
