package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.inject.Inject;
import io.airlift.json.JsonCodec;
import io.airlift.log.Logger;
import io.airlift.slice.Slice;
import io.airlift.stats.CounterStat;
import io.airlift.stats.TimeStat;
import io.icedb.engine.commit.InsertLogBuilder;
import io.icedb.engine.commit.PlannedLog;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.exceptions.LeaseUnavailableException;
import io.icedb.engine.exceptions.SchemaConflictException;
import io.icedb.engine.identity.TableIdentity;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.Schema;
import io.icedb.engine.stats.PartStats;
import io.icedb.engine.table.TableLog;
import io.trino.plugin.icedb.IcedbTableDefinitions.NewTable;
import io.trino.plugin.icedb.catalog.IcedbCatalog;
import io.trino.plugin.icedb.dml.IcedbTableReplacement;
import io.trino.plugin.icedb.maintenance.IcedbMaintenance;
import io.trino.plugin.icedb.maintenance.IcedbTableLease;
import io.trino.plugin.icedb.maintenance.MaintainedTable;
import io.trino.plugin.icedb.stats.IcedbExtendedStatistics;
import io.trino.plugin.icedb.stats.IcedbPartStatisticsStore;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.connector.ColumnPosition;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.connector.RetryMode;
import io.trino.spi.connector.SaveMode;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.TableNotFoundException;
import io.trino.spi.statistics.ComputedStatistics;
import io.trino.spi.type.Type;
import org.weakref.jmx.Managed;
import org.weakref.jmx.Nested;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_COMMIT_ERROR;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_SCHEMA_CONFLICT;
import static io.trino.plugin.icedb.catalog.IcedbCatalog.checkColumnName;
import static io.trino.spi.StandardErrorCode.ALREADY_EXISTS;
import static io.trino.spi.StandardErrorCode.COLUMN_ALREADY_EXISTS;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static java.lang.String.format;
import static java.util.Locale.ENGLISH;
import static java.util.Objects.requireNonNull;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

/**
 * The commits of CREATE TABLE, CREATE TABLE AS, INSERT and ADD COLUMN, through the engine's {@link TableLog}: an insert
 * creates ONE log exclusively ({@link TableLog#commitInsert}, with its rule for an ambiguous 412), a table's first log is
 * committed under the table's lease so that of statements racing to create one table exactly one does.
 * <p>
 * The log's writer host is unique per commit: {@code trino-<query id>-<12 random characters>}.
 */
public final class IcedbTableCommits
{
    private static final Logger log = Logger.get(IcedbTableCommits.class);
    // statements racing to create a table hold its lease only while committing the first log
    private static final Duration CREATE_LEASE_WAIT = Duration.ofSeconds(30);

    private final IcedbCatalog catalog;
    private final IcedbTableDefinitions definitions;
    private final IcedbMaintenance maintenance;
    private final JsonCodec<IcedbWrittenPart> partCodec;
    private final IcedbPartStatisticsStore statisticsStore;
    private final IcedbExtendedStatistics extendedStatistics;
    private final TimeStat commits = new TimeStat(MILLISECONDS);
    private final CounterStat commitFailures = new CounterStat();

    @Inject
    public IcedbTableCommits(IcedbCatalog catalog, IcedbTableDefinitions definitions, IcedbMaintenance maintenance, JsonCodec<IcedbWrittenPart> partCodec, IcedbPartStatisticsStore statisticsStore, IcedbExtendedStatistics extendedStatistics)
    {
        this.extendedStatistics = requireNonNull(extendedStatistics, "extendedStatistics is null");
        this.statisticsStore = requireNonNull(statisticsStore, "statisticsStore is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.definitions = requireNonNull(definitions, "definitions is null");
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.partCodec = requireNonNull(partCodec, "partCodec is null");
    }

    public void createTable(ConnectorSession session, ConnectorTableMetadata tableMetadata, SaveMode saveMode)
    {
        SchemaTableName tableName = tableMetadata.getTable();
        Optional<IcedbTableLocation> existing = catalog.findTable(session.getIdentity(), tableName);
        if (saveMode == SaveMode.REPLACE && existing.isPresent()) {
            NewTable table = definitions.prepareNewTable(session, tableMetadata, existing);
            replaceTable(session, tableName, table, table.schema(), ImmutableList.of(), ImmutableMap.of());
            return;
        }
        if (existing.isPresent()) {
            if (saveMode == SaveMode.IGNORE) {
                return;
            }
            throw new TrinoException(ALREADY_EXISTS, format("Table already exists: %s", tableName));
        }
        NewTable table = definitions.prepareNewTable(session, tableMetadata, Optional.empty());
        if (createFirstLog(session, tableName, table.location(), table.definition(), table.schema(), ImmutableList.of(), ImmutableMap.of()).isEmpty()) {
            if (saveMode == SaveMode.IGNORE) {
                return;
            }
            throw new TrinoException(ALREADY_EXISTS, format("Table already exists: %s (%s holds a table: a concurrent statement created it, or another table lives there)", tableName, table.location()));
        }
        if (table.registerLocation()) {
            catalog.registerCreatedTable(session.getIdentity(), tableName, table.location());
        }
    }

    public IcedbWritableTableHandle beginCreateTable(ConnectorSession session, ConnectorTableMetadata tableMetadata, RetryMode retryMode, boolean replace)
    {
        checkRetryMode(retryMode);
        Optional<IcedbTableLocation> existing = replace ? catalog.findTable(session.getIdentity(), tableMetadata.getTable()) : Optional.empty();
        NewTable table = definitions.prepareNewTable(session, tableMetadata, existing);
        List<IcedbWriteColumn> columns = tableMetadata.getColumns().stream()
                .filter(column -> !column.isHidden())
                .map(column -> new IcedbWriteColumn(column.getName(), column.getType(), Optional.of(table.schema().columns().get(column.getName()))))
                .collect(toImmutableList());
        SchemaTableName tableName = tableMetadata.getTable();
        return new IcedbWritableTableHandle(tableName.getSchemaName(), tableName.getTableName(), table.location().location(), columns, table.definition(), ImmutableList.of(), existing.isEmpty(), table.registerLocation(), Optional.empty());
    }

    /**
     * Commits what a CTAS wrote, then the distinct-value sketches Trino collected on its rows (best effort).
     */
    public void finishCreateTable(ConnectorSession session, IcedbWritableTableHandle table, Collection<Slice> fragments, Collection<ComputedStatistics> computedStatistics)
    {
        String logKey = commitCreateTable(session, table, fragments);
        // the table's first log, or a replacement of every row: nothing older is merged in
        extendedStatistics.extend(session.getIdentity(), table, logKey, computedStatistics, true);
    }

    /**
     * @return the key of the committed log
     */
    private String commitCreateTable(ConnectorSession session, IcedbWritableTableHandle table, Collection<Slice> fragments)
    {
        if (!table.newTable()) {
            // CREATE OR REPLACE TABLE AS of a table that exists
            return replaceTable(session, table.schemaTableName(), new NewTable(table.tableLocation(), writtenSchema(table), table.definition(), false), writtenSchema(table), markers(fragments), statistics(fragments));
        }
        Optional<String> logKey = createFirstLog(session, table.schemaTableName(), table.tableLocation(), table.definition(), writtenSchema(table), markers(fragments), statistics(fragments));
        if (logKey.isEmpty()) {
            // our parts stay orphans, named by no log
            throw new TrinoException(ALREADY_EXISTS, format("Table already exists: %s (%s holds a table: a concurrent statement created it, or another table lives there)", table.schemaTableName(), table.tableLocation()));
        }
        if (table.registerLocation()) {
            catalog.registerCreatedTable(session.getIdentity(), table.schemaTableName(), table.tableLocation());
        }
        return logKey.get();
    }

    private String replaceTable(ConnectorSession session, SchemaTableName name, NewTable table, Schema schema, List<FileMarker> parts, Map<String, PartStats> statistics)
    {
        MaintainedTable maintained = maintenance.table(session, name, table.location());
        String logKey = IcedbTableReplacement.commit(maintenance, this, session, maintained, schema, parts);
        statisticsStore.writeSidecar(maintained.fileIo(), table.location(), logKey, statistics);
        if (parts.isEmpty()) {
            // the old rows' distinct-value sketches no longer describe the table (a CTAS with rows writes its own)
            extendedStatistics.reset(session.getIdentity(), table.location(), logKey);
        }
        // properties are advice for writers (sort order, codec, comments): the log above is the commit point
        table.definition().write(maintained.fileIo(), table.location());
        return logKey;
    }

    /**
     * @param columns the columns the insert writes, in page channel order
     * @param view the table in the snapshot the insert planned with: its schema, its properties, and (for a table without
     * a {@code partitioning} property) the Hive keys of its part paths whose values come from the columns of the same
     * name, in path order
     */
    public IcedbWritableTableHandle beginInsert(ConnectorSession session, IcedbTableHandle table, List<IcedbColumnHandle> columns, IcedbTableView view, RetryMode retryMode)
    {
        checkRetryMode(retryMode);
        Schema schema = view.snapshot().schema();
        IcedbTableDefinition definition = view.definition();
        List<String> pathKeys = view.writePathKeys();
        IcedbTableLocation location = table.tableLocation();
        ImmutableList.Builder<IcedbWriteColumn> writeColumns = ImmutableList.builder();
        for (IcedbColumnHandle column : columns) {
            switch (column.kind()) {
                case REGULAR -> {
                    String tableType = schema.columns().get(column.name());
                    String writtenType = IcedbTableDefinitions.duckDbType(column.name(), column.type());
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
        List<IcedbWriteColumn> written = writeColumns.build();
        Optional<String> identity = IcedbInsertGuard.begin(maintenance.table(session, table.schemaTableName(), location).fileIo(), table.schemaTableName(), location);
        List<String> writtenPathKeys = definition.partitioning().isEmpty() ? pathKeys : ImmutableList.of();
        return new IcedbWritableTableHandle(table.schemaName(), table.tableName(), table.location(), written, definition, writtenPathKeys, false, false, identity);
    }

    /**
     * Commits what an INSERT wrote (when it wrote rows), then merges the distinct-value sketches Trino collected on
     * its rows into the table's (best effort).
     */
    public void finishInsert(ConnectorSession session, IcedbWritableTableHandle table, Collection<Slice> fragments, Collection<ComputedStatistics> computedStatistics)
    {
        finishInsert(session, table, fragments)
                .ifPresent(logKey -> extendedStatistics.extend(session.getIdentity(), table, logKey, computedStatistics, false));
    }

    /**
     * @return the key of the committed log; empty when nothing was written (no log, the table is unchanged)
     */
    public Optional<String> finishInsert(ConnectorSession session, IcedbWritableTableHandle table, Collection<Slice> fragments)
    {
        List<FileMarker> markers = markers(fragments);
        if (markers.isEmpty()) {
            return Optional.empty();
        }
        IcedbFileIo fileIo = maintenance.table(session, table.schemaTableName(), table.tableLocation()).fileIo();
        String logKey = IcedbInsertGuard.commit(fileIo, table.schemaTableName(), table.tableLocation(), table.tableIdentity(), markers,
                () -> commitInsert(session, table.schemaTableName(), table.tableLocation(), writtenSchema(table), markers));
        statisticsStore.writeSidecar(fileIo, table.tableLocation(), logKey, statistics(fragments));
        return Optional.of(logKey);
    }

    public IcedbPartStatisticsStore statisticsStore()
    {
        return statisticsStore;
    }

    /**
     * The written parts' statistics by part key (parts whose writer had none are left out).
     */
    public Map<String, PartStats> statistics(Collection<Slice> fragments)
    {
        Map<String, PartStats> statistics = new HashMap<>();
        for (Slice fragment : fragments) {
            IcedbWrittenPart part = partCodec.fromJson(fragment.getBytes());
            part.statistics().ifPresent(stats -> statistics.put(part.key(), stats));
        }
        return statistics;
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
     * @return the key of the log; empty when the table exists already
     */
    private Optional<String> createFirstLog(ConnectorSession session, SchemaTableName name, IcedbTableLocation location, IcedbTableDefinition definition, Schema schema, List<FileMarker> parts, Map<String, PartStats> statistics)
    {
        MaintainedTable table = maintenance.table(session, name, location);
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
            if (table.currentSchema().filter(current -> !current.columns().isEmpty()).isPresent()) {
                return Optional.empty();
            }
            try {
                TableIdentity.create(table.fileIo(), location.prefix(), System.currentTimeMillis());
            }
            catch (IOException e) {
                throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to write the identity of table %s at %s: %s", name, location, e.getMessage()), e);
            }
            definition.write(table.fileIo(), location);
            PlannedLog firstLog = InsertLogBuilder.build(location.prefix(), LogFileName.uniqueHost(hostPrefix(session.getQueryId())), System.currentTimeMillis(), schema, parts);
            try {
                TableLog.commitUnderLease(lease, firstLog);
            }
            catch (IcedbException e) {
                throw new TrinoException(ICEDB_COMMIT_ERROR, format("Failed to create table %s (%s): %s", name, location, e.getMessage()), e);
            }
            statisticsStore.writeSidecar(table.fileIo(), location, firstLog.key(), statistics);
            return Optional.of(firstLog.key());
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

    /**
     * Commits one insert log with the table's current schema and {@code writtenSchema} appended.
     *
     * @return the key of the created log
     */
    public String commitInsert(ConnectorSession session, SchemaTableName name, IcedbTableLocation location, Schema writtenSchema, List<FileMarker> parts)
    {
        MaintainedTable table = maintenance.table(session, name, location);
        String hostPrefix = hostPrefix(session.getQueryId());
        try (TimeStat.BlockTimer _ = commits.time()) {
            return table.log().commitInsert(writtenSchema, parts, () -> LogFileName.uniqueHost(hostPrefix), System::currentTimeMillis);
        }
        catch (SchemaConflictException e) {
            commitFailures.update(1);
            throw schemaConflict(name, e);
        }
        catch (IcedbException e) {
            commitFailures.update(1);
            throw IcedbExceptions.translate(name, location, e);
        }
        catch (RuntimeException e) {
            commitFailures.update(1);
            throw e;
        }
    }

    /**
     * Log commits of inserts (not the first log of a table, nor maintenance) and their duration.
     */
    @Managed
    @Nested
    public TimeStat getCommits()
    {
        return commits;
    }

    @Managed
    @Nested
    public CounterStat getCommitFailures()
    {
        return commitFailures;
    }

    static TrinoException schemaConflict(SchemaTableName table, SchemaConflictException e)
    {
        return new TrinoException(ICEDB_SCHEMA_CONFLICT, format(
                "Cannot commit to table %s: column '%s' has type %s in the table but %s in the written data",
                table,
                e.column(),
                e.existingType(),
                e.conflictingType()), e);
    }

    /**
     * A path-safe writer id without {@code _}: {@code trino-} and the query id's letters, digits and dashes.
     */
    static String hostPrefix(String writerId)
    {
        String sanitized = writerId.toLowerCase(ENGLISH).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (sanitized.length() > 100) {
            sanitized = sanitized.substring(0, 100);
        }
        return sanitized.isEmpty() ? "trino" : "trino-" + sanitized;
    }

    public void addColumn(ConnectorSession session, IcedbTableHandle table, ColumnMetadata column, ColumnPosition position)
    {
        if (!(position instanceof ColumnPosition.Last)) {
            // IceDB appends new columns at the end
            throw new TrinoException(NOT_SUPPORTED, "This connector does not support adding columns with %s clause".formatted(position instanceof ColumnPosition.First ? "FIRST" : "AFTER"));
        }
        if (!column.isNullable()) {
            throw new TrinoException(NOT_SUPPORTED, format("Cannot add NOT NULL column '%s' to table %s: IceDB columns are always nullable", column.getName(), table.schemaTableName()));
        }
        checkColumnName(column.getName());
        IcedbTableLocation location = table.tableLocation();
        Type storageType = definitions.storageType(column.getName(), column.getType());
        MaintainedTable maintained = maintenance.table(session, table.schemaTableName(), location);
        // under the table's lease, with the schema read under it: of two statements adding one column, the second fails
        IcedbTableLease.withLease(maintenance, session, maintained, "add-column", lease -> {
            Schema current = maintained.currentSchema().orElseThrow(() -> new TableNotFoundException(table.schemaTableName()));
            for (String existing : current.columns().keySet()) {
                if (existing.equalsIgnoreCase(column.getName())) {
                    throw new TrinoException(COLUMN_ALREADY_EXISTS, format("Column '%s' already exists in table %s (type %s)", column.getName(), table.schemaTableName(), current.columns().get(existing)));
                }
            }
            Map<String, String> schema = new LinkedHashMap<>(current.columns());
            schema.put(column.getName(), IcedbTableDefinitions.duckDbType(column.getName(), storageType));
            PlannedLog planned = InsertLogBuilder.build(location.prefix(), LogFileName.uniqueHost(hostPrefix(session.getQueryId())), System.currentTimeMillis(), new Schema(schema), List.of());
            try {
                TableLog.commitUnderLease(lease, planned);
            }
            catch (IcedbException e) {
                throw new TrinoException(ICEDB_COMMIT_ERROR, format("Failed to change the schema of table %s (%s): %s", table.schemaTableName(), location, e.getMessage()), e);
            }
            if (column.getComment() != null) {
                IcedbTableDefinition.read(maintained.fileIo(), location).withColumnComment(column.getName(), Optional.of(column.getComment())).write(maintained.fileIo(), location);
            }
            return null;
        });
    }

    private static void checkRetryMode(RetryMode retryMode)
    {
        if (retryMode != RetryMode.NO_RETRIES) {
            throw new TrinoException(NOT_SUPPORTED, "This connector does not support query or task retries (retry-policy)");
        }
    }
}
