package io.icedb.engine.spec;

import java.security.SecureRandom;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The name of a log file under {@code P/_log/} (spec §1): {@code {ts}_{host}.jsonl}, or {@code {ts}_m_{host}.jsonl} for a merged log.
 * Parsed as Python does: split on {@code _}; field 0 is the timestamp; merged iff there are more than 2 fields and field 1 is {@code m}.
 * <p>
 * A name read from storage may carry any host Python accepted (even one containing {@code _}, or an empty one); names we write
 * come from {@link #forWriter}, which only takes path-safe hosts without {@code _}.
 */
public record LogFileName(long timestampMillis, boolean merged, String host)
{
    public static final String SUFFIX = ".jsonl";

    /**
     * Orders names as Python's {@code sorted} and the object store's listing do: by code point (which is UTF-8 byte order),
     * not by Java's UTF-16 {@link String#compareTo}. Names that share a prefix sort the same way as their full keys.
     */
    public static final Comparator<String> NAME_ORDER = LogFileName::compareCodePoints;

    private static final String MERGED_FIELD = "m";
    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]+");
    private static final Pattern WRITER_HOST = Pattern.compile("[A-Za-z0-9.-]+");
    private static final int MAX_WRITER_HOST_LENGTH = 200;
    private static final char[] BASE_36 = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Checks only what makes {@link #fileName()} parse back to this value: the host is no path, and an unmerged name's host
     * does not start with {@code m_} (Python would read that name as merged).
     */
    public LogFileName
    {
        requireNonNull(host, "host is null");
        if (timestampMillis < 0) {
            throw new IllegalArgumentException("timestampMillis is negative: " + timestampMillis);
        }
        if (host.indexOf('/') >= 0) {
            throw new IllegalArgumentException("host of a log file name contains '/': " + host);
        }
        if (!merged && host.startsWith(MERGED_FIELD + "_")) {
            throw new IllegalArgumentException("host of an unmerged log file name starts with 'm_', which reads as merged: " + host);
        }
    }

    /**
     * Parses a bare file name (no directory). Empty when the name is not a log file name Python could read: not ending in
     * {@code .jsonl}, containing {@code /}, or with a field 0 that is not a decimal timestamp.
     * <p>
     * A name without any {@code _}, such as {@code 123.jsonl}, is rejected: Python splits the whole name, extension included,
     * so its field 0 is {@code 123.jsonl} and {@code int()} fails on it. Python itself does not look at the extension; we skip
     * objects without {@code .jsonl}, as nothing ever writes them. The timestamp must be ASCII digits (Python's {@code int()}
     * would also take a sign or other scripts' digits; no writer produces those).
     */
    public static Optional<LogFileName> parse(String fileName)
    {
        requireNonNull(fileName, "fileName is null");
        if (!fileName.endsWith(SUFFIX) || fileName.indexOf('/') >= 0) {
            return Optional.empty();
        }
        String stem = fileName.substring(0, fileName.length() - SUFFIX.length());
        int firstSeparator = stem.indexOf('_');
        if (firstSeparator < 0) {
            return Optional.empty();
        }
        String timestamp = stem.substring(0, firstSeparator);
        if (!TIMESTAMP.matcher(timestamp).matches()) {
            return Optional.empty();
        }
        long timestampMillis;
        try {
            timestampMillis = Long.parseLong(timestamp);
        }
        catch (NumberFormatException _) {
            return Optional.empty();
        }
        String rest = stem.substring(firstSeparator + 1);
        // more than 2 fields and field 1 is exactly "m"
        if (rest.startsWith(MERGED_FIELD + "_")) {
            return Optional.of(new LogFileName(timestampMillis, true, rest.substring(MERGED_FIELD.length() + 1)));
        }
        return Optional.of(new LogFileName(timestampMillis, false, rest));
    }

    /**
     * A name for a log we write.
     *
     * @param host a path-safe writer id, usually from {@link #uniqueHost}: letters, digits, {@code -} and {@code .}, no {@code _}
     * @throws IllegalArgumentException when the host is not allowed in a name we write
     */
    public static LogFileName forWriter(long timestampMillis, boolean merged, String host)
    {
        requireNonNull(host, "host is null");
        if (host.length() > MAX_WRITER_HOST_LENGTH || !WRITER_HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("Invalid host for a log file name (1 to %s of A-Z a-z 0-9 - .): \"%s\"".formatted(MAX_WRITER_HOST_LENGTH, host));
        }
        return new LogFileName(timestampMillis, merged, host);
    }

    /**
     * A fresh host part for one writer: {@code prefix} (which may be empty), a {@code -} when it is not, and 12 random base-36 characters.
     * Retry with another one when an exclusive create finds the name taken.
     *
     * @throws IllegalArgumentException when the result would not be a valid host for {@link #forWriter}
     */
    public static String uniqueHost(String prefix)
    {
        requireNonNull(prefix, "prefix is null");
        StringBuilder host = new StringBuilder(prefix);
        if (!prefix.isEmpty()) {
            host.append('-');
        }
        for (int i = 0; i < 12; i++) {
            host.append(BASE_36[RANDOM.nextInt(BASE_36.length)]);
        }
        String result = host.toString();
        if (result.length() > MAX_WRITER_HOST_LENGTH || !WRITER_HOST.matcher(result).matches()) {
            throw new IllegalArgumentException("Invalid prefix for a log file host: \"%s\"".formatted(prefix));
        }
        return result;
    }

    /**
     * The bare file name, e.g. {@code 1795579479252_m_host.jsonl}. For every parsed name this is the name itself, except that
     * leading zeros of the timestamp are dropped; readers should keep the listed key rather than rebuild it.
     */
    public String fileName()
    {
        return timestampMillis + (merged ? "_" + MERGED_FIELD : "") + "_" + host + SUFFIX;
    }

    /**
     * The object key of this log in the table under {@code tablePrefix} ({@code P/_log/name}).
     */
    public String key(String tablePrefix)
    {
        return TablePaths.logPrefix(tablePrefix) + fileName();
    }

    private static int compareCodePoints(String left, String right)
    {
        int leftIndex = 0;
        int rightIndex = 0;
        while (leftIndex < left.length() && rightIndex < right.length()) {
            int leftCodePoint = left.codePointAt(leftIndex);
            int rightCodePoint = right.codePointAt(rightIndex);
            if (leftCodePoint != rightCodePoint) {
                return Integer.compare(leftCodePoint, rightCodePoint);
            }
            leftIndex += Character.charCount(leftCodePoint);
            rightIndex += Character.charCount(rightCodePoint);
        }
        return Integer.compare(left.length() - leftIndex, right.length() - rightIndex);
    }
}
