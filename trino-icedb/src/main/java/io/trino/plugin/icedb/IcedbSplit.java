package io.trino.plugin.icedb;

import io.trino.spi.connector.ConnectorSplit;

import static com.google.common.base.MoreObjects.toStringHelper;
import static io.airlift.slice.SizeOf.estimatedSizeOf;
import static io.airlift.slice.SizeOf.instanceSize;
import static java.util.Objects.requireNonNull;

/**
 * One part of a table.
 *
 * @param path the part's location
 * @param start with {@code length}, the byte range whose row groups this split reads (a row group belongs to the range its first byte is in)
 * @param partition the part's partition path (Hive keys are parsed from it on the worker)
 * @param fileModifiedMillis when the part was written, from its log marker ({@code $file_modified_time})
 */
public record IcedbSplit(String path, long start, long length, long fileSize, String partition, long fileModifiedMillis)
        implements ConnectorSplit
{
    private static final int INSTANCE_SIZE = instanceSize(IcedbSplit.class);

    public IcedbSplit
    {
        requireNonNull(path, "path is null");
        requireNonNull(partition, "partition is null");
    }

    @Override
    public long getRetainedSizeInBytes()
    {
        return INSTANCE_SIZE + estimatedSizeOf(path) + estimatedSizeOf(partition);
    }

    @Override
    public String toString()
    {
        return toStringHelper(this)
                .add("path", path)
                .add("start", start)
                .add("length", length)
                .add("fileSize", fileSize)
                .add("partition", partition)
                .add("fileModifiedMillis", fileModifiedMillis)
                .toString();
    }
}
