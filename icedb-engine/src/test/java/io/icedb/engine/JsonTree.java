package io.icedb.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads JSON into ordered maps, lists, strings, longs (BigInteger beyond), BigDecimals, booleans and {@link #NULL}, with jackson-core only
 * (the engine has no databind). For test expectations.
 */
public final class JsonTree
{
    public static final Object NULL = new Object()
    {
        @Override
        public String toString()
        {
            return "null";
        }
    };

    private JsonTree() {}

    public static Object read(Path file)
    {
        try (JsonParser parser = new JsonFactory().createParser(Files.readAllBytes(file))) {
            parser.nextToken();
            return readValue(parser);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read JSON file " + file, e);
        }
    }

    public static Object read(byte[] json)
    {
        try (JsonParser parser = new JsonFactory().createParser(json)) {
            parser.nextToken();
            return readValue(parser);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object value)
    {
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("Not a JSON object: " + value);
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    public static List<Object> array(Object value)
    {
        if (!(value instanceof List<?>)) {
            throw new IllegalArgumentException("Not a JSON array: " + value);
        }
        return (List<Object>) value;
    }

    public static Map<String, Object> object(Map<String, Object> parent, String field)
    {
        return object(required(parent, field));
    }

    public static List<Object> array(Map<String, Object> parent, String field)
    {
        return array(required(parent, field));
    }

    public static String string(Map<String, Object> parent, String field)
    {
        if (!(required(parent, field) instanceof String value)) {
            throw new IllegalArgumentException("Field %s is not a string in %s".formatted(field, parent));
        }
        return value;
    }

    public static long number(Map<String, Object> parent, String field)
    {
        if (!(required(parent, field) instanceof Long value)) {
            throw new IllegalArgumentException("Field %s is not an integer in %s".formatted(field, parent));
        }
        return value;
    }

    public static Optional<Object> optional(Map<String, Object> parent, String field)
    {
        Object value = parent.get(field);
        return value == null || value == NULL ? Optional.empty() : Optional.of(value);
    }

    public static List<String> strings(Map<String, Object> parent, String field)
    {
        return array(parent, field).stream().map(String.class::cast).toList();
    }

    private static Object required(Map<String, Object> parent, String field)
    {
        Object value = parent.get(field);
        if (value == null) {
            throw new IllegalArgumentException("Missing field %s in %s".formatted(field, parent.keySet()));
        }
        return value;
    }

    private static Object readValue(JsonParser parser)
            throws IOException
    {
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (parser.nextToken() != JsonToken.END_OBJECT) {
                    String name = parser.currentName();
                    parser.nextToken();
                    map.put(name, readValue(parser));
                }
                yield Collections.unmodifiableMap(map);
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readValue(parser));
                }
                yield Collections.unmodifiableList(list);
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? parser.getBigIntegerValue() : parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> parser.getDecimalValue();
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            case VALUE_NULL -> NULL;
            default -> throw new IOException("Unexpected JSON token " + token);
        };
    }
}
