-- Where the server's CPU goes when the event log inserts a batch (db/bench/eventLogBench.ts
-- reports the total). Batches of 500 rows, as a flush sends them, in these variants:
--   A   the schema as migrated, rows from jsonb_to_recordset (what a flush does);
--   A2  the same through unnest of four arrays (an alternative statement shape);
--   D   parsing the jsonb batch only (no insert); D2 unnest only;
--   B   A without the two game_events indexes spec 004 §5.3 lists on top of the UNIQUE one;
--   C   B without the foreign key check (session_replication_role = replica);
--   E   C without the primary key index.
-- A, A2, D, D2: 30 batches (15,000 rows) each; B, C, E: 20 batches (10,000 rows) each. Prints
-- microseconds of backend CPU (from /proc, 10 ms resolution: about 0.7-1 µs per row here) and
-- of wall time per row. Needs a local server and a superuser (pg_read_file). The variants run
-- one after another in one growing table, so compare them within a run, and run it twice.
--
-- Everything runs in one transaction that is rolled back: nothing is left behind. Still, run
-- it on a scratch database, e.g.
--   createdb -h 127.0.0.1 -U postgres pzo_cost && DATABASE_URL=postgres://postgres@127.0.0.1:5432/pzo_cost npm run db:migrate
--   flock /tmp/pzo-bench.lock psql -h 127.0.0.1 -U postgres -d pzo_cost -q -f db/bench/insertCost.sql
--   dropdb -h 127.0.0.1 -U postgres pzo_cost
BEGIN;
insert into games (id, session_seed, seed_commitment, config, status) select gen_random_uuid(), 'x', 'y', '{}', 'created' from generate_series(1,500);
create temp table g as select id, row_number() over () as r from games;
create temp table js as select n, (select jsonb_agg(jsonb_build_object('game_id', g.id, 'event_index', n, 'type', 'card_played', 'payload', '{"_v":1,"round":3,"trick":2,"seat":1,"card":"TD","auto":false}'::jsonb)) from g)::text as doc from generate_series(1,200) n;
create temp table arr as select n, array_agg(g.id) as ids, array_agg(n::int) as ix, array_agg('card_played'::text) as ty, array_agg('{"_v":1,"round":3,"trick":2,"seat":1,"card":"TD","auto":false}'::text) as pl from g, generate_series(1,200) n group by n;
create function pg_temp.cpu() returns float language plpgsql as $$ declare s text; f text[]; begin s := pg_read_file('/proc/' || pg_backend_pid() || '/stat'); s := substr(s, strpos(s, ') ') + 2); f := string_to_array(s, ' '); return (f[12]::float + f[13]::float) / 100; end $$;
create temp table m (label text, cpu float, wall float);
create function pg_temp.run(label text, lo int, hi int, mode int) returns void language plpgsql as $$ declare c0 float; t0 timestamptz; i int; d text; a record; begin
  c0 := pg_temp.cpu(); t0 := clock_timestamp();
  for i in lo..hi loop
    if mode = 1 then
      select doc into d from js where n = i; execute 'insert into game_events (game_id, event_index, type, payload) select * from jsonb_to_recordset($1::jsonb) as x(game_id uuid, event_index int, type text, payload jsonb)' using d;
    elsif mode = 2 then
      select * into a from arr where n = i; execute 'insert into game_events (game_id, event_index, type, payload) select * from unnest($1::uuid[], $2::int[], $3::text[], $4::jsonb[])' using a.ids, a.ix, a.ty, a.pl::text[];
    elsif mode = 3 then
      select doc into d from js where n = i; perform count(*) from jsonb_to_recordset(d::jsonb) as x(game_id uuid, event_index int, type text, payload jsonb);
    else
      select * into a from arr where n = i; perform count(*) from unnest(a.ids, a.ix, a.ty, a.pl::text[]::jsonb[]);
    end if;
  end loop;
  insert into m values (label, pg_temp.cpu() - c0, extract(epoch from clock_timestamp() - t0));
end $$;
select pg_temp.run('warm', 1, 20, 1) \gset
select pg_temp.run('A  as migrated, jsonb_to_recordset', 21, 50, 1) \gset
select pg_temp.run('A2 as migrated, unnest of 4 arrays', 51, 80, 2) \gset
select pg_temp.run('D  parse only, jsonb_to_recordset', 81, 110, 3) \gset
select pg_temp.run('D2 parse only, unnest', 111, 140, 4) \gset
drop index game_events_game_id_idx; drop index game_events_game_id_event_index_idx;
select pg_temp.run('B  A without the 2 spec 004 indexes', 141, 160, 1) \gset
SET LOCAL session_replication_role = replica;
select pg_temp.run('C  B without the FK check', 161, 180, 1) \gset
alter table game_events drop constraint game_events_pkey;
select pg_temp.run('E  C without the PK index', 181, 200, 1) \gset
select label, round((cpu * 1e6 / ((case when label like 'A%' or label like 'D%' then 30 else 20 end) * 500))::numeric, 2) as cpu_us_per_row, round((wall * 1e6 / ((case when label like 'A%' or label like 'D%' then 30 else 20 end) * 500))::numeric, 2) as wall_us_per_row from m where label <> 'warm';
ROLLBACK;
