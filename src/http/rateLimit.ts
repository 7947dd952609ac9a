/**
 * Rate limits per route group (rate-limiter-flexible): Redis when configured, else in-process
 * memory. Each group's budget comes from configuration as `points/seconds`.
 *
 * The login lockout is separate: it counts *failed* logins per account and per IP, so a user
 * who types the password right is never slowed by it.
 */
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Logger } from "../platform/logger.js";

/** Route groups that share a budget. */
export const RATE_GROUPS = ["auth", "read", "write", "scores", "admin", "stream", "system"] as const;
export type RateGroup = (typeof RATE_GROUPS)[number];

/** A budget: `points` requests per `seconds`. */
export interface RateBudget {
  readonly points: number;
  readonly seconds: number;
}

/** The outcome of taking a point. */
export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/** A limiter for one budget, keyed by caller. */
export interface KeyedLimiter {
  /** Takes one point for `key`. A store failure lets the request through (and is logged). */
  consume(key: string): Promise<RateDecision>;
  /** Whether `key` is currently over budget, without taking a point. */
  blocked(key: string): Promise<RateDecision>;
  /** Forgets `key` (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}

/** Parses `points/seconds`, e.g. `600/60`. */
export function parseBudget(text: string): RateBudget | null {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (m === null) return null;
  const points = Number(m[1]);
  const seconds = Number(m[2]);
  return points > 0 && seconds > 0 ? { points, seconds } : null;
}

/** Where limiter state lives. */
export interface LimiterBackend {
  readonly redis?: Redis | undefined;
  /** Key prefix (Redis keys are `${prefix}rl:${name}:...`). */
  readonly prefix: string;
  readonly logger: Logger;
}

/** Creates a keyed limiter named `name` with the given budget. */
export function createKeyedLimiter(name: string, budget: RateBudget, backend: LimiterBackend): KeyedLimiter {
  const keyPrefix = `${backend.prefix}rl:${name}`;
  const memory = new RateLimiterMemory({ keyPrefix, points: budget.points, duration: budget.seconds });
  const limiter: RateLimiterAbstract =
    backend.redis === undefined
      ? memory
      : new RateLimiterRedis({
          storeClient: backend.redis,
          keyPrefix,
          points: budget.points,
          duration: budget.seconds,
          // While Redis is down, fall back to per-process memory rather than failing requests.
          insuranceLimiter: memory,
        });

  const retryAfter = (res: RateLimiterRes): number => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

  return {
    async consume(key) {
      try {
        await limiter.consume(key, 1);
        return { allowed: true };
      } catch (err: unknown) {
        if (err instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: retryAfter(err) };
        backend.logger.error({ err, limiter: name }, "rate limiter store failed; letting the request through");
        return { allowed: true };
      }
    },
    async blocked(key) {
      try {
        const res = await limiter.get(key);
        if (res !== null && res.consumedPoints >= budget.points) return { allowed: false, retryAfterSeconds: retryAfter(res) };
        return { allowed: true };
      } catch (err: unknown) {
        backend.logger.error({ err, limiter: name }, "rate limiter store failed; letting the request through");
        return { allowed: true };
      }
    },
    async reset(key) {
      try {
        await limiter.delete(key);
      } catch (err: unknown) {
        backend.logger.error({ err, limiter: name }, "rate limiter store failed to reset a key");
      }
    },
  };
}

/** A cap on places held at once (live connections, live tables), keyed by caller. */
export interface ConcurrencyLimiter {
  /** Takes `n` places for `key`; false, and nothing taken, when that would pass the cap. */
  acquire(key: string, n?: number): Promise<boolean>;
  /** Gives `n` places of `key` back (never below zero). */
  release(key: string, n?: number): Promise<void>;
  /** Places `key` holds now. */
  held(key: string): Promise<number>;
}

/** A cap: at most `max` places per key; a key's count is forgotten `leaseSeconds` after its first place. */
export interface ConcurrencyBudget {
  readonly max: number;
  readonly leaseSeconds: number;
}

/**
 * A concurrency cap over the same rate-limiter-flexible stores as the rate limits: acquiring is
 * `consume`, releasing is `reward`, so with Redis every process shares one count per key. A
 * refused acquire gives back what it took. A key's count lives `leaseSeconds` from its first
 * place (the store's expiry): a process that dies holding places frees them then, at the latest.
 * A store failure lets the caller through (and is logged), like the rate limits.
 */
export function createConcurrencyLimiter(name: string, budget: ConcurrencyBudget, backend: LimiterBackend): ConcurrencyLimiter {
  const keyPrefix = `${backend.prefix}cc:${name}`;
  const options = { keyPrefix, points: budget.max, duration: budget.leaseSeconds };
  const memory = new RateLimiterMemory(options);
  const limiter: RateLimiterAbstract = backend.redis === undefined ? memory : new RateLimiterRedis({ ...options, storeClient: backend.redis, insuranceLimiter: memory });
  const failed = (err: unknown, what: string): void => backend.logger.error({ err, limiter: name }, `concurrency limiter store failed to ${what}`);
  const held = async (key: string): Promise<number> => Math.max(0, (await limiter.get(key))?.consumedPoints ?? 0);

  return {
    async acquire(key, n = 1) {
      try {
        await limiter.consume(key, n);
        return true;
      } catch (err: unknown) {
        if (!(err instanceof RateLimiterRes)) {
          failed(err, "count; letting the caller through");
          return true;
        }
        // consume counted the refused places too: give them back.
        await limiter.reward(key, n).catch((e: unknown) => failed(e, "undo a refused acquire"));
        return false;
      }
    },
    async release(key, n = 1) {
      try {
        const now = await held(key);
        if (now > 0) await limiter.reward(key, Math.min(n, now));
      } catch (err: unknown) {
        failed(err, "release");
      }
    },
    async held(key) {
      try {
        return await held(key);
      } catch (err: unknown) {
        failed(err, "read");
        return 0;
      }
    },
  };
}
