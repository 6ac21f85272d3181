package io.icedb.engine.io;

import static java.util.Objects.requireNonNull;

/**
 * One object found by {@link IcedbFileIo#list}: its key (relative to the storage root), size and last-modified time.
 */
public record FileEntry(String key, long size, long lastModifiedMillis)
{
    public FileEntry
    {
        requireNonNull(key, "key is null");
    }
}
