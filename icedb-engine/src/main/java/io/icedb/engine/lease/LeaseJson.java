package io.icedb.engine.lease;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.icedb.engine.exceptions.InvalidMetadataObjectException;
import io.icedb.engine.io.StrictJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * JSON of the lease objects: one small flat object each, unknown keys ignored on read.
 */
final class LeaseJson
{
    private static final JsonFactory JSON_FACTORY = new JsonFactory();

    private LeaseJson() {}

    static byte[] writeLease(LeaseRecord lease)
    {
        return write(generator -> {
            generator.writeStringField("holder", lease.holderId());
            generator.writeStringField("nonce", lease.nonce());
            generator.writeNumberField("epoch", lease.epoch());
            generator.writeNumberField("acquired_at", lease.acquiredMillis());
            generator.writeNumberField("expires_at", lease.expiresMillis());
        });
    }

    static LeaseRecord readLease(String key, byte[] content)
    {
        Map<String, Object> fields = read(key, content);
        return new LeaseRecord(
                requiredLong(key, fields, "epoch"),
                requiredString(key, fields, "holder"),
                requiredString(key, fields, "nonce"),
                requiredLong(key, fields, "acquired_at"),
                requiredLong(key, fields, "expires_at"));
    }

    static byte[] writeToken(CommitToken token)
    {
        return write(generator -> {
            generator.writeStringField("kind", token.kind().name().toLowerCase(Locale.ROOT));
            generator.writeStringField("holder", token.holderId());
            generator.writeStringField("nonce", token.nonce());
            generator.writeNumberField("holder_epoch", token.writerEpoch());
            if (token.logKey().isPresent()) {
                generator.writeStringField("log", token.logKey().get());
            }
            if (token.reason().isPresent()) {
                generator.writeStringField("reason", token.reason().get());
            }
            generator.writeNumberField("t", token.createdMillis());
        });
    }

    static CommitToken readToken(String key, byte[] content)
    {
        Map<String, Object> fields = read(key, content);
        String kindName = requiredString(key, fields, "kind");
        CommitToken.Kind kind = switch (kindName) {
            case "commit" -> CommitToken.Kind.COMMIT;
            case "seal" -> CommitToken.Kind.SEAL;
            default -> throw invalid(key, "unknown token kind \"%s\"".formatted(kindName));
        };
        Optional<String> logKey = optionalString(key, fields, "log");
        if (kind == CommitToken.Kind.COMMIT && logKey.isEmpty()) {
            throw invalid(key, "commit token without \"log\"");
        }
        return new CommitToken(
                kind,
                requiredString(key, fields, "holder"),
                requiredString(key, fields, "nonce"),
                requiredLong(key, fields, "holder_epoch"),
                logKey,
                optionalString(key, fields, "reason"),
                requiredLong(key, fields, "t"));
    }

    private interface Fields
    {
        void write(JsonGenerator generator)
                throws IOException;
    }

    private static byte[] write(Fields fields)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = JSON_FACTORY.createGenerator(out)) {
            generator.writeStartObject();
            fields.write(generator);
            generator.writeEndObject();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Map<String, Object> read(String key, byte[] content)
    {
        Map<String, Object> fields = new HashMap<>();
        try (JsonParser parser = JSON_FACTORY.createParser(content)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw invalid(key, "not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (value) {
                    case VALUE_STRING -> fields.put(name, parser.getText());
                    case VALUE_NUMBER_INT -> fields.put(name, parser.getLongValue());
                    case START_OBJECT, START_ARRAY -> parser.skipChildren();
                    default -> {}
                }
            }
        }
        catch (IOException e) {
            throw new InvalidMetadataObjectException(key, "Invalid lease object %s: %s".formatted(key, e.getMessage()), e);
        }
        return fields;
    }

    private static String requiredString(String key, Map<String, Object> fields, String name)
    {
        return optionalString(key, fields, name).orElseThrow(() -> invalid(key, "missing string \"%s\"".formatted(name)));
    }

    private static Optional<String> optionalString(String key, Map<String, Object> fields, String name)
    {
        Object value = fields.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String string) {
            return Optional.of(string);
        }
        throw invalid(key, "\"%s\" is not a string".formatted(name));
    }

    private static long requiredLong(String key, Map<String, Object> fields, String name)
    {
        if (fields.get(name) instanceof Long value) {
            return value;
        }
        throw invalid(key, "missing integer \"%s\"".formatted(name));
    }

    private static InvalidMetadataObjectException invalid(String key, String reason)
    {
        return new StrictJson(key, "lease object").invalid(reason);
    }
}
