package io.icedb.engine.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.icedb.engine.exceptions.InvalidMetadataObjectException;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/**
 * The strict readers of the engine's own JSON objects under {@code P/_icedb/} (statistics sidecars, distinct-value
 * sketches, maintenance records): a field of the wrong JSON kind is an {@link InvalidMetadataObjectException} naming
 * the object and the field, never a coercion.
 *
 * @param key the object's key, named in every error
 * @param what what the object is, e.g. {@code statistics sidecar}: errors read "Invalid &lt;what&gt; &lt;key&gt;: ..."
 */
public record StrictJson(String key, String what)
{
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
     * Checks the object's first token.
     */
    public void expectTopLevelObject(JsonParser parser)
            throws IOException
    {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw invalid("not a JSON object");
        }
    }

    public InvalidMetadataObjectException invalid(String reason)
    {
        return new InvalidMetadataObjectException(key, "Invalid %s %s: %s".formatted(what, key, reason));
    }
}
