package io.trino.plugin.icedb.maintenance;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.icedb.engine.Snapshot;
import io.icedb.engine.commit.MergeSelection;
import io.icedb.engine.commit.MergeSelection.MergeGroup;
import io.icedb.engine.commit.MergedLogBuilder;
import io.icedb.engine.commit.MergedLogBuilder.MergedLog;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.exceptions.LeaseLostException;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.PartitionPath;
import io.icedb.engine.spec.Schema;
import io.icedb.engine.stats.PartStats;
import io.icedb.engine.table.TableLogs;
import io.icedb.engine.types.DuckDbType;
import io.icedb.engine.types.DuckDbTypes;
import io.trino.filesystem.Location;
import io.trino.filesystem.TrinoFileSystem;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.parquet.ParquetDataSourceId;
import io.trino.plugin.icedb.IcedbColumnHandle;
import io.trino.plugin.icedb.IcedbTypeMapping;
import io.trino.plugin.icedb.layout.IcedbSortField;
import io.trino.plugin.icedb.maintenance.MergeResult.MergedPartition;
import io.trino.plugin.icedb.mergeengine.IcedbMergeEngine;
import io.trino.plugin.icedb.mergeengine.IcedbSortedParts;
import io.trino.plugin.icedb.reader.IcedbPartReader;
import io.trino.plugin.icedb.stats.IcedbFooterStatistics;
import io.trino.plugin.icedb.writer.IcedbParquetWriter;
import io.trino.plugin.icedb.writer.IcedbParquetWriterOptions;
import io.trino.plugin.icedb.writer.IcedbSortedWriter;
import io.trino.plugin.icedb.writer.TrinoToDuckDbTypes;
import io.trino.spi.NodeManager;
import io.trino.spi.Page;
import io.trino.spi.PageSorter;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorPageSource;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.SourcePage;
import io.trino.spi.type.Type;
import io.trino.spi.type.TypeManager;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.spi.StandardErrorCode.GENERIC_INTERNAL_ERROR;
import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * Merges small parts (spec §5, "Merge"): under the table's maintenance lease, picks the parts of every partition with
 * {@link MergeSelection}, writes one part per group with every column of the log schema (NULL where a part lacks a
 * column; physical columns the schema does not list, like the Hive keys in Python's merged parts, are dropped), sorted by
 * the table's {@code sorted_by} if it has one ({@link MergeTableProperties}), and commits all groups with one merged log ({@code {ts}_m_{host}.jsonl},
 * {@link MergedLogBuilder}) through the lease.
 * <p>
 * Runs on the coordinator. A failure before the commit deletes the parts it wrote; if the commit's outcome is unknown
 * (storage error), they stay and are either listed by the merged log or orphans for {@code remove_orphan_files}.
 */
public final class IcedbMerger
{
    private static final Logger log = Logger.get(IcedbMerger.class);

    private final IcedbMaintenance maintenance;
    private final IcedbMergeCommit mergeCommit;
    private final IcedbPartReader partReader;
    private final IcedbTypeMapping typeMapping;
    private final TrinoToDuckDbTypes trinoToDuckDbTypes;
    private final TrinoFileSystemFactory fileSystemFactory;
    private final PageSorter pageSorter;
    private final String trinoVersion;

    @Inject
    public IcedbMerger(
            IcedbMaintenance maintenance,
            IcedbMergeCommit mergeCommit,
            IcedbPartReader partReader,
            IcedbTypeMapping typeMapping,
            TrinoFileSystemFactory fileSystemFactory,
            PageSorter pageSorter,
            TypeManager typeManager,
            NodeManager nodeManager)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.mergeCommit = requireNonNull(mergeCommit, "mergeCommit is null");
        this.partReader = requireNonNull(partReader, "partReader is null");
        this.typeMapping = requireNonNull(typeMapping, "typeMapping is null");
        this.trinoToDuckDbTypes = new TrinoToDuckDbTypes(typeManager.getTypeOperators());
        this.fileSystemFactory = requireNonNull(fileSystemFactory, "fileSystemFactory is null");
        this.pageSorter = requireNonNull(pageSorter, "pageSorter is null");
        this.trinoVersion = nodeManager.getCurrentNode().getVersion();
    }

    /**
     * Merges with the table's sort order and compression codec ({@link MergeTableProperties}).
     */
    public MergeResult merge(ConnectorSession session, MaintainedTable table, long maxFileSizeBytes, int maxFileCount)
    {
        checkThresholds(maxFileSizeBytes, maxFileCount);
        long startedMillis = maintenance.clock().millis();
        try (LeaseHandle lease = maintenance.acquireLease(session, table, "merge")) {
            return merge(session, table, lease, maxFileSizeBytes, maxFileCount, startedMillis);
        }
        catch (IcedbException e) {
            throw IcedbMaintenance.translate(table, e);
        }
    }

    /**
     * @throws TrinoException {@code INVALID_PROCEDURE_ARGUMENT} for thresholds {@link MergeSelection} cannot apply
     */
    public static void checkThresholds(long maxFileSizeBytes, int maxFileCount)
    {
        if (maxFileSizeBytes <= 0) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, format("max_file_size must be positive: %s", maxFileSizeBytes));
        }
        if (maxFileCount < 2) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, format("max_file_count must be at least 2: %s", maxFileCount));
        }
    }

    private MergeResult merge(ConnectorSession session, MaintainedTable table, LeaseHandle lease, long maxFileSizeBytes, int maxFileCount, long startedMillis)
    {
        // read only now, under the lease, with every log
        TableLogs logs = table.log().readAll();
        if (logs.isEmpty()) {
            log.info("Merge of table %s: the table has no logs, nothing to merge", table);
            return new MergeResult(ImmutableList.of(), Optional.empty());
        }
        Snapshot snapshot = logs.fold();
        MergeTableProperties properties = MergeTableProperties.read(table);
        // a merge engine: every part of a partition, in commit order, combined by key (thresholds do not apply)
        List<MergeGroup> groups = properties.mergeEngine().mergesRows()
                ? MergeSelection.selectWholePartitions(snapshot)
                : MergeSelection.select(snapshot, maxFileSizeBytes, maxFileCount);
        if (groups.isEmpty()) {
            log.info("Merge of table %s: no partition has two or more parts below %s bytes / %s files, nothing to merge", table, maxFileSizeBytes, maxFileCount);
            return new MergeResult(ImmutableList.of(), Optional.empty());
        }
        List<MergeColumn> columns = mergeColumns(table, snapshot.schema());
        Optional<IcedbSortedWriter> sortedWriter = sortedWriter(table, columns, properties.sortedBy());
        // a merge engine's merged rows come out one per key in key order (which leads sorted_by); other merges sort
        List<IcedbSortField> keyOrder = properties.mergeEngine().mergesRows() ? IcedbSortedParts.keyOrder(properties.mergeEngine(), properties.sortedBy()) : ImmutableList.of();
        List<IcedbSortField> writtenOrder;
        if (properties.mergeEngine().mergesRows()) {
            boolean keyLeads = properties.sortedBy().size() >= keyOrder.size() && properties.sortedBy().subList(0, keyOrder.size()).equals(keyOrder);
            writtenOrder = keyLeads ? properties.sortedBy() : keyOrder;
        }
        else {
            writtenOrder = sortedWriter.isPresent() ? properties.sortedBy() : ImmutableList.of();
        }
        IcedbParquetWriterOptions writerOptions = IcedbParquetWriterOptions.defaults()
                .withCompressionCodec(properties.compressionCodec())
                .withKeyValueMetadata(IcedbSortedParts.footerMetadata(writtenOrder));

        TrinoFileSystem fileSystem = fileSystemFactory.create(session);
        List<Location> written = new ArrayList<>();
        List<FileMarker> newParts = new ArrayList<>();
        List<MergedPartition> merged = new ArrayList<>();
        Set<String> replaced = new HashSet<>();
        Map<String, PartStats> statistics = new HashMap<>();
        boolean committing = false;
        try {
            for (MergeGroup group : groups) {
                String key = PartitionPath.newDataKey(table.prefix(), group.partition());
                Location location = table.location().keyLocation(key);
                written.add(location);
                WrittenPart writtenPart = writePart(session, table, fileSystem, location, key, group, columns, snapshot.schema().columns(), sortedWriter, writerOptions, properties.mergeEngine(), keyOrder);
                long rows = writtenPart.rows();
                writtenPart.statistics().ifPresent(stats -> statistics.put(key, stats));
                long bytes = fileSystem.newInputFile(location).length();
                newParts.add(FileMarker.alive(key, bytes, maintenance.clock().millis()));
                group.parts().forEach(part -> replaced.add(part.path()));
                merged.add(new MergedPartition(group.partition(), group.parts().size(), group.totalBytes(), key, bytes, rows));
                maintenance.renewIfHalfGone(table, lease);
            }

            MergedLog mergedLog = mergeCommit.plan(logs, replaced, newParts);
            // the merged parts hold rows of the snapshot read under the lease: they sort after its newest log
            IcedbMergeCommit.recordCommitOrder(table, mergedLog, newParts, snapshot, Set.of());
            committing = true;
            mergeCommit.commit(session, table, lease, mergedLog, startedMillis, new IcedbMergeCommit.Stats(
                    merged.stream().map(MergedPartition::partition).toList(),
                    merged.stream().mapToInt(MergedPartition::partsMerged).sum(),
                    merged.stream().mapToLong(MergedPartition::bytesBefore).sum(),
                    merged.size(),
                    merged.stream().mapToLong(MergedPartition::bytesAfter).sum(),
                    merged.stream().mapToLong(MergedPartition::rows).sum()),
                    statistics);
            MergeResult result = new MergeResult(merged, Optional.of(mergedLog.log().key()));
            return result;
        }
        catch (IOException e) {
            deleteQuietly(fileSystem, written, e);
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Merge of table %s failed: %s", table, e.getMessage()), e);
        }
        catch (LeaseLostException e) {
            // the merged log does not exist and never will: the new parts are garbage
            deleteQuietly(fileSystem, written, e);
            throw IcedbMaintenance.translate(table, e);
        }
        catch (RuntimeException e) {
            if (!committing) {
                deleteQuietly(fileSystem, written, e);
            }
            if (e instanceof IcedbException icedbException) {
                throw IcedbMaintenance.translate(table, icedbException);
            }
            if (e instanceof IllegalArgumentException) {
                throw new TrinoException(GENERIC_INTERNAL_ERROR, format("Merge of table %s failed: %s", table, e.getMessage()), e);
            }
            throw e;
        }
    }

    private WrittenPart writePart(
            ConnectorSession session,
            MaintainedTable table,
            TrinoFileSystem fileSystem,
            Location location,
            String key,
            MergeGroup group,
            List<MergeColumn> columns,
            Map<String, String> duckDbTypes,
            Optional<IcedbSortedWriter> sortedWriter,
            IcedbParquetWriterOptions writerOptions,
            IcedbMergeEngine mergeEngine,
            List<IcedbSortField> keyOrder)
            throws IOException
    {
        List<Type> storageTypes = columns.stream().map(MergeColumn::storageType).collect(toImmutableList());
        IcedbParquetWriter writer = new IcedbParquetWriter(
                fileSystem.newOutputFile(location),
                () -> fileSystem.deleteFile(location),
                columns.stream().map(MergeColumn::name).collect(toImmutableList()),
                storageTypes,
                writerOptions,
                trinoVersion);
        try {
            List<IcedbColumnHandle> handles = columns.stream()
                    .map(column -> new IcedbColumnHandle(column.name(), column.type(), IcedbColumnHandle.Kind.REGULAR))
                    .collect(toImmutableList());
            if (mergeEngine.mergesRows()) {
                // the group's parts (in commit order) merged by key as merge on read does, streaming: one row per key,
                // in key order, which leads sorted_by, so the part is sorted without buffering it
                try (ConnectorPageSource merged = partReader.mergeOnRead(session, table.name(), table.location(), group.partition(), group.parts(), mergeEngine, keyOrder, handles)) {
                    while (!merged.isFinished()) {
                        SourcePage page = merged.getNextSourcePage();
                        if (page != null && page.getPositionCount() > 0) {
                            append(writer, page.getPage());
                        }
                    }
                }
            }
            else if (sortedWriter.isEmpty()) {
                for (FileMarker part : group.parts()) {
                    partReader.read(session, table.name(), table.location(), part, handles, page -> append(writer, page));
                }
            }
            else {
                List<Page> pages = new ArrayList<>();
                for (FileMarker part : group.parts()) {
                    partReader.read(session, table.name(), table.location(), part, handles, pages::add);
                }
                sortedWriter.get().write(pages, writer::appendRows);
            }
            long rows = writer.commit().rowCount();
            return new WrittenPart(rows, statistics(writer, key, columns, duckDbTypes));
        }
        catch (IOException | RuntimeException e) {
            try {
                writer.rollback();
            }
            catch (IOException | RuntimeException rollbackFailure) {
                if (rollbackFailure != e) {
                    e.addSuppressed(rollbackFailure);
                }
            }
            throw e;
        }
    }

    private static void append(IcedbParquetWriter writer, Page page)
    {
        try {
            writer.appendRows(page);
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, "Failed to write merged part: " + e.getMessage(), e);
        }
    }

    /**
     * The log schema's columns with the Trino type they read as and the type they are written as; refuses a table whose
     * columns would not keep their DuckDB type through a rewrite (the merged log's schema must not change).
     */
    private List<MergeColumn> mergeColumns(MaintainedTable table, Schema schema)
    {
        ImmutableList.Builder<MergeColumn> columns = ImmutableList.builder();
        for (Map.Entry<String, DuckDbType> typed : schema.types().entrySet()) {
            Map.Entry<String, String> column = Map.entry(typed.getKey(), schema.columns().get(typed.getKey()));
            DuckDbType duckDbType = typed.getValue();
            Type type = typeMapping.toTrinoType(duckDbType).orElseThrow(() -> cannotMerge(table, column.getKey(), column.getValue(), "Trino cannot represent it"));
            Type storageType;
            String written;
            try {
                storageType = trinoToDuckDbTypes.toStorageType(column.getKey(), type);
                written = DuckDbTypes.print(TrinoToDuckDbTypes.toDuckDbType(column.getKey(), storageType));
            }
            catch (TrinoException e) {
                throw cannotMerge(table, column.getKey(), column.getValue(), e.getMessage());
            }
            if (!written.equals(DuckDbTypes.print(duckDbType))) {
                throw cannotMerge(table, column.getKey(), column.getValue(), "Trino would rewrite it as " + written);
            }
            columns.add(new MergeColumn(column.getKey(), type, storageType));
        }
        return columns.build();
    }

    private Optional<IcedbSortedWriter> sortedWriter(MaintainedTable table, List<MergeColumn> columns, List<IcedbSortField> sortedBy)
    {
        if (sortedBy.isEmpty()) {
            return Optional.empty();
        }
        ImmutableList.Builder<Integer> channels = ImmutableList.builder();
        for (IcedbSortField field : sortedBy) {
            int channel = -1;
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).name().equalsIgnoreCase(field.column())) {
                    channel = i;
                    break;
                }
            }
            if (channel < 0) {
                throw new TrinoException(NOT_SUPPORTED, format("Cannot merge table %s: sort column '%s' is not a column of the table's log schema", table, field.column()));
            }
            if (!columns.get(channel).storageType().isOrderable()) {
                throw new TrinoException(NOT_SUPPORTED, format("Cannot merge table %s: sort column '%s' of type %s is not orderable", table, field.column(), columns.get(channel).storageType()));
            }
            channels.add(channel);
        }
        return Optional.of(new IcedbSortedWriter(
                pageSorter,
                columns.stream().map(MergeColumn::storageType).collect(toImmutableList()),
                channels.build(),
                sortedBy.stream().map(IcedbSortField::order).collect(toImmutableList())));
    }

    private static TrinoException cannotMerge(MaintainedTable table, String column, String duckDbType, String reason)
    {
        return new TrinoException(NOT_SUPPORTED, format("Cannot merge table %s: column '%s' of DuckDB type %s cannot be rewritten faithfully (%s)", table, column, duckDbType, reason));
    }

    private static void deleteQuietly(TrinoFileSystem fileSystem, List<Location> locations, Exception failure)
    {
        for (Location location : locations) {
            try {
                fileSystem.deleteFile(location);
            }
            catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /**
     * The merged part's statistics from the footer just written, for the merged log's sidecar; none when they fail
     * (statistics are advice: readers then take them from the footer).
     */
    private static Optional<PartStats> statistics(IcedbParquetWriter writer, String key, List<MergeColumn> columns, Map<String, String> duckDbTypes)
    {
        try {
            Map<String, Type> types = columns.stream().collect(toImmutableMap(MergeColumn::name, MergeColumn::type));
            return Optional.of(IcedbFooterStatistics.of(writer.footer(), new ParquetDataSourceId(key), types, duckDbTypes));
        }
        catch (IOException | RuntimeException e) {
            log.warn(e, "Failed to take the statistics of merged part %s", key);
            return Optional.empty();
        }
    }

    private record WrittenPart(long rows, Optional<PartStats> statistics) {}

    private record MergeColumn(String name, Type type, Type storageType)
    {
        MergeColumn
        {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
            requireNonNull(storageType, "storageType is null");
        }
    }
}
