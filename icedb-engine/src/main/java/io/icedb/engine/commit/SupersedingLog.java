package io.icedb.engine.commit;

import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogTombstone;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The content of a merged log that supersedes {@code sources} (spec §5): every marker of those logs, once, in its state
 * after the change, their log tombstones (the earliest time of each), and a tombstone for each source log itself.
 * Shared by merges, rollbacks and the other rewrites that replace parts under the lease.
 */
final class SupersedingLog
{
    private final LinkedHashMap<String, FileMarker> markers = new LinkedHashMap<>();
    private final LinkedHashMap<String, Long> logTombstones = new LinkedHashMap<>();

    /**
     * @param newState the state a marker of a source log has in the new log (by its path)
     */
    SupersedingLog(List<String> sources, Map<String, LogFile> logs, UnaryOperator<FileMarker> newState, long nowMillis)
    {
        for (String logKey : sources) {
            LogFile log = logs.get(logKey);
            for (LogTombstone tombstone : log.logTombstones()) {
                logTombstones.merge(tombstone.path(), tombstone.tombstonedMillis(), Math::min);
            }
            for (FileMarker marker : log.fileMarkers()) {
                markers.putIfAbsent(marker.path(), newState.apply(marker));
            }
        }
        for (String logKey : sources) {
            logTombstones.putIfAbsent(logKey, nowMillis);
        }
    }

    /**
     * Sets the marker of a part: a new part, or one no source log lists.
     */
    void put(FileMarker marker)
    {
        markers.put(marker.path(), marker);
    }

    void putIfAbsent(FileMarker marker)
    {
        markers.putIfAbsent(marker.path(), marker);
    }

    List<FileMarker> markers()
    {
        return List.copyOf(markers.values());
    }

    List<LogTombstone> logTombstones()
    {
        List<LogTombstone> lines = new ArrayList<>();
        logTombstones.forEach((path, millis) -> lines.add(new LogTombstone(path, millis)));
        return lines;
    }
}
