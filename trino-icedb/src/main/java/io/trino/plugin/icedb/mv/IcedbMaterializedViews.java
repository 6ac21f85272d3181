package io.trino.plugin.icedb.mv;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.inject.Inject;
import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotTime;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.spec.LogFileName;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.plugin.icedb.IcedbTableCommits;
import io.trino.plugin.icedb.IcedbTableDefinitions;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.plugin.icedb.IcedbTableProperties;
import io.trino.plugin.icedb.catalog.IcedbCatalog;
import io.trino.plugin.icedb.catalog.IcedbTableDeletion;
import io.trino.plugin.icedb.fileio.IcedbFileIoFactory;
import io.trino.plugin.icedb.maintenance.IcedbMaintenance;
import io.trino.plugin.icedb.maintenance.MaintainedTable;
import io.trino.spi.TrinoException;
import io.trino.spi.catalog.CatalogName;
import io.trino.spi.connector.CatalogSchemaTableName;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.connector.ConnectorMaterializedViewDefinition;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.connector.MaterializedViewFreshness;
import io.trino.spi.connector.MaterializedViewNotFoundException;
import io.trino.spi.connector.SaveMode;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.session.PropertyMetadata;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.TimeType;
import io.trino.spi.type.TimeWithTimeZoneType;
import io.trino.spi.type.TimestampType;
import io.trino.spi.type.TimestampWithTimeZoneType;
import io.trino.spi.type.Type;
import io.trino.spi.type.TypeManager;
import io.trino.spi.type.VarcharType;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.icedb.engine.spec.TablePaths.icedbPrefix;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_INVALID_METADATA;
import static io.trino.plugin.icedb.catalog.IcedbCatalog.MATERIALIZED_VIEW_STORAGE_SUFFIX;
import static io.trino.spi.StandardErrorCode.ALREADY_EXISTS;
import static io.trino.spi.connector.MaterializedViewFreshness.Freshness.FRESH;
import static io.trino.spi.connector.MaterializedViewFreshness.Freshness.STALE;
import static io.trino.spi.connector.MaterializedViewFreshness.Freshness.UNKNOWN;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * Materialized views: {@code CREATE}, {@code DROP}, the definition and the list for Trino, and freshness. A view
 * {@code s.v} is the storage table {@code s."v$materialized_view_storage"} at {@code <schema>/_materialized_views/v/}
 * (an IceDB table: Python reads it), whose {@code _icedb/materialized_view.json} holds the definition; the view exists
 * exactly when that file does. Refreshes: {@link IcedbMaterializedViewRefresh}.
 */
public final class IcedbMaterializedViews
{
    public static final String MERGE_ENGINE_PROPERTY = "merge_engine";
    public static final String PRIMARY_KEY_PROPERTY = "primary_key";
    public static final String AGGREGATES_PROPERTY = "aggregates";

    private static final Pattern TRANSFORM = Pattern.compile("\\s*\\w+\\s*\\(\\s*([^,)\\s]+).*\\)\\s*");

    private final String catalogName;
    private final IcedbCatalog catalog;
    private final IcedbFileIoFactory fileIoFactory;
    private final IcedbTableCommits commits;
    private final IcedbMaintenance maintenance;
    private final TrinoFileSystemFactory fileSystemFactory;
    private final TypeManager typeManager;
    private final IcedbTableDefinitions tableDefinitions;
    private final List<PropertyMetadata<?>> tableProperties;

    @Inject
    public IcedbMaterializedViews(
            CatalogName catalogName,
            IcedbCatalog catalog,
            IcedbFileIoFactory fileIoFactory,
            IcedbTableCommits commits,
            IcedbMaintenance maintenance,
            TrinoFileSystemFactory fileSystemFactory,
            TypeManager typeManager,
            IcedbTableProperties tableProperties,
            IcedbTableDefinitions tableDefinitions)
    {
        this.tableDefinitions = requireNonNull(tableDefinitions, "tableDefinitions is null");
        this.catalogName = catalogName.toString();
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.fileIoFactory = requireNonNull(fileIoFactory, "fileIoFactory is null");
        this.commits = requireNonNull(commits, "commits is null");
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.fileSystemFactory = requireNonNull(fileSystemFactory, "fileSystemFactory is null");
        this.typeManager = requireNonNull(typeManager, "typeManager is null");
        this.tableProperties = ImmutableList.copyOf(tableProperties.getTableProperties());
    }

    public String catalogName()
    {
        return catalogName;
    }

    /**
     * The properties of {@code CREATE MATERIALIZED VIEW ... WITH (...)}: the storage table's {@code partitioning}.
     */
    public static List<PropertyMetadata<?>> materializedViewProperties(List<PropertyMetadata<?>> tableProperties)
    {
        return tableProperties.stream()
                .filter(property -> property.getName().equals(IcedbTableProperties.PARTITIONING_PROPERTY))
                .collect(toImmutableList());
    }

    private Type storageType(Type type)
    {
        Type narrowed = narrowed(type);
        return tableDefinitions.getSupportedType(narrowed).orElse(narrowed);
    }

    /**
     * What IceDB cannot hold as it is (sub-microsecond times and timestamps, time zones) as text, as the Iceberg
     * connector does for its storage tables (Trino casts it back), also inside arrays, maps and rows.
     */
    private Type narrowed(Type type)
    {
        return switch (type) {
            case TimeType time -> time.getPrecision() <= 6 ? time : VarcharType.VARCHAR;
            case TimestampType timestamp -> timestamp.getPrecision() <= 6 ? timestamp : VarcharType.VARCHAR;
            // IceDB does not store the time zone
            case TimestampWithTimeZoneType _, TimeWithTimeZoneType _ -> VarcharType.VARCHAR;
            case ArrayType array -> new ArrayType(narrowed(array.getElementType()));
            case MapType map -> new MapType(narrowed(map.getKeyType()), narrowed(map.getValueType()), typeManager.getTypeOperators());
            case RowType row -> RowType.from(row.getFields().stream()
                    .map(field -> new RowType.Field(field.getName(), narrowed(field.getType())))
                    .collect(toImmutableList()));
            default -> type;
        };
    }

    private static List<String> partitionColumns(List<String> partitioning)
    {
        return partitioning.stream()
                .map(field -> {
                    Matcher transform = TRANSFORM.matcher(field);
                    return (transform.matches() ? transform.group(1) : field).trim().toLowerCase(Locale.ENGLISH);
                })
                .collect(toImmutableList());
    }

    public static SchemaTableName storageTableName(SchemaTableName view)
    {
        return new SchemaTableName(view.getSchemaName(), view.getTableName() + MATERIALIZED_VIEW_STORAGE_SUFFIX);
    }

    public static Optional<SchemaTableName> viewOfStorageTable(SchemaTableName table)
    {
        String name = table.getTableName();
        if (!name.endsWith(MATERIALIZED_VIEW_STORAGE_SUFFIX)) {
            return Optional.empty();
        }
        return Optional.of(new SchemaTableName(table.getSchemaName(), name.substring(0, name.length() - MATERIALIZED_VIEW_STORAGE_SUFFIX.length())));
    }

    public void create(ConnectorSession session, SchemaTableName viewName, ConnectorMaterializedViewDefinition definition, Map<String, Object> properties, boolean replace, boolean ignoreExisting)
    {
        IcedbCatalog.checkNewName(viewName.getTableName(), "table");
        if (find(session, viewName).isPresent()) {
            if (ignoreExisting) {
                return;
            }
            if (!replace) {
                throw new TrinoException(ALREADY_EXISTS, format("Materialized view already exists: %s", viewName));
            }
            drop(session, viewName);
        }
        if (catalog.findTable(session.getIdentity(), viewName).isPresent()) {
            throw new TrinoException(ALREADY_EXISTS, format("Table already exists: %s", viewName));
        }
        List<String> columnNames = definition.getColumns().stream().map(ConnectorMaterializedViewDefinition.Column::getName).collect(toImmutableList());
        IcedbViewQuery query = IcedbViewQuery.analyze(definition.getOriginalSql(), catalogName, definition.getCatalog(), definition.getSchema(), columnNames);
        List<ColumnMetadata> columns = definition.getColumns().stream()
                .map(column -> ColumnMetadata.builder()
                        .setName(column.getName())
                        // a type IceDB cannot hold as it is (time(9), time zones, ...) is stored as text, see narrowed()
                        .setType(storageType(typeManager.getType(column.getType())))
                        .setComment(column.getComment())
                        .build())
                .collect(toImmutableList());
        boolean typesKept = definition.getColumns().stream()
                .allMatch(column -> storageType(typeManager.getType(column.getType())).equals(typeManager.getType(column.getType())));
        @SuppressWarnings("unchecked")
        List<String> partitioning = (List<String>) properties.getOrDefault(IcedbTableProperties.PARTITIONING_PROPERTY, List.of());
        boolean mergeEngines = tableProperties.stream().anyMatch(property -> property.getName().equals(MERGE_ENGINE_PROPERTY));
        if (query.kind() == IcedbViewQuery.Kind.AGGREGATE && (!mergeEngines || !typesKept || !query.keyColumns().containsAll(partitionColumns(partitioning)))) {
            // no aggregate merge engine to combine partial results, a column stored as text (which would not compare or
            // group as its type does), or a partitioning on other columns than the key
            // (a key must live in one partition)
            query = new IcedbViewQuery(IcedbViewQuery.Kind.FULL, query.source(), List.of(), List.of());
        }

        Map<String, Object> storageProperties = new HashMap<>();
        for (PropertyMetadata<?> property : tableProperties) {
            if (property.getDefaultValue() != null) {
                storageProperties.put(property.getName(), property.getDefaultValue());
            }
        }
        storageProperties.put(IcedbTableProperties.PARTITIONING_PROPERTY, partitioning);
        if (query.kind() == IcedbViewQuery.Kind.AGGREGATE) {
            storageProperties.put(PRIMARY_KEY_PROPERTY, query.keyColumns());
            storageProperties.put(MERGE_ENGINE_PROPERTY, "aggregate");
            storageProperties.put(AGGREGATES_PROPERTY, query.aggregates());
        }

        SchemaTableName storage = storageTableName(viewName);
        commits.createTable(session, new ConnectorTableMetadata(storage, columns, storageProperties, Optional.empty()), SaveMode.FAIL);

        IcedbMaterializedViewDefinition stored = new IcedbMaterializedViewDefinition(
                definition.getOriginalSql(),
                definition.getCatalog(),
                definition.getSchema(),
                definition.getColumns().stream()
                        .map(column -> new IcedbMaterializedViewDefinition.Column(column.getName(), column.getType().getId(), column.getComment()))
                        .collect(toImmutableList()),
                definition.getGracePeriod().map(java.time.Duration::toMillis),
                definition.getComment(),
                definition.getOwner(),
                definition.getPath().stream().map(path -> path.getCatalogName() + "." + path.getSchemaName()).collect(toImmutableList()),
                partitioning,
                query.kind(),
                query.source().map(SchemaTableName::getSchemaName),
                query.source().map(SchemaTableName::getTableName),
                query.keyColumns(),
                query.aggregates());
        IcedbTableLocation location = catalog.materializedViewDirectory(viewName);
        try {
            fileIoFactory.create(session.getIdentity(), location).overwrite(definitionKey(location), IcedbMaterializedViewDefinition.CODEC.toJsonBytes(stored));
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to write the definition of materialized view %s at %s", viewName, location), e);
        }
    }

    public void drop(ConnectorSession session, SchemaTableName viewName)
    {
        if (find(session, viewName).isEmpty()) {
            throw new MaterializedViewNotFoundException(viewName);
        }
        IcedbTableLocation location = catalog.materializedViewDirectory(viewName);
        try {
            // the view is gone from here on; then its storage table's objects
            fileIoFactory.create(session.getIdentity(), location).delete(definitionKey(location));
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to drop materialized view %s at %s", viewName, location), e);
        }
        SchemaTableName storage = storageTableName(viewName);
        if (catalog.findTable(session.getIdentity(), storage).isPresent()) {
            MaintainedTable table = maintenance.table(session, storage, location);
            new IcedbTableDeletion(maintenance).drop(session, table, fileSystemFactory.create(session.getIdentity()));
        }
    }

    public Optional<IcedbMaterializedViewDefinition> find(ConnectorSession session, SchemaTableName viewName)
    {
        if (viewName.getTableName().contains("$") || viewName.getTableName().startsWith("_")) {
            return Optional.empty();
        }
        IcedbTableLocation location = catalog.materializedViewDirectory(viewName);
        byte[] content;
        try {
            content = fileIoFactory.create(session.getIdentity(), location).read(definitionKey(location));
        }
        catch (NoSuchFileException _) {
            return Optional.empty();
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to read the definition of materialized view %s at %s", viewName, location), e);
        }
        try {
            return Optional.of(IcedbMaterializedViewDefinition.CODEC.fromJson(content));
        }
        catch (IllegalArgumentException e) {
            throw new TrinoException(ICEDB_INVALID_METADATA, format("Invalid definition of materialized view %s at %s%s", viewName, location.root(), definitionKey(location)), e);
        }
    }

    public Optional<ConnectorMaterializedViewDefinition> get(ConnectorSession session, SchemaTableName viewName)
    {
        return find(session, viewName).map(definition -> definition.toConnectorDefinition(new CatalogSchemaTableName(catalogName, storageTableName(viewName))));
    }

    /**
     * Every materialized view of the schema (of every schema when empty) with its definition.
     */
    public Map<SchemaTableName, ConnectorMaterializedViewDefinition> getAll(ConnectorSession session, Optional<String> schemaName)
    {
        ImmutableMap.Builder<SchemaTableName, ConnectorMaterializedViewDefinition> views = ImmutableMap.builder();
        for (SchemaTableName name : list(session, schemaName)) {
            get(session, name).ifPresent(view -> views.put(name, view));
        }
        return views.buildKeepingLast();
    }

    public List<SchemaTableName> list(ConnectorSession session, Optional<String> schemaName)
    {
        List<String> schemas = schemaName.map(List::of).orElseGet(() -> catalog.listSchemas(session.getIdentity()));
        ImmutableList.Builder<SchemaTableName> views = ImmutableList.builder();
        for (String schema : schemas) {
            for (String name : catalog.listMaterializedViewDirectories(session.getIdentity(), schema)) {
                SchemaTableName view = new SchemaTableName(schema, name);
                if (find(session, view).isPresent()) {
                    views.add(view);
                }
            }
        }
        return views.build();
    }

    public Map<String, Object> properties(ConnectorSession session, SchemaTableName viewName)
    {
        return find(session, viewName)
                .<Map<String, Object>>map(definition -> definition.partitioning().isEmpty() ? Map.of() : Map.of(IcedbTableProperties.PARTITIONING_PROPERTY, definition.partitioning()))
                .orElse(Map.of());
    }

    /**
     * FRESH when the storage table's newest refresh read the source's current version; else STALE, fresh until the
     * source's first log after that refresh (Trino's grace period counts from there).
     */
    public MaterializedViewFreshness freshness(ConnectorSession session, SchemaTableName viewName)
    {
        Optional<IcedbMaterializedViewDefinition> definition = find(session, viewName);
        if (definition.isEmpty()) {
            return new MaterializedViewFreshness(STALE, Optional.empty());
        }
        Optional<IcedbRefreshDelta.LastRefresh> last = lastRefresh(session, viewName);
        if (last.isEmpty()) {
            return new MaterializedViewFreshness(STALE, Optional.empty());
        }
        if (last.get().record().sourceLocation().isEmpty()) {
            // the query reads other tables than one IceDB table of this catalog: whether they changed is not known
            return new MaterializedViewFreshness(UNKNOWN, Optional.of(Instant.ofEpochMilli(last.get().record().refreshedMillis())));
        }
        if (definition.get().sourceTable().isEmpty()) {
            return new MaterializedViewFreshness(STALE, Optional.empty());
        }
        SchemaTableName sourceName = new SchemaTableName(definition.get().sourceSchema().orElseThrow(), definition.get().sourceTable().orElseThrow());
        Optional<IcedbTableLocation> source = catalog.findTable(session.getIdentity(), sourceName);
        if (source.isEmpty() || !source.get().location().equals(last.get().record().sourceLocation())) {
            return new MaterializedViewFreshness(STALE, Optional.empty());
        }
        Snapshot snapshot = maintenance.table(session, sourceName, source.get()).log().snapshot(SnapshotTime.latest());
        long refreshedVersion = last.get().record().sourceVersion();
        Set<String> recent = Set.copyOf(last.get().record().recentLogs());
        boolean lateLog = snapshot.logFiles().stream()
                .filter(key -> !recent.contains(key))
                .map(key -> LogFileName.parse(key.substring(key.lastIndexOf('/') + 1)))
                .flatMap(Optional::stream)
                .anyMatch(name -> name.timestampMillis() <= refreshedVersion && name.timestampMillis() > refreshedVersion - IcedbRefreshRecord.LATE_LOG_WINDOW_MILLIS);
        if (snapshot.version() == refreshedVersion && snapshot.logFiles().contains(last.get().record().sourceLastLog()) && !lateLog) {
            return new MaterializedViewFreshness(FRESH, Optional.empty());
        }
        Optional<Instant> firstChange = snapshot.logFiles().stream()
                .map(key -> LogFileName.parse(key.substring(key.lastIndexOf('/') + 1)))
                .flatMap(Optional::stream)
                .mapToLong(LogFileName::timestampMillis)
                .filter(version -> version > refreshedVersion)
                .min()
                .stream()
                .mapToObj(Instant::ofEpochMilli)
                .findFirst();
        return new MaterializedViewFreshness(STALE, firstChange);
    }

    /**
     * The storage table's newest refresh, if the storage table says.
     */
    public Optional<IcedbRefreshDelta.LastRefresh> lastRefresh(ConnectorSession session, SchemaTableName viewName)
    {
        IcedbTableLocation location = catalog.materializedViewDirectory(viewName);
        MaintainedTable storage = maintenance.table(session, storageTableName(viewName), location);
        Snapshot snapshot = storage.log().snapshot(SnapshotTime.latest());
        return IcedbRefreshDelta.lastRefresh(storage.fileIo(), location.prefix(), snapshot.logFiles());
    }

    public IcedbFileIo fileIo(ConnectorSession session, IcedbTableLocation location)
    {
        return fileIoFactory.create(session.getIdentity(), location);
    }

    private static String definitionKey(IcedbTableLocation location)
    {
        return icedbPrefix(location.prefix()) + IcedbMaterializedViewDefinition.FILE;
    }
}
