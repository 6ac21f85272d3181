package io.trino.plugin.icedb.writer;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import io.airlift.units.DataSize;

import java.util.Map;
import java.util.Set;

import static com.google.common.base.Preconditions.checkArgument;
import static io.airlift.units.DataSize.Unit.MEGABYTE;
import static java.util.Objects.requireNonNull;

/**
 * How {@link IcedbParquetWriter} writes a part.
 *
 * @param compressionCodec the codec of every column chunk
 * @param rowGroupSize a row group is flushed once its buffered data reaches this size
 * @param bloomFilterColumns top-level columns that get a Parquet bloom filter (of a type trino-parquet supports for them)
 * @param validation whether the writer keeps checksums of what it wrote, so that {@link IcedbParquetWriter#validate} can
 * read the finished file back with Trino's Parquet reader and compare (costs memory and a full read)
 * @param keyValueMetadata entries added to the footer's {@code key_value_metadata} (for example
 * {@link io.trino.plugin.icedb.mergeengine.IcedbSortedParts#SORTED_BY_KEY}: the order the part's rows are in)
 */
public record IcedbParquetWriterOptions(IcedbCompressionCodec compressionCodec, DataSize rowGroupSize, Set<String> bloomFilterColumns, boolean validation, Map<String, String> keyValueMetadata)
{
    public static final DataSize DEFAULT_ROW_GROUP_SIZE = DataSize.of(128, MEGABYTE);

    public IcedbParquetWriterOptions
    {
        requireNonNull(compressionCodec, "compressionCodec is null");
        requireNonNull(rowGroupSize, "rowGroupSize is null");
        checkArgument(rowGroupSize.toBytes() > 0, "rowGroupSize must be positive: %s", rowGroupSize);
        bloomFilterColumns = ImmutableSet.copyOf(bloomFilterColumns);
        keyValueMetadata = ImmutableMap.copyOf(keyValueMetadata);
    }

    public static IcedbParquetWriterOptions defaults()
    {
        return new IcedbParquetWriterOptions(IcedbCompressionCodec.DEFAULT, DEFAULT_ROW_GROUP_SIZE, ImmutableSet.of(), false, ImmutableMap.of());
    }

    public IcedbParquetWriterOptions withCompressionCodec(IcedbCompressionCodec compressionCodec)
    {
        return new IcedbParquetWriterOptions(compressionCodec, rowGroupSize, bloomFilterColumns, validation, keyValueMetadata);
    }

    public IcedbParquetWriterOptions withRowGroupSize(DataSize rowGroupSize)
    {
        return new IcedbParquetWriterOptions(compressionCodec, rowGroupSize, bloomFilterColumns, validation, keyValueMetadata);
    }

    public IcedbParquetWriterOptions withBloomFilterColumns(Set<String> bloomFilterColumns)
    {
        return new IcedbParquetWriterOptions(compressionCodec, rowGroupSize, bloomFilterColumns, validation, keyValueMetadata);
    }

    public IcedbParquetWriterOptions withValidation(boolean validation)
    {
        return new IcedbParquetWriterOptions(compressionCodec, rowGroupSize, bloomFilterColumns, validation, keyValueMetadata);
    }

    public IcedbParquetWriterOptions withKeyValueMetadata(Map<String, String> keyValueMetadata)
    {
        return new IcedbParquetWriterOptions(compressionCodec, rowGroupSize, bloomFilterColumns, validation, keyValueMetadata);
    }
}
