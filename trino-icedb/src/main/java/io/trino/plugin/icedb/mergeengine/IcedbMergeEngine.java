package io.trino.plugin.icedb.mergeengine;

import com.google.common.collect.ImmutableList;
import io.trino.plugin.icedb.layout.IcedbPartitionField;
import io.trino.plugin.icedb.layout.IcedbPartitionSpec;
import io.trino.plugin.icedb.layout.IcedbSortField;
import io.trino.spi.TrinoException;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.Type;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.trino.spi.StandardErrorCode.INVALID_TABLE_PROPERTY;
import static java.lang.String.format;
import static java.util.Locale.ENGLISH;
import static java.util.Objects.requireNonNull;

/**
 * A table's merge engine (table properties {@code primary_key}, {@code merge_engine}, {@code version_column},
 * {@code aggregates}), kept in the table's definition ({@code P/_icedb/properties.json}).
 *
 * @param primaryKey the key columns, in declaration order (empty for {@code append} without a key)
 * @param versionColumn for {@code deduplicate}: the row with the greatest value wins
 * @param aggregates for {@code aggregate}: how listed columns combine; a non-key column not listed keeps the latest value
 */
public record IcedbMergeEngine(
        IcedbMergeEngineType type,
        List<String> primaryKey,
        Optional<String> versionColumn,
        List<IcedbAggregate> aggregates)
{
    public static final IcedbMergeEngine APPEND = new IcedbMergeEngine(IcedbMergeEngineType.APPEND, ImmutableList.of(), Optional.empty(), ImmutableList.of());

    public IcedbMergeEngine
    {
        requireNonNull(type, "type is null");
        primaryKey = ImmutableList.copyOf(primaryKey);
        requireNonNull(versionColumn, "versionColumn is null");
        aggregates = ImmutableList.copyOf(aggregates);
    }

    /**
     * Whether reads and merges combine rows by key (every engine but {@code append}).
     */
    public boolean mergesRows()
    {
        return type != IcedbMergeEngineType.APPEND;
    }

    public Optional<IcedbAggregate> aggregate(String column)
    {
        return aggregates.stream().filter(aggregate -> aggregate.column().equals(column)).findFirst();
    }

    /**
     * The merge engine CREATE TABLE declares, checked against the table's columns and partitioning.
     *
     * @param columns the table's columns (lowercase names) and types
     * @throws TrinoException {@code INVALID_TABLE_PROPERTY} naming the property and the column
     */
    public static IcedbMergeEngine create(
            String engine,
            List<String> primaryKey,
            Optional<String> versionColumn,
            List<String> aggregateExpressions,
            Map<String, Type> columns,
            IcedbPartitionSpec partitioning)
    {
        IcedbMergeEngineType type = IcedbMergeEngineType.fromPropertyValue(engine)
                .orElseThrow(() -> invalid("merge_engine", format("'%s' is not a merge engine (supported: append, deduplicate, first_row, aggregate)", engine)));
        List<String> key = primaryKey.stream().map(column -> column.trim().toLowerCase(ENGLISH)).collect(toImmutableList());
        Set<String> seen = new HashSet<>();
        for (String column : key) {
            Type columnType = columns.get(column);
            if (columnType == null) {
                throw invalid("primary_key", format("'%s' is not a column of the table (columns: %s)", column, columns.keySet()));
            }
            if (!columnType.isComparable() || !columnType.isOrderable() || columnType instanceof ArrayType || columnType instanceof MapType || columnType instanceof RowType) {
                throw invalid("primary_key", format("column '%s' of type %s is not a comparable and orderable scalar type", column, columnType));
            }
            if (!seen.add(column)) {
                throw invalid("primary_key", format("column '%s' is listed twice", column));
            }
        }
        if (type != IcedbMergeEngineType.APPEND && key.isEmpty()) {
            throw invalid("merge_engine", format("merge engine '%s' needs a primary_key", type.propertyValue()));
        }
        if (!key.isEmpty()) {
            for (IcedbPartitionField field : partitioning.fields()) {
                if (!key.contains(field.column())) {
                    throw invalid("partitioning", format("partition column '%s' (of '%s') must be part of the primary_key %s: a key must live in one partition", field.column(), field.expression(), key));
                }
            }
        }
        Optional<String> version = versionColumn.map(column -> column.trim().toLowerCase(ENGLISH));
        if (version.isPresent()) {
            String column = version.get();
            if (type != IcedbMergeEngineType.DEDUPLICATE) {
                throw invalid("version_column", format("version_column '%s' needs merge_engine 'deduplicate', not '%s'", column, type.propertyValue()));
            }
            Type columnType = columns.get(column);
            if (columnType == null) {
                throw invalid("version_column", format("'%s' is not a column of the table (columns: %s)", column, columns.keySet()));
            }
            if (!columnType.isOrderable()) {
                throw invalid("version_column", format("column '%s' of type %s is not orderable", column, columnType));
            }
            if (key.contains(column)) {
                throw invalid("version_column", format("column '%s' is part of the primary_key", column));
            }
        }
        List<IcedbAggregate> aggregates = new ArrayList<>();
        if (!aggregateExpressions.isEmpty() && type != IcedbMergeEngineType.AGGREGATE) {
            throw invalid("aggregates", format("aggregates need merge_engine 'aggregate', not '%s'", type.propertyValue()));
        }
        Set<String> aggregated = new HashSet<>();
        for (String expression : aggregateExpressions) {
            IcedbAggregate aggregate = IcedbAggregate.parse(expression);
            Type columnType = columns.get(aggregate.column());
            if (columnType == null) {
                throw invalid("aggregates", format("'%s': '%s' is not a column of the table (columns: %s)", expression, aggregate.column(), columns.keySet()));
            }
            if (key.contains(aggregate.column())) {
                throw invalid("aggregates", format("'%s': column '%s' is part of the primary_key", expression, aggregate.column()));
            }
            if (!aggregated.add(aggregate.column())) {
                throw invalid("aggregates", format("'%s': column '%s' has two aggregates", expression, aggregate.column()));
            }
            if (!aggregate.function().supports(columnType)) {
                throw invalid("aggregates", format("'%s': column '%s' has type %s, but %s needs %s", expression, aggregate.column(), columnType, aggregate.function().sqlName(), aggregate.function().requirement()));
            }
            aggregates.add(aggregate);
        }
        return new IcedbMergeEngine(type, key, version, aggregates);
    }

    /**
     * The sort order parts are written in: the key first (ascending, nulls first) unless {@code sorted_by} already
     * starts with every key column, then the other {@code sorted_by} columns.
     */
    public List<IcedbSortField> sortOrder(List<IcedbSortField> sortedBy)
    {
        if (primaryKey.isEmpty()) {
            return sortedBy;
        }
        Set<String> leading = sortedBy.stream().limit(primaryKey.size()).map(IcedbSortField::column).collect(java.util.stream.Collectors.toSet());
        if (leading.equals(Set.copyOf(primaryKey))) {
            return sortedBy;
        }
        ImmutableList.Builder<IcedbSortField> order = ImmutableList.builder();
        for (String column : primaryKey) {
            order.add(IcedbSortField.parseExpression(column));
        }
        sortedBy.stream().filter(field -> !primaryKey.contains(field.column())).forEach(order::add);
        return order.build();
    }

    private static TrinoException invalid(String property, String message)
    {
        return new TrinoException(INVALID_TABLE_PROPERTY, format("Invalid %s: %s", property, message));
    }
}
