-- The demo schema ./icedb sql creates in its default warehouse (./icedb-warehouse) on first use.
CREATE SCHEMA icedb.demo;
CREATE TABLE icedb.demo.events (
    ts timestamp(6),
    event varchar,
    user_id varchar,
    properties row(page_name varchar))
WITH (partitioning = ARRAY['user_id', 'day(ts)'], sorted_by = ARRAY['event', 'ts']);
INSERT INTO icedb.demo.events VALUES
    (TIMESTAMP '2023-02-11 14:37:09.999', 'page_load', 'user_b', ROW('Home')),
    (TIMESTAMP '2023-06-07 22:28:59.445', 'page_load', 'user_a', ROW('Home')),
    (TIMESTAMP '2023-06-07 22:28:59.666', 'page_load', 'user_a', ROW('Settings'));
INSERT INTO icedb.demo.events VALUES (TIMESTAMP '2023-06-07 22:29:01.445', 'page_load', 'user_a', ROW('Home'));
CREATE TABLE icedb.demo.customer AS SELECT * FROM tpch.tiny.customer;
