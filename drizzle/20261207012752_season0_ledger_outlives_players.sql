ALTER TABLE "wallet_accounts" DROP CONSTRAINT "wallet_accounts_player_id_players_id_fk";
