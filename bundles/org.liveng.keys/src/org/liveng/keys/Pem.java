package org.liveng.keys;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import org.liveng.api.FormatException;

/**
 * PEM (RFC 7468) in byte arrays, never in Strings, so private key material can be wiped after use.
 */
public final class Pem {
    /** One decoded PEM block. */
    public record Block(String label, byte[] der) {
    }

    private Pem() {
    }

    /** {@code -----BEGIN label-----}, base64 in 64-column lines, {@code -----END label-----}. */
    public static byte[] encode(String label, byte[] der) {
        byte[] b64 = Base64.getEncoder().encode(der);
        ByteArrayOutputStream out = new ByteArrayOutputStream(b64.length + b64.length / 64 + 80);
        out.writeBytes(("-----BEGIN " + label + "-----\n").getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < b64.length; i += 64) {
            out.write(b64, i, Math.min(64, b64.length - i));
            out.write('\n');
        }
        out.writeBytes(("-----END " + label + "-----\n").getBytes(StandardCharsets.US_ASCII));
        Arrays.fill(b64, (byte) 0);
        return out.toByteArray();
    }

    /** The first PEM block in {@code text}; the caller wipes {@code der} when it holds key material. */
    public static Block decode(byte[] text, String source) throws FormatException {
        int begin = indexOf(text, "-----BEGIN ".getBytes(StandardCharsets.US_ASCII), 0);
        if (begin < 0) {
            throw new FormatException(0, source + " is not PEM: no -----BEGIN line");
        }
        int labelStart = begin + 11;
        int labelEnd = indexOf(text, "-----".getBytes(StandardCharsets.US_ASCII), labelStart);
        if (labelEnd < 0) {
            throw new FormatException(begin, source + ": unterminated BEGIN line at byte " + begin);
        }
        String label = new String(text, labelStart, labelEnd - labelStart, StandardCharsets.US_ASCII);
        byte[] endMarker = ("-----END " + label + "-----").getBytes(StandardCharsets.US_ASCII);
        int end = indexOf(text, endMarker, labelEnd + 5);
        if (end < 0) {
            throw new FormatException(labelEnd, source + ": no -----END " + label + "----- line");
        }
        byte[] body = new byte[end - (labelEnd + 5)];
        int n = 0;
        for (int i = labelEnd + 5; i < end; i++) {
            byte c = text[i];
            if (c != '\n' && c != '\r' && c != ' ' && c != '\t') {
                body[n++] = c;
            }
        }
        byte[] compact = Arrays.copyOf(body, n);
        Arrays.fill(body, (byte) 0);
        try {
            return new Block(label, Base64.getDecoder().decode(compact));
        } catch (IllegalArgumentException e) {
            throw new FormatException(labelEnd, source + ": the base64 body of the " + label + " block is damaged");
        } finally {
            Arrays.fill(compact, (byte) 0);
        }
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
