import { describe, expect, it } from "vitest";
import { Admission, ADDRESS_NOTE_MS, botsAskedFor, ClientAddresses, creatorOf, isRefusal, stampCreator, type ConcurrencyCounter } from "./admission.js";

/** An in-memory cap per name (the real ones are src/http/rateLimit.ts, with their own contract suite). */
function caps(): { make: (name: string, max: number) => ConcurrencyCounter; held: (name: string, key: string) => number } {
  const counts = new Map<string, number>();
  return {
    make: (name, max) => ({
      acquire: (key, n = 1) => {
        const now = counts.get(`${name}/${key}`) ?? 0;
        if (now + n > max) return Promise.resolve(false);
        counts.set(`${name}/${key}`, now + n);
        return Promise.resolve(true);
      },
      release: (key, n = 1) => {
        counts.set(`${name}/${key}`, Math.max(0, (counts.get(`${name}/${key}`) ?? 0) - n));
        return Promise.resolve();
      },
    }),
    held: (name, key) => counts.get(`${name}/${key}`) ?? 0,
  };
}

const limits = { connectionsPerPlayer: 2, connectionsPerAddress: 3, tablesPerPlayer: 1, botsPerPlayer: 2 };

describe("Admission", () => {
  it("counts a connection by player and by noted address; a refusal by address gives the player's place back", async () => {
    const c = caps();
    const addresses = new ClientAddresses(() => 0);
    const admission = new Admission(limits, c.make, addresses);
    for (const s of ["s1", "s2", "s3"]) addresses.note(s, "10.0.0.1");
    expect(await admission.enter("s1", { playerId: "p1", isServerBot: false })).toBeNull();
    expect(await admission.enter("s2", { playerId: null, isServerBot: false })).toBeNull();
    expect(await admission.enter("s3", { playerId: "p2", isServerBot: false })).toBeNull();
    addresses.note("s4", "10.0.0.1");
    expect(await admission.enter("s4", { playerId: "p3", isServerBot: false })).toMatchObject({ code: "limits/too_many_connections" });
    expect(c.held("connections-player", "p3")).toBe(0);
    await admission.leave("s2");
    await admission.leave("s2");
    expect(c.held("connections-address", "10.0.0.1")).toBe(2);
  });

  it("does not count the server's bots, nor a session twice", async () => {
    const c = caps();
    const admission = new Admission(limits, c.make, new ClientAddresses(() => 0));
    for (let i = 0; i < 5; i++) expect(await admission.enter(`bot${i}`, { playerId: "b", isServerBot: true })).toBeNull();
    expect(await admission.enter("s", { playerId: "p", isServerBot: false })).toBeNull();
    expect(await admission.enter("s", { playerId: "p", isServerBot: false })).toBeNull();
    expect(c.held("connections-player", "p")).toBe(1);
  });

  it("a limit of 0 is off", async () => {
    const admission = new Admission({ ...limits, connectionsPerPlayer: 0, tablesPerPlayer: 0, botsPerPlayer: 0 }, caps().make, new ClientAddresses(() => 0));
    for (let i = 0; i < 5; i++) expect(await admission.enter(`s${i}`, { playerId: "p", isServerBot: false })).toBeNull();
    for (let i = 0; i < 5; i++) expect(isRefusal(await admission.openTable("p", 5))).toBe(false);
  });

  it("counts tables and their bots per creator, all or nothing, and gives them back when the table goes", async () => {
    const c = caps();
    const admission = new Admission({ ...limits, tablesPerPlayer: 2 }, c.make, new ClientAddresses(() => 0));
    const first = await admission.openTable("p", 2);
    expect(isRefusal(first)).toBe(false);
    expect(await admission.openTable("p", 1)).toMatchObject({ code: "limits/too_many_bots" });
    expect(c.held("tables-player", "p")).toBe(1);
    const second = await admission.openTable("p", 0);
    expect(await admission.openTable("p", 0)).toMatchObject({ code: "limits/too_many_tables" });
    if (isRefusal(first) || isRefusal(second)) throw new Error("expected leases");
    await admission.closeTable(first);
    expect(c.held("bots-player", "p")).toBe(0);
    expect(isRefusal(await admission.openTable("p", 2))).toBe(false);
  });

  it("counts add_bot bots against the table's creator, held with the table: refused past the cap, given back with it or when not asked for after all", async () => {
    const c = caps();
    const admission = new Admission({ ...limits, tablesPerPlayer: 2, botsPerPlayer: 3 }, c.make, new ClientAddresses(() => 0));
    const lease = await admission.openTable("p", 1);
    if (isRefusal(lease)) throw new Error("expected a lease");
    expect(await admission.addBots(lease, 1)).toBeNull();
    expect(await admission.addBots(lease, 1)).toBeNull();
    expect(await admission.addBots(lease, 1)).toMatchObject({ code: "limits/too_many_bots" });
    expect(c.held("bots-player", "p")).toBe(3);
    // The creator's other tables meet the same cap.
    expect(await admission.openTable("p", 1)).toMatchObject({ code: "limits/too_many_bots" });
    await admission.removeBots(lease, 1);
    expect(c.held("bots-player", "p")).toBe(2);
    await admission.closeTable(lease);
    expect(c.held("bots-player", "p")).toBe(0);
    expect(c.held("tables-player", "p")).toBe(0);
    // A bot counted after the table went is given back at once.
    expect(await admission.addBots(lease, 1)).toBeNull();
    expect(c.held("bots-player", "p")).toBe(0);
  });
});

describe("ClientAddresses", () => {
  it("hands a noted address out once, and forgets notes older than a minute", () => {
    let now = 0;
    const addresses = new ClientAddresses(() => now);
    addresses.note("a", "1.2.3.4");
    expect(addresses.take("a")).toBe("1.2.3.4");
    expect(addresses.take("a")).toBeNull();
    addresses.note("b", "1.2.3.4");
    now = ADDRESS_NOTE_MS;
    expect(addresses.take("b")).toBeNull();
  });
});

describe("creator stamp", () => {
  it("overwrites whatever a client sent under its name; reads back the player and the bots asked for", () => {
    const options: Record<string, unknown> = { seats: 4, bots: 2, __pzoCreator: "victim" };
    stampCreator(options, "me");
    expect(creatorOf(options)).toBe("me");
    expect(botsAskedFor(options)).toBe(2);
    expect(creatorOf({ seats: 4 })).toBeNull();
    expect(botsAskedFor({ bots: "many" })).toBe(0);
  });
});
