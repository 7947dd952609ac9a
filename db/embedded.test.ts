/**
 * The embedded database process (db/embedded.ts): a PGlite directory is served by a child
 * process that the handle starts and stops; it never outlives its parent (SIGKILL of the parent
 * included), a restart takes the directory over, and every write acknowledged before a SIGKILL
 * of both processes is there afterwards.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, migrate } from "./client.js";
import { lockFileOf } from "./embedded.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const base = mkdtempSync(path.join(tmpdir(), "pzo-embedded-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Rows of `acked` in `dir`, read through a fresh handle (closed afterwards). */
async function ackedIn(dir: string): Promise<number[]> {
  const handle = await createDatabase({ pgliteDir: dir });
  try {
    // Served by the child process: postgres.js answers an array of rows.
    const rows: unknown = await handle.db.execute(sql`SELECT value FROM acked ORDER BY value`);
    if (!Array.isArray(rows)) throw new Error("expected postgres.js rows");
    return rows.map((r: { value: unknown }) => Number(r.value));
  } finally {
    await handle.close();
  }
}

describe("embedded database process", () => {
  it("serves a directory from a child process: migrations run, close stops it, a reopen sees the data", async () => {
    const dir = path.join(base, "one", "pglite");
    const handle = await createDatabase({ pgliteDir: dir });
    const pid = handle.embedded?.pid;
    expect(handle.kind).toBe("pglite");
    expect(pid).toBeGreaterThan(0);
    expect(pid).not.toBe(process.pid);
    await migrate(handle);
    await handle.db.execute(sql`CREATE TABLE acked (value integer PRIMARY KEY)`);
    await handle.db.execute(sql`INSERT INTO acked (value) VALUES (${7})`);
    // A failing statement answers its error and leaves the connection usable; a failed
    // transaction is rolled back whole.
    const duplicate: unknown = await handle.db.execute(sql`INSERT INTO acked (value) VALUES (${7})`).then(
      () => null,
      (err: unknown) => err,
    );
    expect(String((duplicate as { cause?: { code?: unknown } } | null)?.cause?.code)).toBe("23505");
    await expect(
      handle.db.transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO acked (value) VALUES (${8})`);
        await tx.execute(sql`INSERT INTO acked (value) VALUES (${7})`);
      }),
    ).rejects.toThrow();
    await handle.close();
    expect(alive(pid ?? 0)).toBe(false);
    expect(existsSync(lockFileOf(dir))).toBe(false);
    // A stale pid file naming a live process that is not an embedded database (as after a
    // container restart reuses pids) does not hold the directory: it would refuse after 30 s.
    writeFileSync(lockFileOf(dir), String(process.pid));
    expect(await ackedIn(dir)).toEqual([7]);
  }, 120_000);

  it("ends when its parent is killed; acknowledged writes survive SIGKILL of both processes", async () => {
    const dir = path.join(base, "two", "pglite");
    const parent = spawn(path.join(root, "node_modules", ".bin", "node"), ["--import", "tsx", path.join(root, "db", "testing", "embeddedParent.ts"), dir], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    parent.stdout.on("data", (d: Buffer) => (out += d.toString()));
    await waitFor(() => /acked 5\n/.test(out), 90_000, "five acknowledged writes");
    const childPid = Number(/embedded (\d+)/.exec(out)?.[1]);
    const acked = Math.max(...[...out.matchAll(/acked (\d+)/g)].map((m) => Number(m[1])));
    // Both at once, as a machine's OOM killer might: nothing gets to close cleanly.
    process.kill(childPid, "SIGKILL");
    parent.kill("SIGKILL");
    await waitFor(() => !alive(childPid) && (parent.exitCode !== null || parent.signalCode !== null), 10_000, "both processes to end");
    const rows = await ackedIn(dir);
    expect(rows.length).toBeGreaterThanOrEqual(acked);
    expect(rows).toEqual(rows.map((_, i) => i + 1));
  }, 120_000);

  it("a parent killed alone: the database process notices and exits by itself", async () => {
    const dir = path.join(base, "three", "pglite");
    const parent = spawn(path.join(root, "node_modules", ".bin", "node"), ["--import", "tsx", path.join(root, "db", "testing", "embeddedParent.ts"), dir], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    parent.stdout.on("data", (d: Buffer) => (out += d.toString()));
    await waitFor(() => /acked 20\n/.test(out), 90_000, "the writes");
    const childPid = Number(/embedded (\d+)/.exec(out)?.[1]);
    expect(alive(childPid)).toBe(true);
    parent.kill("SIGKILL");
    await waitFor(() => !alive(childPid), 10_000, "the orphaned database process to exit");
    expect(existsSync(lockFileOf(dir))).toBe(false);
    expect(await ackedIn(dir)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  }, 120_000);
});
