/**
 * Adapters from the HTTP module's token service and the player rows to the rooms' identity
 * ports: verify a join token, and create bot players with their own tokens.
 */
import type { TokenService } from "../http/auth.js";
import type { BotAccount, BotDirectory, Identity, PlayerDirectory, TokenVerifier } from "../../rooms/ports.js";
import { asPlayerId } from "../shared/identity.js";

/** Verifies access JWTs and looks the player up for its display name. */
export function createTokenVerifier(tokens: TokenService, players: PlayerDirectory): TokenVerifier {
  return {
    async verify(token: string): Promise<Identity | null> {
      const auth = await tokens.verifyAccessToken(token);
      if (!auth.ok) return null;
      const row = await players.get(auth.playerId);
      if (row === null) return null;
      return { playerId: asPlayerId(auth.playerId), displayName: row.displayName, isBot: row.isBot || auth.kind === "bot" };
    },
  };
}

const BOT_NAMES = ["Ada", "Babbage", "Turing", "Hopper", "Knuth", "Lovelace", "Dijkstra", "Liskov", "Hamilton", "Ritchie"] as const;

/** Creates bot players (`is_bot`) and signs their tokens. */
export function createBotDirectory(tokens: TokenService, players: PlayerDirectory): BotDirectory {
  let count = 0;
  const accountFor = async (identity: Identity): Promise<BotAccount> => {
    const issued = await tokens.issueBotToken(identity.playerId);
    return { identity, token: issued.accessToken };
  };
  return {
    async createBot(): Promise<BotAccount> {
      const name = `Bot ${BOT_NAMES[count % BOT_NAMES.length] ?? "Bot"}${count >= BOT_NAMES.length ? ` ${Math.floor(count / BOT_NAMES.length) + 1}` : ""}`;
      count += 1;
      const playerId = await players.create({ displayName: name, isBot: true });
      return accountFor({ playerId, displayName: name, isBot: true });
    },
    accountFor,
    async fixedBot(identity: Identity): Promise<BotAccount> {
      await players.ensureBot({ playerId: identity.playerId, displayName: identity.displayName });
      return accountFor({ ...identity, isBot: true });
    },
  };
}
