import { describe, expect, it } from "vitest";
import { clientAddressOf, trustOf, upgradeAddress } from "./clientAddress.js";

describe("client address under TRUST_PROXY (the rules express applies to req.ip)", () => {
  it("false: the socket's peer, whatever X-Forwarded-For says", () => {
    expect(clientAddressOf("198.51.100.1", "203.0.113.9, 10.0.0.2", trustOf("false"))).toBe("198.51.100.1");
  });

  it("a hop count: that many proxies from the socket are believed", () => {
    expect(clientAddressOf("10.0.0.1", "6.6.6.6, 203.0.113.9", trustOf("1"))).toBe("203.0.113.9");
    expect(clientAddressOf("10.0.0.1", "6.6.6.6, 203.0.113.9", trustOf("2"))).toBe("6.6.6.6");
    expect(clientAddressOf("10.0.0.1", undefined, trustOf("1"))).toBe("10.0.0.1");
  });

  it("a subnet list: hops inside it are skipped, the first outside it is the client", () => {
    expect(clientAddressOf("127.0.0.1", "6.6.6.6, 203.0.113.9", trustOf("loopback"))).toBe("203.0.113.9");
    expect(clientAddressOf("198.51.100.1", "6.6.6.6", trustOf("loopback"))).toBe("198.51.100.1");
  });

  it("an upgrade without forwarding headers is keyed by the transport's peer; with them, only a hop count is believed (uWebSockets.js)", () => {
    const headers = (h: Record<string, string>) => new Headers(h);
    expect(upgradeAddress({ ip: "198.51.100.1", headers: headers({}) }, false, "false", trustOf("false"))).toEqual({ ok: true, address: "198.51.100.1" });
    expect(upgradeAddress({ ip: "6.6.6.6", headers: headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.9" }) }, false, "1", trustOf("1"))).toEqual({ ok: true, address: "203.0.113.9" });
    expect(upgradeAddress({ ip: "6.6.6.6", headers: headers({ "x-forwarded-for": "6.6.6.6" }) }, false, "false", trustOf("false"))).toMatchObject({ ok: false });
    expect(upgradeAddress({ ip: "6.6.6.6", headers: headers({ "x-real-ip": "6.6.6.6" }) }, false, "1", trustOf("1"))).toMatchObject({ ok: false });
    // The ws transport rewrote the headers already: its address stands.
    expect(upgradeAddress({ ip: "198.51.100.1", headers: headers({ "x-real-ip": "198.51.100.1" }) }, true, "false", trustOf("false"))).toEqual({ ok: true, address: "198.51.100.1" });
  });
});
