/** The PZO rules engine: pure functions over the types in `types.ts`. */
export * from "./types.js";
