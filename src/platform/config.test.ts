import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, roomRoutingMode } from "./config.js";

describe("config", () => {
  it("uses embedded defaults when nothing is set", () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(2567);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.DATA_DIR).toBe("./data");
  });
  it("treats empty strings as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", PORT: "" }).DATABASE_URL).toBeUndefined();
  });
  it("names every bad variable", () => {
    try {
      loadConfig({ PORT: "x", TRANSPORT: "tcp" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).issues.join(" ")).toMatch(/PORT.*TRANSPORT|TRANSPORT.*PORT/);
    }
  });
  it("refuses production without a JWT secret", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/JWT_SECRET/);
    expect(loadConfig({ NODE_ENV: "production", JWT_SECRET: "x".repeat(32) }).NODE_ENV).toBe("production");
  });
  it("ranked quick match: defaults, and malformed values refused", () => {
    const c = loadConfig({});
    expect([c.RANKED_BANDS, c.RANKED_SEATS, c.RANKED_BOT_FILL_SECONDS, c.RANKED_NO_SHOW_SECONDS, c.RANKED_TICK_MS]).toEqual(["0:100,10:200,20:400,30:800,60:any", 4, 45, 30, 1000]);
    expect(loadConfig({ RANKED_BANDS: "0:50,5:any", RANKED_SEATS: "3", RANKED_BOT_FILL_SECONDS: "2.5", RANKED_TICK_MS: "100" })).toMatchObject({ RANKED_BANDS: "0:50,5:any", RANKED_SEATS: 3, RANKED_BOT_FILL_SECONDS: 2.5, RANKED_TICK_MS: 100 });
    expect(() => loadConfig({ RANKED_BANDS: "0:100;10:200" })).toThrow(/RANKED_BANDS/);
    expect(() => loadConfig({ RANKED_SEATS: "6" })).toThrow(/RANKED_SEATS/);
    expect(() => loadConfig({ RANKED_TICK_MS: "10" })).toThrow(/RANKED_TICK_MS/);
  });
  it("room routing: fly-replay by default on a Fly machine, off elsewhere; each mode says what it needs", () => {
    expect(roomRoutingMode(loadConfig({}))).toBe("off");
    expect(roomRoutingMode(loadConfig({ FLY_MACHINE_ID: "3d8d9e1ab24e89" }))).toBe("fly-replay");
    expect(roomRoutingMode(loadConfig({ FLY_MACHINE_ID: "3d8d9e1ab24e89", ROOM_ROUTING: "off" }))).toBe("off");
    expect(() => loadConfig({ ROOM_ROUTING: "fly-replay" })).toThrow(/FLY_MACHINE_ID/);
    expect(() => loadConfig({ ROOM_ROUTING: "forward" })).toThrow(/PRIVATE_ADDRESS/);
    expect(() => loadConfig({ ROOM_ROUTING: "forward", PRIVATE_ADDRESS: "10.0.0.2:2567", TRANSPORT: "uws" })).toThrow(/TRANSPORT/);
    expect(() => loadConfig({ PRIVATE_ADDRESS: "10.0.0.2" })).toThrow(/PRIVATE_ADDRESS/);
    expect(() => loadConfig({ FLY_MACHINE_ID: "a b" })).toThrow(/FLY_MACHINE_ID/);
    expect(loadConfig({ ROOM_ROUTING: "forward", PRIVATE_ADDRESS: "[fdaa::3]:2567" }).PRIVATE_ADDRESS).toBe("[fdaa::3]:2567");
  });
});
