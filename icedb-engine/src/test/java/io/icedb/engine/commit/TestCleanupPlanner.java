package io.icedb.engine.commit;

import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotReader;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogTombstone;
import io.icedb.engine.spec.PartitionPath;
import io.icedb.engine.spec.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static io.icedb.engine.commit.CommitTesting.latest;
import static io.icedb.engine.commit.CommitTesting.momentsFrom;
import static io.icedb.engine.commit.CommitTesting.stateAt;
import static io.icedb.engine.commit.CommitTesting.timestampOf;
import static io.icedb.engine.commit.TestMergedLogBuilder.insert;
import static io.icedb.engine.commit.TestMergedLogBuilder.key;
import static io.icedb.engine.commit.TestMergedLogBuilder.logs;
import static io.icedb.engine.commit.TestMergedLogBuilder.mergedKey;
import static io.icedb.engine.commit.TestMergedLogBuilder.part;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestCleanupPlanner
{
    private static final String TABLE = "t";
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void testFoldsOldLogsBelowTheWindowAndKeepsTheRest()
    {
        FileMarker a = part("p=1", "a", 10, T0);
        FileMarker b = part("p=1", "b", 10, T0 + 10);
        FileMarker merged = part("p=1", "m", 20, T0 + 20);
        FileMarker c = part("p=2", "c", 10, T0 + 100);
        TreeMap<String, LogFile> logs = logs(
                Map.entry(key(T0, "h"), insert(T0, a)),
                Map.entry(key(T0 + 10, "h"), insert(T0 + 10, b)));
        PlannedLog merge = MergedLogBuilder.build(latest(TABLE, logs), logs, Set.of(a.path(), b.path()), List.of(merged), Schema.EMPTY, "trino", T0 + 20).log();
        logs.put(merge.key(), merge.content());
        logs.put(key(T0 + 100, "h"), insert(T0 + 100, c));

        // window starts at T0 + 50: the three first logs are folded, the dead parts (died at T0 + 20) deleted
        CleanupVerifier.Applied applied = CleanupVerifier.planVerifyAndApply(TABLE, logs, T0 + 1050, 1000);

        CleanupPlan plan = applied.plan();
        PlannedLog folded = plan.logToCreate().orElseThrow();
        assertThat(folded.key()).isEqualTo(mergedKey(T0 + 49, "trino"));
        assertThat(folded.content().createdMillis()).isEqualTo(T0 + 49);
        assertThat(folded.content().fileMarkers()).containsExactly(merged);
        assertThat(folded.content().logTombstones()).containsExactly(
                new LogTombstone(key(T0, "h"), T0 + 1050),
                new LogTombstone(key(T0 + 10, "h"), T0 + 1050),
                new LogTombstone(merge.key(), T0 + 1050));
        assertThat(plan.dataPartsToDelete()).containsExactlyInAnyOrder(a.path(), b.path());
        assertThat(plan.logsToDelete()).containsExactly(key(T0, "h"), key(T0 + 10, "h"), merge.key());
        assertThat(applied.logsAfter()).containsOnlyKeys(folded.key(), key(T0 + 100, "h"));
    }

    @Test
    void testKeepsDeadPartsThatDiedInsideTheWindow()
    {
        FileMarker a = part("p=1", "a", 10, T0);
        FileMarker b = part("p=1", "b", 10, T0 + 10);
        FileMarker merged = part("p=1", "m", 20, T0 + 20);
        TreeMap<String, LogFile> logs = logs(
                Map.entry(key(T0, "h"), insert(T0, a)),
                Map.entry(key(T0 + 10, "h"), insert(T0 + 10, b)));
        PlannedLog merge = MergedLogBuilder.build(latest(TABLE, logs), logs, Set.of(a.path(), b.path()), List.of(merged), Schema.EMPTY, "trino", T0 + 20).log();
        logs.put(merge.key(), merge.content());

        // window starts at T0 + 20 exactly: the merge is inside it, the inserts before it
        CleanupPlan plan = CleanupVerifier.planVerifyAndApply(TABLE, logs, T0 + 1020, 1000).plan();
        assertThat(plan.logToCreate().orElseThrow().name().timestampMillis()).isEqualTo(T0 + 19);
        assertThat(plan.logsToDelete()).containsExactly(key(T0, "h"), key(T0 + 10, "h"));
        assertThat(plan.dataPartsToDelete()).isEmpty();
        assertThat(plan.logToCreate().orElseThrow().content().fileMarkers()).containsExactly(a, b);

        // a log at the stamp's millisecond pushes the stamp down, never onto a tie
        logs.put(key(T0 + 19, "x"), insert(T0 + 19, part("p=3", "x", 1, T0 + 19)));
        logs.put(key(T0 + 18, "y"), insert(T0 + 18, part("p=3", "y", 1, T0 + 18)));
        CleanupPlan tied = CleanupVerifier.planVerifyAndApply(TABLE, logs, T0 + 1020, 1000).plan();
        assertThat(tied.logToCreate().orElseThrow().name().timestampMillis()).isEqualTo(T0 + 17);
        assertThat(tied.logsToDelete()).containsExactly(key(T0, "h"), key(T0 + 10, "h"));
    }

    @Test
    void testKeepsFilesOfPartsALaterLogListsAlive()
    {
        // Python's raw-copy merge resurrects P after its removal: the cleanup must not delete P's file
        FileMarker p = part("p=1", "p", 10, T0);
        FileMarker q = part("p=2", "q", 10, T0);
        FileMarker r = part("p=2", "r", 10, T0 + 5);
        FileMarker qr = part("p=2", "qr", 20, T0 + 500);
        TreeMap<String, LogFile> logs = logs(
                Map.entry(key(T0, "py"), insert(T0, p, q)),
                Map.entry(key(T0 + 5, "py"), insert(T0 + 5, r)),
                Map.entry(mergedKey(T0 + 10, "py"), new LogFile(T0 + 10, Schema.EMPTY, List.of(new LogTombstone(key(T0, "py"), T0 + 10)), List.of(p.withTombstone(T0 + 10)))),
                Map.entry(mergedKey(T0 + 500, "py"), new LogFile(T0 + 500, Schema.EMPTY, List.of(new LogTombstone(key(T0, "py"), T0 + 500), new LogTombstone(key(T0 + 5, "py"), T0 + 500)),
                        List.of(p, q.withTombstone(T0 + 500), r.withTombstone(T0 + 500), qr))));
        assertThat(CommitTesting.alivePaths(latest(TABLE, logs))).containsExactly(p.path(), qr.path());

        CleanupPlan plan = CleanupVerifier.planVerifyAndApply(TABLE, logs, T0 + 1100, 1000).plan();

        assertThat(plan.logsToDelete()).containsExactly(key(T0, "py"), key(T0 + 5, "py"), mergedKey(T0 + 10, "py"));
        assertThat(plan.dataPartsToDelete()).isEmpty();
        assertThat(plan.logToCreate().orElseThrow().content().fileMarkers()).containsExactly(p.withTombstone(T0 + 10), q, r);
    }

    @Test
    void testNothingToDo()
    {
        TreeMap<String, LogFile> logs = logs(
                Map.entry(key(T0, "h"), insert(T0, part("p=1", "a", 10, T0))),
                Map.entry(key(T0 + 10, "h"), insert(T0 + 10, part("p=1", "b", 10, T0))));
        assertThat(CleanupPlanner.plan(TABLE, logs, T0 + 5, 0, "trino").isEmpty()).isTrue();
        assertThat(CleanupPlanner.plan(TABLE, logs, T0 + 100, 100, "trino").isEmpty()).isTrue();
        assertThat(CleanupPlanner.plan(TABLE, logs, T0 + 10, 0, "trino").isEmpty()).isTrue();
        // two insert logs below the window: folding them is allowed and harmless
        assertThat(CleanupVerifier.planVerifyAndApply(TABLE, logs, T0 + 100, 0).plan().logsToDelete()).hasSize(2);
        assertThatThrownBy(() -> CleanupPlanner.plan(TABLE, logs, T0, -1, "trino")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CleanupPlanner.plan(TABLE, Map.of("u/_log/" + T0 + "_h.jsonl", insert(T0)), T0, 0, "trino"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("u/_log/");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void testGeneratedHistoryKeepsEverySnapshotOfTheWindow(long seed)
    {
        new History(new Random(seed), true).run(120, true);
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14})
    void testPythonCleanupAfterOurCommitsKeepsTheCurrentState(long seed)
    {
        History history = new History(new Random(seed), false);
        history.run(80, false);
        TreeMap<String, LogFile> logs = history.logs;
        Snapshot before = latest(TABLE, logs);
        for (long minAge : new long[] {0, 50, 500, 5000}) {
            PythonCleanup.Result result = PythonCleanup.run(TABLE, logs, history.now + 1, minAge);
            Snapshot after = latest(TABLE, result.logs());
            assertThat(after.aliveFiles()).as("min age %s", minAge).isEqualTo(before.aliveFiles());
            // Python's folded log sorts after the insert logs it keeps, so the column order may change, never the columns
            assertThat(Map.copyOf(after.schema().columns())).isEqualTo(Map.copyOf(before.schema().columns()));
            assertThat(before.aliveFiles()).noneMatch(marker -> result.deletedParts().contains(marker.path()));
            // and our cleanup still works on what Python leaves
            CleanupVerifier.planVerifyAndApply(TABLE, result.logs(), history.now + 2000, 100);
        }
    }

    @Test
    void testPythonFixtureBeforeCleanup()
    {
        Path bucket = CommitTesting.fixturesDirectory().resolve("warehouse-snap-pre-cleanup");
        String table = "many_inserts_merge_cleanup";
        TreeMap<String, LogFile> logs = CommitTesting.readLogs(bucket, table);
        long first = timestampOf(logs.firstKey());
        long last = logs.keySet().stream().mapToLong(CommitTesting::timestampOf).max().orElseThrow();
        Set<String> everAlive = new HashSet<>();
        for (String key : logs.keySet()) {
            CommitTesting.snapshotAt(table, logs, timestampOf(key) + 1).ifPresent(snapshot -> snapshot.aliveFiles().forEach(marker -> everAlive.add(marker.path())));
        }

        // windows starting on a log, just after one, between logs and after the last
        List<Long> windowStarts = new ArrayList<>();
        List<String> keys = List.copyOf(logs.keySet());
        for (int i = 0; i < keys.size(); i += 3) {
            long timestamp = timestampOf(keys.get(i));
            windowStarts.add(timestamp);
            windowStarts.add(timestamp + 1);
            windowStarts.add(timestamp + 7);
        }
        windowStarts.add(first);
        windowStarts.add(last + 1);
        int nonEmpty = 0;
        for (long windowStart : windowStarts) {
            long retention = windowStart % 2 == 0 ? 1000 : 0;
            if (!CleanupVerifier.planVerifyAndApply(table, logs, windowStart + retention, retention).plan().isEmpty()) {
                nonEmpty++;
            }
        }
        assertThat(nonEmpty).isGreaterThan(20);

        // Python's cleanup ran at 1795579476204 with min_age 1000: ours at the same moment keeps the whole window
        CleanupPlan plan = CleanupVerifier.planVerifyAndApply(table, logs, 1795579476204L, 1000).plan();
        assertThat(plan.dataPartsToDelete()).isNotEmpty().allSatisfy(path -> assertThat(everAlive).contains(path));
        assertThat(CommitTesting.alivePaths(latest(table, CommitTesting.apply(logs, plan, true))))
                .isEqualTo(CommitTesting.alivePaths(latest(table, logs)))
                // what Python's two cleanups left in the finished table
                .isEqualTo(CommitTesting.alivePaths(latest(table, CommitTesting.readLogs(CommitTesting.fixturesDirectory().resolve("warehouse"), table))));
    }

    /**
     * A random history of inserts, merges, partition removals and rewrites (ours, and Python-style removals that list
     * only the killed markers), with cleanups in between. A second copy of the logs never gets cleaned up: inside the
     * window of the last cleanup, both must read the same at every moment.
     */
    private static final class History
    {
        private static final List<String> PARTITIONS = List.of("k=0", "k=1", "k=2", "k=3");

        private final Random random;
        private final boolean pythonRemovals;
        private final TreeMap<String, LogFile> logs = new TreeMap<>(SnapshotReader.KEY_ORDER);
        private final TreeMap<String, LogFile> uncleaned = new TreeMap<>(SnapshotReader.KEY_ORDER);
        private final Set<String> deletedParts = new HashSet<>();
        private final List<String> extraColumns = new ArrayList<>();
        private long now = T0;
        private long windowStart = Long.MIN_VALUE;
        private int parts;
        private int cleanups;

        History(Random random, boolean pythonRemovals)
        {
            this.random = random;
            this.pythonRemovals = pythonRemovals;
        }

        void run(int operations, boolean finalCleanup)
        {
            insert();
            for (int i = 0; i < operations; i++) {
                now += random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(30);
                int choice = random.nextInt(100);
                if (choice < 45) {
                    insert();
                }
                else if (choice < 65) {
                    merge();
                }
                else if (choice < 70) {
                    removePartition();
                }
                else if (choice < 75) {
                    rewritePartition();
                }
                else if (choice < 80 && pythonRemovals) {
                    pythonRemovePartition();
                }
                else {
                    cleanup();
                }
            }
            if (!finalCleanup) {
                return;
            }
            now += 1000;
            cleanup();
            assertThat(cleanups).isGreaterThan(3);
            assertThat(deletedParts).isNotEmpty();
            for (long moment : momentsFrom(windowStart, uncleaned)) {
                assertThat(stateAt(TABLE, logs, moment)).as("moment %s", moment).isEqualTo(stateAt(TABLE, uncleaned, moment));
            }
            assertThat(latest(TABLE, logs).aliveFiles()).noneMatch(marker -> deletedParts.contains(marker.path()));
        }

        private void insert()
        {
            LinkedHashMap<String, String> columns = new LinkedHashMap<>();
            columns.put("ts", "BIGINT");
            for (String column : extraColumns) {
                if (random.nextBoolean()) {
                    columns.put(column, "VARCHAR");
                }
            }
            if (random.nextInt(10) == 0) {
                String column = "c" + extraColumns.size();
                extraColumns.add(column);
                columns.put(column, "VARCHAR");
            }
            List<FileMarker> newParts = new ArrayList<>();
            for (String partition : PARTITIONS) {
                if (newParts.isEmpty() || random.nextInt(3) == 0) {
                    newParts.add(newPart(partition));
                }
            }
            String host = "h" + random.nextInt(3);
            if (logs.containsKey(key(now, host)) || uncleaned.containsKey(key(now, host))) {
                now++;
            }
            add(InsertLogBuilder.build(TABLE, host, now, new Schema(columns), newParts));
        }

        private void merge()
        {
            Snapshot snapshot = latest(TABLE, logs);
            for (MergeSelection.MergeGroup group : MergeSelection.select(snapshot, 3_000, 4)) {
                Set<String> replaced = new HashSet<>();
                group.parts().forEach(marker -> replaced.add(marker.path()));
                replace(replaced, List.of(newPart(group.partition())));
                snapshot = latest(TABLE, logs);
            }
        }

        private void removePartition()
        {
            Set<String> replaced = alivePartsOf(PARTITIONS.get(random.nextInt(PARTITIONS.size())));
            if (!replaced.isEmpty()) {
                replace(replaced, List.of());
            }
        }

        private void rewritePartition()
        {
            String partition = PARTITIONS.get(random.nextInt(PARTITIONS.size()));
            Set<String> replaced = alivePartsOf(partition);
            if (!replaced.isEmpty()) {
                replace(replaced, List.of(newPart(partition), newPart(partition)));
            }
        }

        /**
         * Python's remove_partitions: only the killed markers, and a log tombstone for the last log listing each.
         */
        private void pythonRemovePartition()
        {
            Set<String> killed = alivePartsOf(PARTITIONS.get(random.nextInt(PARTITIONS.size())));
            if (killed.isEmpty()) {
                return;
            }
            now++;
            Map<String, String> lastListedBy = new HashMap<>();
            logs.forEach((key, log) -> log.fileMarkers().forEach(marker -> lastListedBy.put(marker.path(), key)));
            List<FileMarker> markers = latest(TABLE, logs).aliveFiles().stream()
                    .filter(marker -> killed.contains(marker.path()))
                    .map(marker -> marker.withTombstone(now))
                    .toList();
            List<LogTombstone> tombstones = killed.stream().map(lastListedBy::get).distinct().sorted()
                    .map(key -> new LogTombstone(key, now))
                    .toList();
            String key = mergedKey(now, "py");
            LogFile log = new LogFile(now, latest(TABLE, logs).schema(), tombstones, markers);
            logs.put(key, log);
            uncleaned.put(key, log);
        }

        private void cleanup()
        {
            long retention = random.nextInt(4) == 0 ? 0 : random.nextInt(200);
            if (now - retention < windowStart) {
                retention = now - windowStart;
            }
            CleanupVerifier.Applied applied = CleanupVerifier.planVerifyAndApply(TABLE, logs, now, retention);
            windowStart = now - retention;
            if (!applied.plan().isEmpty()) {
                cleanups++;
            }
            deletedParts.addAll(applied.plan().dataPartsToDelete());
            logs.clear();
            logs.putAll(applied.logsAfter());
        }

        private void replace(Set<String> replaced, List<FileMarker> newParts)
        {
            now++;
            Schema schema = latest(TABLE, logs).schema();
            add(MergedLogBuilder.build(latest(TABLE, logs), logs, replaced, newParts, schema, "trino", now).log());
        }

        private void add(PlannedLog log)
        {
            CommitTesting.assertRoundTrips(log);
            assertThat(logs).doesNotContainKey(log.key());
            logs.put(log.key(), log.content());
            uncleaned.put(log.key(), log.content());
        }

        private Set<String> alivePartsOf(String partition)
        {
            Set<String> paths = new HashSet<>();
            latest(TABLE, logs).aliveFiles().stream()
                    .filter(marker -> PartitionPath.partitionOf(TABLE, marker.path()).equals(partition))
                    .forEach(marker -> paths.add(marker.path()));
            return paths;
        }

        private FileMarker newPart(String partition)
        {
            parts++;
            return part(partition, "part" + parts, 100 + random.nextInt(1000), now);
        }
    }
}
