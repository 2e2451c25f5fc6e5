package org.liveng.core.internal.forge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The byte ranges of a target that forge wrote, merged: what verification reads back. Everything else of
 * the target is a hole of the image file or, on a device, data forge never relies on. Thread-safe.
 */
final class WrittenRanges {
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    /** Records {@code [start, end)}. */
    synchronized void add(long start, long end) {
        if (end <= start) {
            return;
        }
        Map.Entry<Long, Long> before = ranges.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
        }
        for (Map.Entry<Long, Long> e = ranges.ceilingEntry(start); e != null && e.getKey() <= end; e = ranges.ceilingEntry(start)) {
            end = Math.max(end, e.getValue());
            ranges.remove(e.getKey());
        }
        ranges.put(start, end);
    }

    /** The written parts of {@code [start, end)}, clipped to it, in order. */
    synchronized List<long[]> within(long start, long end) {
        List<long[]> out = new ArrayList<>();
        Map.Entry<Long, Long> first = ranges.floorEntry(start);
        Long from = first != null && first.getValue() > start ? first.getKey() : ranges.ceilingKey(start);
        if (from == null || from >= end) {
            return out;
        }
        for (Map.Entry<Long, Long> e : ranges.subMap(from, true, end, false).entrySet()) {
            out.add(new long[] { Math.max(start, e.getKey()), Math.min(end, e.getValue()) });
        }
        return out;
    }

    /** Bytes written inside {@code [start, end)}. */
    long bytesWithin(long start, long end) {
        return within(start, end).stream().mapToLong(r -> r[1] - r[0]).sum();
    }
}
