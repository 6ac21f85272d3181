package io.trino.plugin.icedb.system;

import com.google.common.collect.ImmutableList;
import io.trino.spi.block.SqlMap;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.connector.InMemoryRecordSet;
import io.trino.spi.connector.RecordCursor;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.SystemTable;
import io.trino.spi.predicate.TupleDomain;
import io.trino.spi.type.MapType;
import io.trino.spi.type.Type;

import java.util.List;
import java.util.Map;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.airlift.slice.Slices.utf8Slice;
import static io.trino.spi.block.MapValueBuilder.buildMapValue;
import static io.trino.spi.type.TypeUtils.writeNativeValue;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Objects.requireNonNull;

/**
 * A metadata table ({@code "t$files"} …) whose rows were computed from one snapshot when the query was planned.
 */
public final class IcedbSystemTable
        implements SystemTable
{
    private final ConnectorTableMetadata metadata;
    private final List<List<Object>> rows;

    public IcedbSystemTable(SchemaTableName name, List<ColumnMetadata> columns, List<List<Object>> rows)
    {
        this.metadata = new ConnectorTableMetadata(requireNonNull(name, "name is null"), ImmutableList.copyOf(columns));
        this.rows = ImmutableList.copyOf(rows);
    }

    @Override
    public Distribution getDistribution()
    {
        return Distribution.SINGLE_COORDINATOR;
    }

    @Override
    public ConnectorTableMetadata getTableMetadata()
    {
        return metadata;
    }

    @Override
    public RecordCursor cursor(ConnectorTransactionHandle transaction, ConnectorSession session, TupleDomain<Integer> constraint)
    {
        // the record set itself, not its builder, which does not take map values
        List<Type> types = metadata.getColumns().stream().map(ColumnMetadata::getType).collect(toImmutableList());
        return new InMemoryRecordSet(types, rows).cursor();
    }

    /**
     * A value of a map column with varchar keys ({@code summary}, {@code metrics}): {@code entries} in their order, each
     * value as its Java type stands for the map's value type ({@link String} for varchar, {@link Long} for bigint).
     */
    public static SqlMap mapValue(MapType type, Map<String, ?> entries)
    {
        return buildMapValue(type, entries.size(), (keys, values) -> entries.forEach((key, value) -> {
            VARCHAR.writeString(keys, key);
            writeNativeValue(type.getValueType(), values, value instanceof String string ? utf8Slice(string) : value);
        }));
    }
}
