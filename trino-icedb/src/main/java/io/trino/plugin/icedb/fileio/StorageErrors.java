package io.trino.plugin.icedb.fileio;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Locale.ENGLISH;
import static java.util.Objects.requireNonNull;

/**
 * Storage errors that say what failed, why and where: the file system's message, the root cause (a refused
 * connection, a timeout, an S3 error code) and the configured endpoint — and never a secret of the catalog's
 * configuration (every configured value whose key names a secret, key, password or token is masked).
 *
 * @param endpoint the catalog's {@code s3.endpoint} (or another file system's endpoint), if set
 * @param secrets values to mask in every message
 */
public record StorageErrors(Optional<String> endpoint, Set<String> secrets)
{
    public static final StorageErrors NONE = new StorageErrors(Optional.empty(), Set.of());

    public StorageErrors
    {
        requireNonNull(endpoint, "endpoint is null");
        secrets = secrets.stream().filter(secret -> secret.length() >= 4).collect(Collectors.toUnmodifiableSet());
    }

    public static StorageErrors fromCatalogConfig(Map<String, String> config)
    {
        Optional<String> endpoint = Optional.ofNullable(config.get("s3.endpoint"))
                .or(() -> Optional.ofNullable(config.get("gcs.endpoint")))
                .or(() -> Optional.ofNullable(config.get("azure.endpoint")));
        Set<String> secrets = config.entrySet().stream()
                .filter(entry -> isSecretKey(entry.getKey()))
                .map(Map.Entry::getValue)
                .collect(Collectors.toUnmodifiableSet());
        return new StorageErrors(endpoint, secrets);
    }

    private static boolean isSecretKey(String key)
    {
        String lower = key.toLowerCase(ENGLISH);
        return lower.contains("secret") || lower.contains("password") || lower.contains("token") || lower.endsWith("key") || lower.contains("key-file") || lower.contains("json-key");
    }

    /**
     * {@code message}, then the root cause, then the endpoint: {@code Failed to list s3://b/x: SdkClientException: Unable
     * to execute HTTP request: Connection refused (endpoint http://127.0.0.1:1)}.
     */
    public String describe(String message, Throwable failure)
    {
        StringBuilder text = new StringBuilder(message);
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (failure.getMessage() != null && !message.contains(failure.getMessage())) {
            text.append(": ").append(failure.getMessage());
        }
        if (root != failure) {
            text.append(": ").append(root.getClass().getSimpleName());
            if (root.getMessage() != null) {
                text.append(": ").append(root.getMessage());
            }
        }
        endpoint.ifPresent(value -> text.append(" (endpoint ").append(value).append(")"));
        return mask(text.toString());
    }

    /**
     * An I/O failure with a message as {@link #describe}; "not found" and "already exists" keep their type and message.
     */
    public IOException wrap(IOException failure)
    {
        if (failure instanceof FileNotFoundException || failure instanceof NoSuchFileException || failure instanceof FileAlreadyExistsException) {
            return failure;
        }
        return new IOException(describe(String.valueOf(failure.getMessage()), failure), failure);
    }

    public String mask(String text)
    {
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, "****");
        }
        return masked;
    }
}
