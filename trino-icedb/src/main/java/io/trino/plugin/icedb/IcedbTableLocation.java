package io.trino.plugin.icedb;

import io.trino.filesystem.Location;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * Where a table lives: the storage root that plays the bucket ({@code s3://bucket/}, {@code local:///}) and the
 * table's key prefix inside it. File markers in a log are keys relative to that root.
 *
 * @param root scheme and authority with a trailing slash, e.g. {@code s3://warehouse/}
 * @param prefix the table's key prefix without leading or trailing slash, e.g. {@code analytics/events}
 */
public record IcedbTableLocation(String root, String prefix)
{
    public IcedbTableLocation
    {
        requireNonNull(root, "root is null");
        requireNonNull(prefix, "prefix is null");
        checkArgument(root.endsWith("/"), "root does not end with a slash: %s", root);
        checkArgument(!prefix.startsWith("/") && !prefix.endsWith("/"), "invalid table prefix: %s", prefix);
    }

    public static IcedbTableLocation parse(String location)
    {
        int authorityStart = location.indexOf("://");
        // s3://bucket: Trino wants a path after the authority, even an empty one
        boolean needsSlash = authorityStart > 0 && location.indexOf('/', authorityStart + 3) < 0;
        Location parsed = Location.of(needsSlash ? location + "/" : location);
        String scheme = parsed.scheme().orElseThrow(() -> new IllegalArgumentException("Location has no scheme: " + location));
        StringBuilder root = new StringBuilder(scheme).append("://");
        parsed.userInfo().ifPresent(userInfo -> root.append(userInfo).append('@'));
        parsed.host().ifPresent(root::append);
        if (parsed.port().isPresent()) {
            root.append(':').append(parsed.port().getAsInt());
        }
        root.append('/');
        String path = parsed.path();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        return new IcedbTableLocation(root.toString(), path);
    }

    public String location()
    {
        return root + prefix;
    }

    /**
     * The table's directory, with a trailing slash.
     */
    public Location directory()
    {
        return Location.of(prefix.isEmpty() ? root : root + prefix + "/");
    }

    public Location keyLocation(String key)
    {
        return Location.of(root + key);
    }

    public IcedbTableLocation child(String name)
    {
        return new IcedbTableLocation(root, prefix.isEmpty() ? name : prefix + "/" + name);
    }

    @Override
    public String toString()
    {
        return location();
    }
}
