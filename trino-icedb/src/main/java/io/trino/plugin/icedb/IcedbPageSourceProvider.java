package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.inject.Inject;
import io.trino.filesystem.Location;
import io.trino.filesystem.TrinoFileSystem;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.filesystem.TrinoInputFile;
import io.trino.memory.context.AggregatedMemoryContext;
import io.trino.parquet.Column;
import io.trino.parquet.Field;
import io.trino.parquet.ParquetDataSource;
import io.trino.parquet.ParquetReaderOptions;
import io.trino.parquet.metadata.FileMetadata;
import io.trino.parquet.metadata.ParquetMetadata;
import io.trino.parquet.predicate.TupleDomainParquetPredicate;
import io.trino.parquet.reader.MetadataReader;
import io.trino.parquet.reader.ParquetReader;
import io.trino.parquet.reader.RowGroupInfo;
import io.trino.plugin.icedb.mergeengine.IcedbMergeOnReadPageSource;
import io.trino.plugin.icedb.mergeengine.IcedbMergeOnReadPredicates;
import io.trino.plugin.icedb.mergeengine.IcedbMergeSplit;
import io.trino.plugin.icedb.reader.IcedbCoercions;
import io.trino.plugin.icedb.reader.IcedbPageSource;
import io.trino.plugin.icedb.reader.IcedbParquetDataSource;
import io.trino.plugin.icedb.reader.IcedbPartErrors;
import io.trino.plugin.icedb.reader.IcedbPartLevelValues;
import io.trino.plugin.icedb.reader.IcedbPartitions;
import io.trino.plugin.icedb.reader.IcedbProjections;
import io.trino.spi.connector.ColumnHandle;
import io.trino.spi.connector.ConnectorPageSource;
import io.trino.spi.connector.ConnectorPageSourceProvider;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorSplit;
import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.connector.DynamicFilter;
import io.trino.spi.connector.EmptyPageSource;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.NullableValue;
import io.trino.spi.predicate.TupleDomain;
import io.trino.spi.type.TypeManager;
import io.trino.spi.type.TypeOperators;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.io.ColumnIO;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.joda.time.DateTimeZone;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.airlift.slice.Slices.utf8Slice;
import static io.trino.memory.context.AggregatedMemoryContext.newSimpleAggregatedMemoryContext;
import static io.trino.parquet.ParquetTypeUtils.constructField;
import static io.trino.parquet.ParquetTypeUtils.getColumnIO;
import static io.trino.parquet.ParquetTypeUtils.getDescriptors;
import static io.trino.parquet.ParquetTypeUtils.getParquetTypeByName;
import static io.trino.parquet.ParquetTypeUtils.lookupColumnByName;
import static io.trino.parquet.predicate.PredicateUtils.buildPredicate;
import static io.trino.parquet.predicate.PredicateUtils.getFilteredRowGroups;
import static io.trino.spi.predicate.Utils.nativeValueToBlock;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Objects.requireNonNull;

/**
 * Reads a part with trino-parquet: columns by name, row groups pruned by statistics, dictionaries and bloom filters,
 * pages by column indexes.
 */
public final class IcedbPageSourceProvider
        implements ConnectorPageSourceProvider
{
    private static final int DOMAIN_COMPACTION_THRESHOLD = 1000;

    private final TrinoFileSystemFactory fileSystemFactory;
    private final IcedbTypeMapping typeMapping;
    private final ParquetReaderOptions options = ParquetReaderOptions.defaultOptions();

    private final TypeOperators typeOperators;

    @Inject
    public IcedbPageSourceProvider(TrinoFileSystemFactory fileSystemFactory, IcedbTypeMapping typeMapping, TypeManager typeManager)
    {
        this.typeOperators = typeManager.getTypeOperators();
        this.fileSystemFactory = requireNonNull(fileSystemFactory, "fileSystemFactory is null");
        this.typeMapping = requireNonNull(typeMapping, "typeMapping is null");
    }

    @Override
    public ConnectorPageSource createPageSource(
            ConnectorTransactionHandle transaction,
            ConnectorSession session,
            ConnectorSplit connectorSplit,
            ConnectorTableHandle connectorTable,
            List<ColumnHandle> columnHandles,
            DynamicFilter dynamicFilter)
    {
        IcedbTableHandle table = (IcedbTableHandle) connectorTable;
        List<IcedbColumnHandle> columns = columnHandles.stream()
                .map(IcedbColumnHandle.class::cast)
                .collect(toImmutableList());

        TupleDomain<IcedbColumnHandle> predicate = table.unenforcedPredicate()
                .intersect(dynamicFilter.getCurrentPredicate().transformKeys(IcedbColumnHandle.class::cast));
        if (connectorSplit instanceof IcedbMergeSplit mergeSplit) {
            return createMergeOnReadPageSource(session, table.schemaTableName(), mergeSplit, columns, predicate);
        }
        IcedbSplit split = (IcedbSplit) connectorSplit;
        return createPageSource(session, table.schemaTableName(), split, columns, predicate);
    }

    /**
     * The rows of a partition of a table with a merge engine, one per key. Only predicates on key columns skip row
     * groups and pages: skipping by another column could drop a key's newest row and bring back an older one.
     */
    public ConnectorPageSource createMergeOnReadPageSource(ConnectorSession session, SchemaTableName table, IcedbMergeSplit split, List<IcedbColumnHandle> columns, TupleDomain<IcedbColumnHandle> predicate)
    {
        // with a merge row id, the merged rows' positions must be those a rewrite reading the whole partition finds
        boolean rowIds = columns.stream().anyMatch(column -> column.kind() == IcedbColumnHandle.Kind.MERGE_ROW_ID);
        TupleDomain<IcedbColumnHandle> keyPredicate = rowIds ? TupleDomain.all() : IcedbMergeOnReadPredicates.keyPredicate(predicate, split.engine());
        return new IcedbMergeOnReadPageSource(split, columns, (part, readColumns) -> createPageSource(session, table, part, readColumns, keyPredicate), typeOperators);
    }

    /**
     * The rows of a split: what queries read, and what rewrites (merges) read a whole part with.
     *
     * @param predicate skips row groups and pages that cannot match; rows are not filtered
     */
    public ConnectorPageSource createPageSource(ConnectorSession session, SchemaTableName table, IcedbSplit split, List<IcedbColumnHandle> columns, TupleDomain<IcedbColumnHandle> predicate)
    {
        if (predicate.isNone() || !IcedbPartLevelValues.matches(split, predicate)) {
            return new EmptyPageSource();
        }

        TrinoFileSystem fileSystem = fileSystemFactory.create(session);
        TrinoInputFile inputFile = fileSystem.newInputFile(Location.of(split.path()), split.fileSize());
        IcedbPartErrors errors = new IcedbPartErrors(fileSystem, split.path(), split.fileSize(), table);
        ParquetDataSource dataSource = null;
        try {
            dataSource = new IcedbParquetDataSource(inputFile, split.fileSize(), options);
            return createPageSource(dataSource, split, columns, predicate, errors);
        }
        catch (Exception e) {
            if (dataSource != null) {
                try {
                    dataSource.close();
                }
                catch (IOException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
            }
            throw errors.translate(e);
        }
    }

    private ConnectorPageSource createPageSource(ParquetDataSource dataSource, IcedbSplit split, List<IcedbColumnHandle> columns, TupleDomain<IcedbColumnHandle> predicate, IcedbPartErrors errors)
            throws IOException
    {
        AggregatedMemoryContext memoryContext = newSimpleAggregatedMemoryContext();
        ParquetMetadata parquetMetadata = MetadataReader.readFooter(dataSource, Optional.empty());
        // a marker size smaller than the part's data would silently drop the row groups beyond it
        errors.checkDataEnd(parquetMetadata);
        FileMetadata fileMetadata = parquetMetadata.getFileMetaData();
        MessageType fileSchema = fileMetadata.getSchema();

        // the physical columns to read: schema columns the part has; a part may lack some and have others
        Map<String, Type> physicalColumns = new LinkedHashMap<>();
        for (IcedbColumnHandle column : columns) {
            if (column.kind() == IcedbColumnHandle.Kind.REGULAR) {
                Type parquetType = getParquetTypeByName(column.name(), fileSchema);
                if (parquetType != null) {
                    physicalColumns.putIfAbsent(column.name(), parquetType);
                }
            }
        }
        MessageType requestedSchema = new MessageType(fileSchema.getName(), ImmutableList.copyOf(physicalColumns.values()));
        MessageColumnIO messageColumnIO = getColumnIO(fileSchema, requestedSchema);
        Map<List<String>, ColumnDescriptor> descriptorsByPath = getDescriptors(fileSchema, requestedSchema);

        TupleDomain<ColumnDescriptor> parquetTupleDomain = parquetTupleDomain(predicate, physicalColumns, descriptorsByPath);
        TupleDomainParquetPredicate parquetPredicate = buildPredicate(requestedSchema, parquetTupleDomain, descriptorsByPath, DateTimeZone.UTC);
        List<RowGroupInfo> rowGroups = getFilteredRowGroups(
                split.start(),
                split.length(),
                dataSource,
                parquetMetadata,
                ImmutableList.of(parquetTupleDomain),
                ImmutableList.of(parquetPredicate),
                descriptorsByPath,
                DateTimeZone.UTC,
                DOMAIN_COMPACTION_THRESHOLD,
                options);

        Map<String, Optional<String>> hiveKeys = IcedbPartitions.hiveKeys(split.partition());
        // each base column the part has is read once, pruned to the struct fields the query uses
        Map<String, List<IcedbColumnHandle>> handlesByColumn = new LinkedHashMap<>();
        for (IcedbColumnHandle column : columns) {
            if (column.kind() == IcedbColumnHandle.Kind.REGULAR && physicalColumns.containsKey(column.name())) {
                handlesByColumn.computeIfAbsent(column.name(), _ -> new ArrayList<>()).add(column);
            }
        }
        List<Column> parquetColumns = new ArrayList<>();
        Map<String, ReadColumn> readColumns = new HashMap<>();
        for (Map.Entry<String, List<IcedbColumnHandle>> entry : handlesByColumn.entrySet()) {
            IcedbColumnHandle first = entry.getValue().getFirst();
            Type parquetType = physicalColumns.get(entry.getKey());
            boolean whole = entry.getValue().stream().anyMatch(IcedbColumnHandle::isBaseColumn);
            io.trino.spi.type.Type prunedType = whole
                    ? first.baseType()
                    : IcedbProjections.prune(first.baseType(), entry.getValue().stream().map(IcedbColumnHandle::path).toList());
            Optional<IcedbCoercions.Coercion> coercion = whole
                    ? IcedbCoercions.coercion(first.baseType(), typeMapping.jsonType(), parquetType)
                    : Optional.empty();
            io.trino.spi.type.Type readType = coercion.map(IcedbCoercions.Coercion::readType).orElseGet(() -> typeMapping.readType(prunedType));
            ColumnIO columnIO = lookupColumnByName(messageColumnIO, parquetType.getName());
            Optional<Field> field = columnIO == null ? Optional.empty() : constructField(readType, columnIO);
            if (field.isPresent()) {
                readColumns.put(entry.getKey(), new ReadColumn(parquetColumns.size(), prunedType, coercion));
                parquetColumns.add(new Column(entry.getKey(), field.get()));
            }
        }

        // DELETE, UPDATE and MERGE read each row's position in the part: the reader appends it after the columns
        boolean rowNumbers = columns.stream().anyMatch(column -> column.kind() == IcedbColumnHandle.Kind.MERGE_ROW_ID);
        ImmutableList.Builder<IcedbPageSource.ColumnSource> sources = ImmutableList.builder();
        for (IcedbColumnHandle column : columns) {
            if (column.kind() == IcedbColumnHandle.Kind.MERGE_ROW_ID) {
                sources.add(IcedbPageSource.ColumnSource.rowId(parquetColumns.size(), nativeValueToBlock(VARCHAR, utf8Slice(split.path()))));
                continue;
            }
            if (column.kind() != IcedbColumnHandle.Kind.REGULAR) {
                NullableValue value = IcedbPartLevelValues.value(column, split, hiveKeys);
                sources.add(IcedbPageSource.ColumnSource.constant(nativeValueToBlock(column.type(), value.getValue())));
                continue;
            }
            ReadColumn read = readColumns.get(column.name());
            if (read == null) {
                // a column the part lacks reads as NULL
                sources.add(IcedbPageSource.ColumnSource.constant(column.type().createNullBlock()));
            }
            else if (column.isBaseColumn()) {
                sources.add(IcedbPageSource.ColumnSource.channel(read.channel(), read.coercion().map(IcedbCoercions.Coercion::convert)));
            }
            else {
                List<Integer> fieldIndexes = IcedbProjections.fieldIndexes(read.type(), column.path());
                sources.add(IcedbPageSource.ColumnSource.channel(read.channel(), Optional.of(block -> IcedbProjections.dereference(block, fieldIndexes))));
            }
        }

        ParquetReader reader = new ParquetReader(
                Optional.ofNullable(fileMetadata.getCreatedBy()),
                parquetColumns,
                rowNumbers,
                rowGroups,
                dataSource,
                DateTimeZone.UTC,
                memoryContext,
                options,
                errors::translate,
                Optional.of(parquetPredicate),
                Optional.empty());
        return new IcedbPageSource(reader, sources.build(), errors, fileMetadata.getKeyValueMetaData());
    }

    private record ReadColumn(int channel, io.trino.spi.type.Type type, Optional<IcedbCoercions.Coercion> coercion) {}

    private static TupleDomain<ColumnDescriptor> parquetTupleDomain(
            TupleDomain<IcedbColumnHandle> predicate,
            Map<String, Type> physicalColumns,
            Map<List<String>, ColumnDescriptor> descriptorsByPath)
    {
        if (predicate.isNone()) {
            return TupleDomain.none();
        }
        ImmutableMap.Builder<ColumnDescriptor, Domain> domains = ImmutableMap.builder();
        for (Map.Entry<IcedbColumnHandle, Domain> entry : predicate.getDomains().orElseThrow().entrySet()) {
            IcedbColumnHandle column = entry.getKey();
            Type parquetType = physicalColumns.get(column.name());
            if (column.kind() != IcedbColumnHandle.Kind.REGULAR || parquetType == null) {
                continue;
            }
            // a descriptor exists only for a primitive leaf: the column itself or a struct field of it
            ColumnDescriptor descriptor = descriptorsByPath.get(ImmutableList.<String>builder().add(parquetType.getName()).addAll(column.path()).build());
            if (descriptor != null) {
                domains.put(descriptor, entry.getValue());
            }
        }
        return TupleDomain.withColumnDomains(domains.buildKeepingLast());
    }
}
