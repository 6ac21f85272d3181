package io.trino.plugin.icedb.mv;

import io.airlift.json.JsonCodec;
import io.icedb.engine.Snapshot;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.spec.LogTombstone;
import io.icedb.engine.spec.TablePaths;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.util.Objects.requireNonNull;

/**
 * What one refresh of a materialized view read: the source table's snapshot (its newest log, its version, and every log
 * it folded). Stored in the storage table's {@code _icedb/refreshes/<storage log name>.json}, named after the storage
 * log the refresh committed: a full refresh writes it before its merged log (so a merged log of the storage table
 * without a record is the storage table's own maintenance, which changes no row), an incremental refresh right after its
 * insert log (an insert log without a record, left by a crash between the two, makes the next refresh full).
 *
 * @param sourceLocation the source table's location
 * @param sourceVersion the source snapshot's version (its newest log's timestamp)
 * @param sourceLastLog the key of the source snapshot's newest log
 * @param incremental whether the refresh read only the parts the source gained
 * @param partsRead the number of source parts the refresh scanned (before predicate pruning); -1 for every live part
 * @param coveredLogs every source log the refresh's snapshot folded, and every log those logs name as superseded (some
 * since deleted): the logs whose rows the storage table holds. A source log not among them is new to the next refresh,
 * whatever its timestamp (a writer stamps its log when it starts, so a slow insert's log can appear after a refresh that
 * read later-stamped ones). Empty in a record written before this field existed: the next refresh is then full.
 */
public record IcedbRefreshRecord(String sourceLocation, long sourceVersion, String sourceLastLog, boolean incremental, long partsRead, long refreshedMillis, List<String> coveredLogs)
{
    public static final JsonCodec<IcedbRefreshRecord> CODEC = JsonCodec.jsonCodec(IcedbRefreshRecord.class);

    public IcedbRefreshRecord
    {
        requireNonNull(sourceLocation, "sourceLocation is null");
        requireNonNull(sourceLastLog, "sourceLastLog is null");
        coveredLogs = coveredLogs == null ? List.of() : List.copyOf(coveredLogs);
    }

    /**
     * The logs a refresh that reads {@code snapshot} covers (see {@link #coveredLogs}).
     */
    public static List<String> coveredLogs(Snapshot snapshot)
    {
        return Stream.concat(snapshot.logFiles().stream(), snapshot.logTombstones().stream().map(LogTombstone::path))
                .distinct()
                .sorted()
                .collect(toImmutableList());
    }

    /**
     * The key of the record of the refresh that committed {@code storageLogKey}.
     */
    public static String key(String storagePrefix, String storageLogKey)
    {
        String name = storageLogKey.substring(storageLogKey.lastIndexOf('/') + 1);
        return TablePaths.icedbPrefix(storagePrefix) + "refreshes/" + name.substring(0, name.length() - ".jsonl".length()) + ".json";
    }

    /**
     * Writes this record as the record of storage log {@code storageLogKey}.
     */
    public void write(IcedbFileIo storageIo, String storagePrefix, String storageLogKey)
            throws IOException
    {
        storageIo.overwrite(key(storagePrefix, storageLogKey), CODEC.toJsonBytes(this));
    }
}
