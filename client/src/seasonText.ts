/**
 * The season texts of the lobby clock (seasonClock.ts), the profile (pages/profileSeasons.ts) and
 * the achievement notices (the table's and the Season page's), pure so they are tested without a
 * browser.
 */

/** "12d 04h", "3h 05m", "4m 09s", "9s": the two largest units, the second zero-padded. */
export function formatTimeLeft(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86_400);
  const hh = Math.floor((s % 86_400) / 3_600);
  const mm = Math.floor((s % 3_600) / 60);
  const ss = s % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (d > 0) return `${d}d ${pad(hh)}h`;
  if (hh > 0) return `${hh}h ${pad(mm)}m`;
  if (mm > 0) return `${mm}m ${pad(ss)}s`;
  return `${ss}s`;
}

/** The clock's text for a season and the seconds left (null: no scheduled end). */
export function seasonClockText(season: number, secondsLeft: number | null): string {
  if (secondsLeft === null) return `Season ${season}`;
  if (secondsLeft <= 0) return `Season ${season} is ending…`;
  return `Season ${season} ends in ${formatTimeLeft(secondsLeft)}`;
}

/** "500 coins, Season 3 frame", or "none". */
export function rewardsText(r: { readonly coins: number; readonly cosmeticId: string | null }): string {
  const parts: string[] = [];
  if (r.coins > 0) parts.push(`${r.coins} coins`);
  if (r.cosmeticId !== null) {
    const frame = /^season_(\d+)_frame$/.exec(r.cosmeticId);
    parts.push(frame === null ? r.cosmeticId : `Season ${frame[1] ?? ""} frame`);
  }
  return parts.length === 0 ? "none" : parts.join(", ");
}

/** What a notice shows of an unlock: the table's `achievement` message (docs/PROTOCOL.md) or the Season stream's `ACHIEVEMENT_UNLOCKED`. */
export interface AchievementRewards {
  readonly name: string;
  readonly rewardCoins: number;
  readonly rewardItemName?: string | null | undefined;
  readonly rewardQuantity?: number | undefined;
}

/** The notice of an unlock (the table's and the Season page's): its name and rewards, e.g. "Achievement unlocked: Perfect game (+100 coins, Gold card back)". */
export function achievementNotice(a: AchievementRewards): string {
  const quantity = a.rewardQuantity ?? 0;
  const rewards = [
    ...(a.rewardCoins > 0 ? [`+${a.rewardCoins} coins`] : []),
    ...(a.rewardItemName !== null && a.rewardItemName !== undefined && quantity > 0 ? [quantity > 1 ? `${quantity} × ${a.rewardItemName}` : a.rewardItemName] : []),
  ];
  return `Achievement unlocked: ${a.name}${rewards.length > 0 ? ` (${rewards.join(", ")})` : ""}`;
}
