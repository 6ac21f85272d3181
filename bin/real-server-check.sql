-- Statements bin/real-server-check runs against a real Trino server with the plugin installed.
-- The warehouse holds a copy of Python IceDB's README table at key prefix "readme".
SHOW CATALOGS;
CREATE SCHEMA icedb.python;
CALL icedb.system.register_table('python', 'events', 'local:///readme');
SELECT ts, event, user_id, properties.page_name FROM icedb.python.events ORDER BY ts;
SELECT count(*) AS rows_at_first_log FROM icedb.python.events FOR VERSION AS OF 1795579471416;

CREATE SCHEMA icedb.demo;
CREATE TABLE icedb.demo.orders
WITH (partitioning = ARRAY['orderstatus'], sorted_by = ARRAY['orderdate'])
AS SELECT orderkey, custkey, orderstatus, totalprice, orderdate FROM tpch.tiny.orders WHERE orderkey < 1000;
INSERT INTO icedb.demo.orders SELECT orderkey, custkey, orderstatus, totalprice, orderdate FROM tpch.tiny.orders WHERE orderkey >= 1000 AND orderkey < 2000;
INSERT INTO icedb.demo.orders SELECT orderkey, custkey, orderstatus, totalprice, orderdate FROM tpch.tiny.orders WHERE orderkey >= 2000 AND orderkey < 3000;
SELECT count(*) AS order_rows, sum(totalprice) AS total FROM icedb.demo.orders;
SELECT partition, parts FROM icedb.demo."orders$partitions" ORDER BY partition;
SHOW CREATE TABLE icedb.demo.orders;
CALL icedb.system.merge('demo', 'orders');
SELECT partition, parts FROM icedb.demo."orders$partitions" ORDER BY partition;
SELECT count(*) AS order_rows, sum(totalprice) AS total FROM icedb.demo.orders;
SELECT merged, count(*) AS logs FROM icedb.demo."orders$log" GROUP BY merged ORDER BY merged;
INSERT INTO icedb.demo.orders SELECT orderkey, custkey, orderstatus, totalprice, orderdate FROM tpch.tiny.orders WHERE orderkey >= 3000 AND orderkey < 4000;
INSERT INTO icedb.demo.orders SELECT orderkey, custkey, orderstatus, totalprice, orderdate FROM tpch.tiny.orders WHERE orderkey >= 4000 AND orderkey < 5000;
ALTER TABLE icedb.demo.orders EXECUTE merge WHERE orderstatus = 'F';
ALTER TABLE icedb.demo.orders EXECUTE merge(max_file_count => 5);
SELECT partition, parts FROM icedb.demo."orders$partitions" ORDER BY partition;
SELECT count(*) AS order_rows, sum(totalprice) AS total FROM icedb.demo.orders;
SELECT operation, metrics['parts_merged'] AS parts_merged, metrics['parts_written'] AS parts_written, metrics['rows_written'] AS rows_written FROM icedb.demo."orders$maintenance" ORDER BY finished;
