package org.liveng.format.iso9660;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * A 17-byte "dec-datetime" of a volume descriptor (ECMA-119 §8.4.26.1), also used by the
 * long form of the Rock Ridge TF entry (RRIP §4.1.6).
 *
 * <pre>
 * offset len  field
 *  0      4   year        "0001".."9999" as ASCII digits
 *  4      2   month       "01".."12"
 *  6      2   day         "01".."31"
 *  8      2   hour        "00".."23"
 * 10      2   minute      "00".."59"
 * 12      2   second      "00".."59"
 * 14      2   hundredths  "00".."99"
 * 16      1   GMT offset  signed, 15-minute intervals from -48 (west) to +52 (east)
 * </pre>
 *
 * "Not specified" is all sixteen digits '0' and offset 0.
 *
 * @param digits the 16 raw characters exactly as stored (ISO-8859-1 decoded, not validated)
 * @param gmtOffsetQuarterHours the signed GMT offset byte
 * @param instant the point in time, or {@code null} when unset or not a valid date
 */
public record DecDateTime(String digits, int gmtOffsetQuarterHours, Instant instant) {

    /** Size of the field in bytes. */
    public static final int LENGTH = 17;
    private static final String UNSET_DIGITS = "0000000000000000";

    static DecDateTime parse(ByteBuffer b, int pos) {
        byte[] raw = IsoBytes.bytes(b, pos, 16);
        String digits = new String(raw, StandardCharsets.ISO_8859_1);
        int offset = b.get(pos + 16);
        return new DecDateTime(digits, offset, toInstant(digits, offset));
    }

    /** True if this is the ECMA-119 "not specified" value (all digits '0', offset 0). */
    public boolean isUnset() {
        return UNSET_DIGITS.equals(digits) && gmtOffsetQuarterHours == 0;
    }

    /** True if all sixteen characters are ASCII digits. */
    public boolean isAllDigits() {
        return digits.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static Instant toInstant(String d, int offsetQuarters) {
        if (!d.chars().allMatch(c -> c >= '0' && c <= '9') || UNSET_DIGITS.equals(d)) {
            return null;
        }
        if (offsetQuarters < -48 || offsetQuarters > 52) {
            return null;
        }
        try {
            LocalDateTime t = LocalDateTime.of(Integer.parseInt(d.substring(0, 4)), Integer.parseInt(d.substring(4, 6)),
                    Integer.parseInt(d.substring(6, 8)), Integer.parseInt(d.substring(8, 10)),
                    Integer.parseInt(d.substring(10, 12)), Integer.parseInt(d.substring(12, 14)),
                    Integer.parseInt(d.substring(14, 16)) * 10_000_000);
            return t.toInstant(ZoneOffset.ofTotalSeconds(offsetQuarters * 15 * 60));
        } catch (DateTimeException e) {
            return null;
        }
    }

    /**
     * The 7-byte "recording date and time" of a directory record (ECMA-119 §9.1.5), also the
     * short form of the Rock Ridge TF entry.
     *
     * <pre>
     * 0 years since 1900, 1 month, 2 day, 3 hour, 4 minute, 5 second,
     * 6 GMT offset (signed, 15-minute intervals)
     * </pre>
     *
     * @return the instant, or {@code null} if all zero (unset) or invalid
     */
    static Instant parseShort(ByteBuffer b, int pos) {
        int year = IsoBytes.u8(b, pos);
        int month = IsoBytes.u8(b, pos + 1);
        int day = IsoBytes.u8(b, pos + 2);
        int hour = IsoBytes.u8(b, pos + 3);
        int minute = IsoBytes.u8(b, pos + 4);
        int second = IsoBytes.u8(b, pos + 5);
        int offset = b.get(pos + 6);
        if (month == 0 && day == 0) {
            return null;
        }
        if (offset < -48 || offset > 52) {
            return null;
        }
        try {
            return LocalDateTime.of(1900 + year, month, day, hour, minute, second)
                    .toInstant(ZoneOffset.ofTotalSeconds(offset * 15 * 60));
        } catch (DateTimeException e) {
            return null;
        }
    }
}
