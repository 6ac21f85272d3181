package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.airlift.json.JsonCodec;
import io.airlift.slice.Slice;
import io.airlift.units.Duration;
import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotTime;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.exceptions.NoSnapshotException;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.types.DuckDbType;
import io.icedb.engine.types.DuckDbTypes;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.plugin.base.projection.ApplyProjectionUtil;
import io.trino.plugin.base.projection.ApplyProjectionUtil.ProjectedColumnRepresentation;
import io.trino.plugin.icedb.catalog.IcedbCatalog;
import io.trino.plugin.icedb.dml.IcedbMergeTableHandle;
import io.trino.plugin.icedb.dml.IcedbRowLevelOperations;
import io.trino.plugin.icedb.dml.IcedbUpdateHandle;
import io.trino.plugin.icedb.layout.IcedbPartitionField;
import io.trino.plugin.icedb.layout.IcedbPartitionPruning;
import io.trino.plugin.icedb.layout.IcedbPartitionSpec;
import io.trino.plugin.icedb.layout.PartitionTransform;
import io.trino.plugin.icedb.maintenance.IcedbCleaner;
import io.trino.plugin.icedb.maintenance.IcedbDistributedMerge;
import io.trino.plugin.icedb.maintenance.IcedbMaintenance;
import io.trino.plugin.icedb.maintenance.IcedbMerger;
import io.trino.plugin.icedb.maintenance.IcedbOrphanFileRemover;
import io.trino.plugin.icedb.maintenance.MaintainedTable;
import io.trino.plugin.icedb.procedure.CleanupTableProcedure;
import io.trino.plugin.icedb.procedure.IcebergTableProcedureAliases;
import io.trino.plugin.icedb.procedure.MergeTableProcedure;
import io.trino.plugin.icedb.procedure.RemoveOrphanFilesTableProcedure;
import io.trino.plugin.icedb.system.IcedbSystemTables;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.Assignment;
import io.trino.spi.connector.BeginTableExecuteResult;
import io.trino.spi.connector.ColumnHandle;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.connector.ColumnPosition;
import io.trino.spi.connector.ConnectorAccessControl;
import io.trino.spi.connector.ConnectorInsertTableHandle;
import io.trino.spi.connector.ConnectorMergeTableHandle;
import io.trino.spi.connector.ConnectorMetadata;
import io.trino.spi.connector.ConnectorOutputMetadata;
import io.trino.spi.connector.ConnectorOutputTableHandle;
import io.trino.spi.connector.ConnectorPartitioningHandle;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTableExecuteHandle;
import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.connector.ConnectorTableLayout;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.connector.ConnectorTableVersion;
import io.trino.spi.connector.Constraint;
import io.trino.spi.connector.ConstraintApplicationResult;
import io.trino.spi.connector.ProjectionApplicationResult;
import io.trino.spi.connector.RelationColumnsMetadata;
import io.trino.spi.connector.RetryMode;
import io.trino.spi.connector.RowChangeParadigm;
import io.trino.spi.connector.SaveMode;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.SystemTable;
import io.trino.spi.connector.TableNotFoundException;
import io.trino.spi.expression.ConnectorExpression;
import io.trino.spi.expression.Variable;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.TupleDomain;
import io.trino.spi.security.TrinoPrincipal;
import io.trino.spi.statistics.ComputedStatistics;
import io.trino.spi.type.LongTimestamp;
import io.trino.spi.type.LongTimestampWithTimeZone;
import io.trino.spi.type.TimestampType;
import io.trino.spi.type.TimestampWithTimeZoneType;
import io.trino.spi.type.Type;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.trino.plugin.base.projection.ApplyProjectionUtil.extractSupportedProjectedColumns;
import static io.trino.plugin.base.projection.ApplyProjectionUtil.replaceWithNewVariables;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_UNSUPPORTED_TYPE;
import static io.trino.spi.StandardErrorCode.INVALID_ARGUMENTS;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.DateTimeEncoding.unpackMillisUtc;
import static io.trino.spi.type.DateType.DATE;
import static io.trino.spi.type.IntegerType.INTEGER;
import static io.trino.spi.type.SmallintType.SMALLINT;
import static io.trino.spi.type.TinyintType.TINYINT;
import static java.lang.Math.ceilDiv;
import static java.lang.String.format;
import static java.util.Locale.ENGLISH;
import static java.util.Objects.requireNonNull;
import static java.util.function.Function.identity;

/**
 * Translates Trino's metadata calls to the catalog and the engine's snapshots. One instance per transaction: it
 * keeps the snapshots the transaction planned with, so splits are made from exactly those.
 */
public final class IcedbMetadata
        implements ConnectorMetadata
{
    private final IcedbCatalog catalog;
    private final IcedbSnapshotLoader snapshotLoader;
    private final IcedbTypeMapping typeMapping;
    private final IcedbWriteOperations writeOperations;
    private final IcedbMaintenance maintenance;
    private final IcedbCleaner cleaner;
    private final IcedbOrphanFileRemover orphanFileRemover;
    private final JsonCodec<IcedbWrittenPart> partCodec;
    private final IcedbDistributedMerge distributedMerge;
    private final IcedbRowLevelOperations rowLevelOperations;
    private final ConcurrentMap<SnapshotKey, Snapshot> snapshots = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Optional<IcedbTableDefinition>> definitions = new ConcurrentHashMap<>();

    public IcedbMetadata(
            IcedbCatalog catalog,
            IcedbSnapshotLoader snapshotLoader,
            IcedbTypeMapping typeMapping,
            IcedbWriteOperations writeOperations,
            IcedbMaintenance maintenance,
            IcedbCleaner cleaner,
            IcedbOrphanFileRemover orphanFileRemover,
            TrinoFileSystemFactory fileSystemFactory,
            JsonCodec<IcedbWrittenPart> partCodec)
    {
        this.cleaner = requireNonNull(cleaner, "cleaner is null");
        this.orphanFileRemover = requireNonNull(orphanFileRemover, "orphanFileRemover is null");
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.distributedMerge = new IcedbDistributedMerge(maintenance, fileSystemFactory);
        this.rowLevelOperations = new IcedbRowLevelOperations(maintenance, writeOperations, fileSystemFactory);
        this.partCodec = requireNonNull(partCodec, "partCodec is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.snapshotLoader = requireNonNull(snapshotLoader, "snapshotLoader is null");
        this.typeMapping = requireNonNull(typeMapping, "typeMapping is null");
        this.writeOperations = requireNonNull(writeOperations, "writeOperations is null");
    }

    @Override
    public List<String> listSchemaNames(ConnectorSession session)
    {
        return catalog.listSchemas(session.getIdentity());
    }

    @Override
    public ConnectorTableHandle getTableHandle(ConnectorSession session, SchemaTableName tableName, Optional<ConnectorTableVersion> startVersion, Optional<ConnectorTableVersion> endVersion)
    {
        if (startVersion.isPresent()) {
            throw new TrinoException(NOT_SUPPORTED, "Read table with start version is not supported");
        }
        Optional<IcedbTableLocation> location = catalog.findTable(session.getIdentity(), tableName);
        if (location.isEmpty()) {
            return null;
        }
        SnapshotTime time = endVersion.map(version -> snapshotTime(session, version)).orElseGet(SnapshotTime::latest);
        Snapshot snapshot;
        try {
            snapshot = snapshotLoader.load(session.getIdentity(), tableName, location.get(), time);
        }
        catch (TrinoException e) {
            if (endVersion.isEmpty() && IcedbUnreadableTables.isUnfoldable(e)) {
                // a log that no longer folds (a schema conflict, an invalid log) must not hide the table from DROP TABLE,
                // the way out; every read of the handle's snapshot fails with this error again
                return new IcedbTableHandle(tableName.getSchemaName(), tableName.getTableName(), location.get().location(), Long.MAX_VALUE, TupleDomain.all(), TupleDomain.all(), Optional.empty());
            }
            if (endVersion.isPresent() && e.getCause() instanceof NoSnapshotException) {
                throw new TrinoException(INVALID_ARGUMENTS, format(
                        "No version history table %s before %s: its oldest readable log is later, or was removed by a tombstone cleanup",
                        tableName,
                        Instant.ofEpochMilli(time.exclusiveUpperBound())), e);
            }
            throw e;
        }
        // pin exactly the logs read: a log that shows up later with an older name cannot change this query
        long upperBound = SnapshotTime.asOfVersion(snapshot.version()).exclusiveUpperBound();
        snapshots.putIfAbsent(new SnapshotKey(location.get().location(), upperBound), snapshot);
        return new IcedbTableHandle(tableName.getSchemaName(), tableName.getTableName(), location.get().location(), upperBound, TupleDomain.all(), TupleDomain.all(), Optional.empty());
    }

    @Override
    public Optional<SystemTable> getSystemTable(ConnectorSession session, SchemaTableName tableName)
    {
        int separator = tableName.getTableName().lastIndexOf('$');
        if (separator <= 0) {
            return Optional.empty();
        }
        Optional<IcedbSystemTables.Kind> kind = IcedbSystemTables.Kind.fromSuffix(tableName.getTableName().substring(separator + 1));
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        SchemaTableName baseName = new SchemaTableName(tableName.getSchemaName(), tableName.getTableName().substring(0, separator));
        IcedbTableHandle table = (IcedbTableHandle) getTableHandle(session, baseName, Optional.empty(), Optional.empty());
        if (table == null) {
            return Optional.empty();
        }
        IcedbTableLocation location = table.tableLocation();
        return Optional.of(IcedbSystemTables.create(
                kind.get(),
                tableName,
                location,
                snapshot(session, table),
                key -> snapshotLoader.readLog(session.getIdentity(), baseName, location, key),
                () -> maintenance.history(session, baseName, location),
                () -> definition(session, table)));
    }

    /**
     * The snapshot the handle is pinned to; read once per transaction.
     */
    public Snapshot snapshot(ConnectorSession session, IcedbTableHandle table)
    {
        return snapshots.computeIfAbsent(
                new SnapshotKey(table.location(), table.snapshotUpperBound()),
                key -> snapshotLoader.load(session.getIdentity(), table.schemaTableName(), table.tableLocation(), new SnapshotTime(key.upperBound())));
    }

    @Override
    public ConnectorTableMetadata getTableMetadata(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        IcedbTableHandle table = (IcedbTableHandle) tableHandle;
        Optional<IcedbTableDefinition> storedDefinition = definition(session, table);
        IcedbTableDefinition definition = storedDefinition.orElse(IcedbTableDefinition.DEFAULT);
        List<ColumnMetadata> columns = columns(session, table).stream()
                .map(IcedbColumnHandle::toColumnMetadata)
                .map(column -> definition.columnComments().containsKey(column.getName())
                        ? ColumnMetadata.builderFrom(column).setComment(Optional.of(definition.columnComments().get(column.getName()))).build()
                        : column)
                .collect(toImmutableList());
        return new ConnectorTableMetadata(table.schemaTableName(), columns, IcedbWriteOperations.tableProperties(table.tableLocation(), storedDefinition), definition.comment());
    }

    @Override
    public List<SchemaTableName> listTables(ConnectorSession session, Optional<String> schemaName)
    {
        return catalog.listTables(session.getIdentity(), schemaName);
    }

    @Override
    public Map<String, ColumnHandle> getColumnHandles(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        return columns(session, (IcedbTableHandle) tableHandle).stream()
                .collect(toImmutableMap(column -> column.name().toLowerCase(ENGLISH), column -> column, (first, _) -> first));
    }

    @Override
    public ColumnMetadata getColumnMetadata(ConnectorSession session, ConnectorTableHandle tableHandle, ColumnHandle columnHandle)
    {
        return ((IcedbColumnHandle) columnHandle).toColumnMetadata();
    }

    @Override
    public Iterator<RelationColumnsMetadata> streamRelationColumns(ConnectorSession session, Optional<String> schemaName, UnaryOperator<Set<SchemaTableName>> relationFilter)
    {
        ImmutableList.Builder<RelationColumnsMetadata> relations = ImmutableList.builder();
        Set<SchemaTableName> tables = relationFilter.apply(new LinkedHashSet<>(listTables(session, schemaName)));
        for (SchemaTableName tableName : tables) {
            try {
                ConnectorTableHandle handle = getTableHandle(session, tableName, Optional.empty(), Optional.empty());
                if (handle == null) {
                    continue;
                }
                relations.add(RelationColumnsMetadata.forTable(tableName, getTableMetadata(session, handle).getColumns()));
            }
            catch (TableNotFoundException _) {
                // removed concurrently
            }
            catch (TrinoException _) {
                // a table that cannot be read (bad log, unsupported type) must not hide every other table's columns
            }
        }
        return relations.build().iterator();
    }

    @Override
    public Optional<ConstraintApplicationResult<ConnectorTableHandle>> applyFilter(ConnectorSession session, ConnectorTableHandle tableHandle, Constraint constraint)
    {
        IcedbTableHandle table = (IcedbTableHandle) tableHandle;
        TupleDomain<IcedbColumnHandle> summary = constraint.getSummary().transformKeys(IcedbColumnHandle.class::cast);
        if (summary.isNone()) {
            TupleDomain<IcedbColumnHandle> none = TupleDomain.none();
            if (table.enforcedPredicate().isNone()) {
                return Optional.empty();
            }
            return Optional.of(new ConstraintApplicationResult<>(table.withPredicates(none, none), TupleDomain.all(), constraint.getExpression(), false));
        }
        Map<IcedbColumnHandle, Domain> domains = summary.getDomains().orElseThrow();
        Map<String, Type> identityColumns = partitionFields(session, table).stream()
                .filter(field -> field.getKey().transform() == PartitionTransform.IDENTITY)
                .collect(toImmutableMap(field -> field.getKey().column(), Map.Entry::getValue, (first, _) -> first));
        // part-level: known from the part's path alone, so the split manager enforces it exactly
        Map<IcedbColumnHandle, Domain> partLevelDomains = new LinkedHashMap<>();
        Map<IcedbColumnHandle, Domain> regularDomains = new LinkedHashMap<>();
        domains.forEach((column, domain) -> {
            if (column.isPartLevel() || isExactOnPartitions(column, domain, identityColumns)) {
                partLevelDomains.put(column, domain);
            }
            else {
                regularDomains.put(column, domain);
            }
        });
        TupleDomain<IcedbColumnHandle> partLevel = TupleDomain.withColumnDomains(partLevelDomains);
        TupleDomain<IcedbColumnHandle> regular = TupleDomain.withColumnDomains(regularDomains);

        TupleDomain<IcedbColumnHandle> enforced = table.enforcedPredicate().intersect(partLevel);
        TupleDomain<IcedbColumnHandle> unenforced = table.unenforcedPredicate().intersect(regular);
        if (enforced.equals(table.enforcedPredicate()) && unenforced.equals(table.unenforcedPredicate())) {
            return Optional.empty();
        }
        return Optional.of(new ConstraintApplicationResult<>(
                table.withPredicates(enforced, unenforced),
                regular.transformKeys(ColumnHandle.class::cast),
                constraint.getExpression(),
                false));
    }

    @Override
    public Optional<ProjectionApplicationResult<ConnectorTableHandle>> applyProjection(
            ConnectorSession session,
            ConnectorTableHandle handle,
            List<ConnectorExpression> projections,
            Map<String, ColumnHandle> assignments)
    {
        if (!IcedbSessionProperties.isProjectionPushdownEnabled(session)) {
            return Optional.empty();
        }
        // struct fields (chains of dereferences on a column) become columns of their own, so only those fields are read
        Set<ConnectorExpression> projected = projections.stream()
                .flatMap(expression -> extractSupportedProjectedColumns(expression).stream())
                .collect(toImmutableSet());
        Map<ConnectorExpression, ProjectedColumnRepresentation> representations = projected.stream()
                .collect(toImmutableMap(identity(), ApplyProjectionUtil::createProjectedColumnRepresentation));
        if (representations.values().stream().allMatch(ProjectedColumnRepresentation::isVariable)) {
            return Optional.empty();
        }

        Map<String, Assignment> newAssignments = new LinkedHashMap<>();
        ImmutableMap.Builder<ConnectorExpression, Variable> newVariables = ImmutableMap.builder();
        for (Map.Entry<ConnectorExpression, ProjectedColumnRepresentation> entry : representations.entrySet()) {
            ProjectedColumnRepresentation representation = entry.getValue();
            IcedbColumnHandle column = (IcedbColumnHandle) assignments.get(representation.getVariable().getName());
            for (int fieldIndex : representation.getDereferenceIndices()) {
                column = column.dereference(fieldIndex);
            }
            String name = representation.isVariable() ? representation.getVariable().getName() : column.qualifiedName();
            newAssignments.put(name, new Assignment(name, column, entry.getKey().getType()));
            newVariables.put(entry.getKey(), new Variable(name, entry.getKey().getType()));
        }
        Map<ConnectorExpression, Variable> variables = newVariables.buildOrThrow();
        List<ConnectorExpression> newProjections = projections.stream()
                .map(expression -> replaceWithNewVariables(expression, variables))
                .collect(toImmutableList());
        return Optional.of(new ProjectionApplicationResult<>(handle, newProjections, ImmutableList.copyOf(newAssignments.values()), false));
    }

    /**
     * Whether a predicate on a column the table is identity-partitioned by holds for all rows of a part or for none,
     * judged from the part's path (the Iceberg connector enforces such predicates the same way).
     */
    private static boolean isExactOnPartitions(IcedbColumnHandle column, Domain domain, Map<String, Type> identityColumns)
    {
        return column.kind() == IcedbColumnHandle.Kind.REGULAR
                && column.isBaseColumn()
                && identityColumns.containsKey(column.name())
                && IcedbPartitionPruning.isExactForIdentity(identityColumns.get(column.name()), domain);
    }

    /**
     * The columns of the pinned snapshot: the log schema, then the Hive keys of part paths that are not schema
     * columns (as varchar), then the hidden columns.
     */
    public List<IcedbColumnHandle> columns(ConnectorSession session, IcedbTableHandle table)
    {
        Snapshot snapshot = snapshot(session, table);
        ImmutableList.Builder<IcedbColumnHandle> columns = ImmutableList.builder();
        Set<String> names = new HashSet<>();
        for (Map.Entry<String, String> column : snapshot.schema().columns().entrySet()) {
            DuckDbType duckDbType;
            try {
                duckDbType = DuckDbTypes.parse(column.getValue());
            }
            catch (IcedbException e) {
                throw IcedbExceptions.translate(table.schemaTableName(), table.tableLocation(), e);
            }
            Type type = typeMapping.toTrinoType(duckDbType).orElseThrow(() -> new TrinoException(ICEDB_UNSUPPORTED_TYPE, format(
                    "Column '%s' of table %s has DuckDB type %s, which Trino cannot represent",
                    column.getKey(),
                    table.schemaTableName(),
                    column.getValue())));
            columns.add(new IcedbColumnHandle(column.getKey(), type, IcedbColumnHandle.Kind.REGULAR));
            names.add(column.getKey().toLowerCase(ENGLISH));
        }
        List<String> partitionKeys = pathKeys(session, table);
        // keys our partitioning derives from columns (ts_day of day(ts)) are no columns
        names.addAll(IcedbPartitionSpec.derivedKeyNames(definition(session, table).map(IcedbTableDefinition::partitioning).orElse(ImmutableList.of())));
        for (String key : partitionKeys) {
            if (names.add(key.toLowerCase(ENGLISH))) {
                columns.add(IcedbColumnHandle.partitionKey(key));
            }
        }
        columns.add(IcedbColumnHandle.PATH_COLUMN);
        columns.add(IcedbColumnHandle.PARTITION_COLUMN);
        columns.add(IcedbColumnHandle.FILE_SIZE_COLUMN);
        columns.add(IcedbColumnHandle.FILE_MODIFIED_TIME_COLUMN);
        return columns.build();
    }

    /**
     * The Hive keys of the live parts' paths, in path order.
     */
    private List<String> pathKeys(ConnectorSession session, IcedbTableHandle table)
    {
        String prefix = table.tableLocation().prefix();
        Set<String> keys = new LinkedHashSet<>();
        for (FileMarker part : snapshot(session, table).aliveFiles()) {
            keys.addAll(IcedbPartitions.hiveKeys(IcedbPartitions.partitionOf(prefix, part.path())).keySet());
        }
        return ImmutableList.copyOf(keys);
    }

    /**
     * For a table Python wrote: the Hive keys of its paths that rows written get from the same-named columns, in path
     * order. Keys that name schema columns count only if all of them can (an identity key of their type): otherwise
     * only the keys that are no schema columns, as before a key named a column.
     */
    private List<String> writePathKeys(ConnectorSession session, IcedbTableHandle table)
    {
        Map<String, IcedbColumnHandle> columns = columns(session, table).stream()
                .collect(toImmutableMap(column -> column.name().toLowerCase(ENGLISH), identity(), (first, _) -> first));
        List<String> keys = pathKeys(session, table);
        boolean valuesMakeKeys = keys.stream()
                .map(key -> columns.get(key.toLowerCase(ENGLISH)))
                .allMatch(column -> column != null && (column.kind() == IcedbColumnHandle.Kind.PARTITION_KEY || IcedbPartitionField.supports(PartitionTransform.IDENTITY, column.type())));
        if (valuesMakeKeys) {
            return keys;
        }
        return keys.stream()
                .filter(key -> columns.containsKey(key.toLowerCase(ENGLISH)) && columns.get(key.toLowerCase(ENGLISH)).kind() == IcedbColumnHandle.Kind.PARTITION_KEY)
                .collect(toImmutableList());
    }

    /**
     * The partition fields our properties record for the table, each with its column's type; empty when the table
     * has none (or they no longer match its columns). Used to skip parts by predicates on those columns.
     */
    public List<Map.Entry<IcedbPartitionField, Type>> partitionFields(ConnectorSession session, IcedbTableHandle table)
    {
        List<String> partitioning = definition(session, table).map(IcedbTableDefinition::partitioning).orElse(ImmutableList.of());
        if (partitioning.isEmpty()) {
            return ImmutableList.of();
        }
        Map<String, Type> types = new LinkedHashMap<>();
        for (IcedbColumnHandle column : columns(session, table)) {
            if (column.kind() == IcedbColumnHandle.Kind.REGULAR) {
                types.putIfAbsent(column.name(), column.type());
            }
        }
        try {
            return IcedbPartitionSpec.parse(partitioning, types).fields().stream()
                    .map(field -> Map.entry(field, types.get(field.column())))
                    .collect(toImmutableList());
        }
        catch (TrinoException _) {
            return ImmutableList.of();
        }
    }

    private Optional<IcedbTableDefinition> definition(ConnectorSession session, IcedbTableHandle table)
    {
        return definitions.computeIfAbsent(table.location(), _ -> writeOperations.findDefinition(session.getIdentity(), table.tableLocation()));
    }

    // the write path: IcedbWriteOperations

    @Override
    public void createSchema(ConnectorSession session, String schemaName, Map<String, Object> properties, TrinoPrincipal owner)
    {
        writeOperations.createSchema(session, schemaName, properties);
    }

    @Override
    public void dropSchema(ConnectorSession session, String schemaName, boolean cascade)
    {
        writeOperations.dropSchema(session, schemaName, cascade);
    }

    @Override
    public Optional<Type> getSupportedType(ConnectorSession session, Map<String, Object> tableProperties, Type type)
    {
        return writeOperations.getSupportedType(type);
    }

    @Override
    public void createTable(ConnectorSession session, ConnectorTableMetadata tableMetadata, SaveMode saveMode)
    {
        writeOperations.createTable(session, tableMetadata, saveMode);
    }

    @Override
    public Optional<ConnectorTableLayout> getNewTableLayout(ConnectorSession session, ConnectorTableMetadata tableMetadata)
    {
        Map<String, Type> columnTypes = tableMetadata.getColumns().stream()
                .collect(toImmutableMap(column -> column.getName().toLowerCase(ENGLISH), ColumnMetadata::getType, (first, _) -> first));
        return IcedbWriteLayout.writeLayout(IcedbTableProperties.getPartitioning(tableMetadata.getProperties()), columnTypes);
    }

    @Override
    public Optional<ConnectorTableLayout> getInsertLayout(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        IcedbTableHandle table = (IcedbTableHandle) tableHandle;
        List<String> partitioning = definition(session, table).map(IcedbTableDefinition::partitioning).orElse(ImmutableList.of());
        if (partitioning.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Type> columnTypes = columns(session, table).stream()
                .filter(column -> column.kind() == IcedbColumnHandle.Kind.REGULAR)
                .collect(toImmutableMap(IcedbColumnHandle::name, IcedbColumnHandle::type, (first, _) -> first));
        return IcedbWriteLayout.writeLayout(partitioning, columnTypes);
    }

    @Override
    public ConnectorOutputTableHandle beginCreateTable(ConnectorSession session, ConnectorTableMetadata tableMetadata, Optional<ConnectorTableLayout> layout, RetryMode retryMode, boolean replace)
    {
        return writeOperations.beginCreateTable(session, tableMetadata, retryMode, replace);
    }

    @Override
    public Optional<ConnectorOutputMetadata> finishCreateTable(ConnectorSession session, ConnectorOutputTableHandle tableHandle, Collection<Slice> fragments, Collection<ComputedStatistics> computedStatistics)
    {
        writeOperations.finishCreateTable(session, (IcedbWritableTableHandle) tableHandle, fragments);
        return Optional.empty();
    }

    @Override
    public ConnectorInsertTableHandle beginInsert(ConnectorSession session, ConnectorTableHandle tableHandle, List<ColumnHandle> columns, RetryMode retryMode)
    {
        IcedbTableHandle table = (IcedbTableHandle) tableHandle;
        List<IcedbColumnHandle> insertColumns = columns.stream().map(IcedbColumnHandle.class::cast).collect(toImmutableList());
        return writeOperations.beginInsert(session, table, insertColumns, snapshot(session, table).schema(), writePathKeys(session, table), retryMode);
    }

    @Override
    public Optional<ConnectorOutputMetadata> finishInsert(ConnectorSession session, ConnectorInsertTableHandle insertHandle, List<ConnectorTableHandle> sourceTableHandles, Collection<Slice> fragments, Collection<ComputedStatistics> computedStatistics)
    {
        writeOperations.finishInsert(session, (IcedbWritableTableHandle) insertHandle, fragments);
        return Optional.empty();
    }

    @Override
    public void addColumn(ConnectorSession session, ConnectorTableHandle tableHandle, ColumnMetadata column, ColumnPosition position)
    {
        if (!(position instanceof ColumnPosition.Last)) {
            // IceDB appends new columns at the end
            throw new TrinoException(NOT_SUPPORTED, "This connector does not support adding columns with %s clause".formatted(position instanceof ColumnPosition.First ? "FIRST" : "AFTER"));
        }
        writeOperations.addColumn(session, (IcedbTableHandle) tableHandle, column);
    }

    @Override
    public void setTableComment(ConnectorSession session, ConnectorTableHandle tableHandle, Optional<String> comment)
    {
        writeOperations.setTableComment(session, (IcedbTableHandle) tableHandle, comment);
    }

    @Override
    public void setColumnComment(ConnectorSession session, ConnectorTableHandle tableHandle, ColumnHandle column, Optional<String> comment)
    {
        writeOperations.setColumnComment(session, (IcedbTableHandle) tableHandle, ((IcedbColumnHandle) column).name(), comment);
    }

    @Override
    public void dropTable(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        writeOperations.dropTable(session, (IcedbTableHandle) tableHandle);
    }

    // ALTER TABLE ... EXECUTE merge

    @Override
    public Optional<ConnectorTableExecuteHandle> getTableHandleForExecute(
            ConnectorSession session,
            ConnectorAccessControl accessControl,
            ConnectorTableHandle tableHandle,
            String procedureName,
            Map<String, Object> executeProperties,
            RetryMode retryMode)
    {
        if (retryMode != RetryMode.NO_RETRIES) {
            throw new TrinoException(NOT_SUPPORTED, "This connector does not support query retries");
        }
        IcedbTableHandle table = (IcedbTableHandle) tableHandle;
        IcebergTableProcedureAliases.Resolved procedure = IcebergTableProcedureAliases.resolve(procedureName, executeProperties);
        switch (procedure.procedureName()) {
            case MergeTableProcedure.NAME -> {}
            case CleanupTableProcedure.NAME, RemoveOrphanFilesTableProcedure.NAME -> {
                Optional<Duration> retentionThreshold = Optional.ofNullable((Duration) procedure.properties().get(CleanupTableProcedure.RETENTION_THRESHOLD));
                return Optional.of(new IcedbCoordinatorExecuteHandle(table, procedure.procedureName(), retentionThreshold));
            }
            default -> throw new IllegalArgumentException("Unknown procedure: " + procedureName);
        }
        long maxFileSize = (long) procedure.properties().get(MergeTableProcedure.MAX_FILE_SIZE);
        int maxFileCount = (int) procedure.properties().get(MergeTableProcedure.MAX_FILE_COUNT);
        IcedbMerger.checkThresholds(maxFileSize, maxFileCount);
        return Optional.of(new IcedbTableExecuteHandle(table, maxFileSize, maxFileCount, Optional.empty(), ImmutableList.of()));
    }

    @Override
    public Optional<ConnectorTableLayout> getLayoutForTableExecute(ConnectorSession session, ConnectorTableExecuteHandle tableExecuteHandle)
    {
        if (!(tableExecuteHandle instanceof IcedbTableExecuteHandle)) {
            return Optional.empty();
        }
        // one writer per partition, also for derived keys (day(ts)) and Python's Hive keys: one merged part per partition
        IcedbTableHandle table = ((IcedbTableExecuteHandle) tableExecuteHandle).table();
        List<IcedbPartitionField> fields = partitionFields(session, table).stream().map(Map.Entry::getKey).collect(toImmutableList());
        if (fields.isEmpty()) {
            // as the page sink partitions a table Python wrote
            fields = writePathKeys(session, table).stream()
                    .map(key -> new IcedbPartitionField(key, PartitionTransform.IDENTITY, OptionalInt.empty()))
                    .collect(toImmutableList());
        }
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        List<String> layoutColumns = fields.stream().map(IcedbPartitionField::column).distinct().collect(toImmutableList());
        List<Integer> channels = fields.stream().map(field -> layoutColumns.indexOf(field.column())).collect(toImmutableList());
        return Optional.of(new ConnectorTableLayout(
                new IcedbPartitioningHandle(fields, channels),
                layoutColumns.stream().map(name -> name.toLowerCase(ENGLISH)).collect(toImmutableList()),
                false));
    }

    @Override
    public BeginTableExecuteResult<ConnectorTableExecuteHandle, ConnectorTableHandle> beginTableExecute(
            ConnectorSession session,
            ConnectorTableExecuteHandle tableExecuteHandle,
            ConnectorTableHandle updatedSourceTableHandle)
    {
        IcedbTableExecuteHandle execute = (IcedbTableExecuteHandle) tableExecuteHandle;
        IcedbTableHandle source = (IcedbTableHandle) updatedSourceTableHandle;
        source.enforcedPredicate().getDomains().orElse(ImmutableMap.of()).keySet().stream()
                .filter(column -> column.kind() == IcedbColumnHandle.Kind.PATH || column.kind() == IcedbColumnHandle.Kind.FILE_SIZE || column.kind() == IcedbColumnHandle.Kind.FILE_MODIFIED_TIME)
                .findFirst()
                .ifPresent(column -> {
                    throw new TrinoException(NOT_SUPPORTED, format("ALTER TABLE EXECUTE merge of %s: the WHERE clause can only reference partition columns and $partition, not %s", source.schemaTableName(), column.name()));
                });
        Snapshot snapshot = snapshot(session, source);
        // the columns of the pages: every column that is not hidden, in table order
        List<IcedbColumnHandle> columns = columns(session, source).stream()
                .filter(column -> column.kind() == IcedbColumnHandle.Kind.REGULAR || column.kind() == IcedbColumnHandle.Kind.PARTITION_KEY)
                .collect(toImmutableList());
        IcedbWritableTableHandle write = writeOperations.beginInsert(session, source, columns, snapshot.schema(), writePathKeys(session, source), RetryMode.NO_RETRIES);

        List<Map.Entry<IcedbPartitionField, Type>> partitionFields = partitionFields(session, source);
        List<IcedbPartitionField> fields = partitionFields.stream().map(Map.Entry::getKey).collect(toImmutableList());
        List<Type> fieldTypes = partitionFields.stream().map(Map.Entry::getValue).collect(toImmutableList());
        String root = source.tableLocation().root();
        List<String> replaced = distributedMerge.begin(
                session,
                maintenance.table(session, source.schemaName(), source.tableName()),
                snapshot,
                execute.maxFileSizeBytes(),
                execute.maxFileCount(),
                partition -> IcedbPartLevelValues.matchesEnforced(new IcedbSplit(root + partition, 0, 0, 0, partition, 0), source.enforcedPredicate(), fields, fieldTypes));
        return new BeginTableExecuteResult<>(execute.withWrite(write, replaced), source.withExecuteParts(replaced));
    }

    @Override
    public void finishTableExecute(ConnectorSession session, ConnectorTableExecuteHandle tableExecuteHandle, Collection<Slice> fragments, List<Object> splitSourceInfo)
    {
        IcedbTableExecuteHandle execute = (IcedbTableExecuteHandle) tableExecuteHandle;
        List<IcedbWrittenPart> newParts = fragments.stream()
                .map(fragment -> partCodec.fromJson(fragment.getBytes()))
                .collect(toImmutableList());
        distributedMerge.finish(session, execute.table().location(), execute.replacedParts(), newParts);
    }

    @Override
    public void executeTableExecute(ConnectorSession session, ConnectorTableExecuteHandle tableExecuteHandle)
    {
        IcedbCoordinatorExecuteHandle execute = (IcedbCoordinatorExecuteHandle) tableExecuteHandle;
        MaintainedTable table = maintenance.table(session, execute.table().schemaName(), execute.table().tableName());
        switch (execute.procedure()) {
            case CleanupTableProcedure.NAME -> cleaner.cleanup(session, table, execute.retentionThreshold().orElse(cleaner.minRetention()));
            case RemoveOrphanFilesTableProcedure.NAME -> {
                Duration retention = execute.retentionThreshold().orElse(orphanFileRemover.minRetention());
                orphanFileRemover.removeOrphanFiles(session, table, maintenance.clock().millis() - retention.toMillis());
            }
            default -> throw new IllegalArgumentException("Unknown procedure: " + execute.procedure());
        }
    }

    /**
     * Releases what a merge that began and did not finish holds (the query failed).
     */
    public void abortTableExecutes()
    {
        distributedMerge.abort();
        rowLevelOperations.abort();
    }

    // DELETE, UPDATE, MERGE and TRUNCATE: dml/IcedbRowLevelOperations

    @Override
    public Optional<ConnectorTableHandle> applyDelete(ConnectorSession session, ConnectorTableHandle handle)
    {
        return IcedbRowLevelOperations.applyDelete((IcedbTableHandle) handle);
    }

    @Override
    public OptionalLong executeDelete(ConnectorSession session, ConnectorTableHandle handle)
    {
        IcedbTableHandle table = (IcedbTableHandle) handle;
        return rowLevelOperations.deleteParts(session, table, partitionFields(session, table));
    }

    @Override
    public void truncateTable(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        rowLevelOperations.truncate(session, (IcedbTableHandle) tableHandle);
    }

    @Override
    public RowChangeParadigm getRowChangeParadigm(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        return RowChangeParadigm.DELETE_ROW_AND_INSERT_ROW;
    }

    @Override
    public ColumnHandle getMergeRowIdColumnHandle(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        return IcedbColumnHandle.MERGE_ROW_ID_COLUMN;
    }

    @Override
    public Optional<ConnectorPartitioningHandle> getUpdateLayout(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        return Optional.of(IcedbUpdateHandle.INSTANCE);
    }

    @Override
    public ConnectorMergeTableHandle beginMerge(ConnectorSession session, ConnectorTableHandle tableHandle, Map<Integer, Collection<ColumnHandle>> updateCaseColumns, RetryMode retryMode)
    {
        IcedbTableHandle table = (IcedbTableHandle) tableHandle;
        List<IcedbColumnHandle> columns = columns(session, table).stream()
                .filter(column -> column.kind() == IcedbColumnHandle.Kind.REGULAR || column.kind() == IcedbColumnHandle.Kind.PARTITION_KEY)
                .collect(toImmutableList());
        IcedbWritableTableHandle insert = writeOperations.beginInsert(session, table, columns, snapshot(session, table).schema(), writePathKeys(session, table), retryMode);
        rowLevelOperations.beginMerge(session, table, updateCaseColumns.isEmpty() ? "delete" : "update");
        return new IcedbMergeTableHandle(table, insert);
    }

    @Override
    public void finishMerge(ConnectorSession session, ConnectorMergeTableHandle mergeTableHandle, List<ConnectorTableHandle> sourceTableHandles, Collection<Slice> fragments, Collection<ComputedStatistics> computedStatistics)
    {
        IcedbMergeTableHandle merge = (IcedbMergeTableHandle) mergeTableHandle;
        rowLevelOperations.finishMerge(session, merge.table(), merge.insert(), fragments);
    }

    private static SnapshotTime snapshotTime(ConnectorSession session, ConnectorTableVersion version)
    {
        Type versionType = version.getVersionType();
        return switch (version.getPointerType()) {
            case TARGET_ID -> {
                if (!versionType.equals(BIGINT) && !versionType.equals(INTEGER) && !versionType.equals(SMALLINT) && !versionType.equals(TINYINT)) {
                    throw new TrinoException(NOT_SUPPORTED, "Unsupported type for table version: " + versionType.getDisplayName() + " (use a log timestamp in milliseconds, a bigint)");
                }
                yield SnapshotTime.asOfVersion(((Number) version.getVersion()).longValue());
            }
            case TEMPORAL -> SnapshotTime.asOfTimestamp(temporalVersionMillis(session, version, versionType));
        };
    }

    /**
     * The time as epoch milliseconds, rounded up: IceDB keeps the logs strictly before it, and a log at millisecond
     * {@code m} is before {@code m + 0.5}.
     */
    private static long temporalVersionMillis(ConnectorSession session, ConnectorTableVersion version, Type versionType)
    {
        if (versionType.equals(DATE)) {
            return LocalDate.ofEpochDay((long) version.getVersion())
                    .atStartOfDay()
                    .atZone(session.getTimeZoneKey().getZoneId())
                    .toInstant()
                    .toEpochMilli();
        }
        if (versionType instanceof TimestampType timestampType) {
            long epochMicros;
            int picosOfMicro = 0;
            if (timestampType.isShort()) {
                epochMicros = (long) version.getVersion();
            }
            else {
                LongTimestamp timestamp = (LongTimestamp) version.getVersion();
                epochMicros = timestamp.getEpochMicros();
                picosOfMicro = timestamp.getPicosOfMicro();
            }
            long localMillis = ceilDiv(epochMicros + (picosOfMicro > 0 ? 1 : 0), 1000);
            return LocalDateTime.ofInstant(Instant.ofEpochMilli(localMillis), ZoneOffset.UTC)
                    .atZone(session.getTimeZoneKey().getZoneId())
                    .toInstant()
                    .toEpochMilli();
        }
        if (versionType instanceof TimestampWithTimeZoneType timestampWithTimeZoneType) {
            if (timestampWithTimeZoneType.isShort()) {
                return unpackMillisUtc((long) version.getVersion());
            }
            LongTimestampWithTimeZone timestamp = (LongTimestampWithTimeZone) version.getVersion();
            return timestamp.getEpochMillis() + (timestamp.getPicosOfMilli() > 0 ? 1 : 0);
        }
        throw new TrinoException(NOT_SUPPORTED, "Unsupported type for temporal table version: " + versionType.getDisplayName());
    }

    private record SnapshotKey(String location, long upperBound)
    {
        private SnapshotKey
        {
            requireNonNull(location, "location is null");
        }
    }
}
