/**
 * Bots at tables, as both sides see them: the rooms ask for a bot client through a
 * {@link BotLauncher} (implemented by src/bots' manager) and create bot players through a
 * {@link BotDirectory} (implemented in the composition root).
 */
import type { Identity } from "./identity.js";

/** A bot player with its own access token. */
export interface BotAccount {
  readonly identity: Identity;
  readonly token: string;
}

/** Creates bot players (rows with `is_bot`) and their tokens. */
export interface BotDirectory {
  createBot(): Promise<BotAccount>;
  /** A fresh token for an existing bot player (reconnecting bots after a restart). */
  accountFor(identity: Identity): Promise<BotAccount>;
  /** A bot with a fixed identity (a ranked bot): its player row is created on first use. */
  fixedBot(identity: Identity): Promise<BotAccount>;
}

/** A request for a bot client to sit at a table. */
export interface BotSeatRequest {
  readonly roomId: string;
  /** The seat to take, or null for the first free seat. */
  readonly seat: number | null;
  /** An existing bot account to connect as (a takeover), or null to create one. */
  readonly account: BotAccount | null;
}

/** Starts bot clients (the bot manager). Fire and forget: failures are logged by the manager. */
export interface BotLauncher {
  launch(request: BotSeatRequest): void;
}
