package io.icedb.engine.commit;

import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotReader;
import io.icedb.engine.exceptions.CommitConflictException;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogTombstone;
import io.icedb.engine.spec.PartitionPath;
import io.icedb.engine.spec.Schema;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

import static io.icedb.engine.commit.CommitTesting.alivePaths;
import static io.icedb.engine.commit.CommitTesting.assertRoundTrips;
import static io.icedb.engine.commit.CommitTesting.latest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestMergedLogBuilder
{
    private static final String TABLE = "t";
    private static final long T0 = 1_700_000_000_000L;
    private static final Schema SCHEMA = schema("a", "BIGINT");

    private static final FileMarker A = part("p=1", "a", 10, T0);
    private static final FileMarker B = part("p=2", "b", 20, T0);
    private static final FileMarker C = part("p=1", "c", 30, T0 + 10);
    private static final FileMarker D = part("p=1", "d", 40, T0 + 20);

    @Test
    void testMergeTombstonesReplacedAndCarriesEverythingElse()
    {
        TreeMap<String, LogFile> logs = logs(
                Map.entry(key(T0, "h"), insert(T0, A, B)),
                Map.entry(key(T0 + 10, "h"), insert(T0 + 10, C)),
                Map.entry(key(T0 + 20, "h"), insert(T0 + 20, D)));
        Snapshot before = latest(TABLE, logs);
        FileMarker merged = part("p=1", "m", 35, T0 + 100);

        MergedLogBuilder.MergedLog result = MergedLogBuilder.build(before, logs, Set.of(A.path(), C.path()), List.of(merged), SCHEMA, "trino", T0 + 100);

        assertThat(result.sourceLogs()).containsExactly(key(T0, "h"), key(T0 + 10, "h"));
        PlannedLog log = result.log();
        assertThat(log.key()).isEqualTo("t/_log/" + (T0 + 100) + "_m_trino.jsonl");
        assertThat(log.name().merged()).isTrue();
        assertThat(log.content().createdMillis()).isEqualTo(T0 + 100);
        assertThat(log.content().schema()).isEqualTo(SCHEMA);
        assertThat(log.content().logTombstones()).containsExactly(
                new LogTombstone(key(T0, "h"), T0 + 100),
                new LogTombstone(key(T0 + 10, "h"), T0 + 100));
        assertThat(log.content().fileMarkers()).containsExactly(A.withTombstone(T0 + 100), B, C.withTombstone(T0 + 100), merged);
        assertRoundTrips(log);

        logs.put(log.key(), log.content());
        Snapshot after = latest(TABLE, logs);
        assertThat(after.aliveFiles()).containsExactlyInAnyOrder(B, D, merged);
        assertThat(after.schema()).isEqualTo(before.schema());

        // the source logs may go away (a cleanup deletes what log tombstones name): nothing changes
        assertThat(alivePaths(latest(TABLE, withoutTombstonedLogs(logs)))).isEqualTo(alivePaths(after));
    }

    @Test
    void testSameBytesAsPythonMergeWherePythonIsRight()
    {
        String table = "custom_merge";
        TreeMap<String, LogFile> all = CommitTesting.readLogs(CommitTesting.fixturesDirectory().resolve("warehouse"), table);
        String pythonKey = table + "/_log/1795579479252_m_heldout-py.jsonl";
        LogFile python = all.get(pythonKey);
        TreeMap<String, LogFile> logs = new TreeMap<>(all.headMap(pythonKey));
        assertThat(logs).hasSize(3);
        Set<String> replaced = new HashSet<>();
        python.fileMarkers().stream().filter(marker -> !marker.isAlive()).forEach(marker -> replaced.add(marker.path()));
        FileMarker newPart = python.fileMarkers().getLast();

        MergedLogBuilder.MergedLog ours = MergedLogBuilder.build(latest(table, logs), logs, replaced, List.of(newPart), Schema.EMPTY, "heldout-py", 1795579479252L);

        assertThat(ours.log().key()).isEqualTo(pythonKey);
        assertThat(ours.log().content()).isEqualTo(python);

        // the second Python merge repeats a log tombstone line; ours reads the same
        String secondKey = table + "/_log/1795579479319_m_heldout-py.jsonl";
        LogFile secondPython = all.get(secondKey);
        logs.put(pythonKey, python);
        Set<String> replacedBySecond = new HashSet<>();
        secondPython.fileMarkers().stream()
                .filter(marker -> marker.tombstonedMillis().equals(OptionalLong.of(1795579479319L)))
                .forEach(marker -> replacedBySecond.add(marker.path()));
        PlannedLog second = MergedLogBuilder.build(latest(table, logs), logs, replacedBySecond, List.of(secondPython.fileMarkers().getLast()), Schema.EMPTY, "heldout-py", 1795579479319L).log();
        assertThat(second.content().fileMarkers()).isEqualTo(secondPython.fileMarkers());
        assertThat(second.content().logTombstones()).containsExactlyElementsOf(secondPython.logTombstones().stream().distinct().toList());
        logs.put(second.key(), second.content());
        assertThat(latest(table, logs).aliveFiles()).isEqualTo(latest(table, all).aliveFiles());
    }

    @Test
    void testDoesNotResurrectAPartALaterLogKilled()
    {
        // Python's partition removal lists only the killed markers: I1 still says P alive, R1 says P dead
        FileMarker p = part("p=1", "p", 10, T0);
        FileMarker q = part("p=2", "q", 10, T0);
        FileMarker r = part("p=2", "r", 10, T0 + 10);
        TreeMap<String, LogFile> logs = logs(
                Map.entry(key(T0, "py"), insert(T0, p, q)),
                Map.entry(key(T0 + 10, "py"), insert(T0 + 10, r)),
                Map.entry(mergedKey(T0 + 20, "py"), new LogFile(T0 + 20, SCHEMA, List.of(new LogTombstone(key(T0, "py"), T0 + 20)), List.of(p.withTombstone(T0 + 20)))));
        Snapshot before = latest(TABLE, logs);
        assertThat(alivePaths(before)).containsExactly(q.path(), r.path());

        FileMarker merged = part("p=2", "qr", 15, T0 + 30);
        PlannedLog log = MergedLogBuilder.build(before, logs, Set.of(q.path(), r.path()), List.of(merged), SCHEMA, "trino", T0 + 30).log();

        // Python would copy I1's raw "p alive" line into a log that sorts last
        assertThat(log.content().fileMarkers()).contains(p.withTombstone(T0 + 20));
        logs.put(log.key(), log.content());
        assertThat(alivePaths(latest(TABLE, logs))).containsExactly(merged.path());
        assertThat(alivePaths(latest(TABLE, withoutTombstonedLogs(logs)))).containsExactly(merged.path());
    }

    @Test
    void testMergeOfPartsListedByAMergedLog()
    {
        FileMarker merged1 = part("p=1", "m1", 50, T0 + 30);
        TreeMap<String, LogFile> logs = logs(
                Map.entry(key(T0, "h"), insert(T0, A, B)),
                Map.entry(key(T0 + 10, "h"), insert(T0 + 10, C)),
                Map.entry(key(T0 + 20, "h"), insert(T0 + 20, D)));
        PlannedLog first = MergedLogBuilder.build(latest(TABLE, logs), logs, Set.of(A.path(), C.path()), List.of(merged1), SCHEMA, "trino", T0 + 30).log();
        logs.put(first.key(), first.content());

        FileMarker merged2 = part("p=1", "m2", 90, T0 + 40);
        MergedLogBuilder.MergedLog second = MergedLogBuilder.build(latest(TABLE, logs), logs, Set.of(merged1.path(), D.path()), List.of(merged2), SCHEMA, "trino", T0 + 40);

        assertThat(second.sourceLogs()).containsExactly(key(T0 + 20, "h"), first.key());
        // the carried log tombstones keep their time, one line per log
        assertThat(second.log().content().logTombstones()).containsExactly(
                new LogTombstone(key(T0, "h"), T0 + 30),
                new LogTombstone(key(T0 + 10, "h"), T0 + 30),
                new LogTombstone(key(T0 + 20, "h"), T0 + 40),
                new LogTombstone(first.key(), T0 + 40));
        assertRoundTrips(second.log());
        logs.put(second.log().key(), second.log().content());
        assertThat(alivePaths(latest(TABLE, logs))).containsExactlyInAnyOrder(B.path(), merged2.path());
        assertThat(alivePaths(latest(TABLE, withoutTombstonedLogs(logs)))).containsExactlyInAnyOrder(B.path(), merged2.path());
        assertThat(latest(TABLE, logs).deadFiles()).extracting(FileMarker::path)
                .containsExactlyInAnyOrder(A.path(), C.path(), D.path(), merged1.path());
    }

    @Test
    void testPartitionRemovalKeepsOtherPartitions()
    {
        TreeMap<String, LogFile> logs = logs(
                Map.entry(key(T0, "h"), insert(T0, A, B)),
                Map.entry(key(T0 + 10, "h"), insert(T0 + 10, C)));
        Snapshot before = latest(TABLE, logs);
        Set<String> partition1 = new HashSet<>();
        before.aliveFiles().stream()
                .filter(marker -> PartitionPath.partitionOf(TABLE, marker.path()).equals("p=1"))
                .forEach(marker -> partition1.add(marker.path()));

        PlannedLog log = MergedLogBuilder.build(before, logs, partition1, List.of(), SCHEMA, "trino", T0 + 50).log();

        assertThat(log.content().fileMarkers()).containsExactly(A.withTombstone(T0 + 50), B, C.withTombstone(T0 + 50));
        assertRoundTrips(log);
        logs.put(log.key(), log.content());
        assertThat(alivePaths(latest(TABLE, logs))).containsExactly(B.path());
        // a cleanup deletes the tombstoned logs and the dead parts: B must survive it
        assertThat(alivePaths(latest(TABLE, withoutTombstonedLogs(logs)))).containsExactly(B.path());
    }

    @Test
    void testRewriteAddsColumnsOfNewParts()
    {
        TreeMap<String, LogFile> logs = logs(Map.entry(key(T0, "h"), insert(T0, A, B)));
        Schema wider = schema("a", "BIGINT", "b", "VARCHAR");
        FileMarker rewritten = part("p=1", "a2", 9, T0 + 5);

        PlannedLog log = MergedLogBuilder.build(latest(TABLE, logs), logs, Set.of(A.path()), List.of(rewritten), wider, "trino", T0 + 5).log();

        assertThat(log.content().schema()).isEqualTo(wider);
        logs.put(log.key(), log.content());
        assertThat(latest(TABLE, logs).schema()).isEqualTo(wider);
        assertThat(alivePaths(latest(TABLE, logs))).containsExactly(rewritten.path(), B.path());
    }

    @Test
    void testRejectsInvalidReplacements()
    {
        TreeMap<String, LogFile> logs = logs(
                Map.entry(key(T0, "h"), insert(T0, A, B)),
                Map.entry(mergedKey(T0 + 10, "h"), new LogFile(T0 + 10, SCHEMA, List.of(), List.of(A.withTombstone(T0 + 10), B))));
        Snapshot snapshot = latest(TABLE, logs);
        FileMarker merged = part("p=1", "m", 1, T0 + 20);

        assertThatThrownBy(() -> MergedLogBuilder.build(snapshot, logs, Set.of(A.path()), List.of(merged), SCHEMA, "h", T0 + 20))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(A.path());
        assertThatThrownBy(() -> MergedLogBuilder.build(snapshot, logs, Set.of(), List.of(merged), SCHEMA, "h", T0 + 20))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MergedLogBuilder.build(snapshot, logs, Set.of(B.path()), List.of(A), SCHEMA, "h", T0 + 20))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already listed");
        assertThatThrownBy(() -> MergedLogBuilder.build(snapshot, Map.of(), Set.of(B.path()), List.of(merged), SCHEMA, "h", T0 + 20))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was not given");
        assertThatThrownBy(() -> MergedLogBuilder.build(snapshot, logs, Set.of(B.path()), List.of(merged), SCHEMA, "h", T0 + 10))
                .isInstanceOf(CommitConflictException.class)
                .hasMessageContaining(mergedKey(T0 + 10, "h"));
        assertThatThrownBy(() -> MergedLogBuilder.build(snapshot, logs, Set.of(B.path()), List.of(merged), schema("a", "VARCHAR"), "h", T0 + 20))
                .hasMessageContaining("'a'");
    }

    static FileMarker part(String partition, String name, long bytes, long created)
    {
        return FileMarker.alive(TABLE + "/_data/" + partition + "/" + name + ".parquet", bytes, created);
    }

    static Schema schema(String... columnsAndTypes)
    {
        LinkedHashMap<String, String> columns = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndTypes.length; i += 2) {
            columns.put(columnsAndTypes[i], columnsAndTypes[i + 1]);
        }
        return new Schema(columns);
    }

    static String key(long timestamp, String host)
    {
        return TABLE + "/_log/" + timestamp + "_" + host + ".jsonl";
    }

    static String mergedKey(long timestamp, String host)
    {
        return TABLE + "/_log/" + timestamp + "_m_" + host + ".jsonl";
    }

    static LogFile insert(long timestamp, FileMarker... parts)
    {
        return new LogFile(timestamp, SCHEMA, List.of(), List.of(parts));
    }

    @SafeVarargs
    static TreeMap<String, LogFile> logs(Map.Entry<String, LogFile>... entries)
    {
        TreeMap<String, LogFile> logs = new TreeMap<>(SnapshotReader.KEY_ORDER);
        for (Map.Entry<String, LogFile> entry : entries) {
            logs.put(entry.getKey(), entry.getValue());
        }
        return logs;
    }

    /**
     * What is left after a cleanup that deletes every log named by a log tombstone (Python's rule).
     */
    static TreeMap<String, LogFile> withoutTombstonedLogs(Map<String, LogFile> logs)
    {
        TreeMap<String, LogFile> left = new TreeMap<>(SnapshotReader.KEY_ORDER);
        left.putAll(logs);
        logs.values().forEach(log -> log.logTombstones().forEach(tombstone -> left.remove(tombstone.path())));
        return left;
    }
}
