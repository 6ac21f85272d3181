package io.trino.plugin.icedb.system;

import io.icedb.engine.Snapshot;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * What each log of a snapshot changed: the logs are replayed in fold order, and a part counts as added by the log
 * that first makes it alive and as removed by the log that tombstones it while alive (so a merged log, which restates
 * every part of the logs it supersedes, shows just the parts it replaced and wrote). Shared by {@code "t$log"} and
 * {@code "t$snapshots"}.
 *
 * @param name the parsed log file name; empty for a key that is no log name
 * @param totalParts the number of live parts after this log
 * @param totalBytes the bytes of the live parts after this log
 */
public record LogChanges(
        String key,
        Optional<LogFileName> name,
        LogFile logFile,
        long addedParts,
        long removedParts,
        long addedBytes,
        long removedBytes,
        long totalParts,
        long totalBytes)
{
    public LogChanges
    {
        requireNonNull(key, "key is null");
        requireNonNull(name, "name is null");
        requireNonNull(logFile, "logFile is null");
    }

    /**
     * The log's version, its name timestamp (as {@code FOR VERSION AS OF} takes it); empty for a key that is no log name.
     */
    public Optional<Long> version()
    {
        return name.map(LogFileName::timestampMillis);
    }

    public static List<LogChanges> replay(Snapshot snapshot, Function<String, LogFile> logReader)
    {
        Map<String, Long> aliveBytes = new HashMap<>();
        long totalBytes = 0;
        List<LogChanges> changes = new ArrayList<>();
        for (String key : snapshot.logFiles()) {
            Optional<LogFileName> fileName = LogFileName.parse(key.substring(key.lastIndexOf('/') + 1));
            LogFile logFile = logReader.apply(key);
            long addedParts = 0;
            long removedParts = 0;
            long addedBytes = 0;
            long removedBytes = 0;
            for (FileMarker marker : logFile.fileMarkers()) {
                if (marker.isAlive() && !aliveBytes.containsKey(marker.path())) {
                    aliveBytes.put(marker.path(), marker.bytes());
                    addedParts++;
                    addedBytes += marker.bytes();
                }
                else if (!marker.isAlive() && aliveBytes.containsKey(marker.path())) {
                    removedParts++;
                    removedBytes += aliveBytes.remove(marker.path());
                }
            }
            totalBytes += addedBytes - removedBytes;
            changes.add(new LogChanges(key, fileName, logFile, addedParts, removedParts, addedBytes, removedBytes, aliveBytes.size(), totalBytes));
        }
        return changes;
    }
}
