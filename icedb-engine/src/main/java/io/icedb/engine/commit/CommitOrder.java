package io.icedb.engine.commit;

import io.icedb.engine.Snapshot;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFileName;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * The order in which a snapshot's alive parts were committed: the fold order of the logs that added them (log names in
 * plain string order, as every reader folds them), parts of one log by path. Tables with a merge engine resolve
 * "latest" and "first" row by it.
 */
public final class CommitOrder
{
    private CommitOrder() {}

    public static Comparator<FileMarker> of(Snapshot snapshot)
    {
        Map<String, Integer> logIndex = new HashMap<>();
        for (int i = 0; i < snapshot.logFiles().size(); i++) {
            logIndex.put(snapshot.logFiles().get(i), i);
        }
        return Comparator.<FileMarker>comparingInt(part -> logIndex.getOrDefault(snapshot.addedBy().get(part.path()), Integer.MAX_VALUE))
                .thenComparing(FileMarker::path);
    }

    /**
     * Whether the part was added by a merged log (a merge, a row-level rewrite, a rollback), not by an insert.
     */
    public static boolean addedByMergedLog(Snapshot snapshot, FileMarker part)
    {
        String logKey = snapshot.addedBy().get(part.path());
        if (logKey == null) {
            return false;
        }
        return LogFileName.parse(logKey.substring(logKey.lastIndexOf('/') + 1)).map(LogFileName::merged).orElse(false);
    }
}
