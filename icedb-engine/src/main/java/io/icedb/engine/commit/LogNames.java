package io.icedb.engine.commit;

import io.icedb.engine.spec.LogFileName;

/**
 * Names of the logs we write (spec §1).
 */
final class LogNames
{
    private LogNames() {}

    /**
     * @throws IllegalArgumentException when {@code host} would make a name Python parses differently
     */
    static LogFileName logName(long timestampMillis, boolean merged, String host)
    {
        checkHost(host);
        if (timestampMillis < 0) {
            throw new IllegalArgumentException("Log timestamp must not be negative: " + timestampMillis);
        }
        return new LogFileName(timestampMillis, merged, host);
    }

    static void checkHost(String host)
    {
        if (host == null || host.isEmpty() || host.indexOf('_') >= 0 || host.indexOf('/') >= 0) {
            throw new IllegalArgumentException("Invalid log writer host '%s': it must be non-empty and contain no '_' or '/'".formatted(host));
        }
    }
}
