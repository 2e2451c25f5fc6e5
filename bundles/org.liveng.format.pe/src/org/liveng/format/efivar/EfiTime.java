package org.liveng.format.efivar;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import org.liveng.api.FormatException;
import org.liveng.format.pe.internal.Le;

/**
 * EFI_TIME (UEFI 2.10 §8.3): {@code Year u16, Month u8, Day u8, Hour u8,
 * Minute u8, Second u8, Pad1 u8, Nanosecond u32, TimeZone i16, Daylight u8,
 * Pad2 u8}, 16 bytes. In an authenticated variable's timestamp Pad1, Nanosecond,
 * TimeZone, Daylight and Pad2 are zero (UEFI 2.10 §8.2.2).
 */
public record EfiTime(int year, int month, int day, int hour, int minute, int second, long nanosecond, int timeZone,
        int daylight) {
    public static final int SIZE = 16;

    /** A timestamp for authenticated writes: UTC, whole seconds. */
    public static EfiTime of(Instant t) {
        ZonedDateTime z = t.atZone(ZoneOffset.UTC);
        return new EfiTime(z.getYear(), z.getMonthValue(), z.getDayOfMonth(), z.getHour(), z.getMinute(), z.getSecond(), 0, 0, 0);
    }

    public byte[] encode() {
        byte[] b = new byte[SIZE];
        Le.put16(b, 0, year);
        b[2] = (byte) month;
        b[3] = (byte) day;
        b[4] = (byte) hour;
        b[5] = (byte) minute;
        b[6] = (byte) second;
        Le.put32(b, 8, nanosecond);
        Le.put16(b, 12, timeZone);
        b[14] = (byte) daylight;
        return b;
    }

    public static EfiTime read(byte[] b, int off) throws FormatException {
        Le.require(b, off, SIZE, "EFI_TIME");
        return new EfiTime(Le.u16(b, off), Le.u8(b, off + 2), Le.u8(b, off + 3), Le.u8(b, off + 4), Le.u8(b, off + 5),
                Le.u8(b, off + 6), Le.u32(b, off + 8), (short) Le.u16(b, off + 12), Le.u8(b, off + 14));
    }
}
