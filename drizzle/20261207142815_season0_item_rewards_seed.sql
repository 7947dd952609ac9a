-- Custom SQL migration file, put your code below! --
-- Achievement rewards that are items (docs/SEASON0.md, Achievements). The Gold card back (already
-- in `items` since season0_integrity) becomes a cosmetic conferred by that item, so a player who
-- receives the item can equip it like any other card back; `grant`: never sold.
INSERT INTO cosmetics (id, name, kind, availability, price_coins, required_achievement_id, item_id) VALUES
  ('card_back_gold', 'Gold card back', 'card_back', 'grant', 0, NULL, 'card_back_gold');
--> statement-breakpoint
-- The perfect game rewards one Gold card back besides its coins.
UPDATE achievements SET reward_item_id = 'card_back_gold', reward_quantity = 1 WHERE id = 'perfect_game';
