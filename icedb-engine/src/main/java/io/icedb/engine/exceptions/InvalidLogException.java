package io.icedb.engine.exceptions;

import static java.util.Objects.requireNonNull;

/**
 * A log file that is not valid JSON lines or lacks what spec §2 requires.
 */
public final class InvalidLogException
        extends IcedbException
{
    private final String logKey;

    public InvalidLogException(String logKey, String reason)
    {
        super("Invalid IceDB log file %s: %s".formatted(logKey, reason));
        this.logKey = requireNonNull(logKey, "logKey is null");
    }

    public InvalidLogException(String logKey, String reason, Throwable cause)
    {
        super("Invalid IceDB log file %s: %s".formatted(logKey, reason), cause);
        this.logKey = requireNonNull(logKey, "logKey is null");
    }

    public String logKey()
    {
        return logKey;
    }
}
