package io.icedb.engine.lease;

import io.icedb.engine.spec.TablePaths;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Keys of the lease objects of one table, all under {@code P/_icedb/lease/} (never under {@code P/_log}):
 * epoch objects {@code <epoch>.json} and commit tokens {@code <epoch>/commit-<seq>.json}.
 */
final class LeasePaths
{
    static final String LEASE_DIRECTORY = "lease";

    private static final Pattern EPOCH_OBJECT = Pattern.compile("([0-9]{20})\\.json");
    private static final Pattern TOKEN = Pattern.compile("([0-9]{20})/commit-([0-9]{10})\\.json");
    private static final Pattern EPOCH_DIRECTORY_CHILD = Pattern.compile("([0-9]{20})/.*");

    private final String leasePrefix;

    LeasePaths(String tablePrefix)
    {
        requireNonNull(tablePrefix, "tablePrefix is null");
        this.leasePrefix = TablePaths.icedbPrefix(tablePrefix) + LEASE_DIRECTORY + "/";
    }

    /**
     * {@code P/_icedb/lease/}, with the trailing slash.
     */
    String leasePrefix()
    {
        return leasePrefix;
    }

    String epochKey(long epoch)
    {
        return leasePrefix + "%020d.json".formatted(epoch);
    }

    String epochDirectory(long epoch)
    {
        return leasePrefix + "%020d/".formatted(epoch);
    }

    String tokenKey(long epoch, long sequence)
    {
        return epochDirectory(epoch) + "commit-%010d.json".formatted(sequence);
    }

    /**
     * The epoch of an epoch object's key; empty for any other key.
     */
    OptionalLong epochOfEpochObject(String key)
    {
        return match(EPOCH_OBJECT, key).map(matcher -> OptionalLong.of(Long.parseLong(matcher.group(1)))).orElse(OptionalLong.empty());
    }

    /**
     * The epoch and sequence number of a commit token's key; empty for any other key.
     */
    Optional<TokenKey> token(String key)
    {
        return match(TOKEN, key).map(matcher -> new TokenKey(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))));
    }

    /**
     * The epoch of any object under an epoch's directory (tokens and anything else); empty for any other key.
     */
    OptionalLong epochOfDirectoryChild(String key)
    {
        return match(EPOCH_DIRECTORY_CHILD, key).map(matcher -> OptionalLong.of(Long.parseLong(matcher.group(1)))).orElse(OptionalLong.empty());
    }

    private Optional<Matcher> match(Pattern pattern, String key)
    {
        if (!key.startsWith(leasePrefix)) {
            return Optional.empty();
        }
        Matcher matcher = pattern.matcher(key.substring(leasePrefix.length()));
        return matcher.matches() ? Optional.of(matcher) : Optional.empty();
    }

    record TokenKey(long epoch, long sequence) {}
}
