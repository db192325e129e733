-- The board keeps showing an open procedure whose run was ended from outside (records/board-source.ts).
create index procedures_open_anomalies on procedures (id) where closed_at is null and anomaly is not null;
