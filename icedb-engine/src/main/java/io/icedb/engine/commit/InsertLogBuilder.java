package io.icedb.engine.commit;

import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.Schema;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The log of an insert (spec §5): {@code {ts}_{host}.jsonl}, no log tombstones, the union schema of the new parts and
 * one alive marker per new part. Creating it is the commit point of the insert.
 */
public final class InsertLogBuilder
{
    private InsertLogBuilder() {}

    /**
     * @param schema the union schema of the written parts (the table's columns the insert wrote)
     * @param newParts the written parts, alive, in the order they should be listed
     */
    public static PlannedLog build(String tablePrefix, String host, long nowMillis, Schema schema, List<FileMarker> newParts)
    {
        requireNonNull(tablePrefix, "tablePrefix is null");
        requireNonNull(schema, "schema is null");
        requireNonNull(newParts, "newParts is null");
        Set<String> seen = new HashSet<>();
        for (FileMarker part : newParts) {
            requireNonNull(part, "part is null");
            if (!part.isAlive()) {
                throw new IllegalArgumentException("New part %s of table '%s' must not carry a tombstone".formatted(part.path(), tablePrefix));
            }
            if (!seen.add(part.path())) {
                throw new IllegalArgumentException("Part %s of table '%s' is listed twice".formatted(part.path(), tablePrefix));
            }
        }
        LogFileName name = LogNames.logName(nowMillis, false, host);
        LogFile log = new LogFile(nowMillis, schema, List.of(), newParts);
        return new PlannedLog(name.key(tablePrefix), name, log);
    }
}
