import { describe, expect, it } from "vitest";
import { LocalPresence } from "@colyseus/core";
import { createRoomRouter, decideRoute, parseAddress, roomIdOfPath, type RouteFacts } from "./roomRouting.js";

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
    const router = (self: string) =>
      createRoomRouter("fly-replay", {
        presence,
        registryKey: "t:routes",
        selfProcessId: () => self,
        hostsLocally: (id) => self === "p-a" && local.has(id),
        hostOf: (id) => Promise.resolve(listings.get(id) ?? null),
        onInvalidEntry: (pid) => invalid.push(pid),
      });
    await router("p-b").register({ machineId: "m-b" });
    await presence.hset("t:routes", "p-bad", "{not json");
    const a = router("p-a");
    expect(a.servesLocally("/p-a/room-here", {})).toBe(true);
    expect(a.servesLocally("/p-b/room-there", {})).toBe(false);
    expect(a.servesLocally("/p-b/room-there", { "fly-replay-src": "instance=m-x" })).toBe(true);
    expect(await a.route("/p-b/room-there", {})).toEqual({ kind: "replay", machineId: "m-b" });
    expect(await a.route("/p-bad/room-bad", {})).toEqual({ kind: "local" });
    expect(invalid).toEqual(["p-bad"]);
    expect(await a.route("/p-x/room-gone", {})).toEqual({ kind: "local" });
    await router("p-b").unregister();
    expect(await presence.hget("t:routes", "p-b")).toBeNull();
  });
});
