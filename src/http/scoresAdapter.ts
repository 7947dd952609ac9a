/**
 * Adapts src/ladder's action tokens and score submission service to the HTTP layer's
 * {@link ScoresPort}, translating the ladder's error codes into the API's problem codes.
 */
import { createHmac, randomUUID } from "node:crypto";
import type { Registry } from "prom-client";
import type { Database } from "../../db/client.js";
import type { Config } from "../platform/config.js";
import type { Logger } from "../platform/logger.js";
import { ActionTokens } from "../ladder/actionTokens.js";
import { ScoreSubmissionService, type LadderChangeSink, type SubmissionErrorCode } from "../ladder/submission.js";
import { resolveJwtSecret } from "./auth.js";
import type { ScoreRejection, ScoresPort } from "./ports.js";

/** Default action token lifetime (the spec's example: 5 minutes). */
export const DEFAULT_ACTION_TTL_SECONDS = 300;

const CODES = {
  "token/malformed": "action_token/malformed",
  "token/bad_delta": "validation/failed",
  "token/bad_signature": "action_token/bad_signature",
  "token/expired": "action_token/expired",
  "token/wrong_user": "action_token/wrong_user",
  "token/over_max_score": "action_token/over_max_score",
  "ladder/no_player": "not_found",
  "ladder/score_overflow": "ladder/overflow",
} as const satisfies Record<Exclude<SubmissionErrorCode, "token/replayed">, ScoreRejection>;

/** Builds the port over the ladder's token signer and submission service. */
export function createScoresPort(deps: { readonly tokens: ActionTokens; readonly submission: ScoreSubmissionService; readonly now?: () => number }): ScoresPort {
  const now = deps.now ?? Date.now;
  return {
    issueActionToken({ userId, maxScore, actionId, ttlSeconds }) {
      const id = actionId ?? randomUUID();
      const expiresAt = now() + (ttlSeconds ?? DEFAULT_ACTION_TTL_SECONDS) * 1000;
      const token = deps.tokens.issue({ actionId: id, userId, maxScore, expiresAt });
      return Promise.resolve({ token, actionId: id, userId, maxScore, expiresAt: new Date(expiresAt).toISOString() });
    },
    async submitScore({ userId, token, delta }) {
      const r = await deps.submission.submit({ token, callerUserId: userId, delta });
      switch (r.status) {
        case "applied":
          return { kind: "applied", result: r.response };
        case "replay":
          return { kind: "replayed", first: r.response };
        case "rejected":
          return { kind: "rejected", code: CODES[r.code], message: r.message };
      }
    },
  };
}

/**
 * The action-token secret: `ACTION_TOKEN_SECRET`, else derived from the JWT secret
 * (HMAC-SHA256 of a fixed label), so one configured secret is enough but the two keys differ.
 */
export function actionTokenSecret(config: Pick<Config, "ACTION_TOKEN_SECRET" | "JWT_SECRET" | "DATA_DIR" | "NODE_ENV">, logger: Logger): string {
  if (config.ACTION_TOKEN_SECRET !== undefined) return config.ACTION_TOKEN_SECRET;
  return createHmac("sha256", resolveJwtSecret(config, logger)).update("pzo action tokens v1").digest("hex");
}

/**
 * The scores port from configuration, for the composition root:
 * `createLadderPort(service, feed, createScoresPortFromConfig({ config, logger, db, ladder: service, registry }))`.
 */
export function createScoresPortFromConfig(deps: {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Database;
  readonly ladder: LadderChangeSink;
  readonly registry: Registry;
}): ScoresPort {
  const tokens = new ActionTokens(actionTokenSecret(deps.config, deps.logger));
  const submission = new ScoreSubmissionService({ db: deps.db, tokens, ladder: deps.ladder, logger: deps.logger, registry: deps.registry });
  return createScoresPort({ tokens, submission });
}
