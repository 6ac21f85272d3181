package io.trino.plugin.icedb.maintenance;

import java.util.List;

/**
 * What {@code remove_orphan_files} did.
 *
 * @param deleted keys of the deleted objects
 * @param keptYoung unreferenced objects kept because they are not older than the threshold
 */
public record OrphanFilesResult(int scanned, List<String> deleted, long deletedBytes, int keptYoung)
{
    public OrphanFilesResult
    {
        deleted = List.copyOf(deleted);
    }
}
