package io.trino.plugin.icedb;

import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.MaterializedResult;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Iceberg connector's names on IceDB tables, on a coordinator and a worker: {@code EXECUTE optimize} and
 * {@code EXECUTE expire_snapshots}, {@code CALL system.rollback_to_snapshot}, the metadata tables {@code $snapshots},
 * {@code $history}, {@code $properties}, the {@code version} column of {@code $log} and the hidden column
 * {@code $file_modified_time}. The catalog's minimum cleanup retention is 1s.
 */
public abstract class BaseIcedbIcebergNamesTest
        extends AbstractTestQueryFramework
{
    protected static final String SCHEMA = "names";

    /**
     * Deletes the object at a part's {@code $path}, as a cleanup outside ours (Python's keeps no history) does.
     */
    protected abstract void deleteObject(String path);

    @Test
    public void testOptimize()
    {
        assertUpdate("CREATE TABLE names.opt (x bigint, p varchar) WITH (partitioning = ARRAY['p'])");
        for (int i = 0; i < 3; i++) {
            assertUpdate("INSERT INTO names.opt VALUES (%s, 'a')".formatted(i), 1);
            assertUpdate("INSERT INTO names.opt VALUES (%s, 'b')".formatted(10 + i), 1);
        }
        assertThat(partCounts("names.opt")).isEqualTo(Map.of("p=a", 3L, "p=b", 3L));
        // parts above the threshold are left alone
        assertUpdate("ALTER TABLE names.opt EXECUTE optimize(file_size_threshold => '10B')");
        assertThat(partCounts("names.opt")).isEqualTo(Map.of("p=a", 3L, "p=b", 3L));
        // WHERE as for EXECUTE merge: only that partition
        assertUpdate("ALTER TABLE names.opt EXECUTE optimize(file_size_threshold => '10MB') WHERE p = 'a'");
        assertThat(partCounts("names.opt")).isEqualTo(Map.of("p=a", 1L, "p=b", 3L));
        assertUpdate("ALTER TABLE names.opt EXECUTE optimize");
        assertThat(partCounts("names.opt")).isEqualTo(Map.of("p=a", 1L, "p=b", 1L));
        assertThat(query("SELECT x, p FROM names.opt"))
                .matches("VALUES (BIGINT '0', VARCHAR 'a'), (1, 'a'), (2, 'a'), (10, 'b'), (11, 'b'), (12, 'b')");
        // each optimize is a merged log, an Iceberg "replace", and a merge run
        assertThat(query("SELECT operation, summary['added-data-files'], summary['deleted-data-files'] FROM names.\"opt$snapshots\" WHERE operation <> 'append'"))
                .matches("VALUES (VARCHAR 'replace', VARCHAR '1', VARCHAR '3'), ('replace', '1', '3')");
        assertThat(query("SELECT operation FROM names.\"opt$maintenance\""))
                .matches("VALUES VARCHAR 'merge', 'merge'");
        assertQueryFails("ALTER TABLE names.opt EXECUTE optimize(file_size_threshold => 'ten')", ".*file_size_threshold.*");
    }

    @Test
    public void testExpireSnapshots()
            throws InterruptedException
    {
        assertUpdate("CREATE TABLE names.expire (x bigint)");
        assertUpdate("INSERT INTO names.expire VALUES 1", 1);
        assertUpdate("INSERT INTO names.expire VALUES 2", 1);
        assertUpdate("ALTER TABLE names.expire EXECUTE optimize");
        List<String> deadParts = computeActual("SELECT DISTINCT \"$path\" FROM names.expire FOR VERSION AS OF %s".formatted(versions("names.expire").get(2))).getOnlyColumn()
                .map(String.class::cast)
                .toList();
        assertThat(deadParts).hasSize(2);
        long logs = (long) computeScalar("SELECT count(*) FROM names.\"expire$log\"");
        // the same minimum retention as EXECUTE cleanup
        assertQueryFails(
                "ALTER TABLE names.expire EXECUTE expire_snapshots(retention_threshold => '0s')",
                "Retention specified \\(0.00s\\) is shorter than the minimum retention configured in the system \\(1.00s, icedb.cleanup.min-retention\\).*");
        waitUntilClockPasses(versions("names.expire").getLast() + 1_500);
        assertUpdate("ALTER TABLE names.expire EXECUTE expire_snapshots(retention_threshold => '1s')");
        assertThat(query("SELECT x FROM names.expire")).matches("VALUES BIGINT '1', 2");
        assertThat((long) computeScalar("SELECT count(*) FROM names.\"expire$log\"")).isLessThan(logs);
        assertThat(query("SELECT operation, metrics['parts_deleted'] FROM names.\"expire$maintenance\" WHERE operation = 'cleanup'"))
                .matches("VALUES (VARCHAR 'cleanup', BIGINT '2')");
        // without the argument: the catalog's minimum retention; nothing left to clean up
        assertUpdate("ALTER TABLE names.expire EXECUTE expire_snapshots");
        assertThat(query("SELECT count(*) FROM names.\"expire$maintenance\" WHERE operation = 'cleanup'")).matches("VALUES BIGINT '1'");
    }

    @Test
    public void testRollbackToSnapshot()
    {
        assertUpdate("CREATE TABLE names.rollback (x bigint)");
        assertUpdate("INSERT INTO names.rollback VALUES 1", 1);
        assertUpdate("INSERT INTO names.rollback VALUES 2", 1);
        assertUpdate("ALTER TABLE names.rollback EXECUTE optimize");
        assertUpdate("INSERT INTO names.rollback VALUES 3", 1);
        // versions: create, insert 1, insert 2, merge, insert 3
        List<Long> versions = versions("names.rollback");
        assertThat(versions).hasSize(5);
        long afterSecondInsert = versions.get(2);
        long latest = versions.get(4);
        Set<String> partsThen = paths("SELECT DISTINCT \"$path\" FROM names.rollback FOR VERSION AS OF " + afterSecondInsert);
        Set<String> partsNow = paths("SELECT DISTINCT \"$path\" FROM names.rollback");
        assertThat(partsThen).hasSize(2).doesNotContainAnyElementsOf(partsNow);
        assertThat(query("SELECT x FROM names.rollback FOR VERSION AS OF " + afterSecondInsert)).matches("VALUES BIGINT '1', 2");
        assertThat(query("SELECT x FROM names.rollback")).matches("VALUES BIGINT '1', 2, 3");

        assertUpdate("CALL icedb.system.rollback_to_snapshot('names', 'rollback', %s)".formatted(afterSecondInsert));

        // the live parts are exactly those of that version: the merged part and the third insert's are gone
        assertThat(query("SELECT x FROM names.rollback")).matches("VALUES BIGINT '1', 2");
        assertThat(paths("SELECT DISTINCT \"$path\" FROM names.rollback")).isEqualTo(partsThen);
        assertThat(paths("SELECT path FROM names.\"rollback$files\"")).isEqualTo(partsThen);
        // every earlier version reads as before
        assertThat(query("SELECT x FROM names.rollback FOR VERSION AS OF " + afterSecondInsert)).matches("VALUES BIGINT '1', 2");
        assertThat(query("SELECT x FROM names.rollback FOR VERSION AS OF " + latest)).matches("VALUES BIGINT '1', 2, 3");
        assertThat(paths("SELECT DISTINCT \"$path\" FROM names.rollback FOR VERSION AS OF " + latest)).isEqualTo(partsNow);
        // one merged log, committed under the lease and recorded
        List<Long> after = versions("names.rollback");
        assertThat(after).hasSize(6).startsWith(versions.toArray(Long[]::new));
        assertThat(query("SELECT merged, added_parts, removed_parts FROM names.\"rollback$log\" WHERE version = %s".formatted(after.getLast())))
                .matches("VALUES (true, BIGINT '2', BIGINT '%s')".formatted(partsNow.size()));
        assertThat(query("SELECT parent_id, operation FROM names.\"rollback$snapshots\" WHERE snapshot_id = %s".formatted(after.getLast())))
                .matches("VALUES (BIGINT '%s', VARCHAR 'overwrite')".formatted(latest));
        assertThat(query("SELECT operation, metrics['version'], metrics['parts_restored'], metrics['parts_removed'] FROM names.\"rollback$maintenance\" WHERE operation = 'rollback_to_snapshot'"))
                .matches("VALUES (VARCHAR 'rollback_to_snapshot', BIGINT '%s', BIGINT '2', BIGINT '%s')".formatted(afterSecondInsert, partsNow.size()));
        // a rollback to the current state commits nothing; the table keeps working
        assertUpdate("CALL icedb.system.rollback_to_snapshot(schema => 'names', \"TABLE\" => 'rollback', snapshot_id => %s)".formatted(after.getLast()));
        assertThat(versions("names.rollback")).isEqualTo(after);
        assertUpdate("INSERT INTO names.rollback VALUES 4", 1);
        assertThat(query("SELECT x FROM names.rollback")).matches("VALUES BIGINT '1', 2, 4");
        // forward again, to the version before the rollback
        assertUpdate("CALL icedb.system.rollback_to_snapshot('names', 'rollback', %s)".formatted(latest));
        assertThat(query("SELECT x FROM names.rollback")).matches("VALUES BIGINT '1', 2, 3");
        assertThat(paths("SELECT DISTINCT \"$path\" FROM names.rollback")).isEqualTo(partsNow);

        assertQueryFails("CALL icedb.system.rollback_to_snapshot('names', 'rollback', %s)".formatted(latest + 1),
                "Table names.rollback has no version %s: the versions are the log timestamps listed by \"rollback\\$snapshots\"".formatted(latest + 1));
        assertQueryFails("CALL icedb.system.rollback_to_snapshot('names', 'missing', 1)", ".*Table 'names.missing' not found.*");
        assertQueryFails("CALL icedb.system.rollback_to_snapshot('names', 'rollback', NULL)", "snapshot_id cannot be null");
    }

    @Test
    public void testRollbackRefusedAfterCleanup()
            throws InterruptedException
    {
        assertUpdate("CREATE TABLE names.rollback_cleaned (x bigint)");
        assertUpdate("INSERT INTO names.rollback_cleaned VALUES 1", 1);
        assertUpdate("INSERT INTO names.rollback_cleaned VALUES 2", 1);
        assertUpdate("ALTER TABLE names.rollback_cleaned EXECUTE optimize");
        List<Long> versions = versions("names.rollback_cleaned");
        long afterSecondInsert = versions.get(2);
        assertThat(query("SELECT x FROM names.rollback_cleaned FOR VERSION AS OF " + afterSecondInsert)).matches("VALUES BIGINT '1', 2");

        // a cleanup whose window starts after that version removes its logs and its parts
        waitUntilClockPasses(versions.getLast() + 1_500);
        assertUpdate("ALTER TABLE names.rollback_cleaned EXECUTE expire_snapshots(retention_threshold => '1s')");
        long oldest = versions("names.rollback_cleaned").getFirst();
        assertThat(oldest).isGreaterThan(afterSecondInsert);
        assertQueryFails("SELECT x FROM names.rollback_cleaned FOR VERSION AS OF " + afterSecondInsert, "No version history table names.rollback_cleaned before .*");
        assertQueryFails(
                "CALL icedb.system.rollback_to_snapshot('names', 'rollback_cleaned', %s)".formatted(afterSecondInsert),
                "Cannot roll back table names.rollback_cleaned to version %s: cleanup removed the history before version %s, the oldest left \\(see \"rollback_cleaned\\$snapshots\"\\)".formatted(afterSecondInsert, oldest));
        // nothing was committed
        assertThat(versions("names.rollback_cleaned")).hasSize(1);
        assertThat(query("SELECT x FROM names.rollback_cleaned")).matches("VALUES BIGINT '1', 2");
    }

    @Test
    public void testRollbackRefusedWhenPartsAreGone()
    {
        assertUpdate("CREATE TABLE names.rollback_gone (x bigint)");
        assertUpdate("INSERT INTO names.rollback_gone VALUES 1", 1);
        assertUpdate("INSERT INTO names.rollback_gone VALUES 2", 1);
        long afterSecondInsert = versions("names.rollback_gone").getLast();
        Set<String> partsThen = paths("SELECT DISTINCT \"$path\" FROM names.rollback_gone");
        assertUpdate("ALTER TABLE names.rollback_gone EXECUTE optimize");
        // a cleanup that keeps no history (Python's tombstone_cleanup) deletes the dead parts' objects
        String deleted = partsThen.iterator().next();
        deleteObject(deleted);
        assertQueryFails(
                "CALL icedb.system.rollback_to_snapshot('names', 'rollback_gone', %s)".formatted(afterSecondInsert),
                "Cannot roll back table names.rollback_gone to version %s: cleanup removed 1 of its parts: \\[\\Q%s\\E\\]".formatted(afterSecondInsert, deleted));
        assertThat(query("SELECT x FROM names.rollback_gone")).matches("VALUES BIGINT '1', 2");
        assertThat(versions("names.rollback_gone")).hasSize(4);
    }

    @Test
    public void testSnapshotsHistoryAndLogVersion()
    {
        assertUpdate("CREATE TABLE names.snaps (x bigint)");
        assertUpdate("INSERT INTO names.snaps VALUES 1", 1);
        assertUpdate("INSERT INTO names.snaps VALUES 3", 1);
        assertUpdate("ALTER TABLE names.snaps EXECUTE optimize");

        assertThat(query("DESCRIBE names.\"snaps$snapshots\""))
                .skippingTypesCheck()
                .matches("VALUES ('committed_at', 'timestamp(3) with time zone', '', ''), ('snapshot_id', 'bigint', '', ''), ('parent_id', 'bigint', '', ''), " +
                        "('operation', 'varchar', '', ''), ('manifest_list', 'varchar', '', ''), ('summary', 'map(varchar, varchar)', '', '')");
        MaterializedResult snapshots = computeActual("SELECT snapshot_id, parent_id, operation, manifest_list, summary FROM names.\"snaps$snapshots\" ORDER BY committed_at");
        assertThat(snapshots.getRowCount()).isEqualTo(4);
        List<MaterializedRow> rows = snapshots.getMaterializedRows();
        assertThat(rows.get(0).getField(1)).isNull();
        for (int i = 1; i < rows.size(); i++) {
            assertThat(rows.get(i).getField(1)).isEqualTo(rows.get(i - 1).getField(0));
        }
        assertThat(rows.stream().map(row -> row.getField(2)).toList()).containsExactly("append", "append", "append", "replace");
        assertThat(rows.stream().map(row -> row.getField(3)).toList()).containsOnlyNulls();
        @SuppressWarnings("unchecked")
        Map<String, String> merge = (Map<String, String>) rows.get(3).getField(4);
        // the merge replaced every part (an unpartitioned table's distributed merge may write one part per writer)
        long partsBefore = (long) computeScalar("SELECT count(DISTINCT \"$path\") FROM names.snaps FOR VERSION AS OF " + rows.get(2).getField(0));
        long partsAfter = (long) computeScalar("SELECT count(*) FROM names.\"snaps$files\"");
        assertThat(merge)
                .containsEntry("added-data-files", String.valueOf(partsAfter))
                .containsEntry("deleted-data-files", String.valueOf(partsBefore))
                .containsEntry("total-data-files", String.valueOf(partsAfter))
                .containsEntry("total-files-size", String.valueOf((long) computeScalar("SELECT sum(file_size_in_bytes) FROM names.\"snaps$files\"")));
        @SuppressWarnings("unchecked")
        Map<String, String> insert = (Map<String, String>) rows.get(1).getField(4);
        assertThat(insert).containsEntry("added-data-files", "1").containsEntry("deleted-data-files", "0").containsEntry("removed-files-size", "0");
        assertThat(Long.parseLong(insert.get("added-files-size"))).isEqualTo(Long.parseLong(insert.get("total-files-size"))).isPositive();
        assertThat(insert.get("icedb-log-file")).startsWith("names/snaps/_log/");

        // snapshot_id is the version FOR VERSION AS OF takes, and committed_at its time
        long second = (long) rows.get(1).getField(0);
        assertThat(query("SELECT x FROM names.snaps FOR VERSION AS OF " + second)).matches("VALUES BIGINT '1'");
        assertThat(query("SELECT count(*) FROM names.\"snaps$snapshots\" WHERE committed_at = from_unixtime_nanos(snapshot_id * 1000000)")).matches("VALUES BIGINT '4'");

        // $history: the same chain, every log an ancestor of the current state
        assertThat(query("SELECT made_current_at, snapshot_id, parent_id, is_current_ancestor FROM names.\"snaps$history\""))
                .matches("SELECT committed_at, snapshot_id, parent_id, true FROM names.\"snaps$snapshots\"");
        // $log: the version of every log
        assertThat(query("SELECT version, \"timestamp\" FROM names.\"snaps$log\""))
                .matches("SELECT snapshot_id, committed_at FROM names.\"snaps$snapshots\"");
    }

    @Test
    public void testProperties()
    {
        assertUpdate("CREATE TABLE names.props (ts timestamp(6), u varchar, e varchar) " +
                "COMMENT 'events' WITH (partitioning = ARRAY['u', 'day(ts)'], sorted_by = ARRAY['e', 'ts'], compression_codec = 'SNAPPY')");
        assertUpdate("INSERT INTO names.props VALUES (TIMESTAMP '2026-11-01 10:00:00', 'a', 'click')", 1);
        long version = versions("names.props").getLast();
        String location = (String) computeScalar("SELECT value FROM names.\"props$properties\" WHERE key = 'location'");
        assertThat(location).endsWith("names/props");
        assertThat(query("SELECT key, value FROM names.\"props$properties\""))
                .matches(("VALUES (VARCHAR 'format', VARCHAR 'icedb/PARQUET'), ('provider', 'icedb'), ('current-snapshot-id', '%s'), ('location', '%s'), " +
                        "('sort-order', 'e, ts'), ('partitioning', 'ARRAY[''u'', ''day(ts)'']'), ('sorted_by', 'ARRAY[''e'', ''ts'']'), " +
                        "('compression_codec', 'SNAPPY'), ('comment', 'events')").formatted(version, location));
    }

    @Test
    public void testFileModifiedTime()
    {
        assertUpdate("CREATE TABLE names.modified (x bigint)");
        long before = System.currentTimeMillis();
        assertUpdate("INSERT INTO names.modified VALUES 1", 1);
        assertThat(query("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'names' AND table_name = 'modified'"))
                .matches("VALUES (VARCHAR 'x', VARCHAR 'bigint')");
        assertThat(query("SELECT typeof(\"$file_modified_time\") FROM names.modified"))
                .matches("VALUES VARCHAR 'timestamp(3) with time zone'");
        // the part's time as its log marker records it, which is when it was written
        assertThat(query("SELECT count(*) FROM names.modified m JOIN names.\"modified$files\" f ON m.\"$path\" = f.path WHERE m.\"$file_modified_time\" = f.created"))
                .matches("VALUES BIGINT '1'");
        long modified = (long) computeScalar("SELECT CAST(to_unixtime(\"$file_modified_time\") * 1000 AS bigint) FROM names.modified");
        assertThat(modified).isBetween(before - 1000, System.currentTimeMillis());
        // and a predicate on it skips parts
        assertThat(query("SELECT x FROM names.modified WHERE \"$file_modified_time\" < TIMESTAMP '2000-01-01 00:00:00 UTC'")).returnsEmptyResult();
    }

    /**
     * The README's SQL block of the Iceberg names, as written; only the placeholder version of the rollback is replaced
     * by a version the table has (the one after the first insert).
     */
    protected List<Long> versions(String table)
    {
        String[] parts = table.split("\\.");
        return computeActual("SELECT snapshot_id FROM %s.\"%s$snapshots\" ORDER BY snapshot_id".formatted(parts[0], parts[1])).getOnlyColumn()
                .map(Long.class::cast)
                .toList();
    }

    private Map<String, Long> partCounts(String table)
    {
        String[] parts = table.split("\\.");
        return computeActual("SELECT partition, count(*) FROM %s.\"%s$files\" GROUP BY 1".formatted(parts[0], parts[1])).getMaterializedRows().stream()
                .collect(Collectors.toMap(row -> (String) row.getField(0), row -> (Long) row.getField(1)));
    }

    private Set<String> paths(String sql)
    {
        return computeActual(sql).getOnlyColumn().map(String.class::cast).collect(toImmutableSet());
    }

    /**
     * Waits for the clock (not for an event): a cleanup's window is relative to now.
     */
    protected static void waitUntilClockPasses(long epochMillis)
            throws InterruptedException
    {
        while (System.currentTimeMillis() <= epochMillis) {
            Thread.sleep(Math.max(1, epochMillis + 1 - System.currentTimeMillis()));
        }
    }
}
