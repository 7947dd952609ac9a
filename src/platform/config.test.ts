import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

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
});
