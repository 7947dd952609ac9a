/**
 * Abuse limits on what one player or one address can hold at once (issue 15, item 4): live room
 * connections per player and per client address, in every room type, and live tables (with the
 * server bots asked for on them) per creating player. Counts go through the concurrency caps the
 * composition root hands in (rate-limiter-flexible, in-process or Redis: with Redis every process
 * shares them), are taken when a connection joins or a table is created, and are given back when
 * the connection leaves or the table's room goes. The server's own bots are not counted as
 * connections: they are accounted to the table that asked for them, against its creator's bots
 * cap (asked for at creation or with `add_bot`; a bot taking over a seat a person left replaces
 * that person and is not counted).
 */
import { z } from "zod";
import { MAX_SEATS } from "../src/game/types.js";

/** A concurrency cap as the rooms see it (src/http/rateLimit.ts `ConcurrencyLimiter` fits). */
export interface ConcurrencyCounter {
  /** Takes `n` places for `key`; false, and nothing taken, when that would pass the cap. */
  acquire(key: string, n?: number): Promise<boolean>;
  /** Gives `n` places of `key` back. */
  release(key: string, n?: number): Promise<void>;
}

/** The limits; 0 switches one off. */
export interface AdmissionLimits {
  /** Live room connections of one player, all rooms together (ROOM_CONNECTIONS_PER_PLAYER). */
  readonly connectionsPerPlayer: number;
  /** Live room connections from one client address (ROOM_CONNECTIONS_PER_ADDRESS). */
  readonly connectionsPerAddress: number;
  /** Live tables one player created (TABLES_PER_PLAYER). */
  readonly tablesPerPlayer: number;
  /** Server bots asked for (`bots` create option, `add_bot`) on one player's live tables (BOTS_PER_PLAYER). */
  readonly botsPerPlayer: number;
}

/** The limit codes a client meets (docs/PROTOCOL.md, Limits). */
export type AdmissionCode = "limits/too_many_connections" | "limits/too_many_tables" | "limits/too_many_bots";

/** Why a join or a create was refused. */
export interface AdmissionRefusal {
  readonly code: AdmissionCode;
  readonly detail: string;
}

/** Who joins a room. */
export interface Entrant {
  /** The authenticated player, or null (an anonymous lobby or replay connection). */
  readonly playerId: string | null;
  /** The server's own bot (identity `isBot`): not counted. */
  readonly isServerBot: boolean;
}

/** Places held in one cap. */
interface Held {
  readonly counter: ConcurrencyCounter;
  readonly key: string;
  readonly n: number;
}

/**
 * What a live table holds against its creator's limits (the table itself, the bots asked for at
 * creation and by `add_bot`); given back, all at once, when its room goes.
 */
export interface TableLease {
  readonly creator: string;
  readonly held: Held[];
  /** The room went: places taken from now on are given back at once. */
  closed: boolean;
}

/** How long an address noted at a WebSocket upgrade waits for its join. */
export const ADDRESS_NOTE_MS = 60_000;

/**
 * Client addresses as the WebSocket upgrade resolved them (TRUST_PROXY applied), by Colyseus
 * session id: the upgrade sees the socket, the room's join sees only the session. A note not
 * taken within {@link ADDRESS_NOTE_MS} is dropped.
 */
export class ClientAddresses {
  private readonly notes = new Map<string, { readonly address: string; readonly at: number }>();

  constructor(private readonly now: () => number) {}

  /** Notes the address of the upgrade for `sessionId`. */
  note(sessionId: string, address: string): void {
    const now = this.now();
    for (const [id, entry] of this.notes) {
      if (now - entry.at < ADDRESS_NOTE_MS) break;
      this.notes.delete(id);
    }
    this.notes.delete(sessionId);
    this.notes.set(sessionId, { address, at: now });
  }

  /** The address noted for `sessionId` (and forgets it), or null. */
  take(sessionId: string): string | null {
    const entry = this.notes.get(sessionId);
    this.notes.delete(sessionId);
    return entry === undefined || this.now() - entry.at >= ADDRESS_NOTE_MS ? null : entry.address;
  }
}

const CREATOR_OPTION = "__pzoCreator";
const creatorSchema = z.object({ [CREATOR_OPTION]: z.string().min(1) });
const botsSchema = z.object({ bots: z.number().int().min(0).max(MAX_SEATS) });

/**
 * Marks create/join options with the authenticated player (the table's static `onAuth` runs
 * before the matchmaker creates a room, with the same options object). Whatever a client put
 * under that name is overwritten, so only `onAuth` sets it.
 */
export function stampCreator(options: unknown, playerId: string): void {
  if (typeof options === "object" && options !== null && !Array.isArray(options)) Object.assign(options, { [CREATOR_OPTION]: playerId });
}

/** The player `onAuth` stamped on create options, or null (a table the server opened itself). */
export function creatorOf(options: unknown): string | null {
  return creatorSchema.safeParse(options).data?.[CREATOR_OPTION] ?? null;
}

/** The server bots create options ask for (0 when absent or malformed: creation refuses those). */
export function botsAskedFor(options: unknown): number {
  return botsSchema.safeParse(options).data?.bots ?? 0;
}

/** The limits over their caps. */
export class Admission {
  private readonly connections = new Map<string, readonly Held[]>();
  private readonly caps: { readonly [K in "player" | "address" | "tables" | "bots"]: ConcurrencyCounter | null };

  /**
   * @param counter makes the cap of one limit (`name`, at most `max` places per key); limits set
   *   to 0 get none.
   */
  constructor(
    private readonly limits: AdmissionLimits,
    counter: (name: string, max: number) => ConcurrencyCounter,
    readonly addresses: ClientAddresses,
  ) {
    const cap = (name: string, max: number): ConcurrencyCounter | null => (max > 0 ? counter(name, max) : null);
    this.caps = {
      player: cap("connections-player", limits.connectionsPerPlayer),
      address: cap("connections-address", limits.connectionsPerAddress),
      tables: cap("tables-player", limits.tablesPerPlayer),
      bots: cap("bots-player", limits.botsPerPlayer),
    };
  }

  /**
   * Counts a connection joining a room (once per session: a reconnection keeps its places), or
   * says why not. The address is the one its WebSocket upgrade noted.
   */
  async enter(sessionId: string, entrant: Entrant): Promise<AdmissionRefusal | null> {
    const address = this.addresses.take(sessionId);
    if (entrant.isServerBot || this.connections.has(sessionId)) return null;
    const wanted: { readonly counter: ConcurrencyCounter | null; readonly key: string | null; readonly refusal: string }[] = [
      { counter: this.caps.player, key: entrant.playerId, refusal: `a player may hold at most ${this.limits.connectionsPerPlayer} room connections at once` },
      { counter: this.caps.address, key: address, refusal: `one address may hold at most ${this.limits.connectionsPerAddress} room connections at once` },
    ];
    const held: Held[] = [];
    for (const { counter, key, refusal } of wanted) {
      if (counter === null || key === null) continue;
      if (!(await counter.acquire(key))) {
        await giveBack(held);
        return { code: "limits/too_many_connections", detail: refusal };
      }
      held.push({ counter, key, n: 1 });
    }
    this.connections.set(sessionId, held);
    return null;
  }

  /** The session left its room for good: its places go back. */
  async leave(sessionId: string): Promise<void> {
    const held = this.connections.get(sessionId);
    this.connections.delete(sessionId);
    if (held !== undefined) await giveBack(held);
  }

  /** Counts a new table of `creator` with `bots` server bots, or says why not. */
  async openTable(creator: string, bots: number): Promise<TableLease | AdmissionRefusal> {
    const held: Held[] = [];
    const { tables, bots: botCap } = this.caps;
    if (tables !== null) {
      if (!(await tables.acquire(creator))) return { code: "limits/too_many_tables", detail: `a player may have at most ${this.limits.tablesPerPlayer} live tables they created` };
      held.push({ counter: tables, key: creator, n: 1 });
    }
    if (botCap !== null && bots > 0) {
      if (!(await botCap.acquire(creator, bots))) {
        await giveBack(held);
        return this.tooManyBots();
      }
      held.push({ counter: botCap, key: creator, n: bots });
    }
    return { creator, held, closed: false };
  }

  /**
   * Counts `n` more server bots asked for on a live table (`add_bot`) against its creator's cap,
   * held with the table until its room goes, or says why not.
   */
  async addBots(lease: TableLease, n: number): Promise<(AdmissionRefusal & { readonly code: "limits/too_many_bots" }) | null> {
    const botCap = this.caps.bots;
    if (botCap === null || n <= 0 || lease.closed) return null;
    if (!(await botCap.acquire(lease.creator, n))) return this.tooManyBots();
    const held = { counter: botCap, key: lease.creator, n };
    // The room may have gone while the store answered: nothing is left to hold these.
    if (lease.closed) await giveBack([held]);
    else lease.held.push(held);
    return null;
  }

  /** Gives back `n` bots taken by {@link addBots} that were not asked for after all. */
  async removeBots(lease: TableLease, n: number): Promise<void> {
    const botCap = this.caps.bots;
    if (botCap === null || n <= 0 || lease.closed) return;
    const index = lease.held.findIndex((h) => h.counter === botCap && h.n === n);
    if (index < 0) return;
    lease.held.splice(index, 1);
    await botCap.release(lease.creator, n);
  }

  /** The table's room went: its places go back. */
  async closeTable(lease: TableLease): Promise<void> {
    lease.closed = true;
    await giveBack(lease.held.splice(0));
  }

  private tooManyBots(): AdmissionRefusal & { readonly code: "limits/too_many_bots" } {
    return { code: "limits/too_many_bots", detail: `a player's live tables may ask for at most ${this.limits.botsPerPlayer} server bots in all` };
  }
}

/** True for a refusal (as opposed to a lease). */
export function isRefusal(value: TableLease | AdmissionRefusal): value is AdmissionRefusal {
  return "code" in value;
}

async function giveBack(held: readonly Held[]): Promise<void> {
  await Promise.all(held.map(({ counter, key, n }) => counter.release(key, n)));
}
