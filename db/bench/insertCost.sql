-- Where the server's CPU goes when the event log inserts a batch (db/bench/eventLogBench.ts
-- reports the total). Four variants of 10 batches x 400 rows through jsonb_to_recordset, as a
-- flush does: A the schema as migrated; B without the two game_events indexes spec 004 lists
-- on top of the UNIQUE constraint; C also without the foreign key check; D parsing only.
-- Prints microseconds of backend CPU per row (from /proc, 10 ms resolution; needs a local
-- server and a superuser for pg_read_file).
--
-- Everything runs in one transaction that is rolled back: nothing is left behind. Still, run
-- it on a scratch database, e.g.
--   createdb -h 127.0.0.1 -U postgres pzo_cost && DATABASE_URL=postgres://postgres@127.0.0.1:5432/pzo_cost npm run db:migrate
--   psql -h 127.0.0.1 -U postgres -d pzo_cost -f db/bench/insertCost.sql && dropdb -h 127.0.0.1 -U postgres pzo_cost
BEGIN;
insert into games (id, session_seed, seed_commitment, config, status) select gen_random_uuid(), 'x', 'y', '{}', 'created' from generate_series(1,400);
create temp table g as select id, row_number() over () as r from games;
create temp table js as select n, (select jsonb_agg(jsonb_build_object('game_id', g.id, 'event_index', n, 'type', 'card_played', 'payload', '{"_v":1,"round":3,"trick":2,"seat":1,"card":"TD","auto":false}'::jsonb)) from g)::text as doc from generate_series(1,40) n;
create function pg_temp.cpu() returns float language plpgsql as $$ declare s text; f text[]; begin s := pg_read_file('/proc/' || pg_backend_pid() || '/stat'); s := substr(s, strpos(s, ') ') + 2); f := string_to_array(s, ' '); return (f[12]::float + f[13]::float) / 100; end $$;
create temp table m (label text, cpu float);
do $$ declare c0 float; i int; d text; begin
  c0 := pg_temp.cpu();
  for i in 1..10 loop select doc into d from js where n = i; execute 'insert into game_events (game_id, event_index, type, payload) select * from jsonb_to_recordset($1::jsonb) as x(game_id uuid, event_index int, type text, payload jsonb)' using d; end loop;
  insert into m values ('A full schema', pg_temp.cpu() - c0);
end $$;
drop index game_events_game_id_idx; drop index game_events_game_id_event_index_idx;
do $$ declare c0 float; i int; d text; begin
  c0 := pg_temp.cpu();
  for i in 11..20 loop select doc into d from js where n = i; execute 'insert into game_events (game_id, event_index, type, payload) select * from jsonb_to_recordset($1::jsonb) as x(game_id uuid, event_index int, type text, payload jsonb)' using d; end loop;
  insert into m values ('B without the 2 spec indexes', pg_temp.cpu() - c0);
end $$;
SET LOCAL session_replication_role = replica;
do $$ declare c0 float; i int; d text; begin
  c0 := pg_temp.cpu();
  for i in 21..30 loop select doc into d from js where n = i; execute 'insert into game_events (game_id, event_index, type, payload) select * from jsonb_to_recordset($1::jsonb) as x(game_id uuid, event_index int, type text, payload jsonb)' using d; end loop;
  insert into m values ('C B and no FK check', pg_temp.cpu() - c0);
end $$;
do $$ declare c0 float; i int; d text; begin
  c0 := pg_temp.cpu();
  for i in 31..40 loop select doc into d from js where n = i; perform count(*) from jsonb_to_recordset(d::jsonb) as x(game_id uuid, event_index int, type text, payload jsonb); end loop;
  insert into m values ('D parse only', pg_temp.cpu() - c0);
end $$;
select label, round((cpu * 1e6 / 4000)::numeric, 1) as us_per_row from m;
ROLLBACK;
