package io.trino.plugin.icedb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.inject.Inject;
import io.airlift.json.JsonCodec;
import io.airlift.log.Logger;
import io.airlift.slice.Slice;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.exceptions.LeaseUnavailableException;
import io.icedb.engine.identity.TableIdentity;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.Schema;
import io.icedb.engine.spec.TablePaths;
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
import io.trino.plugin.icedb.maintenance.MaintainedTable;
import io.trino.plugin.icedb.writer.IcedbParquetWriter;
import io.trino.plugin.icedb.writer.TrinoToDuckDbTypes;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTableLayout;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.connector.RetryMode;
import io.trino.spi.connector.SaveMode;
import io.trino.spi.connector.SchemaNotFoundException;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.TableNotFoundException;
import io.trino.spi.security.ConnectorIdentity;
import io.trino.spi.type.Type;
import io.trino.spi.type.TypeManager;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_INVALID_REGISTRATION;
import static io.trino.plugin.icedb.IcedbTableProperties.COMPRESSION_CODEC_PROPERTY;
import static io.trino.plugin.icedb.IcedbTableProperties.LOCATION_PROPERTY;
import static io.trino.plugin.icedb.IcedbTableProperties.PARQUET_BLOOM_FILTER_COLUMNS_PROPERTY;
import static io.trino.plugin.icedb.IcedbTableProperties.PARTITIONING_PROPERTY;
import static io.trino.plugin.icedb.IcedbTableProperties.SORTED_BY_PROPERTY;
import static io.trino.spi.StandardErrorCode.ALREADY_EXISTS;
import static io.trino.spi.StandardErrorCode.COLUMN_ALREADY_EXISTS;
import static io.trino.spi.StandardErrorCode.INVALID_SCHEMA_PROPERTY;
import static io.trino.spi.StandardErrorCode.INVALID_TABLE_PROPERTY;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static io.trino.spi.StandardErrorCode.SCHEMA_NOT_EMPTY;
import static java.lang.String.format;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Locale.ENGLISH;
import static java.util.Objects.requireNonNull;

/**
 * The write side of the metadata: schemas, table creation and removal, table properties and comments, and the
 * commits of INSERT, CREATE TABLE AS and ADD COLUMN. {@link IcedbMetadata} delegates to it.
 * <p>
 * A schema is a directory of the warehouse marked by the object {@code <schema>/_icedb/schema.json} (S3 has no empty
 * directories). A table created without {@code location} lives in {@code <schema>/<table>/}; one created with a
 * {@code location} elsewhere is registered like {@code register_table} does, with {@code "created_by_trino": true}
 * in its registration, so DROP TABLE deletes its objects (a table registered with {@code register_table} is only
 * unregistered).
 */
public final class IcedbWriteOperations
{
    public static final String SCHEMA_MARKER_FILE = "schema.json";
    private static final Logger log = Logger.get(IcedbWriteOperations.class);
    private static final String CREATED_BY_TRINO = "created_by_trino";
    // statements racing to create a table hold its lease only while committing the first log
    private static final Duration CREATE_LEASE_WAIT = Duration.ofSeconds(30);
    /**
     * Schema and table names: they are key prefixes of every object of the table, and S3 keys have at most 1,024 bytes.
     */
    public static final int MAX_NAME_LENGTH = IcedbCatalog.MAX_NAME_LENGTH;
    public static final int MAX_COLUMN_NAME_LENGTH = 255;
    private static final ObjectMapper OBJECT_MAPPER = new ObjectMapper();

    private final IcedbCatalog catalog;
    private final IcedbFileIoFactory fileIoFactory;
    private final TrinoFileSystemFactory fileSystemFactory;
    private final IcedbLogCommitter committer;
    private final IcedbMaintenance maintenance;
    private final JsonCodec<IcedbWrittenPart> partCodec;
    private final TrinoToDuckDbTypes trinoToDuckDbTypes;

    @Inject
    public IcedbWriteOperations(
            IcedbCatalog catalog,
            IcedbFileIoFactory fileIoFactory,
            TrinoFileSystemFactory fileSystemFactory,
            IcedbLogCommitter committer,
            IcedbMaintenance maintenance,
            JsonCodec<IcedbWrittenPart> partCodec,
            TypeManager typeManager)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.fileIoFactory = requireNonNull(fileIoFactory, "fileIoFactory is null");
        this.fileSystemFactory = requireNonNull(fileSystemFactory, "fileSystemFactory is null");
        this.committer = requireNonNull(committer, "committer is null");
        this.partCodec = requireNonNull(partCodec, "partCodec is null");
        this.trinoToDuckDbTypes = new TrinoToDuckDbTypes(typeManager.getTypeOperators());
    }

    // schemas

    public void createSchema(ConnectorSession session, String schemaName, Map<String, Object> properties)
    {
        if (!properties.isEmpty()) {
            throw new TrinoException(INVALID_SCHEMA_PROPERTY, "Schema properties are not supported: " + properties.keySet());
        }
        checkName(schemaName, "schema");
        if (catalog.schemaExists(session.getIdentity(), schemaName)) {
            throw new TrinoException(ALREADY_EXISTS, format("Schema '%s' already exists", schemaName));
        }
        IcedbTableLocation schema = catalog.warehouse().child(schemaName);
        try {
            fileIoFactory.create(session.getIdentity(), schema).overwrite(schemaMarkerKey(schema), "{}".getBytes(UTF_8));
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to create schema '%s' at %s", schemaName, schema), e);
        }
    }

    public void dropSchema(ConnectorSession session, String schemaName, boolean cascade)
    {
        if (!catalog.schemaExists(session.getIdentity(), schemaName)) {
            throw new SchemaNotFoundException(schemaName);
        }
        if (cascade) {
            throw new TrinoException(NOT_SUPPORTED, "This connector does not support dropping schemas with CASCADE option");
        }
        if (!catalog.listTables(session.getIdentity(), Optional.of(schemaName)).isEmpty()) {
            throw new TrinoException(SCHEMA_NOT_EMPTY, format("Cannot drop non-empty schema '%s'", schemaName));
        }
        IcedbTableLocation schema = catalog.warehouse().child(schemaName);
        try {
            fileSystemFactory.create(session.getIdentity()).deleteDirectory(schema.directory());
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to drop schema '%s' at %s", schemaName, schema), e);
        }
    }

    private static String schemaMarkerKey(IcedbTableLocation schema)
    {
        return TablePaths.icedbPrefix(schema.prefix()) + SCHEMA_MARKER_FILE;
    }

    // tables

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

    public void createTable(ConnectorSession session, ConnectorTableMetadata tableMetadata, SaveMode saveMode)
    {
        SchemaTableName tableName = tableMetadata.getTable();
        Optional<IcedbTableLocation> existing = catalog.findTable(session.getIdentity(), tableName);
        if (saveMode == SaveMode.REPLACE && existing.isPresent()) {
            NewTable table = prepareNewTable(session, tableMetadata, existing);
            replaceTable(session, tableName, table, table.schema(), ImmutableList.of());
            return;
        }
        if (existing.isPresent()) {
            if (saveMode == SaveMode.IGNORE) {
                return;
            }
            throw new TrinoException(ALREADY_EXISTS, format("Table already exists: %s", tableName));
        }
        NewTable table = prepareNewTable(session, tableMetadata, Optional.empty());
        if (!createFirstLog(session, tableName, table.location(), table.definition(), table.schema(), ImmutableList.of())) {
            if (saveMode == SaveMode.IGNORE) {
                return;
            }
            throw new TrinoException(ALREADY_EXISTS, format("Table already exists: %s (%s holds a table: a concurrent statement created it, or another table lives there)", tableName, table.location()));
        }
        if (table.registerLocation()) {
            register(session.getIdentity(), tableName, table.location());
        }
    }

    public IcedbWritableTableHandle beginCreateTable(ConnectorSession session, ConnectorTableMetadata tableMetadata, RetryMode retryMode, boolean replace)
    {
        checkRetryMode(retryMode);
        Optional<IcedbTableLocation> existing = replace ? catalog.findTable(session.getIdentity(), tableMetadata.getTable()) : Optional.empty();
        NewTable table = prepareNewTable(session, tableMetadata, existing);
        List<IcedbWriteColumn> columns = tableMetadata.getColumns().stream()
                .filter(column -> !column.isHidden())
                .map(column -> new IcedbWriteColumn(column.getName(), column.getType(), Optional.of(table.schema().columns().get(column.getName()))))
                .collect(toImmutableList());
        SchemaTableName tableName = tableMetadata.getTable();
        return new IcedbWritableTableHandle(tableName.getSchemaName(), tableName.getTableName(), table.location().location(), columns, table.definition(), ImmutableList.of(), existing.isEmpty(), table.registerLocation(), Optional.empty());
    }

    public void finishCreateTable(ConnectorSession session, IcedbWritableTableHandle table, Collection<Slice> fragments)
    {
        if (!table.newTable()) {
            // CREATE OR REPLACE TABLE AS of a table that exists
            replaceTable(session, table.schemaTableName(), new NewTable(table.tableLocation(), writtenSchema(table), table.definition(), false), writtenSchema(table), markers(fragments));
            return;
        }
        if (!createFirstLog(session, table.schemaTableName(), table.tableLocation(), table.definition(), writtenSchema(table), markers(fragments))) {
            // our parts stay orphans, named by no log
            throw new TrinoException(ALREADY_EXISTS, format("Table already exists: %s (%s holds a table: a concurrent statement created it, or another table lives there)", table.schemaTableName(), table.tableLocation()));
        }
        if (table.registerLocation()) {
            register(session.getIdentity(), table.schemaTableName(), table.tableLocation());
        }
    }

    private void replaceTable(ConnectorSession session, SchemaTableName name, NewTable table, Schema schema, List<FileMarker> parts)
    {
        MaintainedTable maintained = new MaintainedTable(name, table.location(), fileIoFactory.create(session.getIdentity(), table.location()));
        IcedbTableReplacement.commit(maintenance, committer, session, maintained, schema, parts);
        // properties are advice for writers (sort order, codec, comments): the log above is the commit point
        table.definition().write(maintained.fileIo(), table.location());
    }

    /**
     * @param replaced for {@code CREATE OR REPLACE TABLE} of a table that exists: its location; the new definition
     * must keep its columns, their types and its partitioning
     */
    private NewTable prepareNewTable(ConnectorSession session, ConnectorTableMetadata tableMetadata, Optional<IcedbTableLocation> replaced)
    {
        SchemaTableName tableName = tableMetadata.getTable();
        checkName(tableName.getTableName(), "table");
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
        IcedbTableDefinition definition = new IcedbTableDefinition(
                spec.expressions(),
                sortFields.stream().map(IcedbSortField::expression).collect(toImmutableList()),
                IcedbTableProperties.getCompressionCodec(properties),
                bloomFilterColumns,
                tableMetadata.getComment(),
                columnComments);

        IcedbTableLocation defaultLocation = catalog.warehouse().child(tableName.getSchemaName()).child(tableName.getTableName());
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
            Schema currentSchema = committer.currentSchema(session.getIdentity(), tableName, current).orElse(Schema.EMPTY);
            List<String> currentPartitioning = findDefinition(session.getIdentity(), current).map(IcedbTableDefinition::partitioning).orElse(ImmutableList.of());
            IcedbTableReplacement.checkCompatible(tableName, currentSchema, new Schema(schema), currentPartitioning, definition.partitioning());
            return new NewTable(current, new Schema(schema), definition, false);
        }
        catalog.locationChecker().checkLocation(session.getIdentity(), tableName, location, false, INVALID_TABLE_PROPERTY);
        try {
            IcedbFileIo fileIo = fileIoFactory.create(session.getIdentity(), location);
            if (!fileIo.list(TablePaths.logPrefix(location.prefix())).isEmpty() && catalog.isDropped(session.getIdentity(), location)) {
                // a DROP TABLE that stopped after marking the table dropped: finish it
                log.warn("Table %s at %s was marked dropped by a DROP TABLE that did not finish: deleting its objects before creating the table", tableName, location);
                new IcedbTableDeletion(maintenance).drop(session, new MaintainedTable(tableName, location, fileIo), fileSystemFactory.create(session.getIdentity()));
            }
            if (!fileIo.list(TablePaths.logPrefix(location.prefix())).isEmpty()) {
                throw new TrinoException(ALREADY_EXISTS, format("Cannot create table %s: location %s already holds an IceDB table (use register_table to expose it)", tableName, location));
            }
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to check the location %s of table %s", location, tableName), e);
        }
        return new NewTable(location, new Schema(schema), definition, registerLocation);
    }

    private record NewTable(IcedbTableLocation location, Schema schema, IcedbTableDefinition definition, boolean registerLocation) {}

    private String duckDbType(String column, Type type)
    {
        return DuckDbTypes.print(TrinoToDuckDbTypes.toDuckDbType(column, type));
    }

    // inserts

    /**
     * @param columns the columns the insert writes, in page channel order
     * @param schema the table's schema in the snapshot the insert planned with
     * @param pathKeys for a table without a {@code partitioning} property: the Hive keys of its part paths whose values
     * come from the columns of the same name, in path order
     */
    public IcedbWritableTableHandle beginInsert(ConnectorSession session, IcedbTableHandle table, List<IcedbColumnHandle> columns, Schema schema, List<String> pathKeys, RetryMode retryMode)
    {
        checkRetryMode(retryMode);
        IcedbTableLocation location = table.tableLocation();
        ImmutableList.Builder<IcedbWriteColumn> writeColumns = ImmutableList.builder();
        for (IcedbColumnHandle column : columns) {
            switch (column.kind()) {
                case REGULAR -> {
                    String tableType = schema.columns().get(column.name());
                    String writtenType = duckDbType(column.name(), column.type());
                    if (!writtenType.equals(tableType)) {
                        throw new TrinoException(NOT_SUPPORTED, format(
                                "Cannot write column '%s' of table %s: its DuckDB type is %s, and this connector writes %s values as %s",
                                column.name(),
                                table.schemaTableName(),
                                tableType,
                                column.type(),
                                writtenType));
                    }
                    writeColumns.add(new IcedbWriteColumn(column.name(), column.type(), Optional.of(tableType)));
                }
                case PARTITION_KEY -> writeColumns.add(new IcedbWriteColumn(column.name(), column.type(), Optional.empty()));
                case PATH, PARTITION, FILE_SIZE, FILE_MODIFIED_TIME, MERGE_ROW_ID -> throw new TrinoException(NOT_SUPPORTED, format("Cannot write hidden column %s", column.name()));
            }
        }
        IcedbTableDefinition definition = definition(session.getIdentity(), location);
        List<IcedbWriteColumn> written = writeColumns.build();
        Optional<String> identity = IcedbInsertGuard.begin(fileIoFactory.create(session.getIdentity(), location), table.schemaTableName(), location);
        List<String> writtenPathKeys = definition.partitioning().isEmpty() ? pathKeys : ImmutableList.of();
        return new IcedbWritableTableHandle(table.schemaName(), table.tableName(), table.location(), written, definition, writtenPathKeys, false, false, identity);
    }

    public void finishInsert(ConnectorSession session, IcedbWritableTableHandle table, Collection<Slice> fragments)
    {
        commitParts(session, table, fragments, false);
    }

    private void commitParts(ConnectorSession session, IcedbWritableTableHandle table, Collection<Slice> fragments, boolean always)
    {
        List<FileMarker> markers = markers(fragments);
        if (markers.isEmpty() && !always) {
            // nothing was written: no log, the table is unchanged
            return;
        }
        IcedbInsertGuard.commit(fileIoFactory.create(session.getIdentity(), table.tableLocation()), table.schemaTableName(), table.tableLocation(), table.tableIdentity(), markers,
                () -> committer.commit(session.getIdentity(), table.schemaTableName(), table.tableLocation(), writtenSchema(table), markers, session.getQueryId()));
    }

    private List<FileMarker> markers(Collection<Slice> fragments)
    {
        return fragments.stream()
                .map(fragment -> partCodec.fromJson(fragment.getBytes()))
                .map(part -> FileMarker.alive(part.key(), part.bytes(), part.createdMillis()))
                .collect(toImmutableList());
    }

    private static Schema writtenSchema(IcedbWritableTableHandle table)
    {
        Map<String, String> written = new LinkedHashMap<>();
        for (IcedbWriteColumn column : table.columns()) {
            column.duckDbType().ifPresent(type -> written.put(column.name(), type));
        }
        return new Schema(written);
    }

    /**
     * Writes the table's properties and commits its first log under the table's lease: of statements racing to create
     * one table, the first to take the lease creates it, and the others, taking it after, find its log.
     *
     * @return false when the table exists already
     */
    private boolean createFirstLog(ConnectorSession session, SchemaTableName name, IcedbTableLocation location, IcedbTableDefinition definition, Schema schema, List<FileMarker> parts)
    {
        MaintainedTable table = new MaintainedTable(name, location, fileIoFactory.create(session.getIdentity(), location));
        LeaseHandle lease;
        try {
            lease = maintenance.acquireLease(session, table, "create", CREATE_LEASE_WAIT);
        }
        catch (LeaseUnavailableException e) {
            throw new TrinoException(ALREADY_EXISTS, format("Table %s is being created or maintained by a concurrent statement: %s", name, e.getMessage()), e);
        }
        catch (IcedbException e) {
            throw IcedbMaintenance.translate(table, e);
        }
        try {
            // a log without columns is a no-op log the lease left for a creator that failed mid-commit
            if (committer.currentSchema(session.getIdentity(), name, location).filter(current -> !current.columns().isEmpty()).isPresent()) {
                return false;
            }
            try {
                TableIdentity.create(table.fileIo(), location.prefix(), System.currentTimeMillis());
            }
            catch (IOException e) {
                throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to write the identity of table %s at %s: %s", name, location, e.getMessage()), e);
            }
            definition.write(table.fileIo(), location);
            committer.commitFirstLog(name, location, schema, parts, session.getQueryId(), lease);
            return true;
        }
        finally {
            try {
                lease.release();
            }
            catch (RuntimeException e) {
                log.warn(e, "Failed to release the lease of table %s after creating it; it expires on its own", table);
            }
        }
    }

    // schema evolution, comments, removal

    public void addColumn(ConnectorSession session, IcedbTableHandle table, ColumnMetadata column)
    {
        if (!column.isNullable()) {
            throw new TrinoException(NOT_SUPPORTED, format("Cannot add NOT NULL column '%s' to table %s: IceDB columns are always nullable", column.getName(), table.schemaTableName()));
        }
        checkColumnName(column.getName());
        IcedbTableLocation location = table.tableLocation();
        Type storageType = trinoToDuckDbTypes.toStorageType(column.getName(), column.getType());
        // under the table's lease, with the schema read under it: of two statements adding one column, the second fails
        IcedbTableLease.withLease(maintenance, session, maintainedTable(session, table), "add-column", lease -> {
            Schema current = committer.currentSchema(session.getIdentity(), table.schemaTableName(), location)
                    .orElseThrow(() -> new TableNotFoundException(table.schemaTableName()));
            for (String existing : current.columns().keySet()) {
                if (existing.equalsIgnoreCase(column.getName())) {
                    throw new TrinoException(COLUMN_ALREADY_EXISTS, format("Column '%s' already exists in table %s (type %s)", column.getName(), table.schemaTableName(), current.columns().get(existing)));
                }
            }
            Map<String, String> schema = new LinkedHashMap<>(current.columns());
            schema.put(column.getName(), duckDbType(column.getName(), storageType));
            committer.commitUnderLease(table.schemaTableName(), location, new Schema(schema), session.getQueryId(), lease);
            if (column.getComment() != null) {
                IcedbFileIo fileIo = fileIoFactory.create(session.getIdentity(), location);
                IcedbTableDefinition.read(fileIo, location).withColumnComment(column.getName(), Optional.of(column.getComment())).write(fileIo, location);
            }
            return null;
        });
    }

    private MaintainedTable maintainedTable(ConnectorSession session, IcedbTableHandle table)
    {
        return new MaintainedTable(table.schemaTableName(), table.tableLocation(), fileIoFactory.create(session.getIdentity(), table.tableLocation()));
    }

    public void setTableComment(ConnectorSession session, IcedbTableHandle table, Optional<String> comment)
    {
        IcedbTableLocation location = table.tableLocation();
        IcedbFileIo fileIo = fileIoFactory.create(session.getIdentity(), location);
        // read-modify-write of the properties under the lease: concurrent property changes never lose one another
        IcedbTableLease.withLease(maintenance, session, maintainedTable(session, table), "set-comment", _ -> {
            IcedbTableDefinition.read(fileIo, location).withComment(comment).write(fileIo, location);
            return null;
        });
    }

    public void setColumnComment(ConnectorSession session, IcedbTableHandle table, String column, Optional<String> comment)
    {
        IcedbTableLocation location = table.tableLocation();
        IcedbFileIo fileIo = fileIoFactory.create(session.getIdentity(), location);
        IcedbTableLease.withLease(maintenance, session, maintainedTable(session, table), "set-comment", _ -> {
            IcedbTableDefinition.read(fileIo, location).withColumnComment(column, comment).write(fileIo, location);
            return null;
        });
    }

    public void dropTable(ConnectorSession session, IcedbTableHandle table)
    {
        ConnectorIdentity identity = session.getIdentity();
        Optional<JsonNode> registration = readRegistration(identity, table.schemaTableName());
        IcedbTableLocation directory = tableDirectory(table.schemaTableName());
        try {
            if (registration.isPresent() && !registration.get().path(CREATED_BY_TRINO).asBoolean(false)) {
                // registered with register_table: the table's objects are not ours to delete
                fileIoFactory.create(identity, catalog.warehouse()).delete(registrationKey(table.schemaTableName()));
                return;
            }
            IcedbTableLocation location = table.tableLocation();
            if (location.prefix().isEmpty()) {
                throw new TrinoException(NOT_SUPPORTED, format("Table %s is the whole bucket %s: not dropping it", table.schemaTableName(), location));
            }
            new IcedbTableDeletion(maintenance).drop(session, maintainedTable(session, table), fileSystemFactory.create(identity));
            if (registration.isPresent()) {
                IcedbFileIo warehouseIo = fileIoFactory.create(identity, catalog.warehouse());
                warehouseIo.delete(registrationKey(table.schemaTableName()));
                if (warehouseIo.list(directory.prefix() + "/").isEmpty()) {
                    fileSystemFactory.create(identity).deleteDirectory(directory.directory());
                }
            }
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to drop table %s at %s", table.schemaTableName(), table.location()), e);
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
        return ImmutableMap.copyOf(properties);
    }

    /**
     * For a table partitioned only by columns (identity), the columns Trino should distribute written rows by, so
     * that each partition is written by one writer (one part per partition, not one per writer and partition).
     */
    public static Optional<ConnectorTableLayout> writeLayout(List<String> partitioning, Collection<String> columnNames)
    {
        if (partitioning.isEmpty()) {
            return Optional.empty();
        }
        List<String> columns = partitioning.stream().map(String::trim).collect(toImmutableList());
        if (!columnNames.containsAll(columns)) {
            // transforms (or an invalid partitioning, refused with its own message when the table is created)
            return Optional.empty();
        }
        return Optional.of(new ConnectorTableLayout(columns));
    }

    private void register(ConnectorIdentity identity, SchemaTableName table, IcedbTableLocation location)
    {
        ObjectNode registration = OBJECT_MAPPER.createObjectNode()
                .put("location", location.location())
                .put(CREATED_BY_TRINO, true);
        try {
            fileIoFactory.create(identity, catalog.warehouse()).createExclusive(registrationKey(table), OBJECT_MAPPER.writeValueAsBytes(registration));
        }
        catch (FileAlreadyExistsException e) {
            throw new TrinoException(ALREADY_EXISTS, format("Table already exists: %s", table), e);
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to register table %s at %s", table, location), e);
        }
    }

    private Optional<JsonNode> readRegistration(ConnectorIdentity identity, SchemaTableName table)
    {
        try {
            return Optional.of(OBJECT_MAPPER.readTree(fileIoFactory.create(identity, catalog.warehouse()).read(registrationKey(table))));
        }
        catch (NoSuchFileException _) {
            return Optional.empty();
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_INVALID_REGISTRATION, format("Failed to read the registration of table %s", table), e);
        }
    }

    private IcedbTableLocation tableDirectory(SchemaTableName table)
    {
        return catalog.warehouse().child(table.getSchemaName()).child(table.getTableName());
    }

    private String registrationKey(SchemaTableName table)
    {
        return TablePaths.icedbPrefix(tableDirectory(table).prefix()) + IcedbCatalog.REGISTRATION_FILE;
    }

    private static void checkRetryMode(RetryMode retryMode)
    {
        if (retryMode != RetryMode.NO_RETRIES) {
            throw new TrinoException(NOT_SUPPORTED, "This connector does not support query or task retries (retry-policy)");
        }
    }

    private static void checkColumnName(String name)
    {
        if (name.length() > MAX_COLUMN_NAME_LENGTH) {
            throw new TrinoException(NOT_SUPPORTED, format("Column name must be shorter than or equal to %s characters but got %s", MAX_COLUMN_NAME_LENGTH, name.length()));
        }
    }

    private static void checkName(String name, String kind)
    {
        if (name.length() > MAX_NAME_LENGTH) {
            throw new TrinoException(NOT_SUPPORTED, format("%s name must be shorter than or equal to %s characters but got %s", kind.equals("schema") ? "Schema" : "Table", MAX_NAME_LENGTH, name.length()));
        }
        if (name.isEmpty() || name.startsWith("_") || name.startsWith(".") || name.contains("/") || !name.equals(name.toLowerCase(ENGLISH))) {
            throw new TrinoException(NOT_SUPPORTED, format("Invalid %s name '%s': it must not start with '_' or '.' nor contain '/'", kind, name));
        }
    }
}
