package io.trino.plugin.icedb.mv;

import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotTime;
import io.icedb.engine.io.LocalFileIo;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFileName;
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

    private static String commit(TableLog log, long timestamp, String part)
    {
        return log.commitInsert(SCHEMA, List.of(FileMarker.alive(part, 10, timestamp)), () -> LogFileName.uniqueHost("test"), () -> timestamp);
    }
}
