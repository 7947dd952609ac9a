-- Custom SQL migration file, put your code below! ---- Season 0's cosmetics catalogue. `shop`: bought for price_coins (0: claimed free) once any required achievement is unlocked;
-- `grant`: never sold (the Founder frame goes to the first FOUNDER_COSMETIC_LIMIT players admitted from the waitlist).
INSERT INTO cosmetics (id, name, kind, availability, price_coins, required_achievement_id) VALUES
  ('midnight_back', 'Midnight card back', 'card_back', 'shop', 40, NULL),
  ('royal_back', 'Royal card back', 'card_back', 'shop', 150, NULL),
  ('perfect_back', 'Perfect card back', 'card_back', 'shop', 0, 'perfect_game'),
  ('silver_frame', 'Silver seat frame', 'seat_frame', 'shop', 60, NULL),
  ('streak_frame', 'Hat-trick seat frame', 'seat_frame', 'shop', 25, 'hat_trick'),
  ('green_felt', 'Green table felt', 'table_felt', 'shop', 30, NULL),
  ('founder_frame', 'Founder seat frame', 'seat_frame', 'grant', 0, NULL);
