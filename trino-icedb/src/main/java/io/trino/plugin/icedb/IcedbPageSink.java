package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import io.airlift.json.JsonCodec;
import io.airlift.slice.Slice;
import io.airlift.slice.Slices;
import io.airlift.units.DataSize;
import io.icedb.engine.spec.PartitionPath;
import io.icedb.engine.stats.PartStats;
import io.trino.filesystem.Location;
import io.trino.filesystem.TrinoFileSystem;
import io.trino.parquet.ParquetDataSourceId;
import io.trino.plugin.icedb.layout.IcedbPartitionField;
import io.trino.plugin.icedb.layout.IcedbPartitionPaths;
import io.trino.plugin.icedb.layout.IcedbPartitionSpec;
import io.trino.plugin.icedb.layout.IcedbSortField;
import io.trino.plugin.icedb.layout.PartitionTransform;
import io.trino.plugin.icedb.mergeengine.IcedbSortedParts;
import io.trino.plugin.icedb.stats.IcedbFooterStatistics;
import io.trino.plugin.icedb.writer.IcedbParquetWriter;
import io.trino.plugin.icedb.writer.IcedbParquetWriterOptions;
import io.trino.plugin.icedb.writer.IcedbSortedWriter;
import io.trino.plugin.icedb.writer.WrittenParquetFile;
import io.trino.spi.Page;
import io.trino.spi.PageSorter;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorPageSink;
import io.trino.spi.type.Type;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_WRITER_ERROR;
import static io.trino.spi.StandardErrorCode.GENERIC_USER_ERROR;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;
import static java.util.concurrent.CompletableFuture.completedFuture;

/**
 * Writes the pages of one writer task to parts {@code P/_data/<partition path>/<uuid>.parquet}: one open part per
 * partition, finished when it reaches the target size. For a table with {@code sorted_by}, rows are buffered (all
 * partitions together at most the sort buffer size), sorted and written as one part, so every part is sorted.
 * Nothing is visible until the coordinator commits the log that names the parts; {@link #abort()} deletes them.
 */
public final class IcedbPageSink
        implements ConnectorPageSink
{
    private final IcedbWritableTableHandle table;
    private final IcedbTableLocation location;
    private final TrinoFileSystem fileSystem;
    private final JsonCodec<IcedbWrittenPart> partCodec;
    private final IcedbParquetWriterOptions writerOptions;
    private final String trinoVersion;
    private final long targetFileSize;
    private final long sortBufferSize;
    private final int maxPartitions;

    private final int[] dataChannels;
    private final List<String> dataNames;
    private final List<Type> dataTypes;
    private final List<String> dataDuckDbTypes;
    private final Map<String, Type> statisticsTypes;
    private final Map<String, String> statisticsDuckDbTypes;
    private final List<IcedbPartitionField> partitionFields;
    private final IcedbPartitionPaths partitionPaths;
    private final List<Integer> sortChannels;
    private final IcedbSortedWriter sortedWriter;

    private final Map<String, PartitionWriter> writers = new LinkedHashMap<>();
    private final List<IcedbWrittenPart> writtenParts = new ArrayList<>();
    private final List<Location> writtenLocations = new ArrayList<>();
    private long bufferedBytes;
    private long completedBytes;

    public IcedbPageSink(
            IcedbWritableTableHandle table,
            TrinoFileSystem fileSystem,
            JsonCodec<IcedbWrittenPart> partCodec,
            PageSorter pageSorter,
            String trinoVersion,
            DataSize targetFileSize,
            DataSize sortBufferSize,
            int maxPartitions)
    {
        this.table = requireNonNull(table, "table is null");
        this.location = table.tableLocation();
        this.fileSystem = requireNonNull(fileSystem, "fileSystem is null");
        this.partCodec = requireNonNull(partCodec, "partCodec is null");
        this.trinoVersion = requireNonNull(trinoVersion, "trinoVersion is null");
        this.targetFileSize = targetFileSize.toBytes();
        this.sortBufferSize = sortBufferSize.toBytes();
        this.maxPartitions = maxPartitions;

        List<IcedbWriteColumn> columns = table.columns();
        ImmutableList.Builder<Integer> dataChannels = ImmutableList.builder();
        for (int channel = 0; channel < columns.size(); channel++) {
            if (columns.get(channel).isDataColumn()) {
                dataChannels.add(channel);
            }
        }
        this.dataChannels = dataChannels.build().stream().mapToInt(Integer::intValue).toArray();
        List<IcedbWriteColumn> dataColumns = columns.stream().filter(IcedbWriteColumn::isDataColumn).collect(toImmutableList());
        this.dataNames = dataColumns.stream().map(IcedbWriteColumn::name).collect(toImmutableList());
        this.dataTypes = dataColumns.stream().map(IcedbWriteColumn::type).collect(toImmutableList());
        this.dataDuckDbTypes = dataColumns.stream().map(column -> column.duckDbType().orElseThrow()).collect(toImmutableList());

        IcedbTableDefinition definition = table.definition();
        Map<String, Type> dataColumnTypes = dataColumns.stream().collect(toImmutableMap(IcedbWriteColumn::name, IcedbWriteColumn::type));
        this.statisticsTypes = dataColumnTypes;
        this.statisticsDuckDbTypes = dataColumns.stream().collect(toImmutableMap(IcedbWriteColumn::name, column -> column.duckDbType().orElseThrow()));
        ImmutableList.Builder<IcedbPartitionField> partitionFields = ImmutableList.builder();
        ImmutableList.Builder<Integer> partitionChannels = ImmutableList.builder();
        ImmutableList.Builder<Type> partitionTypes = ImmutableList.builder();
        for (IcedbPartitionField field : IcedbPartitionSpec.parse(definition.partitioning(), dataColumnTypes).fields()) {
            partitionFields.add(field);
            partitionChannels.add(channelOf(columns, field.column()));
            partitionTypes.add(dataColumnTypes.get(field.column()));
        }
        // a table Python wrote: the Hive keys of its part paths, in path order, from the same-named columns
        for (String key : table.pathKeys()) {
            int channel = channelOfIgnoreCase(columns, key);
            partitionFields.add(new IcedbPartitionField(key, PartitionTransform.IDENTITY, OptionalInt.empty()));
            partitionChannels.add(channel);
            partitionTypes.add(columns.get(channel).type());
        }
        this.partitionFields = partitionFields.build();
        this.partitionPaths = new IcedbPartitionPaths(this.partitionFields, partitionChannels.build(), partitionTypes.build());

        List<IcedbSortField> sortFields = IcedbSortField.parse(definition.sortedBy(), dataColumnTypes);
        this.sortChannels = sortFields.stream().map(field -> dataNames.indexOf(field.column())).collect(toImmutableList());
        this.sortedWriter = new IcedbSortedWriter(pageSorter, dataTypes, sortChannels, sortFields.stream().map(IcedbSortField::order).collect(toImmutableList()));

        this.writerOptions = IcedbParquetWriterOptions.defaults()
                .withCompressionCodec(definition.compressionCodec())
                .withBloomFilterColumns(definition.parquetBloomFilterColumns().stream().collect(toImmutableSet()))
                // every part of a sorted table is sorted: the footer says so (merge on read streams such parts)
                .withKeyValueMetadata(IcedbSortedParts.footerMetadata(sortFields));
    }

    private static int channelOfIgnoreCase(List<IcedbWriteColumn> columns, String name)
    {
        for (int channel = 0; channel < columns.size(); channel++) {
            if (columns.get(channel).name().equalsIgnoreCase(name)) {
                return channel;
            }
        }
        throw new IllegalArgumentException("No column " + name);
    }

    private static int channelOf(List<IcedbWriteColumn> columns, String name)
    {
        for (int channel = 0; channel < columns.size(); channel++) {
            if (columns.get(channel).name().equals(name)) {
                return channel;
            }
        }
        throw new IllegalArgumentException("No column " + name);
    }

    @Override
    public CompletableFuture<?> appendPage(Page page)
    {
        Page data = page.getColumns(dataChannels);
        try {
            if (partitionFields.isEmpty()) {
                writer("").append(data);
                return NOT_BLOCKED;
            }
            Map<String, int[]> positionsByPartition = new LinkedHashMap<>();
            Map<String, Integer> counts = new LinkedHashMap<>();
            String[] partitions = new String[page.getPositionCount()];
            for (int position = 0; position < page.getPositionCount(); position++) {
                String partition = partitionPaths.pathOf(page, position);
                partitions[position] = partition;
                counts.merge(partition, 1, Integer::sum);
            }
            Map<String, Integer> filled = new LinkedHashMap<>();
            counts.forEach((partition, count) -> {
                positionsByPartition.put(partition, new int[count]);
                filled.put(partition, 0);
            });
            for (int position = 0; position < partitions.length; position++) {
                int index = filled.merge(partitions[position], 1, Integer::sum) - 1;
                positionsByPartition.get(partitions[position])[index] = position;
            }
            for (Map.Entry<String, int[]> entry : positionsByPartition.entrySet()) {
                int[] positions = entry.getValue();
                writer(entry.getKey()).append(positions.length == data.getPositionCount() ? data : data.getPositions(positions, 0, positions.length));
            }
            return NOT_BLOCKED;
        }
        catch (IOException | UncheckedIOException e) {
            throw new TrinoException(ICEDB_WRITER_ERROR, format("Failed to write a part of table %s: %s", table, e.getMessage()), e);
        }
    }

    private PartitionWriter writer(String partition)
    {
        PartitionWriter writer = writers.get(partition);
        if (writer == null) {
            if (writers.size() >= maxPartitions) {
                throw new TrinoException(GENERIC_USER_ERROR, format(
                        "Exceeded the limit of %s open partitions per writer (icedb.max-partitions-per-writer) while writing table %s",
                        maxPartitions,
                        table));
            }
            writer = new PartitionWriter(partition);
            writers.put(partition, writer);
        }
        return writer;
    }

    @Override
    public CompletableFuture<Collection<Slice>> finish()
    {
        try {
            for (PartitionWriter writer : writers.values()) {
                writer.finish();
            }
        }
        catch (IOException | UncheckedIOException e) {
            abort();
            throw new TrinoException(ICEDB_WRITER_ERROR, format("Failed to finish the parts of table %s: %s", table, e.getMessage()), e);
        }
        writers.clear();
        return completedFuture(writtenParts.stream()
                .map(part -> Slices.wrappedBuffer(partCodec.toJsonBytes(part)))
                .collect(toImmutableList()));
    }

    @Override
    public void abort()
    {
        RuntimeException failure = null;
        for (PartitionWriter writer : writers.values()) {
            try {
                writer.abort();
            }
            catch (IOException | RuntimeException e) {
                if (failure == null) {
                    failure = new TrinoException(ICEDB_WRITER_ERROR, format("Failed to remove the unfinished parts of table %s", table), e);
                }
                else {
                    failure.addSuppressed(e);
                }
            }
        }
        writers.clear();
        // finished parts that no log will name: orphans, but remove them while we know them
        for (Location written : writtenLocations) {
            try {
                fileSystem.deleteFile(written);
            }
            catch (IOException | RuntimeException e) {
                if (failure == null) {
                    failure = new TrinoException(ICEDB_WRITER_ERROR, format("Failed to remove part %s of table %s", written, table), e);
                }
                else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public long getCompletedBytes()
    {
        return completedBytes;
    }

    @Override
    public long getMemoryUsage()
    {
        long usage = bufferedBytes;
        for (PartitionWriter writer : writers.values()) {
            usage += writer.memoryUsage();
        }
        return usage;
    }

    private boolean isSorted()
    {
        return !sortChannels.isEmpty();
    }

    /**
     * The open part of one partition, or for a sorted table the rows of the partition not yet written.
     */
    /**
     * The part's statistics from the footer the writer just wrote; statistics are advice, so none when they fail.
     */
    private Optional<PartStats> statistics(IcedbParquetWriter writer, String key)
    {
        try {
            return Optional.of(IcedbFooterStatistics.of(writer.footer(), new ParquetDataSourceId(key), statisticsTypes, statisticsDuckDbTypes));
        }
        catch (IOException | RuntimeException _) {
            return Optional.empty();
        }
    }

    private final class PartitionWriter
    {
        private final String partition;
        private IcedbParquetWriter writer;
        private String writerKey;
        private final List<Page> buffer = new ArrayList<>();
        private long bufferBytes;

        private PartitionWriter(String partition)
        {
            this.partition = requireNonNull(partition, "partition is null");
        }

        void append(Page page)
                throws IOException
        {
            if (isSorted()) {
                buffer.add(page);
                long size = page.getSizeInBytes();
                bufferBytes += size;
                bufferedBytes += size;
                if (bufferBytes >= targetFileSize) {
                    flushSorted();
                }
                while (bufferedBytes > sortBufferSize) {
                    writers.values().stream()
                            .max(Comparator.comparingLong(writer -> writer.bufferBytes))
                            .orElseThrow()
                            .flushSorted();
                }
                return;
            }
            if (writer == null) {
                writer = openPart();
            }
            writer.appendRows(page);
            if (writer.getWrittenBytes() >= targetFileSize) {
                finishPart();
            }
        }

        void flushSorted()
                throws IOException
        {
            if (buffer.isEmpty()) {
                return;
            }
            IcedbParquetWriter part = openPart();
            writer = part;
            sortedWriter.write(buffer, part::appendRows);
            buffer.clear();
            bufferedBytes -= bufferBytes;
            bufferBytes = 0;
            finishPart();
        }

        private IcedbParquetWriter openPart()
                throws IOException
        {
            String key = PartitionPath.newDataKey(location.prefix(), partition);
            Location partLocation = location.keyLocation(key);
            writerKey = key;
            return new IcedbParquetWriter(
                    fileSystem.newOutputFile(partLocation),
                    () -> fileSystem.deleteFile(partLocation),
                    dataNames,
                    dataTypes,
                    writerOptions,
                    trinoVersion);
        }

        private void finishPart()
                throws IOException
        {
            IcedbParquetWriter finishing = writer;
            writer = null;
            WrittenParquetFile file = finishing.commit();
            writtenLocations.add(file.location());
            writtenParts.add(new IcedbWrittenPart(writerKey, file.fileSizeInBytes(), System.currentTimeMillis(), file.rowCount(), dataNames, dataDuckDbTypes, statistics(finishing, writerKey)));
            completedBytes += file.fileSizeInBytes();
        }

        void finish()
                throws IOException
        {
            if (isSorted()) {
                flushSorted();
            }
            else if (writer != null) {
                finishPart();
            }
        }

        void abort()
                throws IOException
        {
            buffer.clear();
            bufferedBytes -= bufferBytes;
            bufferBytes = 0;
            if (writer != null) {
                IcedbParquetWriter aborting = writer;
                writer = null;
                aborting.rollback();
            }
        }

        long memoryUsage()
        {
            return writer == null ? 0 : writer.getMemoryUsage();
        }
    }
}
