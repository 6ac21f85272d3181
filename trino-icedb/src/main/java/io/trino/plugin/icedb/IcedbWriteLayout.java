package io.trino.plugin.icedb;

import io.trino.plugin.icedb.layout.IcedbPartitionField;
import io.trino.plugin.icedb.layout.IcedbPartitionSpec;
import io.trino.plugin.icedb.layout.PartitionTransform;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.connector.ConnectorTableLayout;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.type.Type;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static java.util.Locale.ENGLISH;

/**
 * How Trino should distribute the rows an INSERT or CTAS writes: by partition, so that each partition is written by
 * one writer (one part per partition, not one per writer and partition), as the Iceberg connector does.
 */
public final class IcedbWriteLayout
{
    private IcedbWriteLayout() {}

    /**
     * The layout of a CTAS (its table's {@code partitioning} property).
     */
    public static Optional<ConnectorTableLayout> newTableLayout(ConnectorTableMetadata tableMetadata)
    {
        Map<String, Type> columnTypes = tableMetadata.getColumns().stream()
                .collect(toImmutableMap(column -> column.getName().toLowerCase(ENGLISH), ColumnMetadata::getType, (first, _) -> first));
        return writeLayout(IcedbTableProperties.getPartitioning(tableMetadata.getProperties()), columnTypes);
    }

    /**
     * The layout of an insert into the table {@code view} shows.
     */
    public static Optional<ConnectorTableLayout> insertLayout(IcedbTableView view)
    {
        List<String> partitioning = view.definition().partitioning();
        if (partitioning.isEmpty()) {
            return Optional.empty();
        }
        return writeLayout(partitioning, IcedbTableView.types(view.schemaColumns()));
    }

    /**
     * @param partitioning the table's {@code partitioning} expressions
     * @param columnTypes the table's columns (lowercase names) and their types
     */
    public static Optional<ConnectorTableLayout> writeLayout(List<String> partitioning, Map<String, Type> columnTypes)
    {
        if (partitioning.isEmpty()) {
            return Optional.empty();
        }
        IcedbPartitionSpec spec;
        try {
            spec = IcedbPartitionSpec.parse(partitioning, columnTypes);
        }
        catch (TrinoException e) {
            // an invalid partitioning is refused with its own message when the table is created
            return Optional.empty();
        }
        List<String> columns = spec.fields().stream().map(IcedbPartitionField::column).distinct().collect(toImmutableList());
        if (spec.fields().stream().allMatch(field -> field.transform() == PartitionTransform.IDENTITY)) {
            // identity only: Trino's own hash partitioning on the columns
            return Optional.of(new ConnectorTableLayout(columns));
        }
        // transforms (month(d), bucket(c, n), ...): rows are distributed by a hash of their partition path
        List<Integer> channels = spec.fields().stream().map(field -> columns.indexOf(field.column())).collect(toImmutableList());
        return Optional.of(new ConnectorTableLayout(new IcedbPartitioningHandle(spec.fields(), channels), columns, true));
    }
}
