/**
 * The wallet (double-entry ledger): deposit (admin, or a trusted service on its own path),
 * withdraw (the owner), balances and history. Every write needs an `Idempotency-Key`: the
 * ledger stores it with the transaction, so a repeat answers the first transaction and moves
 * nothing (`replayed: true`).
 */
import { z } from "zod";
import type { AuthContext } from "../auth.js";
import { fail, jsonRoute, none, ok, type Reply } from "../route.js";
import { idParams } from "../schemas.js";
import { balanceSchema, depositBody, ownerOrAdminOfPlayer, transactionSchema, transferResultSchema, withdrawBody } from "../seasonSchemas.js";
import type { IncomingHttpHeaders } from "node:http";
import type { RouteDeps } from "./deps.js";
import type { TransferResult } from "../../../db/wallet.js";

const KEY = /^[\x21-\x7e]{1,255}$/;

/** The `Idempotency-Key` header, or the problem (missing: 428; malformed: 400). */
function idempotencyKeyOf(headers: IncomingHttpHeaders): { ok: true; key: string } | { ok: false; reply: Reply<never> } {
  const k = headers["idempotency-key"];
  if (typeof k !== "string" || k === "") return { ok: false, reply: fail("idempotency/key_required", "send Idempotency-Key: <1-255 visible ASCII characters>, unique per intended transfer") };
  if (!KEY.test(k)) return { ok: false, reply: fail("validation/failed", "bad Idempotency-Key", { errors: [{ in: "header", path: "Idempotency-Key", message: "1-255 visible ASCII characters" }] }) };
  return { ok: true, key: k };
}

function answer(r: TransferResult) {
  if (!r.ok) return fail(r.code, r.detail);
  return ok({ transaction: r.transaction, replayed: r.replayed, balance: r.balance }, { status: r.replayed ? 200 : 201 });
}

const requester = (auth: AuthContext | null): string => (auth === null ? "service" : `${auth.role === "admin" ? "admin" : "player"}:${auth.sub}`);

const WRITE_ERRORS = ["idempotency/key_required", "idempotency/key_reused", "wallet/unknown_currency", "wallet/overflow"] as const;

/** The wallet routes. */
export function walletRoutes(deps: RouteDeps) {
  const depositRoute = (access: "admin" | "service") =>
    jsonRoute({
      method: "post",
      path: access === "admin" ? "/api/currency/deposit" : "/api/service/currency/deposit",
      summary: access === "admin" ? "Deposit into a player's account from the mint (admin)" : "Deposit into a player's account from the mint (trusted service, X-Service-Key)",
      description: "Requires Idempotency-Key. 201 with the transaction; a repeat of the key answers 200 with the first transaction and `replayed: true`, moving nothing. Events: CURRENCY_DEPOSITED, TRANSACTION_COMPLETED.",
      tags: ["currency"],
      access,
      group: access === "admin" ? "admin" : "write",
      errors: [...WRITE_ERRORS, "not_found"],
      status: 201,
      params: none,
      query: none,
      body: depositBody,
      response: transferResultSchema,
      async handler({ auth, headers, body }) {
        const key = idempotencyKeyOf(headers);
        if (!key.ok) return key.reply;
        if ((await deps.accounts.getPlayer(body.playerId)) === null) return fail("not_found", "no such player");
        return answer(
          await deps.season.transfer({
            kind: "deposit",
            currency: body.currency,
            amount: body.amount,
            from: { kind: "system", name: "mint" },
            to: { kind: "player", playerId: body.playerId },
            requestedBy: requester(auth),
            idempotencyKey: key.key,
            reason: body.reason,
          }),
        );
      },
    });

  const withdraw = jsonRoute({
    method: "post",
    path: "/api/currency/withdraw",
    summary: "Withdraw (spend) from the caller's account to the sink",
    description: "Requires Idempotency-Key. Refused with wallet/insufficient_funds when the balance is short (nothing moves). Events: CURRENCY_WITHDRAWN, TRANSACTION_COMPLETED.",
    tags: ["currency"],
    access: "player",
    group: "write",
    errors: [...WRITE_ERRORS, "wallet/insufficient_funds"],
    status: 201,
    params: none,
    query: none,
    body: withdrawBody,
    response: transferResultSchema,
    async handler({ auth, headers, body }) {
      if (auth === null) return fail("auth/missing_token");
      const key = idempotencyKeyOf(headers);
      if (!key.ok) return key.reply;
      return answer(
        await deps.season.transfer({
          kind: "withdrawal",
          currency: body.currency,
          amount: body.amount,
          from: { kind: "player", playerId: auth.playerId },
          to: { kind: "system", name: "sink" },
          requestedBy: requester(auth),
          idempotencyKey: key.key,
          reason: body.reason,
        }),
      );
    },
  });

  const balances = jsonRoute({
    method: "get",
    path: "/api/currency",
    summary: "The caller's balance in every currency",
    tags: ["currency"],
    access: "player",
    group: "read",
    errors: [],
    params: none,
    query: none,
    body: none,
    response: z.array(balanceSchema),
    async handler({ auth }) {
      if (auth === null) return fail("auth/missing_token");
      return ok(await deps.season.balancesOf(auth.playerId));
    },
  });

  const history = jsonRoute({
    method: "get",
    path: "/api/currency/:id/transactions",
    summary: "A player's transactions, newest first (the player or an admin; cursor pagination)",
    tags: ["currency"],
    access: "player",
    group: "read",
    errors: [],
    params: idParams.describe("`id` is the player id"),
    query: z.object({ cursor: z.string().regex(/^\d{1,16}_[0-9a-f-]{36}$/, "a cursor from meta.nextCursor").optional(), limit: z.coerce.number().int().min(1).max(100).default(20) }),
    body: none,
    response: z.array(transactionSchema),
    paginated: true,
    async handler({ auth, params, query }) {
      const denied = ownerOrAdminOfPlayer(auth, params.id);
      if (denied !== null) return denied;
      const [ms, id] = (query.cursor ?? "").split("_");
      const before = ms !== undefined && id !== undefined ? { at: new Date(Number(ms)), id } : undefined;
      const page = await deps.season.transactionsOf(params.id, { limit: query.limit, before });
      return ok(page.items, { meta: { nextCursor: page.next === null ? null : `${page.next.at.getTime()}_${page.next.id}` } });
    },
  });

  return [depositRoute("admin"), depositRoute("service"), withdraw, balances, history];
}
