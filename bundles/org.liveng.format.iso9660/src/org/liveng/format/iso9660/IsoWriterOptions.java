package org.liveng.format.iso9660;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;

/**
 * What {@link IsoWriter} puts into the primary volume descriptor (ECMA-119 §8.4) and how it
 * writes the tree. Immutable; made with {@link #builder()}, which validates every identifier.
 *
 * <table>
 * <caption>Options</caption>
 * <tr><th>option</th><th>default</th><th>field</th></tr>
 * <tr><td>volumeId</td><td>(required)</td><td>§8.4.6, d-characters, at most 32</td></tr>
 * <tr><td>systemId</td><td>{@code LINUX}</td><td>§8.4.5, a-characters, at most 32</td></tr>
 * <tr><td>volumeSetId</td><td>empty</td><td>§8.4.19, d-characters, at most 128</td></tr>
 * <tr><td>publisherId, dataPreparerId</td><td>empty</td><td>§8.4.20/21, a-characters, at most 128</td></tr>
 * <tr><td>applicationId</td><td>{@code LIVENG}</td><td>§8.4.22, a-characters, at most 128</td></tr>
 * <tr><td>created / modified</td><td>each defaults to the other; one is required</td><td>§8.4.26/27</td></tr>
 * <tr><td>fileTime</td><td>the modification date</td><td>recording date of every record and Rock Ridge TF</td></tr>
 * <tr><td>rockRidge</td><td>on</td><td>SUSP 1.12 / RRIP 1.12 (IEEE P1282)</td></tr>
 * <tr><td>uid, gid</td><td>0</td><td>Rock Ridge PX owner of every entry</td></tr>
 * <tr><td>systemArea</td><td>zeros</td><td>§6.2.1, at most 32768 bytes, zero padded</td></tr>
 * <tr><td>capacity</td><td>unlimited</td><td>{@link IsoWriter#plan()} fails when the image is larger</td></tr>
 * </table>
 *
 * <p>The volume modification date is what blkid and GRUB show as the filesystem UUID
 * ({@code YYYY-MM-DD-HH-mm-ss-cc}); {@link Builder#modifiedFromUuid(String)} sets it from such a
 * string digit for digit, as {@code xorrisofs --modification-date} does, so a rewritten kernel
 * slot keeps its UUID. Dates are recorded in UTC (GMT offset 0).
 */
public final class IsoWriterOptions {
    /** Largest extent written: 4 GiB minus one block (larger files become multi-extent). */
    static final long MAX_EXTENT = 0xFFFF_F800L;

    private static final Pattern UUID = Pattern.compile(
            "(\\d{4})-?(\\d{2})-?(\\d{2})-?(\\d{2})-?(\\d{2})-?(\\d{2})-?(\\d{2})");
    private static final DateTimeFormatter DIGITS = DateTimeFormatter.ofPattern("uuuuMMddHHmmss");

    private final String volumeId;
    private final String systemId;
    private final String volumeSetId;
    private final String publisherId;
    private final String dataPreparerId;
    private final String applicationId;
    private final String creationDigits;
    private final String modificationDigits;
    private final Instant fileTime;
    private final boolean rockRidge;
    private final long uid;
    private final long gid;
    private final byte[] systemArea;
    private final long capacity;
    private final long maxExtent;

    private IsoWriterOptions(Builder b, String creation, String modification, Instant fileTime) {
        this.volumeId = b.volumeId;
        this.systemId = b.systemId;
        this.volumeSetId = b.volumeSetId;
        this.publisherId = b.publisherId;
        this.dataPreparerId = b.dataPreparerId;
        this.applicationId = b.applicationId;
        this.creationDigits = creation;
        this.modificationDigits = modification;
        this.fileTime = fileTime;
        this.rockRidge = b.rockRidge;
        this.uid = b.uid;
        this.gid = b.gid;
        this.systemArea = b.systemArea.clone();
        this.capacity = b.capacity;
        this.maxExtent = b.maxExtent;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String volumeId() {
        return volumeId;
    }

    public String systemId() {
        return systemId;
    }

    public String volumeSetId() {
        return volumeSetId;
    }

    public String publisherId() {
        return publisherId;
    }

    public String dataPreparerId() {
        return dataPreparerId;
    }

    public String applicationId() {
        return applicationId;
    }

    /** The 16 digits of the volume creation date ({@code YYYYMMDDHHmmsscc}, UTC). */
    public String creationDigits() {
        return creationDigits;
    }

    /** The 16 digits of the volume modification date ({@code YYYYMMDDHHmmsscc}, UTC). */
    public String modificationDigits() {
        return modificationDigits;
    }

    /** The volume creation date. */
    public Instant created() {
        return toInstant(creationDigits);
    }

    /** The volume modification date. */
    public Instant modified() {
        return toInstant(modificationDigits);
    }

    /** The UUID blkid will report for the image: the modification date as {@code YYYY-MM-DD-HH-mm-ss-cc}. */
    public String uuid() {
        return uuidOf(modificationDigits);
    }

    /** The time recorded for entries that do not carry their own. */
    public Instant fileTime() {
        return fileTime;
    }

    public boolean rockRidge() {
        return rockRidge;
    }

    public long uid() {
        return uid;
    }

    public long gid() {
        return gid;
    }

    /** The system area as given (not padded); empty for zeros. */
    public byte[] systemArea() {
        return systemArea.clone();
    }

    /** Largest image size accepted by {@link IsoWriter#plan()} in bytes, or {@link Long#MAX_VALUE}. */
    public long capacity() {
        return capacity;
    }

    long maxExtent() {
        return maxExtent;
    }

    /** The blkid UUID string of an instant (UTC, hundredths truncated). */
    public static String uuid(Instant t) {
        return uuidOf(digits(t));
    }

    private static String uuidOf(String d) {
        return d.substring(0, 4) + "-" + d.substring(4, 6) + "-" + d.substring(6, 8) + "-" + d.substring(8, 10) + "-"
                + d.substring(10, 12) + "-" + d.substring(12, 14) + "-" + d.substring(14, 16);
    }

    /** {@code YYYYMMDDHHmmsscc} of an instant in UTC. */
    static String digits(Instant t) {
        LocalDateTime l = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
        return DIGITS.format(l) + String.format("%02d", l.getNano() / 10_000_000);
    }

    static Instant toInstant(String d) {
        return LocalDateTime.of(Integer.parseInt(d.substring(0, 4)), Integer.parseInt(d.substring(4, 6)),
                Integer.parseInt(d.substring(6, 8)), Integer.parseInt(d.substring(8, 10)),
                Integer.parseInt(d.substring(10, 12)), Integer.parseInt(d.substring(12, 14)),
                Integer.parseInt(d.substring(14, 16)) * 10_000_000).toInstant(ZoneOffset.UTC);
    }

    /** Collects options; {@link #build()} validates them all and reports every problem at once. */
    public static final class Builder {
        private String volumeId;
        private String systemId = "LINUX";
        private String volumeSetId = "";
        private String publisherId = "";
        private String dataPreparerId = "";
        private String applicationId = "LIVENG";
        private Instant created;
        private Instant modified;
        private String modifiedUuid;
        private Instant fileTime;
        private boolean rockRidge = true;
        private long uid;
        private long gid;
        private byte[] systemArea = new byte[0];
        private long capacity = Long.MAX_VALUE;
        private long maxExtent = MAX_EXTENT;

        private Builder() {
        }

        /** Volume identifier: 1 to 32 d-characters ({@code A-Z 0-9 _}), e.g. {@code LIVENG_SYSTEM2}. */
        public Builder volumeId(String id) {
            this.volumeId = id;
            return this;
        }

        /** System identifier: up to 32 a-characters. */
        public Builder systemId(String id) {
            this.systemId = id;
            return this;
        }

        /** Volume set identifier: up to 128 d-characters. */
        public Builder volumeSetId(String id) {
            this.volumeSetId = id;
            return this;
        }

        /** Publisher identifier: up to 128 a-characters. */
        public Builder publisherId(String id) {
            this.publisherId = id;
            return this;
        }

        /** Data preparer identifier: up to 128 a-characters. */
        public Builder dataPreparerId(String id) {
            this.dataPreparerId = id;
            return this;
        }

        /** Application identifier: up to 128 a-characters. */
        public Builder applicationId(String id) {
            this.applicationId = id;
            return this;
        }

        /** Volume creation date (recorded in UTC, to the hundredth of a second). */
        public Builder created(Instant t) {
            this.created = t;
            return this;
        }

        /** Volume modification date, which blkid shows as UUID (UTC, hundredths). */
        public Builder modified(Instant t) {
            this.modified = t;
            this.modifiedUuid = null;
            return this;
        }

        /**
         * Volume modification date from a blkid UUID ({@code 2024-01-01-00-00-00-00}) or its 16
         * digits without dashes ({@code 2024010100000000}), recorded digit for digit.
         */
        public Builder modifiedFromUuid(String uuid) {
            this.modifiedUuid = uuid;
            this.modified = null;
            return this;
        }

        /** The time recorded for every entry without its own (default: the modification date). */
        public Builder fileTime(Instant t) {
            this.fileTime = t;
            return this;
        }

        /** Rock Ridge extensions (default on). Without them names are 8.3 and symlinks are refused. */
        public Builder rockRidge(boolean on) {
            this.rockRidge = on;
            return this;
        }

        /** Owner recorded in Rock Ridge PX entries (default 0). */
        public Builder owner(long uid, long gid) {
            this.uid = uid;
            this.gid = gid;
            return this;
        }

        /** Bytes for the system area (sectors 0-15), at most 32768; the rest is zeros. */
        public Builder systemArea(byte[] bytes) {
            this.systemArea = bytes.clone();
            return this;
        }

        /** The space the image must fit in, in bytes (e.g. the partition size). */
        public Builder capacity(long bytes) {
            this.capacity = bytes;
            return this;
        }

        /** Test hook: split files into extents of at most this many bytes (a multiple of 2048). */
        Builder maxExtent(long bytes) {
            this.maxExtent = bytes;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws LivengException {@code USAGE} listing every invalid option
         */
        public IsoWriterOptions build() throws LivengException {
            List<String> problems = new ArrayList<>();
            if (volumeId == null || volumeId.isEmpty()) {
                problems.add("the volume id is required (1 to 32 d-characters A-Z 0-9 _)");
            } else {
                checkId(problems, "volume id", volumeId, 32, true);
            }
            checkId(problems, "system id", systemId, 32, false);
            checkId(problems, "volume set id", volumeSetId, 128, true);
            checkId(problems, "publisher id", publisherId, 128, false);
            checkId(problems, "data preparer id", dataPreparerId, 128, false);
            checkId(problems, "application id", applicationId, 128, false);
            String mod = null;
            String cre = null;
            if (modifiedUuid != null) {
                mod = parseUuid(modifiedUuid, problems);
            } else if (modified != null) {
                mod = checkedDigits("modification date", modified, problems);
            }
            if (created != null) {
                cre = checkedDigits("creation date", created, problems);
            }
            if (systemArea.length > IsoImage.SYSTEM_AREA_SIZE) {
                problems.add("the system area has " + systemArea.length + " bytes, at most "
                        + IsoImage.SYSTEM_AREA_SIZE + " fit");
            }
            if (uid < 0 || uid > 0xFFFF_FFFFL || gid < 0 || gid > 0xFFFF_FFFFL) {
                problems.add("uid/gid " + uid + "/" + gid + " do not fit 32 bits");
            }
            if (capacity <= 0) {
                problems.add("capacity " + capacity + " must be positive");
            }
            if (maxExtent <= 0 || maxExtent % VolumeDescriptor.SECTOR_SIZE != 0 || maxExtent > MAX_EXTENT) {
                problems.add("extent limit " + maxExtent + " must be a positive multiple of 2048 up to " + MAX_EXTENT);
            }
            if (mod == null && cre == null && problems.isEmpty()) {
                problems.add("set the volume modification date (the blkid UUID) or the creation date;"
                        + " the writer never reads the clock");
            }
            if (!problems.isEmpty()) {
                throw new LivengException(ErrorCodes.USAGE, "invalid ISO 9660 writer options: " + String.join("; ", problems),
                        "d-characters are A-Z 0-9 _; a-characters add space and !\"%&'()*+,-./:;<=>?");
            }
            if (mod == null) {
                mod = cre;
            }
            if (cre == null) {
                cre = mod;
            }
            Instant ft = fileTime != null ? fileTime : toInstant(mod);
            return new IsoWriterOptions(this, cre, mod, ft);
        }

        private static String checkedDigits(String what, Instant t, List<String> problems) {
            int year = LocalDateTime.ofInstant(t, ZoneOffset.UTC).getYear();
            if (year < 1 || year > 9999) {
                problems.add("the " + what + " " + t + " is outside years 0001-9999");
                return null;
            }
            return digits(t);
        }

        private static String parseUuid(String uuid, List<String> problems) {
            Matcher m = UUID.matcher(uuid);
            if (!m.matches()) {
                problems.add("'" + uuid + "' is not an ISO 9660 UUID: expected YYYY-MM-DD-HH-mm-ss-cc"
                        + " (e.g. 2024-01-01-00-00-00-00) or its 16 digits");
                return null;
            }
            StringBuilder d = new StringBuilder(16);
            for (int i = 1; i <= 7; i++) {
                d.append(m.group(i));
            }
            try {
                toInstant(d.toString());
            } catch (DateTimeException e) {
                problems.add("UUID '" + uuid + "' is not a valid date and time: " + e.getMessage());
                return null;
            }
            if (d.toString().startsWith("0000")) {
                problems.add("UUID '" + uuid + "' has year 0000");
                return null;
            }
            return d.toString();
        }
    }

    /** a-characters (ECMA-119 §7.4.1, Annex A): d-characters, space and {@code !"%&'()*+,-./:;<=>?}. */
    static boolean isACharacter(char c) {
        return isDCharacter(c) || " !\"%&'()*+,-./:;<=>?".indexOf(c) >= 0;
    }

    /** d-characters (ECMA-119 §7.4.1): {@code A-Z 0-9 _}. */
    static boolean isDCharacter(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static void checkId(List<String> problems, String what, String value, int max, boolean dChars) {
        if (value == null) {
            problems.add("the " + what + " is null");
            return;
        }
        if (value.length() > max) {
            problems.add("the " + what + " '" + value + "' has " + value.length() + " characters, at most " + max + " fit");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (dChars ? !isDCharacter(c) : !isACharacter(c)) {
                problems.add("the " + what + " '" + value + "' has character '" + printable(c) + "' at index " + i
                        + ", only " + (dChars ? "d-characters (A-Z 0-9 _)" : "a-characters (A-Z 0-9 _ space !\"%&'()*+,-./:;<=>?)")
                        + " are allowed" + (Character.isLowerCase(c) ? " (use upper case)" : ""));
                return;
            }
        }
    }

    private static String printable(char c) {
        return c < 0x20 || c > 0x7E ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}
