package io.trino.plugin.icedb.mv;

import com.google.common.collect.ImmutableList;
import io.airlift.json.JsonCodec;
import io.trino.spi.connector.CatalogSchemaName;
import io.trino.spi.connector.CatalogSchemaTableName;
import io.trino.spi.connector.ConnectorMaterializedViewDefinition;
import io.trino.spi.type.TypeId;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.util.Objects.requireNonNull;

/**
 * A materialized view as stored in the warehouse: {@code <schema>/_materialized_views/<view>/_icedb/materialized_view.json},
 * in the storage table's own {@code _icedb/} (never under {@code _log}). It holds Trino's definition of the view, its
 * properties, and what the refresh may do ({@link IcedbViewQuery}).
 *
 * @param gracePeriodMillis the grace period in milliseconds; empty for none given (the storage table is then always read)
 */
public record IcedbMaterializedViewDefinition(
        String originalSql,
        Optional<String> catalog,
        Optional<String> schema,
        List<Column> columns,
        Optional<Long> gracePeriodMillis,
        Optional<String> comment,
        Optional<String> owner,
        List<String> path,
        List<String> partitioning,
        IcedbViewQuery.Kind refreshKind,
        Optional<String> sourceSchema,
        Optional<String> sourceTable,
        List<String> keyColumns,
        List<String> aggregates)
{
    public static final String FILE = "materialized_view.json";
    public static final JsonCodec<IcedbMaterializedViewDefinition> CODEC = JsonCodec.jsonCodec(IcedbMaterializedViewDefinition.class);

    public IcedbMaterializedViewDefinition
    {
        requireNonNull(originalSql, "originalSql is null");
        requireNonNull(catalog, "catalog is null");
        requireNonNull(schema, "schema is null");
        columns = ImmutableList.copyOf(columns);
        requireNonNull(gracePeriodMillis, "gracePeriodMillis is null");
        requireNonNull(comment, "comment is null");
        requireNonNull(owner, "owner is null");
        path = ImmutableList.copyOf(path);
        partitioning = ImmutableList.copyOf(partitioning);
        requireNonNull(refreshKind, "refreshKind is null");
        requireNonNull(sourceSchema, "sourceSchema is null");
        requireNonNull(sourceTable, "sourceTable is null");
        keyColumns = ImmutableList.copyOf(keyColumns);
        aggregates = ImmutableList.copyOf(aggregates);
    }

    public record Column(String name, String type, Optional<String> comment)
    {
        public Column
        {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
            requireNonNull(comment, "comment is null");
        }
    }

    public ConnectorMaterializedViewDefinition toConnectorDefinition(CatalogSchemaTableName storageTable)
    {
        return new ConnectorMaterializedViewDefinition(
                originalSql,
                Optional.of(storageTable),
                catalog,
                schema,
                columns.stream()
                        .map(column -> new ConnectorMaterializedViewDefinition.Column(column.name(), TypeId.of(column.type()), column.comment()))
                        .collect(toImmutableList()),
                gracePeriodMillis.map(Duration::ofMillis),
                comment,
                owner,
                path.stream().map(IcedbMaterializedViewDefinition::schemaName).collect(toImmutableList()));
    }

    private static CatalogSchemaName schemaName(String qualified)
    {
        int dot = qualified.indexOf('.');
        return new CatalogSchemaName(qualified.substring(0, dot), qualified.substring(dot + 1));
    }
}
