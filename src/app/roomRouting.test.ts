import { describe, expect, it } from "vitest";
import { LocalPresence } from "@colyseus/core";
import { createRoomRouter, decideRoute, hostProcessOf, joinPathOf, parseAddress, roomIdOfPath, type RouteFacts, type RouteFallback } from "./roomRouting.js";

const facts = (over: Partial<RouteFacts>): RouteFacts => ({
  mode: "fly-replay",
  alreadyRouted: false,
  selfProcessId: "p-self",
  hostProcessId: "p-other",
  host: { machineId: "m-other", address: "10.0.0.9:2567" },
  ...over,
});

describe("room routing", () => {
  it("reads the room id of a join path as the transports do", () => {
    expect(roomIdOfPath("/p1/0f8a-room")).toBe("0f8a-room");
    expect(roomIdOfPath("/")).toBeNull();
    expect(roomIdOfPath("/matchmake")).toBeNull();
    expect(joinPathOf("/p1/0f8a-room")).toEqual({ processId: "p1", roomId: "0f8a-room" });
    expect(joinPathOf("/matchmake")).toBeNull();
  });

  it("the host is the process the listing names, else the one the join path names", () => {
    expect(hostProcessOf("p-listed", "p-path")).toBe("p-listed");
    expect(hostProcessOf(null, "p-path")).toBe("p-path");
  });

  it("decideRoute: replays or forwards only a room hosted by another, reachable process; never twice", () => {
    expect(decideRoute(facts({}))).toEqual({ kind: "replay", machineId: "m-other" });
    expect(decideRoute(facts({ mode: "forward" }))).toEqual({ kind: "forward", address: "10.0.0.9:2567" });
    expect(decideRoute(facts({ mode: "off" }))).toEqual({ kind: "local" });
    expect(decideRoute(facts({ alreadyRouted: true }))).toEqual({ kind: "local" });
    expect(decideRoute(facts({ hostProcessId: "p-self" }))).toEqual({ kind: "local" });
    expect(decideRoute(facts({ hostProcessId: null }))).toEqual({ kind: "local" });
    expect(decideRoute(facts({ host: null }))).toEqual({ kind: "local" });
    expect(decideRoute(facts({ mode: "forward", host: { machineId: "m-other" } }))).toEqual({ kind: "local" });
  });

  it("parses host:port, IPv6 in brackets; refuses anything else", () => {
    expect(parseAddress("10.0.0.2:2567")).toEqual({ host: "10.0.0.2", port: 2567 });
    expect(parseAddress("[fdaa::3]:2567")).toEqual({ host: "fdaa::3", port: 2567 });
    expect(() => parseAddress("10.0.0.2")).toThrow();
    expect(() => parseAddress("h:99999")).toThrow();
  });

  it("the router finds the host through its registration in presence, ignores a malformed one, and skips upgrades it hosts", async () => {
    const presence = new LocalPresence();
    const invalid: string[] = [];
    const local = new Set(["room-here"]);
    const listings = new Map([["room-there", "p-b"], ["room-bad", "p-bad"], ["room-here", "p-a"]]);
    const fallbacks: RouteFallback[] = [];
    const router = (self: string) =>
      createRoomRouter("fly-replay", {
        presence,
        registryKey: "t:routes",
        selfProcessId: () => self,
        hostsLocally: (id) => self === "p-a" && local.has(id),
        hostOf: (id) => Promise.resolve(listings.get(id) ?? null),
        onInvalidEntry: (pid) => invalid.push(pid),
        onFallback: (f) => fallbacks.push(f),
        retryDelaysMs: [1, 1, 1],
      });
    await router("p-b").register({ machineId: "m-b" });
    await presence.hset("t:routes", "p-bad", "{not json");
    const a = router("p-a");
    expect(a.servesLocally("/p-a/room-here", {})).toBe(true);
    expect(a.servesLocally("/p-b/room-there", {})).toBe(false);
    expect(a.servesLocally("/p-b/room-there", { "fly-replay-src": "instance=m-x" })).toBe(true);
    expect(await a.route("/p-b/room-there", {})).toEqual({ kind: "replay", machineId: "m-b" });
    expect(await a.route("/p-bad/room-bad", {})).toEqual({ kind: "local" });
    expect(invalid).toContain("p-bad");
    // No listing: the process the path names hosts it; an unknown process is looked up 4 times, then served here.
    expect(await a.route("/p-b/room-unlisted", {})).toEqual({ kind: "replay", machineId: "m-b" });
    fallbacks.length = 0;
    expect(await a.route("/p-x/room-gone", {})).toEqual({ kind: "local" });
    expect(fallbacks).toEqual([{ roomId: "room-gone", hostProcessId: "p-x", reason: "host_not_registered", attempts: 4 }]);
    expect(await a.route("/p-a/room-unlisted-here", {})).toEqual({ kind: "local" });
    expect(fallbacks).toHaveLength(1);
    await router("p-b").unregister();
    expect(await presence.hget("t:routes", "p-b")).toBeNull();
  });

  it("a host that registers a moment late is found on a retry; a failing listing lookup is retried, then served locally", async () => {
    const presence = new LocalPresence();
    const fallbacks: RouteFallback[] = [];
    let lookups = 0;
    let failing = false;
    const router = createRoomRouter("forward", {
      presence,
      registryKey: "t:routes",
      selfProcessId: () => "p-a",
      hostsLocally: () => false,
      hostOf: () => {
        lookups += 1;
        return failing ? Promise.reject(new Error("presence down")) : Promise.resolve("p-late");
      },
      onFallback: (f) => fallbacks.push(f),
      retryDelaysMs: [20, 20, 20],
    });
    const late = createRoomRouter("forward", { presence, registryKey: "t:routes", selfProcessId: () => "p-late", hostsLocally: () => true, hostOf: () => Promise.resolve(null) });
    const routed = router.route("/p-late/room-1", {});
    setTimeout(() => void late.register({ address: "10.0.0.7:2567" }), 5);
    expect(await routed).toEqual({ kind: "forward", address: "10.0.0.7:2567" });
    expect(lookups).toBeGreaterThan(1);
    expect(fallbacks).toEqual([]);
    failing = true;
    lookups = 0;
    expect(await router.route("/p-late/room-2", {})).toEqual({ kind: "local" });
    expect(lookups).toBe(4);
    expect(fallbacks).toMatchObject([{ roomId: "room-2", hostProcessId: null, reason: "lookup_failed", attempts: 4 }]);
  });
});
