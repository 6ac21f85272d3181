package io.trino.plugin.icedb.layout;

/**
 * How a partition key is derived from a column (table property {@code partitioning}), as in the Iceberg connector.
 */
public enum PartitionTransform
{
    IDENTITY(""),
    YEAR("_year"),
    MONTH("_month"),
    DAY("_day"),
    HOUR("_hour"),
    BUCKET("_bucket"),
    TRUNCATE("_trunc");

    private final String keySuffix;

    PartitionTransform(String keySuffix)
    {
        this.keySuffix = keySuffix;
    }

    /**
     * The Hive key of the partition path: the column name, or the column name with a suffix for a derived key.
     */
    public String keyName(String column)
    {
        return column + keySuffix;
    }

    public boolean hasParameter()
    {
        return this == BUCKET || this == TRUNCATE;
    }
}
