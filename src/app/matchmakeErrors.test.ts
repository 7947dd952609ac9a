import { ServerError } from "@colyseus/core";
import { describe, expect, it } from "vitest";
import { isUnreachableRoom, withJoinErrorCode } from "./matchmakeErrors.js";

describe("join error codes across processes", () => {
  it("an error whose message names a join error gets that error's number; others are left alone", () => {
    const fixed = withJoinErrorCode(new Error("limits/too_many_tables: a player may have at most 3 live tables they created"));
    expect(fixed).toBeInstanceOf(ServerError);
    expect(fixed).toMatchObject({ code: 429, message: "limits/too_many_tables: a player may have at most 3 live tables they created" });
    expect(withJoinErrorCode(new ServerError(523, "replay/not_found: no game x"))).toMatchObject({ code: 404 });
    const other = new ServerError(523, "process x is not available.");
    expect(withJoinErrorCode(other)).toBe(other);
    expect(withJoinErrorCode(new Error("rules/not_your_turn: no"))).toBeInstanceOf(Error);
    expect(withJoinErrorCode("text")).toBe("text");
  });
});

describe("unreachable rooms (node loss)", () => {
  it("recognizes Colyseus's room-not-found and process-not-available errors, nothing else", () => {
    expect(isUnreachableRoom(new ServerError(522, 'room "abc" not found'))).toBe(true);
    expect(isUnreachableRoom(new ServerError(522, 'room "abc" has been disposed.'))).toBe(true);
    expect(isUnreachableRoom(new Error("process Xy_1 is not available."))).toBe(true);
    expect(isUnreachableRoom(new ServerError(522, 'room "abc" is locked'))).toBe(false);
    expect(isUnreachableRoom(new Error("table/seat_unavailable: no free seat"))).toBe(false);
    expect(isUnreachableRoom("room")).toBe(false);
  });
});
