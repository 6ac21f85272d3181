package io.trino.plugin.icedb.mv;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotTime;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.TablePaths;
import io.icedb.engine.stats.PartStats;
import io.icedb.engine.table.TableLog;
import io.trino.filesystem.TrinoFileSystem;
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
import io.trino.spi.connector.SchemaNotFoundException;
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
import io.trino.spi.type.TypeId;
import io.trino.spi.type.TypeManager;
import io.trino.spi.type.VarcharType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.icedb.engine.spec.TablePaths.icedbPrefix;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_INVALID_METADATA;
import static io.trino.plugin.icedb.catalog.IcedbCatalog.MATERIALIZED_VIEW_STORAGE_SUFFIX;
import static io.trino.spi.StandardErrorCode.ALREADY_EXISTS;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
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
    private static final Logger log = Logger.get(IcedbMaterializedViews.class);

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
        commits.createTable(session, storageTableMetadata(storageTableName(viewName), stored), SaveMode.FAIL);
        writeDefinition(session, viewName, stored);
    }

    private void writeDefinition(ConnectorSession session, SchemaTableName viewName, IcedbMaterializedViewDefinition definition)
    {
        IcedbTableLocation location = catalog.materializedViewDirectory(viewName);
        try {
            fileIoFactory.create(session.getIdentity(), location).overwrite(definitionKey(location), IcedbMaterializedViewDefinition.CODEC.toJsonBytes(definition));
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to write the definition of materialized view %s at %s", viewName, location), e);
        }
    }

    /**
     * The storage table of a view: its columns (a type IceDB cannot hold as it is, such as time(9) or a time zone, is
     * stored as text, see {@link #narrowed}), the view's {@code partitioning}, and for an {@code AGGREGATE} view the
     * {@code aggregate} merge engine keyed by the GROUP BY columns.
     */
    private ConnectorTableMetadata storageTableMetadata(SchemaTableName storage, IcedbMaterializedViewDefinition definition)
    {
        List<ColumnMetadata> columns = definition.columns().stream()
                .map(column -> ColumnMetadata.builder()
                        .setName(column.name())
                        .setType(storageType(typeManager.getType(TypeId.of(column.type()))))
                        .setComment(column.comment())
                        .build())
                .collect(toImmutableList());
        Map<String, Object> properties = new HashMap<>();
        for (PropertyMetadata<?> property : tableProperties) {
            if (property.getDefaultValue() != null) {
                properties.put(property.getName(), property.getDefaultValue());
            }
        }
        properties.put(IcedbTableProperties.PARTITIONING_PROPERTY, definition.partitioning());
        if (definition.refreshKind() == IcedbViewQuery.Kind.AGGREGATE) {
            properties.put(PRIMARY_KEY_PROPERTY, definition.keyColumns());
            properties.put(MERGE_ENGINE_PROPERTY, "aggregate");
            properties.put(AGGREGATES_PROPERTY, definition.aggregates());
        }
        return new ConnectorTableMetadata(storage, columns, properties, Optional.empty());
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

    /**
     * {@code ALTER MATERIALIZED VIEW source RENAME TO target}, also to another schema: a view's storage table lives in
     * the view's directory and its logs name its parts by full key, so the storage table moves by copy. Under the source
     * storage table's lease (a refresh that would commit meanwhile waits, then finds the old storage table dropped):
     * a new storage table at the target's directory gets a copy of every live part in one insert log, with the last
     * refresh's record (the next refresh stays incremental) and the parts' statistics; then the definition is written
     * there (the target view exists from here on), the source's definition deleted, and the source storage table
     * dropped. A failure before the target's definition exists drops what it created, leaving the source as it was.
     */
    public void rename(ConnectorSession session, SchemaTableName source, SchemaTableName target)
    {
        IcedbMaterializedViewDefinition definition = find(session, source).orElseThrow(() -> new MaterializedViewNotFoundException(source));
        IcedbCatalog.checkNewName(target.getTableName(), "table");
        if (!catalog.schemaExists(session.getIdentity(), target.getSchemaName())) {
            throw new SchemaNotFoundException(target.getSchemaName());
        }
        if (find(session, target).isPresent()) {
            throw new TrinoException(ALREADY_EXISTS, format("Materialized view already exists: %s", target));
        }
        if (catalog.findTable(session.getIdentity(), target).isPresent()) {
            throw new TrinoException(ALREADY_EXISTS, format("Table already exists: %s", target));
        }
        SchemaTableName sourceStorage = storageTableName(source);
        SchemaTableName targetStorage = storageTableName(target);
        IcedbTableLocation sourceLocation = catalog.materializedViewDirectory(source);
        IcedbTableLocation targetLocation = catalog.materializedViewDirectory(target);
        MaintainedTable storage = maintenance.table(session, sourceStorage, sourceLocation);
        TrinoFileSystem fileSystem = fileSystemFactory.create(session.getIdentity());
        try (LeaseHandle _ = maintenance.acquireLease(session, storage, "rename")) {
            // the target storage table is ours to remove until the target's definition exists
            commits.createTable(session, storageTableMetadata(targetStorage, definition), SaveMode.FAIL);
            try {
                copyStorage(session, storage, targetStorage, targetLocation, fileSystem);
                writeDefinition(session, target, definition);
            }
            catch (RuntimeException | IOException e) {
                try {
                    new IcedbTableDeletion(maintenance).drop(session, maintenance.table(session, targetStorage, targetLocation), fileSystem);
                }
                catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            fileIoFactory.create(session.getIdentity(), sourceLocation).delete(definitionKey(sourceLocation));
        }
        catch (IcedbException e) {
            throw IcedbMaintenance.translate(storage, e);
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to rename materialized view %s to %s: %s", source, target, e.getMessage()), e);
        }
        try {
            new IcedbTableDeletion(maintenance).drop(session, storage, fileSystem);
        }
        catch (RuntimeException e) {
            // the view is renamed: what is left at the old name is a table of no view, which DROP TABLE removes
            log.warn(e, "Materialized view %s is renamed to %s, but its old storage table %s could not be dropped; drop it with DROP TABLE", source, target, sourceStorage);
        }
    }

    /**
     * Copies the live parts of {@code storage} to the new storage table {@code target} in one insert log (with the
     * source's schema), and the record of the last refresh as that log's record.
     */
    private void copyStorage(ConnectorSession session, MaintainedTable storage, SchemaTableName target, IcedbTableLocation targetLocation, TrinoFileSystem fileSystem)
            throws IOException
    {
        Snapshot snapshot = storage.log().snapshot(SnapshotTime.latest());
        Optional<IcedbRefreshDelta.LastRefresh> last = IcedbRefreshDelta.lastRefresh(storage.fileIo(), storage.prefix(), snapshot.logFiles());
        String sourceData = TablePaths.dataPrefix(storage.prefix());
        String targetData = TablePaths.dataPrefix(targetLocation.prefix());
        ImmutableList.Builder<FileMarker> copies = ImmutableList.builder();
        Map<String, String> copyOf = new HashMap<>();
        for (FileMarker part : snapshot.aliveFiles()) {
            if (!part.path().startsWith(sourceData)) {
                throw new TrinoException(ICEDB_INVALID_METADATA, format("Storage table %s lists part %s outside its %s", storage.name(), part.path(), sourceData));
            }
            String copy = targetData + part.path().substring(sourceData.length());
            try (InputStream in = fileSystem.newInputFile(storage.location().keyLocation(part.path())).newStream();
                    OutputStream out = fileSystem.newOutputFile(targetLocation.keyLocation(copy)).create()) {
                in.transferTo(out);
            }
            copies.add(FileMarker.alive(copy, part.bytes(), part.createdMillis()));
            copyOf.put(part.path(), copy);
        }
        List<FileMarker> parts = copies.build();
        if (parts.isEmpty() && last.isEmpty()) {
            // never refreshed: nothing to carry over
            return;
        }
        TableLog targetLog = maintenance.table(session, target, targetLocation).log();
        // stamped after the new table's first log, so that it is the newest log, whose record the next refresh finds
        long firstLog = targetLog.snapshot(SnapshotTime.latest()).version();
        String logKey = targetLog.commitInsert(snapshot.schema(), parts, IcedbMaintenance::newLogHost, () -> Math.max(maintenance.clock().millis(), firstLog + 1));
        IcedbFileIo targetIo = fileIoFactory.create(session.getIdentity(), targetLocation);
        Map<String, PartStats> statistics = new HashMap<>();
        commits.statisticsStore().fromSidecars(storage.fileIo(), storage.location(), snapshot.addedBy(), snapshot.aliveFiles())
                .forEach((path, stats) -> statistics.put(copyOf.get(path), stats));
        commits.statisticsStore().writeSidecar(targetIo, targetLocation, logKey, statistics);
        if (last.isPresent()) {
            last.get().record().write(targetIo, targetLocation.prefix(), logKey);
        }
    }

    /**
     * Refuses a statement that would change the rows or the columns of a materialized view's storage table, or drop it:
     * only {@code REFRESH MATERIALIZED VIEW} writes it, and its refresh records say exactly which source rows it holds
     * (maintenance that does not change rows, such as {@code merge}, {@code optimize} or {@code cleanup}, is allowed).
     * A storage table whose view is gone (a crash in {@code DROP MATERIALIZED VIEW}) is an ordinary table.
     *
     * @param action what the statement does, as in "Cannot insert into"
     */
    public void checkNotStorageTable(ConnectorSession session, SchemaTableName table, String action)
    {
        Optional<SchemaTableName> view = viewOfStorageTable(table);
        if (view.isPresent() && find(session, view.get()).isPresent()) {
            throw storageTableWrite(table, view.get(), action);
        }
    }

    /**
     * {@link #checkNotStorageTable} by name alone, for procedures that have no view definitions at hand.
     */
    public static void checkNotStorageTableName(SchemaTableName table, String action)
    {
        Optional<SchemaTableName> view = viewOfStorageTable(table);
        if (view.isPresent()) {
            throw storageTableWrite(table, view.get(), action);
        }
    }

    private static TrinoException storageTableWrite(SchemaTableName table, SchemaTableName view, String action)
    {
        String hint = action.startsWith("drop") ? "; use DROP MATERIALIZED VIEW " + view : "";
        return new TrinoException(NOT_SUPPORTED, format("Cannot %s table %s: it is the storage table of materialized view %s, which only REFRESH MATERIALIZED VIEW changes%s", action, table, view, hint));
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
        IcedbRefreshRecord record = last.get().record();
        long refreshedVersion = record.sourceVersion();
        List<String> uncovered = IcedbRefreshDelta.uncoveredLogs(snapshot, record);
        if (!record.coveredLogs().isEmpty() && uncovered.isEmpty() && snapshot.version() == refreshedVersion && snapshot.logFiles().contains(record.sourceLastLog())) {
            return new MaterializedViewFreshness(FRESH, Optional.empty());
        }
        // fresh until the first log the refresh did not read (a late log may carry a time before the refresh)
        List<String> changes = record.coveredLogs().isEmpty() ? snapshot.logFiles() : uncovered;
        Optional<Instant> firstChange = changes.stream()
                .map(key -> LogFileName.parse(key.substring(key.lastIndexOf('/') + 1)))
                .flatMap(Optional::stream)
                .mapToLong(LogFileName::timestampMillis)
                .filter(version -> !record.coveredLogs().isEmpty() || version > refreshedVersion)
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
