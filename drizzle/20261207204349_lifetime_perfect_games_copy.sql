-- Custom SQL migration file, put your code below! --
-- The achievement counters move into the lifetime stats (the next migration drops
-- player_achievement_stats): perfect_games is copied; exact_zero_bids counted the same rounds as
-- zero_bids_made (bid 0, took 0), which every completion adds for every seat, so it is only kept
-- when larger (it never is unless rows were written by hand). A player with counters and no
-- lifetime row gets one (its other figures at their defaults).
INSERT INTO player_lifetime_stats (player_id, perfect_games, zero_bids_made)
SELECT player_id, perfect_games, exact_zero_bids FROM player_achievement_stats ORDER BY player_id
ON CONFLICT (player_id) DO UPDATE SET
  perfect_games = excluded.perfect_games,
  zero_bids_made = GREATEST(player_lifetime_stats.zero_bids_made, excluded.zero_bids_made);
