package io.icedb.engine.commit;

import io.icedb.engine.CommitPosition;
import io.icedb.engine.LogFileCache;
import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotTime;
import io.icedb.engine.commit.MergedLogBuilder.MergedLog;
import io.icedb.engine.exceptions.InvalidMetadataObjectException;
import io.icedb.engine.io.LocalFileIo;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFileParser;
import io.icedb.engine.spec.Schema;
import io.icedb.engine.table.TableLog;
import io.icedb.engine.table.TableLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Commit order with order sidecars, on the local file system: a merge pins a snapshot, an insert commits while it runs
 * (stamped before the merged log), and the merged part must sort before that insert's part.
 */
final class TestCommitOrder
{
    private static final String TABLE = "t";
    private static final long T0 = 1_700_000_000_000L;
    private static final Schema SCHEMA = TestMergedLogBuilder.schema("a", "BIGINT");

    @Test
    void testMergedPartSortsBeforeInsertCommittedDuringTheMerge(@TempDir Path root)
            throws IOException
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        TableLog log = new TableLog(fileIo, TABLE, new LogFileCache(), Runnable::run, 1);
        FileMarker a = part("p=1", "a", T0);
        FileMarker b = part("p=1", "b", T0 + 10);
        FileMarker other = part("p=2", "other", T0 + 10);
        insert(fileIo, T0, "h1", a);
        insert(fileIo, T0 + 10, "h2", b, other);

        // the merge reads the table under its lease
        TableLogs pinned = log.readAll();
        Snapshot pinnedSnapshot = pinned.fold();
        // an insert commits while the merge writes its part
        FileMarker concurrent = part("p=1", "concurrent", T0 + 20);
        insert(fileIo, T0 + 20, "h3", concurrent);
        // the merge commits, stamped after the insert
        FileMarker merged = part("p=1", "merged", T0 + 30);
        MergedLog mergedLog = MergedLogBuilder.build(pinnedSnapshot, pinned.asMap(), Set.of(a.path(), b.path()), List.of(merged), SCHEMA, "m1", T0 + 30);

        // without an order sidecar (Python's merges, ours from before) the merged part sorts at its log's name: after
        // the insert that holds newer rows
        commit(fileIo, mergedLog);
        Snapshot withoutSidecar = log.snapshot(SnapshotTime.latest());
        assertThat(partition1(withoutSidecar)).containsExactly(concurrent.path(), merged.path());

        // with it, right after the newest log the merge read
        Path logFile = root.resolve(mergedLog.log().key());
        Files.delete(logFile);
        OrderSidecar.create(fileIo, TABLE, mergedLog.log().key(), Map.of(merged.path(), CommitPosition.of(pinnedSnapshot, Set.of())));
        commit(fileIo, mergedLog);
        TableLog fresh = new TableLog(fileIo, TABLE, new LogFileCache(), Runnable::run, 1);
        Snapshot snapshot = fresh.snapshot(SnapshotTime.latest());
        assertThat(snapshot.commitPositions()).containsOnlyKeys(merged.path());
        assertThat(snapshot.commitPositions().get(merged.path()).after()).isEqualTo((T0 + 10) + "_h2.jsonl");
        assertThat(partition1(snapshot)).containsExactly(merged.path(), concurrent.path());
        // the fold of every log a maintenance operation reads has them too
        assertThat(partition1(fresh.readAll().fold())).containsExactly(merged.path(), concurrent.path());

        // a second merge of the partition reads both in that order, and its part sorts after the insert
        TableLogs second = fresh.readAll();
        assertThat(MergeSelection.selectWholePartitions(second.fold()).stream()
                .filter(group -> group.partition().equals("p=1"))
                .findFirst().orElseThrow().parts())
                .containsExactly(merged, concurrent);
        CommitPosition secondPosition = CommitPosition.of(second.fold(), Set.of());
        assertThat(secondPosition.after()).isEqualTo(CommitPosition.logName(mergedLog.log().key()));
    }

    @Test
    void testInsertStampedBeforeTheReadButCreatedAfterItSortsAfterTheMergedPart(@TempDir Path root)
            throws IOException
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        FileMarker a = part("p=1", "a", T0);
        FileMarker b = part("p=1", "b", T0);
        insert(fileIo, T0, "h1", a);
        insert(fileIo, T0 + 100_000, "h2", b);
        TableLog log = TableLog.uncached(fileIo, TABLE);
        TableLogs pinned = log.readAll();
        Snapshot pinnedSnapshot = pinned.fold();
        // two inserts that were being created while the merge read: stamped in the window before its newest log, and
        // (a clock far behind) before that window
        FileMarker inWindow = part("p=1", "in-window", T0 + 99_000);
        FileMarker beforeWindow = part("p=1", "before-window", T0 + 1);
        insert(fileIo, T0 + 99_000, "h3", inWindow);
        insert(fileIo, T0 + 1, "h4", beforeWindow);
        FileMarker merged = part("p=1", "merged", T0 + 200_000);
        MergedLog mergedLog = MergedLogBuilder.build(pinnedSnapshot, pinned.asMap(), Set.of(a.path(), b.path()), List.of(merged), SCHEMA, "m1", T0 + 200_000);
        CommitPosition position = CommitPosition.of(pinnedSnapshot, Set.of());
        assertThat(position.seenFromMillis()).isEqualTo(T0 + 100_000 - CommitPosition.SEEN_WINDOW_MILLIS);
        assertThat(position.seen()).containsExactly((T0 + 100_000) + "_h2.jsonl");
        OrderSidecar.create(fileIo, TABLE, mergedLog.log().key(), Map.of(merged.path(), position));
        commit(fileIo, mergedLog);

        // the log stamped in the window was not read: after the merged part; the one before the window is taken as read
        assertThat(partition1(log.snapshot(SnapshotTime.latest()))).containsExactly(beforeWindow.path(), merged.path(), inWindow.path());
    }

    @Test
    void testCleanupKeepsTheOrder(@TempDir Path root)
            throws IOException
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        FileMarker a = part("p=1", "a", T0);
        FileMarker b = part("p=1", "b", T0 + 10);
        insert(fileIo, T0, "h1", a);
        insert(fileIo, T0 + 10, "h2", b);
        TableLog log = TableLog.uncached(fileIo, TABLE);
        TableLogs pinned = log.readAll();
        // stamped before the newest log the merge read, created after its read
        FileMarker inFlight = part("p=1", "in-flight", T0 + 5);
        insert(fileIo, T0 + 5, "h3", inFlight);
        FileMarker merged = part("p=1", "merged", T0 + 30);
        MergedLog mergedLog = MergedLogBuilder.build(pinned.fold(), pinned.asMap(), Set.of(a.path(), b.path()), List.of(merged), SCHEMA, "m1", T0 + 30);
        OrderSidecar.create(fileIo, TABLE, mergedLog.log().key(), Map.of(merged.path(), CommitPosition.of(pinned.fold(), Set.of())));
        commit(fileIo, mergedLog);
        FileMarker later = part("p=1", "later", T0 + 40);
        insert(fileIo, T0 + 40, "h4", later);
        List<String> order = List.of(merged.path(), inFlight.path(), later.path());
        assertThat(partition1(log.snapshot(SnapshotTime.latest()))).isEqualTo(order);

        // a cleanup folds every log but the last into one, stamped just before the window, as IcedbCleaner does
        TableLogs before = log.readAll();
        CleanupPlan plan = CleanupPlanner.plan(TABLE, before.asMap(), T0 + 35, 0, "c1");
        PlannedLog folded = plan.logToCreate().orElseThrow();
        assertThat(plan.logsToDelete()).hasSize(4);
        Map<String, CommitPosition> carried = OrderSidecar.carried(before.fold(), Set.copyOf(plan.logsToDelete()));
        assertThat(carried).containsOnlyKeys(merged.path(), inFlight.path());
        assertThat(carried.get(inFlight.path())).isEqualTo(CommitPosition.at((T0 + 5) + "_h3.jsonl"));
        OrderSidecar.create(fileIo, TABLE, folded.key(), carried);
        fileIo.createExclusive(folded.key(), LogFileParser.write(folded.content()));
        for (String logKey : plan.logsToDelete()) {
            Files.delete(root.resolve(logKey));
            Files.deleteIfExists(root.resolve(OrderSidecar.sidecarKey(TABLE, logKey)));
        }

        Snapshot after = log.snapshot(SnapshotTime.latest());
        assertThat(after.addedBy().get(merged.path())).isEqualTo(folded.key());
        assertThat(after.addedBy().get(inFlight.path())).isEqualTo(folded.key());
        assertThat(partition1(after)).isEqualTo(order);
        // the in-flight insert's part still counts as an insert's, for whole-partition merges
        assertThat(CommitOrder.addedByMergedLog(after, inFlight)).isFalse();
        assertThat(CommitOrder.addedByMergedLog(after, merged)).isTrue();

        // without the folded log's sidecar, both would sit at the folded log, by path
        Files.delete(root.resolve(OrderSidecar.sidecarKey(TABLE, folded.key())));
        assertThat(partition1(log.snapshot(SnapshotTime.latest()))).containsExactly(inFlight.path(), merged.path(), later.path());
    }

    @Test
    void testUnreadLogsAreLeftOutOfThePosition()
    {
        Snapshot snapshot = new Snapshot(TABLE, SCHEMA, List.of(TestMergedLogBuilder.key(T0, "a"), TestMergedLogBuilder.key(T0 + 5, "b")), List.of(), List.of(), List.of(), Map.of());
        CommitPosition position = CommitPosition.of(snapshot, Set.of(TestMergedLogBuilder.key(T0 + 5, "b")));
        assertThat(position.after()).isEqualTo(T0 + "_a.jsonl");
        assertThat(position.hasRead(T0 + "_a.jsonl")).isTrue();
        assertThat(position.hasRead((T0 + 5) + "_b.jsonl")).isFalse();
        assertThat(position.hasRead((T0 - CommitPosition.SEEN_WINDOW_MILLIS - 1) + "_c.jsonl")).isTrue();
    }

    @Test
    void testSidecarRoundTripAndErrors()
    {
        CommitPosition first = new CommitPosition("1_a.jsonl", -5, Set.of("1_a.jsonl", "0_b.jsonl"));
        CommitPosition second = new CommitPosition("2_a.jsonl", 0, Set.of());
        Map<String, CommitPosition> parts = Map.of("t/_data/x.parquet", first, "t/_data/y.parquet", first, "t/_data/z.parquet", second);
        byte[] content = OrderSidecar.write("t/_log/3_m_h.jsonl", parts);
        assertThat(new String(content, StandardCharsets.UTF_8)).isEqualTo(
                "{\"version\":1,\"log\":\"3_m_h.jsonl\",\"positions\":[" +
                        "{\"after\":\"1_a.jsonl\",\"seen_from\":-5,\"seen\":[\"0_b.jsonl\",\"1_a.jsonl\"],\"parts\":[\"t/_data/x.parquet\",\"t/_data/y.parquet\"]}," +
                        "{\"after\":\"2_a.jsonl\",\"seen_from\":0,\"seen\":[],\"parts\":[\"t/_data/z.parquet\"]}]}");
        assertThat(OrderSidecar.parse("k", content)).isEqualTo(parts);
        assertThat(OrderSidecar.sidecarKey("t", "t/_log/3_m_h.jsonl")).isEqualTo("t/_icedb/order/3_m_h.jsonl.json");

        assertThatThrownBy(() -> OrderSidecar.parse("k", "{\"version\": 2, \"positions\": []}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidMetadataObjectException.class)
                .hasMessageContaining("Invalid order sidecar k");
        assertThatThrownBy(() -> OrderSidecar.parse("k", "{\"version\": 1, \"positions\": [{\"after\": 1}]}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidMetadataObjectException.class)
                .hasMessageContaining("positions[0].after");
        assertThatThrownBy(() -> OrderSidecar.parse("k", "{\"version\": 1, \"positions\": [{\"after\": \"1_a.jsonl\", \"seen_from\": 0, \"seen\": []}]}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidMetadataObjectException.class)
                .hasMessageContaining("needs a string \"after\"");
        assertThatThrownBy(() -> OrderSidecar.parse("k", "{\"version\": 1, \"positions\": {}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidMetadataObjectException.class)
                .hasMessageContaining("\"positions\" is not an array");
    }

    @Test
    void testInvalidSidecarIsIgnored(@TempDir Path root)
            throws IOException
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        FileMarker a = part("p=1", "a", T0);
        insert(fileIo, T0, "h1", a);
        TableLogs pinned = TableLog.uncached(fileIo, TABLE).readAll();
        FileMarker concurrent = part("p=1", "concurrent", T0 + 20);
        insert(fileIo, T0 + 20, "h3", concurrent);
        FileMarker merged = part("p=1", "merged", T0 + 30);
        MergedLog mergedLog = MergedLogBuilder.build(pinned.fold(), pinned.asMap(), Set.of(a.path()), List.of(merged), SCHEMA, "m1", T0 + 30);
        fileIo.createExclusive(OrderSidecar.sidecarKey(TABLE, mergedLog.log().key()), "not json".getBytes(StandardCharsets.UTF_8));
        commit(fileIo, mergedLog);
        assertThat(partition1(TableLog.uncached(fileIo, TABLE).snapshot(SnapshotTime.latest()))).containsExactly(concurrent.path(), merged.path());
    }

    private static List<String> partition1(Snapshot snapshot)
    {
        return snapshot.aliveFiles().stream()
                .filter(part -> part.path().contains("/p=1/"))
                .sorted(CommitOrder.of(snapshot))
                .map(FileMarker::path)
                .toList();
    }

    private static FileMarker part(String partition, String name, long created)
    {
        return TestMergedLogBuilder.part(partition, name, 10, created);
    }

    private static void insert(LocalFileIo fileIo, long timestamp, String host, FileMarker... parts)
            throws IOException
    {
        PlannedLog planned = InsertLogBuilder.build(TABLE, host, timestamp, SCHEMA, List.of(parts));
        fileIo.createExclusive(planned.key(), LogFileParser.write(planned.content()));
    }

    private static void commit(LocalFileIo fileIo, MergedLog mergedLog)
            throws IOException
    {
        fileIo.createExclusive(mergedLog.log().key(), LogFileParser.write(mergedLog.log().content()));
    }
}
