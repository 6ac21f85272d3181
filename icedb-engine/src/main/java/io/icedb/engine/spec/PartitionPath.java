package io.icedb.engine.spec;

import io.icedb.engine.exceptions.InvalidPartitionPathException;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The partition of a data part: the directories between {@code P/_data/} and the part's file name, e.g.
 * {@code u=user_a/d=2023-06-07}, and the Hive keys it names. Python's partition function returns any string, so segments
 * without {@code =} are kept in {@link #partition()} but are not keys. Values are escaped and unescaped like Hive's
 * {@code FileUtils.escapePathName}/{@code unescapePathName}; a NULL or empty value is {@value #HIVE_DEFAULT_PARTITION}.
 */
public record PartitionPath(String partition, List<HiveKey> keys)
{
    public static final String HIVE_DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__";

    private static final PartitionPath UNPARTITIONED = new PartitionPath("", List.of());

    public PartitionPath
    {
        requireNonNull(partition, "partition is null");
        keys = List.copyOf(keys);
    }

    /**
     * One {@code key=value} segment; an empty value is NULL (also what an empty string becomes, as in Hive).
     */
    public record HiveKey(String name, Optional<String> value)
    {
        public HiveKey
        {
            requireNonNull(name, "name is null");
            requireNonNull(value, "value is null");
        }

        public static HiveKey of(String name, String value)
        {
            return new HiveKey(name, Optional.of(value));
        }

        public static HiveKey nullValue(String name)
        {
            return new HiveKey(name, Optional.empty());
        }
    }

    public static PartitionPath unpartitioned()
    {
        return UNPARTITIONED;
    }

    /**
     * The partition of data part {@code dataKey} = {@code P/_data/<partition>/<file>} of the table at {@code tablePrefix}.
     *
     * @throws InvalidPartitionPathException when the key is not under the table's data directory or has no file name
     */
    public static PartitionPath ofDataKey(String tablePrefix, String dataKey)
    {
        requireNonNull(tablePrefix, "tablePrefix is null");
        requireNonNull(dataKey, "dataKey is null");
        String dataPrefix = TablePaths.dataPrefix(tablePrefix);
        if (!dataKey.startsWith(dataPrefix)) {
            throw new InvalidPartitionPathException("Data part key %s is not under the data directory %s of the table %s".formatted(dataKey, dataPrefix, tablePrefix));
        }
        if (dataKey.endsWith("/")) {
            throw new InvalidPartitionPathException("Data part key %s of the table %s has no file name".formatted(dataKey, tablePrefix));
        }
        return parse(partitionOf(tablePrefix, dataKey));
    }

    /**
     * The one rule for the partition of a part (spec §1): its key between {@code P/_data/} and the file name, e.g.
     * {@code u=a/d=2023-06-07}; empty for a part directly under {@code P/_data/}. A key outside the table's data prefix
     * is cut like Python does: after the first {@code _data/}.
     */
    public static String partitionOf(String tablePrefix, String partKey)
    {
        requireNonNull(tablePrefix, "tablePrefix is null");
        requireNonNull(partKey, "partKey is null");
        String dataPrefix = TablePaths.dataPrefix(tablePrefix);
        String relative;
        if (partKey.startsWith(dataPrefix)) {
            relative = partKey.substring(dataPrefix.length());
        }
        else {
            int data = partKey.indexOf(TablePaths.DATA_DIRECTORY + "/");
            relative = data < 0 ? partKey : partKey.substring(data + TablePaths.DATA_DIRECTORY.length() + 1);
        }
        int lastSlash = relative.lastIndexOf('/');
        return lastSlash < 0 ? "" : relative.substring(0, lastSlash);
    }

    /**
     * The key of a new part, named by a random UUID, in {@code partition} of the table at {@code tablePrefix}: the one
     * way data keys are made (spec §1).
     */
    public static String newDataKey(String tablePrefix, String partition)
    {
        return parse(partition).dataKey(tablePrefix, UUID.randomUUID() + ".parquet");
    }

    /**
     * Reads the Hive keys of a partition string: every {@code /}-separated segment with {@code =} after a non-empty
     * name is a key, name and value unescaped.
     */
    public static PartitionPath parse(String partition)
    {
        requireNonNull(partition, "partition is null");
        if (partition.isEmpty()) {
            return UNPARTITIONED;
        }
        List<HiveKey> keys = new ArrayList<>();
        for (String segment : partition.split("/", -1)) {
            int equals = segment.indexOf('=');
            if (equals <= 0) {
                continue;
            }
            String name = unescapePathName(segment.substring(0, equals));
            String value = segment.substring(equals + 1);
            if (value.equals(HIVE_DEFAULT_PARTITION)) {
                keys.add(HiveKey.nullValue(name));
            }
            else {
                keys.add(HiveKey.of(name, unescapePathName(value)));
            }
        }
        return new PartitionPath(partition, keys);
    }

    /**
     * The partition path {@code k1=v1/k2=v2} of these keys in this order, each name and value escaped so that it stays
     * inside its own segment: no value can add a directory level, and no segment is {@code ..}, {@code .} or empty
     * (every segment contains {@code =} after a non-empty name).
     */
    public static PartitionPath build(List<HiveKey> keys)
    {
        requireNonNull(keys, "keys is null");
        StringBuilder path = new StringBuilder();
        for (HiveKey key : keys) {
            if (key.name().isEmpty()) {
                throw new InvalidPartitionPathException("Partition key name is empty in %s".formatted(keys));
            }
            if (!path.isEmpty()) {
                path.append('/');
            }
            path.append(escapePathName(key.name())).append('=').append(escapePathName(key.value().orElse("")));
        }
        return new PartitionPath(path.toString(), keys);
    }

    /**
     * The key of a part named {@code fileName} in this partition of the table at {@code tablePrefix}.
     */
    public String dataKey(String tablePrefix, String fileName)
    {
        requireNonNull(fileName, "fileName is null");
        if (fileName.isEmpty() || fileName.contains("/") || fileName.equals(".") || fileName.equals("..")) {
            throw new InvalidPartitionPathException("Invalid data part file name '%s' in partition '%s'".formatted(fileName, partition));
        }
        String dataPrefix = TablePaths.dataPrefix(tablePrefix);
        return partition.isEmpty() ? dataPrefix + fileName : dataPrefix + partition + "/" + fileName;
    }

    /**
     * Hive's {@code FileUtils.escapePathName}: NULL and empty become {@value #HIVE_DEFAULT_PARTITION}; the characters
     * 0x00-0x1F and 0x7F and Hive's punctuation set (see needsEscaping) become {@code %XX} (upper-case hex); all others, including
     * {@code .}, space and non-ASCII, stay as they are.
     */
    public static String escapePathName(String value)
    {
        if (value == null || value.isEmpty()) {
            return HIVE_DEFAULT_PARTITION;
        }
        StringBuilder escaped = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (needsEscaping(c)) {
                escaped.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
            }
            else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /**
     * Hive's {@code FileUtils.unescapePathName}: every {@code %} followed by two hex digits becomes that character;
     * any other {@code %} stays as it is.
     */
    public static String unescapePathName(String path)
    {
        requireNonNull(path, "path is null");
        int first = path.indexOf('%');
        if (first < 0) {
            return path;
        }
        StringBuilder unescaped = new StringBuilder(path.length());
        unescaped.append(path, 0, first);
        for (int i = first; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < path.length() && HexFormat.isHexDigit(path.charAt(i + 1)) && HexFormat.isHexDigit(path.charAt(i + 2))) {
                unescaped.append((char) HexFormat.fromHexDigits(path, i + 1, i + 3));
                i += 2;
            }
            else {
                unescaped.append(c);
            }
        }
        return unescaped.toString();
    }

    private static boolean needsEscaping(char c)
    {
        return c < 0x20 || c == 0x7F || "\"#%'*/:=?\\{[]^".indexOf(c) >= 0;
    }
}
