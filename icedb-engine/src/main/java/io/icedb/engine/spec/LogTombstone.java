package io.icedb.engine.spec;

import static java.util.Objects.requireNonNull;

/**
 * A log-tombstone line (spec §2): a log file that this log supersedes, and since when.
 */
public record LogTombstone(String path, long tombstonedMillis)
{
    public LogTombstone
    {
        requireNonNull(path, "path is null");
    }
}
