package io.trino.plugin.icedb.mv;

import io.airlift.json.JsonCodec;
import io.icedb.engine.spec.TablePaths;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What one refresh of a materialized view read: the source table's snapshot (its newest log and version). Stored in the
 * storage table's {@code _icedb/refreshes/<storage log name>.json}, named after the storage log the refresh committed:
 * a full refresh writes it before its merged log (so a merged log of the storage table without a record is the
 * storage table's own maintenance, which changes no row), an incremental refresh right after its insert log (an
 * insert log without a record, left by a crash between the two, makes the next refresh full).
 *
 * @param sourceLocation the source table's location
 * @param sourceVersion the source snapshot's version (its newest log's timestamp)
 * @param sourceLastLog the key of the source snapshot's newest log
 * @param incremental whether the refresh read only the parts the source gained
 * @param partsRead the number of source parts the refresh scanned (before predicate pruning); -1 for every live part
 * @param recentLogs the source logs the refresh read whose timestamps are within {@link #LATE_LOG_WINDOW_MILLIS} of
 * {@code sourceVersion}: a writer stamps its log before it creates it, so a log can show up after a later-stamped one;
 * a log of that window missing here is new to the next refresh
 */
public record IcedbRefreshRecord(String sourceLocation, long sourceVersion, String sourceLastLog, boolean incremental, long partsRead, long refreshedMillis, List<String> recentLogs)
{
    public static final long LATE_LOG_WINDOW_MILLIS = 60_000;

    public static final JsonCodec<IcedbRefreshRecord> CODEC = JsonCodec.jsonCodec(IcedbRefreshRecord.class);

    public IcedbRefreshRecord
    {
        requireNonNull(sourceLocation, "sourceLocation is null");
        requireNonNull(sourceLastLog, "sourceLastLog is null");
        recentLogs = recentLogs == null ? List.of() : List.copyOf(recentLogs);
    }

    /**
     * The key of the record of the refresh that committed {@code storageLogKey}.
     */
    public static String key(String storagePrefix, String storageLogKey)
    {
        String name = storageLogKey.substring(storageLogKey.lastIndexOf('/') + 1);
        return TablePaths.icedbPrefix(storagePrefix) + "refreshes/" + name.substring(0, name.length() - ".jsonl".length()) + ".json";
    }
}
