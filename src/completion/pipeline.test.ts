/**
 * The completion pipeline's rules P1-P3 with a fake transaction (no database): the claim gates
 * every participant, writes run in order inside one transaction, after-commit steps run once,
 * after the commit, in order, and a failing one does not stop the others.
 * db/completionPipeline.test.ts checks the same rules on PGlite and PostgreSQL.
 */
import { describe, expect, it } from "vitest";
import type { GameId, GameSummary } from "../game/types.js";
import { CompletionPipeline, register, type CompletionParticipant, type FinishedGame, type TransactionRunner } from "./pipeline.js";

type FakeTx = { readonly id: number; readonly log: string[] };

const game: FinishedGame = { gameId: "g-1" as GameId, completedAt: new Date(0), summary: {} as GameSummary, deltas: [] };

/** A runner that records begin/commit/rollback around the body. */
function fakeRunner(trace: string[]): TransactionRunner<FakeTx> {
  let next = 1;
  return {
    async transaction(body) {
      const tx = { id: next++, log: trace };
      trace.push(`begin ${tx.id}`);
      try {
        const result = await body(tx);
        trace.push(`commit ${tx.id}`);
        return result;
      } catch (err) {
        trace.push(`rollback ${tx.id}`);
        throw err;
      }
    },
  };
}

function participant(name: string, trace: string[], options: { readonly failWrite?: boolean; readonly failAfter?: boolean } = {}): CompletionParticipant<FakeTx, string> {
  return {
    name,
    write(tx) {
      if (options.failWrite === true) return Promise.reject(new Error(`${name} refused`));
      trace.push(`write ${name} in ${tx.id}`);
      return Promise.resolve(`${name}-result`);
    },
    afterCommit(result) {
      trace.push(`after ${name} ${result}`);
      return options.failAfter === true ? Promise.reject(new Error("down")) : Promise.resolve();
    },
  };
}

const silent = { error: () => undefined };

describe("completion pipeline (fake transaction)", () => {
  it("P1-P3: claim, writes in order in one transaction, then each afterCommit once, after the commit, with its write's result", async () => {
    const trace: string[] = [];
    const pipeline = new CompletionPipeline(fakeRunner(trace), () => Promise.resolve(true), [register(participant("a", trace)), register(participant("b", trace))], silent);
    expect(await pipeline.complete(game)).toEqual({ applied: true });
    expect(trace).toEqual(["begin 1", "write a in 1", "write b in 1", "commit 1", "after a a-result", "after b b-result"]);
  });

  it("P1: an unclaimed game (already completed) writes nothing and runs no afterCommit", async () => {
    const trace: string[] = [];
    const pipeline = new CompletionPipeline(fakeRunner(trace), () => Promise.resolve(false), [register(participant("a", trace))], silent);
    expect(await pipeline.complete(game)).toEqual({ applied: false });
    expect(trace).toEqual(["begin 1", "commit 1"]);
  });

  it("P2: a throwing write rolls the transaction back, later writes and every afterCommit do not run, and the caller gets the error", async () => {
    const trace: string[] = [];
    const pipeline = new CompletionPipeline(
      fakeRunner(trace),
      () => Promise.resolve(true),
      [register(participant("a", trace)), register(participant("bad", trace, { failWrite: true })), register(participant("c", trace))],
      silent,
    );
    await expect(pipeline.complete(game)).rejects.toThrow("bad refused");
    expect(trace).toEqual(["begin 1", "write a in 1", "rollback 1"]);
  });

  it("P3: a failing afterCommit is logged with the participant's name; the next still runs", async () => {
    const trace: string[] = [];
    const logged: unknown[] = [];
    const pipeline = new CompletionPipeline(
      fakeRunner(trace),
      () => Promise.resolve(true),
      [register(participant("a", trace, { failAfter: true })), register(participant("b", trace))],
      { error: (obj: unknown) => void logged.push(obj) },
    );
    expect(await pipeline.complete(game)).toEqual({ applied: true });
    expect(trace.slice(-2)).toEqual(["after a a-result", "after b b-result"]);
    expect(logged).toMatchObject([{ participant: "a", gameId: "g-1" }]);
  });
});
