package io.icedb.engine.exceptions;

import static java.util.Objects.requireNonNull;

/**
 * The same column with two different type strings (spec §3 step 4).
 */
public final class SchemaConflictException
        extends IcedbException
{
    private final String column;
    private final String existingType;
    private final String conflictingType;
    private final String logKey;

    public SchemaConflictException(String column, String existingType, String conflictingType, String logKey)
    {
        super("Schema conflict for column '%s': type %s, but log file %s says %s".formatted(column, existingType, logKey, conflictingType));
        this.column = requireNonNull(column, "column is null");
        this.existingType = requireNonNull(existingType, "existingType is null");
        this.conflictingType = requireNonNull(conflictingType, "conflictingType is null");
        this.logKey = requireNonNull(logKey, "logKey is null");
    }

    public String column()
    {
        return column;
    }

    public String existingType()
    {
        return existingType;
    }

    public String conflictingType()
    {
        return conflictingType;
    }

    public String logKey()
    {
        return logKey;
    }
}
