package io.trino.plugin.icedb.mv;

import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotTime;
import io.icedb.engine.io.LocalFileIo;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.LogFileParser;
import io.icedb.engine.spec.LogTombstone;
import io.icedb.engine.spec.Schema;
import io.icedb.engine.table.TableLog;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The incremental refresh's reading of a source's logs, on real logs in a local directory: which parts are new since a
 * refresh, including logs stamped before the refresh's version, by seconds or by minutes, that showed up after it (a
 * writer stamps its log, then creates it).
 */
public class TestIcedbRefreshDelta
{
    private static final Schema SCHEMA = new Schema(Map.of("k", "VARCHAR"));

    @Test
    public void testNewPartsAndLateLogs()
            throws IOException
    {
        Path root = Files.createTempDirectory("icedb-refresh-delta");
        try {
            LocalFileIo fileIo = new LocalFileIo(root);
            TableLog log = TableLog.uncached(fileIo, "s/t");
            String first = commit(log, 1_000_000, "s/t/_data/a.parquet");
            String second = commit(log, 1_010_000, "s/t/_data/b.parquet");
            Snapshot refreshed = log.snapshot(SnapshotTime.latest());
            IcedbRefreshRecord record = new IcedbRefreshRecord("local:///s/t", refreshed.version(), second, true, 1, 0, IcedbRefreshRecord.coveredLogs(refreshed));
            assertThat(record.coveredLogs()).containsExactly(first, second);

            commit(log, 1_020_000, "s/t/_data/c.parquet");
            // committed after the refresh, stamped before its version: a few seconds, and ten minutes
            commit(log, 1_005_000, "s/t/_data/late.parquet");
            commit(log, 1_010_000 - 600_000, "s/t/_data/very-late.parquet");
            Snapshot now = log.snapshot(SnapshotTime.latest());
            assertThat(IcedbRefreshDelta.newParts(log, now, record, _ -> Optional.empty(), _ -> true).orElseThrow())
                    .extracting(FileMarker::path)
                    .containsExactlyInAnyOrder("s/t/_data/c.parquet", "s/t/_data/late.parquet", "s/t/_data/very-late.parquet");
            assertThat(IcedbRefreshDelta.uncoveredLogs(now, record)).hasSize(3);
            assertThat(IcedbRefreshDelta.uncoveredLogs(refreshed, record)).isEmpty();

            // a Python merge, which no maintenance run records, may have changed rows as far as anyone can tell: full;
            // the same log recorded as our merge moves rows without changing them
            String pythonMerge = new LogFileName(1_030_000, true, "python").key("s/t");
            fileIo.overwrite(pythonMerge, LogFileParser.write(new LogFile(1_030_000, SCHEMA, List.of(), List.of(FileMarker.alive("s/t/_data/merged.parquet", 30, 1_030_000)))));
            Snapshot merged = log.snapshot(SnapshotTime.latest());
            assertThat(IcedbRefreshDelta.newParts(log, merged, record, _ -> Optional.empty(), _ -> true)).isEmpty();
            assertThat(IcedbRefreshDelta.newParts(log, merged, record, key -> key.equals(pythonMerge) ? Optional.of("merge") : Optional.empty(), _ -> true).orElseThrow())
                    .extracting(FileMarker::path)
                    .containsExactlyInAnyOrder("s/t/_data/c.parquet", "s/t/_data/late.parquet", "s/t/_data/very-late.parquet");

            // the log the refresh ended with is gone: nothing tells what the storage table holds
            IcedbRefreshRecord unknownEnd = new IcedbRefreshRecord("local:///s/t", refreshed.version(), "s/t/_log/1000000000000_gone.jsonl", true, 1, 0, List.of(first));
            assertThat(IcedbRefreshDelta.newParts(log, now, unknownEnd, _ -> Optional.empty(), _ -> true)).isEmpty();
            // a record written before records listed the logs they covered: full
            IcedbRefreshRecord unknownLogs = new IcedbRefreshRecord("local:///s/t", refreshed.version(), second, true, 1, 0, null);
            assertThat(IcedbRefreshDelta.newParts(log, now, unknownLogs, _ -> Optional.empty(), _ -> true)).isEmpty();
            assertThat(IcedbRefreshRecord.CODEC.fromJson("{\"sourceLocation\": \"local:///s/t\", \"sourceVersion\": 1, \"sourceLastLog\": \"k\", \"incremental\": true, \"partsRead\": 1, \"refreshedMillis\": 0, \"recentLogs\": [\"k\"]}").coveredLogs())
                    .isEmpty();
        }
        finally {
            deleteRecursively(root, ALLOW_INSECURE);
        }
    }

    @Test
    public void testMergeCarriesTombstonesOfLogsCleanedBeforeTheRefresh()
            throws IOException
    {
        Path root = Files.createTempDirectory("icedb-refresh-delta");
        try {
            LocalFileIo fileIo = new LocalFileIo(root);
            TableLog log = TableLog.uncached(fileIo, "s/t");
            FileMarker a = FileMarker.alive("s/t/_data/a.parquet", 10, 1_000_000);
            FileMarker b = FileMarker.alive("s/t/_data/b.parquet", 10, 1_010_000);
            String first = commit(log, 1_000_000, a.path());
            String second = commit(log, 1_010_000, b.path());
            // a merge of both logs, then a cleanup that deleted them: the merged log still names them
            FileMarker ab = FileMarker.alive("s/t/_data/ab.parquet", 20, 1_020_000);
            String firstMerge = write(fileIo, 1_020_000, List.of(new LogTombstone(first, 1_020_000), new LogTombstone(second, 1_020_000)), List.of(a.withTombstone(1_020_000), b.withTombstone(1_020_000), ab));
            fileIo.delete(first);
            fileIo.delete(second);
            Snapshot refreshed = log.snapshot(SnapshotTime.latest());
            IcedbRefreshRecord record = new IcedbRefreshRecord("local:///s/t", refreshed.version(), firstMerge, true, 1, 0, IcedbRefreshRecord.coveredLogs(refreshed));
            assertThat(record.coveredLogs()).containsExactlyInAnyOrder(first, second, firstMerge);

            // an insert, then our merge of everything: it carries the tombstones of the logs deleted before the refresh
            FileMarker c = FileMarker.alive("s/t/_data/c.parquet", 10, 1_030_000);
            String third = commit(log, 1_030_000, c.path());
            String secondMerge = write(
                    fileIo,
                    1_040_000,
                    List.of(new LogTombstone(first, 1_020_000), new LogTombstone(second, 1_020_000), new LogTombstone(firstMerge, 1_040_000), new LogTombstone(third, 1_040_000)),
                    List.of(a.withTombstone(1_020_000), b.withTombstone(1_020_000), ab.withTombstone(1_040_000), c.withTombstone(1_040_000), FileMarker.alive("s/t/_data/abc.parquet", 30, 1_040_000)));
            Snapshot now = log.snapshot(SnapshotTime.latest());
            assertThat(IcedbRefreshDelta.newParts(log, now, record, key -> key.equals(secondMerge) ? Optional.of("merge") : Optional.empty(), _ -> true).orElseThrow())
                    .extracting(FileMarker::path)
                    .containsExactly(c.path());
            // the part the insert added is gone (a cleanup deleted it): full
            assertThat(IcedbRefreshDelta.newParts(log, now, record, key -> key.equals(secondMerge) ? Optional.of("merge") : Optional.empty(), _ -> false)).isEmpty();
        }
        finally {
            deleteRecursively(root, ALLOW_INSECURE);
        }
    }

    private static String write(LocalFileIo fileIo, long timestamp, List<LogTombstone> tombstones, List<FileMarker> markers)
            throws IOException
    {
        String key = new LogFileName(timestamp, true, "test").key("s/t");
        fileIo.overwrite(key, LogFileParser.write(new LogFile(timestamp, SCHEMA, tombstones, markers)));
        return key;
    }

    private static String commit(TableLog log, long timestamp, String part)
    {
        return log.commitInsert(SCHEMA, List.of(FileMarker.alive(part, 10, timestamp)), () -> LogFileName.uniqueHost("test"), () -> timestamp);
    }
}
