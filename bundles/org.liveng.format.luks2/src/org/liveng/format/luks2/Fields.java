package org.liveng.format.luks2;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.liveng.api.FormatException;

/** Typed, bounds-checked access to LUKS2 JSON members; messages name the JSON path. */
final class Fields {
    private final Map<String, Object> map;
    private final String path;
    private final long at;

    Fields(Map<String, Object> map, String path, long at) {
        this.map = map;
        this.path = path;
        this.at = at;
    }

    static Fields of(Object o, String path, long at) throws FormatException {
        if (!(o instanceof Map<?, ?>)) {
            throw new FormatException(at, "LUKS2 metadata: " + path + " is not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) o;
        return new Fields(m, path, at);
    }

    Map<String, Object> map() {
        return map;
    }

    String path() {
        return path;
    }

    boolean has(String key) {
        return map.containsKey(key);
    }

    Fields obj(String key) throws FormatException {
        return of(require(key), path + "." + key, at);
    }

    String str(String key) throws FormatException {
        Object v = require(key);
        if (!(v instanceof String s)) {
            throw error(key, "is not a string");
        }
        return s;
    }

    /** A JSON integer within {@code [min, max]}. */
    long num(String key, long min, long max) throws FormatException {
        Object v = require(key);
        if (!(v instanceof Long l)) {
            throw error(key, "is not an integer");
        }
        if (l < min || l > max) {
            throw error(key, "is " + l + ", outside " + min + ".." + max);
        }
        return l;
    }

    /** A uint64 written as a decimal string, as LUKS2 stores offsets and sizes. */
    long u64(String key) throws FormatException {
        return parseU64(str(key), key);
    }

    long parseU64(String s, String key) throws FormatException {
        if (s.isEmpty() || s.length() > 19 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw error(key, "\"" + s + "\" is not a decimal string-encoded uint64 below 2^63");
        }
        return Long.parseLong(s);
    }

    byte[] base64(String key, int maxBytes) throws FormatException {
        String s = str(key);
        if (s.length() > (maxBytes + 2) / 3 * 4) {
            throw error(key, "is longer than " + maxBytes + " bytes");
        }
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw error(key, "is not base64: " + e.getMessage());
        }
    }

    List<String> strings(String key) throws FormatException {
        Object v = require(key);
        if (!(v instanceof List<?> l) || !l.stream().allMatch(x -> x instanceof String)) {
            throw error(key, "is not an array of strings");
        }
        @SuppressWarnings("unchecked")
        List<String> r = (List<String>) l;
        return r;
    }

    private Object require(String key) throws FormatException {
        if (!map.containsKey(key)) {
            throw new FormatException(at, "LUKS2 metadata: " + path + "." + key + " is missing");
        }
        return map.get(key);
    }

    FormatException error(String key, String what) {
        return new FormatException(at, "LUKS2 metadata: " + path + "." + key + " " + what);
    }

    FormatException error(String what) {
        return new FormatException(at, "LUKS2 metadata: " + path + " " + what);
    }
}
