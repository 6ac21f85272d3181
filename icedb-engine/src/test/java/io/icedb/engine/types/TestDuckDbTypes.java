package io.icedb.engine.types;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.icedb.engine.exceptions.InvalidTypeException;
import io.icedb.engine.types.DuckDbType.Decimal;
import io.icedb.engine.types.DuckDbType.Field;
import io.icedb.engine.types.DuckDbType.ListType;
import io.icedb.engine.types.DuckDbType.MapType;
import io.icedb.engine.types.DuckDbType.Primitive;
import io.icedb.engine.types.DuckDbType.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestDuckDbTypes
{
    @Test
    void testFixtureSchemaTypesRoundTrip()
            throws IOException
    {
        Set<String> typeStrings = fixtureSchemaTypes();
        // the types table alone has 19 columns; all fixtures together have 18 distinct type strings
        assertThat(typeStrings)
                .contains("TIMESTAMP WITH TIME ZONE", "STRUCT(k VARCHAR, v BIGINT)[]", "STRUCT(x STRUCT(y VARCHAR), zs BIGINT[])", "INTEGER", "BLOB")
                .hasSizeGreaterThanOrEqualTo(18);
        for (String typeString : typeStrings) {
            assertRoundTrip(typeString);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
            "FLOAT", "DOUBLE", "DECIMAL(18,3)", "DECIMAL(38,0)", "DECIMAL(1,1)", "DECIMAL(10,2)", "VARCHAR", "BLOB", "UUID", "JSON",
            "DATE", "TIME", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP_S", "INTERVAL",
            "BIGINT[]", "INTEGER[][]", "VARCHAR[][][]", "DECIMAL(4,2)[]", "TIMESTAMP WITH TIME ZONE[]",
            "STRUCT(a BIGINT, \"page name\" VARCHAR)", "STRUCT(a BIGINT)[]", "STRUCT(a BIGINT)[][]",
            "MAP(VARCHAR, BIGINT)", "MAP(VARCHAR, STRUCT(x INTEGER[]))", "MAP(INTEGER, INTEGER)[]", "MAP(VARCHAR[], MAP(UUID, JSON))",
            "STRUCT(x STRUCT(y VARCHAR), zs BIGINT[])", "STRUCT(m MAP(VARCHAR, DOUBLE), l STRUCT(\"a\"\"b\" DATE)[])",
            "STRUCT(\"select\" INTEGER, camelCase INTEGER, \"Page Name\" VARCHAR)"
    })
    void testSpecTypesRoundTrip(String typeString)
    {
        assertRoundTrip(typeString);
    }

    @Test
    void testParsedShapes()
    {
        assertThat(DuckDbTypes.parse("TIMESTAMP WITH TIME ZONE")).isEqualTo(new Primitive(PrimitiveKind.TIMESTAMP_WITH_TIME_ZONE));
        assertThat(DuckDbTypes.parse("DECIMAL(18,3)")).isEqualTo(new Decimal(18, 3));
        assertThat(DuckDbTypes.parse("INTEGER[][]")).isEqualTo(new ListType(new ListType(new Primitive(PrimitiveKind.INTEGER))));
        assertThat(DuckDbTypes.parse("STRUCT(a BIGINT, \"page name\" VARCHAR)")).isEqualTo(new StructType(List.of(
                new Field("a", new Primitive(PrimitiveKind.BIGINT)),
                new Field("page name", new Primitive(PrimitiveKind.VARCHAR)))));
        assertThat(DuckDbTypes.parse("MAP(VARCHAR, STRUCT(x INTEGER[]))")).isEqualTo(new MapType(
                new Primitive(PrimitiveKind.VARCHAR),
                new StructType(List.of(new Field("x", new ListType(new Primitive(PrimitiveKind.INTEGER)))))));
        assertThat(DuckDbTypes.parse("STRUCT(\"a\"\"b\" INTEGER)")).isEqualTo(new StructType(List.of(new Field("a\"b", new Primitive(PrimitiveKind.INTEGER)))));
    }

    @Test
    void testToStringIsPrint()
    {
        for (String typeString : List.of("DECIMAL(10,2)", "MAP(VARCHAR, STRUCT(\"value\" INTEGER[]))[]", "TIMESTAMP WITH TIME ZONE")) {
            assertThat(DuckDbTypes.parse(typeString).toString()).isEqualTo(typeString);
        }
    }

    /**
     * What DuckDB 1.5.6 prints: each case is {@code CREATE TABLE t(c STRUCT(<as written> INT))} then {@code DESCRIBE t}.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "\"Page Name\"|\"Page Name\"",
            "\"select\"|\"select\"",
            "\"SELECT\"|\"SELECT\"",
            "\"Select\"|\"Select\"",
            "camelCase|camelCase",
            "ABC|ABC",
            "\"Abc\"|Abc",
            "\"a1B\"|a1B",
            "a1|a1",
            "_x|_x",
            "\"_\"|_",
            "user_id|user_id",
            "\"a\"\"b\"|\"a\"\"b\"",
            "\"1x\"|\"1x\"",
            "\"9\"|\"9\"",
            "\"x y\"|\"x y\"",
            "\"é\"|\"é\"",
            "ü|\"ü\"",
            "\"a-b\"|\"a-b\"",
            "\"a.b\"|\"a.b\"",
            "\"$x\"|\"$x\"",
            "x$|\"x$\"",
            "\"\\\"|\"\\\"",
            "\"'\"|\"'\"",
            // keywords of every category are quoted: unreserved, column_name, type_function, reserved
            "\"name\"|\"name\"",
            "\"type\"|\"type\"",
            "\"value\"|\"value\"",
            "\"key\"|\"key\"",
            "\"year\"|\"year\"",
            "\"time\"|\"time\"",
            "\"interval\"|\"interval\"",
            "\"int\"|\"int\"",
            "\"varchar\"|\"varchar\"",
            "\"row\"|\"row\"",
            "\"map\"|\"map\"",
            "\"struct\"|\"struct\"",
            "\"semi\"|\"semi\"",
            "\"anti\"|\"anti\"",
            "\"left\"|\"left\"",
            "\"between\"|\"between\"",
            "\"order\"|\"order\"",
            "\"from\"|\"from\"",
            "\"group\"|\"group\"",
            "\"user\"|\"user\"",
            "\"table\"|\"table\"",
            "\"primary\"|\"primary\"",
            "\"true\"|\"true\"",
            "\"null\"|\"null\"",
            "\"lambda\"|\"lambda\"",
            "\"qualify\"|\"qualify\"",
            // type names that are not keywords are bare
            "\"date\"|date",
            "\"uuid\"|uuid",
            "\"list\"|list",
            "\"blob\"|blob",
            "\"string\"|string",
            "\"hugeint\"|hugeint",
            "\"timestamp_ms\"|timestamp_ms",
            "\"count\"|count",
            "\"id\"|id"
    })
    void testFieldNameQuotingMatchesDuckDb(String written, String printed)
    {
        DuckDbType type = DuckDbTypes.parse("STRUCT(" + written + " INT)");
        assertThat(DuckDbTypes.print(type)).isEqualTo("STRUCT(" + printed + " INTEGER)");
        assertRoundTrip("STRUCT(" + printed + " INTEGER)");
    }

    @Test
    void testFieldNameWithNewlineIsQuoted()
    {
        assertThat(DuckDbTypes.printFieldName("a\nb")).isEqualTo("\"a\nb\"");
        assertRoundTrip("STRUCT(\"a\nb\" INTEGER)");
    }

    /**
     * Spellings DuckDB 1.5.6 accepts and what its {@code DESCRIBE} prints for them.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "decimal(10, 2)|DECIMAL(10,2)",
            "DECIMAL|DECIMAL(18,3)",
            "NUMERIC(5)|DECIMAL(5,0)",
            "timestamptz|TIMESTAMP WITH TIME ZONE",
            "timestamp with time zone|TIMESTAMP WITH TIME ZONE",
            "TIMESTAMP WITHOUT TIME ZONE|TIMESTAMP",
            "DATETIME|TIMESTAMP",
            "timestamp_ns|TIMESTAMP_NS",
            "real|FLOAT",
            "double precision|DOUBLE",
            "string|VARCHAR",
            "text|VARCHAR",
            "varchar(10)|VARCHAR",
            "int8|BIGINT",
            "bool|BOOLEAN",
            "uint64|UBIGINT",
            "bytea|BLOB",
            "INT[][]|INTEGER[][]",
            "int []|INTEGER[]",
            "int[ ]|INTEGER[]",
            "MAP(INT,INT)|MAP(INTEGER, INTEGER)",
            "STRUCT ( a int )|STRUCT(a INTEGER)",
            "struct(A int)|STRUCT(A INTEGER)",
            "STRUCT(a INT,b INT)|STRUCT(a INTEGER, b INTEGER)",
            "  map ( varchar , struct ( x integer [ ] ) )  |MAP(VARCHAR, STRUCT(x INTEGER[]))",
            "TIMESTAMP_US|TIMESTAMP",
            "timestamp(0)|TIMESTAMP_S",
            "timestamp(1)|TIMESTAMP_MS",
            "timestamp(3)|TIMESTAMP_MS",
            "timestamp(4)|TIMESTAMP",
            "timestamp(6)|TIMESTAMP",
            "timestamp(7)|TIMESTAMP_NS",
            "timestamp(9)|TIMESTAMP_NS",
            "DEC(5,2)|DECIMAL(5,2)",
            "DECIMAL( 5 )|DECIMAL(5,0)",
            "ROW(a INT)|STRUCT(a INTEGER)",
            "INT1|TINYINT",
            "INT2|SMALLINT",
            "SHORT|SMALLINT",
            "SIGNED|INTEGER",
            "LOGICAL|BOOLEAN",
            "INT128|HUGEINT",
            "UINT8|UTINYINT",
            "UINT16|USMALLINT",
            "UINT32|UINTEGER",
            "FLOAT4|FLOAT",
            "FLOAT8|DOUBLE",
            "CHAR|VARCHAR",
            "CHAR(3)|VARCHAR",
            "BPCHAR|VARCHAR",
            "BINARY|BLOB",
            "VARBINARY|BLOB",
            "VARCHAR(10)[]|VARCHAR[]",
            "DATETIME[]|TIMESTAMP[]",
            "INTEGER [ ] [ ]|INTEGER[][]",
            "STRUCT(a INT)  []|STRUCT(a INTEGER)[]",
            "STRUCT(x INT)[ ]|STRUCT(x INTEGER)[]",
            "DOUBLE  PRECISION|DOUBLE",
            "Struct(x$y INT)|STRUCT(\"x$y\" INTEGER)",
            "STRUCT(é INT)|STRUCT(\"é\" INTEGER)",
            "STRUCT(\"a\" INT)|STRUCT(a INTEGER)",
            "MAP(VARCHAR,VARCHAR)|MAP(VARCHAR, VARCHAR)",
            "DECIMAL(38,38)|DECIMAL(38,38)"
    })
    void testLenientParsingCanonicalPrinting(String written, String printed)
    {
        assertThat(DuckDbTypes.print(DuckDbTypes.parse(written))).isEqualTo(printed);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "STRUCT(a|expected a type name at the end (position 8)",
            "MAP(VARCHAR)|expected ',' and the value type of MAP, found ')' at position 11",
            "DECIMAL(x,2)|expected a number, found 'x,2)' at position 8",
            "FOO|unknown or unsupported type name 'FOO' at position 0",
            "``|expected a type name at the end (position 0)",
            "BIGINT garbage|unexpected 'garbage' after the complete type BIGINT at position 7",
            "[]|expected a type name, found '[]' at position 0",
            "BIGINT[|expected ']' at the end (position 7)",
            "INTEGER[3]|fixed-size ARRAY types (T[n]) are not supported, only lists T[] at position 8",
            "STRUCT(a BIGINT|expected ')' at the end (position 15)",
            "STRUCT()|expected a STRUCT field name, found ')' at position 7",
            "STRUCT(\"a BIGINT)|unterminated quoted STRUCT field name at the end (position 17)",
            "STRUCT(\"\" BIGINT)|empty STRUCT field name at position 7",
            "STRUCT(1x BIGINT)|STRUCT field name '1x' starts with a digit and must be quoted at position 7",
            "STRUCT(a BIGINT, A VARCHAR)|duplicate STRUCT field name 'A' at position 17",
            "STRUCT|expected '(' after STRUCT at the end (position 6)",
            "MAP(VARCHAR, BIGINT|expected ')' at the end (position 19)",
            "DECIMAL(39,0)|DECIMAL precision 39 is not between 1 and 38 at the end (position 13)",
            "DECIMAL(4,5)|DECIMAL scale 5 is greater than its precision 4 at the end (position 12)",
            "DECIMAL(1,2,3)|expected at most 2 numbers in parentheses at position 12",
            "DECIMAL(99999999999,2)|number 99999999999 is too large at position 8",
            "TIMESTAMP WITH ZONE|expected TIME after TIMESTAMP WITH at position 15",
            "ENUM('a', 'b')|unknown or unsupported type name 'ENUM' at position 0",
            "UNION(a INTEGER)|unknown or unsupported type name 'UNION' at position 0",
            "TIME WITH TIME ZONE|unexpected 'WITH TIME ZONE' after the complete type TIME at position 5",
            "BIGINT,|unexpected ',' after the complete type BIGINT at position 6",
            "STRUCT(a INT,)|expected a STRUCT field name, found ')' at position 13",
            "STRUCT(a INT NOT NULL)|expected ')', found 'NOT NULL)' at position 13",
            "MAP(INT, INT,)|expected ')', found ',)' at position 12",
            "TIMESTAMP(10)|TIMESTAMP precision 10 is not between 0 and 9 at position 9",
            "TIMESTAMP(3) WITH TIME ZONE|unexpected 'WITH TIME ZONE' after the complete type TIMESTAMP_MS at position 13",
            "INT[][3]|fixed-size ARRAY types (T[n]) are not supported, only lists T[] at position 6",
            "STRUCT(\"A\" INT, \"a\" INT)|duplicate STRUCT field name 'a' at position 16",
            "DECIMAL(4,-1)|expected a number, found '-1)' at position 10",
            "DECIMAL(0,0)|DECIMAL precision 0 is not between 1 and 38 at the end (position 12)"
    })
    void testMalformed(String typeString, String reason)
    {
        assertThatThrownBy(() -> DuckDbTypes.parse(typeString))
                .isInstanceOf(InvalidTypeException.class)
                .hasMessage("Invalid DuckDB type '%s': %s".formatted(typeString, reason));
    }

    @Test
    void testNullString()
    {
        assertThatThrownBy(() -> DuckDbTypes.parse(null))
                .isInstanceOf(InvalidTypeException.class)
                .hasMessageContaining("null");
    }

    @Test
    void testKeywordsAreCaseInsensitive()
    {
        assertThat(DuckDbKeywords.isKeyword("select")).isTrue();
        assertThat(DuckDbKeywords.isKeyword("VALUE")).isTrue();
        assertThat(DuckDbKeywords.isKeyword("page_name")).isFalse();
    }

    private static void assertRoundTrip(String typeString)
    {
        DuckDbType type = DuckDbTypes.parse(typeString);
        assertThat(DuckDbTypes.print(type)).isEqualTo(typeString);
        assertThat(DuckDbTypes.parse(DuckDbTypes.print(type))).isEqualTo(type);
    }

    private static Set<String> fixtureSchemaTypes()
            throws IOException
    {
        Path fixtures = fixturesDirectory();
        List<Path> logs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(fixtures)) {
            files.filter(file -> file.getParent().getFileName().toString().equals("_log") && file.toString().endsWith(".jsonl"))
                    .forEach(logs::add);
        }
        assertThat(logs).hasSizeGreaterThan(10);
        Set<String> types = new TreeSet<>();
        JsonFactory jsonFactory = new JsonFactory();
        for (Path log : logs) {
            String schemaLine = Files.readAllLines(log).get(1);
            try (JsonParser parser = jsonFactory.createParser(schemaLine)) {
                assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    assertThat(parser.nextToken()).isEqualTo(JsonToken.VALUE_STRING);
                    types.add(parser.getText());
                }
            }
            catch (IOException e) {
                throw new UncheckedIOException("Cannot read the schema line of " + log, e);
            }
        }
        return types;
    }

    private static Path fixturesDirectory()
    {
        String property = System.getProperty("icedb.fixtures.dir");
        Path directory = property == null ? Path.of("../../shared/fixtures/python-icedb") : Path.of(property);
        assertThat(directory).isDirectory();
        return directory;
    }
}
