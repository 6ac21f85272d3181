package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.icedb.engine.exceptions.StorageException;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.spec.Schema;
import io.icedb.engine.types.DuckDbTypes;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.plugin.icedb.catalog.IcedbCatalog;
import io.trino.plugin.icedb.catalog.IcedbTableDeletion;
import io.trino.plugin.icedb.dml.IcedbTableReplacement;
import io.trino.plugin.icedb.fileio.IcedbFileIoFactory;
import io.trino.plugin.icedb.layout.IcedbPartitionSpec;
import io.trino.plugin.icedb.layout.IcedbSortField;
import io.trino.plugin.icedb.maintenance.IcedbMaintenance;
import io.trino.plugin.icedb.maintenance.IcedbTableLease;
import io.trino.plugin.icedb.mergeengine.IcedbAggregate;
import io.trino.plugin.icedb.mergeengine.IcedbMergeEngine;
import io.trino.plugin.icedb.writer.IcedbParquetWriter;
import io.trino.plugin.icedb.writer.TrinoToDuckDbTypes;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.connector.SchemaNotFoundException;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.security.ConnectorIdentity;
import io.trino.spi.type.Type;
import io.trino.spi.type.TypeManager;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.plugin.icedb.IcedbTableProperties.AGGREGATES_PROPERTY;
import static io.trino.plugin.icedb.IcedbTableProperties.COMPRESSION_CODEC_PROPERTY;
import static io.trino.plugin.icedb.IcedbTableProperties.LOCATION_PROPERTY;
import static io.trino.plugin.icedb.IcedbTableProperties.MERGE_ENGINE_PROPERTY;
import static io.trino.plugin.icedb.IcedbTableProperties.PARQUET_BLOOM_FILTER_COLUMNS_PROPERTY;
import static io.trino.plugin.icedb.IcedbTableProperties.PARTITIONING_PROPERTY;
import static io.trino.plugin.icedb.IcedbTableProperties.PRIMARY_KEY_PROPERTY;
import static io.trino.plugin.icedb.IcedbTableProperties.SORTED_BY_PROPERTY;
import static io.trino.plugin.icedb.IcedbTableProperties.VERSION_COLUMN_PROPERTY;
import static io.trino.plugin.icedb.catalog.IcedbCatalog.checkColumnName;
import static io.trino.plugin.icedb.catalog.IcedbCatalog.checkNewName;
import static io.trino.spi.StandardErrorCode.ALREADY_EXISTS;
import static io.trino.spi.StandardErrorCode.INVALID_TABLE_PROPERTY;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * The table's definition: what CREATE TABLE declares (columns as DuckDB types, partitioning, sort order, codec, bloom
 * filter columns, location, comments), checked and turned into the first log's schema and the properties file
 * ({@link IcedbTableDefinition}); the properties SHOW CREATE TABLE prints and the write layout they imply.
 */
public final class IcedbTableDefinitions
{
    private static final Logger log = Logger.get(IcedbTableDefinitions.class);

    private final IcedbCatalog catalog;
    private final IcedbFileIoFactory fileIoFactory;
    private final IcedbSnapshotLoader snapshotLoader;
    private final IcedbMaintenance maintenance;
    private final TrinoFileSystemFactory fileSystemFactory;
    private final TrinoToDuckDbTypes trinoToDuckDbTypes;

    @Inject
    public IcedbTableDefinitions(IcedbCatalog catalog, IcedbFileIoFactory fileIoFactory, IcedbSnapshotLoader snapshotLoader, IcedbMaintenance maintenance, TypeManager typeManager, TrinoFileSystemFactory fileSystemFactory)
    {
        this.fileSystemFactory = requireNonNull(fileSystemFactory, "fileSystemFactory is null");
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.fileIoFactory = requireNonNull(fileIoFactory, "fileIoFactory is null");
        this.snapshotLoader = requireNonNull(snapshotLoader, "snapshotLoader is null");
        this.trinoToDuckDbTypes = new TrinoToDuckDbTypes(typeManager.getTypeOperators());
    }

    /**
     * The Trino type a column of {@code type} is stored as; refuses a type IceDB cannot store faithfully.
     */
    public Optional<Type> getSupportedType(Type type)
    {
        Type storageType;
        try {
            storageType = trinoToDuckDbTypes.toStorageType("column", type);
        }
        catch (TrinoException _) {
            // refused with the column's name when the table is created
            return Optional.empty();
        }
        return storageType.equals(type) ? Optional.empty() : Optional.of(storageType);
    }

    /**
     * The type a column of {@code type} is written as; refuses, naming the column, a type IceDB cannot store faithfully.
     */
    public Type storageType(String column, Type type)
    {
        return trinoToDuckDbTypes.toStorageType(column, type);
    }

    /**
     * The DuckDB type string a column of {@code type} is written as.
     */
    public static String duckDbType(String column, Type type)
    {
        return DuckDbTypes.print(TrinoToDuckDbTypes.toDuckDbType(column, type));
    }

    /**
     * @param replaced for {@code CREATE OR REPLACE TABLE} of a table that exists: its location; the new definition
     * must keep its columns, their types and its partitioning
     */
    public NewTable prepareNewTable(ConnectorSession session, ConnectorTableMetadata tableMetadata, Optional<IcedbTableLocation> replaced)
    {
        SchemaTableName tableName = tableMetadata.getTable();
        checkNewName(tableName.getTableName(), "table");
        if (!catalog.schemaExists(session.getIdentity(), tableName.getSchemaName())) {
            throw new SchemaNotFoundException(tableName.getSchemaName());
        }
        Map<String, Type> columnTypes = new LinkedHashMap<>();
        Map<String, String> schema = new LinkedHashMap<>();
        Map<String, String> columnComments = new LinkedHashMap<>();
        for (ColumnMetadata column : tableMetadata.getColumns()) {
            if (column.isHidden()) {
                continue;
            }
            if (!column.isNullable()) {
                throw new TrinoException(NOT_SUPPORTED, format("Column '%s' of table %s is NOT NULL: IceDB columns are always nullable", column.getName(), tableName));
            }
            checkColumnName(column.getName());
            if (columnTypes.put(column.getName(), column.getType()) != null) {
                throw new TrinoException(ALREADY_EXISTS, format("Column '%s' of table %s is defined twice", column.getName(), tableName));
            }
            schema.put(column.getName(), duckDbType(column.getName(), column.getType()));
            Optional.ofNullable(column.getComment()).ifPresent(comment -> columnComments.put(column.getName(), comment));
        }
        if (schema.isEmpty()) {
            throw new TrinoException(NOT_SUPPORTED, format("Table %s has no columns", tableName));
        }
        Map<String, Object> properties = tableMetadata.getProperties();
        IcedbPartitionSpec spec = IcedbPartitionSpec.parse(IcedbTableProperties.getPartitioning(properties), columnTypes);
        List<IcedbSortField> sortFields = IcedbSortField.parse(IcedbTableProperties.getSortedBy(properties), columnTypes);
        List<String> bloomFilterColumns = IcedbTableProperties.getParquetBloomFilterColumns(properties);
        for (String column : bloomFilterColumns) {
            Type type = columnTypes.get(column);
            if (type == null) {
                throw new TrinoException(INVALID_TABLE_PROPERTY, format("Invalid parquet_bloom_filter_columns: '%s' is not a column of the table (columns: %s)", column, columnTypes.keySet()));
            }
            if (!IcedbParquetWriter.supportsBloomFilter(type)) {
                throw new TrinoException(INVALID_TABLE_PROPERTY, format("Invalid parquet_bloom_filter_columns: column '%s' has type %s, which has no Parquet bloom filter", column, type));
            }
        }
        IcedbMergeEngine mergeEngine = IcedbMergeEngine.create(
                IcedbTableProperties.getMergeEngine(properties),
                IcedbTableProperties.getPrimaryKey(properties),
                IcedbTableProperties.getVersionColumn(properties),
                IcedbTableProperties.getAggregates(properties),
                columnTypes,
                spec);
        IcedbTableDefinition definition = new IcedbTableDefinition(
                spec.expressions(),
                mergeEngine.sortOrder(sortFields).stream().map(IcedbSortField::expression).collect(toImmutableList()),
                IcedbTableProperties.getCompressionCodec(properties),
                bloomFilterColumns,
                tableMetadata.getComment(),
                columnComments,
                mergeEngine);

        IcedbTableLocation defaultLocation = catalog.tableDirectory(tableName);
        IcedbTableLocation location = IcedbTableProperties.getLocation(properties)
                .map(value -> {
                    try {
                        return IcedbTableLocation.parse(value);
                    }
                    catch (IllegalArgumentException e) {
                        throw new TrinoException(INVALID_TABLE_PROPERTY, format("Invalid location '%s': %s", value, e.getMessage()), e);
                    }
                })
                .orElse(defaultLocation);
        boolean registerLocation = !location.equals(defaultLocation);
        if (replaced.isPresent()) {
            IcedbTableLocation current = replaced.get();
            if (IcedbTableProperties.getLocation(properties).isPresent() && !location.equals(current)) {
                throw new TrinoException(NOT_SUPPORTED, format("Cannot replace table %s at %s with a table at another location (%s)", tableName, current, location));
            }
            Schema currentSchema = maintenance.table(session, tableName, current).currentSchema().orElse(Schema.EMPTY);
            List<String> currentPartitioning = findDefinition(session.getIdentity(), current).map(IcedbTableDefinition::partitioning).orElse(ImmutableList.of());
            IcedbTableReplacement.checkCompatible(tableName, currentSchema, new Schema(schema), currentPartitioning, definition.partitioning());
            return new NewTable(current, new Schema(schema), definition, false);
        }
        catalog.locationChecker().checkLocation(session.getIdentity(), tableName, location, false, INVALID_TABLE_PROPERTY);
        boolean holdsTable;
        try {
            holdsTable = snapshotLoader.tableLog(session.getIdentity(), location).hasLogs();
        }
        catch (StorageException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to check the location %s of table %s", location, tableName), e);
        }
        if (holdsTable && catalog.isDropped(session.getIdentity(), location)) {
            // a DROP TABLE that stopped after marking the table dropped (its commit point): finish it
            log.warn("Table %s at %s was marked dropped by a DROP TABLE that did not finish: deleting its objects before creating the table", tableName, location);
            IcedbTableDeletion.drop(maintenance, fileSystemFactory, session, tableName, location);
            try {
                holdsTable = snapshotLoader.tableLog(session.getIdentity(), location).hasLogs();
            }
            catch (StorageException e) {
                throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to check the location %s of table %s", location, tableName), e);
            }
        }
        if (holdsTable && !registerLocation) {
            // a concurrent statement created the table since this one looked it up
            throw new TrinoException(ALREADY_EXISTS, format("Table already exists: %s (%s holds a table)", tableName, location));
        }
        if (holdsTable) {
            throw new TrinoException(ALREADY_EXISTS, format("Cannot create table %s: location %s already holds an IceDB table (use register_table to expose it)", tableName, location));
        }
        return new NewTable(location, new Schema(schema), definition, registerLocation);
    }

    /**
     * A table CREATE TABLE is about to make: where, its log schema, its definition, and whether its location is outside
     * the warehouse (then it is registered).
     */
    public record NewTable(IcedbTableLocation location, Schema schema, IcedbTableDefinition definition, boolean registerLocation)
    {
        public NewTable
        {
            requireNonNull(location, "location is null");
            requireNonNull(schema, "schema is null");
            requireNonNull(definition, "definition is null");
        }
    }

    /**
     * The table's properties and comments ({@link IcedbTableDefinition#DEFAULT} when it has none).
     */
    public IcedbTableDefinition definition(ConnectorIdentity identity, IcedbTableLocation location)
    {
        return findDefinition(identity, location).orElse(IcedbTableDefinition.DEFAULT);
    }

    /**
     * The table's properties and comments; empty for a table without a properties file (one Python wrote).
     */
    public Optional<IcedbTableDefinition> findDefinition(ConnectorIdentity identity, IcedbTableLocation location)
    {
        return IcedbTableDefinition.find(fileIoFactory.create(identity, location), location);
    }

    public void setTableComment(ConnectorSession session, IcedbTableHandle table, Optional<String> comment)
    {
        IcedbTableLocation location = table.tableLocation();
        IcedbFileIo fileIo = fileIoFactory.create(session.getIdentity(), location);
        // read-modify-write of the properties under the lease: concurrent property changes never lose one another
        IcedbTableLease.withLease(maintenance, session, maintenance.table(session, table.schemaTableName(), location), "set-comment", _ -> {
            IcedbTableDefinition.read(fileIo, location).withComment(comment).write(fileIo, location);
            return null;
        });
    }

    public void setColumnComment(ConnectorSession session, IcedbTableHandle table, String column, Optional<String> comment)
    {
        IcedbTableLocation location = table.tableLocation();
        IcedbFileIo fileIo = fileIoFactory.create(session.getIdentity(), location);
        IcedbTableLease.withLease(maintenance, session, maintenance.table(session, table.schemaTableName(), location), "set-comment", _ -> {
            IcedbTableDefinition.read(fileIo, location).withColumnComment(column, comment).write(fileIo, location);
            return null;
        });
    }

    /**
     * The table properties SHOW CREATE TABLE prints.
     */
    public static Map<String, Object> tableProperties(IcedbTableLocation location, Optional<IcedbTableDefinition> storedDefinition)
    {
        Map<String, Object> properties = new HashMap<>();
        properties.put(LOCATION_PROPERTY, location.location());
        if (storedDefinition.isEmpty()) {
            return ImmutableMap.copyOf(properties);
        }
        IcedbTableDefinition definition = storedDefinition.get();
        if (!definition.partitioning().isEmpty()) {
            properties.put(PARTITIONING_PROPERTY, definition.partitioning());
        }
        if (!definition.sortedBy().isEmpty()) {
            properties.put(SORTED_BY_PROPERTY, definition.sortedBy());
        }
        if (!definition.parquetBloomFilterColumns().isEmpty()) {
            properties.put(PARQUET_BLOOM_FILTER_COLUMNS_PROPERTY, definition.parquetBloomFilterColumns());
        }
        properties.put(COMPRESSION_CODEC_PROPERTY, definition.compressionCodec());
        IcedbMergeEngine mergeEngine = definition.mergeEngine();
        if (!mergeEngine.primaryKey().isEmpty()) {
            properties.put(PRIMARY_KEY_PROPERTY, mergeEngine.primaryKey());
        }
        if (mergeEngine.mergesRows()) {
            properties.put(MERGE_ENGINE_PROPERTY, mergeEngine.type().propertyValue());
        }
        mergeEngine.versionColumn().ifPresent(column -> properties.put(VERSION_COLUMN_PROPERTY, column));
        if (!mergeEngine.aggregates().isEmpty()) {
            properties.put(AGGREGATES_PROPERTY, mergeEngine.aggregates().stream().map(IcedbAggregate::expression).collect(toImmutableList()));
        }
        return ImmutableMap.copyOf(properties);
    }
}
