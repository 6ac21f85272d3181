package io.trino.plugin.icedb.maintenance;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What a cleanup did.
 *
 * @param windowStartMillis snapshots at or after this time read as before
 * @param foldedLog the merged log that replaced the folded logs; empty when there was nothing to clean up
 */
public record CleanupResult(long windowStartMillis, Optional<String> foldedLog, int partsDeleted, int logsDeleted)
{
    public CleanupResult
    {
        requireNonNull(foldedLog, "foldedLog is null");
    }
}
