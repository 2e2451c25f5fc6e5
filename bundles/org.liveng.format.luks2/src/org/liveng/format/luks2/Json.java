package org.liveng.format.luks2;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.liveng.api.FormatException;

/**
 * The small JSON subset LUKS2 metadata uses (RFC 8259 without fractions or
 * exponents: every LUKS2 number is an integer), read with hard limits so a
 * hostile JSON area cannot exhaust the stack or the heap.
 *
 * <p>Values map to {@code Map<String,Object>} (insertion order kept),
 * {@code List<Object>}, {@code String}, {@code Long}, {@code Boolean} and
 * {@code null}. Written compact, as cryptsetup writes it.
 */
final class Json {
    static final int MAX_DEPTH = 32;

    private final String text;
    private final long areaOffset;
    private int pos;

    private Json(String text, long areaOffset) {
        this.text = text;
        this.areaOffset = areaOffset;
    }

    /**
     * Parses one JSON object.
     *
     * @param areaOffset where the text starts in the container, for messages
     */
    static Map<String, Object> parseObject(String text, long areaOffset) throws FormatException {
        Json j = new Json(text, areaOffset);
        j.skipWs();
        if (j.peek() != '{') {
            throw j.error("expected '{' at the start of the JSON area");
        }
        Object v = j.value(0);
        j.skipWs();
        if (j.pos != text.length()) {
            throw j.error("trailing characters after the JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        return m;
    }

    private Object value(int depth) throws FormatException {
        if (depth > MAX_DEPTH) {
            throw error("JSON nested deeper than " + MAX_DEPTH + " levels");
        }
        skipWs();
        char c = peek();
        switch (c) {
        case '{':
            return object(depth);
        case '[':
            return array(depth);
        case '"':
            return string();
        case 't':
            literal("true");
            return Boolean.TRUE;
        case 'f':
            literal("false");
            return Boolean.FALSE;
        case 'n':
            literal("null");
            return null;
        default:
            if (c == '-' || (c >= '0' && c <= '9')) {
                return number();
            }
            throw error("unexpected character '" + printable(c) + "'");
        }
    }

    private Map<String, Object> object(int depth) throws FormatException {
        pos++;
        Map<String, Object> m = new LinkedHashMap<>();
        skipWs();
        if (peek() == '}') {
            pos++;
            return m;
        }
        while (true) {
            skipWs();
            if (peek() != '"') {
                throw error("expected a member name");
            }
            String key = string();
            skipWs();
            expect(':');
            Object v = value(depth + 1);
            if (m.containsKey(key)) {
                throw error("duplicate member \"" + key + "\"");
            }
            m.put(key, v);
            skipWs();
            char c = next();
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                throw error("expected ',' or '}' in an object");
            }
        }
    }

    private List<Object> array(int depth) throws FormatException {
        pos++;
        List<Object> l = new ArrayList<>();
        skipWs();
        if (peek() == ']') {
            pos++;
            return l;
        }
        while (true) {
            l.add(value(depth + 1));
            skipWs();
            char c = next();
            if (c == ']') {
                return l;
            }
            if (c != ',') {
                throw error("expected ',' or ']' in an array");
            }
        }
    }

    private String string() throws FormatException {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = next();
            switch (e) {
            case '"', '\\', '/' -> sb.append(e);
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> {
                if (pos + 4 > text.length()) {
                    throw error("truncated \\u escape");
                }
                int cp = 0;
                for (int i = 0; i < 4; i++) {
                    int d = Character.digit(text.charAt(pos++), 16);
                    if (d < 0) {
                        throw error("bad \\u escape");
                    }
                    cp = cp * 16 + d;
                }
                sb.append((char) cp);
            }
            default -> throw error("bad escape '\\" + printable(e) + "'");
            }
        }
    }

    private Long number() throws FormatException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        if (pos < text.length() && (text.charAt(pos) == '.' || text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            throw error("fractional numbers do not occur in LUKS2 metadata");
        }
        String s = text.substring(start, pos);
        if (s.isEmpty() || s.equals("-") || s.length() > 20) {
            throw error("bad number '" + s + "'");
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw error("number out of range '" + s + "'");
        }
    }

    private void literal(String word) throws FormatException {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected literal");
        }
        pos += word.length();
    }

    private void expect(char c) throws FormatException {
        if (next() != c) {
            throw error("expected '" + c + "'");
        }
    }

    private char peek() throws FormatException {
        if (pos >= text.length()) {
            throw error("unexpected end of the JSON text");
        }
        return text.charAt(pos);
    }

    private char next() throws FormatException {
        char c = peek();
        pos++;
        return c;
    }

    private void skipWs() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private FormatException error(String what) {
        return new FormatException(areaOffset + pos, "LUKS2 JSON area at offset " + (areaOffset + pos) + ": " + what);
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }

    // ---- writing

    static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v);
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static void write(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                quote(sb, e.getKey());
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(sb, l.get(i));
            }
            sb.append(']');
        } else if (v instanceof String s) {
            quote(sb, s);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Boolean) {
            sb.append(v);
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
            case '"' -> sb.append("\\\"");
            case '\\' -> sb.append("\\\\");
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            default -> {
                if (c < 0x20) {
                    sb.append(String.format("\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            }
        }
        sb.append('"');
    }

    /** Pretty form with two-space indentation, for {@code dump --json}. */
    static String pretty(Object v) {
        StringBuilder sb = new StringBuilder();
        pretty(sb, v, 0);
        return sb.append('\n').toString();
    }

    @SuppressWarnings("unchecked")
    private static void pretty(StringBuilder sb, Object v, int indent) {
        if (v instanceof Map<?, ?> m && !m.isEmpty()) {
            sb.append("{\n");
            int i = 0;
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                sb.append("  ".repeat(indent + 1));
                quote(sb, e.getKey());
                sb.append(": ");
                pretty(sb, e.getValue(), indent + 1);
                sb.append(++i < m.size() ? ",\n" : "\n");
            }
            sb.append("  ".repeat(indent)).append('}');
        } else if (v instanceof List<?> l && !l.isEmpty()) {
            sb.append("[\n");
            for (int i = 0; i < l.size(); i++) {
                sb.append("  ".repeat(indent + 1));
                pretty(sb, l.get(i), indent + 1);
                sb.append(i + 1 < l.size() ? ",\n" : "\n");
            }
            sb.append("  ".repeat(indent)).append(']');
        } else {
            write(sb, v);
        }
    }
}
