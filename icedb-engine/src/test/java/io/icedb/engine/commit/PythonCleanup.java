package io.icedb.engine.commit;

import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotReader;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.LogTombstone;
import io.icedb.engine.spec.Schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

import static io.icedb.engine.commit.CommitTesting.latest;

/**
 * What Python's {@code tombstone_cleanup(min_age_ms)} does to the logs (spec §6), to check that it keeps reading our
 * tables right: it reads every merged log, deletes the logs named by log tombstones older than {@code now - min_age} and
 * the files of parts dead since before then, writes the other markers and log tombstones into one merged log stamped
 * now, and deletes every merged log it read.
 */
final class PythonCleanup
{
    private PythonCleanup() {}

    record Result(TreeMap<String, LogFile> logs, Set<String> deletedParts) {}

    static Result run(String table, Map<String, LogFile> logs, long nowMillis, long minAgeMillis)
    {
        long expired = nowMillis - minAgeMillis;
        Snapshot current = latest(table, logs);
        Map<String, FileMarker> currentMarkers = new HashMap<>();
        current.aliveFiles().forEach(marker -> currentMarkers.put(marker.path(), marker));
        current.deadFiles().forEach(marker -> currentMarkers.put(marker.path(), marker));

        Set<String> logsToDelete = new HashSet<>();
        LinkedHashMap<String, LogTombstone> tombstonesToKeep = new LinkedHashMap<>();
        Set<String> partsToDelete = new HashSet<>();
        LinkedHashMap<String, FileMarker> partsToKeep = new LinkedHashMap<>();
        Schema schema = Schema.EMPTY;
        List<String> cleaned = new ArrayList<>();
        for (Map.Entry<String, LogFile> entry : logs.entrySet()) {
            String key = entry.getKey();
            if (!LogFileName.parse(key.substring(key.lastIndexOf('/') + 1)).orElseThrow().merged()) {
                continue;
            }
            LogFile log = entry.getValue();
            for (LogTombstone tombstone : log.logTombstones()) {
                if (tombstone.tombstonedMillis() <= expired) {
                    logsToDelete.add(tombstone.path());
                }
                else {
                    tombstonesToKeep.put(tombstone.path(), tombstone);
                }
            }
            for (FileMarker marker : log.fileMarkers()) {
                OptionalLong tombstone = marker.tombstonedMillis();
                if (tombstone.isEmpty()) {
                    tombstone = currentMarkers.get(marker.path()).tombstonedMillis();
                }
                if (tombstone.isPresent() && tombstone.getAsLong() <= expired) {
                    partsToDelete.add(marker.path());
                    partsToKeep.remove(marker.path());
                }
                else {
                    partsToKeep.put(marker.path(), marker);
                }
            }
            schema = schema.union(log.schema(), key);
            cleaned.add(key);
        }

        TreeMap<String, LogFile> after = new TreeMap<>(SnapshotReader.KEY_ORDER);
        after.putAll(logs);
        logsToDelete.forEach(after::remove);
        after.put(table + "/_log/" + nowMillis + "_m_py.jsonl",
                new LogFile(nowMillis, schema, List.copyOf(tombstonesToKeep.values()), List.copyOf(partsToKeep.values())));
        cleaned.forEach(after::remove);
        return new Result(after, partsToDelete);
    }
}
