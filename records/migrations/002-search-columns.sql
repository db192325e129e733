-- What lists and statistics filter by (SPEC §4a), kept beside the view: the organ (first party), the
-- procedure's region, the tier last responsible, and the outcome at close (the final state's words).
alter table procedures add column organ text;
alter table procedures add column region text;
alter table procedures add column tier text;
alter table procedures add column outcome text;
create index procedures_closed_list on procedures (closed_at desc, id desc) where closed_at is not null;
