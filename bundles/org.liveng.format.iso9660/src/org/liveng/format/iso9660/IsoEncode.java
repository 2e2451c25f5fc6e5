package org.liveng.format.iso9660;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Field encoders for the writer, the mirror of {@link IsoBytes}: both-endian numbers
 * (ECMA-119 §7.2.3, §7.3.3), space-padded character fields (§7.4) and the two date formats
 * (§8.4.26.1 and §9.1.5). All dates are written in UTC (GMT offset 0).
 */
final class IsoEncode {
    private IsoEncode() {
    }

    /** §7.2.3: little-endian then big-endian 16-bit. */
    static void both16(ByteBuffer b, int pos, int v) {
        b.duplicate().order(ByteOrder.LITTLE_ENDIAN).putShort(pos, (short) v);
        b.duplicate().order(ByteOrder.BIG_ENDIAN).putShort(pos + 2, (short) v);
    }

    /** §7.3.3: little-endian then big-endian 32-bit. */
    static void both32(ByteBuffer b, int pos, long v) {
        b.duplicate().order(ByteOrder.LITTLE_ENDIAN).putInt(pos, (int) v);
        b.duplicate().order(ByteOrder.BIG_ENDIAN).putInt(pos + 4, (int) v);
    }

    static void le32(ByteBuffer b, int pos, long v) {
        b.duplicate().order(ByteOrder.LITTLE_ENDIAN).putInt(pos, (int) v);
    }

    static void be32(ByteBuffer b, int pos, long v) {
        b.duplicate().order(ByteOrder.BIG_ENDIAN).putInt(pos, (int) v);
    }

    /** A character field padded with spaces to {@code len}. */
    static void text(ByteBuffer b, int pos, int len, String s) {
        byte[] t = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < len; i++) {
            b.put(pos + i, i < t.length ? t[i] : (byte) ' ');
        }
    }

    /** §8.4.26.1 dec-datetime from 16 digits, GMT offset 0. */
    static void decDateTime(ByteBuffer b, int pos, String digits) {
        b.put(pos, digits.getBytes(StandardCharsets.US_ASCII));
        b.put(pos + 16, (byte) 0);
    }

    /** §8.4.26.1 "not specified": sixteen '0' digits and offset 0. */
    static void decDateTimeUnset(ByteBuffer b, int pos) {
        decDateTime(b, pos, "0000000000000000");
    }

    /** §9.1.5 7-byte recording date and time (whole seconds, UTC). */
    static byte[] shortDate(Instant t) {
        LocalDateTime l = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
        return new byte[] {(byte) (l.getYear() - 1900), (byte) l.getMonthValue(), (byte) l.getDayOfMonth(),
            (byte) l.getHour(), (byte) l.getMinute(), (byte) l.getSecond(), 0};
    }

    /** Whether {@link #shortDate} can represent the instant (years 1900 to 2155). */
    static boolean shortDateFits(Instant t) {
        int y = LocalDateTime.ofInstant(t, ZoneOffset.UTC).getYear();
        return y >= 1900 && y <= 2155;
    }
}
