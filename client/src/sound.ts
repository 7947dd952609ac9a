/**
 * Sound effects for your turn, a card played and a trick won: short tones made with Web Audio
 * (no audio files, nothing to download). Off by default; the toggle is remembered in
 * localStorage (`pzo.sound`).
 */
import { local } from "./env.js";

const KEY = "pzo.sound";

export type SoundKind = "turn" | "card" | "trick";

export function soundOn(): boolean {
  return local.getItem(KEY) === "on";
}

export function setSound(on: boolean): void {
  local.setItem(KEY, on ? "on" : "off");
}

/** Frequencies (Hz) and length (s) of each effect. */
const TONES: Readonly<Record<SoundKind, { readonly notes: readonly number[]; readonly length: number }>> = {
  turn: { notes: [660, 880], length: 0.12 },
  card: { notes: [320], length: 0.05 },
  trick: { notes: [523, 659, 784], length: 0.08 },
};

let context: AudioContext | null = null;
/** How many effects were played on this page (read by tests through the toggle's `data-played`). */
let played = 0;

export function soundsPlayed(): number {
  return played;
}

/** Plays an effect when sound is on; never throws (no audio device, autoplay policy). */
export function playSound(kind: SoundKind): void {
  if (!soundOn()) return;
  played += 1;
  try {
    context ??= new AudioContext();
    const ctx = context;
    const { notes, length } = TONES[kind];
    notes.forEach((freq, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      const start = ctx.currentTime + i * length;
      gain.gain.setValueAtTime(0.08, start);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(start + length);
    });
  } catch {
    // No sound here: the game goes on silently.
  }
}
