package io.icedb.engine.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.icedb.engine.exceptions.InvalidMetadataObjectException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The strict readers of the engine's own JSON objects under {@code P/_icedb/} (statistics sidecars, distinct-value
 * sketches, maintenance records): a field of the wrong JSON kind is an {@link InvalidMetadataObjectException} naming
 * the object and the field, never a coercion. And the writer of the versioned ones ({@link #writeVersioned}).
 *
 * @param key the object's key, named in every error
 * @param what what the object is, e.g. {@code statistics sidecar}: errors read "Invalid &lt;what&gt; &lt;key&gt;: ..."
 */
public record StrictJson(String key, String what)
{
    private static final JsonFactory JSON_FACTORY = new JsonFactory();

    /**
     * Reads one member's value of a parsed object (the parser stands on the value's first token).
     */
    @FunctionalInterface
    public interface MemberReader<T>
    {
        T read(StrictJson json, JsonParser parser, JsonToken value)
                throws IOException;
    }

    /**
     * Reads one object of a map of objects: its fields (the parser stands on its first token, the object's start).
     */
    @FunctionalInterface
    public interface ObjectReader<T>
    {
        /**
         * @param name the object's name in the map
         * @param where the object's path for errors ({@code parts.a.parquet})
         */
        T read(String name, String where)
                throws IOException;
    }

    /**
     * Writes the fields of one member's object (the generator stands inside it).
     */
    @FunctionalInterface
    public interface MemberWriter
    {
        void write(JsonGenerator generator)
                throws IOException;
    }

    public StrictJson
    {
        requireNonNull(key, "key is null");
        requireNonNull(what, "what is null");
    }

    public String string(JsonParser parser, JsonToken value, String name)
            throws IOException
    {
        if (value != JsonToken.VALUE_STRING) {
            throw invalid("\"%s\" is not a string".formatted(name));
        }
        return parser.getText();
    }

    public long number(JsonParser parser, JsonToken value, String name)
            throws IOException
    {
        if (value != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw invalid("\"%s\" is not an integer".formatted(name));
        }
        return parser.getLongValue();
    }

    public void expectObject(JsonToken value, String name)
    {
        if (value != JsonToken.START_OBJECT) {
            throw invalid("\"%s\" is not an object".formatted(name));
        }
    }

    /**
     * Reads a map of objects {@code {"<name>": {...}, ...}} (the parser stands on its first token, {@code value}):
     * {@code where} and every member must be objects, each read by {@code reader}.
     */
    public <T> Map<String, T> readObjects(JsonParser parser, JsonToken value, String where, ObjectReader<T> reader)
            throws IOException
    {
        expectObject(value, where);
        Map<String, T> objects = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            String objectWhere = where + "." + name;
            expectObject(parser.nextToken(), objectWhere);
            objects.put(name, reader.read(name, objectWhere));
        }
        return objects;
    }

    /**
     * Checks the object's first token.
     */
    public void expectTopLevelObject(JsonParser parser)
            throws IOException
    {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw invalid("not a JSON object");
        }
    }

    /**
     * Reads a versioned document {@code {"version": <version>, "<member>": {...}}}: other members are skipped; a
     * missing or other version, or a missing member, is invalid.
     */
    public <T> T parseVersioned(byte[] content, long version, String member, MemberReader<T> reader)
    {
        Long foundVersion = null;
        T value = null;
        try (JsonParser parser = JSON_FACTORY.createParser(content)) {
            expectTopLevelObject(parser);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                if (name.equals("version")) {
                    foundVersion = number(parser, token, name);
                }
                else if (name.equals(member)) {
                    value = reader.read(this, parser, token);
                }
                else {
                    parser.skipChildren();
                }
            }
        }
        catch (IOException e) {
            throw invalid(e.getMessage());
        }
        if (foundVersion == null || foundVersion != version) {
            throw invalid("\"version\" is not %s".formatted(version));
        }
        if (value == null) {
            throw invalid("missing object \"%s\"".formatted(member));
        }
        return value;
    }

    /**
     * Writes a versioned document {@code {"version": <version>, "log": "<log file name>", "<member>": {...}}}, what
     * {@link #parseVersioned} reads.
     */
    public static byte[] writeVersioned(long version, String logName, String member, MemberWriter writer)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = JSON_FACTORY.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeNumberField("version", version);
            generator.writeStringField("log", logName);
            generator.writeObjectFieldStart(member);
            writer.write(generator);
            generator.writeEndObject();
            generator.writeEndObject();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public InvalidMetadataObjectException invalid(String reason)
    {
        return new InvalidMetadataObjectException(key, "Invalid %s %s: %s".formatted(what, key, reason));
    }
}
