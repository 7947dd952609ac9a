/**
 * The embedded database's wire server (db/embeddedWire.ts) over an in-memory PGlite, spoken to
 * with postgres.js: statements, pipelined statements and errors; one connection served at a
 * time, the next waiting until it closes; a transaction left open by a closed connection is
 * rolled back.
 */
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveWire, type WireServer } from "./embeddedWire.js";

let db: PGlite;
let wire: WireServer;
const clients: postgres.Sql[] = [];

function connect(): postgres.Sql {
  const port = "port" in wire.address ? wire.address.port : 0;
  const sql = postgres({ host: "127.0.0.1", port, username: "postgres", database: "postgres", max: 1, onnotice: () => undefined });
  clients.push(sql);
  return sql;
}

beforeAll(async () => {
  db = await PGlite.create("memory://");
  await db.exec("CREATE TABLE t (v integer PRIMARY KEY)");
  wire = await serveWire(db, undefined);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end({ timeout: 1 }).catch(() => undefined)));
  await wire.close();
  await db.close();
});

describe("embedded wire server", () => {
  it("answers statements, pipelined ones in order, and errors without losing the connection", async () => {
    const sql = connect();
    expect(await sql`SELECT ${41}::int + 1 AS x`).toEqual([{ x: 42 }]);
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => sql<{ v: number }[]>`INSERT INTO t (v) VALUES (${i}) RETURNING v`));
    expect(all.map((r) => r[0]?.v)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await expect(sql`INSERT INTO t (v) VALUES (${3})`).rejects.toMatchObject({ code: "23505" });
    expect(await sql`SELECT count(*)::int AS n FROM t`).toEqual([{ n: 20 }]);
    await sql.end();
  });

  it("serves one connection at a time; a transaction left open by a closed connection is rolled back", async () => {
    const first = connect();
    const reserved = await first.reserve();
    await reserved`BEGIN`;
    await reserved`INSERT INTO t (v) VALUES (${100})`;
    const second = connect();
    let answered = false;
    const waiting = second`SELECT count(*)::int AS n FROM t WHERE v = ${100}`.then((rows) => {
      answered = true;
      return rows;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false); // the first connection is still being served
    reserved.release();
    await first.end(); // closes the socket inside the open transaction
    expect(await waiting).toEqual([{ n: 0 }]);
    expect(db.isInTransaction()).toBe(false);
    await second.end();
  });
});
