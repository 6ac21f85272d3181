package io.icedb.engine.types;

import io.icedb.engine.exceptions.InvalidTypeException;
import io.icedb.engine.types.DuckDbType.Decimal;
import io.icedb.engine.types.DuckDbType.Field;
import io.icedb.engine.types.DuckDbType.ListType;
import io.icedb.engine.types.DuckDbType.MapType;
import io.icedb.engine.types.DuckDbType.Primitive;
import io.icedb.engine.types.DuckDbType.StructType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static java.util.Map.entry;
import static java.util.Objects.requireNonNull;

/**
 * Parser and printer of DuckDB type strings (spec §4). {@code print(parse(s)).equals(s)} for every string DuckDB prints.
 * Parsing is lenient like DuckDB (any case, any spacing, DuckDB's aliases such as {@code INT} or {@code TIMESTAMPTZ});
 * printing is canonical: exactly what DuckDB 1.5's {@code DESCRIBE} prints.
 */
public final class DuckDbTypes
{
    public static final int MAX_DECIMAL_PRECISION = 38;
    // DuckDB's DECIMAL without arguments
    private static final int DEFAULT_DECIMAL_PRECISION = 18;
    private static final int DEFAULT_DECIMAL_SCALE = 3;

    // DuckDB's alias names of the scalar types of spec §4, upper case, single words
    private static final Map<String, PrimitiveKind> SCALAR_NAMES = scalarNames();

    private DuckDbTypes() {}

    /**
     * @throws InvalidTypeException naming the string and the position when it is not a DuckDB type of spec §4
     */
    public static DuckDbType parse(String typeString)
    {
        if (typeString == null) {
            throw new InvalidTypeException("Invalid DuckDB type: the type string is missing (null)");
        }
        Parser parser = new Parser(typeString);
        DuckDbType type = parser.type();
        parser.skipSpaces();
        if (!parser.atEnd()) {
            throw parser.error("unexpected '%s' after the complete type %s".formatted(parser.rest(), print(type)));
        }
        return type;
    }

    public static String print(DuckDbType type)
    {
        requireNonNull(type, "type is null");
        StringBuilder builder = new StringBuilder();
        print(type, builder);
        return builder.toString();
    }

    /**
     * A struct field name as DuckDB prints it: bare when it is a plain identifier that is not a keyword, otherwise
     * double-quoted with {@code "} doubled.
     */
    public static String printFieldName(String name)
    {
        requireNonNull(name, "name is null");
        if (!requiresQuotes(name)) {
            return name;
        }
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /**
     * DuckDB 1.5.6 prints a struct field name bare only when it is non-empty, consists of ASCII letters (either case),
     * digits and {@code _}, does not start with a digit, and is not a DuckDB keyword of any category (case-insensitive).
     * Verified with {@code DESCRIBE}: {@code camelCase}, {@code ABC}, {@code _x} bare; {@code "1x"}, {@code "x$"},
     * {@code "é"}, {@code "a-b"}, {@code "name"}, {@code "Select"} quoted.
     */
    static boolean requiresQuotes(String name)
    {
        if (name.isEmpty()) {
            return true;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            boolean digit = c >= '0' && c <= '9';
            if (!letter && !(digit && i > 0)) {
                return true;
            }
        }
        return DuckDbKeywords.isKeyword(name);
    }

    private static void print(DuckDbType type, StringBuilder builder)
    {
        switch (type) {
            case Primitive primitive -> builder.append(primitive.kind().typeName());
            case Decimal decimal -> builder.append("DECIMAL(").append(decimal.precision()).append(',').append(decimal.scale()).append(')');
            case ListType list -> {
                print(list.element(), builder);
                builder.append("[]");
            }
            case StructType struct -> {
                builder.append("STRUCT(");
                for (int i = 0; i < struct.fields().size(); i++) {
                    Field field = struct.fields().get(i);
                    if (i > 0) {
                        builder.append(", ");
                    }
                    builder.append(printFieldName(field.name())).append(' ');
                    print(field.type(), builder);
                }
                builder.append(')');
            }
            case MapType map -> {
                builder.append("MAP(");
                print(map.key(), builder);
                builder.append(", ");
                print(map.value(), builder);
                builder.append(')');
            }
        }
    }

    private static Map<String, PrimitiveKind> scalarNames()
    {
        List<Map.Entry<String, PrimitiveKind>> names = new ArrayList<>();
        for (PrimitiveKind kind : PrimitiveKind.values()) {
            if (kind != PrimitiveKind.TIMESTAMP_WITH_TIME_ZONE) {
                names.add(entry(kind.typeName(), kind));
            }
        }
        names.addAll(List.of(
                entry("BOOL", PrimitiveKind.BOOLEAN),
                entry("LOGICAL", PrimitiveKind.BOOLEAN),
                entry("INT1", PrimitiveKind.TINYINT),
                entry("INT2", PrimitiveKind.SMALLINT),
                entry("SHORT", PrimitiveKind.SMALLINT),
                entry("INT", PrimitiveKind.INTEGER),
                entry("INT4", PrimitiveKind.INTEGER),
                entry("SIGNED", PrimitiveKind.INTEGER),
                entry("INT8", PrimitiveKind.BIGINT),
                entry("LONG", PrimitiveKind.BIGINT),
                entry("INT128", PrimitiveKind.HUGEINT),
                entry("UINT8", PrimitiveKind.UTINYINT),
                entry("UINT16", PrimitiveKind.USMALLINT),
                entry("UINT32", PrimitiveKind.UINTEGER),
                entry("UINT64", PrimitiveKind.UBIGINT),
                entry("FLOAT4", PrimitiveKind.FLOAT),
                entry("REAL", PrimitiveKind.FLOAT),
                entry("FLOAT8", PrimitiveKind.DOUBLE),
                entry("STRING", PrimitiveKind.VARCHAR),
                entry("TEXT", PrimitiveKind.VARCHAR),
                entry("CHAR", PrimitiveKind.VARCHAR),
                entry("BPCHAR", PrimitiveKind.VARCHAR),
                entry("BYTEA", PrimitiveKind.BLOB),
                entry("BINARY", PrimitiveKind.BLOB),
                entry("VARBINARY", PrimitiveKind.BLOB),
                entry("DATETIME", PrimitiveKind.TIMESTAMP),
                entry("TIMESTAMP_US", PrimitiveKind.TIMESTAMP),
                entry("TIMESTAMPTZ", PrimitiveKind.TIMESTAMP_WITH_TIME_ZONE)));
        return Map.ofEntries(names.toArray(Map.Entry[]::new));
    }

    private static final class Parser
    {
        private final String text;
        private int position;

        Parser(String text)
        {
            this.text = text;
        }

        DuckDbType type()
        {
            skipSpaces();
            int start = position;
            String word = word();
            if (word.isEmpty()) {
                throw error(atEnd() ? "expected a type name" : "expected a type name, found '%s'".formatted(rest()));
            }
            String upper = word.toUpperCase(Locale.ROOT);
            DuckDbType type = switch (upper) {
                case "STRUCT", "ROW" -> struct();
                case "MAP" -> map();
                case "DECIMAL", "NUMERIC", "DEC" -> decimal();
                case "TIMESTAMP" -> timestamp();
                case "DOUBLE" -> {
                    // DOUBLE PRECISION
                    int afterDouble = position;
                    skipSpaces();
                    if (!word().equalsIgnoreCase("PRECISION")) {
                        position = afterDouble;
                    }
                    yield new Primitive(PrimitiveKind.DOUBLE);
                }
                case "VARCHAR", "CHAR", "BPCHAR", "STRING", "TEXT" -> {
                    // DuckDB accepts and ignores a length: VARCHAR(10) is VARCHAR
                    optionalIntegerArguments(1);
                    yield new Primitive(PrimitiveKind.VARCHAR);
                }
                default -> {
                    PrimitiveKind kind = SCALAR_NAMES.get(upper);
                    if (kind == null) {
                        throw errorAt(start, "unknown or unsupported type name '%s'".formatted(word));
                    }
                    yield new Primitive(kind);
                }
            };
            return listSuffixes(type);
        }

        private DuckDbType listSuffixes(DuckDbType element)
        {
            DuckDbType type = element;
            while (true) {
                int before = position;
                skipSpaces();
                if (!tryConsume('[')) {
                    position = before;
                    return type;
                }
                skipSpaces();
                if (!atEnd() && Character.isDigit(text.charAt(position))) {
                    throw error("fixed-size ARRAY types (T[n]) are not supported, only lists T[]");
                }
                expect(']');
                type = new ListType(type);
            }
        }

        private DuckDbType struct()
        {
            expectOpen("STRUCT");
            List<Field> fields = new ArrayList<>();
            Set<String> names = new HashSet<>();
            do {
                skipSpaces();
                int nameStart = position;
                String name = fieldName();
                if (!names.add(name.toLowerCase(Locale.ROOT))) {
                    throw errorAt(nameStart, "duplicate STRUCT field name '%s'".formatted(name));
                }
                fields.add(new Field(name, type()));
                skipSpaces();
            }
            while (tryConsume(','));
            expect(')');
            return new StructType(fields);
        }

        private String fieldName()
        {
            if (tryConsume('"')) {
                StringBuilder name = new StringBuilder();
                while (true) {
                    if (atEnd()) {
                        throw error("unterminated quoted STRUCT field name");
                    }
                    char c = text.charAt(position++);
                    if (c == '"') {
                        if (!tryConsume('"')) {
                            break;
                        }
                    }
                    name.append(c);
                }
                if (name.isEmpty()) {
                    throw errorAt(position - 2, "empty STRUCT field name");
                }
                return name.toString();
            }
            String name = word();
            if (name.isEmpty()) {
                throw error(atEnd() ? "expected a STRUCT field name" : "expected a STRUCT field name, found '%s'".formatted(rest()));
            }
            if (Character.isDigit(name.charAt(0))) {
                throw errorAt(position - name.length(), "STRUCT field name '%s' starts with a digit and must be quoted".formatted(name));
            }
            return name;
        }

        private DuckDbType map()
        {
            expectOpen("MAP");
            DuckDbType key = type();
            skipSpaces();
            if (!tryConsume(',')) {
                throw error(atEnd() ? "expected ',' and the value type of MAP" : "expected ',' and the value type of MAP, found '%s'".formatted(rest()));
            }
            DuckDbType value = type();
            skipSpaces();
            expect(')');
            return new MapType(key, value);
        }

        private DuckDbType decimal()
        {
            List<Integer> arguments = optionalIntegerArguments(2);
            int precision = arguments.isEmpty() ? DEFAULT_DECIMAL_PRECISION : arguments.get(0);
            int scale = arguments.size() == 2 ? arguments.get(1) : (arguments.isEmpty() ? DEFAULT_DECIMAL_SCALE : 0);
            if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
                throw error("DECIMAL precision %s is not between 1 and %s".formatted(precision, MAX_DECIMAL_PRECISION));
            }
            if (scale > precision) {
                throw error("DECIMAL scale %s is greater than its precision %s".formatted(scale, precision));
            }
            return new Decimal(precision, scale);
        }

        private DuckDbType timestamp()
        {
            int argumentStart = position;
            List<Integer> precision = optionalIntegerArguments(1);
            if (!precision.isEmpty()) {
                // DuckDB's TIMESTAMP(p): fractional digits of the second
                PrimitiveKind kind = switch (precision.getFirst()) {
                    case 0 -> PrimitiveKind.TIMESTAMP_S;
                    case 1, 2, 3 -> PrimitiveKind.TIMESTAMP_MS;
                    case 4, 5, 6 -> PrimitiveKind.TIMESTAMP;
                    case 7, 8, 9 -> PrimitiveKind.TIMESTAMP_NS;
                    default -> throw errorAt(argumentStart, "TIMESTAMP precision %s is not between 0 and 9".formatted(precision.getFirst()));
                };
                return new Primitive(kind);
            }
            int afterTimestamp = position;
            skipSpaces();
            String next = word().toUpperCase(Locale.ROOT);
            if (next.equals("WITH") || next.equals("WITHOUT")) {
                for (String expected : List.of("TIME", "ZONE")) {
                    skipSpaces();
                    int wordStart = position;
                    if (!word().equalsIgnoreCase(expected)) {
                        throw errorAt(wordStart, "expected %s after TIMESTAMP %s".formatted(expected, next));
                    }
                }
                return new Primitive(next.equals("WITH") ? PrimitiveKind.TIMESTAMP_WITH_TIME_ZONE : PrimitiveKind.TIMESTAMP);
            }
            position = afterTimestamp;
            return new Primitive(PrimitiveKind.TIMESTAMP);
        }

        // "(n)" or "(n, m)" up to maxArguments non-negative integers, or nothing
        private List<Integer> optionalIntegerArguments(int maxArguments)
        {
            int before = position;
            skipSpaces();
            if (!tryConsume('(')) {
                position = before;
                return List.of();
            }
            List<Integer> arguments = new ArrayList<>();
            do {
                if (arguments.size() == maxArguments) {
                    throw error("expected at most %s numbers in parentheses".formatted(maxArguments));
                }
                skipSpaces();
                int start = position;
                while (!atEnd() && text.charAt(position) >= '0' && text.charAt(position) <= '9') {
                    position++;
                }
                if (start == position) {
                    throw error(atEnd() ? "expected a number" : "expected a number, found '%s'".formatted(rest()));
                }
                try {
                    arguments.add(Integer.parseInt(text.substring(start, position)));
                }
                catch (NumberFormatException e) {
                    throw errorAt(start, "number %s is too large".formatted(text.substring(start, position)));
                }
                skipSpaces();
            }
            while (tryConsume(','));
            expect(')');
            return arguments;
        }

        private void expectOpen(String typeName)
        {
            skipSpaces();
            if (!tryConsume('(')) {
                throw error("expected '(' after %s".formatted(typeName));
            }
        }

        private void expect(char expected)
        {
            skipSpaces();
            if (!tryConsume(expected)) {
                throw error(atEnd() ? "expected '%s'".formatted(expected) : "expected '%s', found '%s'".formatted(expected, rest()));
            }
        }

        private boolean tryConsume(char expected)
        {
            if (!atEnd() && text.charAt(position) == expected) {
                position++;
                return true;
            }
            return false;
        }

        // an unquoted identifier or type word: letters (non-ASCII too, as DuckDB's lexer), digits, '_' and (not first) '$'
        private String word()
        {
            int start = position;
            while (!atEnd()) {
                char c = text.charAt(position);
                boolean dollar = c == '$' && position > start;
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80 || dollar)) {
                    break;
                }
                position++;
            }
            return text.substring(start, position);
        }

        void skipSpaces()
        {
            while (!atEnd() && Character.isWhitespace(text.charAt(position))) {
                position++;
            }
        }

        boolean atEnd()
        {
            return position >= text.length();
        }

        String rest()
        {
            return text.substring(position);
        }

        InvalidTypeException error(String reason)
        {
            return errorAt(position, reason);
        }

        InvalidTypeException errorAt(int errorPosition, String reason)
        {
            String where = errorPosition >= text.length() ? "at the end (position %s)".formatted(errorPosition) : "at position %s".formatted(errorPosition);
            return new InvalidTypeException("Invalid DuckDB type '%s': %s %s".formatted(text, reason, where));
        }
    }
}
