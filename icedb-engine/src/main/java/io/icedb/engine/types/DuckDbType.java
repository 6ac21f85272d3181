package io.icedb.engine.types;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A DuckDB type as IceDB's schema line spells it (spec §4). {@link #toString()} prints the exact DuckDB string;
 * {@link DuckDbTypes#parse(String)} reads it back.
 */
public sealed interface DuckDbType
        permits DuckDbType.Primitive, DuckDbType.Decimal, DuckDbType.ListType, DuckDbType.StructType, DuckDbType.MapType
{
    /**
     * A scalar type named by a keyword, e.g. {@code BIGINT}, {@code TIMESTAMP WITH TIME ZONE}.
     */
    record Primitive(PrimitiveKind kind)
            implements DuckDbType
    {
        public Primitive
        {
            requireNonNull(kind, "kind is null");
        }

        @Override
        public String toString()
        {
            return kind.typeName();
        }
    }

    record Decimal(int precision, int scale)
            implements DuckDbType
    {
        public Decimal
        {
            if (precision < 1 || precision > DuckDbTypes.MAX_DECIMAL_PRECISION || scale < 0 || scale > precision) {
                throw new IllegalArgumentException("Invalid DECIMAL(%s,%s)".formatted(precision, scale));
            }
        }

        @Override
        public String toString()
        {
            return "DECIMAL(%d,%d)".formatted(precision, scale);
        }
    }

    /**
     * {@code T[]}.
     */
    record ListType(DuckDbType element)
            implements DuckDbType
    {
        public ListType
        {
            requireNonNull(element, "element is null");
        }

        @Override
        public String toString()
        {
            return element + "[]";
        }
    }

    /**
     * {@code STRUCT(a BIGINT, "page name" VARCHAR)}.
     */
    record StructType(List<Field> fields)
            implements DuckDbType
    {
        public StructType
        {
            fields = List.copyOf(fields);
        }

        @Override
        public String toString()
        {
            return DuckDbTypes.print(this);
        }
    }

    record Field(String name, DuckDbType type)
    {
        public Field
        {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
        }
    }

    /**
     * {@code MAP(K, V)}.
     */
    record MapType(DuckDbType key, DuckDbType value)
            implements DuckDbType
    {
        public MapType
        {
            requireNonNull(key, "key is null");
            requireNonNull(value, "value is null");
        }

        @Override
        public String toString()
        {
            return "MAP(%s, %s)".formatted(key, value);
        }
    }
}
