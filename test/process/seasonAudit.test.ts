/**
 * `npm run season:audit` end to end (src/app/seasonAudit.ts), as an operator runs it: a real npm,
 * the pinned Node, the compiled module. A database with Season 0 activity (a deposit, an
 * achievement unlocked with its coin reward) audits clean and the script exits 0; the same
 * database with one player's balance moved behind the ledger's back exits 1 and names the breach;
 * a configuration it cannot use exits 2. On PGlite (`DATA_DIR`) and, when `DATABASE_URL` is set,
 * on a scratch PostgreSQL database.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { putAchievement, unlockExplicitly } from "../../db/achievements.js";
import { createDatabase, migrate, pgliteDirIn, type DatabaseHandle } from "../../db/client.js";
import { walletAccounts } from "../../db/schema/index.js";
import { createScratchDatabase, type ScratchDatabase } from "../../db/testing/scratchDatabase.js";
import { createOccupants } from "../../db/testing/fixtures.js";
import { transfer } from "../../db/wallet.js";
import { adminUrl } from "../support/db.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const dataDir = mkdtempSync(path.join(tmpdir(), "pzo-season-audit-"));

/** Runs `npm run season:audit` with `env`; resolves its exit code and output. */
function seasonAudit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "season:audit"], { cwd: root, env: { ...process.env, DATABASE_URL: "", DATA_DIR: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, output }));
  });
}

/** Season 0 activity: a deposit, and an explicit unlock of a manual achievement with a coin reward. */
async function seed(handle: DatabaseHandle): Promise<string> {
  await migrate(handle);
  const [p] = await createOccupants(handle.db, `audit-${randomUUID().slice(0, 8)}`, 1);
  if (p === undefined) throw new Error("fixture: no player");
  const deposit = await transfer(handle.db, { kind: "deposit", currency: "coins", amount: 100, from: { kind: "system", name: "mint" }, to: { kind: "player", playerId: p.playerId }, requestedBy: "admin:test", idempotencyKey: randomUUID() });
  expect(deposit.ok).toBe(true);
  await putAchievement(handle.db, { id: "audit_probe", name: "Audit probe", description: "Given by the test.", condition: { kind: "manual" }, rewardCoins: 7, rewardItemId: null, rewardQuantity: 0, enabled: true });
  expect(await unlockExplicitly(handle.db, { playerId: p.playerId, achievementId: "audit_probe", by: "admin" })).toMatchObject({ ok: true, unlocked: true });
  return p.playerId;
}

/** Moves a player's coin balance by 1 without a ledger transaction or an event. */
async function breakBalance(handle: DatabaseHandle, playerId: string): Promise<void> {
  await handle.db
    .update(walletAccounts)
    .set({ balance: sql`${walletAccounts.balance} + 1` })
    .where(eq(walletAccounts.playerId, playerId));
}

interface Target {
  readonly name: string;
  /** Opens the database the script will audit, and the environment that points it there. */
  open(): Promise<{ handle: DatabaseHandle; env: Record<string, string>; drop: () => Promise<void> }>;
}

const targets: Target[] = [
  {
    name: "pglite",
    async open() {
      const dir = mkdtempSync(path.join(dataDir, "pglite-"));
      return { handle: await createDatabase({ pgliteDir: pgliteDirIn(dir) }), env: { DATA_DIR: dir }, drop: () => Promise.resolve() };
    },
  },
];
const admin = adminUrl();
if (admin !== undefined) {
  targets.push({
    name: "postgres",
    async open() {
      const scratch: ScratchDatabase = await createScratchDatabase(admin, "pzo_audit");
      return { handle: await createDatabase({ url: scratch.url }), env: { DATABASE_URL: scratch.url }, drop: () => scratch.drop() };
    },
  });
}

beforeAll(() => {
  // The script builds on its own when dist is stale; doing it first keeps the timeouts honest.
  const r = spawnSync(path.join(root, "node_modules", ".bin", "node"), ["scripts/build.mjs"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
}, 300_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe.each(targets)("npm run season:audit on $name", (target) => {
  it("exits 0 on a consistent database, 1 with the breach named once a balance is moved behind the ledger's back", async () => {
    const { handle, env, drop } = await target.open();
    try {
      const playerId = await seed(handle);
      // PGlite allows one process per directory: the script opens it only after this handle is closed.
      if (target.name === "pglite") await handle.close();
      const clean = await seasonAudit(env);
      expect(clean.output).toContain(`season:audit on ${target.name}`);
      expect(clean.output).toMatch(/all \d+ checks passed/);
      expect(clean.code, clean.output).toBe(0);

      const broken = target.name === "pglite" ? await createDatabase({ pgliteDir: pgliteDirIn(env["DATA_DIR"] ?? "") }) : handle;
      await breakBalance(broken, playerId);
      if (target.name === "pglite") await broken.close();
      const bad = await seasonAudit(env);
      expect(bad.output).toMatch(/BREACH .*balance/i);
      expect(bad.output).toContain(playerId);
      expect(bad.output).toMatch(/\d+ of \d+ checks found breaches/);
      expect(bad.code, bad.output).toBe(1);
    } finally {
      await handle.close();
      await drop();
    }
  }, 120_000);
});

it("npm run season:audit exits 2 when it cannot reach its database", async () => {
  const r = await seasonAudit({ DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" });
  expect(r.output).toContain("season:audit could not run");
  expect(r.code).toBe(2);
}, 120_000);
