package io.icedb.engine;

import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.LogTombstone;
import io.icedb.engine.spec.Schema;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A table folded up to a time (spec §3).
 *
 * @param tablePrefix the table's key prefix
 * @param schema the union schema of the folded logs
 * @param logFiles keys of the folded logs, in read (plain string) order
 * @param aliveFiles winning markers without a tombstone, sorted by path
 * @param deadFiles winning markers with a tombstone, sorted by path
 * @param logTombstones winning log tombstones (last one per path), sorted by path
 * @param addedBy for every alive part, the key of the first folded log that lists it
 * @param commitPositions for alive parts that a superseding log added from an earlier read (a merge, a row-level
 * rewrite), where they take their place in commit order, from that log's order sidecar ({@code OrderSidecar}); empty
 * when the snapshot was folded without them
 */
public record Snapshot(
        String tablePrefix,
        Schema schema,
        List<String> logFiles,
        List<FileMarker> aliveFiles,
        List<FileMarker> deadFiles,
        List<LogTombstone> logTombstones,
        Map<String, String> addedBy,
        Map<String, CommitPosition> commitPositions)
{
    public Snapshot
    {
        requireNonNull(tablePrefix, "tablePrefix is null");
        requireNonNull(schema, "schema is null");
        logFiles = List.copyOf(logFiles);
        aliveFiles = List.copyOf(aliveFiles);
        deadFiles = List.copyOf(deadFiles);
        logTombstones = List.copyOf(logTombstones);
        addedBy = Map.copyOf(addedBy);
        commitPositions = Map.copyOf(commitPositions);
    }

    /**
     * A snapshot without commit positions.
     */
    public Snapshot(
            String tablePrefix,
            Schema schema,
            List<String> logFiles,
            List<FileMarker> aliveFiles,
            List<FileMarker> deadFiles,
            List<LogTombstone> logTombstones,
            Map<String, String> addedBy)
    {
        this(tablePrefix, schema, logFiles, aliveFiles, deadFiles, logTombstones, addedBy, Map.of());
    }

    public Snapshot withCommitPositions(Map<String, CommitPosition> positions)
    {
        return new Snapshot(tablePrefix, schema, logFiles, aliveFiles, deadFiles, logTombstones, addedBy, positions);
    }

    /**
     * The newest folded log's name timestamp: {@code FOR VERSION AS OF} this gives the same snapshot.
     *
     * @throws IllegalStateException when the snapshot folds no log, or a log key is not a log file name
     */
    public long version()
    {
        if (logFiles.isEmpty()) {
            throw new IllegalStateException("Snapshot of table '%s' folds no log file".formatted(tablePrefix));
        }
        long version = Long.MIN_VALUE;
        for (String key : logFiles) {
            String name = key.substring(key.lastIndexOf('/') + 1);
            LogFileName logName = LogFileName.parse(name)
                    .orElseThrow(() -> new IllegalStateException("Snapshot of table '%s' folds %s, which is not a log file name".formatted(tablePrefix, key)));
            version = Math.max(version, logName.timestampMillis());
        }
        return version;
    }
}
