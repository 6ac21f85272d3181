package io.icedb.engine.spec;

/**
 * Object keys of one table (spec §1). {@code tablePrefix} is the table's key prefix {@code P} in its bucket, without trailing slash
 * (empty for a table at the root of a bucket).
 */
public final class TablePaths
{
    public static final String LOG_DIRECTORY = "_log";
    public static final String DATA_DIRECTORY = "_data";
    /**
     * Our own metadata (properties, lease): never under {@code _log}, which Python lists without a trailing slash.
     */
    public static final String ICEDB_DIRECTORY = "_icedb";

    private TablePaths() {}

    /**
     * {@code P/_log/} with the trailing slash, as the reader lists it.
     */
    public static String logPrefix(String tablePrefix)
    {
        return child(tablePrefix, LOG_DIRECTORY) + "/";
    }

    public static String dataPrefix(String tablePrefix)
    {
        return child(tablePrefix, DATA_DIRECTORY) + "/";
    }

    public static String icedbPrefix(String tablePrefix)
    {
        return child(tablePrefix, ICEDB_DIRECTORY) + "/";
    }

    private static String child(String tablePrefix, String name)
    {
        return tablePrefix.isEmpty() ? name : tablePrefix + "/" + name;
    }
}
