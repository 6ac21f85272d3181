package io.icedb.engine.commit;

import io.icedb.engine.CommitPosition;
import io.icedb.engine.Snapshot;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.PartitionPath;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The order in which a snapshot's alive parts were committed: the fold order of the logs that added them (log names in
 * plain string order, as every reader folds them), parts of one log by path. Tables with a merge engine resolve
 * "latest" and "first" row by it.
 * <p>
 * A part a superseding log added with a {@link CommitPosition} (a merge or row-level rewrite of ours, see
 * {@link OrderSidecar}) holds rows read from an earlier snapshot: it sorts right after the newest log of that snapshot
 * instead of at its own log's name, and a part of the same partition that an insert whose log that snapshot had not
 * read added (committed while the merge or statement ran, though stamped before the snapshot's newest log) sorts after
 * it. Placed parts sort by their positions among themselves (each holds rows as of its own snapshot). Parts of
 * one partition are only ever compared with each other, so that last rule looks at the partition only. A cleanup that
 * folds logs into one records the positions their parts had ({@link OrderSidecar#carried}), so they keep them.
 */
public final class CommitOrder
{
    private CommitOrder() {}

    /**
     * @param position the log name the part sorts at
     * @param rank 0 for the parts of the log named {@code position}, 1 for parts placed just after it, 2 for parts of
     * logs committed after the reads of those
     * @param naturalPosition and {@code naturalRank}: where the part sorts without the last rule
     */
    private record SortKey(String position, int rank, String naturalPosition, int naturalRank, String path)
    {
        static final Comparator<SortKey> ORDER = Comparator.comparing(SortKey::position, LogFileName.NAME_ORDER)
                .thenComparingInt(SortKey::rank)
                .thenComparing(SortKey::naturalPosition, LogFileName.NAME_ORDER)
                .thenComparingInt(SortKey::naturalRank)
                .thenComparing(SortKey::path);

        static final SortKey UNKNOWN = new SortKey("\uffff", Integer.MAX_VALUE, "\uffff", Integer.MAX_VALUE, "");
    }

    public static Comparator<FileMarker> of(Snapshot snapshot)
    {
        Map<String, SortKey> keys = sortKeys(snapshot);
        return Comparator.<FileMarker, SortKey>comparing(part -> keys.getOrDefault(part.path(), SortKey.UNKNOWN), SortKey.ORDER)
                .thenComparing(FileMarker::path);
    }

    private static Map<String, SortKey> sortKeys(Snapshot snapshot)
    {
        Map<String, SortKey> keys = new HashMap<>();
        Map<String, List<FileMarker>> placedByPartition = new HashMap<>();
        for (FileMarker part : snapshot.aliveFiles()) {
            String logKey = snapshot.addedBy().get(part.path());
            if (logKey == null) {
                continue;
            }
            CommitPosition position = snapshot.commitPositions().get(part.path());
            SortKey key;
            if (position == null) {
                key = new SortKey(CommitPosition.logName(logKey), 0, CommitPosition.logName(logKey), 0, part.path());
            }
            else {
                int rank = position.isAt() ? 0 : 1;
                key = new SortKey(position.after(), rank, position.after(), rank, part.path());
            }
            keys.put(part.path(), key);
            if (position != null && !position.isAt()) {
                placedByPartition.computeIfAbsent(PartitionPath.partitionOf(snapshot.tablePrefix(), part.path()), _ -> new ArrayList<>()).add(part);
            }
        }
        if (placedByPartition.isEmpty()) {
            return keys;
        }
        // parts of inserts a placed part's writer had not read come after it
        for (FileMarker part : snapshot.aliveFiles()) {
            SortKey natural = keys.get(part.path());
            if (natural == null) {
                continue;
            }
            List<FileMarker> placed = placedByPartition.get(PartitionPath.partitionOf(snapshot.tablePrefix(), part.path()));
            if (placed == null) {
                continue;
            }
            CommitPosition own = snapshot.commitPositions().get(part.path());
            if (own != null && !own.isAt()) {
                // placed parts hold rows as of their own positions, whatever the other writer read
                continue;
            }
            // the log that added the part (a folded log's part recorded where it was)
            String logName = own != null ? own.after() : CommitPosition.logName(snapshot.addedBy().get(part.path()));
            SortKey key = natural;
            for (FileMarker other : placed) {
                CommitPosition position = snapshot.commitPositions().get(other.path());
                SortKey after = new SortKey(position.after(), 2, natural.position(), natural.rank(), part.path());
                if (!position.hasRead(logName) && SortKey.ORDER.compare(after, key) > 0) {
                    key = after;
                }
            }
            keys.put(part.path(), key);
        }
        return keys;
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
        CommitPosition position = snapshot.commitPositions().get(part.path());
        // a part a cleanup folded into its log: the log that added it before
        String logName = position != null && position.isAt() ? position.after() : CommitPosition.logName(logKey);
        return LogFileName.parse(logName).map(LogFileName::merged).orElse(false);
    }
}
