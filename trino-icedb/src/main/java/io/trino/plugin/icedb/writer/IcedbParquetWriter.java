package io.trino.plugin.icedb.writer;

import com.google.common.collect.ImmutableList;
import io.trino.filesystem.TrinoOutputFile;
import io.trino.memory.context.AggregatedMemoryContext;
import io.trino.parquet.writer.ParquetWriter;
import io.trino.parquet.writer.ParquetWriterOptions;
import io.trino.spi.Page;
import io.trino.spi.TrinoException;
import io.trino.spi.type.Type;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static io.airlift.slice.SizeOf.instanceSize;
import static io.trino.memory.context.AggregatedMemoryContext.newSimpleAggregatedMemoryContext;
import static io.trino.spi.StandardErrorCode.INVALID_TABLE_PROPERTY;
import static io.trino.spi.StandardErrorCode.NUMERIC_VALUE_OUT_OF_RANGE;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * Writes one IceDB part: Trino pages to a Parquet object in DuckDB's layout ({@link DuckDbParquetSchema}) with
 * trino-parquet's writer (column statistics always, bloom filters for the named columns, row groups of the configured
 * size). The page columns must already be in their storage types ({@link TrinoToDuckDbTypes#toStorageType}).
 * <p>
 * {@link #commit()} finishes the object and reports its final size; {@link #rollback()} closes it and runs the
 * rollback action (normally deleting the object). An object left behind by a failed writer is an orphan no log names.
 */
public final class IcedbParquetWriter
{
    private static final int INSTANCE_SIZE = instanceSize(IcedbParquetWriter.class);

    private final TrinoOutputFile outputFile;
    private final Closeable rollbackAction;
    private final ParquetWriter parquetWriter;
    private final AggregatedMemoryContext memoryContext;
    private final int columnCount;
    private long rowCount;
    private boolean closed;

    /**
     * @param rollbackAction run by {@link #rollback()} after the object is closed, e.g. deleting it
     * @param trinoVersion recorded in the Parquet footer's {@code created_by}
     * @throws IOException when the object cannot be created (for example because it already exists)
     */
    public IcedbParquetWriter(
            TrinoOutputFile outputFile,
            Closeable rollbackAction,
            List<String> columnNames,
            List<Type> columnTypes,
            IcedbParquetWriterOptions options,
            String trinoVersion)
            throws IOException
    {
        this.outputFile = requireNonNull(outputFile, "outputFile is null");
        this.rollbackAction = requireNonNull(rollbackAction, "rollbackAction is null");
        requireNonNull(options, "options is null");
        requireNonNull(trinoVersion, "trinoVersion is null");
        columnNames = ImmutableList.copyOf(columnNames);
        columnTypes = ImmutableList.copyOf(columnTypes);
        checkBloomFilterColumns(columnNames, columnTypes, options);
        DuckDbParquetSchema schema = DuckDbParquetSchema.create(columnNames, columnTypes);
        this.columnCount = columnNames.size();

        ParquetWriterOptions parquetWriterOptions = ParquetWriterOptions.builder()
                .setMaxBlockSize(options.rowGroupSize())
                .setBloomFilterColumns(options.bloomFilterColumns())
                .build();
        this.memoryContext = newSimpleAggregatedMemoryContext();
        OutputStream outputStream = outputFile.create(memoryContext);
        try {
            this.parquetWriter = new ParquetWriter(
                    outputStream,
                    schema.messageType(),
                    schema.primitiveTypes(),
                    parquetWriterOptions,
                    options.compressionCodec().parquetCodec(),
                    trinoVersion,
                    // only INT96 timestamps need a time zone; we write none, and no zone goes into the footer
                    Optional.empty(),
                    Optional.empty());
        }
        catch (RuntimeException e) {
            try (outputStream) {
                throw e;
            }
        }
    }

    /**
     * Whether {@link IcedbParquetWriterOptions#bloomFilterColumns()} may name a column of {@code type}.
     */
    public static boolean supportsBloomFilter(Type type)
    {
        return ParquetWriter.SUPPORTED_BLOOM_FILTER_TYPES.contains(type);
    }

    public void appendRows(Page page)
            throws IOException
    {
        requireNonNull(page, "page is null");
        checkState(!closed, "writer of %s is closed", outputFile.location());
        checkArgument(page.getChannelCount() == columnCount, "page has %s channels, the file has %s columns", page.getChannelCount(), columnCount);
        try {
            parquetWriter.write(page);
        }
        catch (ArithmeticException e) {
            // trino-parquet's TIMESTAMP_NANOS writer overflows outside 1677-09-21 .. 2262-04-11
            throw new TrinoException(
                    NUMERIC_VALUE_OUT_OF_RANGE,
                    format("A timestamp(9) value written to %s is outside the range of DuckDB's TIMESTAMP_NS (1677-09-21 00:12:43.145224192 to 2262-04-11 23:47:16.854775807)", outputFile.location()),
                    e);
        }
        rowCount += page.getPositionCount();
    }

    /**
     * Bytes written so far plus bytes buffered for the current row group: what a part is rolled on.
     */
    public long getWrittenBytes()
    {
        return parquetWriter.getWrittenBytes() + parquetWriter.getBufferedBytes();
    }

    public long getRowCount()
    {
        return rowCount;
    }

    public long getMemoryUsage()
    {
        return INSTANCE_SIZE + parquetWriter.getRetainedBytes() + memoryContext.getBytes();
    }

    /**
     * Writes the footer and closes the object.
     */
    public WrittenParquetFile commit()
            throws IOException
    {
        checkState(!closed, "writer of %s is closed", outputFile.location());
        closed = true;
        parquetWriter.close();
        return new WrittenParquetFile(
                outputFile.location(),
                parquetWriter.getWrittenBytes(),
                rowCount,
                parquetWriter.getFileMetaData().getRow_groups().size());
    }

    public void rollback()
            throws IOException
    {
        try (rollbackAction) {
            if (!closed) {
                closed = true;
                parquetWriter.close();
            }
        }
    }

    private static void checkBloomFilterColumns(List<String> columnNames, List<Type> columnTypes, IcedbParquetWriterOptions options)
    {
        for (String column : options.bloomFilterColumns()) {
            int index = columnNames.indexOf(column);
            if (index < 0) {
                throw new TrinoException(INVALID_TABLE_PROPERTY, format("Bloom filter column '%s' is not a column of the table (columns: %s)", column, columnNames));
            }
            Type type = columnTypes.get(index);
            if (!supportsBloomFilter(type)) {
                throw new TrinoException(INVALID_TABLE_PROPERTY, format(
                        "Bloom filter column '%s' has type %s; bloom filters are supported for %s",
                        column,
                        type,
                        ParquetWriter.SUPPORTED_BLOOM_FILTER_TYPES));
            }
        }
    }
}
