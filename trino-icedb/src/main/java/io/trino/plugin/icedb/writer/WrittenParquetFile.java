package io.trino.plugin.icedb.writer;

import io.trino.filesystem.Location;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * A part that {@link IcedbParquetWriter} finished: what a file marker of the commit log needs.
 *
 * @param fileSizeInBytes the size of the complete object (the marker's {@code b})
 */
public record WrittenParquetFile(Location location, long fileSizeInBytes, long rowCount, int rowGroupCount)
{
    public WrittenParquetFile
    {
        requireNonNull(location, "location is null");
        checkArgument(fileSizeInBytes > 0, "fileSizeInBytes must be positive: %s", fileSizeInBytes);
        checkArgument(rowCount >= 0, "rowCount is negative: %s", rowCount);
        checkArgument(rowGroupCount >= 0, "rowGroupCount is negative: %s", rowGroupCount);
    }
}
