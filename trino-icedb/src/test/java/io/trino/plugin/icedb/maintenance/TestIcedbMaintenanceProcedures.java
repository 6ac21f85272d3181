package io.trino.plugin.icedb.maintenance;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.icedb.engine.Snapshot;
import io.icedb.engine.commit.InsertLogBuilder;
import io.icedb.engine.commit.PlannedLog;
import io.icedb.engine.exceptions.LeaseLostException;
import io.icedb.engine.history.MaintenanceHistory;
import io.icedb.engine.history.MaintenanceRun;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.lease.MaintenanceLease;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.LogFileParser;
import io.icedb.engine.spec.PartitionPath;
import io.icedb.engine.spec.Schema;
import io.icedb.engine.spec.TablePaths;
import io.icedb.engine.table.TableLog;
import io.icedb.engine.table.TableLogs;
import io.trino.plugin.icedb.IcedbFixtures;
import io.trino.plugin.icedb.IcedbQueryRunner;
import io.trino.plugin.icedb.TestingIcedbS3Server;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.MaterializedResult;
import io.trino.testing.MaterializedRow;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Struct;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_INVALID_METADATA;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Locale.ENGLISH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The maintenance procedures on a two-node cluster over an S3 server in the JVM: merge, cleanup and orphan removal on
 * histories built part by part (DuckDB parts, engine-planned logs with chosen timestamps) and on copies of the tables
 * Python IceDB wrote.
 */
public class TestIcedbMaintenanceProcedures
        extends AbstractTestQueryFramework
{
    private static final String BUCKET = "maintenance";
    private static final String SCHEMA = "test";
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;
    private static final DateTimeFormatter TIMESTAMP_LITERAL = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private TestingIcedbS3Server server;
    private Path workDirectory;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        server = closeAfterClass(new TestingIcedbS3Server());
        server.createBucket(BUCKET);
        workDirectory = Files.createTempDirectory("icedb-maintenance");
        closeAfterClass(() -> deleteRecursively(workDirectory, ALLOW_INSECURE));
        return IcedbQueryRunner.builder()
                .setS3Warehouse(server, "s3://" + BUCKET)
                .addIcedbProperty("icedb.cleanup.min-retention", "1h")
                .addIcedbProperty("icedb.remove-orphan-files.min-retention", "1s")
                .build();
    }

    @Test
    public void testMerge()
            throws Exception
    {
        assertMerges("merge_basic", MergeStatement.CALL);
    }

    @Test
    public void testExecuteMerge()
            throws Exception
    {
        assertMerges("execute_merge_basic", MergeStatement.EXECUTE);
    }

    private void assertMerges(String table, MergeStatement merge)
            throws Exception
    {
        long start = System.currentTimeMillis() - 10 * DAY;
        createHistory(table, start, 4);
        long versionBefore = start + 3 * HOUR;
        MaterializedResult before = checksum(table, "");
        assertThat(partCount(table, "")).isEqualTo(8);
        long bytesBefore = (long) computeScalar("SELECT sum(file_size_in_bytes) FROM %s".formatted(metadataTable(table, "files")));
        long rows = (long) computeScalar("SELECT count(*) FROM " + qualified(table));
        assertThat(computeScalar("SELECT count(*) FROM %s".formatted(metadataTable(table, "maintenance")))).isEqualTo(0L);

        String queryId = getQueryRunner().executeWithPlan(getSession(), merge.sql(table)).queryId().toString();

        assertThat(checksum(table, "")).isEqualTo(before);
        assertThat(partCount(table, "")).isEqualTo(2);
        assertThat(checksum(table, "FOR VERSION AS OF " + versionBefore)).isEqualTo(before);
        assertThat(partCount(table, "FOR VERSION AS OF " + versionBefore)).isEqualTo(8);

        String prefix = SCHEMA + "/" + table;
        List<String> mergedLogs = mergedLogs(prefix);
        assertThat(mergedLogs).hasSize(1);
        LogFile mergedLog = assertReencodesIdentically(mergedLogs.getFirst());
        assertThat(mergedLog.fileMarkers()).hasSize(10);
        assertThat(mergedLog.fileMarkers().stream().filter(marker -> !marker.isAlive())).hasSize(8);
        assertThat(mergedLog.logTombstones()).hasSize(4);
        assertThat(mergedLog.schema().columns().keySet()).containsExactly("id", "cust", "val", "note", "extra");
        long bytesAfter = (long) computeScalar("SELECT sum(file_size_in_bytes) FROM %s".formatted(metadataTable(table, "files")));
        // what the merge did: in $log by the parts its log replaced and wrote, in $maintenance by its record
        assertThat(computeActual("SELECT added_parts, removed_parts, added_bytes, removed_bytes FROM %s WHERE merged".formatted(metadataTable(table, "log"))).getMaterializedRows().getFirst().getFields())
                .containsExactly(2L, 8L, bytesAfter, bytesBefore);
        List<MaterializedRow> runs = computeActual("SELECT operation, holder, log_file, metrics, started <= finished FROM %s".formatted(metadataTable(table, "maintenance"))).getMaterializedRows();
        assertThat(runs).hasSize(1);
        MaterializedRow run = runs.getFirst();
        assertThat(run.getField(0)).isEqualTo("merge");
        assertThat((String) run.getField(1)).endsWith("/" + queryId + "/merge");
        assertThat(run.getField(2)).isEqualTo(mergedLogs.getFirst());
        assertThat(run.getField(3)).isEqualTo(ImmutableMap.builder()
                .put("partitions", 2L)
                .put("parts_merged", 8L)
                .put("bytes_merged", bytesBefore)
                .put("parts_written", 2L)
                .put("bytes_written", bytesAfter)
                .put("rows_written", rows)
                .put("logs_superseded", 4L)
                .buildOrThrow());
        assertThat(run.getField(4)).isEqualTo(true);

        List<FileMarker> newParts = mergedLog.fileMarkers().stream().filter(FileMarker::isAlive).toList();
        for (FileMarker part : newParts) {
            assertThat(part.path()).matches(prefix + "/_data/cust=[ab]/[0-9a-f-]{36}\\.parquet");
            Path local = download(part.path());
            assertThat(Files.size(local)).isEqualTo(part.bytes());
            assertThat(duckDbColumns(local)).containsExactly("id", "cust", "val", "note", "extra");
            String aggregates = "count(*), sum(id), count(note), count(extra), sum(extra), sum(val)";
            assertThat(duckDbRow("SELECT %s FROM read_parquet('%s')".formatted(aggregates, local)))
                    .isEqualTo(trinoRow("SELECT %s FROM %s WHERE \"$path\" = 's3://%s/%s'".formatted(aggregates, qualified(table), BUCKET, part.path())));
        }

        // nothing left to merge: no new log
        getQueryRunner().execute(merge.sql(table));
        assertThat(mergedLogs(prefix)).hasSize(1);
        // and no record of a run that changed nothing
        assertThat(computeScalar("SELECT count(*) FROM %s".formatted(metadataTable(table, "maintenance")))).isEqualTo(1L);
        assertThat(checksum(table, "")).isEqualTo(before);

        // an insert into this table without properties follows its paths: the key cust is the column cust
        assertUpdate("INSERT INTO %s (id, cust, val) VALUES (99999, 'b', 1.5)".formatted(qualified(table)), 1);
        assertThat(computeScalar("SELECT \"$partition\" FROM %s WHERE id = 99999".formatted(qualified(table)))).isEqualTo("cust=b");
    }

    @Test
    public void testMergeSortsByTheTableSortOrder()
    {
        String table = "merge_sorted";
        String prefix = SCHEMA + "/" + table;
        createHistory(table, System.currentTimeMillis() - 10 * DAY, 3);
        // the write path keeps table properties here
        server.putObject(BUCKET, prefix + "/_icedb/properties.json", """
                {"format": 1, "sorted_by": ["note DESC NULLS LAST", "id"], "compression_codec": "SNAPPY"}
                """.getBytes(UTF_8));
        MaterializedResult before = checksum(table, "");

        assertUpdate("CALL icedb.system.merge('%s', '%s')".formatted(SCHEMA, table));

        assertThat(checksum(table, "")).isEqualTo(before);
        LogFile mergedLog = assertReencodesIdentically(mergedLogs(prefix).getFirst());
        List<FileMarker> newParts = mergedLog.fileMarkers().stream().filter(FileMarker::isAlive).toList();
        assertThat(newParts).hasSize(2);
        for (FileMarker part : newParts) {
            Path local = download(part.path());
            // rows in file order
            List<String> rows = duckDbRowsInOrder("SELECT note, id FROM read_parquet('%s')".formatted(local));
            List<String> sorted = duckDbRowsInOrder("SELECT note, id FROM read_parquet('%s') ORDER BY note DESC NULLS LAST, id ASC".formatted(local));
            assertThat(rows).hasSizeGreaterThan(100).isEqualTo(sorted);
            assertThat(rows.getLast()).startsWith("[NULL, ");
            assertThat(duckDbRowsInOrder("SELECT DISTINCT compression FROM parquet_metadata('%s')".formatted(local))).containsExactly("[SNAPPY]");
        }

        server.putObject(BUCKET, prefix + "/_icedb/properties.json", """
                {"format": 1, "sorted_by": ["no_such_column"]}
                """.getBytes(UTF_8));
        createHistory(table, System.currentTimeMillis() - 9 * DAY, 2);
        assertThatThrownBy(() -> computeActual("CALL icedb.system.merge('%s', '%s')".formatted(SCHEMA, table)))
                .hasMessageContaining("sort column 'no_such_column' is not a column of the table's log schema");
    }

    @Test
    public void testMergeTableWrittenByTrino()
    {
        assertMergesTableWrittenByTrino("merge_sql", MergeStatement.CALL);
    }

    @Test
    public void testExecuteMergeTableWrittenByTrino()
    {
        assertMergesTableWrittenByTrino("execute_merge_sql", MergeStatement.EXECUTE);
    }

    private void assertMergesTableWrittenByTrino(String table, MergeStatement merge)
    {
        assertUpdate("CREATE SCHEMA IF NOT EXISTS icedb." + SCHEMA);
        // a derived key too: one merged part per partition needs rows routed by the path their values give
        assertUpdate("CREATE TABLE %s (id bigint, name varchar, ts timestamp(6), tags array(varchar), cust varchar) WITH (partitioning = ARRAY['cust', 'day(ts)'], sorted_by = ARRAY['name DESC', 'id'], compression_codec = 'GZIP')".formatted(qualified(table)));
        for (int insert = 0; insert < 4; insert++) {
            assertUpdate("INSERT INTO %s SELECT %s * 100 + n, 'name ' || CAST(n %% 7 AS varchar), TIMESTAMP '2026-01-01 00:00:00' + n * INTERVAL '1' SECOND, ARRAY['t' || CAST(n AS varchar)], IF(n %% 2 = 0, 'x', 'y') FROM UNNEST(sequence(1, 30)) AS t(n)".formatted(qualified(table), insert), 30);
        }
        MaterializedResult before = checksum(table, "");
        assertThat(partCount(table, "")).isEqualTo(8);

        getQueryRunner().execute(merge.sql(table));

        assertThat(checksum(table, "")).isEqualTo(before);
        assertThat(partCount(table, "")).isEqualTo(2);
        assertThat(computeActual("SELECT DISTINCT \"$partition\" FROM " + qualified(table)).getOnlyColumnAsSet())
                .containsExactlyInAnyOrder("cust=x/ts_day=2026-01-01", "cust=y/ts_day=2026-01-01");
        // rows of each merged part in the table's order
        for (Object path : computeActual("SELECT DISTINCT \"$path\" FROM " + qualified(table)).getOnlyColumnAsSet()) {
            Path local = download(((String) path).substring(("s3://" + BUCKET + "/").length()));
            List<String> rows = duckDbRowsInOrder("SELECT name, id FROM read_parquet('%s')".formatted(local));
            assertThat(rows).hasSize(60).isEqualTo(duckDbRowsInOrder("SELECT name, id FROM read_parquet('%s') ORDER BY name DESC, id".formatted(local)));
            assertThat(duckDbRowsInOrder("SELECT DISTINCT compression FROM parquet_metadata('%s')".formatted(local))).containsExactly("[GZIP]");
        }
        // and Trino writes on after the merge
        assertUpdate("INSERT INTO %s VALUES (9999, 'late', NULL, NULL, 'x')".formatted(qualified(table)), 1);
        assertThat(computeScalar("SELECT count(*) FROM " + qualified(table))).isEqualTo(121L);
    }

    @Test
    public void testExecuteMergeWhere()
    {
        String table = "execute_merge_where";
        assertUpdate("CREATE SCHEMA IF NOT EXISTS icedb." + SCHEMA);
        assertUpdate("CREATE TABLE %s (id bigint, note varchar, cust varchar, d date) WITH (partitioning = ARRAY['cust', 'd'])".formatted(qualified(table)));
        for (int insert = 0; insert < 3; insert++) {
            assertUpdate("INSERT INTO %s VALUES (%2$s1, 'n', 'a', DATE '2026-01-01'), (%2$s2, NULL, 'b', DATE '2026-01-01'), (%2$s3, 'm', 'c', DATE '2026-01-02'), (%2$s4, '', NULL, DATE '2026-01-02')"
                    .formatted(qualified(table), insert), 4);
        }
        MaterializedResult before = checksum(table, "");
        assertThat(partsByPartition(table)).containsExactlyInAnyOrder("cust=a/d=2026-01-01:3", "cust=b/d=2026-01-01:3", "cust=c/d=2026-01-02:3", "cust=__HIVE_DEFAULT_PARTITION__/d=2026-01-02:3");

        // a predicate on a partition column picks partitions
        assertUpdate("ALTER TABLE %s EXECUTE merge WHERE cust = 'a'".formatted(qualified(table)));
        assertThat(partsByPartition(table)).containsExactlyInAnyOrder("cust=a/d=2026-01-01:1", "cust=b/d=2026-01-01:3", "cust=c/d=2026-01-02:3", "cust=__HIVE_DEFAULT_PARTITION__/d=2026-01-02:3");
        assertUpdate("ALTER TABLE %s EXECUTE merge(max_file_count => 2) WHERE \"$partition\" = 'cust=b/d=2026-01-01'".formatted(qualified(table)));
        assertThat(partsByPartition(table)).containsExactlyInAnyOrder("cust=a/d=2026-01-01:1", "cust=b/d=2026-01-01:2", "cust=c/d=2026-01-02:3", "cust=__HIVE_DEFAULT_PARTITION__/d=2026-01-02:3");
        assertUpdate("ALTER TABLE %s EXECUTE merge WHERE d = DATE '2026-01-02' AND cust >= 'c'".formatted(qualified(table)));
        assertThat(partsByPartition(table)).containsExactlyInAnyOrder("cust=a/d=2026-01-01:1", "cust=b/d=2026-01-01:2", "cust=c/d=2026-01-02:1", "cust=__HIVE_DEFAULT_PARTITION__/d=2026-01-02:3");
        assertThat(checksum(table, "")).isEqualTo(before);

        // predicates the partitions do not decide are refused, and change nothing
        assertThatThrownBy(() -> computeActual("ALTER TABLE %s EXECUTE merge WHERE note = 'n'".formatted(qualified(table))))
                .hasMessageContaining("Unexpected FilterNode found in plan");
        // NULL and '' share a partition path: pick that partition by $partition
        assertThatThrownBy(() -> computeActual("ALTER TABLE %s EXECUTE merge WHERE cust IS NULL".formatted(qualified(table))))
                .hasMessageContaining("Unexpected FilterNode found in plan");
        assertThatThrownBy(() -> computeActual("ALTER TABLE %s EXECUTE merge WHERE \"$path\" LIKE '%%a%%'".formatted(qualified(table))))
                .hasMessageContaining("Unexpected FilterNode found in plan");
        assertThatThrownBy(() -> computeActual("ALTER TABLE %s EXECUTE merge WHERE \"$file_size\" > 0".formatted(qualified(table))))
                .hasMessageContaining("the WHERE clause can only reference partition columns and $partition, not $file_size");
        assertThatThrownBy(() -> computeActual("ALTER TABLE %s EXECUTE merge(max_file_count => 1)".formatted(qualified(table))))
                .hasMessageContaining("max_file_count must be at least 2: 1");
        assertThatThrownBy(() -> computeActual("ALTER TABLE %s EXECUTE merge(max_file_size => 0)".formatted(qualified(table))))
                .hasMessageContaining("max_file_size must be positive: 0");
        assertThat(partsByPartition(table)).containsExactlyInAnyOrder("cust=a/d=2026-01-01:1", "cust=b/d=2026-01-01:2", "cust=c/d=2026-01-02:1", "cust=__HIVE_DEFAULT_PARTITION__/d=2026-01-02:3");

        // the shared partition of NULL and ''
        assertUpdate("ALTER TABLE %s EXECUTE merge WHERE \"$partition\" = 'cust=__HIVE_DEFAULT_PARTITION__/d=2026-01-02'".formatted(qualified(table)));
        assertThat(partsByPartition(table)).contains("cust=__HIVE_DEFAULT_PARTITION__/d=2026-01-02:1");
        assertThat(checksum(table, "")).isEqualTo(before);
        assertThat(computeActual("SELECT count(*) FILTER (WHERE cust IS NULL), count(*) FILTER (WHERE cust = '') FROM " + qualified(table)).getMaterializedRows().getFirst().getFields())
                .containsExactly(3L, 0L);
        // reads: predicates the paths decide and those they do not
        assertUpdate("INSERT INTO %s VALUES (100, 'e', '', DATE '2026-01-02')".formatted(qualified(table)), 1);
        assertThat(computeScalar("SELECT count(*) FROM %s WHERE cust = 'a'".formatted(qualified(table)))).isEqualTo(3L);
        assertThat(computeScalar("SELECT count(*) FROM %s WHERE cust IS NULL".formatted(qualified(table)))).isEqualTo(3L);
        assertThat(computeScalar("SELECT count(*) FROM %s WHERE cust = ''".formatted(qualified(table)))).isEqualTo(1L);
        assertThat(computeScalar("SELECT count(*) FROM %s WHERE cust >= 'c' AND d = DATE '2026-01-02'".formatted(qualified(table)))).isEqualTo(3L);
        assertThat(computeScalar("SELECT count(*) FROM %s WHERE cust <> 'a'".formatted(qualified(table)))).isEqualTo(7L);
    }

    @Test
    public void testMergeThresholds()
    {
        String table = "merge_thresholds";
        createHistory(table, System.currentTimeMillis() - 10 * DAY, 4);
        MaterializedResult before = checksum(table, "");

        assertUpdate("CALL icedb.system.merge(schema_name => '%s', table_name => '%s', max_file_count => 2)".formatted(SCHEMA, table));
        // per partition the two smallest of four parts
        assertThat(partCount(table, "")).isEqualTo(6);
        assertThat(checksum(table, "")).isEqualTo(before);

        assertUpdate("CALL icedb.system.merge(schema_name => '%s', table_name => '%s', max_file_size => 1)".formatted(SCHEMA, table));
        // a byte threshold of 1 stops every group at its first part: nothing to merge
        assertThat(partCount(table, "")).isEqualTo(6);

        assertThatThrownBy(() -> computeActual("CALL icedb.system.merge(schema_name => '%s', table_name => '%s', max_file_count => 1)".formatted(SCHEMA, table)))
                .hasMessageContaining("max_file_count must be at least 2: 1");
        assertThatThrownBy(() -> computeActual("CALL icedb.system.merge('%s', 'no_such_table')".formatted(SCHEMA)))
                .hasMessageContaining("Table 'test.no_such_table' not found");
    }

    @Test
    public void testMergeFailsWhileAnotherHolderHasTheLease()
    {
        String table = "merge_lease_held";
        createHistory(table, System.currentTimeMillis() - 10 * DAY, 2);
        MaterializedResult before = checksum(table, "");
        S3TestingFileIo fileIo = new S3TestingFileIo(server.client(), BUCKET);
        String prefix = SCHEMA + "/" + table;
        try (LeaseHandle _ = MaintenanceLease.acquire(fileIo, prefix, "other-cluster/query-1", Duration.ofMinutes(5), Clock.systemUTC())) {
            assertThatThrownBy(() -> computeActual("CALL icedb.system.merge('%s', '%s')".formatted(SCHEMA, table)))
                    .hasMessageContaining("other-cluster/query-1")
                    .hasMessageContaining("another maintenance operation is running on the table");
            assertThatThrownBy(() -> computeActual(MergeStatement.EXECUTE.sql(table)))
                    .hasMessageContaining("other-cluster/query-1")
                    .hasMessageContaining("another maintenance operation is running on the table");
            assertThatThrownBy(() -> computeActual("CALL icedb.system.cleanup('%s', '%s', '1d')".formatted(SCHEMA, table)))
                    .hasMessageContaining("other-cluster/query-1");
            assertThat(mergedLogs(prefix)).isEmpty();
            assertThat(partCount(table, "")).isEqualTo(4);
        }
        // nothing written by the refused merges
        assertThat(server.listKeys(BUCKET, prefix + "/_data/")).hasSize(4);
        // released: the next merge takes over at once
        assertUpdate(MergeStatement.EXECUTE.sql(table));
        assertThat(partCount(table, "")).isEqualTo(2);
        assertThat(checksum(table, "")).isEqualTo(before);
    }

    /**
     * A distributed merge whose workers fail: no log, no record, and the lease released with the query, not at its expiry.
     */
    @Test
    public void testFailedExecuteMergeReleasesTheLeaseAndCommitsNothing()
    {
        String table = "execute_merge_fails";
        String prefix = SCHEMA + "/" + table;
        createHistory(table, System.currentTimeMillis() - 10 * DAY, 2);
        MaterializedResult before = checksum(table, "");
        S3TestingFileIo fileIo = new S3TestingFileIo(server.client(), BUCKET);
        String damaged = server.listKeys(BUCKET, prefix + "/_data/cust=b/").getFirst();
        byte[] content = readObject(fileIo, damaged);
        server.putObject(BUCKET, damaged, "not a parquet file".getBytes(UTF_8));

        assertThatThrownBy(() -> computeActual(MergeStatement.EXECUTE.sql(table)))
                .hasMessageContaining(damaged);
        assertThat(mergedLogs(prefix)).isEmpty();
        assertThat(computeScalar("SELECT count(*) FROM " + metadataTable(table, "maintenance"))).isEqualTo(0L);

        server.putObject(BUCKET, damaged, content);
        assertUpdate(MergeStatement.EXECUTE.sql(table));
        assertThat(partCount(table, "")).isEqualTo(2);
        assertThat(checksum(table, "")).isEqualTo(before);
        assertThat(computeScalar("SELECT count(*) FROM " + metadataTable(table, "maintenance"))).isEqualTo(1L);
    }

    /**
     * Our own objects beside the log that are not what they must be fail with an error naming them.
     */
    @Test
    public void testInvalidLeaseAndHistoryObjectsAreNamed()
    {
        String table = "invalid_metadata";
        String prefix = SCHEMA + "/" + table;
        createHistory(table, System.currentTimeMillis() - 10 * DAY, 2);
        String record = prefix + "/_icedb/history/00000000000000000005-0123456789abcdef0123456789abcdef.json";
        server.putObject(BUCKET, record, "{\"operation\": \"merge\"".getBytes(UTF_8));
        assertThat(query("SELECT * FROM " + metadataTable(table, "maintenance")))
                .failure()
                .hasErrorCode(ICEDB_INVALID_METADATA)
                .hasMessageContaining("Invalid maintenance record " + record);
        server.deleteObject(BUCKET, record);

        String epoch = prefix + "/_icedb/lease/00000000000000000001.json";
        server.putObject(BUCKET, epoch, "[1, 2]".getBytes(UTF_8));
        assertThat(query("CALL icedb.system.merge('%s', '%s')".formatted(SCHEMA, table)))
                .failure()
                .hasErrorCode(ICEDB_INVALID_METADATA)
                .hasMessageContaining("Invalid lease object " + epoch);
        assertThat(mergedLogs(prefix)).isEmpty();
        assertThat(partCount(table, "")).isEqualTo(4);
    }

    /**
     * A holder that stalled past its expiry is taken over by the merge and can no longer commit (fencing).
     */
    @Test
    public void testMergeTakesOverAnExpiredLeaseAndFencesItsHolder()
            throws Exception
    {
        String table = "merge_lease_expired";
        String prefix = SCHEMA + "/" + table;
        createHistory(table, System.currentTimeMillis() - 10 * DAY, 2);
        S3TestingFileIo fileIo = new S3TestingFileIo(server.client(), BUCKET);
        LeaseHandle stale = MaintenanceLease.acquire(fileIo, prefix, "stalled-cluster/query-7", Duration.ofMillis(500), Clock.systemUTC());
        // expiry plus the default clock skew allowance (10 s)
        Thread.sleep(11_000);

        assertUpdate("CALL icedb.system.merge('%s', '%s')".formatted(SCHEMA, table));
        assertThat(partCount(table, "")).isEqualTo(2);

        String staleLog = prefix + "/_log/" + (System.currentTimeMillis() + 1) + "_m_stale.jsonl";
        byte[] staleContent = LogFileParser.write(new LogFile(System.currentTimeMillis(), Schema.EMPTY, List.of(), List.of()));
        assertThatThrownBy(() -> stale.commit(staleLog, staleContent))
                .isInstanceOf(LeaseLostException.class);
        assertThat(server.listKeys(BUCKET, staleLog)).isEmpty();
        assertThat(mergedLogs(prefix)).hasSize(1);
    }

    @Test
    public void testConcurrentMerges()
            throws Exception
    {
        String table = "merge_concurrent";
        createHistory(table, System.currentTimeMillis() - 10 * DAY, 6);
        MaterializedResult before = checksum(table, "");
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (MergeStatement merge : MergeStatement.values()) {
                futures.add(executor.submit(() -> getQueryRunner().execute(merge.sql(table))));
            }
            int failed = 0;
            for (Future<?> future : futures) {
                try {
                    future.get();
                }
                catch (ExecutionException e) {
                    failed++;
                    assertThat(e.getCause()).hasMessageContaining("another maintenance operation is running on the table");
                }
            }
            assertThat(failed).isLessThanOrEqualTo(1);
        }
        finally {
            executor.shutdownNow();
        }
        // either they overlapped and one failed on the lease, or the later one found nothing to merge: one merge either way
        assertThat(mergedLogs(SCHEMA + "/" + table)).hasSize(1);
        assertThat(partCount(table, "")).isEqualTo(2);
        assertThat(checksum(table, "")).isEqualTo(before);
    }

    /**
     * Inserts, merges (two maintainers racing for the lease), cleanups and readers at the same time: every read sees a
     * committed prefix of the inserts, no row lost or duplicated.
     */
    @Test
    public void testInsertsMergesCleanupsAndReadersTogether()
            throws Exception
    {
        String table = "stress";
        String prefix = SCHEMA + "/" + table;
        TestingTableHistory history = history(prefix);
        long start = System.currentTimeMillis() - 3 * HOUR;
        List<TestingTableHistory.Part> first = new ArrayList<>();
        for (int insert = 0; insert < 4; insert++) {
            List<TestingTableHistory.Part> parts = insertParts(history, insert, start + insert * 60_000);
            history.commitInsert(start + insert * 60_000, parts);
            first.add(parts.getFirst());
        }
        // an old merge, so that cleanups have dead parts to delete while readers run
        history.commitMerge(start + HOUR, "cust=a", first.stream().map(TestingTableHistory.Part::marker).toList());
        long initialRows = (long) computeScalar("SELECT count(*) FROM " + qualified(table));

        int inserts = 12;
        List<Long> validCounts = new ArrayList<>();
        validCounts.add(initialRows);
        for (int k = 0; k < inserts; k++) {
            validCounts.add(validCounts.getLast() + 10 + k);
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger activeWriters = new AtomicInteger(3);
        AtomicInteger cleanups = new AtomicInteger();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger merges = new AtomicInteger();
        AtomicInteger leaseConflicts = new AtomicInteger();
        AtomicInteger reads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(5);
        try {
            List<Future<?>> futures = new ArrayList<>();
            futures.add(executor.submit(() -> {
                try {
                    for (int k = 0; k < inserts; k++) {
                        String cust = k % 2 == 0 ? "a" : "b";
                        String query = "SELECT (%s + x)::BIGINT AS id, '%s' AS cust, (x * 0.5)::DOUBLE AS val, 'w' AS note FROM range(0, %s) t(x)".formatted(100_000 + k * 1000, cust, 10 + k);
                        long time = System.currentTimeMillis();
                        history.commitInsert(time, List.of(history.writePart("cust=" + cust, query, time)));
                        Thread.sleep(150);
                    }
                }
                catch (Throwable e) {
                    failures.add(e);
                }
                finally {
                    writing.set(false);
                    activeWriters.decrementAndGet();
                }
            }));
            for (int maintainer = 0; maintainer < 2; maintainer++) {
                boolean cleans = maintainer == 0;
                // one maintainer calls the procedure, the other runs the distributed merge
                String merge = cleans
                        ? "CALL icedb.system.merge(schema_name => '%s', table_name => '%s', max_file_count => 3)".formatted(SCHEMA, table)
                        : "ALTER TABLE %s EXECUTE merge(max_file_count => 3)".formatted(qualified(table));
                futures.add(executor.submit(() -> {
                    int rounds = 0;
                    while (writing.get() || rounds < 3 || (cleans && cleanups.get() == 0 && rounds < 50)) {
                        rounds++;
                        try {
                            getQueryRunner().execute(merge);
                            merges.incrementAndGet();
                            if (cleans) {
                                getQueryRunner().execute("CALL icedb.system.cleanup('%s', '%s', '1h')".formatted(SCHEMA, table));
                                cleanups.incrementAndGet();
                            }
                        }
                        catch (RuntimeException e) {
                            if (e.getMessage() != null && e.getMessage().contains("another maintenance operation is running on the table")) {
                                leaseConflicts.incrementAndGet();
                            }
                            else {
                                failures.add(e);
                            }
                        }
                    }
                    activeWriters.decrementAndGet();
                }));
            }
            for (int reader = 0; reader < 2; reader++) {
                futures.add(executor.submit(() -> {
                    long last = 0;
                    int done = 0;
                    // at least a few reads even when the others finish first (a busy machine)
                    while (activeWriters.get() > 0 || done < 3) {
                        done++;
                        try {
                            MaterializedRow row = computeActual("SELECT count(*), count(DISTINCT cust || CAST(id AS varchar)) FROM " + qualified(table)).getMaterializedRows().getFirst();
                            long count = (long) row.getField(0);
                            assertThat(row.getField(1)).as("distinct ids").isEqualTo(count);
                            assertThat(validCounts).as("a committed prefix of the inserts").contains(count);
                            assertThat(count).as("never goes back").isGreaterThanOrEqualTo(last);
                            last = count;
                            reads.incrementAndGet();
                        }
                        catch (Throwable e) {
                            failures.add(e);
                            return;
                        }
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(failures).isEmpty();
        assertThat(merges.get()).isPositive();
        assertThat(cleanups.get()).isPositive();
        assertThat(reads.get()).isPositive();
        assertUpdate("CALL icedb.system.merge('%s', '%s')".formatted(SCHEMA, table));
        MaterializedRow row = computeActual("SELECT count(*), count(DISTINCT cust || CAST(id AS varchar)) FROM " + qualified(table)).getMaterializedRows().getFirst();
        assertThat(row.getFields()).containsExactly(validCounts.getLast(), validCounts.getLast());
        assertThat(partCount(table, "")).isEqualTo(2);
        // the dead parts of the old merge are gone; every part still in storage is referenced by a log
        for (TestingTableHistory.Part part : first) {
            assertThat(server.listKeys(BUCKET, part.marker().path())).isEmpty();
        }
    }

    @Test
    public void testCleanupKeepsTheRetentionWindow()
            throws Exception
    {
        String table = "cleanup_window";
        String prefix = SCHEMA + "/" + table;
        long now = System.currentTimeMillis();
        long start = now - 10 * DAY;
        TestingTableHistory history = history(prefix);
        List<TestingTableHistory.Part> oldParts = new ArrayList<>();
        for (int insert = 0; insert < 4; insert++) {
            List<TestingTableHistory.Part> parts = insertParts(history, insert, start + insert * HOUR);
            history.commitInsert(start + insert * HOUR, parts);
            oldParts.add(parts.getFirst());
        }
        // another writer merged partition cust=a nine days ago
        history.commitMerge(start + DAY, "cust=a", oldParts.stream().map(TestingTableHistory.Part::marker).toList());
        long recentInsert = now - 3 * DAY;
        history.commitInsert(recentInsert, insertParts(history, 4, recentInsert));
        long laterInsert = now - 2 * DAY;
        history.commitInsert(laterInsert, insertParts(history, 5, laterInsert));

        long windowStart = now - 5 * DAY;
        List<String> insideWindow = List.of(
                "",
                timestampAsOf(windowStart + 60_000),
                timestampAsOf(now - 4 * DAY),
                "FOR VERSION AS OF " + recentInsert,
                timestampAsOf(laterInsert),
                "FOR VERSION AS OF " + laterInsert);
        Map<String, MaterializedResult> expected = new LinkedHashMap<>();
        for (String version : insideWindow) {
            expected.put(version, checksum(table, version));
        }
        assertThat(partCount(table, "")).isEqualTo(1 + 4 + 2 + 2);
        List<String> logsBefore = logKeys(prefix);
        assertThat(logsBefore).hasSize(7);

        assertThatThrownBy(() -> computeActual("CALL icedb.system.cleanup(schema_name => '%s', table_name => '%s', retention => '30m')".formatted(SCHEMA, table)))
                .hasMessageContaining("Retention specified (30.00m) is shorter than the minimum retention configured in the system (1.00h, icedb.cleanup.min-retention)");
        assertThatThrownBy(() -> computeActual("CALL icedb.system.cleanup(schema_name => '%s', table_name => '%s', retention => 'five days')".formatted(SCHEMA, table)))
                .hasMessageContaining("Invalid retention 'five days'");
        assertThat(logKeys(prefix)).isEqualTo(logsBefore);

        // records of maintenance runs before the window go with the logs, the others stay
        S3TestingFileIo fileIo = new S3TestingFileIo(server.client(), BUCKET);
        MaintenanceHistory.record(fileIo, prefix, new MaintenanceRun("merge", now - 6 * DAY - 1, now - 6 * DAY, "python", Optional.empty(), Map.of("parts_merged", 4L)));
        MaintenanceHistory.record(fileIo, prefix, new MaintenanceRun("merge", now - 4 * DAY - 1, now - 4 * DAY, "python", Optional.empty(), Map.of("parts_merged", 3L)));

        assertUpdate("CALL icedb.system.cleanup(schema_name => '%s', table_name => '%s', retention => '5d')".formatted(SCHEMA, table));

        for (Map.Entry<String, MaterializedResult> entry : expected.entrySet()) {
            assertThat(checksum(table, entry.getKey())).as("snapshot %s", entry.getKey()).isEqualTo(entry.getValue());
        }
        // the four parts the old merge replaced are gone; nothing else
        for (TestingTableHistory.Part part : oldParts) {
            assertThat(server.listKeys(BUCKET, part.marker().path())).isEmpty();
        }
        assertThat(server.listKeys(BUCKET, TablePaths.dataPrefix(prefix))).hasSize(1 + 4 + 2 + 2);
        // the five old logs became one folded merged log stamped just before the window; the recent inserts stay
        List<String> logsAfter = logKeys(prefix);
        assertThat(logsAfter).hasSize(3);
        LogFile folded = assertReencodesIdentically(logsAfter.getFirst());
        LogFileName foldedName = LogFileName.parse(logsAfter.getFirst().substring(logsAfter.getFirst().lastIndexOf('/') + 1)).orElseThrow();
        assertThat(foldedName.merged()).isTrue();
        assertThat(foldedName.timestampMillis()).isLessThan(System.currentTimeMillis() - 5 * DAY).isGreaterThan(start + DAY);
        assertThat(folded.logTombstones()).hasSize(5);

        // before the window: a clear error
        assertThatThrownBy(() -> computeActual("SELECT count(*) FROM %s %s".formatted(qualified(table), timestampAsOf(start + 2 * HOUR))))
                .hasMessageContaining("No version history table test.cleanup_window before");

        // a second cleanup right away has nothing to do
        assertUpdate("CALL icedb.system.cleanup(schema_name => '%s', table_name => '%s', retention => '5d')".formatted(SCHEMA, table));
        assertThat(logKeys(prefix)).isEqualTo(logsAfter);
        // the recent record and the cleanup's own, not the second cleanup's, which did nothing
        assertThat(computeActual("SELECT operation, metrics['parts_merged'] FROM %s WHERE operation = 'merge'".formatted(metadataTable(table, "maintenance"))).getMaterializedRows().stream().map(MaterializedRow::getFields).toList())
                .containsExactly(List.of("merge", 3L));
        MaterializedRow run = computeActual("SELECT operation, log_file, metrics FROM %s WHERE operation <> 'merge'".formatted(metadataTable(table, "maintenance"))).getMaterializedRows().getFirst();
        assertThat(computeScalar("SELECT count(*) FROM %s".formatted(metadataTable(table, "maintenance")))).isEqualTo(2L);
        assertThat(run.getField(0)).isEqualTo("cleanup");
        assertThat(run.getField(1)).isEqualTo(logsAfter.getFirst());
        @SuppressWarnings("unchecked")
        Map<String, Long> metrics = (Map<String, Long>) run.getField(2);
        assertThat(metrics).containsEntry("parts_deleted", 4L)
                .containsEntry("logs_deleted", 5L)
                .containsEntry("history_records_deleted", 1L)
                .containsEntry("bytes_deleted", oldParts.stream().mapToLong(part -> part.marker().bytes()).sum());
        assertThat(metrics.get("retention_window_start_ms")).isBetween(now - 5 * DAY, System.currentTimeMillis() - 5 * DAY);
    }

    @Test
    public void testRemoveOrphanFiles()
            throws Exception
    {
        String table = "orphans";
        String prefix = SCHEMA + "/" + table;
        long start = System.currentTimeMillis() - DAY;
        // the replaced parts stay, referenced by dead markers only
        createMergedHistory(history(prefix), start);
        MaterializedResult before = checksum(table, "");
        List<String> referenced = server.listKeys(BUCKET, TablePaths.dataPrefix(prefix));
        assertThat(referenced).hasSize(5);

        String oldOrphan = prefix + "/_data/cust=a/" + UUID.randomUUID() + ".parquet";
        String oldOrphanElsewhere = prefix + "/_data/leftover.tmp";
        String notData = prefix + "/_icedb/unrelated.json";
        String notALog = prefix + "/_log/notes.txt";
        for (String key : List.of(oldOrphan, oldOrphanElsewhere, notData, notALog)) {
            server.putObject(BUCKET, key, new byte[] {1, 2, 3});
        }
        Thread.sleep(1_500);
        long threshold = System.currentTimeMillis();
        Thread.sleep(1_500);
        String youngOrphan = prefix + "/_data/cust=b/" + UUID.randomUUID() + ".parquet";
        server.putObject(BUCKET, youngOrphan, new byte[] {4, 5});

        assertThatThrownBy(() -> computeActual("CALL icedb.system.remove_orphan_files(schema_name => '%s', table_name => '%s', older_than => '%s')".formatted(SCHEMA, table, timestampString(System.currentTimeMillis() + HOUR))))
                .hasMessageContaining("is less than the minimum retention configured in the system (1.00s, icedb.remove-orphan-files.min-retention)");
        assertThatThrownBy(() -> computeActual("CALL icedb.system.remove_orphan_files(schema_name => '%s', table_name => '%s', older_than => '%s', retention_threshold => '7d')".formatted(SCHEMA, table, timestampString(threshold))))
                .hasMessageContaining("either older_than or retention_threshold");
        assertThat(server.listKeys(BUCKET, prefix + "/")).contains(oldOrphan, youngOrphan);

        assertUpdate("CALL icedb.system.remove_orphan_files(schema_name => '%s', table_name => '%s', older_than => '%s')".formatted(SCHEMA, table, timestampString(threshold)));

        List<String> remaining = server.listKeys(BUCKET, prefix + "/");
        assertThat(remaining).doesNotContain(oldOrphan, oldOrphanElsewhere);
        assertThat(remaining).contains(youngOrphan, notData, notALog);
        assertThat(remaining).containsAll(referenced);
        assertThat(server.listKeys(BUCKET, TablePaths.dataPrefix(prefix))).hasSize(referenced.size() + 1);
        assertThat(checksum(table, "")).isEqualTo(before);
        assertThat(computeActual("SELECT operation, log_file, metrics FROM %s".formatted(metadataTable(table, "maintenance"))).getMaterializedRows().getFirst().getFields())
                .containsExactly("remove_orphan_files", null, ImmutableMap.of("files_scanned", 8L, "files_deleted", 2L, "bytes_deleted", 6L, "files_kept_young", 1L, "older_than_ms", threshold));

        // with a retention threshold: the young orphan is older than one second by now
        Thread.sleep(1_100);
        assertUpdate("CALL icedb.system.remove_orphan_files(schema_name => '%s', table_name => '%s', retention_threshold => '1s')".formatted(SCHEMA, table));
        assertThat(server.listKeys(BUCKET, TablePaths.dataPrefix(prefix))).containsExactlyInAnyOrderElementsOf(referenced);
        assertThat(checksum(table, "")).isEqualTo(before);
        assertThat(computeActual("SELECT metrics['files_deleted'], metrics['bytes_deleted'] FROM %s ORDER BY finished DESC LIMIT 1".formatted(metadataTable(table, "maintenance"))).getMaterializedRows().getFirst().getFields())
                .containsExactly(1L, 2L);
    }

    /**
     * The Iceberg connector's forms: {@code ALTER TABLE ... EXECUTE cleanup / remove_orphan_files(retention_threshold => ...)}.
     */
    @Test
    public void testExecuteCleanupAndRemoveOrphanFiles()
            throws Exception
    {
        String table = "execute_cleanup";
        String prefix = SCHEMA + "/" + table;
        long now = System.currentTimeMillis();
        long start = now - 10 * DAY;
        TestingTableHistory history = history(prefix);
        List<String> replaced = createMergedHistory(history, start);
        long recentInsert = now - DAY;
        history.commitInsert(recentInsert, insertParts(history, 2, recentInsert));
        MaterializedResult current = checksum(table, "");
        MaterializedResult atRecentInsert = checksum(table, "FOR VERSION AS OF " + recentInsert);
        String orphan = prefix + "/_data/cust=b/" + UUID.randomUUID() + ".parquet";
        server.putObject(BUCKET, orphan, new byte[] {1, 2, 3, 4});

        assertThatThrownBy(() -> computeActual("ALTER TABLE %s EXECUTE cleanup(retention_threshold => '30m')".formatted(qualified(table))))
                .hasMessageContaining("Retention specified (30.00m) is shorter than the minimum retention configured in the system (1.00h, icedb.cleanup.min-retention)");
        assertThatThrownBy(() -> computeActual("ALTER TABLE %s EXECUTE cleanup(retention_threshold => 'a week')".formatted(qualified(table))))
                .hasMessageContaining("retention_threshold");
        assertThatThrownBy(() -> computeActual("ALTER TABLE %s EXECUTE cleanup WHERE cust = 'a'".formatted(qualified(table))))
                .hasMessageContaining("WHERE not supported for procedure CLEANUP");
        assertThat(logKeys(prefix)).hasSize(4);

        assertUpdate("ALTER TABLE %s EXECUTE cleanup(retention_threshold => '5d')".formatted(qualified(table)));

        // the two parts the old merge replaced are gone, the three old logs folded into one; the window reads as before
        for (String part : replaced) {
            assertThat(server.listKeys(BUCKET, part)).isEmpty();
        }
        assertThat(logKeys(prefix)).hasSize(2);
        assertThat(checksum(table, "")).isEqualTo(current);
        assertThat(checksum(table, "FOR VERSION AS OF " + recentInsert)).isEqualTo(atRecentInsert);

        // the orphan is older than a second by now; the referenced parts stay
        Thread.sleep(1_100);
        assertUpdate("ALTER TABLE %s EXECUTE remove_orphan_files(retention_threshold => '1s')".formatted(qualified(table)));
        assertThat(server.listKeys(BUCKET, orphan)).isEmpty();
        assertThat(checksum(table, "")).isEqualTo(current);

        assertThat(computeActual("SELECT operation, element_at(metrics, 'parts_deleted'), element_at(metrics, 'logs_deleted'), element_at(metrics, 'files_deleted') FROM %s ORDER BY finished".formatted(metadataTable(table, "maintenance"))).getMaterializedRows().stream().map(MaterializedRow::getFields).toList())
                .containsExactly(Arrays.asList("cleanup", 2L, 3L, null), Arrays.asList("remove_orphan_files", null, null, 1L));
    }

    @Test
    public void testMergePythonTables()
    {
        mergePythonTables(MergeStatement.CALL);
    }

    @Test
    public void testExecuteMergePythonTables()
    {
        mergePythonTables(MergeStatement.EXECUTE);
    }

    /**
     * {@code WHERE} on the Hive keys of a table Python wrote (columns only in its paths) picks the partitions merged.
     */
    @Test
    public void testExecuteMergeWhereOnPythonHiveKeys()
    {
        String bucket = "python-merge-where";
        String tablePrefix = "custom_merge";
        String table = "py_merge_where";
        server.createBucket(bucket);
        server.uploadDirectory(IcedbFixtures.bucketDirectory(IcedbFixtures.BUCKET), bucket);
        assertUpdate("CALL icedb.system.register_table('%s', '%s', 's3://%s/%s')".formatted(SCHEMA, table, bucket, tablePrefix));
        S3TestingFileIo fileIo = new S3TestingFileIo(server.client(), bucket);
        // a second copy of every part: every partition has two parts or more
        Snapshot snapshot = TableLog.uncached(fileIo, tablePrefix).readAll().fold();
        insertCopies(fileIo, tablePrefix, snapshot.schema(), snapshot.aliveFiles());
        MaterializedResult before = checksum(table, "");
        List<String> partitionsBefore = partsByPartition(table);
        assertThat(partitionsBefore).hasSize(2).allSatisfy(partition -> assertThat(partition).matches("u=user_[ab]/d=[0-9-]+:[2-9]"));

        assertUpdate("ALTER TABLE %s EXECUTE merge WHERE u = 'user_a'".formatted(qualified(table)));

        assertThat(checksum(table, "")).isEqualTo(before);
        List<String> partitionsAfter = partsByPartition(table);
        assertThat(partitionsAfter).filteredOn(partition -> partition.startsWith("u=user_a/")).singleElement().asString().endsWith(":1");
        assertThat(partitionsAfter).filteredOn(partition -> partition.startsWith("u=user_b/"))
                .containsExactlyElementsOf(partitionsBefore.stream().filter(partition -> partition.startsWith("u=user_b/")).toList());
        // and Python's reader rule still holds for the merged log
        List<String> ours = logKeys(fileIo, tablePrefix).stream().filter(key -> key.contains("_m_trino-")).toList();
        assertThat(ours).hasSize(1);
        assertThat(LogFileParser.write(LogFileParser.parse(ours.getFirst(), readObject(fileIo, ours.getFirst())))).isEqualTo(readObject(fileIo, ours.getFirst()));
    }

    private void mergePythonTables(MergeStatement merge)
    {
        String bucket = "python-merge-" + merge.name().toLowerCase(ENGLISH);
        server.createBucket(bucket);
        server.uploadDirectory(IcedbFixtures.bucketDirectory(IcedbFixtures.BUCKET), bucket);
        server.createBucket(bucket + "-pre");
        server.uploadDirectory(IcedbFixtures.bucketDirectory(IcedbFixtures.PRE_CLEANUP_BUCKET), bucket + "-pre");
        String tablePrefix = "py_" + merge.name().toLowerCase(ENGLISH) + "_";
        mergePythonTable(tablePrefix + "custom_merge", bucket, "custom_merge", true, merge);
        mergePythonTable(tablePrefix + "many_inserts", bucket + "-pre", "many_inserts_merge_cleanup", true, merge);
        // parts with different column sets in one partition: the merged part has them all
        mergePythonTable(tablePrefix + "schema_evolution", bucket, "schema_evolution", false, merge);
        mergePythonTable(tablePrefix + "types", bucket, "types", false, merge);
    }

    private void mergePythonTable(String table, String bucket, String tablePrefix, boolean compareRows, MergeStatement merge)
    {
        assertUpdate("CALL icedb.system.register_table('%s', '%s', 's3://%s/%s')".formatted(SCHEMA, table, bucket, tablePrefix));
        S3TestingFileIo fileIo = new S3TestingFileIo(server.client(), bucket);
        TableLogs logs = TableLog.uncached(fileIo, tablePrefix).readAll();
        Schema schema = logs.fold().schema();
        List<FileMarker> alive = logs.fold().aliveFiles();
        MaterializedResult pythonState = checksum(table, "");
        int partsBefore = alive.size();
        long partitions = alive.stream().map(part -> PartitionPath.partitionOf(tablePrefix, part.path())).distinct().count();

        // a second copy of every part (inserted now): every partition then has two small parts; Python's merged parts carry Hive keys as columns
        long insertTime = insertCopies(fileIo, tablePrefix, schema, alive);
        MaterializedResult before = checksum(table, "");
        assertThat(partCount(table, "")).isEqualTo(2 * partsBefore);
        Set<Object> partitionsBefore = computeActual("SELECT DISTINCT \"$partition\" FROM " + qualified(table)).getOnlyColumnAsSet();

        getQueryRunner().execute(merge.sql(table));

        assertThat(checksum(table, "")).isEqualTo(before);
        assertThat(partCount(table, "")).isEqualTo(partitions);
        // every merged part in the partition of the parts it replaced
        assertThat(computeActual("SELECT DISTINCT \"$partition\" FROM " + qualified(table)).getOnlyColumnAsSet()).isEqualTo(partitionsBefore);
        assertThat(checksum(table, "FOR VERSION AS OF " + insertTime)).isEqualTo(before);
        assertThat(partCount(table, "FOR VERSION AS OF " + insertTime)).isEqualTo(2 * partsBefore);
        assertThat(checksum(table, "FOR VERSION AS OF " + (insertTime - 1))).isEqualTo(pythonState);

        List<String> ours = logKeys(fileIo, tablePrefix).stream().filter(key -> key.contains("_m_trino-")).toList();
        assertThat(ours).hasSize(1);
        LogFile mergedLog = LogFileParser.parse(ours.getFirst(), readObject(fileIo, ours.getFirst()));
        assertThat(LogFileParser.write(mergedLog)).isEqualTo(readObject(fileIo, ours.getFirst()));
        assertThat(mergedLog.schema()).isEqualTo(schema);
        List<String> columns = ImmutableList.copyOf(schema.columns().keySet());
        String columnList = String.join(", ", columns.stream().map(column -> "\"" + column + "\"").toList());
        for (FileMarker part : mergedLog.fileMarkers().stream().filter(FileMarker::isAlive).filter(marker -> marker.createdMillis() > insertTime).toList()) {
            Path local = workDirectory.resolve(UUID.randomUUID() + ".parquet");
            writeLocal(local, readObject(fileIo, part.path()));
            // only the schema's columns: the Hive keys Python's merges stored are not carried
            assertThat(duckDbColumns(local)).containsExactlyElementsOf(columns);
            String counts = "count(*), " + String.join(", ", columns.stream().map(column -> "count(\"%s\")".formatted(column)).toList());
            assertThat(duckDbRow("SELECT %s FROM read_parquet('%s')".formatted(counts, local)))
                    .isEqualTo(trinoRow("SELECT %s FROM %s WHERE \"$path\" = 's3://%s/%s'".formatted(counts, qualified(table), bucket, part.path())));
            if (!compareRows) {
                continue;
            }
            List<String> duckDbRows = duckDbRows("SELECT %s FROM read_parquet('%s')".formatted(columnList, local), columns.size());
            List<String> trinoRows = computeActual("SELECT %s FROM %s WHERE \"$path\" = 's3://%s/%s'".formatted(columnList, qualified(table), bucket, part.path()))
                    .getMaterializedRows().stream()
                    .map(row -> normalize(row.getFields()).toString())
                    .sorted()
                    .collect(toImmutableList());
            assertThat(duckDbRows).hasSize(trinoRows.size()).isEqualTo(trinoRows);
        }
    }

    @Test
    public void testCleanupPythonTableKeepsEveryPointInsideTheWindow()
    {
        String bucket = "python-cleanup";
        String tablePrefix = "many_inserts_merge_cleanup";
        String table = "py_cleanup";
        server.createBucket(bucket);
        server.uploadDirectory(IcedbFixtures.bucketDirectory(IcedbFixtures.PRE_CLEANUP_BUCKET), bucket);
        assertUpdate("CALL icedb.system.register_table('%s', '%s', 's3://%s/%s')".formatted(SCHEMA, table, bucket, tablePrefix));
        S3TestingFileIo fileIo = new S3TestingFileIo(server.client(), bucket);

        List<Long> points = new ArrayList<>();
        IcedbFixtures.expectations(tablePrefix).get("snapshots").get(0).get("points").forEach(point -> points.add(point.get("t_ms").asLong()));
        // the window starts a quarter into the history: the points span a few seconds, and the cleanup's own "now" is
        // later than this test's by however long the call takes to start, which moves the window start forward
        long windowStart = points.get(points.size() / 4);
        Map<Long, MaterializedResult> expected = new LinkedHashMap<>();
        for (long point : points.subList(1, points.size())) {
            expected.put(point, checksum(table, timestampAsOf(point)));
        }
        MaterializedResult now = checksum(table, "");
        int logsBefore = logKeys(fileIo, tablePrefix).size();
        int partsBefore = server.listKeys(bucket, TablePaths.dataPrefix(tablePrefix)).size();

        long retentionMillis = System.currentTimeMillis() - windowStart;
        assertUpdate("CALL icedb.system.cleanup(schema_name => '%s', table_name => '%s', retention => '%sms')".formatted(SCHEMA, table, retentionMillis));

        // the folded log is stamped just below the window start the cleanup used (a little after windowStart)
        List<String> logsAfter = logKeys(fileIo, tablePrefix);
        String folded = logsAfter.getFirst();
        assertThat(folded).contains("_m_trino-");
        long foldedStamp = LogFileName.parse(folded.substring(folded.lastIndexOf('/') + 1)).orElseThrow().timestampMillis();
        assertThat(foldedStamp).isGreaterThanOrEqualTo(windowStart - 1);

        assertThat(checksum(table, "")).isEqualTo(now);
        int inside = 0;
        for (Map.Entry<Long, MaterializedResult> entry : expected.entrySet()) {
            String asOf = timestampAsOf(entry.getKey());
            if (entry.getKey() > foldedStamp) {
                assertThat(checksum(table, asOf)).as("point %s", entry.getKey()).isEqualTo(entry.getValue());
                inside++;
            }
            else {
                assertThatThrownBy(() -> computeActual("SELECT count(*) FROM %s %s".formatted(qualified(table), asOf)))
                        .hasMessageContaining("No version history table test.py_cleanup before");
            }
        }
        assertThat(inside).isBetween(1, expected.size() - 1);
        assertThat(logsAfter.size()).isLessThan(logsBefore);
        assertThat(server.listKeys(bucket, TablePaths.dataPrefix(tablePrefix)).size()).isLessThan(partsBefore);
        for (String key : logsAfter) {
            assertReencodesIdentically(fileIo, key);
        }
    }

    private enum MergeStatement
    {
        CALL("CALL icedb.system.merge('%s', '%s')"),
        EXECUTE("ALTER TABLE icedb.%s.%s EXECUTE merge");

        private final String format;

        MergeStatement(String format)
        {
            this.format = format;
        }

        String sql(String table)
        {
            return format.formatted(SCHEMA, table);
        }
    }

    private void createHistory(String table, long start, int inserts)
    {
        TestingTableHistory history = history(SCHEMA + "/" + table);
        for (int insert = 0; insert < inserts; insert++) {
            long time = start + insert * HOUR;
            history.commitInsert(time, insertParts(history, insert, time));
        }
    }

    /**
     * Two inserts of a part per partition, an hour apart, and a merge of partition {@code cust=a} an hour later.
     *
     * @return the keys of the two parts the merge replaced
     */
    private static List<String> createMergedHistory(TestingTableHistory history, long start)
    {
        List<TestingTableHistory.Part> first = insertParts(history, 0, start);
        history.commitInsert(start, first);
        List<TestingTableHistory.Part> second = insertParts(history, 1, start + HOUR);
        history.commitInsert(start + HOUR, second);
        List<FileMarker> replaced = List.of(first.getFirst().marker(), second.getFirst().marker());
        history.commitMerge(start + 2 * HOUR, "cust=a", replaced);
        return replaced.stream().map(FileMarker::path).toList();
    }

    private TestingTableHistory history(String prefix)
    {
        return new TestingTableHistory(new S3TestingFileIo(server.client(), BUCKET), prefix, workDirectory);
    }

    /**
     * One part per partition {@code cust=a}, {@code cust=b}; inserts from the third on add column {@code extra}.
     */
    private static List<TestingTableHistory.Part> insertParts(TestingTableHistory history, int insert, long time)
    {
        List<TestingTableHistory.Part> parts = new ArrayList<>();
        for (String cust : List.of("a", "b")) {
            String extra = insert >= 2 ? ", (x * %s)::INTEGER AS extra".formatted(insert) : "";
            String query = ("SELECT (%1$s * 1000 + x)::BIGINT AS id, '%2$s' AS cust, (x * 0.5 + %1$s)::DOUBLE AS val, " +
                    "CASE WHEN x %% 3 = 0 THEN NULL ELSE 'note ' || x END AS note%3$s FROM range(0, %4$s) t(x)")
                    .formatted(insert, cust, extra, 40 + insert * 10 + (cust.equals("a") ? 0 : 5));
            parts.add(history.writePart("cust=" + cust, query, time));
        }
        return parts;
    }

    private MaterializedResult checksum(String table, String version)
    {
        List<String> columns = computeActual("SELECT column_name FROM icedb.information_schema.columns WHERE table_schema = '%s' AND table_name = '%s' ORDER BY ordinal_position".formatted(SCHEMA, table))
                .getOnlyColumn()
                .map(String.class::cast)
                .toList();
        String checksums = String.join(", ", columns.stream().map(column -> "checksum(\"%s\")".formatted(column)).toList());
        return computeActual("SELECT count(*), %s FROM %s %s".formatted(checksums, qualified(table), version));
    }

    private List<String> partsByPartition(String table)
    {
        return computeActual("SELECT \"$partition\", count(DISTINCT \"$path\") FROM %s GROUP BY 1".formatted(qualified(table))).getMaterializedRows().stream()
                .map(row -> row.getField(0) + ":" + row.getField(1))
                .toList();
    }

    private long partCount(String table, String version)
    {
        return (long) computeScalar("SELECT count(DISTINCT \"$path\") FROM %s %s".formatted(qualified(table), version));
    }

    private static String qualified(String table)
    {
        return "icedb.%s.%s".formatted(SCHEMA, table);
    }

    private static String metadataTable(String table, String suffix)
    {
        return "icedb.%s.\"%s$%s\"".formatted(SCHEMA, table, suffix);
    }

    private static String timestampAsOf(long millis)
    {
        return "FOR TIMESTAMP AS OF " + timestampLiteral(millis);
    }

    private static String timestampString(long millis)
    {
        return TIMESTAMP_LITERAL.format(Instant.ofEpochMilli(millis)) + " UTC";
    }

    private static String timestampLiteral(long millis)
    {
        return "TIMESTAMP '%s UTC'".formatted(TIMESTAMP_LITERAL.format(Instant.ofEpochMilli(millis)));
    }

    private List<String> mergedLogs(String prefix)
    {
        return logKeys(prefix).stream().filter(key -> key.contains("_m_")).toList();
    }

    private List<String> logKeys(String prefix)
    {
        return logKeys(new S3TestingFileIo(server.client(), BUCKET), prefix);
    }

    /**
     * Copies each of the parts beside itself and commits the copies with one insert log stamped now.
     *
     * @return the insert log's timestamp
     */
    private static long insertCopies(S3TestingFileIo fileIo, String tablePrefix, Schema schema, List<FileMarker> parts)
    {
        long insertTime = System.currentTimeMillis();
        List<FileMarker> copies = new ArrayList<>();
        for (FileMarker part : parts) {
            String key = part.path().substring(0, part.path().lastIndexOf('/') + 1) + UUID.randomUUID() + ".parquet";
            byte[] content = readObject(fileIo, part.path());
            fileIo.overwrite(key, content);
            copies.add(FileMarker.alive(key, content.length, insertTime));
        }
        PlannedLog insert = InsertLogBuilder.build(tablePrefix, "test", insertTime, schema, copies);
        fileIo.overwrite(insert.key(), LogFileParser.write(insert.content()));
        return insertTime;
    }

    private static List<String> logKeys(S3TestingFileIo fileIo, String prefix)
    {
        return ImmutableList.copyOf(TableLog.uncached(fileIo, prefix).readAll().logs().keySet());
    }

    private LogFile assertReencodesIdentically(String key)
    {
        return assertReencodesIdentically(new S3TestingFileIo(server.client(), BUCKET), key);
    }

    private static LogFile assertReencodesIdentically(S3TestingFileIo fileIo, String key)
    {
        byte[] content = readObject(fileIo, key);
        LogFile log = LogFileParser.parse(key, content);
        assertThat(LogFileParser.write(log)).as("re-encoded %s", key).isEqualTo(content);
        return log;
    }

    private static byte[] readObject(S3TestingFileIo fileIo, String key)
    {
        try {
            return fileIo.read(key);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path download(String key)
    {
        Path local = workDirectory.resolve(UUID.randomUUID() + ".parquet");
        writeLocal(local, readObject(new S3TestingFileIo(server.client(), BUCKET), key));
        return local;
    }

    private static void writeLocal(Path path, byte[] content)
    {
        try {
            Files.write(path, content);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> duckDbColumns(Path parquet)
    {
        List<String> columns = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery("DESCRIBE SELECT * FROM read_parquet('%s')".formatted(parquet))) {
            while (resultSet.next()) {
                columns.add(resultSet.getString("column_name"));
            }
        }
        catch (SQLException e) {
            throw new RuntimeException(e);
        }
        return columns;
    }

    private static List<String> duckDbRowsInOrder(String query)
    {
        List<String> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute("SET threads = 1");
            try (ResultSet resultSet = statement.executeQuery(query)) {
                int columns = resultSet.getMetaData().getColumnCount();
                while (resultSet.next()) {
                    List<Object> values = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        values.add(resultSet.getObject(i));
                    }
                    rows.add(normalize(values).toString());
                }
            }
        }
        catch (SQLException e) {
            throw new RuntimeException(e);
        }
        return rows;
    }

    private static List<Object> duckDbRow(String query)
    {
        List<String> rows = duckDbRows(query, -1);
        assertThat(rows).hasSize(1);
        return List.of(rows.getFirst());
    }

    private List<Object> trinoRow(String query)
    {
        MaterializedRow row = computeActual(query).getMaterializedRows().getFirst();
        return List.of(normalize(row.getFields()).toString());
    }

    /**
     * Rows as strings of their values (numbers as longs or doubles), sorted.
     */
    private static List<String> duckDbRows(String query, int columnCount)
    {
        List<String> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(query)) {
            int columns = resultSet.getMetaData().getColumnCount();
            while (resultSet.next()) {
                List<Object> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(resultSet.getObject(i));
                }
                rows.add(normalize(values).toString());
            }
        }
        catch (SQLException e) {
            throw new RuntimeException(e);
        }
        return rows.stream().sorted().collect(toImmutableList());
    }

    private static Object[] attributes(Struct struct)
    {
        try {
            return struct.getAttributes();
        }
        catch (SQLException e) {
            throw new RuntimeException(e);
        }
    }

    private static List<Object> normalize(List<?> values)
    {
        List<Object> normalized = new ArrayList<>();
        for (Object value : values) {
            normalized.add(switch (value) {
                case null -> "NULL";
                case Integer integer -> integer.longValue();
                case Short number -> number.longValue();
                case BigInteger number -> number.longValue();
                case BigDecimal number -> number.scale() == 0 ? number.longValue() : number.doubleValue();
                case Float number -> number.doubleValue();
                case Struct struct -> normalize(Arrays.asList(attributes(struct)));
                case List<?> list -> normalize(list);
                default -> value;
            });
        }
        return normalized;
    }
}
