/**
 * Idempotency keys for writes. A write sent with `Idempotency-Key: <key>` is recorded under
 * (caller, method, route, key) for a TTL. A repeat by the same caller with the same request gets
 * the first response back (with `Idempotent-Replayed: true`); a repeat while the first is still
 * running gets 409 `conflict/idempotency_in_progress`; the same key with a different request
 * gets 422 `idempotency/key_reused`.
 *
 * Stored in Redis when configured (so a retry that lands on another process is still caught),
 * else in process memory. These are short-lived protocol records, not domain facts, so they
 * live beside the rate limits rather than in PostgreSQL.
 */
import type { Redis } from "ioredis";
import { z } from "zod";

/** A response as recorded for replay. */
export interface StoredResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** What `begin` found. */
export type IdempotencyBegin =
  | { readonly state: "new" }
  | { readonly state: "in_progress" }
  | { readonly state: "mismatch" }
  | { readonly state: "done"; readonly response: StoredResponse };

/** A store of idempotency records. */
export interface IdempotencyStore {
  /** Claims `key` for a request with `fingerprint`, or reports what is already there. */
  begin(key: string, fingerprint: string): Promise<IdempotencyBegin>;
  /** Records the final response of a claimed key. */
  complete(key: string, fingerprint: string, response: StoredResponse): Promise<void>;
  /** Releases a claimed key without a response (the request failed unexpectedly). */
  abandon(key: string): Promise<void>;
}

const recordSchema = z.discriminatedUnion("state", [
  z.object({ state: z.literal("pending"), fingerprint: z.string() }),
  z.object({
    state: z.literal("done"),
    fingerprint: z.string(),
    response: z.object({ status: z.number().int(), contentType: z.string(), body: z.string() }),
  }),
]);
type IdempotencyRecord = z.infer<typeof recordSchema>;

function judge(rec: IdempotencyRecord, fingerprint: string): IdempotencyBegin {
  if (rec.fingerprint !== fingerprint) return { state: "mismatch" };
  return rec.state === "pending" ? { state: "in_progress" } : { state: "done", response: rec.response };
}

/** An in-process store; expired records are swept as new ones arrive. */
export function createMemoryIdempotencyStore(ttlMs: number, now: () => number = Date.now): IdempotencyStore {
  const records = new Map<string, { rec: IdempotencyRecord; expiresAt: number }>();
  let lastSweep = now();
  const sweep = (): void => {
    const t = now();
    if (t - lastSweep < 1000) return;
    lastSweep = t;
    for (const [k, v] of records) if (v.expiresAt <= t) records.delete(k);
  };
  return {
    begin(key, fingerprint) {
      sweep();
      const found = records.get(key);
      if (found !== undefined && found.expiresAt > now()) return Promise.resolve(judge(found.rec, fingerprint));
      records.set(key, { rec: { state: "pending", fingerprint }, expiresAt: now() + ttlMs });
      return Promise.resolve({ state: "new" });
    },
    complete(key, fingerprint, response) {
      records.set(key, { rec: { state: "done", fingerprint, response }, expiresAt: now() + ttlMs });
      return Promise.resolve();
    },
    abandon(key) {
      records.delete(key);
      return Promise.resolve();
    },
  };
}

/** A Redis store (`SET NX PX` claims the key, so concurrent repeats across processes are caught). */
export function createRedisIdempotencyStore(redis: Redis, prefix: string, ttlMs: number): IdempotencyStore {
  const k = (key: string): string => `${prefix}idem:${key}`;
  return {
    async begin(key, fingerprint) {
      const pending: IdempotencyRecord = { state: "pending", fingerprint };
      const claimed = await redis.set(k(key), JSON.stringify(pending), "PX", ttlMs, "NX");
      if (claimed === "OK") return { state: "new" };
      const raw = await redis.get(k(key));
      if (raw === null) return this.begin(key, fingerprint);
      const parsed = recordSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) return { state: "mismatch" };
      return judge(parsed.data, fingerprint);
    },
    async complete(key, fingerprint, response) {
      const done: IdempotencyRecord = { state: "done", fingerprint, response };
      await redis.set(k(key), JSON.stringify(done), "PX", ttlMs);
    },
    async abandon(key) {
      await redis.del(k(key));
    },
  };
}

/**
 * `primary` (Redis) while it answers, else `fallback` (in-process): while Redis is down, keys are
 * remembered per process (docs/OPERATIONS.md, Failure modes). A key begun in one store is
 * completed or abandoned in the same one.
 */
export function createFallbackIdempotencyStore(primary: IdempotencyStore, fallback: IdempotencyStore): IdempotencyStore {
  const inFallback = new Set<string>();
  return {
    async begin(key, fingerprint) {
      try {
        const begun = await primary.begin(key, fingerprint);
        inFallback.delete(key);
        return begun;
      } catch {
        inFallback.add(key);
        return fallback.begin(key, fingerprint);
      }
    },
    async complete(key, fingerprint, response) {
      if (inFallback.has(key)) return fallback.complete(key, fingerprint, response);
      await primary.complete(key, fingerprint, response).catch(() => fallback.complete(key, fingerprint, response));
    },
    async abandon(key) {
      if (inFallback.delete(key)) return fallback.abandon(key);
      await primary.abandon(key).catch(() => undefined);
    },
  };
}
