package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import io.icedb.engine.Snapshot;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.PartitionPath;
import io.icedb.engine.types.DuckDbType;
import io.trino.plugin.icedb.layout.IcedbPartitionField;
import io.trino.plugin.icedb.layout.IcedbPartitionSpec;
import io.trino.plugin.icedb.layout.PartitionTransform;
import io.trino.plugin.icedb.reader.IcedbPartitions;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.type.Type;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_UNSUPPORTED_TYPE;
import static java.lang.String.format;
import static java.util.Locale.ENGLISH;
import static java.util.Objects.requireNonNull;
import static java.util.function.Function.identity;

/**
 * What the connector derives from one snapshot of a table and its definition, computed once per snapshot and
 * transaction ({@link IcedbTableViews#view}) and shared by the metadata, the split manager and the write path.
 *
 * @param storedDefinition the table's properties file; empty for a table without one (one Python wrote)
 * @param columns the log schema's columns, then the Hive keys of part paths that are not schema columns (as varchar),
 * then the hidden columns
 * @param partitionFields the partition fields our properties record, each with its column's type; empty when the table
 * has none (or they no longer match its columns)
 * @param pathKeys the Hive keys of the live parts' paths, in path order
 * @param writePathKeys for a table Python wrote: the Hive keys of its paths that written rows get from the same-named
 * columns, in path order
 */
public record IcedbTableView(
        Snapshot snapshot,
        Optional<IcedbTableDefinition> storedDefinition,
        List<IcedbColumnHandle> columns,
        List<PartitionFieldType> partitionFields,
        List<String> pathKeys,
        List<String> writePathKeys)
{
    public IcedbTableView
    {
        requireNonNull(snapshot, "snapshot is null");
        requireNonNull(storedDefinition, "storedDefinition is null");
        columns = ImmutableList.copyOf(columns);
        partitionFields = ImmutableList.copyOf(partitionFields);
        pathKeys = ImmutableList.copyOf(pathKeys);
        writePathKeys = ImmutableList.copyOf(writePathKeys);
    }

    /**
     * A partition field of the table's {@code partitioning} and the type of its source column.
     */
    public record PartitionFieldType(IcedbPartitionField field, Type type)
    {
        public PartitionFieldType
        {
            requireNonNull(field, "field is null");
            requireNonNull(type, "type is null");
        }
    }

    public static IcedbTableView create(SchemaTableName table, IcedbTableLocation location, Snapshot snapshot, Optional<IcedbTableDefinition> storedDefinition, IcedbTypeMapping typeMapping)
    {
        List<String> partitioning = storedDefinition.map(IcedbTableDefinition::partitioning).orElse(ImmutableList.of());
        List<String> pathKeys = pathKeys(location, snapshot);
        List<IcedbColumnHandle> columns = columns(table, location, snapshot, partitioning, pathKeys, typeMapping);
        return new IcedbTableView(snapshot, storedDefinition, columns, partitionFields(partitioning, columns), pathKeys, writePathKeys(columns, pathKeys));
    }

    public IcedbTableDefinition definition()
    {
        return storedDefinition.orElse(IcedbTableDefinition.DEFAULT);
    }

    /**
     * The log schema's columns.
     */
    public List<IcedbColumnHandle> schemaColumns()
    {
        return columns.stream()
                .filter(column -> column.kind() == IcedbColumnHandle.Kind.REGULAR)
                .collect(toImmutableList());
    }

    /**
     * The columns a written row has values of: the log schema's, and the Hive keys of part paths.
     */
    public List<IcedbColumnHandle> writtenColumns()
    {
        return columns.stream()
                .filter(column -> column.kind() == IcedbColumnHandle.Kind.REGULAR || column.kind() == IcedbColumnHandle.Kind.PARTITION_KEY)
                .collect(toImmutableList());
    }

    /**
     * Name to type of {@code columns}; of two with one name, the first.
     */
    public static Map<String, Type> types(List<IcedbColumnHandle> columns)
    {
        return columns.stream().collect(toImmutableMap(IcedbColumnHandle::name, IcedbColumnHandle::type, (first, _) -> first));
    }

    /**
     * Every column as {@code DESCRIBE} shows it, with the comments of the table's definition.
     */
    public List<ColumnMetadata> columnMetadata()
    {
        Map<String, String> comments = definition().columnComments();
        return columns.stream()
                .map(IcedbColumnHandle::toColumnMetadata)
                .map(column -> comments.containsKey(column.getName())
                        ? ColumnMetadata.builderFrom(column).setComment(Optional.of(comments.get(column.getName()))).build()
                        : column)
                .collect(toImmutableList());
    }

    public List<IcedbPartitionField> fields()
    {
        return partitionFields.stream().map(PartitionFieldType::field).collect(toImmutableList());
    }

    public List<Type> fieldTypes()
    {
        return partitionFields.stream().map(PartitionFieldType::type).collect(toImmutableList());
    }

    private static List<IcedbColumnHandle> columns(SchemaTableName table, IcedbTableLocation location, Snapshot snapshot, List<String> partitioning, List<String> pathKeys, IcedbTypeMapping typeMapping)
    {
        Map<String, DuckDbType> types;
        try {
            types = snapshot.schema().types();
        }
        catch (IcedbException e) {
            throw IcedbExceptions.translate(table, location, e);
        }
        ImmutableList.Builder<IcedbColumnHandle> columns = ImmutableList.builder();
        Set<String> names = new HashSet<>();
        types.forEach((name, duckDbType) -> {
            Type type = typeMapping.toTrinoType(duckDbType).orElseThrow(() -> new TrinoException(ICEDB_UNSUPPORTED_TYPE, format(
                    "Column '%s' of table %s has DuckDB type %s, which Trino cannot represent",
                    name,
                    table,
                    snapshot.schema().columns().get(name))));
            columns.add(new IcedbColumnHandle(name, type, IcedbColumnHandle.Kind.REGULAR));
            names.add(name.toLowerCase(ENGLISH));
        });
        // keys our partitioning derives from columns (ts_day of day(ts)) are no columns
        names.addAll(IcedbPartitionSpec.derivedKeyNames(partitioning));
        for (String key : pathKeys) {
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

    private static List<String> pathKeys(IcedbTableLocation location, Snapshot snapshot)
    {
        Set<String> keys = new LinkedHashSet<>();
        for (FileMarker part : snapshot.aliveFiles()) {
            keys.addAll(IcedbPartitions.hiveKeys(PartitionPath.partitionOf(location.prefix(), part.path())).keySet());
        }
        return ImmutableList.copyOf(keys);
    }

    /**
     * Keys that name schema columns count only if all of them can (an identity key of their type): otherwise only the
     * keys that are no schema columns, as before a key named a column.
     */
    private static List<String> writePathKeys(List<IcedbColumnHandle> columnList, List<String> keys)
    {
        Map<String, IcedbColumnHandle> columns = columnList.stream()
                .collect(toImmutableMap(column -> column.name().toLowerCase(ENGLISH), identity(), (first, _) -> first));
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

    private static List<PartitionFieldType> partitionFields(List<String> partitioning, List<IcedbColumnHandle> columns)
    {
        if (partitioning.isEmpty()) {
            return ImmutableList.of();
        }
        Map<String, Type> types = new LinkedHashMap<>();
        for (IcedbColumnHandle column : columns) {
            if (column.kind() == IcedbColumnHandle.Kind.REGULAR) {
                types.putIfAbsent(column.name(), column.type());
            }
        }
        try {
            return IcedbPartitionSpec.parse(partitioning, types).fields().stream()
                    .map(field -> new PartitionFieldType(field, types.get(field.column())))
                    .collect(toImmutableList());
        }
        catch (TrinoException _) {
            return ImmutableList.of();
        }
    }
}
