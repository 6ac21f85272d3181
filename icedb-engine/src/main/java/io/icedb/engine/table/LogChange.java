package io.icedb.engine.table;

import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What one log of a snapshot holds and what it changed: the logs are replayed in fold order, and a part counts as added
 * by the log that first makes it alive and as removed by the log that tombstones it while alive (so a merged log, which
 * restates every part of the logs it supersedes, shows just the parts it replaced and wrote).
 *
 * @param name the parsed log name; empty for a key that is not a log name
 * @param totalParts the number of live parts after this log
 * @param totalBytes their bytes
 */
public record LogChange(
        String key,
        Optional<LogFileName> name,
        LogFile log,
        long addedParts,
        long removedParts,
        long addedBytes,
        long removedBytes,
        long totalParts,
        long totalBytes)
{
    public LogChange
    {
        requireNonNull(key, "key is null");
        requireNonNull(name, "name is null");
        requireNonNull(log, "log is null");
    }

    /**
     * The changes of logs given in fold order.
     */
    public static List<LogChange> replay(List<Map.Entry<String, LogFile>> logsInOrder)
    {
        Map<String, Long> aliveBytes = new HashMap<>();
        long totalBytes = 0;
        List<LogChange> changes = new ArrayList<>(logsInOrder.size());
        for (Map.Entry<String, LogFile> entry : logsInOrder) {
            String key = entry.getKey();
            LogFile logFile = entry.getValue();
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
            changes.add(new LogChange(
                    key,
                    LogFileName.parse(key.substring(key.lastIndexOf('/') + 1)),
                    logFile,
                    addedParts,
                    removedParts,
                    addedBytes,
                    removedBytes,
                    aliveBytes.size(),
                    totalBytes));
        }
        return changes;
    }

    /**
     * The log's version, its name timestamp (as {@code FOR VERSION AS OF} takes it); empty for a key that is not a log name.
     */
    public Optional<Long> version()
    {
        return name.map(LogFileName::timestampMillis);
    }

    public long tombstonedMarkers()
    {
        return log.fileMarkers().stream().filter(marker -> !marker.isAlive()).count();
    }
}
