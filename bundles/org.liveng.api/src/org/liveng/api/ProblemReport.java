package org.liveng.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects several {@link Problem}s instead of stopping at the first, so a user
 * sees everything that is wrong at once.
 */
public final class ProblemReport {
    private final List<Problem> problems = new ArrayList<>();

    public ProblemReport add(Problem problem) {
        problems.add(problem);
        return this;
    }

    public ProblemReport error(String code, String where, String message, String hint) {
        return add(new Problem(Problem.Severity.ERROR, code, where, message, hint));
    }

    public ProblemReport warning(String code, String where, String message, String hint) {
        return add(new Problem(Problem.Severity.WARNING, code, where, message, hint));
    }

    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(p -> p.severity() == Problem.Severity.ERROR);
    }

    /**
     * Throws when any error was recorded; the exception message lists every
     * error, one per line, and its hint is the first error's hint.
     */
    public void throwIfErrors(String code, String summary) throws LivengException {
        if (!hasErrors()) {
            return;
        }
        StringBuilder sb = new StringBuilder(summary);
        String hint = null;
        for (Problem p : problems) {
            if (p.severity() == Problem.Severity.ERROR) {
                sb.append("\n  - ");
                if (p.where() != null) {
                    sb.append(p.where()).append(": ");
                }
                sb.append(p.message());
                if (hint == null) {
                    hint = p.hint();
                }
            }
        }
        throw new LivengException(code, sb.toString(), hint);
    }
}
