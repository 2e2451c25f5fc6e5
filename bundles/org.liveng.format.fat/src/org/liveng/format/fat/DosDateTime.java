package org.liveng.format.fat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * A FAT directory entry timestamp (fatgen103 §6.1 "Date and Time Formats").
 *
 * <pre>
 * date  bits 15-9 year since 1980 (0-127), bits 8-5 month (1-12), bits 4-0 day (1-31)
 * time  bits 15-11 hours (0-23), bits 10-5 minutes (0-59), bits 4-0 seconds / 2 (0-29)
 * tenth creation time fine resolution, 0-199 units of 10 ms (DIR_CrtTimeTenth only)
 * </pre>
 *
 * FAT stores local time without a zone; liveng writes and reads UTC so that an
 * image built from a given SOURCE_DATE_EPOCH is the same everywhere.
 *
 * @param date the 16-bit date field
 * @param time the 16-bit time field
 * @param tenth the creation time tenths field
 */
public record DosDateTime(int date, int time, int tenth) {

    /** 1980-01-01T00:00:00Z, the earliest representable instant. */
    public static final long MIN_EPOCH_SECOND = 315532800L;
    /** 2107-12-31T23:59:59Z, the latest representable instant. */
    public static final long MAX_EPOCH_SECOND = 4354819199L;

    /**
     * The timestamp of an instant given in seconds since 1970 (SOURCE_DATE_EPOCH), in UTC.
     * Instants before 1980 are clamped to 1980-01-01 00:00:00 and after 2107 to
     * 2107-12-31 23:59:58, the range FAT can hold.
     */
    public static DosDateTime ofEpochSecond(long epochSecond) {
        long s = Math.max(MIN_EPOCH_SECOND, Math.min(MAX_EPOCH_SECOND, epochSecond));
        LocalDateTime t = LocalDateTime.ofEpochSecond(s, 0, ZoneOffset.UTC);
        int date = ((t.getYear() - 1980) << 9) | (t.getMonthValue() << 5) | t.getDayOfMonth();
        int time = (t.getHour() << 11) | (t.getMinute() << 5) | (t.getSecond() / 2);
        return new DosDateTime(date, time, (t.getSecond() % 2) * 100);
    }

    /** The instant (UTC) these fields denote, or {@code null} when they are not a valid date. */
    public Instant toInstant() {
        int year = 1980 + ((date >>> 9) & 0x7F);
        int month = (date >>> 5) & 0x0F;
        int day = date & 0x1F;
        int hour = (time >>> 11) & 0x1F;
        int minute = (time >>> 5) & 0x3F;
        int second = (time & 0x1F) * 2;
        if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        try {
            LocalDateTime t = LocalDateTime.of(year, month, day, hour, minute, second);
            int tenths = Math.min(tenth, 199);
            return t.toInstant(ZoneOffset.UTC).plusMillis(tenths * 10L);
        } catch (java.time.DateTimeException e) {
            return null; // e.g. February 30
        }
    }
}
