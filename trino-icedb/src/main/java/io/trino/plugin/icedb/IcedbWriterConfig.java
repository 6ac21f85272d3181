package io.trino.plugin.icedb;

import io.airlift.configuration.Config;
import io.airlift.configuration.ConfigDescription;
import io.airlift.units.DataSize;
import io.airlift.units.MaxDataSize;
import io.airlift.units.MinDataSize;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import static io.airlift.units.DataSize.Unit.MEGABYTE;

/**
 * How page sinks write parts.
 */
public class IcedbWriterConfig
{
    private DataSize targetFileSize = DataSize.of(128, MEGABYTE);
    private DataSize sortBufferSize = DataSize.of(64, MEGABYTE);
    private int maxPartitionsPerWriter = 100;

    @NotNull
    @MinDataSize("1kB")
    @MaxDataSize("16GB")
    public DataSize getTargetFileSize()
    {
        return targetFileSize;
    }

    @Config("icedb.target-file-size")
    @ConfigDescription("A part is finished and a new one started once it reaches this size (like Iceberg's target-max-file-size)")
    public IcedbWriterConfig setTargetFileSize(DataSize targetFileSize)
    {
        this.targetFileSize = targetFileSize;
        return this;
    }

    @NotNull
    @MinDataSize("1kB")
    public DataSize getSortBufferSize()
    {
        return sortBufferSize;
    }

    @Config("icedb.sort-buffer-size")
    @ConfigDescription("Rows of a table with sorted_by are buffered per writer up to this size, sorted, and written as one part")
    public IcedbWriterConfig setSortBufferSize(DataSize sortBufferSize)
    {
        this.sortBufferSize = sortBufferSize;
        return this;
    }

    @Min(1)
    public int getMaxPartitionsPerWriter()
    {
        return maxPartitionsPerWriter;
    }

    @Config("icedb.max-partitions-per-writer")
    @ConfigDescription("Partitions one writer may write at once; more fail the query (like Iceberg's max-partitions-per-writer)")
    public IcedbWriterConfig setMaxPartitionsPerWriter(int maxPartitionsPerWriter)
    {
        this.maxPartitionsPerWriter = maxPartitionsPerWriter;
        return this;
    }
}
