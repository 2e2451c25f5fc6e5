package org.liveng.format.gpt;

import java.util.List;
import java.util.Objects;

import org.liveng.api.Problem;
import org.liveng.api.ProblemReport;

/**
 * What {@link GptReader} found: the disk, read from the primary table when it is valid and
 * from the backup otherwise, and everything that was wrong but did not prevent reading.
 *
 * @param disk the partition table
 * @param problems findings, in the order they were made; empty for a clean disk
 * @param primaryValid whether the primary header and array passed every check
 * @param backupValid whether the backup header and array passed every check
 * @param mbr the MBR as found in LBA 0
 * @param primaryHeader the primary header when it parsed (signature, revision, size, CRC), else {@code null}
 * @param backupHeader the backup header when it parsed, else {@code null}
 */
public record GptReadResult(GptDisk disk, List<Problem> problems, boolean primaryValid, boolean backupValid,
        ProtectiveMbr mbr, GptHeader primaryHeader, GptHeader backupHeader) {

    public GptReadResult {
        Objects.requireNonNull(disk, "disk");
        problems = List.copyOf(problems);
        Objects.requireNonNull(mbr, "mbr");
    }

    /** No problems at all. */
    public boolean isClean() {
        return problems.isEmpty();
    }

    /** Some problem has severity ERROR (the disk is readable but needs repair). */
    public boolean hasErrors() {
        return problems.stream().anyMatch(p -> p.severity() == Problem.Severity.ERROR);
    }

    /** The table was taken from the backup copy because the primary one is damaged. */
    public boolean usedBackup() {
        return !primaryValid;
    }

    /** The problems with this code. */
    public List<Problem> problems(String code) {
        return problems.stream().filter(p -> p.code().equals(code)).toList();
    }

    /** The problems as a report, to merge into a larger check. */
    public ProblemReport toReport() {
        ProblemReport r = new ProblemReport();
        problems.forEach(r::add);
        return r;
    }
}
