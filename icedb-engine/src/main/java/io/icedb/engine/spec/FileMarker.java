package io.icedb.engine.spec;

import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * A file-marker line of a log (spec §2): a data part, its size and creation time, and when it died, if it did.
 * {@code path} is the part's full key in the data bucket, table prefix included.
 */
public record FileMarker(String path, long bytes, long createdMillis, OptionalLong tombstonedMillis)
{
    public FileMarker
    {
        requireNonNull(path, "path is null");
        requireNonNull(tombstonedMillis, "tombstonedMillis is null");
    }

    public static FileMarker alive(String path, long bytes, long createdMillis)
    {
        return new FileMarker(path, bytes, createdMillis, OptionalLong.empty());
    }

    public boolean isAlive()
    {
        return tombstonedMillis.isEmpty();
    }

    public FileMarker withTombstone(long millis)
    {
        return new FileMarker(path, bytes, createdMillis, OptionalLong.of(millis));
    }
}
