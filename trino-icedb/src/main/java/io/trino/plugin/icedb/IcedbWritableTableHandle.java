package io.trino.plugin.icedb;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.google.common.collect.ImmutableList;
import io.trino.spi.connector.ConnectorInsertTableHandle;
import io.trino.spi.connector.ConnectorOutputTableHandle;
import io.trino.spi.connector.SchemaTableName;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An INSERT or a CREATE TABLE AS: where the parts go and how they are laid out.
 *
 * @param location the table's location
 * @param columns the columns of the pages, in page channel order
 * @param definition the table's properties (partitioning, sort order, codec, bloom filters)
 * @param pathKeys for a table without a {@code partitioning} property (one Python wrote): the Hive keys of its part
 * paths, in path order; a row goes to the partition its values of the same-named columns give
 * @param newTable for CREATE TABLE AS: the table does not exist yet; its properties and, for a table outside the
 * warehouse directory, its registration are written when it commits
 * @param tableIdentity for an INSERT: the table's identity when it began ({@link IcedbInsertGuard}); empty for a table
 * without one
 */
public record IcedbWritableTableHandle(
        String schemaName,
        String tableName,
        String location,
        List<IcedbWriteColumn> columns,
        IcedbTableDefinition definition,
        List<String> pathKeys,
        boolean newTable,
        boolean registerLocation,
        Optional<String> tableIdentity)
        implements ConnectorInsertTableHandle, ConnectorOutputTableHandle
{
    public IcedbWritableTableHandle
    {
        requireNonNull(schemaName, "schemaName is null");
        requireNonNull(tableName, "tableName is null");
        requireNonNull(location, "location is null");
        columns = ImmutableList.copyOf(columns);
        requireNonNull(definition, "definition is null");
        pathKeys = ImmutableList.copyOf(pathKeys);
        requireNonNull(tableIdentity, "tableIdentity is null");
    }

    @JsonIgnore
    public SchemaTableName schemaTableName()
    {
        return new SchemaTableName(schemaName, tableName);
    }

    @JsonIgnore
    public IcedbTableLocation tableLocation()
    {
        return IcedbTableLocation.parse(location);
    }

    @JsonIgnore
    public Optional<IcedbWriteColumn> column(String name)
    {
        return columns.stream().filter(column -> column.name().equals(name)).findFirst();
    }

    @Override
    public String toString()
    {
        return schemaName + "." + tableName + " at " + location;
    }
}
