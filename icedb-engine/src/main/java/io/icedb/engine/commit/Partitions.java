package io.icedb.engine.commit;

import io.icedb.engine.spec.TablePaths;

/**
 * The partition of a data part (spec §1): its key between {@code P/_data/} and the file name.
 */
public final class Partitions
{
    private Partitions() {}

    /**
     * The partition path of {@code partPath}, e.g. {@code u=a/d=2023-06-07}; empty for a part directly under {@code P/_data/}.
     * A key outside the table's data prefix is cut like Python does: after the first {@code _data/}.
     */
    public static String partitionOf(String tablePrefix, String partPath)
    {
        String dataPrefix = TablePaths.dataPrefix(tablePrefix);
        String relative;
        if (partPath.startsWith(dataPrefix)) {
            relative = partPath.substring(dataPrefix.length());
        }
        else {
            int data = partPath.indexOf(TablePaths.DATA_DIRECTORY + "/");
            relative = data < 0 ? partPath : partPath.substring(data + TablePaths.DATA_DIRECTORY.length() + 1);
        }
        int lastSlash = relative.lastIndexOf('/');
        return lastSlash < 0 ? "" : relative.substring(0, lastSlash);
    }
}
