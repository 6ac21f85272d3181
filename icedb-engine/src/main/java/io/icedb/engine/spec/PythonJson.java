package io.icedb.engine.spec;

/**
 * Prints JSON exactly as Python's {@code json.dumps} does with its defaults ({@code ensure_ascii=True}, separators
 * {@code ", "} and {@code ": "}), so that the log files we write are byte-identical to Python IceDB's (spec §2).
 * The output is always pure ASCII.
 */
public final class PythonJson
{
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    private PythonJson() {}

    /**
     * Appends {@code value} as a quoted JSON string: {@code "} and {@code \} escaped with a backslash, the control
     * characters that have a short form as {@code \n \r \t \b \f}, and every other character outside printable
     * ASCII (space to {@code ~}) as {@code \}{@code uXXXX} in lowercase hex. A character above the BMP is already
     * a surrogate pair in a Java string, so it comes out as two escapes, as in Python.
     */
    public static String quote(String value)
    {
        StringBuilder out = new StringBuilder();
        appendString(out, value);
        return out.toString();
    }

    static void appendString(StringBuilder out, String value)
    {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c >= ' ' && c <= '~') {
                        out.append(c);
                    }
                    else {
                        out.append("\\u")
                                .append(HEX_DIGITS[(c >> 12) & 0xF])
                                .append(HEX_DIGITS[(c >> 8) & 0xF])
                                .append(HEX_DIGITS[(c >> 4) & 0xF])
                                .append(HEX_DIGITS[c & 0xF]);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Appends {@code "key": } (key, colon and the space after it).
     */
    static void appendKey(StringBuilder out, String key)
    {
        appendString(out, key);
        out.append(": ");
    }
}
