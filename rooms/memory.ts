/**
 * In-memory implementations of the room ports, for tests and for a server started without the
 * storage or ladder modules. Each is a class instantiated by the composition root: no
 * module-level state.
 */
import type { GameEvent, GameId, GameSummary, LifetimeStatDelta, PlayerId } from "../src/game/types.js";
import type { LadderDeltaMessage, LadderRow, LadderSnapshotMessage } from "../src/shared/protocol.js";
import type {
  AppendResult,
  CompletionInput,
  DeltaPublisher,
  DeltaSubscriber,
  EventLog,
  GameRepository,
  LadderChanges,
  LadderService,
  PlayerDirectory,
  StoredGameStatus,
} from "./ports.js";
import { asPlayerId } from "./identity.js";

interface StoredGame {
  status: StoredGameStatus;
  events: GameEvent[];
  summary: GameSummary | null;
}

/** Event log and games repository in one map. Appends are checked for gaps like the real log. */
export class MemoryGameStore implements EventLog, GameRepository {
  private readonly games = new Map<string, StoredGame>();
  /** Lifetime stats per player, summed over completed games. */
  readonly stats = new Map<string, { games: number; wins: number; score: number; tricks: number; isBot: boolean }>();

  append(gameId: GameId, events: readonly GameEvent[]): Promise<AppendResult> {
    const game = this.games.get(gameId);
    if (game === undefined) return Promise.reject(new Error(`append to unknown game ${gameId}`));
    const firstIndex = game.events.length;
    game.events.push(...events);
    return Promise.resolve({ firstIndex, lastIndex: game.events.length - 1 });
  }

  read(gameId: GameId, from = 0): Promise<readonly GameEvent[]> {
    return Promise.resolve(this.games.get(gameId)?.events.slice(from) ?? []);
  }

  createGame(input: { readonly created: GameEvent & { readonly type: "game_created" }; readonly createdAt: Date }): Promise<void> {
    if (this.games.has(input.created.gameId)) return Promise.reject(new Error(`game ${input.created.gameId} exists`));
    this.games.set(input.created.gameId, { status: "created", events: [input.created], summary: null });
    return Promise.resolve();
  }

  markStarted(gameId: GameId): Promise<void> {
    const game = this.games.get(gameId);
    if (game !== undefined && game.status === "created") game.status = "in_progress";
    return Promise.resolve();
  }

  listInProgress(): Promise<readonly GameId[]> {
    const ids: GameId[] = [];
    for (const [id, g] of this.games) if (g.status === "in_progress") ids.push(g.events[0]?.type === "game_created" ? g.events[0].gameId : (id as GameId));
    return Promise.resolve(ids);
  }

  status(gameId: GameId): Promise<StoredGameStatus | null> {
    return Promise.resolve(this.games.get(gameId)?.status ?? null);
  }

  /** The stored summary of a completed game. */
  summary(gameId: GameId): GameSummary | null {
    return this.games.get(gameId)?.summary ?? null;
  }

  completeGame(input: CompletionInput): Promise<LadderChanges> {
    const game = this.games.get(input.gameId);
    if (game === undefined) return Promise.reject(new Error(`complete unknown game ${input.gameId}`));
    if (game.status !== "completed") {
      game.status = "completed";
      game.summary = input.summary;
      for (const d of input.deltas) this.addStats(d);
    }
    const payload: MemoryLadderPayload = { players: input.summary.players.map((p) => ({ playerId: p.playerId, displayName: p.displayName, isBot: p.isBot, score: p.score })) };
    return Promise.resolve({ gameId: input.gameId, committedAt: input.completedAt, payload });
  }

  private addStats(d: LifetimeStatDelta): void {
    const s = this.stats.get(d.playerId) ?? { games: 0, wins: 0, score: 0, tricks: 0, isBot: d.isBot };
    s.games += 1;
    s.wins += d.won ? 1 : 0;
    s.score += d.score;
    s.tricks += d.tricksWon;
    this.stats.set(d.playerId, s);
  }
}

/** What `MemoryGameStore.completeGame` hands to `MemoryLadder`. */
interface MemoryLadderPayload {
  readonly players: readonly { readonly playerId: PlayerId; readonly displayName: string; readonly isBot: boolean; readonly score: number }[];
}

function isMemoryPayload(value: unknown): value is MemoryLadderPayload {
  return typeof value === "object" && value !== null && "players" in value && Array.isArray(value.players);
}

/**
 * A two-tier in-process ladder (`humans`, `bots`): rating is the sum of final scores. Stands in
 * for src/ladder where that is not wired.
 */
export class MemoryLadder implements LadderService {
  private readonly rows = new Map<string, { displayName: string; tier: string; rating: number; gamesPlayed: number }>();

  constructor(private readonly publisher: DeltaPublisher) {}

  async applyChanges(changes: LadderChanges): Promise<void> {
    if (!isMemoryPayload(changes.payload)) throw new Error("MemoryLadder: unexpected ladder changes");
    const touched: string[] = [];
    for (const p of changes.payload.players) {
      const tier = p.isBot ? "bots" : "humans";
      const row = this.rows.get(p.playerId) ?? { displayName: p.displayName, tier, rating: 0, gamesPlayed: 0 };
      row.rating += p.score;
      row.gamesPlayed += 1;
      this.rows.set(p.playerId, row);
      touched.push(p.playerId);
    }
    const ranked = this.ranked();
    const delta: LadderDeltaMessage = {
      gameId: changes.gameId,
      committedAt: changes.committedAt.toISOString(),
      changes: ranked.filter((r) => touched.includes(r.playerId)),
    };
    await this.publisher.publish(delta);
  }

  snapshot(limit: number): Promise<LadderSnapshotMessage> {
    const tiers: Record<string, LadderRow[]> = { humans: [], bots: [] };
    for (const row of this.ranked()) {
      const list = tiers[row.tier] ?? (tiers[row.tier] = []);
      if (list.length < limit) list.push(row);
    }
    return Promise.resolve({ tiers, generatedAt: new Date().toISOString() });
  }

  private ranked(): LadderRow[] {
    const byTier = new Map<string, LadderRow[]>();
    const sorted = [...this.rows.entries()].sort((a, b) => b[1].rating - a[1].rating || a[0].localeCompare(b[0]));
    for (const [playerId, r] of sorted) {
      const list = byTier.get(r.tier) ?? [];
      list.push({ playerId, displayName: r.displayName, tier: r.tier, rank: list.length + 1, rating: r.rating, gamesPlayed: r.gamesPlayed });
      byTier.set(r.tier, list);
    }
    return [...byTier.values()].flat();
  }
}

/** An in-process delta bus (a single process without presence). */
export class MemoryDeltaBus implements DeltaPublisher, DeltaSubscriber {
  private readonly listeners = new Set<(delta: LadderDeltaMessage) => void>();

  publish(delta: LadderDeltaMessage): Promise<void> {
    for (const l of this.listeners) l(delta);
    return Promise.resolve();
  }

  subscribe(listener: (delta: LadderDeltaMessage) => void): Promise<() => void> {
    this.listeners.add(listener);
    return Promise.resolve(() => this.listeners.delete(listener));
  }
}

/** Player rows in memory. */
export class MemoryPlayers implements PlayerDirectory {
  private readonly rows = new Map<string, { displayName: string; isBot: boolean }>();

  constructor(private readonly newId: () => string) {}

  get(playerId: string): Promise<{ displayName: string; isBot: boolean } | null> {
    return Promise.resolve(this.rows.get(playerId) ?? null);
  }

  create(input: { readonly displayName: string; readonly isBot: boolean }): Promise<PlayerId> {
    const id = asPlayerId(this.newId());
    this.rows.set(id, { displayName: input.displayName, isBot: input.isBot });
    return Promise.resolve(id);
  }
}
