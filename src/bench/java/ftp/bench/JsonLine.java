package ftp.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scenario's result as an ordered set of fields, printed as one line of JSON. Values are strings, numbers,
 * booleans, null, lists of those, or nested lines. One thread at a time.
 */
final class JsonLine {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    JsonLine put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    JsonLine putAll(JsonLine other) {
        fields.putAll(other.fields);
        return this;
    }

    Object get(String key) {
        return fields.get(key);
    }

    boolean has(String key) {
        return fields.containsKey(key);
    }

    /** {@code x} rounded to {@code digits} decimals, or null for null and non-finite values. */
    static Double round(Double x, int digits) {
        if (x == null || x.isNaN() || x.isInfinite()) {
            return null;
        }
        double scale = Math.pow(10, digits);
        return Math.round(x * scale) / scale;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        write(b, this);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof JsonLine j) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : j.fields.entrySet()) {
                if (!first) {
                    b.append(", ");
                }
                first = false;
                string(b, e.getKey());
                b.append(": ");
                write(b, e.getValue());
            }
            b.append('}');
        } else if (v instanceof List<?> list) {
            b.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    b.append(", ");
                }
                write(b, list.get(i));
            }
            b.append(']');
        } else if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                b.append("null");
            } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                b.append((long) (double) d).append(".0");
            } else {
                b.append(d);
            }
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else {
            string(b, v.toString());
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
