package io.icedb.engine.spec;

import io.icedb.engine.exceptions.InvalidLogException;

/**
 * Reads and writes log files (spec §2): lenient on input, byte-identical to Python's {@code json.dumps} on output.
 */
public final class LogFileParser
{
    private LogFileParser() {}

    /**
     * @param logKey the object's key, named in errors
     * @throws InvalidLogException when the content is not a log file
     */
    public static LogFile parse(String logKey, byte[] content)
    {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * The exact bytes Python IceDB would write for this log: lines joined by {@code \n}, no trailing newline.
     */
    public static byte[] write(LogFile logFile)
    {
        throw new UnsupportedOperationException("TODO");
    }
}
