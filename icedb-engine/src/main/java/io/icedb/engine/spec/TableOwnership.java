package io.icedb.engine.spec;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * Which objects a table owns: exactly the keys under its own {@code P/_log/}, {@code P/_data/} and {@code P/_icedb/},
 * minus everything of another table nested inside them (a directory below {@code P/_data/} that holds its own
 * {@code _log/} or {@code _icedb/}, as a Python table placed there would). Nothing a statement on the table does may
 * delete or write a key it does not own; a file marker naming a key outside is read (Python's copied tables rely on
 * that) but never deleted.
 */
public final class TableOwnership
{
    private final String tablePrefix;
    private final Set<String> nestedTablePrefixes;

    private TableOwnership(String tablePrefix, Set<String> nestedTablePrefixes)
    {
        this.tablePrefix = requireNonNull(tablePrefix, "tablePrefix is null");
        this.nestedTablePrefixes = Set.copyOf(nestedTablePrefixes);
    }

    /**
     * Ownership without knowledge of nested tables: the table's three directories.
     */
    public static TableOwnership of(String tablePrefix)
    {
        return new TableOwnership(tablePrefix, Set.of());
    }

    /**
     * Ownership that excludes the tables nested under the table's directories, found in {@code listedKeys} (keys
     * listed under the table's prefix).
     */
    public static TableOwnership of(String tablePrefix, Collection<String> listedKeys)
    {
        return new TableOwnership(tablePrefix, nestedTablePrefixes(tablePrefix, listedKeys));
    }

    /**
     * The prefixes (with trailing slash) of tables nested below {@code P/_data/}, {@code P/_log/} or {@code P/_icedb/}:
     * every directory there that has a {@code _log} or {@code _icedb} child directory.
     */
    public static Set<String> nestedTablePrefixes(String tablePrefix, Collection<String> listedKeys)
    {
        Set<String> nested = new TreeSet<>();
        for (String directory : new String[] {TablePaths.dataPrefix(tablePrefix), TablePaths.logPrefix(tablePrefix), TablePaths.icedbPrefix(tablePrefix)}) {
            for (String key : listedKeys) {
                if (!key.startsWith(directory)) {
                    continue;
                }
                String rest = key.substring(directory.length());
                int log = rest.indexOf("/" + TablePaths.LOG_DIRECTORY + "/");
                int icedb = rest.indexOf("/" + TablePaths.ICEDB_DIRECTORY + "/");
                int at = log < 0 ? icedb : (icedb < 0 ? log : Math.min(log, icedb));
                if (at >= 0) {
                    nested.add(directory + rest.substring(0, at + 1));
                }
            }
        }
        // keep the outermost only
        Set<String> outermost = new TreeSet<>();
        for (String prefix : nested) {
            if (outermost.stream().noneMatch(prefix::startsWith)) {
                outermost.add(prefix);
            }
        }
        return outermost;
    }

    public String tablePrefix()
    {
        return tablePrefix;
    }

    public Set<String> nestedTablePrefixes()
    {
        return nestedTablePrefixes;
    }

    /**
     * Whether the table owns {@code key}: under one of its directories and not inside a nested table.
     */
    public boolean owns(String key)
    {
        requireNonNull(key, "key is null");
        if (key.contains("/../") || key.startsWith("../") || key.endsWith("/..") || key.contains("/./")) {
            return false;
        }
        boolean inside = key.startsWith(TablePaths.logPrefix(tablePrefix))
                || key.startsWith(TablePaths.dataPrefix(tablePrefix))
                || key.startsWith(TablePaths.icedbPrefix(tablePrefix));
        return inside && nestedTablePrefixes.stream().noneMatch(key::startsWith);
    }

    /**
     * Whether {@code key} is a part key the table owns: under {@code P/_data/} and not inside a nested table.
     */
    public boolean ownsPart(String key)
    {
        return key.startsWith(TablePaths.dataPrefix(tablePrefix)) && owns(key);
    }
}
