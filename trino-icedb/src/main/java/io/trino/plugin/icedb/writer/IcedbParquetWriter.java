package io.trino.plugin.icedb.writer;

import com.google.common.collect.ImmutableList;
import io.trino.filesystem.TrinoInputFile;
import io.trino.filesystem.TrinoOutputFile;
import io.trino.memory.context.AggregatedMemoryContext;
import io.trino.parquet.ParquetCorruptionException;
import io.trino.parquet.ParquetDataSource;
import io.trino.parquet.ParquetDataSourceId;
import io.trino.parquet.ParquetReaderOptions;
import io.trino.parquet.ParquetWriteValidation.ParquetWriteValidationBuilder;
import io.trino.parquet.metadata.ParquetMetadata;
import io.trino.parquet.writer.ParquetWriter;
import io.trino.parquet.writer.ParquetWriterOptions;
import io.trino.plugin.icedb.reader.IcedbParquetDataSource;
import io.trino.spi.Page;
import io.trino.spi.TrinoException;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.Type;
import io.trino.spi.type.TypeOperators;
import org.joda.time.DateTimeZone;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.airlift.slice.SizeOf.instanceSize;
import static io.trino.memory.context.AggregatedMemoryContext.newSimpleAggregatedMemoryContext;
import static io.trino.spi.StandardErrorCode.INVALID_TABLE_PROPERTY;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * Writes one IceDB part: Trino pages to a Parquet object in DuckDB's layout ({@link DuckDbParquetSchema}) with
 * trino-parquet's writer (column statistics always, bloom filters for the named columns, row groups of the configured
 * size). The page columns must already be in their storage types ({@link TrinoToDuckDbTypes#toStorageType}); timestamp
 * and date values that DuckDB would not read back as written are refused ({@link DuckDbValueRange}), after which the
 * writer can only be rolled back.
 * <p>
 * {@link #commit()} finishes the object and reports its final size; {@link #rollback()} closes it and runs the
 * rollback action (normally deleting the object). An object left behind by a failed writer is an orphan no log names.
 */
public final class IcedbParquetWriter
{
    private static final int INSTANCE_SIZE = instanceSize(IcedbParquetWriter.class);
    private static final TypeOperators VALIDATION_TYPE_OPERATORS = new TypeOperators();

    private final TrinoOutputFile outputFile;
    private final Closeable rollbackAction;
    private final ParquetWriter parquetWriter;
    private final ParquetFooterMetadataStream footerStream;
    private final AggregatedMemoryContext memoryContext;
    private final int columnCount;
    private final List<String> columnNames;
    private final List<Type> columnTypes;
    private final boolean[] rangeCheckedColumns;
    private final boolean validation;
    private long rowCount;
    private boolean closed;
    private boolean failed;

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
        this.columnNames = columnNames;
        this.columnTypes = columnTypes;
        this.rangeCheckedColumns = new boolean[columnCount];
        for (int channel = 0; channel < columnCount; channel++) {
            rangeCheckedColumns[channel] = DuckDbValueRange.needsCheck(columnTypes.get(channel));
        }
        this.validation = options.validation();

        ParquetWriterOptions parquetWriterOptions = ParquetWriterOptions.builder()
                .setMaxBlockSize(options.rowGroupSize())
                .setBloomFilterColumns(options.bloomFilterColumns())
                .build();
        this.memoryContext = newSimpleAggregatedMemoryContext();
        this.footerStream = new ParquetFooterMetadataStream(outputFile.create(memoryContext), options.keyValueMetadata());
        OutputStream outputStream = footerStream;
        try {
            this.parquetWriter = new ParquetWriter(
                    outputStream,
                    schema.messageType(),
                    schema.primitiveTypes(),
                    parquetWriterOptions,
                    options.compressionCodec().parquetCodec(),
                    trinoVersion,
                    // only INT96 timestamps need a time zone (we write none); trino-parquet's validation insists on one
                    options.validation() ? Optional.of(DateTimeZone.UTC) : Optional.empty(),
                    options.validation() ? Optional.of(new ParquetWriteValidationBuilder(validationTypes(columnTypes), columnNames)) : Optional.empty());
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
        checkState(!failed, "writer of %s failed; roll it back", outputFile.location());
        // a failed write may leave a partial chunk in the column writers: the file can only be rolled back
        failed = true;
        for (int channel = 0; channel < columnCount; channel++) {
            if (rangeCheckedColumns[channel]) {
                DuckDbValueRange.checkBlock(columnNames.get(channel), columnTypes.get(channel), page.getBlock(channel));
            }
        }
        parquetWriter.write(page);
        failed = false;
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
        checkState(!failed, "writer of %s failed; roll it back", outputFile.location());
        closed = true;
        // the footer gets the options' key-value metadata
        footerStream.holdFooter();
        parquetWriter.close();
        return new WrittenParquetFile(
                outputFile.location(),
                footerStream.getWrittenBytes(),
                rowCount,
                parquetWriter.getFileMetaData().getRow_groups().size());
    }

    /**
     * The footer of the committed file, as a reader would parse it (its row groups and their column statistics).
     */
    public ParquetMetadata footer()
            throws ParquetCorruptionException
    {
        checkState(closed && !failed, "%s is not committed", outputFile.location());
        return new ParquetMetadata(parquetWriter.getFileMetaData(), new ParquetDataSourceId(outputFile.location().toString()));
    }

    /**
     * Reads the committed file back with Trino's Parquet reader and checks its schema, row groups, statistics and a
     * checksum of every value against what was written. Requires {@link IcedbParquetWriterOptions#validation()}.
     *
     * @throws io.trino.parquet.ParquetCorruptionException naming the file when anything differs
     */
    public void validate(TrinoInputFile inputFile)
            throws IOException
    {
        checkState(validation, "validation of %s is not enabled", outputFile.location());
        checkState(closed, "%s is not committed", outputFile.location());
        try (ParquetDataSource input = new IcedbParquetDataSource(inputFile, inputFile.length(), ParquetReaderOptions.defaultOptions())) {
            parquetWriter.validate(input);
        }
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

    // the types Trino's Parquet reader reads the columns as: a JSON column is read as the UTF-8 varchar it is written from
    private static List<Type> validationTypes(List<Type> columnTypes)
    {
        return columnTypes.stream()
                .map(IcedbParquetWriter::validationType)
                .collect(toImmutableList());
    }

    private static Type validationType(Type type)
    {
        if (TrinoToDuckDbTypes.isJson(type)) {
            return VARCHAR;
        }
        return switch (type) {
            case ArrayType arrayType -> new ArrayType(validationType(arrayType.getElementType()));
            case MapType mapType -> new MapType(validationType(mapType.getKeyType()), validationType(mapType.getValueType()), VALIDATION_TYPE_OPERATORS);
            case RowType rowType -> RowType.from(rowType.getFields().stream()
                    .map(field -> new RowType.Field(field.getName(), validationType(field.getType())))
                    .collect(toImmutableList()));
            default -> type;
        };
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
