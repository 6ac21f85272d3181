package io.trino.plugin.icedb;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.google.common.collect.ImmutableList;
import io.trino.spi.connector.ColumnHandle;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.type.RowType;
import io.trino.spi.type.Type;

import java.util.List;
import java.util.Optional;

import static com.google.common.base.Preconditions.checkArgument;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MILLIS;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Objects.requireNonNull;

/**
 * A column of an IceDB table, or a field inside a struct column (projection pushdown).
 *
 * @param name the column's name as the log schema (or the partition path) spells it; Trino sees it lowercased
 * @param baseType the type of the whole column
 * @param path the struct fields dereferenced from the column, outermost first; empty for the whole column
 * @param type the type of what the handle reads: {@code baseType} when {@code path} is empty, else the field's type
 */
public record IcedbColumnHandle(String name, Type baseType, List<String> path, Type type, Kind kind)
        implements ColumnHandle
{
    public static final String PATH_COLUMN_NAME = "$path";
    public static final String PARTITION_COLUMN_NAME = "$partition";
    public static final String FILE_SIZE_COLUMN_NAME = "$file_size";
    public static final String FILE_MODIFIED_TIME_COLUMN_NAME = "$file_modified_time";

    public static final IcedbColumnHandle PATH_COLUMN = new IcedbColumnHandle(PATH_COLUMN_NAME, VARCHAR, Kind.PATH);
    public static final IcedbColumnHandle PARTITION_COLUMN = new IcedbColumnHandle(PARTITION_COLUMN_NAME, VARCHAR, Kind.PARTITION);
    public static final IcedbColumnHandle FILE_SIZE_COLUMN = new IcedbColumnHandle(FILE_SIZE_COLUMN_NAME, BIGINT, Kind.FILE_SIZE);
    public static final IcedbColumnHandle FILE_MODIFIED_TIME_COLUMN = new IcedbColumnHandle(FILE_MODIFIED_TIME_COLUMN_NAME, TIMESTAMP_TZ_MILLIS, Kind.FILE_MODIFIED_TIME);
    public static final String MERGE_ROW_ID_COLUMN_NAME = "$merge_row_id";
    public static final IcedbColumnHandle MERGE_ROW_ID_COLUMN = new IcedbColumnHandle(
            MERGE_ROW_ID_COLUMN_NAME,
            RowType.from(ImmutableList.of(RowType.field("file_path", VARCHAR), RowType.field("row_position", BIGINT))),
            Kind.MERGE_ROW_ID);

    public enum Kind
    {
        /**
         * A column of the log schema, read from the part.
         */
        REGULAR,
        /**
         * A Hive key of the part paths that is not a column of the schema; varchar, from the path.
         */
        PARTITION_KEY,
        /**
         * Hidden {@code $path}: the part's location.
         */
        PATH,
        /**
         * Hidden {@code $partition}: the part's partition path.
         */
        PARTITION,
        /**
         * Hidden {@code $file_size}: the part's size in bytes.
         */
        FILE_SIZE,
        /**
         * Hidden {@code $file_modified_time}: when the part was written, as its log marker records it (parts are immutable).
         */
        FILE_MODIFIED_TIME,
        /**
         * The row id of {@code DELETE}, {@code UPDATE} and {@code MERGE}: the part's location and the row's position in it.
         */
        MERGE_ROW_ID,
    }

    public IcedbColumnHandle
    {
        requireNonNull(name, "name is null");
        requireNonNull(baseType, "baseType is null");
        path = ImmutableList.copyOf(requireNonNull(path, "path is null"));
        requireNonNull(type, "type is null");
        requireNonNull(kind, "kind is null");
        checkArgument(path.isEmpty() || kind == Kind.REGULAR, "only regular columns have fields: %s", name);
    }

    public IcedbColumnHandle(String name, Type type, Kind kind)
    {
        this(name, type, ImmutableList.of(), type, kind);
    }

    public static IcedbColumnHandle partitionKey(String name)
    {
        return new IcedbColumnHandle(name, VARCHAR, Kind.PARTITION_KEY);
    }

    /**
     * The field {@code fieldIndex} of this handle's row type.
     */
    public IcedbColumnHandle dereference(int fieldIndex)
    {
        RowType.Field field = ((RowType) type).getFields().get(fieldIndex);
        String fieldName = field.getName().orElseThrow(() -> new IllegalArgumentException("Row field without a name in column " + name));
        return new IcedbColumnHandle(name, baseType, ImmutableList.<String>builder().addAll(path).add(fieldName).build(), field.getType(), kind);
    }

    @JsonIgnore
    public boolean isBaseColumn()
    {
        return path.isEmpty();
    }

    /**
     * {@code name} for a whole column, {@code name#field.field} for a field.
     */
    @JsonIgnore
    public String qualifiedName()
    {
        return path.isEmpty() ? name : name + "#" + String.join(".", path);
    }

    @JsonIgnore
    public boolean isHidden()
    {
        return kind == Kind.PATH || kind == Kind.PARTITION || kind == Kind.FILE_SIZE || kind == Kind.FILE_MODIFIED_TIME || kind == Kind.MERGE_ROW_ID;
    }

    /**
     * Known for a whole part without reading it: partition keys and hidden columns.
     */
    @JsonIgnore
    public boolean isPartLevel()
    {
        return kind != Kind.REGULAR && kind != Kind.MERGE_ROW_ID;
    }

    public ColumnMetadata toColumnMetadata()
    {
        return ColumnMetadata.builder()
                .setName(qualifiedName())
                .setType(type)
                .setHidden(isHidden())
                .setComment(kind == Kind.PARTITION_KEY ? Optional.of("Hive key of the part paths") : Optional.empty())
                .build();
    }

    @Override
    public String toString()
    {
        return qualifiedName() + ":" + type;
    }
}
