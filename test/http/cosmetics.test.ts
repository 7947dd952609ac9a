/**
 * Cosmetics over HTTP, on every database backend: the catalogue with the caller's ownership,
 * buying (no overdraft; repeats move nothing), the achievement gate, equipping, bad input, and
 * the Founder cosmetic granted by an admin's admission wave (FOUNDER_COSMETIC_LIMIT).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { playerAchievements } from "../../db/schema/index.js";
import { testBackends } from "../support/db.js";
import { call, codeOf, field, str, type Res } from "./support/client.js";
import { startTestApi, type TestApi } from "./support/httpApp.js";

interface Who {
  readonly token: string;
  readonly playerId: string;
}

describe.each(testBackends())("cosmetics over HTTP on $name", (backend) => {
  let t: TestApi;
  let admin: string;
  const req = (method: string, path: string, opts: Parameters<typeof call>[3] = {}) => call(t.url, method, path, opts);
  const expectProblem = (r: Res, status: number, code: string): void => {
    expect({ status: r.status, code: codeOf(r) }).toEqual({ status, code });
  };
  async function register(username: string): Promise<Who> {
    const r = await req("POST", "/api/users/register", { body: { username, email: `${username}@example.com`, password: "correct horse battery" } });
    expect(r.status).toBe(201);
    return { token: str(r.json, "data", "accessToken"), playerId: str(r.json, "data", "playerId") };
  }
  const coins = async (who: Who): Promise<unknown> => field((await req("GET", "/api/currency", { token: who.token })).json, "data", 0, "balance");
  const fund = async (who: Who, amount: number) => {
    const r = await req("POST", "/api/currency/deposit", { token: admin, body: { playerId: who.playerId, currency: "coins", amount }, headers: { "idempotency-key": `fund-${who.playerId}-${amount}` } });
    expect(r.status).toBe(201);
  };
  const buy = (who: Who, cosmeticId: unknown) => req("POST", "/api/cosmetics/unlock", { token: who.token, body: { cosmeticId } });

  beforeAll(async () => {
    t = await startTestApi(backend, { env: { RATE_LIMIT_AUTH: "1000/60", RATE_LIMIT_WRITE: "10000/60", RATE_LIMIT_READ: "10000/60", RATE_LIMIT_ADMIN: "10000/60", FOUNDER_COSMETIC_LIMIT: "1" } });
    const root = await register("root");
    admin = (await t.tokens.issueAccessToken({ userId: root.playerId, playerId: root.playerId, role: "admin", kind: "user" })).accessToken;
  });
  afterAll(async () => {
    await t.close();
  });

  it("lists the catalogue (ownership with a token); one by id; unknown is not_found", async () => {
    const anon = await req("GET", "/api/cosmetics");
    expect(field(anon.json, "data", "length")).toBe(8);
    expect(field(anon.json, "data", 0, "owned")).toBeNull();
    const one = await req("GET", "/api/cosmetics/midnight_back");
    expect(field(one.json, "data")).toMatchObject({ id: "midnight_back", kind: "card_back", priceCoins: 40, availability: "shop", requiredAchievementId: null });
    expectProblem(await req("GET", "/api/cosmetics/nope"), 404, "not_found");
  });

  it("buying: insufficient funds refuses and changes nothing; a buy charges once; a repeat answers 200 alreadyOwned", async () => {
    const ann = await register("ann");
    expectProblem(await buy(ann, "midnight_back"), 409, "wallet/insufficient_funds");
    expect(field((await req("GET", "/api/cosmetics/midnight_back", { token: ann.token })).json, "data", "owned")).toBe(false);
    await fund(ann, 50);
    const first = await buy(ann, "midnight_back");
    expect(first.status).toBe(201);
    expect(field(first.json, "data")).toMatchObject({ cosmeticId: "midnight_back", alreadyOwned: false, balance: 10 });
    expect(typeof field(first.json, "data", "transactionId")).toBe("string");
    const again = await buy(ann, "midnight_back");
    expect(again.status).toBe(200);
    expect(field(again.json, "data")).toMatchObject({ alreadyOwned: true, transactionId: null });
    expect(await coins(ann)).toBe(10);
    expectProblem(await buy(ann, "nope"), 404, "not_found");
    expectProblem(await buy(ann, "Not An Id"), 400, "validation/failed");
    expectProblem(await req("POST", "/api/cosmetics/unlock", { body: { cosmeticId: "midnight_back" } }), 401, "auth/missing_token");
  });

  it("an achievement-gated cosmetic: cosmetics/requires_achievement until unlocked, then bought; the Founder one is not for sale", async () => {
    const bo = await register("boz");
    await fund(bo, 100);
    expectProblem(await buy(bo, "streak_frame"), 409, "cosmetics/requires_achievement");
    expect(await coins(bo)).toBe(100);
    expectProblem(await buy(bo, "founder_frame"), 409, "cosmetics/not_for_sale");
    await t.database.db.insert(playerAchievements).values({ playerId: bo.playerId, achievementId: "hat_trick" });
    expect((await buy(bo, "streak_frame")).status).toBe(201);
    expect(await coins(bo)).toBe(75);
  });

  it("equipping: owned cosmetics in their slot; not owned or wrong slot refused; bad bodies 400", async () => {
    const cy = await register("cyd");
    await fund(cy, 100);
    expectProblem(await req("PUT", "/api/cosmetics/equipped", { token: cy.token, body: { card_back: "midnight_back" } }), 409, "cosmetics/not_owned");
    await buy(cy, "midnight_back");
    await buy(cy, "green_felt");
    expectProblem(await req("PUT", "/api/cosmetics/equipped", { token: cy.token, body: { seat_frame: "midnight_back" } }), 422, "cosmetics/wrong_slot");
    expectProblem(await req("PUT", "/api/cosmetics/equipped", { token: cy.token, body: {} }), 400, "validation/failed");
    expectProblem(await req("PUT", "/api/cosmetics/equipped", { token: cy.token, body: { hat: "x" } }), 400, "validation/failed");
    const put = await req("PUT", "/api/cosmetics/equipped", { token: cy.token, body: { card_back: "midnight_back", table_felt: "green_felt" } });
    expect(put.status).toBe(200);
    expect(field(put.json, "data")).toEqual({ card_back: "midnight_back", seat_frame: null, table_felt: "green_felt" });
    expect(field((await req("GET", "/api/cosmetics/equipped", { token: cy.token })).json, "data")).toEqual({ card_back: "midnight_back", seat_frame: null, table_felt: "green_felt" });
    expect(field((await req("GET", "/api/cosmetics/midnight_back", { token: cy.token })).json, "data")).toMatchObject({ owned: true, equipped: true });
  });

  it("an admission wave grants the Founder cosmetic to the first FOUNDER_COSMETIC_LIMIT (here 1) admitted", async () => {
    const [d, e] = [await register("dee"), await register("eve")];
    for (const w of [d, e]) expect((await req("POST", "/api/waitlist", { token: w.token })).status).toBe(201);
    expect((await req("POST", "/api/admin/waitlist/admit", { token: admin, body: { count: 5 } })).status).toBe(200);
    expect(field((await req("GET", "/api/cosmetics/founder_frame", { token: d.token })).json, "data", "owned")).toBe(true);
    expect(field((await req("GET", "/api/cosmetics/founder_frame", { token: e.token })).json, "data", "owned")).toBe(false);
    expect((await req("PUT", "/api/cosmetics/equipped", { token: d.token, body: { seat_frame: "founder_frame" } })).status).toBe(200);
  });
});
