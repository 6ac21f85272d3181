package io.trino.plugin.icedb;

import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.MaterializedResult;
import io.trino.testing.MaterializedRow;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write path on a local warehouse: DDL, inserts, partitioning, sorting, table properties, comments and the errors.
 */
public class TestIcedbWrites
        extends AbstractTestQueryFramework
{
    private Path root;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        root = Files.createTempDirectory("icedb-writes");
        Path directory = root;
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .registerResource(() -> deleteRecursively(directory, ALLOW_INSECURE))
                .build();
        queryRunner.execute("CREATE SCHEMA icedb.w");
        return queryRunner;
    }

    @Test
    public void testCreateInsertSelectDrop()
    {
        assertUpdate("CREATE TABLE w.simple (id bigint, name varchar)");
        assertThat(query("SELECT count(*) FROM w.simple")).matches("VALUES BIGINT '0'");
        assertThat(root.resolve("w/simple/_icedb/properties.json")).exists();
        assertUpdate("INSERT INTO w.simple VALUES (1, 'a'), (2, 'b')", 2);
        assertUpdate("INSERT INTO w.simple VALUES (3, 'c')", 1);
        // an insert of no rows commits nothing
        assertUpdate("INSERT INTO w.simple SELECT * FROM w.simple WHERE id < 0", 0);
        assertThat(query("SELECT id, name FROM w.simple")).matches("VALUES (BIGINT '1', VARCHAR 'a'), (2, 'b'), (3, 'c')");
        assertThat(listKeys("w/simple/_log")).hasSize(3);
        assertUpdate("DROP TABLE w.simple");
        assertThat(query("SHOW TABLES FROM w LIKE 'simple'")).returnsEmptyResult();
        assertThat(root.resolve("w/simple/_log")).doesNotExist();
    }

    @Test
    public void testConcurrentInsertsOnLocalDisk()
            throws Exception
    {
        // the local file system's exclusive create is a hard link: concurrent commits never replace each other
        assertUpdate("CREATE TABLE w.local_race (id bigint)");
        ExecutorService executor = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> inserts = new ArrayList<>();
            for (int writer = 0; writer < 4; writer++) {
                int base = writer * 1000;
                inserts.add(executor.submit(() -> getQueryRunner().execute("INSERT INTO w.local_race SELECT %s + x FROM UNNEST(sequence(1, 1000)) AS t(x)".formatted(base))));
            }
            for (Future<?> insert : inserts) {
                insert.get();
            }
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(query("SELECT count(*), count(DISTINCT id) FROM w.local_race")).matches("VALUES (BIGINT '4000', BIGINT '4000')");
        assertThat(listKeys("w/local_race/_log")).hasSize(5);
    }

    @Test
    public void testUnpartitionedWritesScaleTheirWriters()
    {
        // as the Iceberg connector: a CTAS or INSERT into an unpartitioned table starts with one writer per task and
        // adds writers up to task_max_writer_count as data comes (without it, one writer wrote SF1 lineitem alone)
        assertThat((String) computeActual("EXPLAIN CREATE TABLE w.scaled AS SELECT * FROM tpch.tiny.orders").getOnlyValue())
                .contains("LocalExchange[partitioning = ROUND_ROBIN (scale writers)]");
        assertUpdate("CREATE TABLE w.scaled (orderkey bigint)");
        assertThat((String) computeActual("EXPLAIN INSERT INTO w.scaled SELECT orderkey FROM tpch.tiny.orders").getOnlyValue())
                .contains("LocalExchange[partitioning = ROUND_ROBIN (scale writers)]");
        assertUpdate("INSERT INTO w.scaled SELECT orderkey FROM tpch.tiny.orders", 15000);
        assertThat(query("SELECT count(*), count(DISTINCT orderkey) FROM w.scaled")).matches("VALUES (BIGINT '15000', BIGINT '15000')");
        assertUpdate("DROP TABLE w.scaled");
    }

    @Test
    public void testSchemas()
    {
        assertUpdate("CREATE SCHEMA icedb.tmp_schema");
        assertThat(root.resolve("tmp_schema/_icedb/schema.json")).exists();
        assertThat(query("SHOW SCHEMAS FROM icedb LIKE 'tmp_schema'")).matches("VALUES VARCHAR 'tmp_schema'");
        assertUpdate("CREATE TABLE icedb.tmp_schema.t (x integer)");
        assertThat(query("DROP SCHEMA icedb.tmp_schema")).failure().hasMessageEndingWith("Cannot drop non-empty schema 'tmp_schema'");
        assertThat(query("DROP SCHEMA icedb.tmp_schema CASCADE")).failure().hasMessage("This connector does not support dropping schemas with CASCADE option");
        assertUpdate("DROP TABLE icedb.tmp_schema.t");
        assertUpdate("DROP SCHEMA icedb.tmp_schema");
        assertThat(query("SHOW SCHEMAS FROM icedb LIKE 'tmp_schema'")).returnsEmptyResult();
        assertThat(root.resolve("tmp_schema")).doesNotExist();
    }

    @Test
    public void testPartitionedAndSortedTable()
            throws IOException
    {
        assertUpdate("""
                CREATE TABLE w.events (id bigint, user_id integer, event varchar, ts timestamp(6), day_col date)
                WITH (partitioning = ARRAY['user_id', 'day(ts)', 'bucket(event, 4)', 'truncate(id, 100)'], sorted_by = ARRAY['id DESC'], compression_codec = 'SNAPPY')""");
        assertUpdate("""
                INSERT INTO w.events VALUES
                (1, 7, 'click', TIMESTAMP '2024-01-15 10:00:00', DATE '2024-01-15'),
                (2, 7, 'click', TIMESTAMP '2024-01-15 23:59:59.999999', DATE '2024-01-15'),
                (150, 7, 'view', TIMESTAMP '2024-01-16 00:00:00', DATE '2024-01-16'),
                (3, 8, NULL, NULL, NULL)""", 4);
        assertThat(query("SELECT id, user_id, event, ts, day_col FROM w.events"))
                .matches("""
                        VALUES (BIGINT '1', 7, VARCHAR 'click', TIMESTAMP '2024-01-15 10:00:00.000000', DATE '2024-01-15'),
                        (2, 7, 'click', TIMESTAMP '2024-01-15 23:59:59.999999', DATE '2024-01-15'),
                        (150, 7, 'view', TIMESTAMP '2024-01-16 00:00:00.000000', DATE '2024-01-16'),
                        (3, 8, NULL, NULL, NULL)""");
        // derived keys are no columns
        assertThat(query("SELECT column_name FROM information_schema.columns WHERE table_schema = 'w' AND table_name = 'events'"))
                .matches("VALUES VARCHAR 'id', 'user_id', 'event', 'ts', 'day_col'");
        MaterializedResult partitions = computeActual("SELECT DISTINCT \"$partition\" FROM w.events WHERE user_id = 8");
        assertThat(partitions.getOnlyColumnAsSet()).containsExactly("user_id=8/ts_day=__HIVE_DEFAULT_PARTITION__/event_bucket=__HIVE_DEFAULT_PARTITION__/id_trunc=0");
        assertThat(computeActual("SELECT DISTINCT \"$partition\" FROM w.events WHERE id = 150").getOnlyColumnAsSet())
                .singleElement().asString().matches("user_id=7/ts_day=2024-01-16/event_bucket=[0-3]/id_trunc=100");
        // the two clicks of 2024-01-15 share a partition and a part, sorted by id descending
        assertThat(computeActual("SELECT count(DISTINCT \"$path\") FROM w.events WHERE id IN (1, 2)").getOnlyValue()).isEqualTo(1L);

        String showCreate = (String) computeScalar("SHOW CREATE TABLE w.events");
        assertThat(showCreate)
                .contains("compression_codec = 'SNAPPY'")
                .contains("partitioning = ARRAY['user_id','day(ts)','bucket(event, 4)','truncate(id, 100)']")
                .contains("sorted_by = ARRAY['id DESC']")
                .contains("location = 'local:///w/events'");
        assertThat(Files.readString(root.resolve("w/events/_icedb/properties.json"))).contains("\"day(ts)\"");
    }

    @Test
    public void testPartitioningPrunesPartsByColumnPredicates()
            throws IOException
    {
        assertUpdate("CREATE TABLE w.pruned (id bigint, p varchar, ts timestamp(6), n bigint) WITH (partitioning = ARRAY['p', 'day(ts)', 'truncate(n, 10)', 'bucket(id, 8)'])");
        assertUpdate("INSERT INTO w.pruned VALUES (1, 'a', TIMESTAMP '2024-01-15 10:00:00', 5), (2, 'b', TIMESTAMP '2024-01-16 10:00:00', 15), (3, 'c', TIMESTAMP '2024-01-17 10:00:00', 25)", 3);
        // the part of row 2 disappears: only queries that never open it can succeed
        String path = (String) computeScalar("SELECT \"$path\" FROM w.pruned WHERE id = 2");
        Files.delete(root.resolve(path.substring("local:///".length())));
        assertThat(query("SELECT count(*) FROM w.pruned")).failure().hasMessageContaining("does not exist");
        assertThat(query("SELECT id FROM w.pruned WHERE p = 'a'")).matches("VALUES BIGINT '1'");
        assertThat(query("SELECT id FROM w.pruned WHERE p IN ('a', 'c')")).matches("VALUES BIGINT '1', 3");
        assertThat(query("SELECT id FROM w.pruned WHERE ts < TIMESTAMP '2024-01-16 00:00:00'")).matches("VALUES BIGINT '1'");
        assertThat(query("SELECT id FROM w.pruned WHERE ts >= TIMESTAMP '2024-01-17 00:00:00'")).matches("VALUES BIGINT '3'");
        assertThat(query("SELECT id FROM w.pruned WHERE n >= 20")).matches("VALUES BIGINT '3'");
        assertThat(query("SELECT id FROM w.pruned WHERE id = 3")).matches("VALUES BIGINT '3'");
        assertThat(query("SELECT id FROM w.pruned WHERE p IS NULL")).returnsEmptyResult();
    }

    @Test
    public void testSortedParts()
    {
        assertUpdate("CREATE TABLE w.sorted (x bigint, y varchar) WITH (sorted_by = ARRAY['y', 'x DESC'])");
        assertUpdate("INSERT INTO w.sorted SELECT orderkey, orderstatus FROM tpch.tiny.orders", 15000);
        MaterializedResult parts = computeActual("SELECT DISTINCT \"$path\" FROM w.sorted");
        for (MaterializedRow part : parts.getMaterializedRows()) {
            // rows of one part in file order: the reader keeps it within a split of one row group
            List<MaterializedRow> rows = computeActual("SELECT y, x FROM w.sorted WHERE \"$path\" = '" + part.getField(0) + "'").getMaterializedRows();
            for (int i = 1; i < rows.size(); i++) {
                String previousY = (String) rows.get(i - 1).getField(0);
                String y = (String) rows.get(i).getField(0);
                assertThat(previousY.compareTo(y)).isLessThanOrEqualTo(0);
                if (previousY.equals(y)) {
                    assertThat((long) rows.get(i - 1).getField(1)).isGreaterThan((long) rows.get(i).getField(1));
                }
            }
        }
    }

    @Test
    public void testPartitionValuesRoundTripInsideData()
            throws IOException
    {
        assertUpdate("CREATE TABLE w.odd_values (id integer, p varchar) WITH (partitioning = ARRAY['p'])");
        assertUpdate("""
                INSERT INTO w.odd_values VALUES
                (1, 'a/b'), (2, '../x'), (3, 'k=v'), (4, '%'), (5, ''), (6, NULL), (7, 'ü名😀'), (8, '..'), (9, '%2F'), (10, 'a\\b')""", 10);
        assertThat(query("SELECT id, p FROM w.odd_values"))
                .matches("VALUES (1, VARCHAR 'a/b'), (2, '../x'), (3, 'k=v'), (4, '%'), (5, ''), (6, NULL), (7, 'ü名😀'), (8, '..'), (9, '%2F'), (10, 'a\\b')");
        assertThat(query("SELECT id FROM w.odd_values WHERE p = '../x'")).matches("VALUES 2");
        assertThat(computeActual("SELECT \"$partition\" FROM w.odd_values WHERE id = 1").getOnlyValue()).isEqualTo("p=a%2Fb");
        assertThat(computeActual("SELECT \"$partition\" FROM w.odd_values WHERE id = 3").getOnlyValue()).isEqualTo("p=k%3Dv");
        assertThat(computeActual("SELECT \"$partition\" FROM w.odd_values WHERE id = 6").getOnlyValue()).isEqualTo("p=__HIVE_DEFAULT_PARTITION__");
        Path data = root.resolve("w/odd_values/_data").toRealPath();
        List<Path> parts = listFiles(root.resolve("w/odd_values"));
        // NULL and '' share the default partition (they may come from two writers)
        assertThat(parts.stream().filter(path -> path.toString().endsWith(".parquet")).map(Path::getParent).distinct()).hasSize(9);
        assertThat(parts).filteredOn(path -> path.toString().endsWith(".parquet")).hasSizeBetween(9, 10).allSatisfy(part -> {
            assertThat(part.toRealPath()).startsWith(data);
            // one directory level per partition key
            assertThat(data.relativize(part.toRealPath()).getNameCount()).isEqualTo(2);
        });
    }

    @Test
    public void testCreateTableAsSelect()
    {
        assertUpdate("CREATE TABLE w.ctas WITH (partitioning = ARRAY['orderstatus']) AS SELECT orderkey, orderstatus, totalprice FROM tpch.tiny.orders", 15000);
        // rows are distributed by the partition column: one writer, and one part, per partition
        assertThat(query("SELECT count(*), sum(totalprice), count(DISTINCT \"$partition\"), count(DISTINCT \"$path\") FROM w.ctas"))
                .matches("SELECT count(*), sum(totalprice), BIGINT '3', BIGINT '3' FROM tpch.tiny.orders");
        assertUpdate("INSERT INTO w.ctas SELECT orderkey, orderstatus, totalprice FROM tpch.tiny.orders", 15000);
        assertThat(query("SELECT count(DISTINCT \"$path\") FROM w.ctas")).matches("VALUES BIGINT '6'");
        assertUpdate("CREATE TABLE w.ctas_empty AS SELECT * FROM tpch.tiny.nation WITH NO DATA", 0);
        assertThat(query("SELECT count(*) FROM w.ctas_empty")).matches("VALUES BIGINT '0'");
        assertThat(query("DESCRIBE w.ctas_empty")).result().rowCount().isEqualTo(4);
    }

    @Test
    public void testTransformPartitioningWritesOnePartPerPartition()
    {
        // issue 13: rows are distributed by their partition path, so a derived key gets one writer, and one part, per
        // partition as an identity column does (before, every writer wrote a part of every partition)
        assertUpdate("CREATE TABLE w.ctas_year WITH (partitioning = ARRAY['year(orderdate)', 'orderpriority']) AS " +
                "SELECT orderkey, orderdate, orderpriority, totalprice FROM tpch.tiny.orders", 15000);
        assertThat(query("SELECT count(*), sum(totalprice), count(DISTINCT \"$partition\"), count(DISTINCT \"$path\") FROM w.ctas_year"))
                .matches("SELECT count(*), sum(totalprice), count(DISTINCT (year(orderdate), orderpriority)), count(DISTINCT (year(orderdate), orderpriority)) FROM tpch.tiny.orders");
        assertUpdate("INSERT INTO w.ctas_year SELECT orderkey, orderdate, orderpriority, totalprice FROM tpch.tiny.orders", 15000);
        assertThat(query("SELECT count(DISTINCT \"$path\") FROM w.ctas_year"))
                .matches("SELECT 2 * count(DISTINCT (year(orderdate), orderpriority)) FROM tpch.tiny.orders");

        assertUpdate("CREATE TABLE w.ctas_bucket WITH (partitioning = ARRAY['bucket(custkey, 8)']) AS SELECT orderkey, custkey FROM tpch.tiny.orders", 15000);
        assertThat(query("SELECT count(*), sum(orderkey), count(DISTINCT \"$partition\"), count(DISTINCT \"$path\") FROM w.ctas_bucket"))
                .matches("SELECT count(*), sum(orderkey), BIGINT '8', BIGINT '8' FROM tpch.tiny.orders");
        assertUpdate("INSERT INTO w.ctas_bucket SELECT orderkey, custkey FROM tpch.tiny.orders", 15000);
        assertThat(query("SELECT count(DISTINCT \"$path\") FROM w.ctas_bucket")).matches("VALUES BIGINT '16'");
    }

    @Test
    public void testAddColumnAndComments()
    {
        assertUpdate("CREATE TABLE w.evolving (a bigint COMMENT 'the a') COMMENT 'a table'");
        assertUpdate("INSERT INTO w.evolving VALUES 1", 1);
        assertUpdate("ALTER TABLE w.evolving ADD COLUMN b varchar COMMENT 'the b'");
        assertUpdate("INSERT INTO w.evolving VALUES (2, 'two')", 1);
        assertThat(query("SELECT a, b FROM w.evolving")).matches("VALUES (BIGINT '1', CAST(NULL AS varchar)), (2, 'two')");
        assertThat(query("ALTER TABLE w.evolving ADD COLUMN b bigint")).failure().hasMessageContaining("Column 'b' already exists");
        assertThat(query("ALTER TABLE w.evolving ADD COLUMN c bigint NOT NULL")).failure().hasMessageContaining("NOT NULL");
        assertUpdate("COMMENT ON TABLE w.evolving IS 'new comment'");
        assertUpdate("COMMENT ON COLUMN w.evolving.a IS 'new a'");
        assertThat(query("SELECT comment FROM system.metadata.table_comments WHERE catalog_name = 'icedb' AND schema_name = 'w' AND table_name = 'evolving'"))
                .matches("VALUES VARCHAR 'new comment'");
        assertThat(query("SELECT column_name, comment FROM information_schema.columns WHERE table_schema = 'w' AND table_name = 'evolving'"))
                .matches("VALUES (VARCHAR 'a', VARCHAR 'new a'), ('b', 'the b')");
    }

    @Test
    public void testTableAtLocationAndRegisteredTable()
    {
        assertUpdate("CREATE TABLE w.located (x integer) WITH (location = 'local:///elsewhere/located')");
        assertUpdate("INSERT INTO w.located VALUES 1, 2", 2);
        assertThat(root.resolve("elsewhere/located/_log")).isDirectory();
        assertThat(query("SELECT sum(x) FROM w.located")).matches("VALUES BIGINT '3'");
        assertUpdate("DROP TABLE w.located");
        assertThat(root.resolve("elsewhere/located/_log")).doesNotExist();

        assertUpdate("CREATE TABLE w.source (x integer) WITH (location = 'local:///outside/source')");
        assertUpdate("INSERT INTO w.source VALUES 5", 1);
        // another name at a location that holds a table: refused, the table untouched
        assertThat(query("CREATE TABLE w.intruder (y varchar) WITH (location = 'local:///outside/source')")).failure()
                .hasMessageContaining("Cannot create table w.intruder: location local:///outside/source already holds an IceDB table");
        assertThat(query("CREATE TABLE w.intruder WITH (location = 'local:///outside/source') AS SELECT 'a' AS y")).failure()
                .hasMessageContaining("Cannot create table w.intruder: location local:///outside/source already holds an IceDB table");
        assertThat(query("SELECT * FROM w.source")).matches("VALUES 5");
        assertThat(query("SHOW TABLES FROM w LIKE 'intruder'")).returnsEmptyResult();
        assertUpdate("CALL icedb.system.register_table('w', 'registered', 'local:///outside/source')");
        assertUpdate("INSERT INTO w.registered VALUES 6", 1);
        assertThat(query("SELECT sum(x) FROM w.source")).matches("VALUES BIGINT '11'");
        assertUpdate("DROP TABLE w.registered");
        // only unregistered: the table and its data stay
        assertThat(query("SELECT sum(x) FROM w.source")).matches("VALUES BIGINT '11'");
        assertThat(query("SHOW TABLES FROM w LIKE 'registered'")).returnsEmptyResult();
        assertUpdate("DROP TABLE w.source");
    }

    @Test
    public void testUnsupportedColumnTypes()
    {
        assertThat(query("CREATE TABLE w.bad_time (t time(9))")).failure()
                .hasMessageContaining("Unsupported type time(9) of column 't' for an IceDB table");
        assertThat(query("CREATE TABLE w.bad_tstz (t timestamp(9) with time zone)")).failure()
                .hasMessageContaining("Unsupported type timestamp(9) with time zone of column 't'");
        assertThat(query("CREATE TABLE w.bad_ctas AS SELECT CAST('1.2.3.4' AS ipaddress) AS ip")).failure()
                .hasMessageContaining("Unsupported type ipaddress of column 'ip'");
        assertThat(query("CREATE TABLE w.bad_not_null (x bigint NOT NULL)")).failure()
                .hasMessageContaining("does not support non-null column");
        assertThat(query("SHOW TABLES FROM w LIKE 'bad%'")).returnsEmptyResult();
    }

    @Test
    public void testBadPartitioningAndSortExpressions()
    {
        assertThat(query("CREATE TABLE w.bad1 (x bigint) WITH (partitioning = ARRAY['y'])")).failure()
                .hasMessage("Invalid partitioning 'y': column 'y' is not a column of the table (columns: [x])");
        assertThat(query("CREATE TABLE w.bad2 (x bigint) WITH (partitioning = ARRAY['bucket(x)'])")).failure()
                .hasMessageStartingWith("Invalid partitioning 'bucket(x)': expected col, year(col)");
        assertThat(query("CREATE TABLE w.bad3 (x varchar) WITH (partitioning = ARRAY['day(x)'])")).failure()
                .hasMessage("Invalid partitioning 'day(x)': day cannot be applied to column 'x' of type varchar");
        assertThat(query("CREATE TABLE w.bad4 (x bigint) WITH (partitioning = ARRAY['bucket(x, 0)'])")).failure()
                .hasMessage("Invalid partitioning 'bucket(x, 0)': the number must be positive");
        assertThat(query("CREATE TABLE w.bad5 (x bigint) WITH (partitioning = ARRAY['x', 'x'])")).failure()
                .hasMessage("Invalid partitioning 'x': partition key 'x' is used twice");
        assertThat(query("CREATE TABLE w.bad6 (x date, x_day bigint) WITH (partitioning = ARRAY['day(x)'])")).failure()
                .hasMessage("Invalid partitioning 'day(x)': its partition key 'x_day' is also the name of a column");
        assertThat(query("CREATE TABLE w.bad7 (x bigint) WITH (sorted_by = ARRAY['x DESCENDING'])")).failure()
                .hasMessage("Invalid sorted_by 'x DESCENDING': expected col [ASC|DESC] [NULLS FIRST|NULLS LAST]");
        assertThat(query("CREATE TABLE w.bad8 (x bigint) WITH (sorted_by = ARRAY['z'])")).failure()
                .hasMessage("Invalid sorted_by 'z': column 'z' is not a column of the table (columns: [x])");
        assertThat(query("CREATE TABLE w.bad9 (m map(varchar, bigint)) WITH (sorted_by = ARRAY['m'])")).failure()
                .hasMessage("Invalid sorted_by 'm': column 'm' of type map(varchar, bigint) is not orderable");
        assertThat(query("CREATE TABLE w.bad10 (x bigint) WITH (parquet_bloom_filter_columns = ARRAY['y'])")).failure()
                .hasMessageContaining("Invalid parquet_bloom_filter_columns: 'y' is not a column of the table");
        assertThat(query("CREATE TABLE w.bad11 (x bigint) WITH (compression_codec = 'LZ4')")).failure()
                .hasMessageContaining("compression_codec");
        assertThat(query("SHOW TABLES FROM w LIKE 'bad%'")).returnsEmptyResult();
    }

    @Test
    public void testUnknownTableProperty()
    {
        assertThat(query("CREATE TABLE w.unknown_property (x bigint) WITH (format = 'ORC')")).failure()
                .hasMessageContaining("Catalog 'icedb' table property 'format' does not exist");
        assertThat(query("CREATE TABLE w.unknown_property WITH (partitioned_by = ARRAY['x']) AS SELECT 1 AS x")).failure()
                .hasMessageContaining("Catalog 'icedb' table property 'partitioned_by' does not exist");
    }

    @Test
    public void testInsertIntoTableWithSchemaConflict()
    {
        assertUpdate("CREATE TABLE w.conflict (a bigint)");
        assertUpdate("INSERT INTO w.conflict VALUES 1", 1);
        // another writer committed column a as VARCHAR
        TestingLocalTables.writeLog(root, "w/conflict", System.currentTimeMillis(), Map.of("a", "VARCHAR"), List.of());
        assertThat(query("INSERT INTO w.conflict VALUES 2")).failure()
                .hasMessageMatching("(?s).*Table w.conflict .*column.*'?a'?.*BIGINT.*VARCHAR.*");
    }

    @Test
    public void testInsertIntoTableWithTypeWeCannotWrite()
    {
        // a Python table with an unsigned column: Trino reads it as smallint but cannot write UTINYINT
        TestingLocalTables.writeLog(root, "w/unsigned", 1000, Map.of("u", "UTINYINT"), List.of());
        assertThat(query("INSERT INTO w.unsigned VALUES 1")).failure()
                .hasMessage("Cannot write column 'u' of table w.unsigned: its DuckDB type is UTINYINT, and this connector writes smallint values as SMALLINT");
    }

    @Test
    public void testInsertIntoPythonTableWithHiveKeys()
            throws IOException
    {
        // Python's readme table: parts under u=<user>/d=<day>, keys that are no schema columns
        // the log names keys relative to the bucket, so the table sits at the root, as in Python's bucket
        IcedbFixtures.copyBucket(IcedbFixtures.BUCKET, root.resolve("python"));
        Files.move(root.resolve("python/readme"), root.resolve("readme"));
        assertUpdate("CALL icedb.system.register_table('w', 'readme_copy', 'local:///readme')");
        assertUpdate("INSERT INTO w.readme_copy (ts, event, user_id, properties, u, d) VALUES (BIGINT '1700000000000', 'click', 'user_c', ROW('home'), 'user_c', '2023-11-14')", 1);
        assertThat(query("SELECT event, properties.page_name, u, d, \"$partition\" FROM w.readme_copy WHERE u = 'user_c'"))
                .matches("VALUES (VARCHAR 'click', VARCHAR 'home', VARCHAR 'user_c', VARCHAR '2023-11-14', VARCHAR 'u=user_c/d=2023-11-14')");
        assertThat(listKeys("readme/_data/u=user_c/d=2023-11-14")).hasSize(1);
        // the schema line is unchanged: the keys stay out of it, as in Python's tables
        List<Path> logs = listFiles(root.resolve("readme/_log"));
        for (Path log : logs) {
            assertThat(Files.readString(log)).doesNotContain("\"u\": ").doesNotContain("\"d\": ");
        }
        assertThat(query("SELECT count(*) FROM w.readme_copy")).matches("SELECT BIGINT '1' + (SELECT count(*) FROM w.readme_copy WHERE u <> 'user_c')");
        assertUpdate("DROP TABLE w.readme_copy");
        assertThat(root.resolve("readme/_log")).isDirectory();
    }

    private List<String> listKeys(String prefix)
            throws RuntimeException
    {
        return listFiles(root.resolve(prefix)).stream()
                .map(path -> root.relativize(path).toString())
                .toList();
    }

    private static List<Path> listFiles(Path directory)
    {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(Files::isRegularFile).toList();
        }
        catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
