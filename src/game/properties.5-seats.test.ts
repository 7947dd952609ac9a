/**
 * Property tests: 700 whole random games at 5 seats (with properties.3-seats, .4-seats and
 * .5-seats: 2,100 games). fast-check, with a fixed and logged seed, generates each game's session
 * seed and move seed; `playRandomGame` (randomGames.ts, where every check is described) plays
 * it and checks every property at every event. `fold(events[0..i])` is recomputed from scratch
 * at every event in 1 game in 10 and at every 64th event (and the last) in the others; the fold
 * of the stored (JSON) log is compared with the live state at every event of every game.
 */
import { propertySuite } from "./testing/propertySuite.js";

propertySuite(5);
