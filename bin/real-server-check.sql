-- Statements bin/real-server-check runs against a real Trino server with the plugin installed.
-- The warehouse holds a copy of Python IceDB's README table at key prefix "readme".
SHOW CATALOGS;
-- (schema "python" is a directory the script creates; CREATE SCHEMA comes with the write path)
CALL icedb.system.register_table('python', 'events', 'local:///readme');
SELECT ts, event, user_id, properties.page_name FROM icedb.python.events ORDER BY ts;
SELECT count(*) AS rows_before_first_log FROM icedb.python.events FOR VERSION AS OF 1795579471416;
