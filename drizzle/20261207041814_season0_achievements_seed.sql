-- Custom SQL migration file, put your code below! --
-- Season 0's first achievement definitions (data: admins edit them with PUT /api/admin/achievements/:id).
-- `condition` is an AchievementCondition (src/season/achievements.ts); rewards are coins from the `rewards` account.
INSERT INTO achievements (id, name, description, condition, reward_coins) VALUES
  ('first_win', 'First win', 'Win a game.', '{"kind":"games_won","atLeast":1}', 25),
  ('regular', 'Regular', 'Play 10 games.', '{"kind":"games_played","atLeast":10}', 50),
  ('perfect_game', 'Perfect game', 'Make every one of your bids in one game.', '{"kind":"perfect_games","atLeast":1}', 100),
  ('centurion', 'Centurion', 'Finish a game with 100 points or more.', '{"kind":"game_score","atLeast":100}', 50),
  ('hat_trick', 'Hat trick', 'Win 3 games in a row.', '{"kind":"win_streak","atLeast":3}', 75),
  ('zero_hero', 'Zero hero', 'Bid 0 and take 0 tricks in 10 rounds.', '{"kind":"exact_zero_bids","atLeast":10}', 50);
